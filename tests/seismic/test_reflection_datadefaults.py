"""Defaults from the data: the first-arrival velocities against analytic first-break curves.

A land spread sees the direct wave (a line through the source) and, beyond the
crossover distance, head waves of faster layers; at sea the first arrival at
near offsets is the water-bottom reflection (a hyperbola with a large
zero-offset time). The traveltimes below are the textbook formulas
(direct wave x/v1; head wave x/v2 + 2h cos(ic)/v1 with sin(ic) = v1/v2;
reflection sqrt(t0**2 + x**2/v**2)), not our processing.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from geoexplore.seismic.reflection.datadefaults import first_arrival_velocities


def _land(x, v1=1000.0, v2=1600.0, h=12.0, v3=2300.0, h2=100.0):
    """First arrivals over a 12 m layer at 1000 m/s on 1600 m/s, on 2300 m/s at 112 m (two head waves)."""
    ic = math.asin(v1 / v2)
    head1 = x / v2 + 2 * h * math.cos(ic) / v1
    # second refractor below two layers: intercept time sum 2 h_i cos(theta_i) / v_i with sin(theta_i) = v_i / v3
    head2 = x / v3 + 2 * h * math.sqrt(1 - (v1 / v3) ** 2) / v1 + 2 * h2 * math.sqrt(1 - (v2 / v3) ** 2) / v2
    return np.minimum.reduce([x / v1, head1, head2])


@pytest.mark.parametrize("spacing", [5.0, 10.0])
def test_land_first_arrivals_give_the_direct_wave_not_the_refractions(spacing):
    # a split spread of 48 channels each side, offsets to 480 m (10 m) or 240 m (5 m); 2 ms pick jitter
    rng = np.random.default_rng(1)
    x = np.r_[-np.arange(1, 49), np.arange(1, 49)] * spacing
    t = _land(np.abs(x)) + rng.normal(0, 0.0005, x.size)
    fav = first_arrival_velocities(x, t)
    assert fav["direct"] == 1.0
    # the direct wave (1000 m/s), not a mix with the 1600 m/s head wave beyond the ~50 m crossover
    assert fav["near_m_s"] == pytest.approx(1000.0, rel=0.06)
    assert fav["fastest_m_s"] > 1400.0  # the earliest arrivals: head waves


def test_marine_first_arrivals_give_the_water_bottom():
    # water bottom at 0.48 s two-way (about 360 m of water at 1490 m/s), offsets 150-3100 m
    x = np.linspace(150.0, 3100.0, 120)
    t = np.sqrt(0.48**2 + x**2 / 1490.0**2)
    fav = first_arrival_velocities(x, t)
    assert fav["direct"] == 0.0
    assert fav["t0_s"] == pytest.approx(0.48, abs=0.005)
    assert fav["near_m_s"] == pytest.approx(1490.0, rel=0.01)


def test_line_fit_equals_least_squares_and_ignores_memory_layout():
    # the first-arrival line and hyperbola fits: numpy's least squares to rounding, and the same bits
    # whatever the arrays' alignment (np.polyfit's LAPACK path changed a stored t0 by 3e-17 s between workers)
    from geoexplore.seismic.reflection.datadefaults import line_fit

    rng = np.random.default_rng(5)
    x = np.sort(rng.uniform(2.0, 120.0, 48))
    t = np.sqrt(0.002**2 + (x / 1650.0) ** 2) + rng.normal(0, 2e-4, x.size)
    slope, icpt = line_fit(x**2, t**2)
    ref = np.polyfit(x**2, t**2, 1)
    assert slope == pytest.approx(ref[0], rel=1e-10) and icpt == pytest.approx(ref[1], rel=1e-8, abs=1e-15)
    shifted = [np.empty(x.size + 1)[1:], np.empty(x.size + 1)[1:]]  # 8-byte offset: another alignment
    shifted[0][:], shifted[1][:] = x, t
    assert first_arrival_velocities(x, t) == first_arrival_velocities(*shifted)
    assert line_fit(x**2, t**2) == line_fit(shifted[0] ** 2, shifted[1] ** 2)
