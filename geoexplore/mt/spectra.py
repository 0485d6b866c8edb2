"""Decimation, windowing, Fourier coefficients and frequency bands (pure NumPy/SciPy).

The estimation chain works on a cascade of decimation levels. At each level
the (calibrated) channels are cut into overlapping windows, detrended,
optionally prewhitened (first difference, the same filter on every channel so
transfer functions are unchanged), tapered and Fourier transformed. Bands
are groups of adjacent Fourier bins; every band of every level is evaluated
with all its (window, bin) pairs as the regression's data points.

Time dependence: :func:`numpy.fft.rfft` uses ``exp(-i omega t)`` in the
forward transform, so a signal is a sum of ``exp(+i omega t)`` terms, the
convention of :mod:`geoexplore.mt.tfdata`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def decimate(x: np.ndarray, factor: int, valid: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Low-pass (zero-phase FIR, scipy) and down-sample every channel.

    Parameters
    ----------
    x : (n_channels, n_samples) float array
        Gaps must already be filled (zeros); ``valid`` marks them.
    factor : int
        Decimation factor (>= 2).
    valid : (n_samples,) bool, optional
        False where a sample is missing or a spike was removed. The mask is
        widened by the filter length, so decimated samples touched by a gap
        are flagged too.

    Returns
    -------
    y : (n_channels, n_samples // factor) float array
    valid_out : (n_samples // factor,) bool array
    """
    from scipy import signal

    n = x.shape[1]
    ntaps = 20 * factor + 1
    h = signal.firwin(ntaps, 0.8 / factor, window="hamming")
    y = signal.oaconvolve(x, h[None, :], mode="same", axes=1)[:, ::factor]
    if valid is None:
        v = np.ones(n, bool)
    else:
        v = np.asarray(valid, bool)
    if v.all():
        return y, np.ones(y.shape[1], bool)
    bad = np.convolve((~v).astype(float), np.ones(ntaps), mode="same") > 0
    return y, ~bad[::factor]


@dataclass(frozen=True)
class Windows:
    """Fourier coefficients of one decimation level.

    Attributes
    ----------
    fc : (n_channels, n_windows, n_bins) complex
        Fourier coefficients (bins 0..n_fft//2).
    freq_hz : (n_bins,) float
    valid : (n_windows,) bool
        False for windows touching a gap or a flagged spike.
    sample_rate_hz : float
    """

    fc: np.ndarray
    freq_hz: np.ndarray
    valid: np.ndarray
    sample_rate_hz: float


def window_fft(
    x: np.ndarray,
    sample_rate_hz: float,
    n_fft: int,
    overlap: int,
    *,
    valid: np.ndarray | None = None,
    prewhiten: bool = False,
    taper: str = "hann",
) -> Windows:
    """Windowed, detrended, tapered FFT of all channels at once.

    Parameters
    ----------
    x : (n_channels, n_samples) float array
    sample_rate_hz : float
    n_fft : int
        Window length in samples.
    overlap : int
        Samples shared by consecutive windows (0 <= overlap < n_fft).
    valid : (n_samples,) bool, optional
        Sample mask; a window with any invalid sample is flagged.
    prewhiten : bool
        Apply a first-difference filter before the FFT and divide it out
        afterwards (identical on every channel).
    taper : str
        A :func:`scipy.signal.get_window` name.
    """
    from numpy.lib.stride_tricks import sliding_window_view

    step = n_fft - overlap
    n = x.shape[1]
    n_win = 0 if n < n_fft else 1 + (n - n_fft) // step
    nb = n_fft // 2 + 1
    freq = np.fft.rfftfreq(n_fft, 1.0 / sample_rate_hz)
    if n_win == 0:
        return Windows(np.zeros((x.shape[0], 0, nb), complex), freq, np.zeros(0, bool), sample_rate_hz)
    segs = sliding_window_view(x, n_fft, axis=1)[:, ::step][:, :n_win]  # (nch, nwin, nfft)
    t = np.arange(n_fft) - (n_fft - 1) / 2.0
    t /= np.sqrt(np.sum(t**2))
    segs = segs - segs.mean(axis=-1, keepdims=True)
    segs = segs - (segs @ t)[..., None] * t  # linear detrend
    if prewhiten:
        segs = np.diff(segs, axis=-1, prepend=segs[..., :1])
    w = get_taper(taper, n_fft)
    fc = np.fft.rfft(segs * w, axis=-1)
    # scale so |fc|^2 is a one-sided power spectral density (units^2/Hz)
    fc *= np.sqrt(2.0 / (sample_rate_hz * np.sum(w**2)))
    if prewhiten:
        resp = 1.0 - np.exp(-2j * np.pi * np.arange(nb) / n_fft)
        resp[0] = 1.0
        fc /= resp
    if valid is None or np.all(valid):
        vw = np.ones(n_win, bool)
    else:
        vw = sliding_window_view(np.asarray(valid, bool), n_fft)[::step][:n_win].all(axis=1)
    return Windows(fc, freq, vw, sample_rate_hz)


def get_taper(name: str, n: int) -> np.ndarray:
    """A taper by scipy name; ``"dpss:NW"`` gives the first Slepian sequence, ``"kaiser:beta"`` a Kaiser window."""
    from scipy import signal

    if ":" in name:
        kind, par = name.split(":", 1)
        return np.asarray(signal.get_window((kind, float(par)), n, fftbins=True))
    return np.asarray(signal.get_window(name, n, fftbins=True))


@dataclass(frozen=True)
class Band:
    """One frequency band of one decimation level: Fourier bins ``lo..hi`` inclusive."""

    level: int
    lo: int
    hi: int
    period_s: float


def level_bands(
    level: int,
    n_fft: int,
    sample_rate_hz: float,
    bin_min: int,
    bin_max: int,
    bands_per_decade: float,
) -> list[Band]:
    """Log-spaced bands of Fourier bins between ``bin_min`` and ``bin_max`` (inclusive).

    Band edges are ``bin_max * 10**(-j / bands_per_decade)``, rounded to whole
    bins; a band has at least one bin. The band period is the inverse of the
    mean of its bin frequencies (as in EMTF and Aurora).
    """
    if bin_max < bin_min:
        return []
    edges = [bin_max + 1]
    j = 1
    while edges[-1] > bin_min:
        e = int(np.floor((bin_max + 1) * 10 ** (-j / bands_per_decade)))
        e = min(e, edges[-1] - 1)
        edges.append(max(e, bin_min))
        j += 1
    df = sample_rate_hz / n_fft
    out = []
    for hi_excl, lo in zip(edges[:-1], edges[1:]):
        hi = hi_excl - 1
        f = np.arange(lo, hi + 1) * df
        out.append(Band(level, lo, hi, float(1.0 / np.mean(f))))
    return out


def explicit_band(level: int, lo: int, hi: int, n_fft: int, sample_rate_hz: float) -> Band:
    """A band of bins ``lo..hi`` (inclusive) at a level whose rate is ``sample_rate_hz``."""
    f = np.arange(lo, hi + 1) * sample_rate_hz / n_fft
    return Band(level, lo, hi, float(1.0 / np.mean(f)))


#: the band setup of EMTF's synthetic test (bs_test.cfg): (level, first bin, last bin), window 128
EMTF_TEST_BANDS: tuple[tuple[int, int, int], ...] = (
    (0, 25, 30), (0, 20, 24), (0, 16, 19), (0, 13, 15), (0, 10, 12), (0, 8, 9), (0, 6, 7), (0, 5, 5),
    (1, 14, 17), (1, 11, 13), (1, 9, 10), (1, 7, 8), (1, 6, 6), (1, 5, 5),
    (2, 14, 17), (2, 11, 13), (2, 9, 10), (2, 7, 8), (2, 6, 6), (2, 5, 5),
    (3, 18, 22), (3, 14, 17), (3, 10, 13), (3, 7, 9), (3, 5, 6),
)


def variance_inflation(taper: str, n_fft: int, overlap: int, n_windows: int, n_bins: int) -> float:
    """Factor by which correlated spectral points inflate the variance of a band estimate.

    Overlapping tapered windows and adjacent bins of one window are not
    independent. Following Welch (1967) / Percival and Walden (1993), the
    effective numbers of windows and bins are
    ``K / (1 + 2 sum_l (1 - l/K) rho_t(l)^2)`` and
    ``B / (1 + 2 sum_k (1 - k/B) rho_f(k)^2)`` with rho_t the taper
    autocorrelation at lags of ``l * (n_fft - overlap)`` samples and rho_f the
    correlation of bins ``k`` apart (white noise). The regression treats all
    ``K * B`` points as independent; its covariance is multiplied by
    ``K B / (K_eff B_eff)`` (>= 1).
    """
    w = get_taper(taper, n_fft)
    w2 = np.sum(w**2)
    step = n_fft - overlap
    k = max(int(n_windows), 1)
    s_t = 0.0
    lag = 1
    while lag * step < n_fft and lag < k:
        rho = np.sum(w[: n_fft - lag * step] * w[lag * step :]) / w2
        s_t += (1 - lag / k) * rho**2
        lag += 1
    b = max(int(n_bins), 1)
    spec = np.abs(np.fft.fft(w**2)) / w2
    s_f = sum((1 - j / b) * spec[j] ** 2 for j in range(1, b))
    return float((1 + 2 * s_t) * (1 + 2 * s_f))
