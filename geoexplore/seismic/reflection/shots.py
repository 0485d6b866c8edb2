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
                    x_origin_m: float = 0.0) -> dict[str, np.ndarray]:
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

    Returns
    -------
    dict
        The keys of :func:`geoexplore.seismic.reflection.geometry.trace_geometry`.
        Station numbers come from ``receiver_station``/``source_station``
        headers when present, else from the chainage in decimetres.
    """
    g: dict[str, np.ndarray] = {}
    sy = gather["source_y_m"].values.astype(float)
    ry = gather["receiver_y_m"].values.astype(float)
    if along_line is None:
        along_line = bool(np.all((np.nan_to_num(sy) == 0) & (np.nan_to_num(ry) == 0)))
    for side in ("source", "receiver"):
        x = gather[f"{side}_x_m"].values.astype(float)
        if along_line:
            ch = x + x_origin_m
            if profile is not None:
                px, py = profile.xy(ch)
            else:
                px, py = ch.copy(), np.zeros_like(ch)
        else:
            px, py = x, gather[f"{side}_y_m"].values.astype(float)
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


def load_shots(
    files: Sequence[str | Path],
    stations: dict[str, np.ndarray] | None,
    log: dict[str, np.ndarray] | None,
    profile: Any,
    *,
    bin_m: float | None = None,
    line: str = "profile",
    x_origin_m: float = 0.0,
) -> xr.Dataset:
    """Read shot records, attach the field geometry, bin into CMPs along ``profile``.

    Parameters
    ----------
    files : sequence of paths
        Shot files (any format :func:`geoexplore.seismic.io.read` takes).
    stations, log : dict or None
        Station table and observer's log (:mod:`geoexplore.seismic.reflection.geometry`).
        A file is matched to its log row by file name. Without them the
        geometry comes from the trace headers (:func:`header_geometry`,
        line positions offset by ``x_origin_m``).
    profile : geoexplore.core.profile.Profile or None
        The processing line (midpoints are projected onto it). None with
        header geometry along the line: a straight line along the positions.
    bin_m : float, optional
        CMP bin size (default: half the median station spacing).

    Returns
    -------
    xarray.Dataset
        The pre-stack dataset (see module docstring). Files that cannot be
        read are skipped and listed in ``attrs["bad_files"]``; if none can
        be read a :class:`GeoexploreError` is raised.
    """
    from geoexplore.seismic import io
    from geoexplore.seismic.reflection.geometry import cmp_bins, trace_geometry

    use_tables = stations is not None and log is not None
    by_name = {Path(str(f)).name: i for i, f in enumerate(log["file"])} if use_tables else {}
    datas, geoms, bad = [], [], []
    dt = None
    synthetic = False
    for f in files:
        name = Path(f).name
        try:
            g = io.read(f)
            if use_tables:
                if name not in by_name:
                    raise GeoexploreError(f"{f}: not in the observer's log")
                row = {k: v[by_name[name]] for k, v in log.items()}
                geo = trace_geometry(stations, row, g.sizes["trace"])
            else:
                row = {"ffid": int(g["fldr"].values[0]) or len(datas) + 1}
                geo = header_geometry(g, profile=profile, x_origin_m=x_origin_m)
            d = float(g.attrs["dt_s"])
            if dt is None:
                dt, ns = d, g.sizes["time_s"]
            elif abs(d - dt) > 1e-9 or g.sizes["time_s"] != ns:
                raise GeoexploreError(f"{f}: sampling {d} s x {g.sizes['time_s']} differs from the first file ({dt} s x {ns})")
        except GeoexploreError as exc:
            bad.append(str(exc) if str(f) in str(exc) else f"{f}: {exc}")
            continue
        synthetic = synthetic or "SYNTHETIC" in str(g.attrs.get("textual_header", "")).upper()
        datas.append(np.asarray(g["data"].values, np.float32))
        geo["ffid"] = np.full(g.sizes["trace"], int(row["ffid"]))
        geo["channel"] = np.arange(1, g.sizes["trace"] + 1)
        geoms.append(geo)
    if not datas:
        raise GeoexploreError("no shot file could be read: " + "; ".join(bad))
    data = np.concatenate(datas)
    geo = {k: np.concatenate([g[k] for g in geoms]) for k in geoms[0]}
    if not use_tables:  # a station table from the headers
        ch = np.r_[geo["source_chainage_m"], geo["receiver_chainage_m"]]
        el = np.r_[geo["source_elevation_m"], geo["receiver_elevation_m"]]
        u, iu = np.unique(np.round(ch, 3), return_index=True)
        stations = {"chainage_m": u, "elevation_m": el[iu]}
        if profile is None:
            from geoexplore.core.profile import Profile

            profile = Profile(np.array([u[0], u[-1] + 1.0]), np.zeros(2), chainage_start_m=float(u[0]), name=line)
    if bin_m is None:
        bin_m = 0.5 * float(np.median(np.diff(np.sort(stations["chainage_m"]))))
    b = cmp_bins((geo["source_x_m"], geo["source_y_m"]), (geo["receiver_x_m"], geo["receiver_y_m"]), profile, bin_m)
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
               "replacement_velocity_m_s": 0.0, "bad_files": json.dumps(bad), "n_files": len(datas)},
    )
    ds["offset_m"].attrs["units"] = "m"
    ds["time_s"].attrs["units"] = "s"
    return ds


__all__ = ["TRACE_COORDS", "header_geometry", "load_shots"]
