"""Air-blast rejection for first-break picks: sound through the air is not the first break.

A hammer or weight-drop source sends a sound wave through the air at
330-345 m/s (dry air, 0-25 degC). On loose near-surface soil the direct
ground wave can be slower than that, so on the traces near the shot the
first energy above the noise is the air wave, and a picker that takes the
first energy picks it several milliseconds before the ground arrival a
person picks. Two properties tell it apart:

* **time**: it arrives at ``|offset| / v_air`` (within the shot-timing
  tolerance), and
* **character**: it is narrow-band and of high frequency (a few hundred Hz
  on the 4 m spread of ``refraction-field01``, against about 100 Hz for the
  ground arrivals): the spectral centroid of the first milliseconds after
  the pick is well above the gather's typical first-arrival centroid.

A pick with both is an air-wave pick; :func:`repick_after_air` then looks
for the ground arrival after it on the trace low-passed below the air
wave's band (zero-phase, so the ground onset is not delayed), with a
trigger measured against the power since the air onset, and refines it with
the same onset estimators as the first pass.

Sample indices and lengths in samples, times in s, frequencies in Hz.
"""

from __future__ import annotations

import numpy as np

from geoexplore.seismic.refraction.onsets import refine_onset


def onset_centroid_hz(x: np.ndarray, k: int, n: int, dt_s: float, n_before: int = 64) -> float:
    """Spectral centroid (Hz) of the ``n`` samples after sample ``k``, less the pre-pick linear trend.

    The linear trend of the ``n_before`` samples before ``k`` is extrapolated
    and removed (a slow drift would pull the centroid down); the window is
    tapered at its end only (half a Hann window), so the onset itself keeps
    its weight.
    """
    k = int(k)
    a = max(0, k - int(n_before))
    if k - a < 4 or k + n > x.size:
        return np.nan
    tt = np.arange(a, k, dtype=float)
    c = np.polyfit(tt, x[a:k], 1)
    w = (x[k:k + n] - np.polyval(c, np.arange(k, k + n))) * np.hanning(2 * n)[n:]
    nfft = max(2048, int(2 ** np.ceil(np.log2(4 * n))))
    p = np.abs(np.fft.rfft(w, nfft)) ** 2
    f = np.fft.rfftfreq(nfft, dt_s)
    tot = float(p.sum())
    return float(np.sum(f * p) / tot) if tot > 0 else np.nan


def in_air_window(offset_m: np.ndarray, t_s: np.ndarray, v_air_m_s: tuple[float, float], tol_s: float,
                  rel_tol: float) -> np.ndarray:
    """Picks inside the air-wave window ``[|x|/v_hi - tau, |x|/v_lo + tau]``, ``tau = tol_s + rel_tol |x|/v_mid``."""
    ax = np.abs(np.asarray(offset_m, float))
    t = np.asarray(t_s, float)
    lo_v, hi_v = min(v_air_m_s), max(v_air_m_s)
    tau = tol_s + rel_tol * ax / (0.5 * (lo_v + hi_v))
    with np.errstate(invalid="ignore"):
        return np.isfinite(t) & (t >= ax / hi_v - tau) & (t <= ax / lo_v + tau) & (ax > 0)


def air_wave_picks(raw: np.ndarray, k_pick: np.ndarray, offset_m: np.ndarray, t_s: np.ndarray, dt_s: float, *,
                   v_air_m_s: tuple[float, float] = (330.0, 345.0), tol_s: float = 0.003, rel_tol: float = 0.05,
                   windows_s: tuple[float, float] = (0.004, 0.006), factor: float = 1.6) -> tuple[np.ndarray, np.ndarray]:
    """Air-wave picks of one gather: inside the air window and of high frequency.

    Parameters
    ----------
    raw : ndarray (n_traces, n_samples)
        Demeaned unfiltered traces.
    k_pick : ndarray (n_traces,)
        Pick samples (NaN: no pick).
    offset_m, t_s : ndarray (n_traces,)
        Signed offsets (m) and picks (s, relative to the shot).
    dt_s : float
        Sample interval (s).
    v_air_m_s : (float, float)
        Speed of sound range (m/s).
    tol_s, rel_tol : float
        Air window tolerance: absolute (s, the shot-timing uncertainty) and
        relative to the air traveltime.
    windows_s : (float, float)
        Lengths (s) of the windows after the pick whose spectral centroid is measured.
    factor : float
        A pick is of high frequency when the centroid of *every* window
        exceeds ``factor`` times the gather's median centroid of the picks
        outside the air window (the ground arrivals). Nearer the shot than
        such a pick, on the same side, a pick in the air window but not
        later than ``|x| / min(v_air)`` whose centroids are merely above
        that median is an air-wave pick too
        (where the air wave beats the ground arrivals at one offset it beats
        them at every smaller offset).

    Returns
    -------
    air : ndarray of bool (n_traces,)
    centroid_ratio : ndarray (n_traces,)
        The smaller of the windows' centroid ratios (NaN where not measured).
    """
    kp = np.asarray(k_pick, float)
    ok = np.isfinite(kp)
    win = in_air_window(offset_m, t_s, v_air_m_s, tol_s, rel_tol)
    ns = [max(8, int(round(w / dt_s))) for w in windows_s]
    cen = np.full((kp.size, len(ns)), np.nan)
    for i in np.flatnonzero(ok):
        cen[i] = [onset_centroid_hz(raw[i], int(round(kp[i])), n, dt_s) for n in ns]
    ref_rows = ok & ~win & np.all(np.isfinite(cen), axis=1)
    air = np.zeros(kp.size, bool)
    ratio = np.full(kp.size, np.nan)
    if ref_rows.sum() < 3:
        return air, ratio
    ref = np.median(cen[ref_rows], axis=0)
    ratio = np.min(cen / ref[None, :], axis=1)
    air = win & (ratio > factor)
    # nearer than an air-wave pick the air wave is first too (it beat the direct wave, so that is slower than
    # sound; and the refracted wave loses more time to the air wave the nearer the shot): inside the air window,
    # an onset not of lower frequency than the ground arrivals is the air wave there as well
    # (a pick later than sound from the shot is not the air wave: the window closes at |x| / v_lo here)
    off = np.asarray(offset_m, float)
    early = win & (np.asarray(t_s, float) <= np.abs(off) / min(v_air_m_s))
    for side in (off < 0, off >= 0):
        if (air & side).any():
            x_far = np.abs(off[air & side]).max()
            air |= side & early & (np.abs(off) < x_far) & (ratio > 1.0)
    return air, ratio


def _zero_phase_lowpass(x: np.ndarray, corner_hz: float, dt_s: float) -> np.ndarray:
    from scipy.signal import butter, sosfiltfilt

    if not (0 < corner_hz < 0.5 / dt_s):
        return np.asarray(x, float)
    return sosfiltfilt(butter(4, corner_hz, "lowpass", fs=1.0 / dt_s, output="sos"), x)


def repick_after_air(x: np.ndarray, k_air: int, hi: int, dt_s: float, *, lowpass_hz: float, n_sta: int,
                     ratio: float = 8.0, skip: int = 16) -> tuple[float, float, float] | None:
    """The ground arrival after an air-wave onset at ``k_air`` on trace ``x``.

    ``x`` is low-passed (zero phase) at ``lowpass_hz``, below the air wave's
    band, and causally high-passed as the trigger input. The trigger is the
    first sample ``k`` in ``[k_air + skip, hi)`` whose next ``n_sta`` samples
    carry ``ratio`` times the mean power since ``k_air`` (the air wave is
    the reference, not the noise before it). The onset is refined
    (:func:`~geoexplore.seismic.refraction.onsets.refine_onset`) on the
    low-passed trace with the pre-arrival window limited to after the air
    onset.

    Returns
    -------
    (onset sample, uncertainty in samples, first-peak SNR) or None
    """
    from geoexplore.seismic.refraction.onsets import causal_highpass

    y = _zero_phase_lowpass(x, lowpass_hz, dt_s)
    h = causal_highpass(y, 1.0 / (4 * n_sta * dt_s), dt_s)
    lo = int(k_air) + int(skip)
    hi = min(int(hi), h.size - n_sta)
    if hi <= lo:
        return None
    c = np.concatenate([[0.0], np.cumsum(h**2)])
    k = np.arange(lo, hi)
    sta = (c[k + n_sta] - c[k]) / n_sta
    ref = (c[k] - c[int(k_air)]) / (k - int(k_air))
    hit = np.flatnonzero(sta > ratio * np.maximum(ref, 1e-300))
    if not hit.size:
        return None
    k0 = int(lo + hit[0])
    kk, err, snr = refine_onset(y, k0, n_sta, max(8, min(2 * n_sta, k0 - int(k_air))), lo=int(k_air) + 8)
    if not np.isfinite(kk) or kk <= k_air:
        return None
    return float(kk), float(err), float(snr)


__all__ = ["air_wave_picks", "in_air_window", "onset_centroid_hz", "repick_after_air"]
