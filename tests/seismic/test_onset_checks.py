"""Air-blast rejection, neighbour cross-correlation and pick-error calibration against analytic cases.

The traces are analytic (damped sines with known onsets, Gaussian pick
errors of known size); nothing is fitted to the field data here (the field
numbers are in test_picking_field.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geoexplore.seismic.refraction.airwave import (
    air_wave_picks,
    in_air_window,
    onset_centroid_hz,
    repick_after_air,
)
from geoexplore.seismic.refraction.error_model import calibrate, fit_floor, robust_std
from geoexplore.seismic.refraction.neighbours import correlate_onset, neighbour_estimate

DT = 1.25e-4


def _wavelet(n, k_on, f_hz, amp, tau_s):
    t = np.arange(n) * DT
    s = np.clip(t - k_on * DT, 0, None)
    return np.where(t >= k_on * DT, amp * np.sin(2 * np.pi * f_hz * s) * np.exp(-s / tau_s), 0.0)


def _gather(seed=0, n=1200):
    """12 traces at 2-24 m: a 100 Hz ground arrival at 300 m/s direct (slower than sound) and a weak 400 Hz air wave
    at 340 m/s ahead of it; beyond the crossover a 1200 m/s refraction (intercept 25 ms) is first."""
    rng = np.random.default_rng(seed)
    off = np.arange(2.0, 25.0, 2.0)
    t_ground = np.minimum(off / 300.0, off / 1200.0 + 0.025)
    t_air = off / 340.0
    X = np.zeros((off.size, n))
    for i in range(off.size):
        X[i] += _wavelet(n, int(round(t_ground[i] / DT)), 100.0, 1.0, 0.01)
        X[i] += _wavelet(n, int(round(t_air[i] / DT)), 400.0, 0.2, 0.003)
        X[i] += 0.002 * rng.standard_normal(n)
    return X, off, t_ground, t_air


def test_air_window_is_sound_from_the_shot():
    off = np.array([-10.0, 10.0, 10.0, 10.0])
    t = np.array([10 / 337.0, 10 / 337.0, 10 / 500.0, 10 / 337.0 + 0.01])
    assert in_air_window(off, t, (330.0, 345.0), 0.003, 0.05).tolist() == [True, True, False, False]


def test_onset_centroid_of_a_pure_tone():
    """The centroid of the window after the onset of a 400 Hz tone lies near 400 Hz, of a 100 Hz tone near 100 Hz
    (the half-Hann taper and the onset broaden the line, not move it much)."""
    for f in (100.0, 400.0):
        x = _wavelet(800, 200, f, 1.0, 1.0)
        assert onset_centroid_hz(x, 200, 48, DT) == pytest.approx(f, rel=0.35)


def test_air_wave_picks_found_and_repicked_on_the_ground_arrival():
    X, off, t_ground, t_air = _gather()
    first = np.minimum(t_ground, t_air)  # what a first-energy picker takes
    k = np.round(first / DT)
    air, ratio = air_wave_picks(X, k, off, first, DT)
    truth = t_air < t_ground - 2e-3  # the air wave clearly first
    assert np.array_equal(air[truth], np.ones(truth.sum(), bool))
    assert not air[~(t_air < t_ground)].any()  # the refraction beyond the crossover is never an air wave
    for i in np.flatnonzero(air & truth):
        got = repick_after_air(X[i], int(k[i]), X.shape[1], DT, lowpass_hz=160.0, n_sta=32)
        assert got is not None
        assert abs(got[0] * DT - t_ground[i]) <= 1.5e-3


def test_correlation_recovers_a_known_shift():
    rng = np.random.default_rng(1)
    a = _wavelet(1000, 300, 100.0, 1.0, 0.01) + 0.01 * rng.standard_normal(1000)
    b = _wavelet(1000, 337, 100.0, 0.7, 0.01) + 0.01 * rng.standard_normal(1000)
    k, c = correlate_onset(a, 300, b, 310, 360, 16, 64)
    assert k == 337 and c > 0.95


def test_neighbour_estimate_from_both_sides():
    """Five traces with onsets on a line; the middle one is picked from its accepted neighbours."""
    k_true = np.array([200, 230, 260, 290, 320])
    X = np.array([_wavelet(1000, k, 100.0, 1.0, 0.01) for k in k_true])
    off = np.array([4.0, 8.0, 12.0, 16.0, 20.0])
    kp = k_true.astype(float)
    ok = np.array([True, True, False, True, True])
    k, spread, corr, m = neighbour_estimate(X, 2, kp, ok, off, 270.0, 30, 16, 64)
    assert k == pytest.approx(260, abs=0.5) and m == 4 and corr > 0.99 and spread < 0.5


def test_error_floor_recovered_from_reciprocal_pairs():
    """Reciprocal pairs with per-pick errors e (stated) and an unstated common floor of 0.5 ms: the floor comes
    back within 15 %."""
    rng = np.random.default_rng(4)
    x = np.arange(0.0, 100.0, 2.0)
    rows = []
    for a in x[::4]:
        for b in x:
            if a != b:
                rows.append((a, b))
    src, rec = np.array(rows).T
    t_true = np.abs(rec - src) / 1500.0 + 0.01
    e = rng.uniform(1e-4, 6e-4, src.size)
    t = t_true + rng.normal(0, np.sqrt(e**2 + 5e-4**2))
    table = pd.DataFrame({"shot": src, "source_x_m": src, "receiver_x_m": rec, "offset_m": rec - src, "t_s": t,
                          "err_s": e, "use": 1})
    err, info = calibrate(table)
    assert info["statistic"] == "reciprocal pairs" and info["n"] >= 60
    assert info["floor_s"] == pytest.approx(5e-4, rel=0.15)
    assert np.all(err >= e)


def test_error_floor_from_second_differences_on_straight_traveltimes():
    rng = np.random.default_rng(7)
    off = np.tile(np.arange(4.0, 96.0, 4.0), 6)
    shot = np.repeat(np.arange(6), 23)
    e = rng.uniform(1e-4, 4e-4, off.size)
    t = off / 2000.0 + 0.005 * shot + rng.normal(0, np.sqrt(e**2 + 3e-4**2))
    table = pd.DataFrame({"shot": shot, "source_x_m": -10.0 * shot - 1000, "receiver_x_m": off, "offset_m": off,
                          "t_s": t, "err_s": e, "use": 1})
    _, info = calibrate(table)
    assert info["statistic"] == "second differences"
    assert info["floor_s"] == pytest.approx(3e-4, rel=0.2)


def test_fit_floor_leaves_honest_errors_alone():
    rng = np.random.default_rng(2)
    d = rng.normal(0, 1e-3, 500)
    assert fit_floor(d, np.full(500, 1.2e-6), np.zeros(500), 2.0) == 0.0
    assert robust_std(d / 1e-3) == pytest.approx(1.0, abs=0.1)
