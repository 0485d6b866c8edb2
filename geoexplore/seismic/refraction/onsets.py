"""Onset kernels of the field-record picker: noise-referenced trigger, two onset estimators, pick uncertainty.

NumPy kernels of :mod:`geoexplore.seismic.refraction.picking` (method
``"onset"``), written for real records whose pre-arrival "noise" is a slow
drift of the same size as a weak far arrival,:

* :func:`causal_highpass` removes the drift without moving the onset
  earlier (a zero-phase filter rings ahead of a sharp onset and triggers
  several milliseconds early; a causal filter's output starts with the
  onset).
* :func:`trigger_onset` is the coarse detector: the energy of the next
  ``n_sta`` samples over the mean energy of *everything before* (Coppens'
  1985 idea of measuring the onset against all the record that precedes
  it, here as a power ratio), with a floor from the gather's noise so the
  first samples of a trace cannot trigger on nothing.
* :func:`refine_onset` refines on the unfiltered waveform with two
  estimators and keeps their mean: the Akaike information criterion
  (Maeda 1985) on a window that ends at the first peak of the arrival, and
  the first sample after which the trace leaves its pre-arrival linear trend
  by more than a few noise RMS (what a person sees as the "break"). Their
  disagreement, the width of the AIC minimum and the time the arrival needs
  to rise through the noise give the pick's uncertainty.

Sample indices and lengths are in samples, times in seconds.
"""

from __future__ import annotations

import numpy as np

from geoexplore.seismic.refraction.detectors import aic_picker


def causal_highpass(data: np.ndarray, corner_hz: float, dt_s: float, order: int = 4) -> np.ndarray:
    """Causal (forward only) Butterworth high-pass along the last axis.

    Parameters
    ----------
    data : ndarray (..., n_samples)
    corner_hz : float
        Corner frequency (Hz); at or above Nyquist the data come back unchanged.
    dt_s : float
        Sample interval (s).
    order : int
        Filter order.
    """
    from scipy.signal import butter, sosfilt

    if not (0 < corner_hz < 0.5 / dt_s):
        return np.asarray(data, float).copy()
    sos = butter(order, corner_hz, "highpass", fs=1.0 / dt_s, output="sos")
    return sosfilt(sos, data, axis=-1)


def trigger_onset(y: np.ndarray, lo: int, hi: int, n_sta: int, ratio: float, floor: float) -> int | None:
    """First sample ``k`` in ``[lo, hi)`` whose next ``n_sta`` samples carry ``ratio`` times the power before it.

    ``R(k) = mean(y[k:k+n_sta]^2) / max(mean(y[:k]^2), floor)``.

    Parameters
    ----------
    y : ndarray (n,)
        (High-passed) trace.
    lo, hi : int
        Search window (samples; ``hi`` exclusive).
    n_sta : int
        Short window (samples).
    ratio : float
        Power ratio that triggers.
    floor : float
        Lower bound of the reference power (the gather's noise power), so
        that the first samples of a trace, with little before them, cannot
        trigger on the noise.

    Returns
    -------
    int or None
    """
    n = y.size
    lo = max(int(lo), 1)
    hi = min(int(hi), n - n_sta)
    if hi <= lo:
        return None
    c = np.concatenate([[0.0], np.cumsum(np.asarray(y, float) ** 2)])
    k = np.arange(lo, hi)
    sta = (c[k + n_sta] - c[k]) / n_sta
    ref = np.maximum(c[k] / k, max(floor, 1e-300))
    hit = np.flatnonzero(sta > ratio * ref)
    return int(lo + hit[0]) if hit.size else None


def _trend_break(x: np.ndarray, a: int, b: int, end: int, sig_factor: float, alpha: float) -> tuple[int, float, float]:
    """First sample in [b, end) where x leaves the linear trend of x[a:b] by more than the threshold.

    Returns the sample, the residual noise RMS of the trend window and the
    largest departure in [b, end).
    """
    tt = np.arange(a, b, dtype=float)
    A = np.column_stack([tt, np.ones_like(tt)])
    coef = np.linalg.lstsq(A, x[a:b], rcond=None)[0]
    r = x[b:end] - (coef[0] * np.arange(b, end) + coef[1])
    sig = float(np.sqrt(np.mean((x[a:b] - A @ coef) ** 2)))
    peak = float(np.max(np.abs(r))) if r.size else 0.0
    tau = max(sig_factor * sig, alpha * peak)
    j = np.flatnonzero(np.abs(r) >= tau)
    if not j.size:
        return b, sig, peak
    return b + int(j[0]), sig, peak


def refine_onset(x: np.ndarray, k0: int, n_sta: int, n_before: int, *, lo: int = 0, sig_factor: float = 3.0,
                 alpha: float = 0.05, dt_s: float = 1.0) -> tuple[float, float, float]:
    """Onset near the trigger ``k0`` on the unfiltered trace ``x``, with its uncertainty.

    The window runs from ``k0 - n_before`` to the first peak of the arrival
    (the largest departure within ``3 n_sta`` samples after ``k0``).

    1. AIC (Maeda 1985) on ``x`` over the window: its minimum ``k_aic``.
    2. Trend break: the linear trend of the ``n_before`` samples before
       ``k0`` is extrapolated; the first sample after which ``x`` leaves it by
       more than ``max(sig_factor * noise RMS, alpha * first peak)`` is
       ``k_brk``.

    The onset is the mean of the two. Its standard uncertainty (samples)
    combines, in quadrature, half their difference, the half-width of the
    AIC minimum (samples within 2 of the minimum AIC, Akaike's "substantial
    support"), the time the arrival needs to rise through one noise RMS
    (noise RMS over the mean slope from onset to first peak), and the
    sample interval's own uniform error (1/sqrt(12)).

    Parameters
    ----------
    x : ndarray (n,)
        Demeaned unfiltered trace.
    k0 : int
        Trigger sample.
    n_sta : int
        Trigger window (samples); the first peak is sought within ``3 n_sta``.
    n_before : int
        Samples before ``k0`` used as the pre-arrival reference.
    lo : int
        Earliest admissible onset (samples; the physically possible time).
    sig_factor, alpha : float
        Trend-break threshold in noise RMS and as a fraction of the first peak.
    dt_s : float
        Sample interval (s); the returned values are multiplied by it.

    Returns
    -------
    t : float
        Onset (``dt_s`` units from sample 0).
    err : float
        Standard uncertainty (``dt_s`` units).
    snr : float
        First-peak amplitude over the pre-arrival noise RMS (linear).
    """
    n = x.size
    b = max(int(k0), 8)
    a = max(0, b - max(int(n_before), 8))
    if b - a < 8:
        a = 0
    end = min(n, b + 3 * max(int(n_sta), 2))
    if end - b < 3:
        return np.nan, np.nan, np.nan
    base = float(np.mean(x[a:b]))
    dev = np.abs(x[b:end] - base)
    # the first major peak: the first local maximum of the departure reaching a quarter of the largest one
    big = np.flatnonzero((dev[1:-1] >= 0.25 * dev.max()) & (dev[1:-1] >= dev[:-2]) & (dev[1:-1] >= dev[2:]))
    kp = b + (int(big[0]) + 1 if big.size else int(np.argmax(dev)))
    k_brk, sig, peak = _trend_break(x, a, b, kp + 1, sig_factor, alpha)
    w1 = max(kp + 1, a + 6)
    aic = aic_picker(x[a:w1])
    if np.isfinite(aic).any():
        j = int(np.argmin(aic))
        k_aic = a + j
        support = np.flatnonzero(aic <= aic[j] + 2.0)
        half = 0.5 * (support[-1] - support[0]) if support.size else 0.0
    else:
        k_aic, half = k_brk, 0.0
    slope = peak / max(kp - 0.5 * (k_aic + k_brk), 1.0)
    rise = sig / slope if slope > 0 else float(kp - k_brk)
    k = 0.5 * (k_aic + k_brk)
    k = max(k, float(lo))
    err = float(np.sqrt((0.5 * (k_aic - k_brk)) ** 2 + half**2 + rise**2 + 1.0 / 12.0))
    snr = peak / sig if sig > 0 else np.inf
    return k * dt_s, err * dt_s, float(snr)


def gather_noise_power(y: np.ndarray, lo_k: np.ndarray, live: np.ndarray, min_samples: int) -> float:
    """Median over the live traces of the power of ``y`` before their first possible arrival (0 if none is long enough)."""
    pw = [float(np.mean(y[i, : lo_k[i]] ** 2)) for i in np.flatnonzero(live) if lo_k[i] >= min_samples]
    return float(np.median(pw)) if pw else 0.0


__all__ = ["causal_highpass", "gather_noise_power", "refine_onset", "trigger_onset"]
