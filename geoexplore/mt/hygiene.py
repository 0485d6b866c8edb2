"""Data hygiene for the 1D inversion of real MT data: which points are excluded, and why.

The data of one station are ``ln rho_a`` and the first-quadrant phase of the
inverted impedance (determinant, Zxy or -Zyx), see
:class:`geoexplore.mt.invert1d.Data1D`. Two stated rules flag points:

1. **Out of quadrant.** A layered earth gives a phase strictly between 0 and
   90 deg. A period whose phase lies outside ``[0, 90]`` deg is not
   interpretable in 1D: its apparent resistivity and phase are both excluded
   (reason ``out of quadrant``).
2. **Gross outlier.** For ``ln rho_a`` and phase separately, the residual
   ``r_i`` of each in-quadrant point from the local robust trend in
   ``log T`` (the repeated-median line through the ``window`` = 5 nearest
   periods, itself included: :func:`local_trend`) is compared with the
   robust scale of the station, ``s = 1.4826 median |r|`` (the MAD of the
   residuals). A point is an outlier when
   ``|r_i| > k max(s, sd_i)`` with ``k = outlier_mad`` (default 5) and
   ``sd_i`` its own standard deviation, so a point within ``k`` of its own
   error bars is never flagged (reason ``outlier``). Points are flagged one
   at a time, worst first, the trend and scale recomputed without the points
   already flagged (at most a quarter of the periods). ``k = 0`` switches
   the rule off.

Overrides: ``exclude_periods_s`` excludes periods by hand, ``keep_periods_s``
keeps periods whatever the rules say (periods matched to 1 %). Every flag is
reported (:func:`flag_data` returns the list).
"""

from __future__ import annotations

from typing import Any

import numpy as np


def local_trend(x: np.ndarray, y: np.ndarray, window: int) -> np.ndarray:
    """Value at each ``x_i`` of the repeated-median line (Siegel 1982) through the ``window`` nearest
    points (the point itself included; the window slides inward at the ends); NaN ignored.

    The repeated median has a 50 % breakdown point: up to two gross outliers
    in a window of five do not move the line, and unlike a running median it
    follows a sloping curve without bias.
    """
    out = np.full(x.size, np.nan)
    w = min(int(window), x.size)
    for i in range(x.size):
        a = min(max(i - w // 2, 0), x.size - w)
        xs, ys = x[a: a + w], y[a: a + w]
        ok = np.isfinite(ys)
        xs, ys = xs[ok], ys[ok]
        if xs.size < 2:
            continue
        dx = xs[None, :] - xs[:, None]
        dy = ys[None, :] - ys[:, None]
        with np.errstate(invalid="ignore", divide="ignore"):
            sl = np.where(dx != 0, dy / dx, np.nan)
        slope = np.nanmedian(np.nanmedian(sl, axis=1))
        out[i] = np.median(ys - slope * xs) + slope * x[i]
    return out


def _match(period_s: np.ndarray, periods: Any) -> np.ndarray:
    sel = np.zeros(period_s.size, bool)
    for p in np.atleast_1d(np.asarray(periods if periods is not None else [], float)):
        sel |= np.abs(period_s / p - 1.0) <= 0.01
    return sel


def flag_data(
    period_s: np.ndarray,
    ln_rho: np.ndarray,
    phase_rad: np.ndarray,
    sd: np.ndarray,
    *,
    drop_out_of_quadrant: bool = True,
    outlier_mad: float = 5.0,
    window: int = 5,
    exclude_periods_s: Any = None,
    keep_periods_s: Any = None,
) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """Flag out-of-quadrant phases and gross outliers (module docstring).

    Parameters
    ----------
    period_s, ln_rho, phase_rad : (n,) arrays
        Periods (s), ``ln rho_a`` (rho_a in ohm-m) and first-quadrant phase (rad).
    sd : (2n,) array
        Standard deviations of ``[ln_rho, phase_rad]``.

    Returns
    -------
    use : (2n,) bool array
        True for the data kept (order ``[ln rho_a..., phase...]``).
    flags : list of dict
        One entry per excluded point: ``period_s``, ``quantity`` (``rho`` or
        ``phase``), ``value`` (ohm-m or deg), ``reason``, ``n_sigma`` (residual in
        its own standard deviations, for outliers).
    """
    n = period_s.size
    ph_deg = np.degrees(phase_rad)
    use = np.ones(2 * n, bool)
    reason = np.full(2 * n, "", dtype=object)
    nsig = np.full(2 * n, np.nan)
    if drop_out_of_quadrant:
        oq = (ph_deg < 0) | (ph_deg > 90) | ~np.isfinite(ph_deg)
        for k in np.flatnonzero(oq):
            use[[k, n + k]] = False
            reason[[k, n + k]] = "out of quadrant"
    if outlier_mad and outlier_mad > 0:
        inq = use[:n].copy()
        for off, x in ((0, ln_rho), (n, phase_rad)):
            xx = np.where(inq, x, np.nan)
            for _ in range(max(n // 4, 1)):  # worst first, the trend recomputed without it
                r = xx - local_trend(np.log(period_s), xx, window)
                s = 1.4826 * np.nanmedian(np.abs(r))
                ex = np.abs(r) / (outlier_mad * np.maximum(s, sd[off: off + n]))
                if not np.nanmax(ex, initial=0.0) > 1:
                    break
                k = int(np.nanargmax(ex))
                use[off + k] = False
                reason[off + k] = "outlier"
                nsig[off + k] = abs(r[k]) / sd[off + k]
                xx[k] = np.nan
    man = _match(period_s, exclude_periods_s)
    for k in np.flatnonzero(man & use[:n]):
        reason[[k, n + k]] = "excluded by the user"
    use[:n] &= ~man
    use[n:] &= ~man
    keep = _match(period_s, keep_periods_s)
    use[:n] |= keep
    use[n:] |= keep
    flags = []
    for i in np.flatnonzero(~use):
        k = i % n
        flags.append({
            "period_s": float(period_s[k]),
            "quantity": "rho" if i < n else "phase",
            "value": float(np.exp(ln_rho[k]) if i < n else ph_deg[k]),
            "reason": str(reason[i]),
            "n_sigma": float(nsig[i]) if reason[i] == "outlier" else float("nan"),
        })
    return use, flags


def describe_flags(flags: list[dict[str, Any]], limit: int = 6) -> str:
    """One line listing the excluded points, out-of-quadrant periods once each (with their phase)."""
    if not flags:
        return "no data excluded"
    parts = []
    oq = [f for f in flags if f["reason"] == "out of quadrant" and f["quantity"] == "phase"]
    if oq:
        ph = ", ".join(f"{f['value']:.0f} deg at {f['period_s']:.4g} s" for f in oq[:limit])
        more = f" and {len(oq) - limit} more" if len(oq) > limit else ""
        parts.append(f"{len(oq)} period(s) with the phase out of quadrant ({ph}{more}; rho and phase excluded)")
    other = [f for f in flags if f["reason"] != "out of quadrant"]
    for f in other[:limit]:
        v = f"{f['value']:.1f} deg" if f["quantity"] == "phase" else f"{f['value']:.3g} ohm-m"
        extra = f", {f['n_sigma']:.0f} sigma" if np.isfinite(f["n_sigma"]) else ""
        parts.append(f"{f['quantity']} at {f['period_s']:.4g} s ({v}, {f['reason']}{extra})")
    if len(other) > limit:
        parts.append(f"{len(other) - limit} more")
    return f"{len(flags)} data excluded: " + "; ".join(parts)


def dominant_points(period_s: np.ndarray, residual_sigma: np.ndarray, use: np.ndarray, share: float = 0.5,
                    max_points: int = 5) -> list[dict[str, Any]]:
    """The fewest used points carrying ``share`` of the squared misfit (at most ``max_points``).

    ``residual_sigma`` is the (2n,) error-weighted residual ``(d - f) / sd``.
    Returns entries with ``period_s``, ``quantity``, ``n_sigma`` and ``share``
    of the total squared misfit; empty when more than ``max_points`` are needed
    (the misfit is spread, not dominated).
    """
    n = period_s.size
    r2 = np.where(use, residual_sigma**2, 0.0)
    tot = r2.sum()
    if tot <= 0:
        return []
    order = np.argsort(r2)[::-1]
    cum = np.cumsum(r2[order]) / tot
    k = int(np.searchsorted(cum, share)) + 1
    if k > max_points:
        return []
    return [{"period_s": float(period_s[i % n]), "quantity": "rho" if i < n else "phase",
             "n_sigma": float(residual_sigma[i]), "share": float(r2[i] / tot)} for i in order[:k]]
