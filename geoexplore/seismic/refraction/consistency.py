"""Consistency checks of first-break picks: neighbours, slowness jumps, reciprocity, relative polarity.

Kernels of :mod:`geoexplore.seismic.refraction.picking` (offsets in m,
times in s; NaN picks are ignored).
"""

from __future__ import annotations

import numpy as np


def consistency_outliers(offset_m: np.ndarray, t_s: np.ndarray, tol_s: float, rel_tol: float = 0.05,
                         half_width: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Picks inconsistent with their neighbours on the same side of the shot.

    On each side (offset < 0, offset >= 0) the picks are sorted by |offset|.
    Each pick is predicted from its neighbours within ``half_width`` on either
    side by the median of the two-point linear predictions through pairs of
    neighbours (a robust local line); a pick further than
    ``tol_s + rel_tol * t_pred`` from its prediction, or a pick that makes
    the traveltime decrease with |offset| against both neighbours, is an
    outlier. The direct check of apparent velocity lives in the search window.

    Parameters
    ----------
    offset_m, t_s : ndarray (n,)
        Signed offsets (m) and picks (s; NaN = no pick, ignored).
    tol_s, rel_tol : float
        Absolute (s) and relative tolerances.
    half_width : int
        Neighbours on each side used for the prediction.

    Returns
    -------
    outlier : ndarray of bool (n,)
    t_pred : ndarray (n,)
        The neighbour prediction (NaN where fewer than 2 neighbours).
    """
    x = np.asarray(offset_m, float)
    t = np.asarray(t_s, float)
    out = np.zeros(x.size, bool)
    pred = np.full(x.size, np.nan)
    for side in (x < 0, x >= 0):
        idx = np.flatnonzero(side & np.isfinite(t))
        if idx.size < 3:
            continue
        idx = idx[np.argsort(np.abs(x[idx]), kind="stable")]
        ax, at = np.abs(x[idx]), t[idx]
        for j in range(idx.size):
            nb = [i for i in range(max(0, j - half_width), min(idx.size, j + half_width + 1)) if i != j]
            if not nb or min(nb) > j or max(nb) < j:
                continue  # ends: extrapolation is unreliable where the curve bends (left to slowness_jump_outliers)
            preds = []
            for a in range(len(nb)):
                for b in range(a + 1, len(nb)):
                    i1, i2 = nb[a], nb[b]
                    if ax[i2] == ax[i1]:
                        continue
                    slope = (at[i2] - at[i1]) / (ax[i2] - ax[i1])
                    preds.append(at[i1] + slope * (ax[j] - ax[i1]))
            if len(preds) < 1:
                continue
            p = float(np.median(preds))
            pred[idx[j]] = p
            if abs(at[j] - p) > tol_s + rel_tol * abs(p):
                out[idx[j]] = True
    return out, pred


def slowness_jump_outliers(offset_m: np.ndarray, t_s: np.ndarray, tol_s: float, slack: float = 2.0) -> np.ndarray:
    """Picks that jump to a later (slower) phase or come before a nearer pick.

    First-arrival traveltime curves are monotonic in |offset| and, in a
    medium whose velocity grows with depth, their slope (the apparent
    slowness) decreases with offset. Walking outward from the shot on each
    side, a pick is rejected when it is earlier than the last accepted pick
    by more than ``tol_s`` (non-monotonic), or later than the extrapolation
    ``t_last + slack * s * dx + tol_s`` where ``s`` is the median slowness of
    the last three accepted segments (a jump onto a slower phase such as the
    ground roll).

    Parameters
    ----------
    offset_m, t_s : ndarray (n,)
        Signed offsets (m) and picks (s; NaN ignored).
    tol_s : float
        Absolute tolerance (s).
    slack : float
        Allowed growth factor of the apparent slowness.

    Returns
    -------
    ndarray of bool (n,)
    """
    x = np.asarray(offset_m, float)
    t = np.asarray(t_s, float)
    out = np.zeros(x.size, bool)
    for side in (x < 0, x >= 0):
        idx = np.flatnonzero(side & np.isfinite(t))
        idx = idx[np.argsort(np.abs(x[idx]), kind="stable")]
        acc: list[int] = []
        for i in idx:
            if len(acc) >= 1 and t[i] < t[acc[-1]] - tol_s:
                out[i] = True
                continue
            if len(acc) >= 2:
                sl = [(t[acc[j]] - t[acc[j - 1]]) / max(abs(x[acc[j]]) - abs(x[acc[j - 1]]), 1e-9)
                      for j in range(max(1, len(acc) - 3), len(acc))]
                sp = max(float(np.median(sl)), 0.0)
                # the slowness of the first segment (from the shot) bounds the growth too
                s0 = t[acc[0]] / max(abs(x[acc[0]]), 1e-9)
                limit = t[acc[-1]] + slack * max(sp, 0.25 * s0) * (abs(x[i]) - abs(x[acc[-1]])) + tol_s
                if t[i] > limit:
                    out[i] = True
                    continue
            acc.append(int(i))
    return out


def reciprocity_outliers(src_x_m: np.ndarray, rec_x_m: np.ndarray, t_s: np.ndarray, quality: np.ndarray,
                         tol_s: float, rel_tol: float = 0.05, position_tol_m: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """Reciprocity check across shots: t(A -> B) must equal t(B -> A).

    Parameters
    ----------
    src_x_m, rec_x_m, t_s, quality : ndarray (n,)
        Source and receiver positions (m), picks (s; NaN ignored) and their
        quality (0..1), for all picks of all shots.
    tol_s, rel_tol : float
        A pair fails when ``|t_ab - t_ba| > tol_s + rel_tol * mean(t_ab, t_ba)``.
    position_tol_m : float
        Positions within this distance are the same station.

    Returns
    -------
    flagged : ndarray of bool (n,)
        The poorer pick (lower quality; the later one on a tie) of every
        failing pair.
    misfit_s : ndarray (n,)
        ``t - t_reciprocal`` for picks that have a reciprocal, else NaN.
    """
    s = np.round(np.asarray(src_x_m, float) / position_tol_m).astype(np.int64)
    r = np.round(np.asarray(rec_x_m, float) / position_tol_m).astype(np.int64)
    t = np.asarray(t_s, float)
    q = np.asarray(quality, float)
    lookup: dict[tuple[int, int], int] = {}
    for i in np.flatnonzero(np.isfinite(t)):
        key = (int(s[i]), int(r[i]))
        if key not in lookup or q[i] > q[lookup[key]]:
            lookup[key] = int(i)
    flagged = np.zeros(t.size, bool)
    misfit = np.full(t.size, np.nan)
    for i in np.flatnonzero(np.isfinite(t)):
        j = lookup.get((int(r[i]), int(s[i])))
        if j is None or j == i or s[i] == r[i]:
            continue
        misfit[i] = t[i] - t[j]
        if abs(t[i] - t[j]) > tol_s + rel_tol * 0.5 * (t[i] + t[j]):
            worse = i if (q[i] < q[j] or (q[i] == q[j] and t[i] > t[j])) else j
            flagged[worse] = True
    return flagged, misfit


def polarity_by_correlation(d: np.ndarray, t_s: np.ndarray, t0_s: float, dt_s: float, n: int) -> np.ndarray:
    """Relative polarity (+1/-1/0) of each picked trace from the zero-lag correlation with its neighbours.

    Windows of ``n`` samples starting at the picks are normalised and
    correlated with the two nearest picked traces on each side; the sign of
    the summed correlation is the trace's polarity relative to its
    neighbours. A trace is only called reversed when the majority of the
    gather correlates positively with its own neighbours.
    """
    ntr = d.shape[0]
    pol = np.zeros(ntr, int)
    idx = np.flatnonzero(np.isfinite(t_s))
    if idx.size < 3:
        return pol
    W = np.zeros((idx.size, n))
    for j, i in enumerate(idx):
        k = int(round((t_s[i] - t0_s) / dt_s))
        seg = d[i, k:k + n]
        W[j, : seg.size] = seg
    nrm = np.linalg.norm(W, axis=1, keepdims=True)
    W = W / np.where(nrm > 0, nrm, 1.0)
    score = np.zeros(idx.size)
    for j in range(idx.size):
        nb = [m for m in range(max(0, j - 2), min(idx.size, j + 3)) if m != j]
        score[j] = sum(float(W[j] @ W[m]) for m in nb)
    # a reversed trace anticorrelates with all its neighbours; its neighbours
    # then see one negative term each, which their other neighbours outweigh
    for j, i in enumerate(idx):
        pol[i] = 1 if score[j] > 0 else (-1 if score[j] < -0.5 else 0)
    return pol


__all__ = ["consistency_outliers", "polarity_by_correlation", "reciprocity_outliers", "slowness_jump_outliers"]
