"""Double-double sums of the distributed 2D MT inversion: against exact rational arithmetic (fractions)."""

from fractions import Fraction

import numpy as np

from geoexplore.mt.invert2d_sums import (
    dd_accumulate,
    dd_add,
    dd_tree,
    dd_value,
    dd_zero,
    two_sum,
)


def _exact(vals):
    return float(sum(Fraction(float(v)) for v in vals))  # correctly rounded exact sum


def test_two_sum_is_error_free():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(1000) * 10.0 ** rng.integers(-20, 20, 1000), rng.standard_normal(1000)
    s, e = two_sum(a, b)
    for x, y, u, v in zip(a, b, s, e):
        assert Fraction(float(x)) + Fraction(float(y)) == Fraction(float(u)) + Fraction(float(v))


def test_any_grouping_gives_the_correctly_rounded_sum():
    """46 contributions of mixed sign and magnitude, grouped into 1, 2, 3 and 8 consecutive runs (as the
    shards are), each run summed sequentially and the runs pairwise: all equal the exactly rounded sum,
    where plain float64 summation in those groupings differs."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal((46, 500)) * 10.0 ** rng.integers(-8, 8, (46, 500))
    exact = np.array([_exact(x[:, j]) for j in range(x.shape[1])])
    plain = []
    for k in (1, 2, 3, 8):
        runs = np.array_split(np.arange(46), k)
        parts = []
        for r in runs:
            acc = dd_zero(x.shape[1])
            for i in r:
                acc = dd_accumulate(acc, x[i])
            parts.append(acc)
        np.testing.assert_array_equal(dd_value(dd_tree(parts)), exact)
        plain.append(sum(np.sum(x[r], axis=0) for r in runs))
    assert any(not np.array_equal(p, plain[0]) for p in plain[1:])  # the problem being solved is real


def test_dd_add_commutes():
    rng = np.random.default_rng(2)
    a, b = rng.standard_normal((2, 2, 100)) * 1e3
    a[1] *= 1e-17
    b[1] *= 1e-17
    np.testing.assert_array_equal(dd_add(a, b), dd_add(b, a))
