"""Every ensemble model of the Vs inversion stays inside its bounds (issue 18: the walk folded a step back once only)."""

import numpy as np

from geoexplore.microtremor.dispersion import (
    forward,
    invert_dispersion,
    reflect_into_unit,
)


def test_reflect_into_unit_is_the_triangle_wave():
    u = np.array([0.0, 0.3, 1.0, 1.2, -0.2, 2.5, -2.5, 3.7, 40.25, -1e6 - 0.4])
    # analytic: reflect at 0 and 1 as often as needed -> distance to the nearest even integer, capped by 1
    expect = np.array([0.0, 0.3, 1.0, 0.8, 0.2, 0.5, 0.5, 0.3, 0.25, 0.4])
    assert np.allclose(reflect_into_unit(u), expect)
    rng = np.random.default_rng(0)
    big = rng.normal(scale=50.0, size=100_000)
    r = reflect_into_unit(big)
    assert r.min() >= 0.0 and r.max() <= 1.0
    inside = rng.random(1000)
    assert np.array_equal(reflect_into_unit(inside), inside)


def test_wide_acceptance_region_keeps_every_model_physical():
    """Data with huge errors accept almost the whole box: the walk's steps grow to several box widths.

    With the old single fold this case drove models out of the box (negative thicknesses, Vs below the bound).
    """
    th, vs = np.array([15.0, 30.0]), np.array([180.0, 350.0, 800.0])
    f = np.geomspace(2, 20, 12)
    c = forward(th, vs, f)
    tb, vb = (2.0, 80.0), (100.0, 1200.0)
    res = invert_dispersion(f, c, 2.0 * c, n_layers=2, thickness_bounds_m=tb, vs_bounds_m_s=vb, max_iterations=5,
                            popsize=6, seed=3, n_runs=1, n_walk=3000, n_chains=8, extremal_evaluations=300,
                            increasing_vs=False)
    t, v = res.ensemble_thickness_m, res.ensemble_vs_m_s
    assert t.shape[0] >= 500
    assert np.all(t >= tb[0]) and np.all(t <= tb[1]), (t.min(), t.max())
    assert np.all(v >= vb[0]) and np.all(v <= vb[1]), (v.min(), v.max())
    stats = res.vs30_stats()
    assert stats["min"] >= vb[0] and stats["max"] <= vb[1]
    d, _ = res.halfspace_depth()
    assert d > 0


def test_forward_is_disba_bit_for_bit():
    """forward() builds disba's model without np.r_ (issue 25, a speed-up): the velocities are exactly those of disba
    called on the same layers (the half-space as a zero thickness, km and km/s as disba takes them)."""
    from disba import PhaseDispersion

    th, vs, f = np.array([12.0, 35.0, 60.0]), np.array([180.0, 320.0, 560.0, 1100.0]), np.geomspace(1.0, 20.0, 25)
    vp = np.maximum(1500.0, 1.9 * vs)
    cur = PhaseDispersion(np.array([12.0, 35.0, 60.0, 0.0]) / 1000, vp / 1000, vs / 1000, np.full(4, 2.0))(
        np.sort(1.0 / f), mode=0, wave="rayleigh")
    ref = np.interp(1.0 / f, cur.period, cur.velocity * 1000, left=np.nan, right=np.nan)
    got = forward(th, vs, f)
    assert np.isfinite(got).sum() >= 20
    assert np.array_equal(got, ref, equal_nan=True)
