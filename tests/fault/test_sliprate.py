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
