"""Fault points, fault planes and the upper breakpoint of a fault on a reflection section (NumPy kernels).

* :func:`group_fault_points` -- offsets (and unpaired terminations) that line
  up on a plane steeper than ``min_dip_deg`` form one fault;
* :func:`fit_plane` -- a line ``x = x0 + z cot(dip)`` fitted through them (dip
  from the breakpoints of several reflectors). With one offset depth only the
  rules' default dip is used, dipping towards the downthrown side
  (normal-fault assumption, stated);
* :func:`upper_breakpoint` -- the shallowest offset horizon (its footwall
  depth) and the nearest unbroken horizon above it bracket the tip; the
  estimate is the bracket's middle with the uniform-distribution sigma
  (width/sqrt(12)). With no unbroken horizon above, the tip is only bounded
  below (flagged).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass
class FaultPoint:
    x: float
    z: float
    kind: str  # 'offset' or 'termination'
    throw_m: float = math.nan
    sigma_m: float = math.nan
    x_sigma_m: float = 5.0


def group_fault_points(pts: list[FaultPoint], min_dip_deg: float = 35.0, tol_m: float = 25.0) -> list[list[FaultPoint]]:
    """Single-linkage grouping of points lying on planes steeper than ``min_dip_deg``."""
    n = len(pts)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    cot = 1.0 / math.tan(math.radians(min_dip_deg))
    for i in range(n):
        for k in range(i + 1, n):
            if abs(pts[i].x - pts[k].x) <= abs(pts[i].z - pts[k].z) * cot + tol_m:
                parent[find(i)] = find(k)
    groups: dict[int, list[FaultPoint]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(pts[i])
    return [sorted(g, key=lambda p: p.z) for g in groups.values()]


def fit_plane(pts: list[FaultPoint], default_dip_deg: float) -> dict[str, float | str]:
    """Fit x = x0 + c z through the points; dip = atan(1/|c|), towards increasing chainage if c > 0.

    With one usable depth only, the default dip is used towards the downthrown side.
    """
    xs = np.array([p.x for p in pts])
    zs = np.array([p.z for p in pts])
    w = 1.0 / np.array([max(p.x_sigma_m, 1.0) for p in pts]) ** 2
    if np.ptp(zs) >= 10.0 and len(pts) >= 2:
        A = np.column_stack([np.ones_like(zs), zs])
        W = np.sqrt(w)
        coef, *_ = np.linalg.lstsq(A * W[:, None], xs * W, rcond=None)
        res = xs - A @ coef
        s2 = max(float(np.sum(w * res**2) / max(len(pts) - 2, 1)), 1.0)
        cov = s2 * np.linalg.inv((A * w[:, None]).T @ A)
        c = float(coef[1])
        dip = math.degrees(math.atan2(1.0, abs(c))) if c != 0 else 90.0
        dsig = math.degrees(math.sqrt(cov[1, 1]) / (1 + c * c))
        return {"x0": float(coef[0]), "c": c, "dip_deg": dip, "dip_sigma_deg": dsig,
                "dips_toward": "increasing" if c > 0 else "decreasing", "method": f"fit to {len(pts)} breakpoints",
                "cov00": float(cov[0, 0]), "cov01": float(cov[0, 1]), "cov11": float(cov[1, 1])}
    throws = [p.throw_m for p in pts if np.isfinite(p.throw_m)]
    down_right = (np.median(throws) > 0) if throws else True  # right side deeper -> dips towards increasing chainage
    c = (1 if down_right else -1) / math.tan(math.radians(default_dip_deg))
    x0 = float(np.average(xs - c * zs, weights=w))
    return {"x0": x0, "c": c, "dip_deg": default_dip_deg, "dip_sigma_deg": 15.0,
            "dips_toward": "increasing" if c > 0 else "decreasing",
            "method": f"default dip {default_dip_deg:g} deg towards the downthrown side (one offset depth only)",
            "cov00": float(np.mean([p.x_sigma_m for p in pts]) ** 2), "cov01": 0.0, "cov11": (0.3 * abs(c)) ** 2}


def upper_breakpoint(throws: list[dict[str, Any]], terminations: list[FaultPoint]) -> dict[str, Any] | None:
    """Bracket and estimate of the upper breakpoint from per-horizon throws (see module docstring).

    Going up from the deepest offset horizon, offsets continue until the first
    unbroken horizon: that one and the shallowest offset below it bracket the
    tip. A plane cannot offset a horizon above an unbroken one, so offsets
    higher up are marked 'isolated' (reported, not used).
    """
    rows = sorted(throws, key=lambda r: r["depth_m"], reverse=True)
    z_off = None
    unb = None
    for r in rows:
        if r["status"] == "offset":
            if unb is None:
                z_off = r["depth_m"]
            else:
                r["status"] = "isolated"
        elif r["status"] == "unbroken" and z_off is not None and unb is None:
            unb = r
    if z_off is None:
        z_off = min(p.z for p in terminations) if terminations else None
    if z_off is None:
        return None
    off = [r for r in throws if r["status"] == "offset"]
    if unb is not None:
        lo = unb["depth_m"]
        est = 0.5 * (lo + z_off)
        sig = (z_off - lo) / math.sqrt(12.0)
        return {"depth_m": est, "sigma_m": sig, "depth_min_m": lo, "depth_max_m": z_off, "bounded_above": True,
                "offset_horizon_depth_m": z_off, "unbroken_horizon_depth_m": lo,
                "offset_throw_m": min(off, key=lambda r: r["depth_m"])["throw_m"] if off else None}
    return {"depth_m": z_off, "sigma_m": None, "depth_min_m": 0.0, "depth_max_m": z_off, "bounded_above": False,
            "offset_horizon_depth_m": z_off, "unbroken_horizon_depth_m": None,
            "offset_throw_m": min(off, key=lambda r: r["depth_m"])["throw_m"] if off else None}
