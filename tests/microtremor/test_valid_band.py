"""The array's valid band (Wathelet et al. 2008: kmin/2 and kmax) and the combination of methods by their errors.

Checks against analytic values (inverse-variance mean; the grating lobe of a uniform grid at 2 pi / d) and a disba
dispersion curve (a real forward code): no point outside the band is used, the aliased points are flagged even when
their own wavenumber looks inside the band.
"""

from __future__ import annotations

import numpy as np
import pytest

from geoexplore.microtremor.dispersion import forward
from geoexplore.microtremor.fk import array_limits
from geoexplore.microtremor.valid_band import BAND_CODES, band_code, combine_methods


def test_band_code_at_the_limits():
    kl, km, f = 0.02, 0.25, 5.0
    at = lambda k: 2 * np.pi * f / k  # noqa: E731  velocity of wavenumber k at f
    assert band_code(f, at(0.99 * kl), 1.0, kl, km) == 2
    assert band_code(f, at(1.01 * kl), 1.0, kl, km) == 0
    assert band_code(f, at(0.99 * km), 1.0, kl, km) == 0
    assert band_code(f, at(1.01 * km), 1.0, kl, km) == 3
    assert band_code(f, np.nan, 1.0, kl, km) == 1 and band_code(f, 300.0, np.nan, kl, km) == 1
    c = at(0.1)
    assert band_code(f, c, 0.51 * c, kl, km) == 5 and band_code(f, c, 0.49 * c, kl, km) == 0
    # the curve below reached 2 pi f / c_ref > kmax: aliased whatever this point's own k
    assert band_code(f, c, 1.0, kl, km, c_ref_m_s=at(1.01 * km)) == 4
    assert band_code(f, at(0.5 * kl), 1.0, kl, km, c_ref_m_s=at(1.01 * km)) == 4
    assert set(BAND_CODES) == {0, 1, 2, 3, 4, 5}


def test_combination_is_the_inverse_variance_mean_without_precedence():
    f = np.array([2.0, 3.0, 4.0])
    a = (np.array([400.0, 300.0, np.nan]), np.array([40.0, 10.0, 5.0]))
    b = (np.array([500.0, 310.0, 250.0]), np.array([20.0, 30.0, 10.0]))
    kl, km = 1e-3, 10.0
    r = combine_methods(f, {"a": a, "b": b}, kl, km)
    w = np.array([1 / 40**2, 1 / 20**2])
    m0 = (400 * w[0] + 500 * w[1]) / w.sum()
    assert r.phase_velocity_m_s[0] == pytest.approx(m0)
    # they disagree by 2.2 sigma: the error is the weighted scatter, larger than the propagated one
    sc = np.sqrt((w[0] * (400 - m0) ** 2 + w[1] * (500 - m0) ** 2) / w.sum())
    assert r.error_m_s[0] == pytest.approx(max(sc, 1 / np.sqrt(w.sum()))) and sc > 1 / np.sqrt(w.sum())
    w1 = np.array([1 / 10**2, 1 / 30**2])
    assert r.phase_velocity_m_s[1] == pytest.approx((300 * w1[0] + 310 * w1[1]) / w1.sum())
    assert r.error_m_s[1] == pytest.approx(1 / np.sqrt(w1.sum()))  # consistent: the propagated error
    assert r.phase_velocity_m_s[2] == 250.0 and r.error_m_s[2] == 10.0
    np.testing.assert_array_equal(r.source, [3, 3, 2])
    swapped = combine_methods(f, {"b": b, "a": a}, kl, km)  # the order of the methods changes nothing but the bits
    np.testing.assert_allclose(swapped.phase_velocity_m_s, r.phase_velocity_m_s)
    np.testing.assert_allclose(swapped.error_m_s, r.error_m_s)


def test_aliased_points_of_a_disba_curve_are_flagged():
    """A 5 x 5 grid (d = 10 m) over a disba curve (20 m at 200 m/s over 600 m/s). Past the frequency where the true
    k reaches kmax, an FK grid that stops at kmax shows the alias k - 2 pi / d (inside the band by its own k): every
    such point must be flagged (code 3 or 4), every point whose true k is inside the band used; nothing below
    kmin/2 is used."""
    g = np.arange(5) * 10.0
    xy = np.array([(x, y) for x in g for y in g])
    lim = array_limits(xy)
    f = np.geomspace(1.0, 60.0, 60)
    c = forward(np.array([20.0]), np.array([200.0, 600.0]), f)
    k = 2 * np.pi * f / c
    inside = (k >= lim.kmin_half_rad_m) & (k <= lim.kmax_rad_m)
    assert inside.sum() >= 10 and (k > lim.kmax_rad_m).sum() >= 5 and (k < lim.kmin_half_rad_m).sum() >= 3
    measured = np.where(k > lim.kmax_rad_m, 2 * np.pi * f / np.abs(k - 2 * np.pi / 10.0), c)
    # the alias looks inside the band by its own wavenumber at some frequencies: only the curve below flags it
    own = (np.abs(k - 2 * np.pi / 10.0) >= lim.kmin_half_rad_m) & (np.abs(k - 2 * np.pi / 10.0) <= lim.kmax_rad_m)
    assert np.any(own & (k > lim.kmax_rad_m))
    r = combine_methods(f, {"fk": (measured, 0.03 * measured)}, lim.kmin_half_rad_m, lim.kmax_rad_m)
    used = r.codes["fk"] == 0
    np.testing.assert_array_equal(used, inside)
    assert set(np.unique(r.codes["fk"][k > lim.kmax_rad_m])) <= {3, 4}
    assert np.all(r.codes["fk"][k < lim.kmin_half_rad_m] == 2)
    np.testing.assert_allclose(r.phase_velocity_m_s[used], c[used])
