"""The reflection processing flow on xarray objects: shots -> CMP gathers -> stack -> migration -> depth.

Each function takes and returns :class:`xarray.Dataset` objects with
documented names and units, never mutates its input, and calls the NumPy
kernels of the sibling modules. The workflow steps in
:mod:`geoexplore.seismic.steps` are thin wrappers around these.

Pre-stack dataset ("CMP data"): dims ``trace``, ``time_s``; variable
``data`` (trace, time_s) float32; trace coordinates ``ffid``, ``channel``,
``offset_m`` (signed), ``source_station``, ``receiver_station``,
``source_chainage_m``, ``receiver_chainage_m``, ``source_x_m``,
``source_y_m``, ``receiver_x_m``, ``receiver_y_m``,
``source_elevation_m``, ``receiver_elevation_m``, ``midpoint_chainage_m``,
``midpoint_offline_m``, ``cdp`` (0-based bin), ``static_s`` (total static
applied so far); plus variables on dimension ``bin``: ``bin_chainage_m``,
``fold``, ``datum_m`` (datum elevation of each bin). Attributes ``dt_s``,
``line``, ``synthetic`` (0/1), ``bin_m``, ``datum`` ("floating" or "flat"),
``replacement_velocity_m_s``, ``bad_files`` (list of "file: error").

Time sections (stack, migrated): ``amplitude`` (time_s, chainage_m),
``elevation_m`` and ``datum_m`` (chainage_m), ``fold`` (chainage_m),
``vrms_m_s`` (time_s, chainage_m).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
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
        The keys of :func:`geoexplore.seismic.geometry.trace_geometry`.
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
        Station table and observer's log (:mod:`geoexplore.seismic.geometry`).
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
    from geoexplore.seismic.geometry import cmp_bins, trace_geometry

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


# -- trace QC ------------------------------------------------------------------------
QC_SLICE_SAMPLES = 1 << 17  # samples per float64 temporary of trace_statistics (1 MiB: stays in cache)


def trace_statistics(gather: xr.Dataset, *, rel_threshold: float = 1e-6, max_ratio: float = 1e3) -> xr.Dataset:
    """Per-trace amplitude statistics of a gather, one chunk of traces in memory at a time.

    A gather read with ``io.read(path, lazy=True)`` (a Dask array whose chunks
    are sized from the worker's memory limit, see
    :func:`geoexplore.seismic.io.tracefile.lazy_chunk_bytes`) is computed
    chunk by chunk with Dask's synchronous scheduler in the calling thread
    (no tasks are sent to the cluster from inside a task), so a file far
    larger than the worker's memory is reduced in bounded memory. An
    in-memory gather is processed the same way.

    Parameters
    ----------
    gather : xarray.Dataset
        A gather (:mod:`geoexplore.seismic.gather`): ``data`` (trace, time_s).
    rel_threshold, max_ratio : float
        The dead/noisy-trace test of :func:`geoexplore.seismic.filters.dead_traces`.

    Returns
    -------
    xarray.Dataset
        On dimension ``trace``: ``rms`` (RMS of the finite samples; NaN if
        none), ``peak_abs`` (largest absolute finite sample), ``mean``,
        ``n_nonfinite`` (NaN/inf samples) and ``dead`` (bool, the
        ``dead_traces`` test); coordinates ``ffid``, ``channel``, ``offset_m``
        from the headers when present. Attributes ``source_file`` (file
        name), ``format``, ``n_traces``, ``n_samples``, ``dt_s``, ``n_dead``,
        ``rms_all`` (RMS of all finite samples), ``n_chunks``, ``synthetic``.
    """
    from geoexplore.seismic.filters import dead_from_rms

    data = gather["data"].transpose("trace", "time_s").data
    n, ns = data.shape
    if isinstance(data, np.ndarray):  # in slices of the lazy readers' chunk size
        from geoexplore.seismic.io.tracefile import lazy_chunk_bytes

        bounds = [*range(0, n, max(1, lazy_chunk_bytes() // max(1, data.itemsize * ns))), n]
    else:  # Dask: its chunks of traces
        bounds = [0, *np.cumsum(data.chunks[0]).tolist()]
    sumsq, peak, total, count = (np.zeros(n) for _ in range(4))
    for i0, i1 in zip(bounds[:-1], bounds[1:]):
        block = data[i0:i1]
        if not isinstance(block, np.ndarray):
            block = block.compute(scheduler="sync")
        step = max(1, QC_SLICE_SAMPLES // max(1, ns))
        for s0 in range(0, i1 - i0, step):
            v = np.asarray(block[s0:s0 + step], dtype=np.float64)
            ok = np.isfinite(v)
            v = np.where(ok, v, 0.0)
            r = slice(i0 + s0, i0 + s0 + v.shape[0])
            count[r] = ok.sum(axis=1)
            total[r] = v.sum(axis=1)
            sumsq[r] = np.einsum("ij,ij->i", v, v)
            peak[r] = np.abs(v).max(axis=1) if ns else 0.0
        del block
    live = count > 0
    safe = np.where(live, count, 1.0)
    rms = np.where(live, np.sqrt(sumsq / safe), np.nan)
    mean = np.where(live, total / safe, np.nan)
    n_nonfinite = (ns - count).astype(np.int64)
    dead = dead_from_rms(rms, n_nonfinite > 0, rel_threshold=rel_threshold, max_ratio=max_ratio)
    coords: dict[str, Any] = {"trace": np.arange(n)}
    for name, key in (("ffid", "fldr"), ("channel", "tracf"), ("offset_m", "offset_m")):
        if key in gather.coords and gather[key].dims == ("trace",):
            coords[name] = ("trace", np.asarray(gather[key].values))
    n_all = float(count.sum())
    return xr.Dataset(
        {"rms": ("trace", rms), "peak_abs": ("trace", peak), "mean": ("trace", mean),
         "n_nonfinite": ("trace", n_nonfinite), "dead": ("trace", dead)},
        coords=coords,
        attrs={"source_file": Path(str(gather.attrs.get("source_file", ""))).name,
               "format": str(gather.attrs.get("format", "")), "n_traces": int(n), "n_samples": int(ns),
               "dt_s": float(gather.attrs.get("dt_s", np.nan)), "n_dead": int(dead.sum()),
               "rms_all": float(np.sqrt(sumsq.sum() / n_all)) if n_all else float("nan"),
               "n_chunks": int(len(bounds) - 1),
               "synthetic": int("SYNTHETIC" in str(gather.attrs.get("textual_header", "")).upper())},
    )


# -- pre-processing ------------------------------------------------------------------
def _by_shot(ds: xr.Dataset) -> Iterable[np.ndarray]:
    ffid = ds["ffid"].values
    for f in np.unique(ffid):
        yield np.flatnonzero(ffid == f)


def preprocess(
    ds: xr.Dataset,
    *,
    freq_min_hz: float | None = 30.0,
    freq_max_hz: float | None = 180.0,
    notch_hz: float | None = None,
    fk_reject_m_s: float | None = None,
    mute_velocity_m_s: float | None = 1000.0,
    mute_intercept_s: float = 0.02,
    gain: str = "divergence",
    gain_velocity_m_s: float = 1800.0,
    tpow: float = 1.0,
    agc_window_s: float = 0.0,
    decon_operator_s: float = 0.0,
    decon_gap_s: float | None = None,
    kill_dead: bool = True,
    min_offset_m: float = 0.0,
) -> xr.Dataset:
    """Trace editing, filters, gain, mute and (optional) deconvolution of a pre-stack dataset.

    Order: dead-trace kill (and traces with |offset| < ``min_offset_m``, swamped by source noise) -> notch -> f-k (per shot, by receiver chainage) ->
    band-pass -> deconvolution -> gain (``"divergence"``: ``t v**2`` with a
    constant ``gain_velocity_m_s``; ``"tpow"``: ``t**tpow``; ``"none"``) ->
    AGC (if ``agc_window_s`` > 0) -> top mute along
    ``mute_intercept_s + |offset| / mute_velocity_m_s``.
    """
    from geoexplore.seismic import decon, filters
    from geoexplore.seismic import gain as gainmod

    dt = float(ds.attrs["dt_s"])
    d = np.asarray(ds["data"].values, np.float64)
    off = ds["offset_m"].values
    if kill_dead:
        dead = filters.dead_traces(d)
        d[dead] = 0.0
    if min_offset_m > 0:
        d[np.abs(off) < min_offset_m] = 0.0
    d = np.nan_to_num(d)
    if notch_hz:
        d = filters.notch(d, dt, notch_hz)
    if fk_reject_m_s:
        for idx in _by_shot(ds):
            ch = ds["receiver_chainage_m"].values[idx]
            o = idx[np.argsort(ch)]
            dx = float(np.median(np.abs(np.diff(np.sort(ch))))) or 1.0
            d[o] = filters.fk_filter(d[o], dt, dx, fk_reject_m_s, f_max_hz=(freq_min_hz or 30.0) * 2)
    if freq_min_hz or freq_max_hz:
        lo = freq_min_hz or 1.0
        hi = freq_max_hz or 0.499 / dt
        d = filters.bandpass(d, dt, lo, hi)
    if decon_operator_s > 0:
        d = decon.predictive_decon(d, dt, operator_s=decon_operator_s, gap_s=decon_gap_s)
    if gain == "divergence":
        d = gainmod.spherical_divergence(d, dt, gain_velocity_m_s)
    elif gain == "tpow":
        d = gainmod.tpow(d, dt, tpow)
    elif gain != "none":
        raise GeoexploreError(f"unknown gain {gain!r}; choose divergence, tpow or none")
    if agc_window_s > 0:
        d = gainmod.agc(d, dt, agc_window_s)[0]
    if mute_velocity_m_s:
        d = filters.top_mute(d, off, dt, velocity_m_s=mute_velocity_m_s, intercept_s=mute_intercept_s, taper_s=0.008)
    out = ds.copy()
    out["data"] = (("trace", "time_s"), d.astype(np.float32))
    return out


def apply_elevation_statics(
    ds: xr.Dataset, *, datum: str = "floating", datum_m: float | None = None, replacement_velocity_m_s: float = 1000.0,
    smooth_m: float = 100.0, apply: bool = True,
) -> xr.Dataset:
    """Elevation statics to a flat datum (``datum="flat"``, elevation ``datum_m``) or a floating datum.

    The floating datum is the station elevations smoothed over ``smooth_m``;
    each trace is corrected to the datum at its CMP. ``datum_m`` per bin and
    the attributes ``datum`` and ``replacement_velocity_m_s`` are updated.
    With ``apply=False`` only the datum is recorded (for statics computed
    elsewhere to that datum, e.g. refraction statics, applied with
    :func:`apply_station_statics`).
    """
    from geoexplore.seismic.statics import apply_statics, elevation_statics, floating_datum

    bins = ds["bin_chainage_m"].values
    st_ch = np.r_[ds["source_chainage_m"].values, ds["receiver_chainage_m"].values]
    st_el = np.r_[ds["source_elevation_m"].values, ds["receiver_elevation_m"].values]
    u, i = np.unique(st_ch, return_index=True)
    if datum == "floating":
        dbin = floating_datum(bins, u, st_el[i], smooth_m)
    elif datum == "flat":
        if datum_m is None:
            raise GeoexploreError("a flat datum needs datum_m (elevation, m)")
        dbin = np.full(bins.size, float(datum_m))
    else:
        raise GeoexploreError(f"datum must be 'floating' or 'flat', got {datum!r}")
    cdp = ds["cdp"].values
    s = elevation_statics(ds["source_elevation_m"].values, ds["receiver_elevation_m"].values, dbin[np.clip(cdp, 0, None)],
                          replacement_velocity_m_s)
    if not apply:
        s = np.zeros_like(s)
    out = ds.copy()
    out["data"] = (("trace", "time_s"), apply_statics(ds["data"].values, s, float(ds.attrs["dt_s"])).astype(np.float32))
    out["datum_m"] = ("bin", dbin)
    out = out.assign_coords(static_s=("trace", ds["static_s"].values + s))
    out.attrs.update({"datum": datum, "replacement_velocity_m_s": float(replacement_velocity_m_s)})
    return out


def apply_station_statics(
    ds: xr.Dataset, station_static_s: dict[int, float] | None = None, *, chainage_m: Any = None, static_s: Any = None,
) -> xr.Dataset:
    """Apply per-station statics (s; e.g. refraction statics) to sources and receivers.

    Give either ``station_static_s`` (station number -> static) or a
    statics profile ``chainage_m``, ``static_s`` (interpolated linearly at
    each source and receiver chainage).
    """
    from geoexplore.seismic.statics import apply_statics

    if station_static_s is not None:
        ss = np.array([station_static_s.get(int(s), 0.0) for s in ds["source_station"].values])
        rs = np.array([station_static_s.get(int(s), 0.0) for s in ds["receiver_station"].values])
    elif chainage_m is not None and static_s is not None:
        c = np.asarray(chainage_m, float)
        o = np.argsort(c)
        v = np.asarray(static_s, float)[o]
        ss = np.interp(ds["source_chainage_m"].values, c[o], v)
        rs = np.interp(ds["receiver_chainage_m"].values, c[o], v)
    else:
        raise GeoexploreError("apply_station_statics needs station statics or a chainage/static profile")
    out = ds.copy()
    out["data"] = (("trace", "time_s"), apply_statics(ds["data"].values, ss + rs, float(ds.attrs["dt_s"])).astype(np.float32))
    return out.assign_coords(static_s=("trace", ds["static_s"].values + ss + rs))


def first_break_statics(
    first_breaks: xr.Dataset,
    *,
    min_offset_m: float,
    max_offset_m: float = np.inf,
    v_weathering_m_s: float | None = None,
    datum_m: float | None = None,
    position_offset_m: float = 0.0,
    position_tolerance_m: float = 0.5,
    direct_max_offset_m: float | None = None,
) -> xr.Dataset:
    """Refraction statics by the delay-time method from a first-break picks table.

    Parameters
    ----------
    first_breaks : xarray.Dataset, dimension ``pick``
        The refraction picks table (``geoexplore.seismic.picks``):
        ``source_x_m``, ``receiver_x_m`` (positions along the line),
        ``source_elevation_m``, ``receiver_elevation_m``, ``offset_m``,
        ``t_s`` and optionally ``use`` (0/1).
    min_offset_m, max_offset_m : float
        Offsets of head waves from the one refractor (beyond the crossover).
    v_weathering_m_s : float, optional
        Weathering velocity; default: fitted (through the origin) to the
        direct-wave picks, those nearer than ``direct_max_offset_m``
        (default ``min_offset_m / 2``; keep it below the crossover distance).
    datum_m : float, optional
        Flat datum elevation (default: the lowest station elevation minus
        the thickest weathering, rounded down).
    position_offset_m : float
        Added to the table's positions to give chainage (m).

    Returns
    -------
    xarray.Dataset
        Dimension ``station``: ``chainage_m``, ``elevation_m``,
        ``delay_ms``, ``weathering_thickness_m``, ``static_ms``; attrs
        ``v_weathering_m_s``, ``v_refractor_m_s``, ``datum_m``.
    """
    from geoexplore.seismic.statics import delay_time_solve, refraction_statics

    fb = first_breaks
    use = np.ones(fb.sizes["pick"], bool) if "use" not in fb else np.asarray(fb["use"].values).astype(bool)
    x = np.abs(fb["offset_m"].values.astype(float))
    t = fb["t_s"].values.astype(float)
    sx = fb["source_x_m"].values.astype(float) + position_offset_m
    rx = fb["receiver_x_m"].values.astype(float) + position_offset_m
    ok = use & np.isfinite(t)
    q = position_tolerance_m
    sid, rid = np.round(sx / q).astype(np.int64), np.round(rx / q).astype(np.int64)
    head = ok & (x >= min_offset_m) & (x <= max_offset_m)
    delays, v2 = delay_time_solve(sid[head], rid[head], x[head], t[head])
    if v_weathering_m_s is None:
        near = ok & (x > 0) & (x < (direct_max_offset_m or min_offset_m / 2))
        if near.sum() < 2:
            raise GeoexploreError("first-break statics: no direct-wave picks to fit the weathering velocity; give v_weathering_m_s")
        v_weathering_m_s = float(np.sum(x[near] ** 2) / np.sum(x[near] * t[near]))
    elev = {}
    for ids, e in ((sid, fb["source_elevation_m"].values), (rid, fb["receiver_elevation_m"].values)):
        for i, ee in zip(ids, e):
            elev.setdefault(int(i), float(ee))
    st = sorted(delays)
    v1 = float(v_weathering_m_s)
    if not v1 < v2:
        raise GeoexploreError(f"first-break statics: weathering velocity {v1:.0f} m/s is not below the refractor's {v2:.0f} m/s")
    k = v1 * v2 / np.sqrt(v2**2 - v1**2)
    h = np.array([max(delays[s], 0.0) * k for s in st])
    e = np.array([elev[s] for s in st])
    if datum_m is None:
        datum_m = float(np.floor(np.min(e - h)))
    sta = refraction_statics({s: delays[s] for s in st}, {s: elev[s] for s in st}, v1, v2, datum_m)
    return xr.Dataset(
        {"elevation_m": ("station", e), "delay_ms": ("station", np.array([delays[s] for s in st]) * 1000),
         "weathering_thickness_m": ("station", h), "static_ms": ("station", np.array([sta[s] for s in st]) * 1000)},
        coords={"station": np.arange(len(st)), "chainage_m": ("station", np.array(st) * q)},
        attrs={"v_weathering_m_s": v1, "v_refractor_m_s": float(v2), "datum_m": float(datum_m), "method": "delay-time"},
    )


# -- velocity analysis ---------------------------------------------------------------
def velocity_analysis(
    ds: xr.Dataset,
    *,
    spacing_m: float = 50.0,
    supergather_bins: int = 9,
    v_min_m_s: float = 900.0,
    v_max_m_s: float = 3500.0,
    dv_m_s: float = 25.0,
    window_s: float = 0.016,
    stretch_mute: float = 0.6,
    min_semblance: float = 0.15,
    t_min_s: float = 0.02,
    min_separation_s: float = 0.025,
) -> tuple[xr.Dataset, xr.Dataset]:
    """Semblance spectra at regularly spaced CMP locations and automatic picks.

    Returns
    -------
    spectra : xarray.Dataset
        ``semblance`` (location, velocity_m_s, time_s) with ``chainage_m`` and
        ``cdp`` per location.
    picks : xarray.Dataset
        The picks table: ``cdp``, ``chainage_m``, ``time_s``, ``vrms_m_s`` on
        dimension ``pick``.
    """
    from geoexplore.seismic.velocity import pick_semblance, semblance

    dt = float(ds.attrs["dt_s"])
    t = ds["time_s"].values
    bins = ds["bin_chainage_m"].values
    fold = ds["fold"].values
    cdp = ds["cdp"].values
    d = ds["data"].values
    off = ds["offset_m"].values
    vel = np.arange(v_min_m_s, v_max_m_s + dv_m_s / 2, dv_m_s)
    live = np.flatnonzero(fold > 0)
    first, last = bins[live[0]], bins[live[-1]]
    n_loc = max(1, int(np.floor((last - first) / spacing_m)) + 1)
    centres = first + (last - first - (n_loc - 1) * spacing_m) / 2 + spacing_m * np.arange(n_loc)
    half = supergather_bins // 2
    specs, locs, loc_cdp = [], [], []
    rows: dict[str, list[float]] = {"cdp": [], "chainage_m": [], "time_s": [], "vrms_m_s": []}
    for c in centres:
        ib = int(np.argmin(np.abs(bins - c)))
        sel = np.flatnonzero(np.abs(cdp - ib) <= half)
        if sel.size < 3:
            continue
        S = semblance(d[sel], off[sel], vel, dt, window_s=window_s, stretch_mute=stretch_mute, min_fold=3)
        specs.append(S.astype(np.float32))
        locs.append(bins[ib])
        loc_cdp.append(ib)
        tp, vp = pick_semblance(S, t, vel, min_semblance=min_semblance, t_min_s=t_min_s, min_separation_s=min_separation_s)
        for a, b in zip(tp, vp):
            rows["cdp"].append(ib), rows["chainage_m"].append(bins[ib]), rows["time_s"].append(a), rows["vrms_m_s"].append(b)
    if not specs:
        raise GeoexploreError("velocity analysis: no CMP location with enough traces")
    spectra = xr.Dataset(
        {"semblance": (("location", "velocity_m_s", "time_s"), np.stack(specs)),
         "chainage_m": ("location", np.asarray(locs)), "cdp": ("location", np.asarray(loc_cdp))},
        coords={"velocity_m_s": vel, "time_s": t, "location": np.arange(len(specs))},
        attrs={"line": ds.attrs.get("line", ""), "synthetic": int(ds.attrs.get("synthetic", 0)),
               "supergather_bins": supergather_bins, "window_s": window_s},
    )
    picks = picks_dataset(rows, ds)
    return spectra, picks


def picks_dataset(rows: dict[str, Any], ds: xr.Dataset | None = None) -> xr.Dataset:
    """A picks table as a Dataset on dimension ``pick``."""
    n = len(rows["cdp"])
    out = xr.Dataset(
        {"cdp": ("pick", np.asarray(rows["cdp"], np.int64)),
         "chainage_m": ("pick", np.asarray(rows["chainage_m"], float)),
         "time_s": ("pick", np.asarray(rows["time_s"], float)),
         "vrms_m_s": ("pick", np.asarray(rows["vrms_m_s"], float))},
        coords={"pick": np.arange(n)},
    )
    if ds is not None:
        out.attrs.update({"line": ds.attrs.get("line", ""), "synthetic": int(ds.attrs.get("synthetic", 0))})
    return out


def vrms_section(picks: xr.Dataset, chainage_m: Any, times_s: Any, *, smooth_m: float = 0.0) -> np.ndarray:
    """RMS velocity field (n_chainage, n_times) from a picks Dataset."""
    from geoexplore.seismic.velocity import velocity_field

    p = {k: picks[k].values for k in ("cdp", "chainage_m", "time_s", "vrms_m_s")}
    return velocity_field(p, chainage_m, times_s, smooth_m=smooth_m)


# -- stack ---------------------------------------------------------------------------
def stack(
    ds: xr.Dataset,
    picks: xr.Dataset,
    *,
    stretch_mute: float = 0.5,
    smooth_m: float = 50.0,
    residual_statics: bool = False,
    max_static_s: float = 0.004,
) -> xr.Dataset:
    """NMO correction with the picked velocities and CMP stack (optionally with residual statics).

    Returns the time section: ``amplitude`` (time_s, chainage_m), ``fold``
    (chainage_m), ``live_fold`` (time_s, chainage_m: traces summed into each
    sample after the mutes), ``vrms_m_s`` (time_s, chainage_m), ``elevation_m`` and
    ``datum_m`` (chainage_m); attrs ``dt_s``, ``line``, ``synthetic``,
    ``bin_m``, ``datum``, ``replacement_velocity_m_s``.
    """
    from geoexplore.seismic.nmo import nmo_correct
    from geoexplore.seismic.stack import nmo_stack
    from geoexplore.seismic.statics import apply_statics, residual_statics as rstat

    dt = float(ds.attrs["dt_s"])
    t = ds["time_s"].values
    bins = ds["bin_chainage_m"].values
    vr = vrms_section(picks, bins, t, smooth_m=smooth_m)
    cdp = ds["cdp"].values
    ok = cdp >= 0
    d = ds["data"].values[ok]
    off = ds["offset_m"].values[ok]
    c = cdp[ok]
    applied = np.zeros(d.shape[0])
    if residual_statics:
        nmo = nmo_correct(d, off, vr[c], dt, stretch_mute=stretch_mute)
        _, _, applied = rstat(nmo, c, ds["source_station"].values[ok], ds["receiver_station"].values[ok], dt,
                              max_shift_s=max_static_s, n_iter=3)
        d = apply_statics(d, applied, dt).astype(np.float32)
    st, fold = nmo_stack(d, off, c, vr, dt, stretch_mute=stretch_mute, n_cmp=bins.size)
    live = ds["fold"].values > 0
    out = xr.Dataset(
        {
            "amplitude": (("time_s", "chainage_m"), st[live].T),
            "fold": ("chainage_m", ds["fold"].values[live]),
            "live_fold": (("time_s", "chainage_m"), fold[live].T),
            "vrms_m_s": (("time_s", "chainage_m"), vr[live].T.astype(np.float32)),
            "elevation_m": ("chainage_m", ds["elevation_m"].values[live]),
            "datum_m": ("chainage_m", ds["datum_m"].values[live]),
        },
        coords={"time_s": t, "chainage_m": bins[live]},
        attrs={k: ds.attrs[k] for k in ("dt_s", "line", "synthetic", "bin_m", "datum", "replacement_velocity_m_s")},
    )
    out.attrs["stretch_mute"] = float(stretch_mute)
    out.attrs["residual_statics_rms_ms"] = float(np.sqrt(np.mean(applied**2)) * 1000) if residual_statics else 0.0
    out["amplitude"].attrs["description"] = "CMP stack (NMO-corrected, normalised by live fold)"
    return out


def _regular(section: xr.Dataset) -> xr.Dataset:
    """Fill gaps in chainage so the section is on a regular grid (needed by f-k methods)."""
    ch = section["chainage_m"].values
    step = float(section.attrs.get("bin_m", np.median(np.diff(ch))))
    full = np.round(np.arange(ch[0], ch[-1] + step / 2, step), 6)
    if full.size == ch.size:
        return section
    return section.reindex(chainage_m=full, method="nearest", tolerance=step / 4).fillna(0.0)


# -- migration and depth -------------------------------------------------------------
def migrate(section: xr.Dataset, *, method: str = "kirchhoff", aperture_m: float = 300.0, max_angle_deg: float = 60.0,
            velocity_scale: float = 1.0) -> xr.Dataset:
    """Post-stack time migration of a stack Dataset (``amplitude`` on time_s x chainage_m).

    ``method``: ``"kirchhoff"`` (RMS velocity field, lateral variation),
    ``"phase_shift"`` (laterally averaged interval velocity v(t)) or
    ``"stolt"`` (one constant velocity: the mean RMS velocity).
    """
    from geoexplore.seismic import migration as mig
    from geoexplore.seismic.depth import vint_from_vrms

    sec = _regular(section)
    dt = float(sec.attrs["dt_s"])
    dx = float(sec.attrs.get("bin_m", np.median(np.diff(sec["chainage_m"].values))))
    a = sec["amplitude"].values.T  # (n_x, n_t)
    vr = sec["vrms_m_s"].values.T * velocity_scale
    t = sec["time_s"].values
    if method == "kirchhoff":
        m = mig.kirchhoff(a, sec["chainage_m"].values, dt, vr, aperture_m=aperture_m, max_angle_deg=max_angle_deg)
    elif method == "phase_shift":
        vint = vint_from_vrms(vr.mean(axis=0), t, smooth_samples=int(0.02 / dt))
        m = mig.phase_shift(a, dx, dt, vint)
    elif method == "stolt":
        m = mig.stolt(a, dx, dt, float(np.mean(vr)))
    else:
        raise GeoexploreError(f"unknown migration method {method!r}; choose kirchhoff, phase_shift or stolt")
    out = sec.copy()
    out["amplitude"] = (("time_s", "chainage_m"), m.T.astype(np.float32))
    out["amplitude"].attrs["description"] = f"post-stack time migration ({method})"
    out.attrs["migration"] = method
    return out


def depth_section(
    section: xr.Dataset,
    *,
    max_depth_m: float = 400.0,
    dz_m: float = 1.0,
    smooth_time_s: float = 0.04,
    v_min_m_s: float = 800.0,
    v_max_m_s: float = 6000.0,
    method: str = "reflection",
    min_live_fold: float = 3.0,
) -> xr.Dataset:
    """Convert a (migrated) time section to depth below the ground surface.

    Interval velocities by Dix from the RMS field (smoothed over
    ``smooth_time_s``), depth below the datum by integration, then each
    trace is shifted by ``datum - elevation`` so that ``depth_m`` is depth
    below the ground (the contract of :mod:`geoexplore.core.images`).
    Where fewer than ``min_live_fold`` traces survived the mutes in the
    stack (``live_fold`` of the time section: the shallow window of short
    offsets, the line ends) the amplitude is NaN and ``mask`` is False: the
    data do not constrain the image there.

    Returns
    -------
    xarray.Dataset
        ``amplitude`` (depth_m, chainage_m), ``velocity_m_s`` (interval
        velocity, depth_m x chainage_m), ``elevation_m`` (chainage_m), attrs
        ``method`` = "reflection", ``line``, ``synthetic``.
    """
    from geoexplore.seismic.depth import depth_of_time, vint_from_vrms

    dt = float(section.attrs["dt_s"])
    t = section["time_s"].values
    a = section["amplitude"].values.T
    vr = section["vrms_m_s"].values.T.astype(float)
    vint = vint_from_vrms(vr, t, smooth_samples=max(1, int(round(smooth_time_s / dt))), v_min_m_s=v_min_m_s,
                          v_max_m_s=v_max_m_s)
    zd = depth_of_time(vint, dt, t0_s=float(t[0]))  # depth below datum of each sample
    shift = section["datum_m"].values - section["elevation_m"].values  # datum above ground: positive
    z = np.arange(0.0, max_depth_m + dz_m / 2, dz_m)
    amp = np.full((a.shape[0], z.size), np.nan, np.float32)
    vz = np.full((a.shape[0], z.size), np.nan, np.float32)
    lf = section["live_fold"].values.T if "live_fold" in section else None
    live = np.ones((a.shape[0], z.size), bool)
    for k in range(a.shape[0]):
        zb = zd[k] - shift[k]  # depth below ground of each time sample
        amp[k] = np.interp(z, zb, a[k], left=np.nan, right=np.nan)
        vz[k] = np.interp(z, zb, vint[k], left=vint[k, 0], right=np.nan)
        if lf is not None:
            live[k] = np.interp(z, zb, lf[k], left=0.0, right=0.0) >= min_live_fold
    amp = np.where(live, amp, np.nan).astype(np.float32)
    out = xr.Dataset(
        {
            "amplitude": (("depth_m", "chainage_m"), amp.T),
            "velocity_m_s": (("depth_m", "chainage_m"), vz.T),
            "elevation_m": ("chainage_m", section["elevation_m"].values),
            "fold": ("chainage_m", section["fold"].values),
            "mask": (("depth_m", "chainage_m"), (live & np.isfinite(amp)).T),
        },
        coords={"depth_m": z, "chainage_m": section["chainage_m"].values},
        attrs={"method": method, "line": str(section.attrs.get("line", "")), "synthetic": int(section.attrs.get("synthetic", 0)),
               "migration": str(section.attrs.get("migration", "none")), "datum": str(section.attrs.get("datum", ""))},
    )
    out["amplitude"].attrs["description"] = "migrated reflection amplitude in depth below ground"
    out["velocity_m_s"].attrs["description"] = "Dix interval velocity used for depth conversion"
    out["depth_m"].attrs["units"] = "m"
    out["chainage_m"].attrs["units"] = "m"
    return out


__all__ = [
    "apply_elevation_statics", "apply_station_statics", "depth_section", "first_break_statics", "header_geometry", "load_shots", "migrate", "picks_dataset",
    "preprocess", "stack", "trace_statistics", "velocity_analysis", "vrms_section",
]
