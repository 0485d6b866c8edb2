"""Filters, gain, deconvolution and depth conversion against peers and analytic cases."""

from __future__ import annotations

import numpy as np
import pytest  # noqa: F401

from geoexplore.seismic.reflection import decon, depth, filters, gain
from geoexplore.seismic.reflection.modelling import add_wavelet, hyperbolic_gathers

DT = 0.001


def test_bandpass_matches_obspy() -> None:
    from obspy.signal.filter import bandpass as ob_bandpass

    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 1000))
    ours = filters.bandpass(x, DT, 20.0, 120.0, corners=4)
    for k in range(3):
        ref = ob_bandpass(x[k], 20.0, 120.0, 1 / DT, corners=4, zerophase=True)
        assert np.max(np.abs(ours[k] - ref)) < 1e-9 * np.max(np.abs(ref)) + 1e-12


def test_bandpass_is_zero_phase_and_passes_band() -> None:
    t = np.arange(2000) * DT
    sig = np.sin(2 * np.pi * 60 * t) + np.sin(2 * np.pi * 5 * t)
    y = filters.bandpass(sig, DT, 20.0, 120.0)[0]
    mid = slice(500, 1500)
    # 60 Hz passes with unit gain and no phase shift; 5 Hz is removed
    assert np.max(np.abs(y[mid] - np.sin(2 * np.pi * 60 * t[mid]))) < 0.05


def test_ormsby_passes_and_rejects() -> None:
    t = np.arange(2000) * DT
    y = filters.ormsby(np.sin(2 * np.pi * 50 * t) + np.sin(2 * np.pi * 8 * t), DT, 10, 20, 100, 140)[0]
    assert np.max(np.abs(y[400:1600] - np.sin(2 * np.pi * 50 * t[400:1600]))) < 0.02


def test_notch_removes_powerline() -> None:
    from scipy.signal import welch

    t = np.arange(4000) * DT
    x = np.sin(2 * np.pi * 50 * t) + np.sin(2 * np.pi * 30 * t)
    y = filters.notch(x, DT, 50.0, quality=20.0)[0]
    f, p0 = welch(x, 1 / DT, nperseg=1000)
    _, p1 = welch(y, 1 / DT, nperseg=1000)
    i50, i30 = np.argmin(abs(f - 50)), np.argmin(abs(f - 30))
    assert p1[i50] / p0[i50] < 1e-3  # > 30 dB down
    assert abs(p1[i30] / p0[i30] - 1) < 0.05


def test_fk_filter_removes_linear_event_of_known_velocity() -> None:
    dx, nx, ns = 5.0, 96, 600
    x = np.arange(nx) * dx
    # slow linear event (ground roll, 250 m/s) and a reflection (hyperbola, v = 2000 m/s)
    roll = add_wavelet(ns, DT, (0.02 + x / 250.0)[:, None], np.ones((nx, 1)), 15.0)
    refl = hyperbolic_gathers(x, [0.3], [2000.0], ns, DT, freq_hz=40.0)
    out = filters.fk_filter(roll + refl, DT, dx, v_reject_m_s=600.0, taper=0.3)
    inner = slice(10, 86)  # away from the spatial edges
    e_roll_after = np.sum((out - refl)[inner] ** 2)
    assert e_roll_after / np.sum(roll[inner] ** 2) < 0.02
    assert np.sum((out - refl)[inner, 250:350] ** 2) / np.sum(refl[inner, 250:350] ** 2) < 0.05


def test_mutes() -> None:
    d = np.ones((3, 100))
    off = np.array([0.0, 50.0, 100.0])
    m = filters.top_mute(d, off, DT, velocity_m_s=1000.0, taper_s=0.0)
    assert np.all(m[2, :100] == 0) and m[0, 1] == 1
    assert np.all(m[1, :50] == 0) and np.all(m[1, 51:] == 1)
    s = filters.surgical_mute(d, off, DT, velocity_m_s=1000.0, width_s=0.01, taper_s=0.0)
    assert np.all(s[1, 46:55] == 0) and s[1, 30] == 1 and s[1, 70] == 1
    bad = filters.dead_traces(np.vstack([np.zeros(100), np.ones(100), np.ones(100)]))
    assert bad.tolist() == [True, False, False]


def test_gains() -> None:
    t = np.arange(500) * DT
    d = np.ones((1, 500))
    assert np.allclose(gain.tpow(d, DT, 2.0)[0], t**2)
    # spherical divergence undoes a 1 / (v^2 t) decay
    v = 1500 + 2000 * t
    decayed = np.sin(2 * np.pi * 40 * t) / (v**2 * np.maximum(t, DT))
    rec = gain.spherical_divergence(decayed, DT, v, v_ref_m_s=1.0)[0]
    assert np.allclose(rec[1:], np.sin(2 * np.pi * 40 * t[1:]), atol=1e-9)
    g, scale = gain.agc(np.sin(2 * np.pi * 40 * t) * np.exp(-5 * t), DT, 0.1)
    rms = np.sqrt(np.mean(g[0, 100:400] ** 2))
    assert abs(rms - 1) < 0.1


def _minphase_wavelet(n: int) -> np.ndarray:
    # product of two minimum-phase dipoles (zeros outside the unit circle)
    return np.convolve(np.convolve([1.0, -0.6], [1.0, 0.5]), np.exp(-np.arange(n) / 6.0) * np.cos(np.arange(n) / 2.0))


def test_spiking_decon_recovers_reflectivity() -> None:
    rng = np.random.default_rng(4)
    r = rng.standard_normal(2000) * (rng.random(2000) < 0.1)
    w = _minphase_wavelet(40)
    tr = np.convolve(r, w)[:2000]
    out = decon.predictive_decon(tr, DT, operator_s=0.06, prewhitening=0.001)[0]
    c0 = np.corrcoef(tr[100:1900], r[100:1900])[0, 1]
    c1 = np.corrcoef(out[100:1900], r[100:1900])[0, 1]
    assert c0 < 0.8 and c1 > 0.95


def test_predictive_decon_removes_reverberation() -> None:
    # primaries with a water-layer-like reverberation of period 40 ms, reflection coefficient -0.6
    rng = np.random.default_rng(5)
    prim = rng.standard_normal(3000) * (rng.random(3000) < 0.03)
    lag, c = 40, -0.6
    rev = np.zeros(400)
    for k in range(10):
        rev[k * lag] = c**k
    tr = np.convolve(prim, rev)[:3000]
    out = decon.predictive_decon(tr, DT, operator_s=0.06, gap_s=0.030, prewhitening=0.001)[0]
    assert np.corrcoef(out[200:2800], prim[200:2800])[0, 1] > 0.95


def test_depth_conversion_of_layered_model() -> None:
    # two layers: 1500 m/s for 0.2 s, then 2500 m/s: reflector at 0.3 s lies at 150 + 125 = 275 m
    t = np.arange(500) * DT
    vint = np.where(t < 0.2, 1500.0, 2500.0)
    sec = add_wavelet(500, DT, np.array([[0.3]]), np.array([[1.0]]), 40.0)
    z = np.arange(0.0, 400.0, 1.0)
    dep = depth.time_to_depth(sec, DT, vint, z)
    assert abs(z[np.argmax(dep[0])] - 275.0) <= 2.0
    # Dix from the RMS function gives back the interval velocities
    from geoexplore.seismic.reflection.velocity import vrms_from_interval

    vr = vrms_from_interval(vint, DT)
    vi = depth.vint_from_vrms(vr, t)
    assert np.allclose(vi[10:195], 1500.0, rtol=0.01) and np.allclose(vi[210:], 2500.0, rtol=0.01)
