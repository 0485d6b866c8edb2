"""Predictive and spiking deconvolution (Wiener-Levinson prediction-error filters).

For a trace with autocorrelation ``r``, the prediction filter ``a`` of length
``n`` and prediction distance (gap) ``g`` samples solves the Toeplitz system
``R a = r[g : g + n]`` (``R`` built from ``r[0 : n]``, with prewhitening
``r[0] *= 1 + eps``). The prediction-error filter is
``[1, 0, ..., 0, -a]`` (``g - 1`` zeros). Gap = one sample is spiking
deconvolution; a longer gap removes only the predictable part (multiples,
reverberations) and keeps the wavelet's first ``g`` samples.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from geoexplore.core.errors import GeoexploreError


def prediction_error_filter(trace_acf: np.ndarray, n_op: int, gap: int, prewhitening: float) -> np.ndarray:
    """Prediction-error filter from an autocorrelation (lags 0 ..)."""
    from scipy.linalg import solve_toeplitz

    r = np.asarray(trace_acf, float).copy()
    if r.size < n_op + gap:
        raise GeoexploreError("autocorrelation too short for the operator length and gap")
    if r[0] <= 0:
        return np.r_[1.0, np.zeros(gap + n_op - 1)]
    col = r[:n_op].copy()
    col[0] *= 1.0 + prewhitening
    a = solve_toeplitz(col, r[gap : gap + n_op])
    return np.r_[1.0, np.zeros(gap - 1), -a]


def predictive_decon(
    data: Any,
    dt_s: float,
    *,
    operator_s: float = 0.08,
    gap_s: float | None = None,
    prewhitening: float = 0.01,
    design_window_s: tuple[float, float] | None = None,
    t0_s: float = 0.0,
) -> np.ndarray:
    """Trace-by-trace predictive deconvolution.

    Parameters
    ----------
    data : (n_traces, n_samples) array_like
    operator_s : float
        Prediction filter length (s).
    gap_s : float, optional
        Prediction distance (s); ``None`` or one sample = spiking deconvolution.
    prewhitening : float
        White noise added to the zero lag (0.01 = 1 %).
    design_window_s : (start, end), optional
        Time window the autocorrelation is computed in (default: whole trace).

    Returns
    -------
    (n_traces, n_samples) ndarray
    """
    d = np.atleast_2d(np.asarray(data, float))
    ns = d.shape[1]
    n_op = max(2, int(round(operator_s / dt_s)))
    gap = 1 if gap_s is None else max(1, int(round(gap_s / dt_s)))
    if design_window_s is None:
        i0, i1 = 0, ns
    else:
        i0 = max(0, int(round((design_window_s[0] - t0_s) / dt_s)))
        i1 = min(ns, int(round((design_window_s[1] - t0_s) / dt_s)))
    if i1 - i0 < n_op + gap:
        raise GeoexploreError("deconvolution design window is shorter than operator + gap")
    nfft = int(2 ** np.ceil(np.log2(2 * (i1 - i0))))
    seg = d[:, i0:i1]
    acf = np.fft.irfft(np.abs(np.fft.rfft(seg, nfft, axis=1)) ** 2, nfft, axis=1)[:, : n_op + gap]
    out = np.empty_like(d)
    for k in range(d.shape[0]):
        pef = prediction_error_filter(acf[k], n_op, gap, prewhitening)
        out[k] = np.convolve(d[k], pef)[:ns]
    return out


__all__ = ["prediction_error_filter", "predictive_decon"]
