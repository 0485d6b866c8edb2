"""Stages of the 'onset' picker after the consistency check: air-blast rejection and neighbour cross-correlation.

Run by :func:`geoexplore.seismic.refraction.picking.pick_gather` for the
``"onset"`` method only (the ``"energy"`` picker and its results, e.g. on
the synthetic Siping shots, are untouched). ``g`` is the picker's per-gather
state (traces, windows, scales), ``res`` its
:class:`~geoexplore.seismic.refraction.picking.GatherPicks`.

1. :func:`reject_air_waves`: picks inside the air-wave window with a
   high-frequency onset (:mod:`.airwave`) are re-picked on the ground
   arrival after the air wave (flag ``airwave``), or, when none is found,
   not used (flags ``airwave,outlier``).
2. :func:`correlate_rejected`: traces still without a usable pick are
   picked from their accepted neighbours by cross-correlation of the onset
   windows (:mod:`.neighbours`): a rejected pick the neighbours confirm is
   restored, otherwise the correlated onset replaces it (flag ``xcorr``).
   Restored and replaced picks must then pass the slowness-jump rule, the
   replaced ones the neighbour rule as well (:func:`recheck`; a cycle skip
   of the correlation fails them).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from geoexplore.seismic.refraction.airwave import (
    air_wave_picks,
    onset_centroid_hz,
    repick_after_air,
)
from geoexplore.seismic.refraction.consistency import (
    consistency_outliers,
    slowness_jump_outliers,
)
from geoexplore.seismic.refraction.neighbours import neighbour_estimate

_BAD = {"dead", "nopick", "outlier"}


def _flags(res: Any, i: int) -> set[str]:
    return {f for f in res.flags[i].split(",") if f}


def _drop(res: Any, i: int, *names: str) -> None:
    res.flags[i] = ",".join(f for f in res.flags[i].split(",") if f and f not in names)


def reject_air_waves(g: Any, p: Any, res: Any) -> np.ndarray:
    """Air-wave picks re-picked after the air wave; returns the mask of the air-wave picks found."""
    k = np.where(np.isfinite(res.t_s), (res.t_s - g.t0_s) / g.dt_s, np.nan)
    air, _ = air_wave_picks(g.raw, k, g.off, res.t_s, g.dt_s, v_air_m_s=tuple(p.v_air_m_s),
                            tol_s=p.air_tolerance_s, factor=p.air_centroid_factor)
    if not air.any():
        return air
    # the low-pass sits below the air wave: 1.5 x the median centroid of the ground onsets
    n4 = max(8, int(round(0.004 / g.dt_s)))
    ground = [onset_centroid_hz(g.raw[i], int(round(k[i])), n4, g.dt_s) for i in np.flatnonzero(np.isfinite(k) & ~air)]
    ground = [c for c in ground if np.isfinite(c)]
    fc = 1.5 * float(np.median(ground)) if ground else 0.25 / g.dt_s
    for i in np.flatnonzero(air):
        i = int(i)
        got = repick_after_air(g.raw[i], int(round(k[i])), int(g.hi_k[i]), g.dt_s, lowpass_hz=fc, n_sta=g.n_s)
        res.add_flag(i, "airwave")
        if got is None:
            res.add_flag(i, "outlier")
            continue
        kk, err, snr = got
        # the air wave overlaps the ground onset: half the time from air onset to ground onset bounds the error
        err = float(np.hypot(err, 0.25 * (kk - k[i])))
        g.set_pick(res, i, kk, err * g.dt_s, snr)
        _drop(res, i, "outlier", "nopick", "repicked")
    return air


def _prediction(off: np.ndarray, t: np.ndarray, ok: np.ndarray, i: int) -> float:
    """Traveltime of trace ``i`` interpolated (or extrapolated from the two nearest) along ``|offset|`` on its side."""
    side = (off < 0) if off[i] < 0 else (off >= 0)
    idx = np.flatnonzero(side & ok)
    idx = idx[idx != i]
    if idx.size < 2:
        return np.nan
    ax = np.abs(off[idx])
    o = np.argsort(ax, kind="stable")
    ax, tt = ax[o], t[idx][o]
    x = abs(off[i])
    if ax[0] <= x <= ax[-1]:
        return float(np.interp(x, ax, tt))
    a, b = (0, 1) if x < ax[0] else (-2, -1)
    if ax[b] == ax[a]:
        return float(tt[b])
    return float(tt[a] + (tt[b] - tt[a]) / (ax[b] - ax[a]) * (x - ax[a]))


def correlate_rejected(g: Any, p: Any, res: Any) -> None:
    """Pick the live traces without a usable pick from their accepted neighbours (cross-correlation)."""
    n = res.t_s.size
    ok = np.array([np.isfinite(res.t_s[i]) and not (_flags(res, i) & _BAD) for i in range(n)])
    todo = [i for i in np.flatnonzero(g.live & ~ok) if "dead" not in _flags(res, i)]
    if not todo or ok.sum() < 3:
        return
    k_ok = np.where(ok, (res.t_s - g.t0_s) / g.dt_s, np.nan)
    n_pre, n_post = max(4, g.n_s // 2), 2 * g.n_s
    tol_k = p.xcorr_confirm_s / g.dt_s
    replaced = np.zeros(n, bool)
    for i in todo:
        i = int(i)
        pred = _prediction(g.off, res.t_s, ok, i)
        if not np.isfinite(pred):
            continue
        c = (pred - g.t0_s) / g.dt_s
        hw = int(np.ceil((g.tol + p.outlier_rel_tolerance * abs(pred)) / g.dt_s))
        k, spread, corr, m = neighbour_estimate(g.hp, i, k_ok, ok, g.off, c, hw, n_pre, n_post,
                                                min_corr=p.xcorr_min_corr)
        if not np.isfinite(k) or k < g.lo_k[i] or k >= g.hi_k[i]:
            continue
        own = (res.t_s[i] - g.t0_s) / g.dt_s if np.isfinite(res.t_s[i]) else np.nan
        if np.isfinite(own) and abs(own - k) <= max(tol_k, 2 * spread):
            _drop(res, i, "outlier", "nopick")  # the neighbours confirm the trace's own onset
            res.add_flag(i, "xcorr")
            continue
        err = float(np.sqrt(spread**2 + 1.0 / 12.0 + (0.5 * g.n_s * (1.0 - corr)) ** 2))
        g.set_pick(res, i, k, err * g.dt_s, float(g.snr[i]) if np.isfinite(g.snr[i]) else np.nan)
        if not np.isfinite(res.snr_db[i]):
            res.snr_db[i] = p.min_snr_db  # correlated pick: no own SNR; it passes the SNR gate at its floor
        _drop(res, i, "outlier", "nopick", "repicked", "extended")
        res.add_flag(i, "xcorr")
        replaced[i] = True
    restored = np.array(["xcorr" in _flags(res, i) for i in range(n)]) & ~replaced
    recheck(g, p, res, replaced, restored)


def recheck(g: Any, p: Any, res: Any, replaced: np.ndarray, restored: np.ndarray) -> None:
    """The slowness-jump rule on the restored and replaced picks, the neighbour rule on the replaced ones.

    Only these picks can fail here (the neighbour rule already had its say on
    the others, and restored picks are the ones it doubted).
    """
    n = res.t_s.size
    ok = np.array([np.isfinite(res.t_s[i]) and not (_flags(res, i) & _BAD) for i in range(n)])
    t = np.where(ok, res.t_s, np.nan)
    bad, _ = consistency_outliers(g.off, t, g.tol, p.outlier_rel_tolerance)
    bad &= replaced
    bad |= slowness_jump_outliers(g.off, t, g.jump_tol) & (replaced | restored)
    for i in np.flatnonzero(bad):
        res.add_flag(int(i), "outlier")


__all__ = ["correlate_rejected", "recheck", "reject_air_waves"]
