"""Time-to-depth conversion of time sections with an interval-velocity field.

Depth below the datum of two-way time ``t``: ``z(t) = integral_0^t v_int dt' / 2``.
Each trace is resampled from time to a regular depth axis by linear
interpolation of the monotonic ``z(t)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from geoexplore.core.errors import GeoexploreError
from geoexplore.seismic.reflection.velocity import dix


def depth_of_time(vint_m_s: Any, dt_s: float, *, t0_s: float = 0.0) -> np.ndarray:
    """Depth (m) of each time sample for interval velocities sampled in two-way time.

    Parameters
    ----------
    vint_m_s : (..., n_samples) array_like
        Interval velocity at each sample (m/s).
    dt_s, t0_s : float
        Sample interval and first-sample time (s). The layer above ``t0_s``
        gets the first velocity.

    Returns
    -------
    (..., n_samples) ndarray
        Depth below the datum (m), increasing.
    """
    v = np.asarray(vint_m_s, float)
    if np.any(~np.isfinite(v)) or np.any(v <= 0):
        raise GeoexploreError("interval velocities must be finite and positive for depth conversion")
    inc = 0.5 * dt_s * 0.5 * (v[..., 1:] + v[..., :-1])
    z0 = 0.5 * t0_s * v[..., :1]
    return np.concatenate([z0, z0 + np.cumsum(inc, axis=-1)], axis=-1)


def time_to_depth(
    section: Any,
    dt_s: float,
    vint_m_s: Any,
    depth_m: Any,
    *,
    t0_s: float = 0.0,
) -> np.ndarray:
    """Convert a time section to depth.

    Parameters
    ----------
    section : (n_traces, n_samples) array_like
        Amplitudes in two-way time.
    vint_m_s : (n_samples,) or (n_traces, n_samples) array_like
        Interval velocity (m/s) of each sample.
    depth_m : (n_depth,) array_like
        Output depths below the datum (m).

    Returns
    -------
    (n_traces, n_depth) ndarray
        Amplitudes at ``depth_m``; NaN below the deepest converted sample.
    """
    d = np.asarray(section, float)
    if d.ndim != 2:
        raise GeoexploreError(f"section must be (n_traces, n_samples), got shape {d.shape}")
    v = np.broadcast_to(np.asarray(vint_m_s, float), d.shape)
    z = depth_of_time(v, dt_s, t0_s=t0_s)
    zo = np.asarray(depth_m, float)
    out = np.empty((d.shape[0], zo.size))
    for k in range(d.shape[0]):
        out[k] = np.interp(zo, z[k], d[k], left=0.0, right=np.nan)
    return out


def vint_from_vrms(vrms_m_s: Any, times_s: Any, *, smooth_samples: int = 0, v_min_m_s: float = 200.0,
                   v_max_m_s: float = 8000.0) -> np.ndarray:
    """Dix interval velocities from an RMS field (..., n_times), optionally smoothed in time first."""
    v = np.asarray(vrms_m_s, float)
    if smooth_samples > 1:
        from scipy.ndimage import uniform_filter1d

        v = uniform_filter1d(v, smooth_samples, axis=-1, mode="nearest")
    t = np.asarray(times_s, float)
    tt = np.where(t > 0, t, 1e-9)
    return dix(v, tt, v_min_m_s=v_min_m_s, v_max_m_s=v_max_m_s)


__all__ = ["depth_of_time", "time_to_depth", "vint_from_vrms"]
