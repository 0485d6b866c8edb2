"""Calibration of the pick uncertainties against a measured statistic of the picks themselves.

The onset estimators give each pick an uncertainty from its own trace
(:func:`~geoexplore.seismic.refraction.onsets.refine_onset`); what they
cannot see (the shot timing, the source signature changing from shot to
shot, the soil under each geophone) makes them too small. The calibrated
error is

    err_cal = sqrt(err^2 + floor^2)

with the floor (s) chosen so that pairs of picks that must agree do agree
to within their errors: the robust standard deviation (1.4826 x MAD) of the
normalised differences is 1. The pairs, in order of preference:

* **reciprocal pairs** (``t(A->B)`` and ``t(B->A)``, the classical field
  check; the difference of two independent picks of the same traveltime):
  ``z = (t_ab - t_ba) / sqrt(e_ab^2 + e_ba^2)``, used when a survey has at
  least ``min_pairs`` of them;
* otherwise the **local second difference** along each side of every shot:
  a pick against the straight line through its two neighbours (equally or
  unequally spaced), ``z = r / sqrt(e_i^2 + w_a^2 e_a^2 + w_b^2 e_b^2)``.
  The true traveltime curve bends, so this statistic contains some model
  curvature as well and errs on the large side (a tomography then fits
  below chi^2 = 1 rather than above).

The hand picks are never used. When even a zero floor gives a robust
standard deviation below 1 the errors are left as they are (they are not
shrunk).
"""

from __future__ import annotations

import numpy as np


def robust_std(z: np.ndarray) -> float:
    """1.4826 x the median absolute deviation from zero (the pairs' expected difference is zero)."""
    z = np.asarray(z, float)
    z = z[np.isfinite(z)]
    return float(1.4826 * np.median(np.abs(z))) if z.size else np.nan


def reciprocal_pairs(src_x_m: np.ndarray, rec_x_m: np.ndarray, t_s: np.ndarray, err_s: np.ndarray,
                     position_tol_m: float) -> tuple[np.ndarray, np.ndarray]:
    """Differences ``t_ab - t_ba`` (s) of every reciprocal pair (each pair once) and the two errors' variances summed."""
    s = np.round(np.asarray(src_x_m, float) / position_tol_m).astype(np.int64)
    r = np.round(np.asarray(rec_x_m, float) / position_tol_m).astype(np.int64)
    t = np.asarray(t_s, float)
    e = np.asarray(err_s, float)
    lut = {(int(a), int(b)): i for i, (a, b) in enumerate(zip(s, r, strict=True)) if np.isfinite(t[i])}
    d, v = [], []
    for (a, b), i in lut.items():
        j = lut.get((b, a))
        if j is None or a >= b:
            continue
        d.append(t[i] - t[j])
        v.append(e[i] ** 2 + e[j] ** 2)
    return np.asarray(d), np.asarray(v)


def second_differences(shot: np.ndarray, offset_m: np.ndarray, t_s: np.ndarray, err_s: np.ndarray,
                       max_gap_m: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Residuals (s) of picks against the line through their two neighbours (same shot and side).

    Returns the residuals, the pieces of their variance (the pick's own
    error variance and the neighbours' weighted error variances, summed) and
    the number of floor variances each residual carries (``1 + wa^2 + wb^2``).
    Triples with a gap wider than ``max_gap_m`` are skipped.
    """
    shot = np.asarray(shot)
    off = np.asarray(offset_m, float)
    t = np.asarray(t_s, float)
    e = np.asarray(err_s, float)
    res, own, nb, per = [], [], [], []
    for sh in np.unique(shot):
        for side in (off < 0, off >= 0):
            idx = np.flatnonzero((shot == sh) & side & np.isfinite(t) & np.isfinite(e))
            idx = idx[np.argsort(np.abs(off[idx]), kind="stable")]
            ax = np.abs(off[idx])
            for j in range(1, idx.size - 1):
                xa, xi, xb = ax[j - 1], ax[j], ax[j + 1]
                if xb - xa <= 0 or xi - xa > max_gap_m or xb - xi > max_gap_m:
                    continue
                wa, wb = (xb - xi) / (xb - xa), (xi - xa) / (xb - xa)
                a, i, b = idx[j - 1], idx[j], idx[j + 1]
                res.append(t[i] - (wa * t[a] + wb * t[b]))
                own.append(e[i] ** 2)
                nb.append((wa * e[a]) ** 2 + (wb * e[b]) ** 2)
                per.append(1.0 + wa**2 + wb**2)
    return np.asarray(res), np.asarray(own), np.asarray(nb), np.asarray(per)


def fit_floor(d: np.ndarray, var_own: np.ndarray, var_other: np.ndarray, n_per: float) -> float:
    """The floor ``f`` (s) with robust_std(d / sqrt(var_own + var_other + n_per f^2)) = 1 (0 if already <= 1).

    ``n_per`` (scalar or per difference) is how many floor variances each
    difference carries: 2 for a reciprocal pair, ``1 + wa^2 + wb^2`` for a
    second difference. Solved by bisection (the robust deviation falls
    monotonically with the floor).
    """
    d = np.asarray(d, float)
    k = np.broadcast_to(np.asarray(n_per, float), d.shape)
    base = np.asarray(var_own, float) + np.asarray(var_other, float)

    def s(f: float) -> float:
        return robust_std(d / np.sqrt(base + k * f * f))

    if d.size == 0 or not (s(0.0) > 1.0):
        return 0.0
    lo, hi = 0.0, float(np.max(np.abs(d))) + 1e-9
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if s(mid) > 1.0 else (lo, mid)
    return 0.5 * (lo + hi)


def calibrate(table, *, min_pairs: int = 10, position_tol_m: float | None = None) -> tuple[np.ndarray, dict]:
    """Calibrated errors (s) of the used picks of a picks table, and a record of the calibration.

    Parameters
    ----------
    table : DataFrame
        Picks table (columns ``shot, source_x_m, receiver_x_m, offset_m, t_s, err_s, use``).
    min_pairs : int
        Reciprocal pairs needed to calibrate on them (else second differences).
    position_tol_m : float, optional
        Same-station tolerance (m); default a quarter of the median receiver spacing.

    Returns
    -------
    err_s : ndarray (n_rows,)
        ``sqrt(err^2 + floor^2)`` on used rows, the input elsewhere.
    info : dict
        ``statistic`` ("reciprocal pairs" or "second differences"), ``n``,
        ``floor_s``, ``robust_std_before`` and ``robust_std_after``.
    """
    use = table["use"].to_numpy(int) == 1
    t = np.where(use, table["t_s"].to_numpy(float), np.nan)
    e = table["err_s"].to_numpy(float)
    rx = np.unique(table["receiver_x_m"].to_numpy(float))
    dx = np.diff(rx)
    spacing = float(np.median(dx[dx > 0])) if np.any(dx > 0) else 1.0
    tol = 0.25 * spacing if position_tol_m is None else position_tol_m
    d, v = reciprocal_pairs(table["source_x_m"].to_numpy(float), table["receiver_x_m"].to_numpy(float), t, e, tol)
    if d.size >= min_pairs:
        stat, per, v_own, v_nb = "reciprocal pairs", np.full(d.size, 2.0), v, np.zeros(d.size)
    else:
        d, v_own, v_nb, per = second_differences(table["shot"].to_numpy(), table["offset_m"].to_numpy(float), t, e,
                                                 1.5 * spacing)
        stat = "second differences"
    floor = fit_floor(d, v_own, v_nb, per)
    before = robust_std(d / np.sqrt(v_own + v_nb)) if d.size else np.nan
    after = robust_std(d / np.sqrt(v_own + v_nb + per * floor**2)) if d.size else np.nan
    out = np.where(use & np.isfinite(e), np.sqrt(e**2 + floor**2), e)
    return out, {"statistic": stat, "n": int(d.size), "floor_s": float(floor),
                 "robust_std_before": float(before), "robust_std_after": float(after)}


__all__ = ["calibrate", "fit_floor", "reciprocal_pairs", "robust_std", "second_differences"]
