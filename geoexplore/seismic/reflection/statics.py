"""Static corrections of reflection processing: elevation, first-break (delay-time) and residual (stack-power) statics.

Sign convention: a static is a time shift **added** to a trace, in seconds;
a negative static moves events earlier. :func:`apply_statics` shifts traces
by fractional amounts exactly (frequency-domain phase shift).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import xarray as xr

from geoexplore.core.errors import GeoexploreError


def apply_statics(data: Any, shifts_s: Any, dt_s: float) -> np.ndarray:
    """Shift each trace by ``shifts_s[k]`` seconds (positive = later), band-limited interpolation."""
    d = np.atleast_2d(np.asarray(data, float))
    s = np.broadcast_to(np.asarray(shifts_s, float), (d.shape[0],))
    n = d.shape[1]
    nfft = int(2 ** np.ceil(np.log2(n + int(np.ceil(np.max(np.abs(s), initial=0) / dt_s)) + 8)))
    f = np.fft.rfftfreq(nfft, dt_s)
    D = np.fft.rfft(d, nfft, axis=1) * np.exp(-2j * np.pi * f[None, :] * s[:, None])
    return np.fft.irfft(D, nfft, axis=1)[:, :n]


def elevation_statics(
    source_elevation_m: Any,
    receiver_elevation_m: Any,
    datum_m: Any,
    replacement_velocity_m_s: float,
    *,
    source_depth_m: Any = 0.0,
) -> np.ndarray:
    """Per-trace elevation static (s) to a datum (flat: a number; floating: one value per trace).

    ``static = -((e_s - d_s - datum) + (e_r - datum)) / v_rep``: a station
    above the datum has its time reduced by the travel time through the
    replaced layer.
    """
    if replacement_velocity_m_s <= 0:
        raise GeoexploreError("replacement velocity must be > 0")
    es = np.asarray(source_elevation_m, float) - np.asarray(source_depth_m, float)
    er = np.asarray(receiver_elevation_m, float)
    dm = np.asarray(datum_m, float)
    return -((es - dm) + (er - dm)) / replacement_velocity_m_s


def floating_datum(cmp_chainage_m: Any, station_chainage_m: Any, station_elevation_m: Any, smooth_m: float) -> np.ndarray:
    """Floating datum per CMP: the station elevations smoothed over ``smooth_m`` and sampled at the CMPs."""
    sc = np.asarray(station_chainage_m, float)
    o = np.argsort(sc)
    sc, se = sc[o], np.asarray(station_elevation_m, float)[o]
    if sc.size > 2 and smooth_m > 0:
        step = np.median(np.diff(sc))
        n = max(1, int(round(smooth_m / step))) | 1
        from scipy.ndimage import uniform_filter1d

        se = uniform_filter1d(se, n, mode="nearest")
    return np.interp(np.asarray(cmp_chainage_m, float), sc, se)


def delay_time_solve(
    source_station: Any,
    receiver_station: Any,
    offset_m: Any,
    pick_time_s: Any,
    *,
    damping: float = 1e-3,
) -> tuple[dict[int, float], float]:
    """Delay-time method: least-squares ``t = delay_s + delay_r + |x| / V`` for refracted first breaks.

    Source and receiver at the same station share one delay. Returns
    ``({station: delay_s}, V_m_s)``. A small damping towards the mean delay
    keeps stations seen from one side only determined.
    """
    from scipy.sparse import csr_matrix, vstack
    from scipy.sparse.linalg import lsqr

    ss = np.asarray(source_station, np.int64)
    rs = np.asarray(receiver_station, np.int64)
    x = np.abs(np.asarray(offset_m, float))
    t = np.asarray(pick_time_s, float)
    ok = np.isfinite(t)
    ss, rs, x, t = ss[ok], rs[ok], x[ok], t[ok]
    if t.size < 3:
        raise GeoexploreError("delay-time statics need at least 3 first-break picks")
    st = np.unique(np.r_[ss, rs])
    col = {s: i for i, s in enumerate(st)}
    n = t.size
    rows = np.r_[np.arange(n), np.arange(n), np.arange(n)]
    cols = np.r_[[col[s] for s in ss], [col[r] for r in rs], np.full(n, st.size)]
    vals = np.r_[np.ones(n), np.ones(n), x / 1000.0]  # slowness in s/km for conditioning
    A = csr_matrix((vals, (rows, cols)), shape=(n, st.size + 1))
    reg = csr_matrix((np.full(st.size, damping), (np.arange(st.size), np.arange(st.size))), shape=(st.size, st.size + 1))
    sol = lsqr(vstack([A, reg]), np.r_[t, np.zeros(st.size)], atol=1e-12, btol=1e-12, iter_lim=10000)[0]
    slow = sol[-1] / 1000.0
    if slow <= 0:
        raise GeoexploreError("delay-time solution gave a non-positive refractor slowness; check the picks")
    return {int(s): float(sol[col[s]]) for s in st}, float(1.0 / slow)


def delay_time_statics(
    delays_s: dict[int, float],
    elevation_m: dict[int, float],
    v_weathering_m_s: float,
    v_refractor_m_s: float,
    datum_m: float,
) -> dict[int, float]:
    """Per-station refraction static (s) from delay times.

    Weathering thickness ``h = delay * V1 V2 / sqrt(V2**2 - V1**2)``; the
    static removes the weathering and the sub-weathering above the datum:
    ``-(h / V1 + (e - h - datum) / V2)`` (the datum must lie below the base
    of the weathering).
    """
    v1, v2 = float(v_weathering_m_s), float(v_refractor_m_s)
    if not 0 < v1 < v2:
        raise GeoexploreError(f"need 0 < V1 < V2, got {v1}, {v2}")
    k = v1 * v2 / np.sqrt(v2**2 - v1**2)
    out = {}
    for s, d in delays_s.items():
        h = max(d, 0.0) * k
        out[s] = -(h / v1 + (elevation_m[s] - h - datum_m) / v2)
    return out


def residual_statics(
    data: Any,
    cdp: Any,
    source_id: Any,
    receiver_id: Any,
    dt_s: float,
    *,
    max_shift_s: float = 0.008,
    n_iter: int = 4,
    window: tuple[int, int] | None = None,
) -> tuple[dict[int, float], dict[int, float], np.ndarray]:
    """Surface-consistent residual statics by stack-power maximisation (Ronen and Claerbout, 1985).

    Works on NMO-corrected traces. Each iteration, for every source (then
    every receiver) the shift is found that maximises the cross-correlation
    of its traces with their CMP stacks built without them (the change in
    stack power), summed over all its traces. Shifts are de-meaned.

    Returns
    -------
    source_statics, receiver_statics : dict id -> s
    trace_statics : (n_traces,) ndarray
        ``source + receiver`` static per trace (s), to pass to :func:`apply_statics`.
    """
    d0 = np.atleast_2d(np.asarray(data, float))
    if window is not None:
        d0 = d0[:, window[0]: window[1]]
    c = np.asarray(cdp, np.int64)
    sid = np.asarray(source_id)
    rid = np.asarray(receiver_id)
    maxlag = max(1, int(round(max_shift_s / dt_s)))
    us, si = np.unique(sid, return_inverse=True)
    ur, ri = np.unique(rid, return_inverse=True)
    s_st = np.zeros(us.size)
    r_st = np.zeros(ur.size)
    ncmp = int(c.max()) + 1
    for _ in range(n_iter):
        for which in ("s", "r"):
            cur = apply_statics(d0, s_st[si] + r_st[ri], dt_s)
            stack = np.zeros((ncmp, d0.shape[1]))
            np.add.at(stack, c, cur)
            ids, inv, st = (us, si, s_st) if which == "s" else (ur, ri, r_st)
            for g in range(ids.size):
                tr = np.flatnonzero(inv == g)
                a = cur[tr]
                pilot = stack[c[tr]] - a
                num = np.zeros(2 * maxlag + 1)
                for L in range(-maxlag, maxlag + 1):
                    n = a.shape[1]
                    num[L + maxlag] = np.sum(a[:, max(0, L): n + min(0, L)] * pilot[:, max(0, -L): n - max(0, L)])
                i = int(np.argmax(num))
                lag = float(i - maxlag)
                if 0 < i < num.size - 1:
                    den = num[i - 1] - 2 * num[i] + num[i + 1]
                    if den < 0:
                        lag += 0.5 * (num[i - 1] - num[i + 1]) / den
                # a positive lag: trace events are late relative to the pilot -> shift earlier
                st[g] -= lag * dt_s
            st -= st.mean()
    return ({int(k) if np.issubdtype(type(k), np.integer) else k: float(v) for k, v in zip(us, s_st)},
            {int(k) if np.issubdtype(type(k), np.integer) else k: float(v) for k, v in zip(ur, r_st)},
            s_st[si] + r_st[ri])


# -- statics applied to the CMP dataset (reflection flow, stage 3) ---------------------------
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
        The refraction picks table (``geoexplore.seismic.refraction.pick_tables``):
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
    sta = delay_time_statics({s: delays[s] for s in st}, {s: elev[s] for s in st}, v1, v2, datum_m)
    return xr.Dataset(
        {"elevation_m": ("station", e), "delay_ms": ("station", np.array([delays[s] for s in st]) * 1000),
         "weathering_thickness_m": ("station", h), "static_ms": ("station", np.array([sta[s] for s in st]) * 1000)},
        coords={"station": np.arange(len(st)), "chainage_m": ("station", np.array(st) * q)},
        attrs={"v_weathering_m_s": v1, "v_refractor_m_s": float(v2), "datum_m": float(datum_m), "method": "delay-time"},
    )


__all__ = [
    "apply_elevation_statics", "apply_station_statics", "apply_statics", "delay_time_solve", "delay_time_statics",
    "elevation_statics", "first_break_statics", "floating_datum", "residual_statics",
]
