"""Fault indicators from a seismic reflection depth section.

The chain (NumPy kernels, each in its own module):

1. picking and horizon tracking (:mod:`.horizons`): :func:`pick_events`
   above ``snr`` times the local noise, :func:`track_horizons` trace to trace,
   :func:`pair_segments` across gaps, joined into :func:`families`. A pair
   counts as an offset above 3 sigma and above the vertical resolution
   (``unbroken_sigma_fraction`` of the depth: :func:`is_offset`);
2. fault points and planes (:mod:`.breakpoints`): offsets (and unpaired
   terminations) that line up on a plane steeper than ``min_dip_deg`` form
   one fault (:func:`group_fault_points`), a plane ``x = x0 + z cot(dip)`` is
   fitted through them (:func:`fit_plane`);
3. throws (:mod:`.throws`): :func:`measure_throws` for every horizon family
   crossing the plane, 'offset' if above ``max(min_throw_m, 3 sigma)``, else
   'unbroken';
4. the upper breakpoint (:mod:`.breakpoints`): :func:`upper_breakpoint`
   brackets the tip between the shallowest offset horizon and the nearest
   unbroken horizon above it.

:func:`reflection_indicators` runs the chain on one section, in named stages:
:func:`track_section` (picks -> horizons), :func:`fault_points` (offsets and
terminations) and :func:`group_indicator` (one fault: plane, throws, upper
breakpoint). The kernels' names stay importable from this module.
Time-to-depth conversion is :func:`geoexplore.seismic.depth.time_to_depth`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from geoexplore.core.errors import GeoexploreError
from geoexplore.fault.indicators import Indicator
from geoexplore.fault.indicators.breakpoints import (
    FaultPoint,
    fit_plane,
    group_fault_points,
    upper_breakpoint,
)
from geoexplore.fault.indicators.horizons import (
    Horizon,
    Pair,
    drop_side_lobes,
    families,
    noise_level,
    pair_segments,
    pick_events,
    track_horizons,
)
from geoexplore.fault.indicators.throws import is_offset, measure_throws

__all__ = [
    "FaultPoint", "Horizon", "Pair", "drop_side_lobes", "families", "fault_points", "fit_plane", "group_fault_points",
    "group_indicator", "horizons_for_plot", "is_offset", "measure_throws", "noise_level", "pair_segments", "pick_events",
    "reflection_indicators", "track_horizons", "track_section", "upper_breakpoint",
]


def _throw_text(offs: list[dict[str, Any]]) -> str:
    return ", ".join("%+.1f m at %.0f m" % (r["throw_m"], r["depth_m"]) for r in offs[:6])


def track_section(a: np.ndarray, z: np.ndarray, x: np.ndarray, rr: Any, snr: float = 4.0) -> list[Horizon]:
    """Stage 1: picks above ``snr`` times the noise, side lobes dropped, linked into horizons.

    Parameters
    ----------
    a : (nz, nx) ndarray
        Amplitudes on (depth, chainage).
    z, x : ndarray
        Depths and chainages (m).
    rr : rules section ``indicators.reflection``
    snr : float
        Pick threshold in units of the local noise level.
    """
    dz = float(np.median(np.diff(z)))
    dx = float(np.median(np.diff(x)))
    sig = noise_level(a, dz)
    picks = drop_side_lobes(pick_events(a, z, sig, snr * rr.pick_threshold / 0.25))
    link = max(rr.link_tolerance_m, 0.6 * dz) * max(1.0, dx / 5.0)
    return track_horizons(picks, x, link, rr.max_gap_traces, rr.min_horizon_length_m)


def fault_points(hz: list[Horizon], pairs: list[Pair], x: np.ndarray, dx: float, rr: Any) -> list[FaultPoint]:
    """Stage 2: offsets of the significant pairs, and unpaired terminations away from the line ends."""
    pts: list[FaultPoint] = []
    paired_l = {p.left for p in pairs}
    paired_r = {p.right for p in pairs}
    for p in pairs:
        if is_offset(p.throw_m, p.sigma_m, max(p.z_left, p.z_right), rr.min_throw_m, rr.unbroken_sigma_fraction):
            pts.append(FaultPoint(p.x_mid, min(p.z_left, p.z_right), "offset", p.throw_m, p.sigma_m, max(p.gap_m / 2, dx)))
    edge = 3 * dx
    for i, h in enumerate(hz):  # unpaired terminations away from the line ends
        if i not in paired_l and x[h.end] < x[-1] - edge:
            pts.append(FaultPoint(float(x[h.end] + dx / 2), float(h.z[-1]), "termination", x_sigma_m=2 * dx))
        if i not in paired_r and x[h.start] > x[0] + edge:
            pts.append(FaultPoint(float(x[h.start] - dx / 2), float(h.z[0]), "termination", x_sigma_m=2 * dx))
    return pts


def _plane_points(g: list[FaultPoint], terms_all: list[FaultPoint]) -> tuple[list[FaultPoint], float]:
    """The points that define one plane, and the signed weight of the group's sense of slip."""
    # one sense of slip per fault: offsets of the other sense do not define the plane
    wsum = sum(np.sign(p.throw_m) * abs(p.throw_m) / max(p.sigma_m, 0.1) for p in g)
    g = [p for p in g if np.sign(p.throw_m) == np.sign(wsum)]
    if not g:
        return g, wsum
    # one plane per group of offsets; unpaired terminations only help when all offsets lie at one depth
    if np.ptp([p.z for p in g]) < 10.0:
        x0 = float(np.mean([p.x for p in g]))
        z0 = float(np.mean([p.z for p in g]))
        cot = 1.0 / math.tan(math.radians(35.0))
        extra = [t for t in terms_all if abs(t.x - x0) <= abs(t.z - z0) * cot + 25.0 and abs(t.z - z0) >= 10.0]
        g = sorted(g + extra, key=lambda p: p.z)
    return g, wsum


def group_indicator(g: list[FaultPoint], terms_all: list[FaultPoint], hz: list[Horizon], fams: list[list[int]], x: np.ndarray,
                    dx: float, rr: Any, ds: Any) -> Indicator | None:
    """Stage 3: one fault from a group of offsets -- plane, throws, upper breakpoint (None if not a fault)."""
    g, wsum = _plane_points(g, terms_all)
    if not g:
        return None
    plane = fit_plane(g, rr.default_dip_deg)
    gaps = [p.x_sigma_m for p in g if p.kind == "offset"]
    excl = max(2 * dx, float(np.median(gaps)) if gaps else 10.0)
    throws = measure_throws(hz, fams, x, plane, exclude_m=excl + dx, window_m=max(100.0, 15 * dx), min_throw_m=rr.min_throw_m,
                            unbroken_sigma_fraction=rr.unbroken_sigma_fraction)
    offs = [r for r in throws if r["status"] == "offset"]
    if not offs:
        return None
    # sense of slip: a fault keeps one sense on every horizon; offsets of the opposite sense (diffraction
    # and migration artefacts, mis-paired reflectors) are kept in the table but marked, not used
    # the sense comes from the paired breakpoints that built the plane (independent of the plane)
    for r in offs:
        if np.sign(r["throw_m"]) != np.sign(wsum):
            r["status"] = "opposite sense"
    offs = [r for r in throws if r["status"] == "offset"]
    if not offs:
        return None
    terms = [p for p in g if p.kind == "termination"]
    ub = upper_breakpoint(throws, terms)
    if ub is None:
        return None
    offs = [r for r in throws if r["status"] == "offset"]
    zt = float(ub["depth_m"])
    xt = plane["x0"] + plane["c"] * zt
    var = plane["cov00"] + 2 * zt * plane["cov01"] + zt * zt * plane["cov11"]
    xs_ub = (ub["sigma_m"] or 0.0) * abs(plane["c"])
    xsig = math.sqrt(max(var, 0.0) + xs_ub**2 + (dx / 2) ** 2)
    z_list = [r["throw_m"] / r["sigma_m"] for r in offs if r["sigma_m"] > 0]
    strength = 1.0 - float(np.prod([1.0 - min(0.9, abs(q) / 10.0) for q in z_list])) if z_list else 0.3
    zbot = max(p.z for p in g)
    details = (
        f"{len(offs)} offset reflector(s) (throws {_throw_text(offs)}); "
        f"upper breakpoint {zt:.0f} m"
        + (f" between the unbroken horizon at {ub['depth_min_m']:.0f} m and the offset one at {ub['depth_max_m']:.0f} m"
           if ub["bounded_above"] else " (no unbroken horizon resolved above)")
        + f"; dip {plane['dip_deg']:.0f} deg ({plane['method']})"
    )
    return Indicator(
        method="reflection", kind="reflector offsets", chainage_m=float(xt), chainage_sigma_m=float(xsig),
        depth_top_m=zt, depth_bottom_m=float(zbot), strength=float(strength), dip_deg=float(plane["dip_deg"]),
        dips_toward=str(plane["dips_toward"]), dip_sigma_deg=float(plane["dip_sigma_deg"]), upper_breakpoint=ub,
        throws=throws, plane_points=[[p.x, p.z] for p in g], details=details,
        line=str(ds.attrs.get("line", "")), synthetic=int(ds.attrs.get("synthetic", 0)),
    )


def reflection_indicators(ds: Any, rules: Any, *, snr: float = 4.0) -> list[Indicator]:
    """Fault indicators from a reflection depth section (contract: :mod:`geoexplore.core.images`).

    Parameters
    ----------
    ds : xr.Dataset
        ``amplitude`` (depth_m, chainage_m).
    rules : Rules
        ``indicators.reflection`` thresholds.
    snr : float
        Pick threshold in units of the local noise level.

    Returns
    -------
    list of Indicator
        One per fault: chainage at the upper breakpoint, its depth and bracket,
        dip, the plane points, and the throw of every horizon crossing it.
    """
    rr = rules.indicators.reflection
    a = np.asarray(ds["amplitude"].transpose("depth_m", "chainage_m").values, float)
    z = np.asarray(ds["depth_m"].values, float)
    x = np.asarray(ds["chainage_m"].values, float)
    if z.size < 5 or x.size < 5:
        raise GeoexploreError(f"reflection image too small ({z.size} x {x.size}) for horizon tracking")
    if "mask" in ds:
        a = np.where(np.asarray(ds["mask"].transpose("depth_m", "chainage_m").values, bool), a, 0.0)
    dx = float(np.median(np.diff(x)))
    hz = track_section(a, z, x, rr, snr)
    pairs = pair_segments(hz, x, rr.max_pair_gap_m, rr.max_throw_m, min_length_m=rr.min_horizon_length_m)
    fams = families(len(hz), pairs)
    pts = fault_points(hz, pairs, x, dx, rr)
    offsets = [p for p in pts if p.kind == "offset"]
    terms_all = [p for p in pts if p.kind == "termination"]
    out = [ind for g in group_fault_points(offsets)
           if (ind := group_indicator(g, terms_all, hz, fams, x, dx, rr, ds)) is not None]
    out.sort(key=lambda i: i.chainage_m)
    return out


def horizons_for_plot(ds: Any, rules: Any, snr: float = 4.0) -> list[tuple[np.ndarray, np.ndarray]]:
    """The tracked horizons (chainage, depth) for figures."""
    rr = rules.indicators.reflection
    a = np.asarray(ds["amplitude"].transpose("depth_m", "chainage_m").values, float)
    z = np.asarray(ds["depth_m"].values, float)
    x = np.asarray(ds["chainage_m"].values, float)
    hz = track_section(a, z, x, rr, snr)
    return [(h.x, np.asarray(h.z)) for h in hz]  # type: ignore[misc]
