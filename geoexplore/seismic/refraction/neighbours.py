"""Neighbour cross-correlation of first-break onsets within a shot gather.

Neighbouring traces of a shot record the same first arrival, delayed by the
moveout. A trace whose own pick was rejected (an outlier of the local
traveltime trend, or no trigger at all) can be picked from its neighbours:
the onset window of a neighbour with an accepted pick (from a little before
its pick to some milliseconds after) is slid along the trace around the
time the neighbours predict, and the lag of the largest normalised
correlation places the onset. Each accepted neighbour within
``n_neighbours`` on either side gives an estimate; the estimates of the
neighbours that correlate at least ``min_corr`` are combined weighted by
their correlation, and their scatter joins the uncertainty.

A rejected pick that the neighbours confirm (their estimate within the
tolerance) is restored as it was; otherwise the correlated estimate
replaces it. This is the "cross-correlation with neighbouring traces" of
the established pickers (e.g. the trace-to-trace correlation refinement of
Molyneux and Schmitt 1999; Gibbons and Ringdal 2006 for the detection form).

Sample indices in samples, times in s.
"""

from __future__ import annotations

import numpy as np


def _windows(x: np.ndarray, starts: np.ndarray, n: int) -> np.ndarray:
    """Rows ``x[s:s+n]`` for every start, demeaned and normalised (zero rows where flat or outside)."""
    W = np.zeros((starts.size, n))
    for j, s in enumerate(starts):
        if 0 <= s and s + n <= x.size:
            W[j] = x[s:s + n]
    W -= W.mean(axis=1, keepdims=True)
    nrm = np.linalg.norm(W, axis=1, keepdims=True)
    return W / np.where(nrm > 0, nrm, 1.0)


def correlate_onset(x_ref: np.ndarray, k_ref: int, x: np.ndarray, k_lo: int, k_hi: int, n_pre: int,
                    n_post: int) -> tuple[int, float]:
    """The sample of ``x`` in ``[k_lo, k_hi]`` that best matches the onset of ``x_ref`` at ``k_ref``.

    Returns the sample and its normalised correlation (-1..1; -inf when nothing fits).
    """
    n = n_pre + n_post
    s0 = int(k_ref) - n_pre
    if s0 < 0 or s0 + n > x_ref.size or k_hi < k_lo:
        return -1, -np.inf
    ref = x_ref[s0:s0 + n] - x_ref[s0:s0 + n].mean()
    nr = np.linalg.norm(ref)
    if nr == 0:
        return -1, -np.inf
    ks = np.arange(int(k_lo), int(k_hi) + 1)
    W = _windows(x, ks - n_pre, n)
    c = W @ (ref / nr)
    j = int(np.argmax(c))
    return int(ks[j]), float(c[j])


def neighbour_estimate(traces: np.ndarray, i: int, k_picks: np.ndarray, accepted: np.ndarray, offset_m: np.ndarray,
                       center: float, half_window: int, n_pre: int, n_post: int, n_neighbours: int = 2,
                       min_corr: float = 0.7) -> tuple[float, float, float, int]:
    """Onset of trace ``i`` from the accepted neighbours on its side of the shot.

    Parameters
    ----------
    traces : ndarray (n_traces, n_samples)
        Traces to correlate (drift removed, e.g. causally high-passed).
    i : int
        The trace to pick.
    k_picks : ndarray (n_traces,)
        Pick samples (NaN where none).
    accepted : ndarray of bool (n_traces,)
        Picks that may serve as references.
    offset_m : ndarray (n_traces,)
        Signed offsets (m); neighbours are the nearest accepted traces in
        ``|offset|`` on the same side of the shot.
    center : float
        Predicted onset sample of trace ``i``; the search is ``center +- half_window``.
    n_pre, n_post : int
        Window before and after the reference pick (samples).
    n_neighbours : int
        Accepted neighbours used on each side (nearer and farther offsets).
    min_corr : float
        Smallest normalised correlation that counts.

    Returns
    -------
    k : float
        Onset sample (NaN when no neighbour correlates well enough).
    spread : float
        Weighted standard deviation of the neighbours' estimates (samples).
    corr : float
        Mean correlation of the neighbours used.
    n_used : int
    """
    off = np.asarray(offset_m, float)
    side = (off < 0) if off[i] < 0 else (off >= 0)
    cand = np.flatnonzero(side & accepted & np.isfinite(k_picks))
    cand = cand[cand != i]
    if not cand.size:
        return np.nan, np.nan, np.nan, 0
    ax = np.abs(off)
    near = cand[ax[cand] < ax[i]]
    far = cand[ax[cand] > ax[i]]
    near = near[np.argsort(ax[i] - ax[near])][:n_neighbours]
    far = far[np.argsort(ax[far] - ax[i])][:n_neighbours]
    ks, cs = [], []
    for j in np.concatenate([near, far]):
        k, c = correlate_onset(traces[j], int(round(k_picks[j])), traces[i], int(round(center - half_window)),
                               int(round(center + half_window)), n_pre, n_post)
        if c >= min_corr:
            ks.append(k)
            cs.append(c)
    if not ks:
        return np.nan, np.nan, np.nan, 0
    w = np.asarray(cs)
    k_arr = np.asarray(ks, float)
    k = float(np.sum(w * k_arr) / np.sum(w))
    spread = float(np.sqrt(np.sum(w * (k_arr - k) ** 2) / np.sum(w)))
    return k, spread, float(np.mean(w)), len(ks)


__all__ = ["correlate_onset", "neighbour_estimate"]
