"""Reflection flow, stage 1: shot records + field geometry -> the pre-stack CMP dataset.

:func:`load_shots` reads the shot files, attaches the geometry (station
table and observer's log, :mod:`.geometry`, or the trace headers,
:func:`header_geometry`) and bins the midpoints into CMPs along the
processing line. The dataset layout is described in
:mod:`geoexplore.seismic.reflection.flow`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from geoexplore.core.errors import GeoexploreError

TRACE_COORDS = (
    "ffid", "channel", "offset_m", "source_station", "receiver_station", "source_chainage_m", "receiver_chainage_m",
    "source_x_m", "source_y_m", "receiver_x_m", "receiver_y_m", "source_elevation_m", "receiver_elevation_m",
)


# -- loading and geometry ------------------------------------------------------------
def header_geometry(gather: xr.Dataset, *, profile: Any = None, along_line: bool | None = None,
                    x_origin_m: float = 0.0, scale: float = 1.0) -> dict[str, np.ndarray]:
    """Per-trace geometry from a gather's own headers (no station table).

    Parameters
    ----------
    gather : xarray.Dataset
        A gather (:mod:`geoexplore.seismic.gather`).
    profile : Profile, optional
        The processing line. Needed to turn map coordinates into chainage,
        or line positions into map coordinates.
    along_line : bool, optional
        True if ``*_x_m`` are positions along the line (SEG-2 field files:
        y is 0 or missing); default: decided from the y headers.
    x_origin_m : float
        Chainage of line position 0 (for ``along_line``).
    scale : float
        Factor to metres of the ``*_x_m``/``*_y_m`` values (see
        :func:`geoexplore.seismic.reflection.headergeom.coordinate_factor`).

    Returns
    -------
    dict
        The keys of :func:`geoexplore.seismic.reflection.geometry.trace_geometry`.
        Station numbers come from ``receiver_station``/``source_station``
        headers when present, else from the chainage in decimetres.
    """
    g: dict[str, np.ndarray] = {}
    sy = gather["source_y_m"].values.astype(float) * scale
    ry = gather["receiver_y_m"].values.astype(float) * scale
    if along_line is None:
        along_line = bool(np.all((np.nan_to_num(sy) == 0) & (np.nan_to_num(ry) == 0)))
    for side in ("source", "receiver"):
        x = gather[f"{side}_x_m"].values.astype(float) * scale
        if along_line:
            ch = x + x_origin_m
            if profile is not None:
                px, py = profile.xy(ch)
            else:
                px, py = ch.copy(), np.zeros_like(ch)
        else:
            px, py = x, gather[f"{side}_y_m"].values.astype(float) * scale
            if profile is None:
                raise GeoexploreError("map coordinates in the headers need a profile to give chainage")
            ch = np.atleast_1d(profile.chainage(px, py)[0])
        g[f"{side}_x_m"], g[f"{side}_y_m"], g[f"{side}_chainage_m"] = np.asarray(px), np.asarray(py), ch
        g[f"{side}_elevation_m"] = np.nan_to_num(gather[f"{side}_elevation_m"].values.astype(float))
        name = f"{side}_station"
        hs = gather[name].values if name in gather.coords else None
        g[name] = hs.astype(np.int64) if hs is not None and np.all(hs != 0) else np.round(ch * 10).astype(np.int64)
    dist = np.hypot(g["receiver_x_m"] - g["source_x_m"], g["receiver_y_m"] - g["source_y_m"])
    g["offset_m"] = np.where(g["receiver_chainage_m"] < g["source_chainage_m"], -dist, dist)
    return g


def _read_files(files: Sequence[str | Path], report: dict[str, Any],
                coordinate_units: str | None = None) -> tuple[list[Any], list[str], list[str]]:
    """Read the shot files; returns (gathers, names of the files read, 'file: error' of the others).

    ``coordinate_units`` is also the unit of the location strings of SEG-2 files that state no ``UNITS``
    (refused where it contradicts a file's ``UNITS``)."""
    from geoexplore.seismic import io
    from geoexplore.seismic.reflection.headergeom import sample_count_report

    gathers, names, bad = [], [], []
    dt = ns = None
    for f in files:
        try:
            seg2_unit = coordinate_units if coordinate_units and io.detect(f) == "seg2" else None
            g = io.read(f, coordinate_unit=seg2_unit)
            d = float(g.attrs["dt_s"])
            if dt is None:
                dt, ns = d, g.sizes["time_s"]
            elif abs(d - dt) > 1e-9 or g.sizes["time_s"] != ns:
                raise GeoexploreError(f"{f}: sampling {d} s x {g.sizes['time_s']} differs from the first file ({dt} s x {ns})")
        except GeoexploreError as exc:
            bad.append(str(exc) if str(f) in str(exc) else f"{f}: {exc}")
            continue
        sample_count_report(g, report)
        gathers.append(g)
        names.append(str(f))
    if not gathers:
        raise GeoexploreError("no shot file could be read: " + "; ".join(bad))
    return gathers, names, bad


def _table_geometry(gathers: list[Any], names: list[str], stations: dict[str, np.ndarray], log: dict[str, np.ndarray],
                    bad: list[str]) -> tuple[list[Any], list[dict[str, np.ndarray]]]:
    from geoexplore.seismic.reflection.geometry import trace_geometry

    by_name = {Path(str(f)).name: i for i, f in enumerate(log["file"])}
    kept, geoms = [], []
    for g, f in zip(gathers, names):
        try:
            name = Path(f).name
            if name not in by_name:
                raise GeoexploreError(f"{f}: not in the observer's log")
            row = {k: v[by_name[name]] for k, v in log.items()}
            geo = trace_geometry(stations, row, g.sizes["trace"])
        except GeoexploreError as exc:
            bad.append(str(exc) if f in str(exc) else f"{f}: {exc}")
            continue
        geo["ffid"] = np.full(g.sizes["trace"], int(row["ffid"]))
        geo["channel"] = np.arange(1, g.sizes["trace"] + 1)
        kept.append(g)
        geoms.append(geo)
    if not kept:
        raise GeoexploreError("no shot file could be read: " + "; ".join(bad))
    return kept, geoms


def _receiver_spacing(x: np.ndarray, y: np.ndarray, ffid: np.ndarray, channel: np.ndarray) -> float:
    """Median distance between neighbouring channels of the same shot (m)."""
    steps = []
    for s in np.unique(ffid):
        idx = np.flatnonzero(ffid == s)
        idx = idx[np.argsort(channel[idx], kind="stable")]
        d = np.hypot(np.diff(x[idx]), np.diff(y[idx]))
        steps.append(d[d > 1e-6])
    st = np.concatenate(steps) if steps else np.array([])
    if st.size == 0:
        raise GeoexploreError("header geometry: receivers of every shot share one position; give bin_m")
    return float(np.median(st))


def _headers_geometry(gathers: list[Any], profile: Any, x_origin_m: float, coordinate_units: str | None,
                      bin_m: float | None, line: str, report: dict[str, Any]) -> tuple[dict[str, np.ndarray], Any, float]:
    """Per-trace geometry of all gathers from their headers; returns (geometry, profile, bin_m)."""
    from geoexplore.seismic.reflection.headergeom import (
        coordinate_factor,
        fit_line,
        shots_and_channels,
        split_by_source,
    )

    unknown = [str(g.attrs.get("source_file", "?")) for g in gathers if g.attrs.get("coordinate_unit") == "unknown"]
    if unknown:
        raise GeoexploreError(f"{unknown[0]}: the SEG-2 file states no UNITS for its locations and SEG-2 has no default: "
                              "give the unit (coordinate_units 'm' or 'ft', CLI --coordinate-units) or a station table and "
                              "observer's log")
    fac = coordinate_factor(gathers, coordinate_units, report)
    cat = {k: np.concatenate([np.asarray(g[k].values, float) for g in gathers]) * fac
           for k in ("source_x_m", "source_y_m", "receiver_x_m", "receiver_y_m")}
    sc = [shots_and_channels(g, i) for i, g in enumerate(gathers)]
    shot = np.concatenate([s[0] for s in sc])
    channel = np.concatenate([s[1] for s in sc])
    report["shot_field"] = sorted({s[2] for s in sc})
    report["channel_field"] = sorted({s[3] for s in sc})
    sx, sy, gx, gy = cat["source_x_m"], cat["source_y_m"], cat["receiver_x_m"], cat["receiver_y_m"]
    if not (np.isfinite(np.r_[sx, gx]).all() and np.ptp(np.r_[sx, gx, np.nan_to_num(sy), np.nan_to_num(gy)]) > 0):
        raise GeoexploreError("the trace headers carry no source/receiver positions (bytes 73-88 all 0): give a station "
                              "table and observer's log")
    ffid = split_by_source(shot, sx, sy, report)
    along = bool(np.all((np.nan_to_num(sy) == 0) & (np.nan_to_num(gy) == 0)))
    seg2 = all(g.attrs.get("format") == "seg2" for g in gathers)
    fields = "SOURCE_LOCATION, RECEIVER_LOCATION (SEG-2)" if seg2 else ("sx, gx (bytes 73-76, 81-84)" if along
                                                                        else "sx, sy, gx, gy (bytes 73-88)")
    report["position_fields"] = f"{fields} as {'positions along the line' if along else 'map coordinates'}"
    if bin_m is None:
        bin_m = 0.5 * _receiver_spacing(gx, np.nan_to_num(gy), ffid, channel)
        report["bin_m"] = f"{bin_m:g} (half the receiver spacing)"
    if profile is None and not along:
        profile = fit_line(0.5 * (sx + gx), 0.5 * (sy + gy), bin_m, line, report)
    parts = [header_geometry(g, profile=profile, along_line=along, x_origin_m=x_origin_m, scale=fac) for g in gathers]
    geo = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    geo["ffid"], geo["channel"] = ffid, channel
    report["n_shots"] = int(np.unique(ffid).size)
    report["n_files"] = len(gathers)
    return geo, profile, float(bin_m)


def load_shots(
    files: Sequence[str | Path],
    stations: dict[str, np.ndarray] | None,
    log: dict[str, np.ndarray] | None,
    profile: Any,
    *,
    bin_m: float | None = None,
    line: str = "profile",
    x_origin_m: float = 0.0,
    coordinate_units: str | None = None,
) -> xr.Dataset:
    """Read shot records, attach the field geometry, bin into CMPs along ``profile``.

    Parameters
    ----------
    files : sequence of paths
        Shot files (any format :func:`geoexplore.seismic.io.read` takes).
        Without tables any layout: several shots per file, one shot in
        several files; shot (``ffid``) and ``channel`` come from each trace's
        header (:mod:`.headergeom`).
    stations, log : dict or None
        Station table and observer's log (:mod:`geoexplore.seismic.reflection.geometry`).
        A file is matched to its log row by file name (one shot per file).
        Without them the geometry comes from the trace headers
        (:func:`header_geometry`, line positions offset by ``x_origin_m``).
    profile : geoexplore.core.profile.Profile or None
        The processing line (midpoints are projected onto it). None with
        header geometry: a straight line along the positions, or a line
        fitted to the midpoints' map coordinates (straight or crooked).
    bin_m : float, optional
        CMP bin size (default: half the median station / receiver spacing).
    coordinate_units : {"m", "ft"}, optional
        Units of header coordinates whose unit code is not a length, and of
        the location strings of SEG-2 files that state no ``UNITS``.

    Returns
    -------
    xarray.Dataset
        The pre-stack dataset (see module docstring), with
        ``attrs["geometry_report"]`` (JSON: what was found in the headers).
        Files that cannot be read are skipped and listed in
        ``attrs["bad_files"]``; if none can be read a :class:`GeoexploreError` is raised.
    """
    from geoexplore.seismic.reflection.geometry import cmp_bins

    use_tables = stations is not None and log is not None
    report: dict[str, Any] = {"source": "station table and observer's log" if use_tables else "trace headers"}
    gathers, names, bad = _read_files(files, report, coordinate_units)
    dt = float(gathers[0].attrs["dt_s"])
    if use_tables:
        gathers, geoms = _table_geometry(gathers, names, stations, log, bad)  # type: ignore[arg-type]
        geo = {k: np.concatenate([g[k] for g in geoms]) for k in geoms[0]}
    else:
        geo, profile, bin_m = _headers_geometry(gathers, profile, x_origin_m, coordinate_units, bin_m, line, report)
        ch = np.r_[geo["source_chainage_m"], geo["receiver_chainage_m"]]
        el = np.r_[geo["source_elevation_m"], geo["receiver_elevation_m"]]
        u, iu = np.unique(np.round(ch, 3), return_index=True)
        stations = {"chainage_m": u, "elevation_m": el[iu]}
        if profile is None:
            from geoexplore.core.profile import Profile

            profile = Profile(np.array([u[0], u[-1] + 1.0]), np.zeros(2), chainage_start_m=float(u[0]), name=line)
            report["line"] = {"kind": "straight", "along": "the header positions (y = 0)"}
    synthetic = any("SYNTHETIC" in str(g.attrs.get("textual_header", "")).upper() for g in gathers)
    data = np.concatenate([np.asarray(g["data"].values, np.float32) for g in gathers])
    if bin_m is None:
        bin_m = 0.5 * float(np.median(np.diff(np.sort(stations["chainage_m"]))))
    b = cmp_bins((geo["source_x_m"], geo["source_y_m"]), (geo["receiver_x_m"], geo["receiver_y_m"]), profile, bin_m)
    report["cmp"] = {"bin_m": float(bin_m), "n_bins": int(b["fold"].size), "max_fold": int(b["fold"].max()),
                     "max_midpoint_offline_m": float(np.max(np.abs(b["midpoint_offline_m"])))}
    coords: dict[str, Any] = {k: ("trace", geo[k]) for k in TRACE_COORDS}
    coords.update({
        "midpoint_chainage_m": ("trace", b["midpoint_chainage_m"]),
        "midpoint_offline_m": ("trace", b["midpoint_offline_m"]),
        "cdp": ("trace", b["cdp"]),
        "static_s": ("trace", np.zeros(data.shape[0])),
        "time_s": ("time_s", np.arange(data.shape[1]) * dt),
    })
    elev_bins = np.interp(b["bin_chainage_m"], stations["chainage_m"], stations["elevation_m"])
    ds = xr.Dataset(
        {
            "data": (("trace", "time_s"), data),
            "bin_chainage_m": ("bin", b["bin_chainage_m"]),
            "fold": ("bin", b["fold"]),
            "elevation_m": ("bin", elev_bins),
            "datum_m": ("bin", elev_bins),
        },
        coords=coords,
        attrs={"dt_s": float(dt), "line": line, "synthetic": int(synthetic), "bin_m": float(bin_m), "datum": "surface",
               "replacement_velocity_m_s": 0.0, "bad_files": json.dumps(bad), "n_files": len(gathers),
               "geometry_report": json.dumps(report)},
    )
    ds["offset_m"].attrs["units"] = "m"
    ds["time_s"].attrs["units"] = "s"
    return ds


__all__ = ["TRACE_COORDS", "header_geometry", "load_shots"]
