"""Lateral edges and low bands of a log-property section (kernel shared by resistivity and velocity).

On ``p = log10(property)`` (depth x chainage), inside the mask only:

* **low bands** (conductive or slow zones): the anomaly ``p - background``,
  background = running lateral median over ``background_window_m``, below
  ``-band_min_contrast_log``; connected regions spanning at least
  ``min_depth_extent_m`` in depth are kept; the chainage is the anomaly
  minimum at the top rows, the dip comes from a line fit of the row minima.
* **edges**: peaks of ``|dp/dx|`` (log10 units per km) above
  ``min_log_gradient_per_km`` in each row, linked from row to row into
  near-vertical features spanning at least ``min_depth_extent_m``; edges
  that are the flanks of a low band are left to the band, and gradients
  within the smoothing length of a lateral end of the mask (in each
  row) are ignored as edge effects.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from geoexplore.fault.indicators import Indicator


def _smooth_x(p: np.ndarray, valid: np.ndarray, sigma_cells: float) -> np.ndarray:
    from scipy.ndimage import gaussian_filter1d

    if sigma_cells <= 0:
        return p
    w = valid.astype(float)
    num = gaussian_filter1d(np.where(valid, p, 0.0), sigma_cells, axis=1, mode="nearest")
    den = gaussian_filter1d(w, sigma_cells, axis=1, mode="nearest")
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(valid & (den > 1e-6), num / den, np.nan)


def _lateral_distance(valid: np.ndarray) -> np.ndarray:
    """Per cell, the number of cells to the nearest invalid cell (or the section end) in its row."""
    from scipy.ndimage import distance_transform_edt

    padded = np.pad(np.asarray(valid, bool), ((0, 0), (1, 1)), constant_values=False)
    d = np.vstack([distance_transform_edt(row) for row in padded])
    return d[:, 1:-1]


def _running_median_x(p: np.ndarray, n: int) -> np.ndarray:
    from scipy.ndimage import median_filter

    fin = np.isfinite(p)
    rowmed = np.array([np.median(r[f]) if f.any() else 0.0 for r, f in zip(p, fin)])[:, None]
    filled = np.where(fin, p, rowmed)
    return median_filter(filled, size=(1, max(3, n | 1)), mode="nearest")


Band = tuple[float, float, float]  # (chainage at the top, median width, top depth) of a low band (m)
EdgeChain = list[tuple[int, float, float, float]]  # (row, chainage, |gradient|, gradient sign) per row


def property_indicators(
    logp: np.ndarray,
    depth_m: np.ndarray,
    chainage_m: np.ndarray,
    mask: np.ndarray,
    rules: Any,
    *,
    method: str,
    low_kind: str,
    prop_label: str,
) -> list[Indicator]:
    """Indicators from a log10 property section (see module docstring).

    Stages: the section smoothed laterally inside the mask, then
    :func:`low_bands` and :func:`edge_indicators` (on the chains of gradient
    peaks of :func:`gradient_peaks` linked by :func:`link_edges`).

    Parameters
    ----------
    logp : (nz, nx) log10 of resistivity (ohm-m) or velocity (m/s).
    depth_m, chainage_m : (nz,), (nx,) increasing coordinates (m).
    mask : (nz, nx) bool, True where the image is constrained.
    rules : Rules (``indicators.property``, or ``indicators.property_by_method[method]``).
    method, low_kind, prop_label : labels of the produced indicators.
    """
    pr = rules.indicators.property_for(method)
    z = np.asarray(depth_m, float)
    x = np.asarray(chainage_m, float)
    dx = float(np.median(np.diff(x)))
    dz = float(np.median(np.diff(z))) if z.size > 1 else 1.0
    valid = np.asarray(mask, bool) & np.isfinite(logp)
    if valid.sum() < 10:
        return []
    p = _smooth_x(np.where(valid, logp, np.nan), valid, pr.smooth_m / dx / 2.355)
    min_rows = max(2, int(math.ceil(pr.min_depth_extent_m / dz)))
    out, bands = low_bands(p, valid, x, z, pr, min_rows, method=method, low_kind=low_kind, prop_label=prop_label)
    chains = link_edges(gradient_peaks(p, valid, x, z, pr), max(2 * dx, 2 * dz))
    out += edge_indicators(chains, x, z, pr, min_rows, bands, method=method, prop_label=prop_label)
    out.sort(key=lambda i: i.chainage_m)
    return out


def low_bands(p: np.ndarray, valid: np.ndarray, x: np.ndarray, z: np.ndarray, pr: Any, min_rows: int, *, method: str,
              low_kind: str, prop_label: str) -> tuple[list[Indicator], list[Band]]:
    """Low bands: connected regions below the running-median background, with lateral closure.

    Returns
    -------
    indicators : list of Indicator
    bands : list of (chainage at the top, median width, top depth) in m, for flank suppression of edges.
    """
    from scipy.ndimage import label

    dx = float(np.median(np.diff(x)))
    bg = _running_median_x(p, int(round(pr.background_window_m / dx)))
    anom = p - bg
    low = valid & np.isfinite(anom) & (anom < -pr.band_min_contrast_log)
    lab, n = label(low)
    out: list[Indicator] = []
    bands: list[Band] = []
    for k in range(1, n + 1):
        rr, cc = np.nonzero(lab == k)
        rows = np.unique(rr)
        if rows.size < min_rows:
            continue
        if x[cc].min() <= x[0] + dx or x[cc].max() >= x[-1] - dx:  # touches the line end: no lateral closure
            continue
        ind, band = _band_indicator(anom, rr, cc, rows, x, z, pr, min_rows, method=method, low_kind=low_kind, prop_label=prop_label)
        out.append(ind)
        bands.append(band)
    return out, bands


def _band_indicator(anom: np.ndarray, rr: np.ndarray, cc: np.ndarray, rows: np.ndarray, x: np.ndarray, z: np.ndarray, pr: Any,
                    min_rows: int, *, method: str, low_kind: str, prop_label: str) -> tuple[Indicator, Band]:
    """One low band: row minima (sub-cell), top chainage, dip from a line fit of the minima."""
    dx = float(np.median(np.diff(x)))
    dz = float(np.median(np.diff(z))) if z.size > 1 else 1.0
    xmin_row, zrow, wrow, crow = [], [], [], []
    for r in rows:
        cols = cc[rr == r]
        a = anom[r, cols]
        j = cols[np.argmin(a)]
        # sub-cell minimum by a parabola
        if 0 < j < x.size - 1 and np.all(np.isfinite(anom[r, j - 1:j + 2])):
            y0, y1, y2 = anom[r, j - 1:j + 2]
            den = y0 - 2 * y1 + y2
            off = 0.5 * (y0 - y2) / den if den > 0 else 0.0
            xmin_row.append(x[j] + np.clip(off, -0.5, 0.5) * dx)
        else:
            xmin_row.append(x[j])
        zrow.append(z[r])
        wrow.append((cols.max() - cols.min() + 1) * dx)
        crow.append(-a.min())
    xr_, zr_, wr_ = np.array(xmin_row), np.array(zrow), np.array(wrow)
    top = zr_ <= zr_.min() + 2 * dz
    x_top = float(np.mean(xr_[top]))
    dip = dips = None
    dsig = None
    if np.ptp(zr_) >= 2 * pr.min_depth_extent_m and zr_.size >= 4:
        c, c0 = np.polyfit(zr_, xr_, 1)
        if abs(c) > 1e-3:
            dip = math.degrees(math.atan2(1.0, abs(c)))
            dips = "increasing" if c > 0 else "decreasing"
            dsig = 10.0
        x_top = float(c0 + c * zr_.min())
    contrast = float(np.max(crow))
    strength = float(min(1.0, contrast / (4 * pr.band_min_contrast_log)) * min(1.0, rows.size / (3 * min_rows)))
    sig = float(max(np.median(wr_) / 4, dx))
    ind = Indicator(
        method=method, kind=low_kind, chainage_m=x_top, chainage_sigma_m=sig,
        depth_top_m=float(zr_.min()), depth_bottom_m=float(zr_.max()), strength=strength,
        dip_deg=dip, dips_toward=dips, dip_sigma_deg=dsig,
        details=f"{low_kind}: {prop_label} {10 ** (-contrast):.2f} x background, {np.median(wr_):.0f} m wide, "
                f"{zr_.min():.0f}-{zr_.max():.0f} m deep" + (f", dips {dip:.0f} deg" if dip else ""),
    )
    return ind, (x_top, float(np.median(wr_)), float(zr_.min()))


def gradient_peaks(p: np.ndarray, valid: np.ndarray, x: np.ndarray, z: np.ndarray, pr: Any) -> list[list[tuple[float, float, float]]]:
    """Per row, the peaks of |dp/dx| (log10 per km) above ``min_log_gradient_per_km``: (chainage, |gradient|, sign)."""
    dx = float(np.median(np.diff(x)))
    g = np.gradient(p, x, axis=1) * 1000.0  # log10 units per km
    # gradients closer to a lateral end of the constrained region than the smoothing length (FWHM) are edge effects of
    # the inversion (and of the one-sided smoothing), not structure: a trapezoidal ERT mask ends at a different
    # chainage in every row
    margin = max(2.0 * dx, pr.smooth_m)
    g[_lateral_distance(valid) * dx < margin] = np.nan
    ag = np.where(np.isfinite(g), np.abs(g), 0.0)
    peaks_rows = []
    for r in range(z.size):
        row = ag[r]
        i = np.flatnonzero((row[1:-1] > row[:-2]) & (row[1:-1] >= row[2:]) & (row[1:-1] > pr.min_log_gradient_per_km)) + 1
        peaks_rows.append([(x[j], row[j], float(np.sign(g[r, j]))) for j in i])
    return peaks_rows


def link_edges(peaks_rows: list[list[tuple[float, float, float]]], tol: float) -> list[EdgeChain]:
    """Link gradient peaks of one sign from row to row (nearest within ``tol`` m) into chains."""
    chains: list[EdgeChain] = []
    active: list[EdgeChain] = []
    for r, pk in enumerate(peaks_rows):
        nxt = []
        used = set()
        for ch in active:
            last = ch[-1]
            best = None
            for q, (xx, gg, sg) in enumerate(pk):
                if q in used or sg != last[3] or abs(xx - last[1]) > tol:
                    continue
                if best is None or abs(xx - last[1]) < abs(pk[best][0] - last[1]):
                    best = q
            if best is None:
                chains.append(ch)
            else:
                used.add(best)
                ch.append((r, *pk[best]))
                nxt.append(ch)
        for q, (xx, gg, sg) in enumerate(pk):
            if q not in used:
                nxt.append([(r, xx, gg, sg)])
        active = nxt
    chains.extend(active)
    return chains


def edge_indicators(chains: list[EdgeChain], x: np.ndarray, z: np.ndarray, pr: Any, min_rows: int, bands: list[Band], *,
                    method: str, prop_label: str) -> list[Indicator]:
    """Lateral-gradient indicators from edge chains long enough, away from the line ends and not flanks of a band."""
    dx = float(np.median(np.diff(x)))
    out: list[Indicator] = []
    for ch in chains:
        if len(ch) < min_rows:
            continue
        rows = np.array([c[0] for c in ch])
        xs = np.array([c[1] for c in ch])
        gs = np.array([c[2] for c in ch])
        if xs.min() <= x[0] + 2 * dx or xs.max() >= x[-1] - 2 * dx:
            continue
        ztop = float(z[rows.min()])
        xtop = float(np.mean(xs[: max(1, min(3, xs.size))]))
        if any(abs(xtop - bx) <= 0.75 * bw + 2 * dx and abs(ztop - bz) < 3 * pr.min_depth_extent_m for bx, bw, bz in bands):
            continue  # a flank of a low band
        dip = dips = None
        if np.ptp(z[rows]) >= 2 * pr.min_depth_extent_m:
            c, _ = np.polyfit(z[rows], xs, 1)
            if abs(c) > 1e-3:
                dip = math.degrees(math.atan2(1.0, abs(c)))
                dips = "increasing" if c > 0 else "decreasing"
        gmax = float(gs.max())
        strength = float(min(1.0, gmax / (4 * pr.min_log_gradient_per_km)) * min(1.0, len(ch) / (3 * min_rows)))
        direction = "increases" if ch[0][3] > 0 else "decreases"
        out.append(Indicator(
            method=method, kind="lateral gradient", chainage_m=xtop, chainage_sigma_m=float(max(pr.smooth_m / 2, dx)),
            depth_top_m=ztop, depth_bottom_m=float(z[rows.max()]), strength=strength, dip_deg=dip, dips_toward=dips,
            dip_sigma_deg=15.0 if dip else None,
            details=f"lateral gradient: {prop_label} {direction} with chainage, up to {gmax:.1f} log10/km, "
                    f"{ztop:.0f}-{z[rows.max()]:.0f} m deep",
        ))
    return out
