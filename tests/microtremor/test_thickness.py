"""f0 -> thickness conversions against analytic cases."""

from __future__ import annotations

import numpy as np
import pytest

from geoexplore.microtremor.depth_conversion import (
    power_law,
    power_law_with_error,
    preset_sigma_ln,
    quarter_wavelength,
    thickness_with_error,
)
from geoexplore.microtremor.settings import POWER_LAW_DEFAULTS


def test_quarter_wavelength_uniform_layer():
    """One layer: h = Vs / (4 f0)."""
    f0 = np.array([0.5, 1.0, 2.0, 3.7])
    np.testing.assert_allclose(quarter_wavelength(f0, np.array([0.0]), np.array([300.0])), 300.0 / (4 * f0), rtol=1e-9)
    assert np.shape(quarter_wavelength(1.0, np.array([0.0]), np.array([300.0]))) == ()


def test_quarter_wavelength_two_layers_travel_time_average():
    """20 m at 200 m/s over 500 m/s: t(h) = 20/200 + (h - 20)/500 = 1/(4 f0); h / t is the travel-time average Vs."""
    top, vs = np.array([0.0, 20.0]), np.array([200.0, 500.0])
    f0 = np.array([1.0, 2.5, 5.0, 0.4])
    expect = np.where(1 / (4 * f0) <= 0.1, 200.0 / (4 * f0), 20.0 + 500.0 * (1 / (4 * f0) - 0.1))
    h = quarter_wavelength(f0, top, vs)
    np.testing.assert_allclose(h, expect, atol=1e-6)
    assert h[0] == pytest.approx(95.0) and h[1] == pytest.approx(20.0) and h[2] == pytest.approx(10.0)
    # the travel-time average over the quarter-wavelength depth: 95 m / 0.25 s = 380 m/s (not the thickness average 342 m/s)
    assert h[0] / 0.25 == pytest.approx(380.0)


def test_power_law_error_terms():
    f0, sf = np.array([0.8, 1.2]), np.array([0.1, 0.05])
    h, err, s = power_law_with_error(f0, sf, 100.0, 1.5, coef_sigma_ln=0.0)
    np.testing.assert_allclose(h, 100 * f0**-1.5)
    np.testing.assert_allclose(s, 1.5 * sf)
    # with no coefficient term it is the same half spread as for any conversion
    np.testing.assert_allclose(err, thickness_with_error(f0, sf, lambda f: power_law(f, 100.0, 1.5))[1], rtol=1e-12)
    _, _, s2 = power_law_with_error(f0, sf, 100.0, 1.5, coef_sigma_ln=0.2)
    np.testing.assert_allclose(s2, np.hypot(1.5 * sf, 0.2))
    # default coefficient term: spread of the published fits; at 1 Hz that is the spread of ln a
    a = np.array([v[0] for v in POWER_LAW_DEFAULTS.values()])
    assert preset_sigma_ln(np.array([1.0]))[0] == pytest.approx(np.log(a).std(ddof=1))


def test_bootstrap_f0_sigma_analytic():
    """Window curves Gaussian in ln f with a common width: the median curve peaks at exp(mean ln f_i) exactly,
    so the bootstrap spread of its peak is the standard error of that mean, std(ln f_i) / sqrt(n)."""
    from geoexplore.microtremor.stats import bootstrap_f0_sigma_ln

    rng = np.random.default_rng(7)
    lnfi = rng.normal(0.0, 0.2, 25)
    f = np.geomspace(0.2, 5.0, 20000)
    hv = np.exp(1.5 * np.exp(-((np.log(f)[None, :] - lnfi[:, None]) ** 2) / (2 * 0.3**2)))
    s = bootstrap_f0_sigma_ln(f, hv, n_boot=2000)
    assert s == pytest.approx(lnfi.std(ddof=0) / np.sqrt(lnfi.size), rel=0.08)
    assert bootstrap_f0_sigma_ln(f, np.repeat(hv[:1], 5, axis=0)) == 0.0  # identical windows: no spread


def test_power_law_as_published_and_a_signed_exponent_refused():
    """h = a f0^(-b), b > 0 (Ibs-von Seht and Wohlenberg 1999); h = 88.631 f0^-1.683 is a = 88.631, b = 1.683."""
    from geoexplore.core.errors import SettingsError
    from geoexplore.microtremor import thickness
    from geoexplore.microtremor.settings import ThicknessSettings

    f0 = 0.8565
    expect = 88.631 * f0 ** -1.683  # about 115 m: thinner sediments resonate higher
    assert expect == pytest.approx(115.0, rel=0.01)
    assert power_law(np.array([f0]), 88.631, 1.683)[0] == pytest.approx(expect, rel=1e-12)
    assert thickness(f0, a=88.631, b=1.683).thickness_m == pytest.approx(expect, rel=1e-12)
    assert power_law(np.array([1.0]), 96.0, 1.388)[0] == pytest.approx(96.0)
    with pytest.raises(ValueError, match=r"f0\^\(-b\) with b > 0"):
        power_law(np.array([f0]), 88.631, -1.683)
    with pytest.raises(SettingsError, match=r"give b without its sign"):
        ThicknessSettings.from_mapping({"a": 88.631, "b": -1.683})
    with pytest.raises(SettingsError, match=r"give b without its sign"):
        thickness(f0, a=88.631, b=-1.683)


def test_user_law_carries_the_users_uncertainty_and_presets_the_published_spread():
    from geoexplore.microtremor import thickness

    own = thickness(1.0, a=88.631, b=1.683)  # no uncertainty given: none is invented
    assert own.error_m == 0.0
    given = thickness(1.0, a=88.631, b=1.683, coef_sigma_ln=0.1)
    assert given.error_m == pytest.approx(88.631 * np.sinh(0.1), rel=1e-12)
    preset = thickness(1.0)  # a published preset: the spread of the published laws
    assert preset.error_m == pytest.approx(96.0 * np.sinh(preset_sigma_ln(np.array([1.0]))[0]), rel=1e-12)
    assert preset.method == "power law h = 96 f0^-1.388"
