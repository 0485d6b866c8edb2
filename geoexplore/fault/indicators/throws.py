"""Throw of each horizon family across a fault plane (NumPy kernels).

:func:`measure_throws` -- for every horizon family crossing the plane, the
throw from fits in windows either side of the plane (excluding the fault
zone), one straight line per side with a common slope; :func:`is_offset`
decides: 'offset' above ``max(min_throw_m, 3 sigma)`` and the vertical
resolution (``unbroken_sigma_fraction`` of the depth), 'unbroken' when the
throw is resolved as none, else 'unresolved'.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from geoexplore.fault.indicators.horizons import Horizon


def _joint_step_fit(xl: np.ndarray, zl: np.ndarray, xr: np.ndarray, zr: np.ndarray, xp: float) -> tuple[float, float, float]:
    """Fit z = a_side + b (x - xp) with one slope for both sides: (a_left, a_right, sigma of a_right - a_left)."""
    x = np.r_[xl, xr] - xp
    zz = np.r_[zl, zr]
    A = np.column_stack([np.r_[np.ones(xl.size), np.zeros(xr.size)], np.r_[np.zeros(xl.size), np.ones(xr.size)], x])
    coef, *_ = np.linalg.lstsq(A, zz, rcond=None)
    res = zz - A @ coef
    s2 = float(res @ res) / max(zz.size - 3, 1)
    cov = s2 * np.linalg.pinv(A.T @ A)
    g = np.array([-1.0, 1.0, 0.0])
    # pick jitter is correlated along a horizon: inflate by sqrt(2), floor at a tenth of a metre
    sig = float(math.sqrt(max(g @ cov @ g, 0.0)) * math.sqrt(2.0) + 0.1)
    return float(coef[0]), float(coef[1]), sig


def is_offset(throw_m: float, sigma_m: float, depth_m: float, min_throw_m: float, resolution_fraction: float) -> bool:
    """A throw counts as an offset above 3 sigma, ``min_throw_m`` and the vertical resolution at its depth."""
    return abs(throw_m) > max(min_throw_m, 3 * sigma_m, resolution_fraction * depth_m)


def measure_throws(hz: list[Horizon], fams: list[list[int]], x: np.ndarray, plane: dict[str, Any], *,
                   exclude_m: float, window_m: float, min_throw_m: float, unbroken_sigma_fraction: float = 0.05) -> list[dict[str, Any]]:
    """Throw of every horizon family that has picks on both sides of the plane (see module docstring)."""
    rows = []
    for fam in fams:
        segs = [(hz[i].x, np.asarray(hz[i].z)) for i in fam]
        zmed = float(np.median(np.concatenate([sz for _, sz in segs])))
        xp = plane["x0"] + plane["c"] * zmed

        def window(lo: float, hi: float) -> tuple[np.ndarray, np.ndarray]:
            # the segment with most picks in the window (a neighbour's overshoot past the plane is ignored)
            best = max(segs, key=lambda s: int(np.sum((s[0] >= lo) & (s[0] <= hi))))
            sel = (best[0] >= lo) & (best[0] <= hi)
            return best[0][sel], best[1][sel]  # type: ignore[index]

        for _ in range(2):  # iterate: the plane position depends on the horizon depth
            xl, zl_ = window(xp - exclude_m - window_m, xp - exclude_m)
            xr, zr_ = window(xp + exclude_m, xp + exclude_m + window_m)
            if xl.size < 3 or xr.size < 3:
                break
            zl, zr, s = _joint_step_fit(xl, zl_, xr, zr_, xp)
            xp = plane["x0"] + plane["c"] * min(zl, zr)
        else:
            t = zr - zl
            if is_offset(t, s, max(zl, zr), min_throw_m, unbroken_sigma_fraction):
                status = "offset"
            elif s <= max(min_throw_m, unbroken_sigma_fraction * max(zl, zr)):
                status = "unbroken"  # no offset above the vertical resolution at that depth
            else:
                status = "unresolved"
            rows.append({"depth_left_m": zl, "depth_right_m": zr, "depth_m": min(zl, zr), "throw_m": t, "sigma_m": s,
                         "status": status, "chainage_m": xp, "polarity": hz[fam[0]].polarity,
                         "footwall_side": "left" if zl < zr else "right"})
    rows.sort(key=lambda r: r["depth_m"])
    # one row per depth (two polarity lobes of one reflector give two families): keep the better-measured
    out: list[dict[str, Any]] = []
    for r in rows:
        if out and abs(r["depth_m"] - out[-1]["depth_m"]) < 2.0:
            if r["sigma_m"] < out[-1]["sigma_m"]:
                out[-1] = r
            continue
        out.append(r)
    return out
