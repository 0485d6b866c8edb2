"""Fault indicators from a seismic reflection depth section.

Kernels (NumPy only):

1. :func:`pick_events` -- per trace, the local extrema of each polarity whose
   amplitude exceeds ``snr`` times the robust noise level of their depth
   (noise from lateral trace differences, so flat reflectors do not count as
   noise), refined to sub-sample depth by a parabola.
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
   is the throw. A pair counts as an offset above 3 sigma and above the
   vertical resolution (``unbroken_sigma_fraction`` of the depth).
4. :func:`group_fault_points` -- offsets (and unpaired terminations) that line
   up on a plane steeper than ``min_dip_deg`` form one fault; a line
   ``x = x0 + z cot(dip)`` is fitted (dip from the breakpoints of several
   reflectors). With one offset only the rules' default dip is used, dipping
   towards the downthrown side (normal-fault assumption, stated).
5. :func:`measure_throws` -- for every horizon family crossing the plane, the
   throw from fits in windows either side of the plane (excluding the fault
   zone); 'offset' if above ``max(min_throw_m, 3 sigma)``, else 'unbroken'.
6. The upper breakpoint: the shallowest offset horizon (its footwall depth)
   and the nearest unbroken horizon above it bracket the tip; the estimate is
   the bracket's middle with the uniform-distribution sigma (width/sqrt(12)).
   With no unbroken horizon above, the tip is only bounded below (flagged).

:func:`time_to_depth` converts a time section to depth with an interval
velocity field (vertical ray, exact for flat layers).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from geoexplore.core.errors import GeoexploreError
from geoexplore.fault.indicators import Indicator


# -- time -> depth ------------------------------------------------------------------
def time_to_depth(amplitude_t: np.ndarray, time_s: np.ndarray, vint_m_s: np.ndarray, depth_m: np.ndarray) -> np.ndarray:
    """Map a time section to depth with an interval velocity field.

    Parameters
    ----------
    amplitude_t : (nt, nx) amplitudes on two-way time.
    time_s : (nt,) two-way time (s), increasing from 0.
    vint_m_s : (nt,) or (nt, nx) interval velocity at each time sample (m/s).
    depth_m : (nz,) output depths (m).

    Returns
    -------
    (nz, nx) amplitudes on depth; NaN below the deepest converted time.

    Notes
    -----
    z(t) = integral_0^t v(t') dt' / 2 (vertical propagation); each trace is
    then interpolated at the times of the requested depths.
    """
    a = np.asarray(amplitude_t, float)
    t = np.asarray(time_s, float)
    v = np.asarray(vint_m_s, float)
    if v.ndim == 1:
        v = np.broadcast_to(v[:, None], a.shape)
    if a.shape != v.shape or a.shape[0] != t.size:
        raise GeoexploreError(f"time_to_depth: shapes differ: amplitude {a.shape}, velocity {v.shape}, time {t.shape}")
    if np.any(v <= 0):
        raise GeoexploreError("time_to_depth: velocities must be positive")
    dt = np.diff(t)
    zt = np.vstack([np.zeros((1, a.shape[1])), np.cumsum(0.5 * dt[:, None] * 0.5 * (v[1:] + v[:-1]), axis=0)])
    out = np.full((np.size(depth_m), a.shape[1]), np.nan)
    for j in range(a.shape[1]):
        tz = np.interp(depth_m, zt[:, j], t, right=np.nan)
        ok = np.isfinite(tz)
        out[ok, j] = np.interp(tz[ok], t, a[:, j])
    return out


# -- picking --------------------------------------------------------------------------
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


def _joint_step_fit(xl: np.ndarray, zl: np.ndarray, xr: np.ndarray, zr: np.ndarray, xp: float) -> tuple[float, float, float]:
    """Fit z = a_side + b (x - xp) with one slope for both sides: (a_left, a_right, sigma of a_right - a_left)."""
    x = np.r_[xl, xr] - xp
    zz = np.r_[zl, zr]
    A = np.column_stack([np.r_[np.ones(xl.size), np.zeros(xr.size)], np.r_[np.zeros(xl.size), np.ones(xr.size)], x])
    coef, *_ = np.linalg.lstsq(A, zz, rcond=None)
    res = zz - A @ coef
    s2 = float(res @ res) / max(zz.size - 3, 1)
    cov = s2 * np.linalg.pinv(A.T @ A)
    g = np.array([-1.0, 1.0, 0.0])
    # pick jitter is correlated along a horizon: inflate by sqrt(2), floor at a tenth of a metre
    sig = float(math.sqrt(max(g @ cov @ g, 0.0)) * math.sqrt(2.0) + 0.1)
    return float(coef[0]), float(coef[1]), sig


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


@dataclass
class FaultPoint:
    x: float
    z: float
    kind: str  # 'offset' or 'termination'
    throw_m: float = math.nan
    sigma_m: float = math.nan
    x_sigma_m: float = 5.0


def group_fault_points(pts: list[FaultPoint], min_dip_deg: float = 35.0, tol_m: float = 25.0) -> list[list[FaultPoint]]:
    """Single-linkage grouping of points lying on planes steeper than ``min_dip_deg``."""
    n = len(pts)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    cot = 1.0 / math.tan(math.radians(min_dip_deg))
    for i in range(n):
        for k in range(i + 1, n):
            if abs(pts[i].x - pts[k].x) <= abs(pts[i].z - pts[k].z) * cot + tol_m:
                parent[find(i)] = find(k)
    groups: dict[int, list[FaultPoint]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(pts[i])
    return [sorted(g, key=lambda p: p.z) for g in groups.values()]


def fit_plane(pts: list[FaultPoint], default_dip_deg: float) -> dict[str, float | str]:
    """Fit x = x0 + c z through the points; dip = atan(1/|c|), towards increasing chainage if c > 0.

    With one usable depth only, the default dip is used towards the downthrown side.
    """
    xs = np.array([p.x for p in pts])
    zs = np.array([p.z for p in pts])
    w = 1.0 / np.array([max(p.x_sigma_m, 1.0) for p in pts]) ** 2
    if np.ptp(zs) >= 10.0 and len(pts) >= 2:
        A = np.column_stack([np.ones_like(zs), zs])
        W = np.sqrt(w)
        coef, *_ = np.linalg.lstsq(A * W[:, None], xs * W, rcond=None)
        res = xs - A @ coef
        s2 = max(float(np.sum(w * res**2) / max(len(pts) - 2, 1)), 1.0)
        cov = s2 * np.linalg.inv((A * w[:, None]).T @ A)
        c = float(coef[1])
        dip = math.degrees(math.atan2(1.0, abs(c))) if c != 0 else 90.0
        dsig = math.degrees(math.sqrt(cov[1, 1]) / (1 + c * c))
        return {"x0": float(coef[0]), "c": c, "dip_deg": dip, "dip_sigma_deg": dsig,
                "dips_toward": "increasing" if c > 0 else "decreasing", "method": f"fit to {len(pts)} breakpoints",
                "cov00": float(cov[0, 0]), "cov01": float(cov[0, 1]), "cov11": float(cov[1, 1])}
    throws = [p.throw_m for p in pts if np.isfinite(p.throw_m)]
    down_right = (np.median(throws) > 0) if throws else True  # right side deeper -> dips towards increasing chainage
    c = (1 if down_right else -1) / math.tan(math.radians(default_dip_deg))
    x0 = float(np.average(xs - c * zs, weights=w))
    return {"x0": x0, "c": c, "dip_deg": default_dip_deg, "dip_sigma_deg": 15.0,
            "dips_toward": "increasing" if c > 0 else "decreasing",
            "method": f"default dip {default_dip_deg:g} deg towards the downthrown side (one offset depth only)",
            "cov00": float(np.mean([p.x_sigma_m for p in pts]) ** 2), "cov01": 0.0, "cov11": (0.3 * abs(c)) ** 2}


def is_offset(throw_m: float, sigma_m: float, depth_m: float, min_throw_m: float, resolution_fraction: float) -> bool:
    """A throw counts as an offset above 3 sigma, ``min_throw_m`` and the vertical resolution at its depth."""
    return abs(throw_m) > max(min_throw_m, 3 * sigma_m, resolution_fraction * depth_m)


def measure_throws(hz: list[Horizon], fams: list[list[int]], x: np.ndarray, plane: dict[str, Any], *,
                   exclude_m: float, window_m: float, min_throw_m: float, unbroken_sigma_fraction: float = 0.05) -> list[dict[str, Any]]:
    """Throw of every horizon family that has picks on both sides of the plane (see module docstring)."""
    rows = []
    for fam in fams:
        segs = [(hz[i].x, np.asarray(hz[i].z)) for i in fam]
        zmed = float(np.median(np.concatenate([sz for _, sz in segs])))
        xp = plane["x0"] + plane["c"] * zmed

        def window(lo: float, hi: float) -> tuple[np.ndarray, np.ndarray]:
            # the segment with most picks in the window (a neighbour's overshoot past the plane is ignored)
            best = max(segs, key=lambda s: int(np.sum((s[0] >= lo) & (s[0] <= hi))))
            sel = (best[0] >= lo) & (best[0] <= hi)
            return best[0][sel], best[1][sel]  # type: ignore[index]

        for _ in range(2):  # iterate: the plane position depends on the horizon depth
            xl, zl_ = window(xp - exclude_m - window_m, xp - exclude_m)
            xr, zr_ = window(xp + exclude_m, xp + exclude_m + window_m)
            if xl.size < 3 or xr.size < 3:
                break
            zl, zr, s = _joint_step_fit(xl, zl_, xr, zr_, xp)
            xp = plane["x0"] + plane["c"] * min(zl, zr)
        else:
            t = zr - zl
            if is_offset(t, s, max(zl, zr), min_throw_m, unbroken_sigma_fraction):
                status = "offset"
            elif s <= max(min_throw_m, unbroken_sigma_fraction * max(zl, zr)):
                status = "unbroken"  # no offset above the vertical resolution at that depth
            else:
                status = "unresolved"
            rows.append({"depth_left_m": zl, "depth_right_m": zr, "depth_m": min(zl, zr), "throw_m": t, "sigma_m": s,
                         "status": status, "chainage_m": xp, "polarity": hz[fam[0]].polarity,
                         "footwall_side": "left" if zl < zr else "right"})
    rows.sort(key=lambda r: r["depth_m"])
    # one row per depth (two polarity lobes of one reflector give two families): keep the better-measured
    out: list[dict[str, Any]] = []
    for r in rows:
        if out and abs(r["depth_m"] - out[-1]["depth_m"]) < 2.0:
            if r["sigma_m"] < out[-1]["sigma_m"]:
                out[-1] = r
            continue
        out.append(r)
    return out


def upper_breakpoint(throws: list[dict[str, Any]], terminations: list[FaultPoint]) -> dict[str, Any] | None:
    """Bracket and estimate of the upper breakpoint from per-horizon throws (see module docstring).

    Going up from the deepest offset horizon, offsets continue until the first
    unbroken horizon: that one and the shallowest offset below it bracket the
    tip. A plane cannot offset a horizon above an unbroken one, so offsets
    higher up are marked 'isolated' (reported, not used).
    """
    rows = sorted(throws, key=lambda r: r["depth_m"], reverse=True)
    z_off = None
    unb = None
    for r in rows:
        if r["status"] == "offset":
            if unb is None:
                z_off = r["depth_m"]
            else:
                r["status"] = "isolated"
        elif r["status"] == "unbroken" and z_off is not None and unb is None:
            unb = r
    if z_off is None:
        z_off = min(p.z for p in terminations) if terminations else None
    if z_off is None:
        return None
    off = [r for r in throws if r["status"] == "offset"]
    if unb is not None:
        lo = unb["depth_m"]
        est = 0.5 * (lo + z_off)
        sig = (z_off - lo) / math.sqrt(12.0)
        return {"depth_m": est, "sigma_m": sig, "depth_min_m": lo, "depth_max_m": z_off, "bounded_above": True,
                "offset_horizon_depth_m": z_off, "unbroken_horizon_depth_m": lo,
                "offset_throw_m": min(off, key=lambda r: r["depth_m"])["throw_m"] if off else None}
    return {"depth_m": z_off, "sigma_m": None, "depth_min_m": 0.0, "depth_max_m": z_off, "bounded_above": False,
            "offset_horizon_depth_m": z_off, "unbroken_horizon_depth_m": None,
            "offset_throw_m": min(off, key=lambda r: r["depth_m"])["throw_m"] if off else None}


def _throw_text(offs: list[dict[str, Any]]) -> str:
    return ", ".join("%+.1f m at %.0f m" % (r["throw_m"], r["depth_m"]) for r in offs[:6])


def reflection_indicators(ds: Any, rules: Any, *, snr: float = 4.0) -> list[Indicator]:
    """Fault indicators from a reflection depth section (contract: :mod:`geoexplore.core.images`).

    Parameters
    ----------
    ds : xr.Dataset
        ``amplitude`` (depth_m, chainage_m).
    rules : Rules
        ``indicators.reflection`` thresholds.
    snr : float
        Pick threshold in units of the local noise level.

    Returns
    -------
    list of Indicator
        One per fault: chainage at the upper breakpoint, its depth and bracket,
        dip, the plane points, and the throw of every horizon crossing it.
    """
    rr = rules.indicators.reflection
    a = np.asarray(ds["amplitude"].transpose("depth_m", "chainage_m").values, float)
    z = np.asarray(ds["depth_m"].values, float)
    x = np.asarray(ds["chainage_m"].values, float)
    if z.size < 5 or x.size < 5:
        raise GeoexploreError(f"reflection image too small ({z.size} x {x.size}) for horizon tracking")
    if "mask" in ds:
        a = np.where(np.asarray(ds["mask"].transpose("depth_m", "chainage_m").values, bool), a, 0.0)
    dz = float(np.median(np.diff(z)))
    dx = float(np.median(np.diff(x)))
    sig = noise_level(a, dz)
    picks = drop_side_lobes(pick_events(a, z, sig, snr * rr.pick_threshold / 0.25))
    link = max(rr.link_tolerance_m, 0.6 * dz) * max(1.0, dx / 5.0)
    hz = track_horizons(picks, x, link, rr.max_gap_traces, rr.min_horizon_length_m)
    pairs = pair_segments(hz, x, rr.max_pair_gap_m, rr.max_throw_m, min_length_m=rr.min_horizon_length_m)
    fams = families(len(hz), pairs)
    pts: list[FaultPoint] = []
    paired_l = {p.left for p in pairs}
    paired_r = {p.right for p in pairs}
    for p in pairs:
        if is_offset(p.throw_m, p.sigma_m, max(p.z_left, p.z_right), rr.min_throw_m, rr.unbroken_sigma_fraction):
            pts.append(FaultPoint(p.x_mid, min(p.z_left, p.z_right), "offset", p.throw_m, p.sigma_m, max(p.gap_m / 2, dx)))
    edge = 3 * dx
    for i, h in enumerate(hz):  # unpaired terminations away from the line ends
        if i not in paired_l and x[h.end] < x[-1] - edge:
            pts.append(FaultPoint(float(x[h.end] + dx / 2), float(h.z[-1]), "termination", x_sigma_m=2 * dx))
        if i not in paired_r and x[h.start] > x[0] + edge:
            pts.append(FaultPoint(float(x[h.start] - dx / 2), float(h.z[0]), "termination", x_sigma_m=2 * dx))
    offsets = [p for p in pts if p.kind == "offset"]
    terms_all = [p for p in pts if p.kind == "termination"]
    groups = group_fault_points(offsets)
    out: list[Indicator] = []
    for g in groups:
        # one sense of slip per fault: offsets of the other sense do not define the plane
        wsum = sum(np.sign(p.throw_m) * abs(p.throw_m) / max(p.sigma_m, 0.1) for p in g)
        g = [p for p in g if np.sign(p.throw_m) == np.sign(wsum)]
        if not g:
            continue
        # one plane per group of offsets; unpaired terminations only help when all offsets lie at one depth
        if np.ptp([p.z for p in g]) < 10.0:
            x0 = float(np.mean([p.x for p in g]))
            z0 = float(np.mean([p.z for p in g]))
            cot = 1.0 / math.tan(math.radians(35.0))
            extra = [t for t in terms_all if abs(t.x - x0) <= abs(t.z - z0) * cot + 25.0 and abs(t.z - z0) >= 10.0]
            g = sorted(g + extra, key=lambda p: p.z)
        plane = fit_plane(g, rr.default_dip_deg)
        gaps = [p.x_sigma_m for p in g if p.kind == "offset"]
        excl = max(2 * dx, float(np.median(gaps)) if gaps else 10.0)
        throws = measure_throws(hz, fams, x, plane, exclude_m=excl + dx, window_m=max(100.0, 15 * dx), min_throw_m=rr.min_throw_m,
                                unbroken_sigma_fraction=rr.unbroken_sigma_fraction)
        offs = [r for r in throws if r["status"] == "offset"]
        if not offs:
            continue
        # sense of slip: a fault keeps one sense on every horizon; offsets of the opposite sense (diffraction
        # and migration artefacts, mis-paired reflectors) are kept in the table but marked, not used
        # the sense comes from the paired breakpoints that built the plane (independent of the plane)
        w = wsum
        for r in offs:
            if np.sign(r["throw_m"]) != np.sign(w):
                r["status"] = "opposite sense"
        offs = [r for r in throws if r["status"] == "offset"]
        if not offs:
            continue
        # refit the plane with the measured offsets (they are at the plane by construction of the windows)
        terms = [p for p in g if p.kind == "termination"]
        ub = upper_breakpoint(throws, terms)
        if ub is None:
            continue
        offs = [r for r in throws if r["status"] == "offset"]
        zt = float(ub["depth_m"])
        xt = plane["x0"] + plane["c"] * zt
        var = plane["cov00"] + 2 * zt * plane["cov01"] + zt * zt * plane["cov11"]
        xs_ub = (ub["sigma_m"] or 0.0) * abs(plane["c"])
        xsig = math.sqrt(max(var, 0.0) + xs_ub**2 + (dx / 2) ** 2)
        z_list = [r["throw_m"] / r["sigma_m"] for r in offs if r["sigma_m"] > 0]
        strength = 1.0 - float(np.prod([1.0 - min(0.9, abs(q) / 10.0) for q in z_list])) if z_list else 0.3
        zbot = max(p.z for p in g)
        details = (
            f"{len(offs)} offset reflector(s) (throws {_throw_text(offs)}); "
            f"upper breakpoint {zt:.0f} m"
            + (f" between the unbroken horizon at {ub['depth_min_m']:.0f} m and the offset one at {ub['depth_max_m']:.0f} m"
               if ub["bounded_above"] else " (no unbroken horizon resolved above)")
            + f"; dip {plane['dip_deg']:.0f} deg ({plane['method']})"
        )
        out.append(Indicator(
            method="reflection", kind="reflector offsets", chainage_m=float(xt), chainage_sigma_m=float(xsig),
            depth_top_m=zt, depth_bottom_m=float(zbot), strength=float(strength), dip_deg=float(plane["dip_deg"]),
            dips_toward=str(plane["dips_toward"]), dip_sigma_deg=float(plane["dip_sigma_deg"]), upper_breakpoint=ub,
            throws=throws, plane_points=[[p.x, p.z] for p in g], details=details,
            line=str(ds.attrs.get("line", "")), synthetic=int(ds.attrs.get("synthetic", 0)),
        ))
    out.sort(key=lambda i: i.chainage_m)
    return out


def horizons_for_plot(ds: Any, rules: Any, snr: float = 4.0) -> list[tuple[np.ndarray, np.ndarray]]:
    """The tracked horizons (chainage, depth) for figures."""
    rr = rules.indicators.reflection
    a = np.asarray(ds["amplitude"].transpose("depth_m", "chainage_m").values, float)
    z = np.asarray(ds["depth_m"].values, float)
    x = np.asarray(ds["chainage_m"].values, float)
    dz = float(np.median(np.diff(z)))
    dx = float(np.median(np.diff(x)))
    picks = drop_side_lobes(pick_events(a, z, noise_level(a, dz), snr * rr.pick_threshold / 0.25))
    hz = track_horizons(picks, x, max(rr.link_tolerance_m, 0.6 * dz) * max(1.0, dx / 5.0), rr.max_gap_traces, rr.min_horizon_length_m)
    return [(h.x, np.asarray(h.z)) for h in hz]  # type: ignore[misc]
