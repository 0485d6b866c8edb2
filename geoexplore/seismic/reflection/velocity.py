"""Velocity analysis: semblance spectra, automatic picking, picks tables, velocity fields, Dix.

Semblance (Neidell and Taner, 1971) of a CMP gather for trial RMS velocity
``v`` at zero-offset time ``t0``::

    S(t0, v) = sum_W (sum_k a_k)**2 / (sum_W N * sum_k a_k**2)

where ``a_k`` are the NMO-corrected samples (trial ``v``) of the live traces
and ``sum_W`` runs over a time window centred on ``t0``.

A **picks table** has one row per pick: ``cdp`` (int, bin number),
``chainage_m`` (bin centre), ``time_s`` (zero-offset two-way time) and
``vrms_m_s``. It is written and read as CSV with exactly these column names,
so a person can edit it in a spreadsheet and feed it back.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Any

import numba as nb
import numpy as np
import xarray as xr

from geoexplore.core.errors import FileFormatError, GeoexploreError

PICK_COLUMNS = ("cdp", "chainage_m", "time_s", "vrms_m_s")


@nb.njit(parallel=True, cache=True, fastmath=True)
def _semblance_sums(data, offsets, velocities, dt, t0, smax):  # pragma: no cover - numba
    ntr, ns = data.shape
    nv = velocities.size
    num = np.zeros((nv, ns))
    den = np.zeros((nv, ns))
    cnt = np.zeros((nv, ns))
    idt = 1.0 / dt
    lim = (1.0 + smax) * (1.0 + smax)
    for iv in nb.prange(nv):
        s2 = 1.0 / (velocities[iv] * velocities[iv])
        for k in range(ntr):
            x2 = offsets[k] * offsets[k]
            # the stretch falls with t0 (constant trial velocity): first live sample, then branch-free
            i0 = 0
            if x2 > 0.0:
                while i0 < ns:
                    t = t0 + i0 * dt
                    if t > 0.0 and t * t + x2 * s2 <= lim * t * t:
                        break
                    i0 += 1
            for i in range(i0, ns):
                t = t0 + i * dt
                f = (np.sqrt(t * t + x2 * s2) - t0) * idt
                j = int(f)
                if j >= ns - 1:
                    break
                w = f - j
                a = data[k, j] + w * (data[k, j + 1] - data[k, j])
                num[iv, i] += a
                den[iv, i] += a * a
                cnt[iv, i] += 1.0
    return num, den, cnt


def semblance(
    data: Any,
    offsets_m: Any,
    velocities_m_s: Any,
    dt_s: float,
    *,
    t0_s: float = 0.0,
    window_s: float = 0.02,
    stretch_mute: float = 0.6,
    min_fold: int = 2,
) -> np.ndarray:
    """Semblance spectrum of one CMP (super)gather.

    Parameters
    ----------
    data : (n_traces, n_samples) array_like
        The gather (traces of one or several neighbouring CMPs).
    offsets_m : (n_traces,) array_like
        Offsets (m).
    velocities_m_s : (n_v,) array_like
        Trial RMS velocities (m/s).
    dt_s, t0_s : float
        Sample interval and first-sample time (s).
    window_s : float
        Length of the time window the sums run over (s).
    stretch_mute : float
        NMO stretch mute applied for every trial velocity.
    min_fold : int
        Samples with fewer live traces get semblance 0.

    Returns
    -------
    (n_v, n_samples) ndarray
        Semblance in [0, 1].
    """
    d = np.ascontiguousarray(np.asarray(data, dtype=np.float64))
    off = np.ascontiguousarray(np.abs(np.asarray(offsets_m, float)).ravel())
    v = np.ascontiguousarray(np.asarray(velocities_m_s, float).ravel())
    if d.ndim != 2 or off.size != d.shape[0]:
        raise GeoexploreError(f"semblance: data {d.shape} and {off.size} offsets do not fit")
    num, den, cnt = _semblance_sums(d, off, v, float(dt_s), float(t0_s), float(stretch_mute))
    nw = max(1, int(round(window_s / dt_s)) | 1)
    ker = np.ones(nw)
    from scipy.ndimage import convolve1d

    top = convolve1d(num * num, ker, axis=1, mode="constant")
    bot = convolve1d(cnt * den, ker, axis=1, mode="constant")
    with np.errstate(invalid="ignore", divide="ignore"):
        s = np.where(bot > 0, top / np.where(bot > 0, bot, 1.0), 0.0)
    s[cnt < min_fold] = 0.0
    return np.clip(s, 0.0, 1.0)


def pick_semblance(
    spectrum: Any,
    times_s: Any,
    velocities_m_s: Any,
    *,
    min_semblance: float = 0.2,
    min_separation_s: float = 0.03,
    t_min_s: float = 0.0,
    max_picks: int = 20,
) -> tuple[np.ndarray, np.ndarray]:
    """Automatic picks on a semblance spectrum.

    Picks the local maxima in time of the best semblance at each time
    (strongest first, at least ``min_separation_s`` apart), refines each
    velocity by a parabola through the three best velocity samples (maxima
    on the first or last trial velocity are dropped), then
    drops picks that would make the Dix interval velocity imaginary
    (``t * v**2`` must increase with time), keeping the stronger ones.

    Returns
    -------
    times_s, vrms_m_s : ndarray
        Picks in increasing time.
    """
    S = np.asarray(spectrum, float)
    t = np.asarray(times_s, float)
    v = np.asarray(velocities_m_s, float)
    best = S.max(axis=0)
    iv = S.argmax(axis=0)
    cand = [i for i in range(1, t.size - 1) if best[i] >= best[i - 1] and best[i] > best[i + 1]
            and best[i] >= min_semblance and t[i] >= t_min_s]
    cand.sort(key=lambda i: -best[i])
    chosen: list[int] = []
    sep = max(1, int(round(min_separation_s / (t[1] - t[0])))) if t.size > 1 else 1
    for i in cand:
        if all(abs(i - j) >= sep for j in chosen):
            chosen.append(i)
        if len(chosen) >= max_picks:
            break
    picks: list[tuple[float, float, float]] = []
    for i in chosen:
        j = int(iv[i])
        if v.size > 2 and (j == 0 or j == v.size - 1):
            continue  # a maximum on the edge of the scan is not a measured velocity
        vv = v[j]
        if 0 < j < v.size - 1:
            a, b, c = S[j - 1, i], S[j, i], S[j + 1, i]
            den = a - 2 * b + c
            if den < 0:
                vv = v[j] + 0.5 * (a - c) / den * (v[j + 1] - v[j - 1]) / 2.0
        picks.append((t[i], vv, best[i]))
    # keep a physically consistent subset: strongest first, accept if t*v^2 stays increasing
    kept: list[tuple[float, float, float]] = []
    for p in sorted(picks, key=lambda q: -q[2]):
        trial = sorted(kept + [p])
        tv2 = np.array([q[0] * q[1] ** 2 for q in trial])
        if np.all(np.diff(tv2) > 0):
            kept = trial
    kept.sort()
    return np.array([q[0] for q in kept]), np.array([q[1] for q in kept])


def vrms_function(pick_times_s: Any, pick_vrms_m_s: Any, times_s: Any) -> np.ndarray:
    """RMS velocity at ``times_s`` from picks, interpolated linearly in ``t * v**2``.

    Interpolating ``t * v**2`` (the integral of ``v_int**2``) keeps interval
    velocities piecewise constant between picks; beyond the picks the
    velocity is held constant.
    """
    tp = np.asarray(pick_times_s, float)
    vp = np.asarray(pick_vrms_m_s, float)
    t = np.asarray(times_s, float)
    if tp.size == 0:
        raise GeoexploreError("no velocity picks")
    o = np.argsort(tp)
    tp, vp = tp[o], vp[o]
    if tp.size == 1:
        return np.full(t.shape, vp[0])
    # before the first pick and after the last: constant velocity
    tv2 = tp * vp**2
    out = np.empty(t.shape)
    inside = (t > tp[0]) & (t < tp[-1])
    out[t <= tp[0]] = vp[0]
    out[t >= tp[-1]] = vp[-1]
    ti = t[inside]
    out[inside] = np.sqrt(np.interp(ti, tp, tv2) / ti)
    return out


def velocity_field(
    picks: dict[str, np.ndarray],
    chainage_m: Any,
    times_s: Any,
    *,
    smooth_m: float = 0.0,
) -> np.ndarray:
    """RMS velocity field (n_chainage, n_times) from a picks table.

    Each analysis location (unique ``cdp``) gives a function of time
    (:func:`vrms_function`); between locations the velocity is interpolated
    linearly in chainage (constant beyond the ends); ``smooth_m`` > 0 applies
    a running mean of that length along chainage.
    """
    ch = np.asarray(chainage_m, float)
    t = np.asarray(times_s, float)
    cdps = np.asarray(picks["cdp"])
    loc = []
    for c in np.unique(cdps):
        sel = cdps == c
        loc.append((float(np.mean(picks["chainage_m"][sel])),
                    vrms_function(picks["time_s"][sel], picks["vrms_m_s"][sel], t)))
    if not loc:
        raise GeoexploreError("empty picks table")
    loc.sort(key=lambda q: q[0])
    lc = np.array([q[0] for q in loc])
    lv = np.stack([q[1] for q in loc])  # (n_loc, nt)
    if lc.size == 1:
        field = np.broadcast_to(lv[0], (ch.size, t.size)).copy()
    else:
        j = np.clip(np.searchsorted(lc, ch) - 1, 0, lc.size - 2)
        w = np.clip((ch - lc[j]) / (lc[j + 1] - lc[j]), 0.0, 1.0)[:, None]
        field = (1 - w) * lv[j] + w * lv[j + 1]
    if smooth_m > 0 and ch.size > 2:
        n = int(round(smooth_m / np.median(np.diff(ch)))) | 1
        if n > 1:
            from scipy.ndimage import uniform_filter1d

            field = uniform_filter1d(field, n, axis=0, mode="nearest")
    return field


def dix(vrms_m_s: Any, times_s: Any, *, v_min_m_s: float = 100.0, v_max_m_s: float | None = None) -> np.ndarray:
    """Dix interval velocities from RMS velocities along the last axis.

    ``v_int(t_k)**2 = (t_k v_k**2 - t_{k-1} v_{k-1}**2) / (t_k - t_{k-1})``;
    the first sample gets ``v_rms`` itself. Imaginary or tiny values are
    clipped to ``v_min_m_s`` (and ``v_max_m_s`` if given).
    """
    v = np.asarray(vrms_m_s, float)
    t = np.asarray(times_s, float)
    tv2 = t * v**2
    num = np.diff(tv2, axis=-1)
    dt = np.diff(t)
    vi2 = num / dt
    vi = np.sqrt(np.clip(vi2, v_min_m_s**2, None))
    out = np.concatenate([v[..., :1], vi], axis=-1)
    if v_max_m_s is not None:
        out = np.minimum(out, v_max_m_s)
    return out


def vrms_from_interval(vint_m_s: Any, dt_s: float, t0_s: float = 0.0) -> np.ndarray:
    """RMS velocity from interval velocity sampled in two-way time (inverse of :func:`dix`)."""
    vi = np.asarray(vint_m_s, float)
    n = vi.shape[-1]
    t = t0_s + np.arange(n) * dt_s
    cum = np.cumsum(vi**2 * dt_s, axis=-1) - 0.5 * vi**2 * dt_s + (vi[..., :1] ** 2) * max(t0_s, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        v = np.sqrt(cum / np.maximum(t, dt_s * 0.5))
    return v


# -- picks tables -----------------------------------------------------------------
def write_velocity_picks(picks: dict[str, Any], path: str | os.PathLike[str]) -> None:
    """Write a velocity picks table as CSV (columns cdp, chainage_m, time_s (s), vrms_m_s (m/s))."""
    p = Path(path)
    rows = zip(*(np.asarray(picks[c]).tolist() for c in PICK_COLUMNS))
    with p.open("w", newline="") as fh:
        fh.write("# velocity picks: zero-offset two-way time (s) and RMS velocity (m/s) per CMP; edit and feed back\n")
        w = csv.writer(fh)
        w.writerow(PICK_COLUMNS)
        for cdp, ch, t, v in rows:
            w.writerow([int(cdp), f"{ch:.2f}", f"{t:.4f}", f"{v:.1f}"])


def write_picks(path: str | os.PathLike[str], picks: dict[str, Any]) -> None:
    """Old argument order of :func:`write_velocity_picks` (path first), kept for one release."""
    write_velocity_picks(picks, path)


def read_velocity_picks(path: str | os.PathLike[str]) -> dict[str, np.ndarray]:
    """Read a velocity picks table CSV; raise :class:`FileFormatError` naming the line on bad content."""
    from geoexplore.seismic.reflection.geometry import read_csv

    def check(column: str, x: float) -> str | None:
        if column == "time_s" and x < 0:
            return f"invalid value {x}"
        if column == "vrms_m_s" and x <= 0:
            return f"invalid value {x}"
        if column == "cdp" and (x != int(x) or abs(x) >= 2**53):
            return f"not an integer: {x!r}"
        return None

    res = {c: a.astype(float) for c, a in read_csv(path, PICK_COLUMNS, PICK_COLUMNS, check).items()}
    res["cdp"] = res["cdp"].astype(np.int64)
    if res["cdp"].size == 0:
        raise FileFormatError(Path(path), "no picks", position="line 2")
    return res



#: old name of :func:`read_velocity_picks`
read_picks = read_velocity_picks

def _scan_range(ds: xr.Dataset, v_min_m_s: float | str, v_max_m_s: float | str, *, dv_m_s: float, window_s: float,
                min_vrms_direct_fraction: float, max_vint_m_s: float) -> tuple[float, float, list[str]]:
    """The trial velocity range of :func:`velocity_analysis` ("auto" ends from the data) and its notes."""
    d = ds["data"].values
    off = ds["offset_m"].values
    t = ds["time_s"].values
    v_near = float(ds.attrs.get("first_arrival_near_m_s", 0.0) or 0.0)
    if v_min_m_s == "auto":  # no pick may be slower than min_vrms_direct_fraction x the first arrivals
        v_min_m_s = max(dv_m_s, np.floor(min_vrms_direct_fraction * v_near / dv_m_s) * dv_m_s) if v_near > 0 else 900.0
    elif isinstance(v_min_m_s, str):
        raise GeoexploreError(f"v_min_m_s must be a velocity (m/s) or 'auto', got {v_min_m_s!r}")
    notes: list[str] = []
    if v_max_m_s == "auto":
        from geoexplore.seismic.reflection.datadefaults import scan_v_max

        live_off = np.abs(off[np.any(d != 0, axis=1)]) if d.size else np.zeros(0)
        v_max_m_s, n = scan_v_max(float(live_off.max()) if live_off.size else 0.0, float(t[-1]), window_s,
                                  v_min_m_s=float(v_min_m_s), max_vint_m_s=max_vint_m_s, dv_m_s=dv_m_s)
        notes.append(n)
    elif isinstance(v_max_m_s, str):
        raise GeoexploreError(f"v_max_m_s must be a velocity (m/s) or 'auto', got {v_max_m_s!r}")
    if v_min_m_s >= v_max_m_s:
        raise GeoexploreError(f"velocity scan {v_min_m_s:g}-{v_max_m_s:g} m/s is empty (v_min from the first arrivals: "
                              f"{v_near:.0f} m/s); give v_min_m_s / v_max_m_s")
    return float(v_min_m_s), float(v_max_m_s), notes


# -- velocity analysis of the CMP dataset (reflection flow, stage 4) ---------------------------
def velocity_analysis(
    ds: xr.Dataset,
    *,
    spacing_m: float = 50.0,
    supergather_bins: int = 9,
    v_min_m_s: float | str = "auto",
    v_max_m_s: float | str = "auto",
    dv_m_s: float = 25.0,
    window_s: float = 0.016,
    stretch_mute: float = 0.6,
    min_semblance: float = 0.15,
    t_min_s: float = 0.02,
    min_separation_s: float = 0.025,
    reject_above_first_reflector: bool = True,
    min_vrms_direct_fraction: float = 0.9,
    max_vint_m_s: float = 6000.0,
    max_lateral_change: float = 0.0,
) -> tuple[xr.Dataset, xr.Dataset]:
    """Semblance spectra at regularly spaced CMP locations and automatic picks.

    ``v_min_m_s="auto"``: ``min_vrms_direct_fraction`` x the near-offset
    velocity of the first arrivals (``ds.attrs["first_arrival_near_m_s"]``;
    900 m/s without it), so the scan starts where picks become plausible.
    ``v_max_m_s="auto"``: the fastest RMS velocity the moveout at the
    largest offset resolves at the end of the record, within ``window_s``
    (:func:`~geoexplore.seismic.reflection.datadefaults.scan_v_max`), at most
    ``max_vint_m_s``. The values used are in ``spectra.attrs`` (``v_min_m_s``,
    ``v_max_m_s``, ``notes``).

    Picks are rejected, each with a reason (``picks.attrs["rejected"]``, JSON
    list of {cdp, chainage_m, time_s, vrms_m_s, reason}): picks earlier than
    the first reflector (the zero-offset time of the first arrivals,
    ``ds.attrs["first_arrival_t0_s"]``; ``reject_above_first_reflector``),
    and RMS velocities below
    ``min_vrms_direct_fraction`` x the velocity of the first arrivals at near
    offsets (``ds.attrs["first_arrival_near_m_s"]``, set by
    :func:`geoexplore.seismic.reflection.preprocess.preprocess`), and picks
    whose Dix interval velocity from the kept pick above falls outside
    ``[min_vrms_direct_fraction x that velocity, max_vint_m_s]``, and picks
    differing by more than ``max_lateral_change`` (relative) from the
    median velocity function of the two analyses on each side at their time
    (0: no lateral check).

    Returns
    -------
    spectra : xarray.Dataset
        ``semblance`` (location, velocity_m_s, time_s) with ``chainage_m`` and
        ``cdp`` per location.
    picks : xarray.Dataset
        The picks table: ``cdp``, ``chainage_m``, ``time_s``, ``vrms_m_s`` on
        dimension ``pick``.
    """
    dt = float(ds.attrs["dt_s"])
    t = ds["time_s"].values
    bins = ds["bin_chainage_m"].values
    fold = ds["fold"].values
    cdp = ds["cdp"].values
    d = ds["data"].values
    off = ds["offset_m"].values
    v_min_m_s, v_max_m_s, notes = _scan_range(ds, v_min_m_s, v_max_m_s, dv_m_s=dv_m_s, window_s=window_s,
                                              min_vrms_direct_fraction=min_vrms_direct_fraction, max_vint_m_s=max_vint_m_s)
    vel = np.arange(v_min_m_s, v_max_m_s + dv_m_s / 2, dv_m_s)
    live = np.flatnonzero(fold > 0)
    first, last = bins[live[0]], bins[live[-1]]
    n_loc = max(1, int(np.floor((last - first) / spacing_m)) + 1)
    centres = first + (last - first - (n_loc - 1) * spacing_m) / 2 + spacing_m * np.arange(n_loc)
    half = supergather_bins // 2
    specs, locs, loc_cdp = [], [], []
    rows: dict[str, list[float]] = {"cdp": [], "chainage_m": [], "time_s": [], "vrms_m_s": []}
    rejected: list[dict[str, Any]] = []
    v_direct = float(ds.attrs.get("first_arrival_near_m_s", 0.0) or 0.0)
    t_first = float(ds.attrs.get("first_arrival_t0_s", 0.0) or 0.0)
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
        prev = (0.0, 0.0)
        for a, b in zip(tp, vp):
            why = ""
            vint = np.sqrt(max(a * b * b - prev[0] * prev[1] ** 2, 0.0) / (a - prev[0])) if a > prev[0] else b
            if reject_above_first_reflector and a < t_first - window_s:
                why = f"above the first reflector (first arrivals at zero offset: {t_first:.3f} s)"
            elif v_direct > 0 and b < min_vrms_direct_fraction * v_direct:
                why = f"slower than {min_vrms_direct_fraction:g} x the first arrivals ({v_direct:.0f} m/s)"
            elif prev[0] > 0 and not (min_vrms_direct_fraction * v_direct <= vint <= max_vint_m_s):
                why = f"Dix interval velocity {vint:.0f} m/s from the pick above is implausible"
            else:
                prev = (a, b)
            if why:
                rejected.append({"cdp": int(ib), "chainage_m": float(bins[ib]), "time_s": float(a),
                                 "vrms_m_s": round(float(b), 1), "reason": why})
                continue
            rows["cdp"].append(ib), rows["chainage_m"].append(bins[ib]), rows["time_s"].append(a), rows["vrms_m_s"].append(b)
    if not specs:
        raise GeoexploreError("velocity analysis: no CMP location with enough traces")
    spectra = xr.Dataset(
        {"semblance": (("location", "velocity_m_s", "time_s"), np.stack(specs)),
         "chainage_m": ("location", np.asarray(locs)), "cdp": ("location", np.asarray(loc_cdp))},
        coords={"velocity_m_s": vel, "time_s": t, "location": np.arange(len(specs))},
        attrs={"line": ds.attrs.get("line", ""), "synthetic": int(ds.attrs.get("synthetic", 0)),
               "supergather_bins": supergather_bins, "window_s": window_s, "v_min_m_s": float(v_min_m_s),
               "v_max_m_s": float(v_max_m_s), "notes": json.dumps(notes)},
    )
    if max_lateral_change > 0:
        rows = _lateral_check(rows, t, max_lateral_change, rejected)
    picks = picks_dataset(rows, ds)
    picks.attrs["rejected"] = json.dumps(rejected)
    if not rows["cdp"]:
        raise GeoexploreError(f"velocity analysis: no pick kept ({len(rejected)} rejected: "
                              + "; ".join(f"{r['time_s']:.3f} s {r['vrms_m_s']:.0f} m/s {r['reason']}" for r in rejected[:5])
                              + "); give a picks table")
    return spectra, picks


def _lateral_check(rows: dict[str, list[Any]], t: np.ndarray, max_change: float,
                   rejected: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """Drop picks that differ from the median of the neighbouring analyses (two on each side) by more than ``max_change``."""
    cdp = np.asarray(rows["cdp"])
    locs = np.unique(cdp)
    if locs.size < 3:
        return rows
    funcs = {c: vrms_function(np.asarray(rows["time_s"])[cdp == c], np.asarray(rows["vrms_m_s"])[cdp == c], t) for c in locs}
    keep = np.ones(cdp.size, bool)
    for k, c in enumerate(locs):
        nb_ = [funcs[locs[j]] for j in range(max(0, k - 2), min(locs.size, k + 3)) if j != k]
        med = np.median(np.stack(nb_), axis=0)
        for i in np.flatnonzero(cdp == c):
            tp, vp = rows["time_s"][i], rows["vrms_m_s"][i]
            ref = float(np.interp(tp, t, med))
            if abs(vp - ref) > max_change * ref:
                keep[i] = False
                rejected.append({"cdp": int(c), "chainage_m": float(rows["chainage_m"][i]), "time_s": float(tp),
                                 "vrms_m_s": round(float(vp), 1),
                                 "reason": f"{100 * (vp - ref) / ref:+.0f} % from the neighbouring analyses ({ref:.0f} m/s)"})
    return {k: [v for v, ok in zip(vals, keep) if ok] for k, vals in rows.items()}


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
    p = {k: picks[k].values for k in ("cdp", "chainage_m", "time_s", "vrms_m_s")}
    return velocity_field(p, chainage_m, times_s, smooth_m=smooth_m)


__all__ = [
    "PICK_COLUMNS", "dix", "pick_semblance", "picks_dataset", "read_picks", "read_velocity_picks", "semblance",
    "velocity_analysis", "velocity_field", "vrms_from_interval", "vrms_function", "vrms_section", "write_picks",
    "write_velocity_picks",
]
