"""Sums over the (mode, frequency) tasks of the distributed 2D MT inversion that do not depend on the grouping.

``J^T v`` and ``diag(J^T W^2 J)`` of the joint TE+TM inversion are sums of
one contribution per (mode, frequency) task. On Dask each worker sums the
tasks it holds and the partial sums are then added across workers, so in
plain floating point the result (and, through the Gauss-Newton CG and the
line search, the final model) depends on how the tasks were grouped:
0.045 in log10 rho between 1 and 2 workers on the full Siping setting.

Here every partial sum is carried as a double-double pair (hi, lo) with
hi + lo the sum to about 2**-104 relative to the sum of the magnitudes
(Knuth's TwoSum, Dekker's FastTwoSum: error-free transformations of one
addition). Rounded to float64 only at the end, the sum is the correctly
rounded exact sum except in the rare case where the exact sum lies within
about 2**-104 of a rounding boundary, so 1 and N workers give the same
float64 vector, bit for bit in practice.

References
----------
Knuth, D. E., The Art of Computer Programming, vol. 2, 3rd ed., 4.2.2 (TwoSum).
Dekker, T. J. (1971), A floating-point technique for extending the available
precision, Numer. Math. 18, 224-242 (FastTwoSum).
"""

from __future__ import annotations

from typing import Any

import numpy as np


def two_sum(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``s = fl(a + b)`` and the exact rounding error ``e`` (``a + b == s + e`` exactly), elementwise."""
    s = a + b
    bb = s - a
    e = (a - (s - bb)) + (b - bb)
    return s, e


def dd_add(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Sum of two double-double arrays, each ``(2, n)`` = (hi, lo); returns ``(2, n)``."""
    s, e = two_sum(x[0], y[0])
    e = e + (x[1] + y[1])
    hi = s + e
    lo = e - (hi - s)  # FastTwoSum: |s| >= |e|
    return np.stack([hi, lo])


def dd_zero(n: int) -> np.ndarray:
    """The double-double zero of length ``n``."""
    return np.zeros((2, int(n)))


def dd_accumulate(acc: np.ndarray, v: Any) -> np.ndarray:
    """``acc + v`` with ``acc`` a double-double ``(2, n)`` array and ``v`` a float64 ``(n,)`` vector."""
    return dd_add(acc, np.stack([np.asarray(v, float), np.zeros(np.shape(v))]))


def dd_value(x: np.ndarray) -> np.ndarray:
    """The float64 value ``hi + lo`` of a double-double array."""
    return x[0] + x[1]


def dd_tree(items: list[Any], add: Any = dd_add) -> Any:
    """Pairwise sum of ``items`` in the given order: ``((0+1)+(2+3))+...``; works on futures' results too."""
    items = list(items)
    while len(items) > 1:
        nxt = [add(a, b) for a, b in zip(items[::2], items[1::2])]
        if len(items) % 2:
            nxt.append(items[-1])
        items = nxt
    return items[0]
