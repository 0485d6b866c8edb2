"""Reflector picking and horizon tracking on a reflection depth section (NumPy kernels).

1. :func:`pick_events` -- per trace, the local extrema of each polarity whose
   amplitude exceeds ``snr`` times the robust noise level of their depth
   (:func:`noise_level`: from lateral trace differences, so flat reflectors do
   not count as noise), refined to sub-sample depth by a parabola;
   :func:`drop_side_lobes` removes the side lobes of stronger neighbours.
2. :func:`track_horizons` -- link picks of one polarity from trace to trace
   when the depth changes by at most ``link_tolerance_m`` per trace (gaps of
   up to ``max_gap_traces`` allowed); segments shorter than
   ``min_horizon_length_m`` are dropped. A fault breaks the tracking.
3. :func:`pair_segments` -- join a segment that ends to one of the same
   polarity that starts within ``max_pair_gap_m`` laterally (twice that for
   long reflectors either side of a wide disturbed zone) and ``max_throw_m``
   vertically (closest depth first, then again with a penalty on pairs whose
   sense of throw opposes the significant pairs nearby): the vertical
   separation at the middle of the gap, from straight-line fits either side,
   is the throw. :func:`families` chains paired segments into horizon families.

The breakpoints and throws these feed are in :mod:`.breakpoints` and
:mod:`.throws`; the whole chain is :func:`geoexplore.fault.indicators.reflection.reflection_indicators`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np


def noise_level(a: np.ndarray, dz_m: float, window_m: float = 40.0) -> np.ndarray:
    """Robust noise standard deviation per depth row (nz,), from lateral trace differences."""
    from scipy.ndimage import median_filter

    d = np.abs(np.diff(a, axis=1))
    row = 1.4826 * np.nanmedian(d, axis=1) / math.sqrt(2.0)
    n = max(3, int(round(window_m / dz_m)) | 1)
    s = median_filter(row, size=n, mode="nearest")
    floor = 1e-3 * np.nanmax(np.abs(a)) if np.any(np.isfinite(a)) else 1.0
    return np.maximum(s, floor)


def pick_events(a: np.ndarray, z: np.ndarray, sigma: np.ndarray, snr: float) -> list[np.ndarray]:
    """One pick per lobe (between zero crossings) per trace.

    Returns a list (nx) of arrays (n_picks, 3): depth (sub-sample, parabola
    through the lobe maximum), amplitude, polarity (+1/-1). A lobe counts
    when its peak exceeds ``snr`` times the noise level at its depth.
    """
    dz = float(z[1] - z[0])
    out = []
    thr = snr * sigma
    n = z.size
    for j in range(a.shape[1]):
        tr = np.nan_to_num(a[:, j])
        sgn = np.sign(tr)
        cut = np.flatnonzero(sgn[1:] != sgn[:-1]) + 1
        bounds = np.r_[0, cut, n]
        rows = []
        for lo, hi in zip(bounds[:-1], bounds[1:]):
            if hi - lo < 1:
                continue
            seg = np.abs(tr[lo:hi])
            i = lo + int(np.argmax(seg))
            if abs(tr[i]) <= thr[i] or i == 0 or i == n - 1:
                continue
            pol = 1.0 if tr[i] > 0 else -1.0
            y0, y1, y2 = pol * tr[i - 1], pol * tr[i], pol * tr[i + 1]
            den = y0 - 2 * y1 + y2
            off = float(np.clip(0.5 * (y0 - y2) / den, -0.5, 0.5)) if den < 0 else 0.0
            rows.append((z[i] + off * dz, pol * (y1 - 0.25 * (y0 - y2) * off), pol))
        out.append(np.array(rows) if rows else np.empty((0, 3)))
    return out


def drop_side_lobes(picks: list[np.ndarray], ratio: float = 1.5) -> list[np.ndarray]:
    """Remove picks that are side lobes of a stronger opposite-polarity neighbour.

    A pick is a side lobe when its nearest opposite-polarity pick above or
    below, closer than 1.5 times the typical main-lobe/side-lobe distance of
    the section, is more than ``ratio`` times stronger (a zero-phase wavelet's
    side lobes are about 0.45 of its peak).
    """
    dists = []
    for pk in picks:
        if len(pk) < 2:
            continue
        o = np.argsort(pk[:, 0])
        p = pk[o]
        flip = p[1:, 2] != p[:-1, 2]
        dists.append(np.diff(p[:, 0])[flip])
    if not dists or not np.concatenate(dists).size:
        return picks
    lim = 1.5 * float(np.median(np.concatenate(dists)))
    out = []
    for pk in picks:
        if len(pk) < 2:
            out.append(pk)
            continue
        p = pk[np.argsort(pk[:, 0])]
        keep = np.ones(len(p), bool)
        for i in range(len(p)):
            for k in (i - 1, i + 1):
                if 0 <= k < len(p) and p[k, 2] != p[i, 2] and abs(p[k, 0] - p[i, 0]) <= lim and abs(p[k, 1]) > ratio * abs(p[i, 1]):
                    keep[i] = False
        out.append(p[keep])
    return out


@dataclass
class Horizon:
    """A tracked reflector segment: trace indices, chainages, depths, amplitudes, polarity."""

    polarity: float
    idx: list[int] = field(default_factory=list)
    z: list[float] = field(default_factory=list)
    amp: list[float] = field(default_factory=list)
    x: np.ndarray | None = None

    @property
    def start(self) -> int:
        return self.idx[0]

    @property
    def end(self) -> int:
        return self.idx[-1]

    def fit_end(self, x: np.ndarray, side: str, window_m: float, at: float) -> tuple[float, float, int]:
        """Depth at chainage ``at`` from a straight-line fit to the last/first ``window_m`` of the segment."""
        xi = x[np.asarray(self.idx)]
        zi = np.asarray(self.z)
        sel = xi >= xi[-1] - window_m if side == "end" else xi <= xi[0] + window_m
        return _fit_at(xi[sel], zi[sel], at)


def _fit_at(xs: np.ndarray, zs: np.ndarray, at: float) -> tuple[float, float, int]:
    """Straight-line fit z(x) evaluated at ``at``: (depth, sigma of the prediction, n)."""
    n = xs.size
    if n == 0:
        return math.nan, math.inf, 0
    if n < 3 or np.ptp(xs) == 0:
        return float(np.mean(zs)), float(np.std(zs) + 0.25), n
    A = np.column_stack([np.ones(n), xs - xs.mean()])
    coef, *_ = np.linalg.lstsq(A, zs, rcond=None)
    res = zs - A @ coef
    s2 = float(res @ res) / max(n - 2, 1)
    cov = s2 * np.linalg.inv(A.T @ A)
    g = np.array([1.0, at - xs.mean()])
    # trace-to-trace pick jitter is correlated; inflate by sqrt(2) and floor at a tenth of a metre
    return float(g @ coef), float(math.sqrt(max(g @ cov @ g, 0.0)) * math.sqrt(2.0) + 0.1), n


def track_horizons(picks: list[np.ndarray], x: np.ndarray, link_tolerance_m: float, max_gap_traces: int, min_length_m: float) -> list[Horizon]:
    """Link picks into horizons (see module docstring)."""
    active: list[Horizon] = []
    done: list[Horizon] = []
    for j, pk in enumerate(picks):
        # close horizons that cannot continue
        still = []
        for h in active:
            (still if j - h.end <= max_gap_traces + 1 else done).append(h)
        active = still
        used = np.zeros(len(pk), bool)
        cands = []
        for hi, h in enumerate(active):
            gap = j - h.end
            # predict with the local slope of the last few picks
            if len(h.idx) >= 3:
                k = min(len(h.idx), 6)
                slope = (h.z[-1] - h.z[-k]) / max(h.idx[-1] - h.idx[-k], 1)
            else:
                slope = 0.0
            zp = h.z[-1] + slope * gap
            for pi in range(len(pk)):
                if pk[pi, 2] != h.polarity:
                    continue
                dzv = abs(pk[pi, 0] - zp)
                if dzv <= link_tolerance_m * max(1.0, math.sqrt(gap)):
                    cands.append((dzv, hi, pi))
        cands.sort()
        taken_h = set()
        for dzv, hi, pi in cands:
            if hi in taken_h or used[pi]:
                continue
            taken_h.add(hi)
            used[pi] = True
            h = active[hi]
            h.idx.append(j)
            h.z.append(float(pk[pi, 0]))
            h.amp.append(float(pk[pi, 1]))
        for pi in np.flatnonzero(~used):
            active.append(Horizon(polarity=float(pk[pi, 2]), idx=[j], z=[float(pk[pi, 0])], amp=[float(pk[pi, 1])]))
    done.extend(active)
    out = [h for h in done if len(h.idx) > 1 and x[h.end] - x[h.start] >= min_length_m]
    for h in out:
        h.x = x[np.asarray(h.idx)]
    out.sort(key=lambda h: (np.median(h.z), h.start))
    return out


@dataclass
class Pair:
    """Two segments joined across a gap: left ends, right starts."""

    left: int
    right: int
    x_mid: float
    gap_m: float
    z_left: float
    z_right: float
    throw_m: float
    sigma_m: float


def pair_segments(hz: list[Horizon], x: np.ndarray, max_pair_gap_m: float, max_throw_m: float, fit_window_m: float = 60.0,
                  min_length_m: float = 120.0) -> list[Pair]:
    """Join segment ends to segment starts (see module docstring).

    Candidates are scored by throw, amplitude mismatch and gap. Long
    reflectors (both at least ``2 min_length_m``) may be joined across up to
    twice ``max_pair_gap_m``: a wide disturbed zone at a fault. The pairing
    is done twice: the second pass penalises a pair whose sense of throw is
    opposite to that of the significant pairs of the first pass within
    ``max_pair_gap_m`` (one fault keeps one sense of slip), so a reflector is
    not joined to the wrong neighbour across the gap just because that one
    is closer in depth.
    """
    dx = float(np.median(np.diff(x))) if x.size > 1 else 1.0
    cands = []
    for i, a in enumerate(hz):
        if a.end >= x.size - 1:
            continue
        la = x[a.end] - x[a.start]
        for k, b in enumerate(hz):
            if k == i or b.polarity != a.polarity or b.start <= 0:
                continue
            gap = x[b.start] - x[a.end]
            long_pair = min(la, x[b.end] - x[b.start]) >= 2 * min_length_m
            gmax = max_pair_gap_m * (2.0 if long_pair else 1.0)
            if gap < -max(2 * dx, 0.5 * max_pair_gap_m) or gap > gmax:
                continue
            if b.end <= a.end or b.start <= a.start:
                continue
            xm = 0.5 * (x[a.end] + x[b.start])
            zl, sl, _ = a.fit_end(x, "end", fit_window_m, xm)
            zr, sr, _ = b.fit_end(x, "start", fit_window_m, xm)
            if not (abs(zr - zl) <= max_throw_m):
                continue
            ra = abs(np.median(a.amp[-10:]))
            rb = abs(np.median(b.amp[:10]))
            amp_mis = abs(math.log((ra + 1e-12) / (rb + 1e-12)))
            score = abs(zr - zl) / max_throw_m + 0.3 * amp_mis + 0.3 * max(gap, 0) / max_pair_gap_m
            cands.append((score, i, k, xm, gap, zl, zr, math.hypot(sl, sr)))

    def assign(scored: list[tuple]) -> list[Pair]:
        used_l, used_r = set(), set()
        out = []
        for _, i, k, xm, gap, zl, zr, s in sorted(scored, key=lambda c: c[0]):
            if i in used_l or k in used_r:
                continue
            used_l.add(i)
            used_r.add(k)
            out.append(Pair(i, k, xm, gap, zl, zr, zr - zl, s))
        return out

    first = assign(cands)
    sig = [p for p in first if abs(p.throw_m) > 3 * max(p.sigma_m, 0.1)]
    rescored = []
    for c in cands:
        _, i, k, xm, gap, zl, zr, s = c
        near = [p for p in sig if abs(p.x_mid - xm) <= max_pair_gap_m and not (p.left == i and p.right == k)]
        w = sum(np.sign(p.throw_m) * min(abs(p.throw_m) / max(p.sigma_m, 0.1), 20.0) for p in near)
        t = zr - zl
        opposite = abs(w) >= 5.0 and abs(t) > 3 * max(s, 0.1) and np.sign(t) != np.sign(w)
        rescored.append((c[0] + (1.0 if opposite else 0.0), *c[1:]))
    return assign(rescored)


def families(n: int, pairs: list[Pair]) -> list[list[int]]:
    """Horizon families: segments chained by pairs (union-find), each sorted by start."""
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for p in pairs:
        parent[find(p.left)] = find(p.right)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())
