"""Trace filters: zero-phase band-pass and notch, f-k (velocity fan) filter, mutes and trace editing.

Arrays are (n_traces, n_samples), time along the last axis, sample interval ``dt_s``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from geoexplore.core.errors import GeoexploreError


def _2d(data: Any) -> np.ndarray:
    d = np.asarray(data, dtype=np.float64)
    if d.ndim == 1:
        d = d[None, :]
    if d.ndim != 2:
        raise GeoexploreError(f"expected (n_traces, n_samples), got shape {d.shape}")
    return d


def bandpass(data: Any, dt_s: float, freq_min_hz: float, freq_max_hz: float, *, corners: int = 4) -> np.ndarray:
    """Zero-phase Butterworth band-pass: ``corners``-pole filter run forwards and backwards.

    The forward-backward pass (no edge padding) doubles the attenuation and
    cancels the phase; it is the same filter as ObsPy's
    ``bandpass(..., zerophase=True)``.
    """
    from scipy.signal import butter, sosfilt

    nyq = 0.5 / dt_s
    if not 0 < freq_min_hz < freq_max_hz:
        raise GeoexploreError(f"band-pass needs 0 < freq_min_hz < freq_max_hz, got {freq_min_hz}, {freq_max_hz}")
    d = _2d(data)
    if freq_max_hz >= nyq:
        sos = butter(corners, freq_min_hz / nyq, btype="highpass", output="sos")
    else:
        sos = butter(corners, [freq_min_hz / nyq, freq_max_hz / nyq], btype="bandpass", output="sos")
    y = sosfilt(sos, d, axis=-1)
    return sosfilt(sos, y[:, ::-1], axis=-1)[:, ::-1]


def ormsby(data: Any, dt_s: float, f1_hz: float, f2_hz: float, f3_hz: float, f4_hz: float) -> np.ndarray:
    """Zero-phase trapezoidal (Ormsby) band-pass in the frequency domain.

    Gain 0 below ``f1`` and above ``f4``, 1 between ``f2`` and ``f3``, linear
    ramps in between (cosine-free, as in most processing systems).
    """
    if not 0 <= f1_hz <= f2_hz < f3_hz <= f4_hz:
        raise GeoexploreError(f"Ormsby corners must satisfy f1 <= f2 < f3 <= f4, got {f1_hz, f2_hz, f3_hz, f4_hz}")
    d = _2d(data)
    n = d.shape[1]
    nfft = int(2 ** np.ceil(np.log2(2 * n)))
    f = np.fft.rfftfreq(nfft, dt_s)
    g = np.interp(f, [f1_hz, f2_hz, f3_hz, f4_hz], [0.0, 1.0, 1.0, 0.0], left=0.0, right=0.0)
    if f1_hz == f2_hz:
        g[f >= f1_hz] = np.where(f[f >= f1_hz] <= f3_hz, 1.0, g[f >= f1_hz])
    return np.fft.irfft(np.fft.rfft(d, nfft, axis=-1) * g, nfft, axis=-1)[:, :n]


def notch(data: Any, dt_s: float, freq_hz: float = 50.0, *, quality: float = 30.0) -> np.ndarray:
    """Zero-phase notch at ``freq_hz`` (power-line noise), quality factor ``quality``."""
    from scipy.signal import filtfilt, iirnotch

    fs = 1.0 / dt_s
    if not 0 < freq_hz < fs / 2:
        raise GeoexploreError(f"notch frequency {freq_hz} Hz outside (0, Nyquist {fs / 2} Hz)")
    b, a = iirnotch(freq_hz, quality, fs=fs)
    return filtfilt(b, a, _2d(data), axis=-1)


def fk_filter(
    data: Any,
    dt_s: float,
    dx_m: float,
    v_reject_m_s: float,
    *,
    taper: float = 0.2,
    f_max_hz: float | None = None,
) -> np.ndarray:
    """f-k fan filter: remove events slower than ``v_reject_m_s`` (ground roll).

    Parameters
    ----------
    data : (n_traces, n_samples) array_like
        Traces at regular spacing ``dx_m`` (e.g. one shot record sorted by offset).
    v_reject_m_s : float
        Apparent velocities below this (|f / k| < v) are rejected.
    taper : float
        Relative width of the cosine transition in apparent velocity
        (0.2: pass fully above 1.2 v).
    f_max_hz : float, optional
        Only reject below this frequency (ground roll is low-frequency).
    """
    d = _2d(data)
    nx, nt = d.shape
    NX = int(2 ** np.ceil(np.log2(2 * nx)))
    NT = int(2 ** np.ceil(np.log2(2 * nt)))
    D = np.fft.fft(np.fft.rfft(d, NT, axis=1), NX, axis=0)
    k = np.abs(np.fft.fftfreq(NX, dx_m))[:, None]
    f = np.fft.rfftfreq(NT, dt_s)[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        vapp = np.where(k > 0, f / np.where(k > 0, k, 1.0), np.inf)
    lo, hi = v_reject_m_s, v_reject_m_s * (1 + taper)
    g = np.clip((vapp - lo) / (hi - lo), 0.0, 1.0)
    g = 0.5 - 0.5 * np.cos(np.pi * g)
    if f_max_hz is not None:
        g = np.where(f > f_max_hz, 1.0, g)
    out = np.fft.ifft(D * g, axis=0)[:nx]
    return np.fft.irfft(out, NT, axis=1)[:, :nt]


def top_mute(
    data: Any, offsets_m: Any, dt_s: float, *, velocity_m_s: float, intercept_s: float = 0.0, taper_s: float = 0.01,
    t0_s: float = 0.0,
) -> np.ndarray:
    """Zero everything before ``intercept_s + |offset| / velocity_m_s`` (first breaks, refractions).

    A cosine taper of length ``taper_s`` follows the mute line.
    """
    d = _2d(data).copy()
    t = t0_s + np.arange(d.shape[1]) * dt_s
    tm = intercept_s + np.abs(np.asarray(offsets_m, float))[:, None] / velocity_m_s
    g = np.clip((t[None, :] - tm) / max(taper_s, 1e-12), 0.0, 1.0)
    return d * (0.5 - 0.5 * np.cos(np.pi * g))


def surgical_mute(
    data: Any, offsets_m: Any, dt_s: float, *, velocity_m_s: float, intercept_s: float = 0.0, width_s: float = 0.05,
    taper_s: float = 0.01, t0_s: float = 0.0,
) -> np.ndarray:
    """Zero a band around the line ``t = intercept_s + |offset| / velocity_m_s`` (e.g. an air wave or ground roll).

    The band is ``width_s`` wide (centred on the line) with cosine tapers.
    """
    d = _2d(data).copy()
    t = t0_s + np.arange(d.shape[1]) * dt_s
    tc = intercept_s + np.abs(np.asarray(offsets_m, float))[:, None] / velocity_m_s
    dist = np.abs(t[None, :] - tc) - width_s / 2
    g = np.clip(dist / max(taper_s, 1e-12), 0.0, 1.0)
    return d * (0.5 - 0.5 * np.cos(np.pi * g))


def kill_traces(data: Any, kill: Any) -> np.ndarray:
    """Zero the traces where ``kill`` is True (bool mask or indices)."""
    d = _2d(data).copy()
    k = np.asarray(kill)
    d[k] = 0.0
    return d


def dead_traces(data: Any, *, rel_threshold: float = 1e-6, max_ratio: float = 1e3) -> np.ndarray:
    """Bool mask of dead (all zero/NaN/tiny) or wildly noisy traces (RMS > max_ratio x median RMS)."""
    d = _2d(data)
    rms = np.sqrt(np.nanmean(d**2, axis=1))
    return dead_from_rms(rms, np.any(~np.isfinite(d), axis=1), rel_threshold=rel_threshold, max_ratio=max_ratio)


def dead_from_rms(rms: Any, nonfinite: Any, *, rel_threshold: float = 1e-6, max_ratio: float = 1e3) -> np.ndarray:
    """The :func:`dead_traces` test on per-trace RMS (of the finite samples) and a has-NaN/inf mask."""
    rms = np.asarray(rms, dtype=float)
    med = np.nanmedian(rms[rms > 0]) if np.any(rms > 0) else 0.0
    bad = ~np.isfinite(rms) | (rms <= rel_threshold * med) | (rms > max_ratio * med)
    return bad | np.asarray(nonfinite, dtype=bool)


__all__ = ["bandpass", "dead_from_rms", "dead_traces", "fk_filter", "kill_traces", "notch", "ormsby", "surgical_mute", "top_mute"]
