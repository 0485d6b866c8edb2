"""Kirchhoff reflection modelling against the analytic reflection of a plane in a constant-velocity medium."""

from __future__ import annotations

import numpy as np

from geoexplore.seismic.reflection.modelling import kirchhoff_reflections

DT, NS, V = 0.0005, 800, 2000.0


def _plane(z: float, r: float, dx: float = 0.5, half: float = 1500.0) -> dict[str, np.ndarray]:
    x = np.arange(-half, half + dx / 2, dx)
    ramp = np.clip((half - np.abs(x)) / 400.0, 0, 1)
    return {"x_m": x, "ground_m": np.zeros_like(x), "t0_s": np.full(x.size, z / V), "vrms_m_s": np.full(x.size, V),
            "dip_rad": np.zeros_like(x), "weight": r * dx * (0.5 - 0.5 * np.cos(np.pi * ramp))}


def _peak(tr: np.ndarray) -> tuple[float, float]:
    from scipy.signal import hilbert

    env = np.abs(hilbert(tr))
    i = int(np.argmax(env))
    a, b, c = env[i - 1], env[i], env[i + 1]
    return (i + 0.5 * (a - c) / (a - 2 * b + c)) * DT, float(b)


def test_flat_reflector_time_and_amplitude() -> None:
    offs = np.array([0.0, 100.0, 200.0, 300.0])
    sx, rx = -offs / 2, offs / 2
    zeros = np.zeros(offs.size)
    d1 = kirchhoff_reflections(sx, zeros, rx, zeros, _plane(200.0, 0.1), NS, DT, freq_hz=40.0, v_surface_m_s=V)
    d2 = kirchhoff_reflections(sx, zeros, rx, zeros, _plane(100.0, 0.1), NS, DT, freq_hz=40.0, v_surface_m_s=V)
    d3 = kirchhoff_reflections(sx, zeros, rx, zeros, _plane(200.0, -0.2), NS, DT, freq_hz=40.0, v_surface_m_s=V)
    for k, x in enumerate(offs):
        t, _ = _peak(d1[k])
        assert abs(t - np.sqrt(0.2**2 + (x / V) ** 2)) < 0.5e-3  # the hyperbola of the image source
    # amplitude is linear in the reflection coefficient, with its sign
    assert np.allclose(d3[0], -2.0 * d1[0], rtol=1e-6, atol=1e-9 * np.abs(d1).max())
    # spherical spreading: a plane at half the depth reflects twice the amplitude (image source at 2z)
    _, a1 = _peak(d1[0])
    _, a2 = _peak(d2[0])
    assert abs(a2 / a1 - 2.0) < 0.1
    # and with offset the amplitude follows 1 / (image-source distance) (obliquity ~1 at small angles)
    _, a_off = _peak(d1[1])
    assert abs(a_off / a1 - 400.0 / np.hypot(400.0, 100.0)) < 0.05
