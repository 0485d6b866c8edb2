"""Amplitude gain: AGC, t**n and spherical-divergence correction. Arrays (n_traces, n_samples)."""

from __future__ import annotations

from typing import Any

import numpy as np

from geoexplore.core.errors import GeoexploreError


def _times(n: int, dt_s: float, t0_s: float) -> np.ndarray:
    return t0_s + np.arange(n) * dt_s


def agc(data: Any, dt_s: float, window_s: float = 0.1, *, eps: float = 1e-12) -> tuple[np.ndarray, np.ndarray]:
    """Automatic gain control: divide by the RMS amplitude in a centred sliding window.

    Returns ``(gained, scale)`` where ``gained = data * scale``.
    """
    from scipy.ndimage import uniform_filter1d

    d = np.atleast_2d(np.asarray(data, float))
    n = max(1, int(round(window_s / dt_s)))
    ms = uniform_filter1d(d * d, n, axis=-1, mode="nearest")
    rms = np.sqrt(ms)
    ref = np.max(rms, axis=-1, keepdims=True)
    scale = 1.0 / np.maximum(rms, eps * np.maximum(ref, eps))
    scale[rms <= eps * np.maximum(ref, eps)] = 0.0
    return d * scale, scale


def tpow(data: Any, dt_s: float, power: float = 2.0, *, t0_s: float = 0.0) -> np.ndarray:
    """Multiply each sample by ``t**power`` (t in s)."""
    d = np.atleast_2d(np.asarray(data, float))
    t = np.abs(_times(d.shape[-1], dt_s, t0_s))
    return d * t**power


def spherical_divergence(data: Any, dt_s: float, vrms_m_s: Any, *, t0_s: float = 0.0, v_ref_m_s: float | None = None) -> np.ndarray:
    """Spherical-divergence correction ``t v_rms(t)**2 / v_ref`` (Newman, 1973).

    ``vrms_m_s`` is a scalar, a function of time (n_samples,) or one per
    trace; ``v_ref_m_s`` (default the first velocity) only sets the overall
    scale (the gain is ``t * v**2 / v_ref``, in metres).
    """
    d = np.atleast_2d(np.asarray(data, float))
    v = np.broadcast_to(np.asarray(vrms_m_s, float), d.shape)
    if np.any(v <= 0):
        raise GeoexploreError("spherical divergence needs positive velocities")
    t = np.abs(_times(d.shape[-1], dt_s, t0_s))
    vref = float(v_ref_m_s if v_ref_m_s is not None else np.ravel(v)[0])
    return d * (t * v**2 / vref)


__all__ = ["agc", "spherical_divergence", "tpow"]
