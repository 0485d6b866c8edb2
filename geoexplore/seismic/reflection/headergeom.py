"""Geometry from trace headers: coordinate units, shots and channels per trace, the processing line.

Used by :func:`geoexplore.seismic.reflection.shots.load_shots` when no
station table and observer's log are given. Everything taken from the
headers is written to a report (a dict, stored as JSON in the pre-stack
dataset's ``attrs["geometry_report"]``): the coordinate scalars and units
found, which fields gave positions, shots and channels, how the line was
fitted and any disagreement between headers (e.g. the sample count).

Rules (never guessed):

* Coordinates (SEG-Y bytes 73-88) are lengths when the coordinate-unit
  code (bytes 89-90) is 0 or 1 (metres or feet by the binary header's
  measurement system, already applied by the reader). Codes 2-4 (arc
  seconds, degrees, DMS) are refused unless the values cannot be angles
  (beyond +-180 degrees) and ``|receiver - source|`` equals the offset
  header (a length) on every trace: then the coordinates are lengths in
  the offset's unit and the contradiction is reported. ``coordinate_units``
  ("m" or "ft") overrides the code. A SEG-Y file whose measurement system
  (binary header bytes 3255-3256) is neither 1 nor 2, and any SU file (no
  binary header), states no length unit: ``coordinate_units`` is then
  required.
* A shot is a field record number (``fldr``, or ``ep`` when ``fldr`` is 0)
  with one source position; records reusing a number at another source
  position are split. Without either number, each file is one shot.
  The channel is ``tracf`` (or the trace's position in its record).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import xarray as xr

from geoexplore.core.errors import GeoexploreError

_UNIT_NAMES = {0: "length (unspecified: the file's measurement system)", 1: "length", 2: "arc seconds",
               3: "decimal degrees", 4: "degrees-minutes-seconds"}


def coordinate_factor(gathers: list[xr.Dataset], coordinate_units: str | None, report: dict[str, Any]) -> float:
    """Factor turning the reader's ``*_x_m`` / ``*_y_m`` values into metres (1.0 or 0.3048); raises when they are not lengths."""
    counit = np.concatenate([np.asarray(g["counit"].values) for g in gathers])
    codes = sorted({int(c) for c in np.unique(counit)})
    report["coordinate_unit_codes"] = {str(c): _UNIT_NAMES.get(c, "unknown") for c in codes}
    report["coordinate_scalars"] = sorted({int(s) for g in gathers for s in np.unique(g["scalco"].values)})
    report["elevation_scalars"] = sorted({int(s) for g in gathers for s in np.unique(g["scalel"].values)})
    units = {str(g.attrs.get("length_unit_in_file", "m")) for g in gathers}
    report["length_unit_in_file"] = sorted(units)
    if coordinate_units is not None and coordinate_units not in ("m", "ft"):
        raise GeoexploreError(f"coordinate_units must be 'm' or 'ft', got {coordinate_units!r}")
    if "unknown" in units:
        if coordinate_units is None:
            names = sorted({str(g.attrs.get("source_file", "?")) for g in gathers
                            if g.attrs.get("length_unit_in_file") == "unknown"})
            fmt = {str(g.attrs.get("format")) for g in gathers if g.attrs.get("length_unit_in_file") == "unknown"}
            where = ("SU has no binary header stating it" if fmt == {"su"} else
                     "the binary header's measurement system (bytes 3255-3256) is neither 1 (metres) nor 2 (feet)")
            raise GeoexploreError(f"{names[0]}: the unit of the trace-header lengths is not stated ({where}): give it "
                                  "(coordinate_units 'm' or 'ft', CLI --coordinate-units) or a station table and observer's log")
        if units != {"unknown"}:
            raise GeoexploreError(f"the files mix stated length units {sorted(units - {'unknown'})} with unstated ones: "
                                  "read them as separate lines or give a station table and observer's log")
        report["coordinate_units"] = f"{coordinate_units} (given by the user; the files state no length unit; header codes {codes})"
        return 0.3048 if coordinate_units == "ft" else 1.0
    if coordinate_units is not None:
        report["coordinate_units"] = f"{coordinate_units} (given by the user; header codes {codes})"
        # the reader converted feet to metres only for codes 0/1
        return 0.3048 if coordinate_units == "ft" and all(c not in (0, 1) for c in codes) else 1.0
    if all(c in (0, 1) for c in codes):
        report["coordinate_units"] = "m" if units == {"m"} else "ft (converted to m)"
        return 1.0
    sx = np.concatenate([g["source_x_m"].values for g in gathers])
    sy = np.concatenate([g["source_y_m"].values for g in gathers])
    gx = np.concatenate([g["receiver_x_m"].values for g in gathers])
    gy = np.concatenate([g["receiver_y_m"].values for g in gathers])
    off = np.abs(np.concatenate([g["offset_m"].values for g in gathers]))
    dist = np.hypot(gx - sx, gy - sy)
    not_angles = np.nanmax(np.abs(np.r_[sx, gx])) > 180.0 * 3600 if 2 in codes else np.nanmax(np.abs(np.r_[sx, gx])) > 180.0
    match = bool(np.all(off > 0) and np.allclose(dist, off, rtol=1e-3, atol=0.6))
    if not_angles and match:
        report["coordinate_units"] = "m (from the offsets)"
        report.setdefault("discrepancies", []).append(
            f"coordinate-unit code(s) {codes} ({', '.join(_UNIT_NAMES.get(c, '?') for c in codes)}) contradict the values: "
            f"coordinates reach {np.nanmax(np.abs(np.r_[sx, gx])):g}, not an angle, and |receiver - source| equals the "
            f"offset header on all {off.size} traces; coordinates read as lengths in the offset's unit")
        return 1.0
    raise GeoexploreError(
        f"trace-header coordinates are {', '.join(_UNIT_NAMES.get(c, str(c)) for c in codes)} (coordinate-unit code "
        f"{codes}), not lengths: project them to metres first, give a station table and observer's log, or state "
        "the units (coordinate_units='m' or 'ft', CLI --coordinate-units)")


def shots_and_channels(g: xr.Dataset, file_index: int) -> tuple[np.ndarray, np.ndarray, str, str]:
    """Per-trace shot key and channel of one gather: ``(shot_number, channel, shot_field, channel_field)``.

    The shot number is ``fldr`` (or ``ep`` when every ``fldr`` is 0, or
    ``file_index + 1`` when both are 0); the channel is ``tracf`` (or the
    1-based trace position within the shot when ``tracf`` is 0).
    """
    n = g.sizes["trace"]
    seg2 = g.attrs.get("format") == "seg2"
    fldr = np.asarray(g["fldr"].values, np.int64)
    ep = np.asarray(g["ep"].values, np.int64)
    if np.all(fldr != 0):
        shot, sf = fldr, "fldr (SEG-2 SHOT_SEQUENCE_NUMBER)" if seg2 else "fldr (bytes 9-12)"
    elif np.all(ep != 0):
        shot, sf = ep, "ep (bytes 17-20)"
    else:
        shot, sf = np.full(n, file_index + 1, np.int64), "file (one shot per file: no fldr/ep in the headers)"
    tracf = np.asarray(g["tracf"].values, np.int64)
    if np.all(tracf > 0):
        return shot, tracf, sf, "tracf (SEG-2 CHANNEL_NUMBER)" if seg2 else "tracf (bytes 13-16)"
    ch = np.zeros(n, np.int64)
    for s in np.unique(shot):
        idx = np.flatnonzero(shot == s)
        ch[idx] = np.arange(1, idx.size + 1)
    return shot, ch, sf, "position in the record (tracf is 0)"


def split_by_source(shot: np.ndarray, sx: np.ndarray, sy: np.ndarray, report: dict[str, Any]) -> np.ndarray:
    """Shot ids (ffid) per trace: a shot number that recurs at another source position becomes a new shot."""
    key = np.stack([shot.astype(float), np.round(np.nan_to_num(sx), 2), np.round(np.nan_to_num(sy), 2)], axis=1)
    u, inv = np.unique(key, axis=0, return_inverse=True)
    inv = np.asarray(inv).ravel()
    nums, counts = np.unique(u[:, 0], return_counts=True)
    if (counts > 1).any():
        report.setdefault("discrepancies", []).append(
            f"shot number(s) {nums[counts > 1][:10].astype(int).tolist()} recur at different source positions: "
            "split into separate shots")
        top = int(np.max(np.abs(shot))) if shot.size else 0
        ffid = shot.copy()
        seen: dict[float, int] = {}
        for k, row in enumerate(u):
            n = seen.get(row[0], 0)
            seen[row[0]] = n + 1
            if n:
                ffid[inv == k] = top + 1000 * n + int(row[0])
        return ffid
    return shot


def fit_line(x: np.ndarray, y: np.ndarray, bin_m: float, name: str, report: dict[str, Any]) -> Any:
    """The processing line through map positions: a straight fit, or a crooked line when points stray from it.

    Straight: the principal axis of the points (direction of increasing
    chainage towards increasing x, or y for a north-south line). Crooked
    (some point more than one bin off the straight line): a polyline through
    the running mean of the points along that axis, in steps of 10 bins.
    """
    from geoexplore.core.profile import Profile

    p = np.c_[x, y]
    c = p.mean(axis=0)
    _, _, vt = np.linalg.svd(p - c, full_matrices=False)
    u = vt[0] if (vt[0][0] > 1e-9 or (abs(vt[0][0]) <= 1e-9 and vt[0][1] > 0)) else -vt[0]
    s = (p - c) @ u
    off = (p - c) @ np.array([u[1], -u[0]])
    if np.ptp(s) == 0:
        raise GeoexploreError("all header positions coincide: no line to bin along")
    if np.max(np.abs(off)) <= bin_m:
        a, b = c + s.min() * u, c + s.max() * u
        report["line"] = {"kind": "straight", "azimuth_deg": float(np.degrees(np.arctan2(u[0], u[1])) % 360),
                          "max_offline_m": float(np.max(np.abs(off))), "start_xy_m": a.tolist(), "end_xy_m": b.tolist()}
        return Profile(np.array([a[0], b[0]]), np.array([a[1], b[1]]), name=name)
    step = 10 * bin_m
    edges = np.arange(s.min(), s.max() + step, step)
    vs, vo = [], []  # running means in the line's own frame (along, across)
    for lo in edges:
        sel = (s >= lo) & (s < lo + step)
        if sel.any():
            vs.append(s[sel].mean())
            vo.append(off[sel].mean())
    if len(vs) >= 2:  # the ends: the first and last segments extended to the extreme points
        o0 = vo[0] + (vo[1] - vo[0]) * (s.min() - vs[0]) / (vs[1] - vs[0])
        o1 = vo[-1] + (vo[-1] - vo[-2]) * (s.max() - vs[-1]) / (vs[-1] - vs[-2])
        vs, vo = [s.min(), *vs, s.max()], [o0, *vo, o1]
    vs_a, vo_a = np.asarray(vs), np.asarray(vo)
    n = np.array([u[1], -u[0]])
    vx = c[0] + vs_a * u[0] + vo_a * n[0]
    vy = c[1] + vs_a * u[1] + vo_a * n[1]
    prof = Profile(vx, vy, name=name)
    report["line"] = {"kind": "crooked", "n_vertices": len(vx), "max_offline_of_straight_fit_m": float(np.max(np.abs(off)))}
    return prof


def sample_count_report(g: xr.Dataset, report: dict[str, Any]) -> None:
    """Record a trace-header sample count that disagrees with the samples read (binary header and file size)."""
    hns = np.asarray(g["n_samples_header"].values)
    ns = int(g.sizes["time_s"])
    bad = np.unique(hns[(hns != ns) & (hns != 0)])
    if bad.size:
        report.setdefault("discrepancies", []).append(
            f"{g.attrs.get('source_file', '')}: trace headers claim {bad.tolist()} samples per trace; the binary header "
            f"and the file size say {ns}: read {ns} per the standard (fixed-length traces)")


__all__ = ["coordinate_factor", "fit_line", "sample_count_report", "shots_and_channels", "split_by_source"]
