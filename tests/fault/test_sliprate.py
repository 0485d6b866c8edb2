"""Monte Carlo slip rate against the analytic ratio and first-order error propagation."""

from __future__ import annotations

import math

import pytest

from geoexplore.fault.sliprate import slip_rate_mc


def test_exact_without_uncertainty():
    r = slip_rate_mc(6.0, 126.0, dip_deg=70.0, n_samples=500)
    assert r.vertical_mm_yr == pytest.approx(6.0 / 126.0)
    assert r.dip_slip_mm_yr == pytest.approx(6.0 / 126.0 / math.sin(math.radians(70.0)))


def test_first_order_propagation():
    t, st, a, sa = 10.0, 0.5, 100.0, 4.0
    r = slip_rate_mc(t, a, throw_sigma_m=st, age_sigma_ka=sa, n_samples=200000, seed=3)
    rel = math.hypot(st / t, sa / a)  # delta method for a ratio of independent normals
    half = 0.5 * (r.vertical_p84 - r.vertical_p16) / r.vertical_mm_yr
    assert r.vertical_mm_yr == pytest.approx(t / a, rel=0.01)
    assert half == pytest.approx(rel, rel=0.05)


def test_repeatable_with_seed():
    a = slip_rate_mc(3.0, 50.0, throw_sigma_m=1.0, age_sigma_ka=5.0, seed=7, n_samples=5000)
    b = slip_rate_mc(3.0, 50.0, throw_sigma_m=1.0, age_sigma_ka=5.0, seed=7, n_samples=5000)
    assert a == b


def test_truncation_keeps_rates_positive():
    r = slip_rate_mc(0.5, 10.0, throw_sigma_m=1.0, age_sigma_ka=8.0, n_samples=20000, seed=1)
    assert r.vertical_p16 > 0


def test_unknown_dip_is_bracketed_not_assumed():
    """Issue 23 audit: an unknown dip is drawn from the documented 30-90 deg bracket (was: 90 deg, net = vertical).
    The dip-slip rate t / (a sin d) with d ~ U(30, 90) and exact t, a: its percentiles are the analytic ones of
    1 / sin d, and the result says which dip was used."""
    from geoexplore.fault.sliprate import UNKNOWN_DIP_RANGE_DEG

    assert UNKNOWN_DIP_RANGE_DEG == (30.0, 90.0)
    r = slip_rate_mc(6.0, 126.0, n_samples=200000, seed=2)
    v = 6.0 / 126.0
    assert r.vertical_mm_yr == pytest.approx(v)
    # 1/sin d is decreasing in d, so its q-quantile is at the (1-q)-quantile of d = 30 + 60 u
    for q, got in ((0.16, r.dip_slip_p16), (0.5, r.dip_slip_mm_yr), (0.84, r.dip_slip_p84)):
        d = 30.0 + 60.0 * (1.0 - q)
        assert got == pytest.approx(v / math.sin(math.radians(d)), rel=5e-3)
    assert r.dip_source.startswith("dip unknown: uniform 30-90 deg")
    known = slip_rate_mc(6.0, 126.0, dip_deg=70.0, n_samples=500)
    assert known.dip_source == "dip 70 +- 0 deg"
