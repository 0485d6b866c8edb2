"""Moment-balanced MFDs, checked against the analytic moment rate and OpenQuake's own MFDs."""

from __future__ import annotations

import math

import numpy as np
import pytest

from geoexplore.fault.hazard.mfd import (
    align_magnitude,
    batch_summaries,
    moment_rate_nm_yr,
    seismic_moment_nm,
    truncated_gr,
    youngs_coppersmith,
)


def test_moment_rate_and_hanks_kanamori():
    # mu A s = 3e10 Pa x (30 km x 15 km) x 1 mm/yr
    assert moment_rate_nm_yr(1.0, 30.0, 15.0) == pytest.approx(3e10 * 30e3 * 15e3 * 1e-3)
    assert seismic_moment_nm(6.0) == pytest.approx(10 ** 18.05)     # Hanks & Kanamori 1979 in N m
    with pytest.raises(Exception, match="slip rate"):
        moment_rate_nm_yr(0.0, 30.0, 15.0)


@pytest.mark.parametrize("b", [0.8, 1.0, 1.2])
def test_truncated_gr_carries_the_moment_rate_and_equals_openquake(b):
    oq = pytest.importorskip("openquake.hazardlib.mfd", reason="hazard extra not installed")
    mdot = moment_rate_nm_yr(0.3, 40.0, 16.0)
    m = truncated_gr(mdot, b, 5.0, 7.0, 0.1)
    assert m.moment_rate() == pytest.approx(mdot, rel=1e-12)
    # the same a and b in OpenQuake's TruncatedGRMFD give the same bins
    ref = oq.TruncatedGRMFD(5.0, 7.0, 0.1, m.a_value, b)
    mags, rates = np.array(ref.get_annual_occurrence_rates()).T
    np.testing.assert_allclose(mags, m.magnitudes, atol=1e-9)
    np.testing.assert_allclose(rates, m.rates, rtol=1e-9)
    # cumulative rate above the minimum: 10^(a - b Mmin) - 10^(a - b Mmax)
    assert m.rates.sum() == pytest.approx(10 ** (m.a_value - b * 5.0) - 10 ** (m.a_value - b * 7.0), rel=1e-12)


def test_youngs_coppersmith_against_openquake():
    """Same moment rate, b, Mmin and characteristic magnitude as OpenQuake's YoungsCoppersmith1985MFD.from_total_moment_rate."""
    oq = pytest.importorskip("openquake.hazardlib.mfd", reason="hazard extra not installed")
    mdot = moment_rate_nm_yr(0.5, 50.0, 16.0)
    m = youngs_coppersmith(mdot, 1.0, 5.0, 6.95, 0.1)
    assert m.moment_rate() == pytest.approx(mdot, rel=1e-12)
    ref = oq.YoungsCoppersmith1985MFD.from_total_moment_rate(5.0, 1.0, 6.95, mdot, 0.1)
    mags, rates = np.array(ref.get_annual_occurrence_rates()).T
    np.testing.assert_allclose(mags, m.magnitudes, atol=1e-6)
    # OpenQuake balances the continuous distribution and rescales: bins agree to a few per cent
    np.testing.assert_allclose(rates, m.rates, rtol=0.03)
    # the characteristic box holds five equal bins whose density is the exponential's 1.0 below the box
    box = m.rates[-5:]
    assert np.allclose(box, box[0])
    beta = math.log(10.0)
    assert box[0] / 0.1 == pytest.approx(beta * 10 ** (m.a_value - 1.0 * (6.7 - 1.0)), rel=1e-9)


def test_refuses_misaligned_limits():
    with pytest.raises(Exception, match="whole number"):
        truncated_gr(1e16, 1.0, 5.0, 6.93, 0.1)


def test_batch_summaries_equal_the_one_at_a_time_mfds():
    """The Monte Carlo's batch of MFDs (issue 25: one array pass) gives the rates of truncated_gr and
    youngs_coppersmith built one by one, for both kinds, b from 0.7 to 1.3 and upper magnitudes 5.6-8.1."""
    rng = np.random.default_rng(3)
    n = 300
    kinds = rng.integers(0, 2, n)
    b = rng.uniform(0.7, 1.3, n)
    mdot = 10 ** rng.uniform(14, 18, n)
    mmax = rng.uniform(5.6, 8.1, n)
    top = np.array([align_magnitude(m, 0.1, 5.0) if k == 0 else align_magnitude(m - 0.25, 0.1, 5.0) + 0.25
                    for m, k in zip(mmax, kinds)])
    got = batch_summaries(kinds, mdot, b, top, 5.0, 0.1, mag_above=6.0)
    for i in range(n):
        one = (truncated_gr(mdot[i], b[i], 5.0, top[i], 0.1) if kinds[i] == 0
               else youngs_coppersmith(mdot[i], b[i], 5.0, top[i], 0.1))
        assert got["max_mag"][i] == one.max_mag
        assert got["rate_m_min"][i] == pytest.approx(float(one.rates.sum()), rel=1e-12)
        assert got["rate_above"][i] == pytest.approx(one.rate_above(6.0), rel=1e-12, abs=1e-300)
        assert got["rate_mmax"][i] == pytest.approx(one.rate_above(one.max_mag - 0.5), rel=1e-12)
    with pytest.raises(Exception, match="not above the minimum"):
        batch_summaries(np.array([0]), np.array([1e16]), np.array([1.0]), np.array([5.0]), 5.0)
