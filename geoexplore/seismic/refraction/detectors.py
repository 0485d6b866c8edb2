"""First-break detectors: characteristic functions (STA/LTA, modified energy ratio, AIC) and single-trace pickers.

NumPy kernels of :mod:`geoexplore.seismic.refraction.picking`: each works on
one trace (or a gather for the spectra) held as a NumPy array; sample
indices and windows are in samples, times in seconds, frequencies in Hz.
"""

from __future__ import annotations

import numpy as np


def sta_lta(x: np.ndarray, n_sta: int, n_lta: int) -> np.ndarray:
    """Classic causal STA/LTA of the squared trace.

    Parameters
    ----------
    x : ndarray (n,)
        Trace.
    n_sta, n_lta : int
        Short and long window lengths in samples (n_sta < n_lta).

    Returns
    -------
    ndarray (n,)
        STA/LTA ratio; 0 for the first ``n_lta`` samples.
    """
    e = np.concatenate([[0.0], np.cumsum(np.asarray(x, float) ** 2)])
    n = len(x)
    out = np.zeros(n)
    i = np.arange(n_lta, n + 1)
    sta = (e[i] - e[i - n_sta]) / n_sta
    lta = (e[i] - e[i - n_lta]) / n_lta
    with np.errstate(divide="ignore", invalid="ignore"):
        out[i - 1] = np.where(lta > 0, sta / lta, 0.0)
    return out


def modified_energy_ratio(x: np.ndarray, n: int) -> np.ndarray:
    """Modified energy ratio (Han et al. 2010): (|x_i| * E_after/E_before)^3.

    Parameters
    ----------
    x : ndarray (m,)
        Trace.
    n : int
        Window length in samples.

    Returns
    -------
    ndarray (m,)
        The characteristic function; 0 where a window does not fit.
    """
    x = np.asarray(x, float)
    m = x.size
    e = np.concatenate([[0.0], np.cumsum(x**2)])
    out = np.zeros(m)
    if m < 2 * n + 1:
        return out
    i = np.arange(n, m - n)
    before = e[i] - e[i - n]
    after = e[i + n] - e[i]
    floor = 1e-12 * (e[-1] / m + 1e-300) * n
    er = after / (before + floor)
    out[i] = (np.abs(x[i]) * er) ** 3
    return out


def aic_picker(x: np.ndarray) -> np.ndarray:
    """Akaike information criterion of a two-segment split (Maeda 1985).

    ``AIC(k) = k log var(x[:k]) + (n - k - 1) log var(x[k:])``, computed for
    every k with cumulative sums.

    Parameters
    ----------
    x : ndarray (n,)
        Window of the trace containing noise then signal.

    Returns
    -------
    ndarray (n,)
        AIC; ``inf`` at the ends where a variance is undefined. The onset
        is ``argmin``.
    """
    x = np.asarray(x, float)
    n = x.size
    out = np.full(n, np.inf)
    if n < 5:
        return out
    c1 = np.cumsum(x)
    c2 = np.cumsum(x**2)
    k = np.arange(2, n - 2)
    # var of x[:k] and x[k:]
    s1, q1 = c1[k - 1], c2[k - 1]
    v1 = q1 / k - (s1 / k) ** 2
    s2, q2 = c1[-1] - s1, c2[-1] - q1
    m2 = n - k
    v2 = q2 / m2 - (s2 / m2) ** 2
    tiny = 1e-30 * (c2[-1] / n + 1e-300)
    out[k] = k * np.log(np.maximum(v1, tiny)) + (n - k - 1) * np.log(np.maximum(v2, tiny))
    return out


def dominant_period(data: np.ndarray, dt_s: float) -> float:
    """Dominant period (s) of a gather from its mean amplitude spectrum (DC excluded)."""
    d = np.asarray(data, float)
    d = d[np.all(np.isfinite(d), axis=1)]
    if d.size == 0:
        return 20 * dt_s
    d = d - d.mean(axis=1, keepdims=True)
    nrm = np.sqrt(np.mean(d**2, axis=1, keepdims=True))
    d = d / np.where(nrm > 0, nrm, 1.0)
    spec = np.abs(np.fft.rfft(d, axis=1)).mean(axis=0)
    f = np.fft.rfftfreq(d.shape[1], dt_s)
    if spec.size < 3:
        return 20 * dt_s
    j = 1 + int(np.argmax(spec[1:]))
    return float(1.0 / f[j]) if f[j] > 0 else 20 * dt_s


def snr_db(x: np.ndarray, k: int, n: int) -> float:
    """Signal-to-noise ratio (dB) of the ``n`` samples after sample ``k`` over the ``n`` before it (60 dB for zero noise)."""
    a = x[max(0, k - n):k]
    b = x[k:k + n]
    if a.size < 2 or b.size < 2:
        return np.nan
    na = np.sqrt(np.mean((a - a.mean()) ** 2))
    nb = np.sqrt(np.mean(b**2))
    if na <= 0:
        return 60.0
    return float(20 * np.log10(max(nb, 1e-300) / na))


def pick_mer_aic(x: np.ndarray, lo: int, hi: int, n_er: int, thr: float, n_before: int, n_after: int) -> int | None:
    """Coarse MER onset then AIC refinement, inside samples [lo, hi). Returns the sample index or None."""
    lo = max(lo, 0)
    hi = min(hi, x.size)
    a0 = max(0, lo - n_er)
    b0 = min(x.size, hi + n_er)
    seg = x[a0:b0]
    if seg.size < 2 * n_er + 3:
        return None
    cf = modified_energy_ratio(seg, n_er)
    i_lo, i_hi = lo - a0, hi - a0
    cf[:i_lo] = 0
    cf[i_hi:] = 0
    if not np.any(cf > 0):
        return None
    imax = int(np.argmax(cf))
    over = np.flatnonzero(cf[: imax + 1] >= thr * cf[imax])
    coarse = int(over[0]) if over.size else imax
    k0 = a0 + coarse
    w0 = max(0, k0 - n_before)
    w1 = min(x.size, k0 + n_after)
    aic = aic_picker(x[w0:w1])
    if not np.isfinite(aic).any():
        return k0
    k = w0 + int(np.argmin(aic))
    return int(min(max(k, lo), max(hi - 1, lo)))


def first_motion(x: np.ndarray, k: int, n: int) -> int:
    """Sign of the first significant excursion after sample k within n samples."""
    seg = x[k:k + n]
    if seg.size == 0:
        return 0
    peak = np.max(np.abs(seg))
    if peak <= 0:
        return 0
    j = np.flatnonzero(np.abs(seg) >= 0.5 * peak)
    return int(np.sign(seg[j[0]]))


def auto_lowpass_hz(data: np.ndarray, dt_s: float, noise_end: np.ndarray, signal_len: int = 512) -> float | None:
    """Low-pass corner (Hz) from the signal and noise spectra of a gather.

    The noise spectrum is the mean amplitude spectrum of the pre-arrival
    windows (samples before ``noise_end[i]``), the signal spectrum that of the
    ``signal_len`` samples after them. The corner is the highest frequency up
    to which the signal spectrum exceeds twice the noise spectrum (smoothed),
    or None when there is too little noise to measure or no such frequency.

    Parameters
    ----------
    data : ndarray (n_traces, n_samples)
    dt_s : float
    noise_end : ndarray of int (n_traces,)
        First sample where an arrival is possible, per trace.
    signal_len : int
        Samples of signal after ``noise_end``.
    """
    nfft = 256
    specs_n, specs_s = [], []
    win = np.hanning(nfft)
    for i, k in enumerate(np.asarray(noise_end, int)):
        if k >= nfft and k + nfft <= data.shape[1]:
            specs_n.append(np.abs(np.fft.rfft(win * data[i, k - nfft:k])))
            seg = data[i, k:k + max(signal_len, nfft)]
            # the strongest nfft window of the signal segment
            best = max(range(0, seg.size - nfft + 1, nfft // 2), key=lambda j: float(np.sum(seg[j:j + nfft] ** 2)))
            specs_s.append(np.abs(np.fft.rfft(win * seg[best:best + nfft])))
    if len(specs_n) < max(1, data.shape[0] // 4):
        return None
    f = np.fft.rfftfreq(nfft, dt_s)
    kern = np.ones(5) / 5
    sn = np.convolve(np.median(specs_n, axis=0), kern, "same")
    ss = np.convolve(np.median(specs_s, axis=0), kern, "same")
    ok = ss > 2.0 * np.maximum(sn, 1e-30)
    if not ok[1:].any():
        return None
    j = 1 + int(np.argmax(ss[1:]))
    while j + 1 < f.size and ok[j + 1]:
        j += 1
    fc = float(f[j])
    nyq = 0.5 / dt_s
    return None if fc >= 0.8 * nyq else max(fc, 4 * f[1])


def lowpass(data: np.ndarray, corner_hz: float, dt_s: float, order: int = 4) -> np.ndarray:
    """Zero-phase Butterworth low-pass along the last axis."""
    from scipy.signal import butter, sosfiltfilt

    sos = butter(order, corner_hz, "lowpass", fs=1.0 / dt_s, output="sos")
    return sosfiltfilt(sos, data, axis=-1)


def pick_energy_aic(x: np.ndarray, lo: int, hi: int, sigma: float, factor: float, n_s: int,
                 n_before: int, n_after: int, raw: np.ndarray | None = None) -> int | None:
    """Energy detector (smoothed envelope above ``factor * sigma`` for ``n_s`` samples) + AIC.

    The detector runs on ``x`` (possibly low-passed); the AIC refinement on
    ``raw`` when given (the unfiltered trace: a zero-phase filter smears the
    onset earlier), in ``[k0 - n_before, k0 + n_s + n_after)``.
    """
    lo = max(lo, 0)
    hi = min(hi, x.size)
    if hi - lo < n_s + 2:
        return None
    c = np.concatenate([[0.0], np.cumsum(x[lo:hi] ** 2)])
    env = np.sqrt((c[n_s:] - c[:-n_s]) / n_s)  # RMS over [j, j + n_s)
    above = env > factor * sigma
    if not above.any():
        return None
    # first run of n_s consecutive windows above the threshold
    run = np.convolve(above.astype(int), np.ones(n_s, int), "valid")
    hit = np.flatnonzero(run >= n_s)
    j = int(hit[0]) if hit.size else int(np.flatnonzero(above)[0])
    k0 = lo + j
    w0 = max(0, k0 - n_before)
    w1 = min(x.size, k0 + n_s + n_after)
    aic = aic_picker((x if raw is None else raw)[w0:w1])
    if not np.isfinite(aic).any():
        return k0
    k = w0 + int(np.argmin(aic))
    return int(min(max(k, lo), hi - 1))


__all__ = [
    "aic_picker", "auto_lowpass_hz", "dominant_period", "first_motion", "lowpass", "modified_energy_ratio",
    "pick_energy_aic", "pick_mer_aic", "snr_db", "sta_lta",
]
