"""Refraction statics from a velocity tomogram: per-station static corrections to a flat datum.

For every station the near-surface ("weathering") zone is the part of the
velocity column above the first depth where Vp reaches the replacement
velocity ``v_replacement_m_s``. Its vertical traveltime is replaced by the
time through the replacement velocity from the base of that zone up to the
datum elevation:

    static = -T_w + (E_datum - (E_station - d_w)) / v_rep

with ``T_w = integral_0^d_w dz / v(z)`` (s), ``d_w`` the weathering
thickness (m), ``E`` elevations (m). The static is the time shift (s) to
add to a trace recorded at the station (negative: earlier); the total
static of a trace is the source station's plus the receiver station's.
"""

from __future__ import annotations

import numpy as np


def tomogram_statics(depth_m: np.ndarray, vp_m_s: np.ndarray, elevation_m: np.ndarray, *, v_replacement_m_s: float,
                    datum_elevation_m: float) -> dict[str, np.ndarray]:
    """Weathering thickness, weathering time and static per column of a tomogram.

    Parameters
    ----------
    depth_m : ndarray (n_depth,)
        Depth below ground of the rows (m, increasing from 0).
    vp_m_s : ndarray (n_depth, n_station)
        P-wave velocity (m/s).
    elevation_m : ndarray (n_station,)
        Ground elevation at each station (m).
    v_replacement_m_s : float
        Replacement (sub-weathering) velocity (m/s).
    datum_elevation_m : float
        Flat datum elevation (m).

    Returns
    -------
    dict with ``weathering_thickness_m``, ``weathering_time_s``, ``static_s``
    (each (n_station,)).
    """
    z = np.asarray(depth_m, float)
    v = np.asarray(vp_m_s, float)
    e = np.asarray(elevation_m, float)
    if v.shape != (z.size, e.size):
        raise ValueError(f"vp_m_s has shape {v.shape}, expected ({z.size}, {e.size})")
    if v_replacement_m_s <= 0:
        raise ValueError("v_replacement_m_s must be positive")
    n = e.size
    d_w = np.empty(n)
    t_w = np.empty(n)
    slow = 1.0 / np.where(np.isfinite(v) & (v > 0), v, np.nan)
    for j in range(n):
        col = v[:, j]
        above = np.flatnonzero(np.isfinite(col) & (col >= v_replacement_m_s))
        k = int(above[0]) if above.size else z.size - 1
        if k == 0:
            d_w[j], t_w[j] = 0.0, 0.0
            continue
        # interpolate the crossing depth between rows k-1 and k
        if above.size and col[k] != col[k - 1]:
            f = (v_replacement_m_s - col[k - 1]) / (col[k] - col[k - 1])
            dk = z[k - 1] + np.clip(f, 0, 1) * (z[k] - z[k - 1])
        else:
            dk = z[k]
        zz = np.append(z[z < dk], dk)
        ss = np.interp(zz, z, np.nan_to_num(slow[:, j], nan=1.0 / v_replacement_m_s))
        d_w[j] = dk
        t_w[j] = float(np.sum(0.5 * (ss[1:] + ss[:-1]) * np.diff(zz)))
    static = -t_w + (datum_elevation_m - (e - d_w)) / v_replacement_m_s
    return {"weathering_thickness_m": d_w, "weathering_time_s": t_w, "static_s": static}


__all__ = ["tomogram_statics"]
