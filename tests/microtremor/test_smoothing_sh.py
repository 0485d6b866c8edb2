"""Konno-Ohmachi smoothing against the direct sum; SH transfer function and synthetic H/V against the analytic resonance."""

from __future__ import annotations

import numpy as np
import pytest

from geoexplore.microtremor.process import process_record
from geoexplore.microtremor.settings import HvsrSettings
from geoexplore.microtremor.smoothing import (
    KonnoOhmachi,
    konno_ohmachi_direct,
    log_frequencies,
)
from geoexplore.microtremor.spectral_ratio import COMBINATIONS
from geoexplore.microtremor.synth import noise_record
from geoexplore.microtremor.transfer import (
    peak_frequency,
    quarter_wavelength_f0,
    sh_transfer,
)


@pytest.mark.parametrize("nfft,cutoff", [(5999, 3.0), (32768, 3.0), (4000, np.pi)])
def test_konno_ohmachi_matches_direct_sum(nfft, cutoff):
    rng = np.random.default_rng(3)
    nf, df = nfft // 2 + 1, 100.0 / nfft
    f = np.arange(nf) * df
    s = np.abs(rng.normal(size=(3, nf))) + 1.0
    fc = log_frequencies(0.3, 40, 512)
    a = KonnoOhmachi(nf, df, fc, 40.0, cutoff)(s)
    b = konno_ohmachi_direct(f, s, fc, 40.0, cutoff)
    assert np.max(np.abs(a / b - 1)) < 1e-3
    # a constant spectrum stays constant exactly
    np.testing.assert_allclose(KonnoOhmachi(nf, df, fc, 40.0, cutoff)(np.full((1, nf), 2.5)), 2.5, rtol=1e-12)


def test_sh_transfer_single_layer_analytic():
    vs1, h, rho1, vs2, rho2 = 200.0, 25.0, 1800.0, 800.0, 2200.0
    f = np.geomspace(0.5, 4, 20001)  # below the second (odd) harmonic at 6 Hz
    tf = sh_transfer(f, [h, 0], [vs1, vs2], [rho1, rho2])
    alpha = rho1 * vs1 / (rho2 * vs2)
    fp, ap = peak_frequency(f, tf)
    assert fp == pytest.approx(vs1 / (4 * h), rel=1e-4)
    assert ap == pytest.approx(1 / alpha, rel=1e-4)
    k = 2 * np.pi * f * h / vs1
    np.testing.assert_allclose(tf, 1 / (np.cos(k) + 1j * alpha * np.sin(k)), rtol=1e-10)
    assert quarter_wavelength_f0([h, 0], [vs1, vs2]) == pytest.approx(2.0)


def test_synthetic_record_f0_matches_sh_resonance():
    """Soft layer over a half-space: the H/V f0 of the synthetic noise is within 5 % of the exact SH peak."""
    th, vs, vp, rho = np.array([30.0, 0]), np.array([180.0, 900.0]), np.array([1500.0, 2500.0]), np.array([1800.0, 2200.0])
    rec = noise_record(th, vs, vp, rho, fs_hz=25.0, duration_s=600.0, damping=0.03, seed=7)
    f = np.geomspace(0.3, 10, 20000)
    f_sh, _ = peak_frequency(f, sh_transfer(f, th, vs, rho, 0.03))
    assert f_sh == pytest.approx(180 / 120, rel=0.02)  # damping and impedance barely move it here
    for comb in COMBINATIONS:
        res = process_record(rec, HvsrSettings(window_length_s=30.0, freq_min_hz=0.3, freq_max_hz=10.0, n_freq=400,
                                               combination=comb, azimuths_deg=[0.0, 45.0, 90.0]))
        assert abs(res.f0_hz / f_sh - 1) < 0.05, (comb, res.f0_hz, f_sh)
        assert res.sesame.reliable
    # rotated H/V: no azimuthal dependence in a 1D medium
    peaks = res.frequency_hz[np.argmax(res.azimuthal_median, axis=1)]
    assert np.all(np.abs(peaks / f_sh - 1) < 0.05)
