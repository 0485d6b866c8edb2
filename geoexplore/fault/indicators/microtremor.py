"""Fault indicators from microtremor stations: steps in f0 and in sediment thickness.

Stations are sorted by chainage (unreliable ones, per the SESAME flag, are
dropped and counted). At every gap between consecutive stations the medians of
``ln(thickness)`` (and of ``ln f0``) of ``n_side`` stations on each side are
compared (medians: one bad station must not make a step); the step is significant when ``|difference| / standard error``
exceeds ``min_z`` and the relative thickness step exceeds
``min_step_fraction``. Local maxima of the significance become indicators
at the gap's middle, with half the station spacing as uncertainty and the
two thicknesses as the depth range.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from geoexplore.fault.indicators import Indicator


def step_significance(values: np.ndarray, sigmas: np.ndarray, n_side: int) -> tuple[np.ndarray, np.ndarray]:
    """Step (right median - left median) and its z-score at every gap between consecutive samples.

    Medians resist outlying stations. The standard error of each side's
    median is the larger of 1.2533 x the median given sigma / sqrt(n) and
    1.2533 x 1.4826 x MAD / sqrt(n) (the scatter).
    """
    n = values.size
    step = np.full(n - 1, np.nan)
    zsc = np.full(n - 1, np.nan)

    def side(v: np.ndarray, s: np.ndarray) -> tuple[float, float]:
        med = float(np.median(v))
        mad = float(np.median(np.abs(v - med))) * 1.4826
        return med, 1.2533 * max(float(np.median(s)), mad) / math.sqrt(v.size)

    for g in range(n - 1):
        lo = values[max(0, g - n_side + 1): g + 1]
        hi = values[g + 1: g + 1 + n_side]
        if lo.size < 2 or hi.size < 2:
            continue
        ml, el = side(lo, sigmas[max(0, g - n_side + 1): g + 1])
        mh, eh = side(hi, sigmas[g + 1: g + 1 + n_side])
        step[g] = mh - ml
        zsc[g] = step[g] / math.hypot(el, eh)
    return step, zsc


def microtremor_indicators(ds: Any, rules: Any) -> list[Indicator]:
    """Thickness / f0 steps along the profile from a microtremor station table."""
    mr = rules.indicators.microtremor
    ch = np.asarray(ds["chainage_m"].values, float)
    h = np.asarray(ds["thickness_m"].values, float)
    he = np.asarray(ds["thickness_err_m"].values, float)
    f0 = np.asarray(ds["f0_hz"].values, float)
    fs = np.asarray(ds["f0_sigma_ln"].values, float)
    ok = np.isfinite(ch) & np.isfinite(h) & (h > 0) & np.isfinite(f0) & (f0 > 0)
    if "reliable" in ds:
        ok &= np.asarray(ds["reliable"].values, bool)
    o = np.argsort(ch[ok])
    ch, h, he, f0, fs = ch[ok][o], h[ok][o], he[ok][o], f0[ok][o], fs[ok][o]
    if ch.size < 2 * mr.n_side:
        return []
    lh = np.log(h)
    lhs = np.maximum(np.nan_to_num(he / h, nan=1.0), 0.02)  # a zero error is not credible: floor at 2 %
    step, zsc = step_significance(lh, lhs, mr.n_side)
    fstep, fz = step_significance(np.log(f0), np.maximum(fs, 1e-3), mr.n_side)
    out: list[Indicator] = []
    a = np.nan_to_num(np.abs(zsc))
    chosen: list[int] = []
    for g0 in np.argsort(-a):
        if a[g0] < mr.min_z or abs(math.expm1(step[g0])) < mr.min_step_fraction:
            break
        lo, hi = max(0, g0 - mr.n_side + 1), min(a.size, g0 + mr.n_side)
        if any(lo <= c < hi for c in chosen):
            continue
        # medians give a plateau of equal steps: the gap with the largest jump between neighbours locates it
        near = [k for k in range(lo, hi) if a[k] >= 0.8 * a[g0]]
        chosen.append(max(near, key=lambda k: abs(lh[k + 1] - lh[k])))
    for g in sorted(chosen):
        xm = 0.5 * (ch[g] + ch[g + 1])
        spacing = ch[g + 1] - ch[g]
        hl = float(np.exp(np.median(lh[max(0, g - mr.n_side + 1): g + 1])))
        hr = float(np.exp(np.median(lh[g + 1: g + 1 + mr.n_side])))
        strength = float(min(1.0, a[g] / (3 * mr.min_z)))
        out.append(Indicator(
            method="microtremor", kind="thickness step", chainage_m=float(xm), chainage_sigma_m=float(spacing / 2),
            depth_top_m=min(hl, hr), depth_bottom_m=max(hl, hr), strength=strength,
            details=f"sediment thickness steps from {hl:.0f} m to {hr:.0f} m ({math.expm1(step[g]) * 100:+.0f} %, z = {zsc[g]:.1f}); "
                    f"f0 step {math.expm1(fstep[g]) * 100:+.0f} % (z = {fz[g]:.1f})",
            line=str(ds.attrs.get("line", "")), synthetic=int(ds.attrs.get("synthetic", 0)),
        ))
    return out
