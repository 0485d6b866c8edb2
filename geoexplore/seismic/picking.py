"""Automatic first-break picking: NumPy kernels.

The picker works trace by trace on a shot record held as a NumPy array
(n_traces, n_samples) with its sample interval, the time of its first
sample and each trace's source-receiver offset:

1. **Trace checks**: dead traces (all zero, non-finite, or RMS below a
   fraction of the gather's median) get no pick and the flag ``dead``.
2. **Search window**: a first arrival cannot come before the fastest
   plausible wave could travel the offset (``|x| / v_max_m_s``) nor after
   the slowest (``|x| / v_min_m_s`` plus a margin).
3. **Detector**: the modified energy ratio (Han, Wong and Liu 2010;
   energy after / energy before each sample, times the amplitude, cubed)
   gives a coarse onset, the first sample where the normalised
   characteristic function exceeds a threshold before its maximum.
4. **Refinement**: the Akaike information criterion picker (Maeda 1985),
   AIC(k) = k log var(x[:k]) + (N - k - 1) log var(x[k:]), on a window
   around the coarse pick; the pick is its minimum.
5. **Quality**: signal-to-noise ratio (dB) after / before the pick, mapped
   to a quality in [0, 1], and an absolute pick error in seconds.
6. **Polarity**: the first-motion sign of every trace compared with the
   gather's majority and with a correlation against neighbouring traces;
   reversed traces are flagged ``reversed`` (their pick time is unaffected:
   the AIC picker is polarity-blind).
7. **Consistency**: within each side of the shot, picks sorted by |offset|
   are compared with a robust local prediction from their neighbours
   (:func:`consistency_outliers`); outliers are re-picked in a narrow window
   around the prediction (guided re-pick) and flagged ``repicked`` or, if
   that fails, ``outlier`` (not used).
8. **Reciprocity** across shots (:func:`reciprocity_outliers`): t(A->B) must
   equal t(B->A) within a tolerance; the poorer pick of a failing pair is
   flagged ``reciprocity``.

Everything here is pure NumPy; files and gathers are handled by
:mod:`geoexplore.seismic.refraction_steps` and the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

#: flags a pick can carry (comma-separated in the picks table)
FLAGS = ("dead", "nopick", "reversed", "repicked", "extended", "outlier", "reciprocity", "manual")


@dataclass(frozen=True)
class PickParams:
    """Parameters of :func:`pick_gather` (units in the names).

    Attributes
    ----------
    v_max_m_s : float
        Fastest plausible first-arrival apparent velocity (m/s); no pick
        earlier than ``|offset| / v_max_m_s``.
    v_min_m_s : float
        Slowest plausible first-arrival velocity (m/s); the search window
        ends at ``|offset| / v_min_m_s + max_time_margin_s``.
    max_time_margin_s : float
        Margin added to the latest plausible time (s).
    t_max_s : float or None
        Hard end of the search window (s); None: end of record.
    er_window_s : float or None
        Energy-ratio window length (s); None: 1.5 dominant periods,
        estimated from the gather's spectrum.
    er_threshold : float
        Coarse onset: first sample where the normalised modified energy
        ratio exceeds this fraction of its maximum, before the maximum.
    aic_before_s, aic_after_s : float or None
        AIC window before and after the coarse pick (s); None: 3 and 1
        energy-ratio windows.
    dead_rms_fraction : float
        A trace with RMS below this fraction of the gather's median RMS is dead.
    min_snr_db : float
        Picks with lower signal-to-noise ratio are flagged ``nopick``.
    outlier_tolerance_s : float or None
        Consistency tolerance (s); None: max(4 samples, 1/4 dominant period).
    outlier_rel_tolerance : float
        Relative consistency tolerance (fraction of the predicted time), added.
    repick : bool
        Re-pick consistency outliers in a narrow window around the prediction.
    extend : bool
        Walking outward from the shot, re-pick rejected traces with the lower
        threshold ``extend_noise_factor`` inside a window around the
        extrapolation of the accepted picks (flag ``extended``); weak far
        first breaks are followed without letting the picker jump to a
        later phase.
    extend_noise_factor : float
        Detector threshold (noise RMS) of the extension.
    lowpass_hz : float or None
        Zero-phase low-pass corner (Hz) applied before picking; None: see
        ``auto_lowpass``.
    auto_lowpass : bool
        When ``lowpass_hz`` is None and the record has pre-arrival noise,
        low-pass at the highest frequency where the post-arrival spectrum
        exceeds twice the noise spectrum (removes high-frequency noise
        without smearing the onset more than needed).
    noise_factor : float
        Coarse onset: first sample where the smoothed envelope exceeds this
        many times the pre-arrival noise RMS (energy detector); where no
        noise window exists, the modified energy ratio is used instead.
    """

    v_max_m_s: float = 6000.0
    v_min_m_s: float = 150.0
    lowpass_hz: float | None = None
    auto_lowpass: bool = True
    noise_factor: float = 4.0
    max_time_margin_s: float = 0.02
    t_max_s: float | None = None
    er_window_s: float | None = None
    er_threshold: float = 0.05
    aic_before_s: float | None = None
    aic_after_s: float | None = None
    dead_rms_fraction: float = 1e-3
    min_snr_db: float = 3.0
    outlier_tolerance_s: float | None = None
    outlier_rel_tolerance: float = 0.05
    repick: bool = True
    extend: bool = True
    extend_noise_factor: float = 2.5


@dataclass
class GatherPicks:
    """Picks of one shot record.

    Attributes
    ----------
    t_s : ndarray (n_traces,)
        First-break time (s, relative to the shot; NaN where no pick).
    quality : ndarray (n_traces,)
        0 (worst) .. 1 (best), from the signal-to-noise ratio.
    snr_db : ndarray (n_traces,)
        Signal-to-noise ratio around the pick (dB).
    err_s : ndarray (n_traces,)
        Estimated absolute pick error (s).
    polarity : ndarray of int (n_traces,)
        +1 normal, -1 reversed relative to the gather, 0 unknown.
    flags : list of str (n_traces)
        Comma-separated flags from :data:`FLAGS` ('' when clean).
    use : ndarray of bool (n_traces,)
        True for picks fit for inversion.
    dominant_period_s : float
        Dominant period of the first arrivals (s).
    """

    t_s: np.ndarray
    quality: np.ndarray
    snr_db: np.ndarray
    err_s: np.ndarray
    polarity: np.ndarray
    flags: list[str] = field(default_factory=list)
    use: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    dominant_period_s: float = np.nan
    lowpass_hz: float = np.nan

    def add_flag(self, i: int, flag: str) -> None:
        """Add ``flag`` to trace ``i`` (no duplicates)."""
        have = [f for f in self.flags[i].split(",") if f]
        if flag not in have:
            have.append(flag)
        self.flags[i] = ",".join(have)


# --------------------------------------------------------------------------- characteristic functions


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


# --------------------------------------------------------------------------- helpers


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


def _snr_db(x: np.ndarray, k: int, n: int) -> float:
    a = x[max(0, k - n):k]
    b = x[k:k + n]
    if a.size < 2 or b.size < 2:
        return np.nan
    na = np.sqrt(np.mean((a - a.mean()) ** 2))
    nb = np.sqrt(np.mean(b**2))
    if na <= 0:
        return 60.0
    return float(20 * np.log10(max(nb, 1e-300) / na))


def _pick_one(x: np.ndarray, lo: int, hi: int, n_er: int, thr: float, n_before: int, n_after: int) -> int | None:
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


def _first_motion(x: np.ndarray, k: int, n: int) -> int:
    """Sign of the first significant excursion after sample k within n samples."""
    seg = x[k:k + n]
    if seg.size == 0:
        return 0
    peak = np.max(np.abs(seg))
    if peak <= 0:
        return 0
    j = np.flatnonzero(np.abs(seg) >= 0.5 * peak)
    return int(np.sign(seg[j[0]]))


# --------------------------------------------------------------------------- consistency


def consistency_outliers(offset_m: np.ndarray, t_s: np.ndarray, tol_s: float, rel_tol: float = 0.05,
                         half_width: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Picks inconsistent with their neighbours on the same side of the shot.

    On each side (offset < 0, offset >= 0) the picks are sorted by |offset|.
    Each pick is predicted from its neighbours within ``half_width`` on either
    side by the median of the two-point linear predictions through pairs of
    neighbours (a robust local line); a pick further than
    ``tol_s + rel_tol * t_pred`` from its prediction, or a pick that makes
    the traveltime decrease with |offset| against both neighbours, is an
    outlier. The direct check of apparent velocity lives in the search window.

    Parameters
    ----------
    offset_m, t_s : ndarray (n,)
        Signed offsets (m) and picks (s; NaN = no pick, ignored).
    tol_s, rel_tol : float
        Absolute (s) and relative tolerances.
    half_width : int
        Neighbours on each side used for the prediction.

    Returns
    -------
    outlier : ndarray of bool (n,)
    t_pred : ndarray (n,)
        The neighbour prediction (NaN where fewer than 2 neighbours).
    """
    x = np.asarray(offset_m, float)
    t = np.asarray(t_s, float)
    out = np.zeros(x.size, bool)
    pred = np.full(x.size, np.nan)
    for side in (x < 0, x >= 0):
        idx = np.flatnonzero(side & np.isfinite(t))
        if idx.size < 3:
            continue
        idx = idx[np.argsort(np.abs(x[idx]), kind="stable")]
        ax, at = np.abs(x[idx]), t[idx]
        for j in range(idx.size):
            nb = [i for i in range(max(0, j - half_width), min(idx.size, j + half_width + 1)) if i != j]
            if not nb or min(nb) > j or max(nb) < j:
                continue  # ends: extrapolation is unreliable where the curve bends (left to slowness_jump_outliers)
            preds = []
            for a in range(len(nb)):
                for b in range(a + 1, len(nb)):
                    i1, i2 = nb[a], nb[b]
                    if ax[i2] == ax[i1]:
                        continue
                    slope = (at[i2] - at[i1]) / (ax[i2] - ax[i1])
                    preds.append(at[i1] + slope * (ax[j] - ax[i1]))
            if len(preds) < 1:
                continue
            p = float(np.median(preds))
            pred[idx[j]] = p
            if abs(at[j] - p) > tol_s + rel_tol * abs(p):
                out[idx[j]] = True
    return out, pred


def slowness_jump_outliers(offset_m: np.ndarray, t_s: np.ndarray, tol_s: float, slack: float = 2.0) -> np.ndarray:
    """Picks that jump to a later (slower) phase or come before a nearer pick.

    First-arrival traveltime curves are monotonic in |offset| and, in a
    medium whose velocity grows with depth, their slope (the apparent
    slowness) decreases with offset. Walking outward from the shot on each
    side, a pick is rejected when it is earlier than the last accepted pick
    by more than ``tol_s`` (non-monotonic), or later than the extrapolation
    ``t_last + slack * s * dx + tol_s`` where ``s`` is the median slowness of
    the last three accepted segments (a jump onto a slower phase such as the
    ground roll).

    Parameters
    ----------
    offset_m, t_s : ndarray (n,)
        Signed offsets (m) and picks (s; NaN ignored).
    tol_s : float
        Absolute tolerance (s).
    slack : float
        Allowed growth factor of the apparent slowness.

    Returns
    -------
    ndarray of bool (n,)
    """
    x = np.asarray(offset_m, float)
    t = np.asarray(t_s, float)
    out = np.zeros(x.size, bool)
    for side in (x < 0, x >= 0):
        idx = np.flatnonzero(side & np.isfinite(t))
        idx = idx[np.argsort(np.abs(x[idx]), kind="stable")]
        acc: list[int] = []
        for i in idx:
            if len(acc) >= 1 and t[i] < t[acc[-1]] - tol_s:
                out[i] = True
                continue
            if len(acc) >= 2:
                sl = [(t[acc[j]] - t[acc[j - 1]]) / max(abs(x[acc[j]]) - abs(x[acc[j - 1]]), 1e-9)
                      for j in range(max(1, len(acc) - 3), len(acc))]
                sp = max(float(np.median(sl)), 0.0)
                # the slowness of the first segment (from the shot) bounds the growth too
                s0 = t[acc[0]] / max(abs(x[acc[0]]), 1e-9)
                limit = t[acc[-1]] + slack * max(sp, 0.25 * s0) * (abs(x[i]) - abs(x[acc[-1]])) + tol_s
                if t[i] > limit:
                    out[i] = True
                    continue
            acc.append(int(i))
    return out


def reciprocity_outliers(src_x_m: np.ndarray, rec_x_m: np.ndarray, t_s: np.ndarray, quality: np.ndarray,
                         tol_s: float, rel_tol: float = 0.05, position_tol_m: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """Reciprocity check across shots: t(A -> B) must equal t(B -> A).

    Parameters
    ----------
    src_x_m, rec_x_m, t_s, quality : ndarray (n,)
        Source and receiver positions (m), picks (s; NaN ignored) and their
        quality (0..1), for all picks of all shots.
    tol_s, rel_tol : float
        A pair fails when ``|t_ab - t_ba| > tol_s + rel_tol * mean(t_ab, t_ba)``.
    position_tol_m : float
        Positions within this distance are the same station.

    Returns
    -------
    flagged : ndarray of bool (n,)
        The poorer pick (lower quality; the later one on a tie) of every
        failing pair.
    misfit_s : ndarray (n,)
        ``t - t_reciprocal`` for picks that have a reciprocal, else NaN.
    """
    s = np.round(np.asarray(src_x_m, float) / position_tol_m).astype(np.int64)
    r = np.round(np.asarray(rec_x_m, float) / position_tol_m).astype(np.int64)
    t = np.asarray(t_s, float)
    q = np.asarray(quality, float)
    lookup: dict[tuple[int, int], int] = {}
    for i in np.flatnonzero(np.isfinite(t)):
        key = (int(s[i]), int(r[i]))
        if key not in lookup or q[i] > q[lookup[key]]:
            lookup[key] = int(i)
    flagged = np.zeros(t.size, bool)
    misfit = np.full(t.size, np.nan)
    for i in np.flatnonzero(np.isfinite(t)):
        j = lookup.get((int(r[i]), int(s[i])))
        if j is None or j == i or s[i] == r[i]:
            continue
        misfit[i] = t[i] - t[j]
        if abs(t[i] - t[j]) > tol_s + rel_tol * 0.5 * (t[i] + t[j]):
            worse = i if (q[i] < q[j] or (q[i] == q[j] and t[i] > t[j])) else j
            flagged[worse] = True
    return flagged, misfit


# --------------------------------------------------------------------------- the picker


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


def _pick_energy(x: np.ndarray, lo: int, hi: int, sigma: float, factor: float, n_s: int,
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


def pick_gather(data: np.ndarray, dt_s: float, t0_s: float, offset_m: np.ndarray,
                params: PickParams | None = None) -> GatherPicks:
    """Pick first breaks on one shot record.

    Parameters
    ----------
    data : ndarray (n_traces, n_samples)
        Amplitudes.
    dt_s : float
        Sample interval (s).
    t0_s : float
        Time of the first sample relative to the shot (s; negative when the
        record has a pre-trigger delay).
    offset_m : ndarray (n_traces,)
        Signed source-receiver offset (m).
    params : PickParams, optional

    Returns
    -------
    GatherPicks
    """
    p = params or PickParams()
    d = np.asarray(data, float)
    if d.ndim != 2:
        raise ValueError(f"data must be 2-D (n_traces, n_samples), got shape {d.shape}")
    ntr, ns = d.shape
    off = np.asarray(offset_m, float).ravel()
    if off.size != ntr:
        raise ValueError(f"offset_m has {off.size} values for {ntr} traces")
    res = GatherPicks(
        t_s=np.full(ntr, np.nan), quality=np.zeros(ntr), snr_db=np.full(ntr, np.nan),
        err_s=np.full(ntr, np.nan), polarity=np.zeros(ntr, int), flags=[""] * ntr, use=np.zeros(ntr, bool),
    )
    finite = np.all(np.isfinite(d), axis=1)
    dd = np.where(finite[:, None], d, 0.0)
    t_end = ns * dt_s + t0_s if p.t_max_s is None else min(p.t_max_s, ns * dt_s + t0_s)
    lo_k = np.array([int(np.ceil((max(0.0, abs(o) / p.v_max_m_s) - t0_s) / dt_s)) for o in off])
    hi_k = np.array([int(np.floor((min(t_end, abs(o) / p.v_min_m_s + p.max_time_margin_s) - t0_s) / dt_s)) + 1 for o in off])
    lo_k = np.clip(lo_k, 0, ns)
    hi_k = np.clip(hi_k, 0, ns)
    # remove the mean of the pre-arrival part (or of the whole trace)
    for i in range(ntr):
        k = lo_k[i]
        dd[i] -= dd[i, :k].mean() if k > 10 else dd[i].mean()
    rms = np.sqrt(np.mean(dd**2, axis=1))
    med = np.median(rms[finite & (rms > 0)]) if np.any(finite & (rms > 0)) else 0.0
    dead = ~finite | (rms <= p.dead_rms_fraction * med) | (rms == 0)
    for i in np.flatnonzero(dead):
        res.add_flag(int(i), "dead")
    live = ~dead
    if not live.any():
        return res
    fc = p.lowpass_hz
    if fc is None and p.auto_lowpass:
        fc = auto_lowpass_hz(dd[live], dt_s, lo_k[live])
    raw = dd.copy()
    n_smear = 0
    if fc is not None and fc < 0.5 / dt_s:
        dd[live] = lowpass(dd[live], fc, dt_s)
        n_smear = int(round(1.0 / (fc * dt_s)))
    res.lowpass_hz = float(fc) if fc is not None else np.nan
    T = dominant_period(np.array([dd[i, lo_k[i]:lo_k[i] + 512] for i in np.flatnonzero(live) if lo_k[i] + 512 <= ns])
                        if np.any(lo_k[live] + 512 <= ns) else dd[live], dt_s)
    if fc is not None:
        T = min(T, 4.0 / fc)
    res.dominant_period_s = T
    n_er = max(3, int(round((p.er_window_s or 1.5 * T) / dt_s)))
    n_s = max(3, int(round(0.25 * T / dt_s)))
    n_before = max(4, int(round((p.aic_before_s or 0.5 * T) / dt_s)))
    n_after = max(2, int(round((p.aic_after_s or 0.25 * T) / dt_s)))
    tol = p.outlier_tolerance_s if p.outlier_tolerance_s is not None else max(4 * dt_s, 0.25 * T)
    # noise level per trace from its pre-arrival samples; gather median where too short
    sig = np.full(ntr, np.nan)
    for i in np.flatnonzero(live):
        k = lo_k[i]
        if k >= 16:
            seg = dd[i, max(0, k - 4096):k]
            sig[i] = 1.4826 * np.median(np.abs(seg - np.median(seg)))
            sig[i] = max(sig[i], np.sqrt(np.mean(seg**2)) * 0.5)
    have_noise = np.isfinite(sig) & (sig > 0)

    def pick(i: int, lo: int, hi: int, nb: int) -> int | None:
        if have_noise[i]:
            k = _pick_energy(dd[i], lo, hi, sig[i], p.noise_factor, n_s, nb, n_smear, raw[i])
            if k is not None:
                return k
        return _pick_one(dd[i], lo, hi, n_er, p.er_threshold, nb, n_after)

    for i in np.flatnonzero(live):
        lo, hi = int(lo_k[i]), int(hi_k[i])
        if hi - lo < 3:
            res.add_flag(int(i), "nopick")
            continue
        k = pick(int(i), lo, hi, n_before)
        if k is None:
            res.add_flag(int(i), "nopick")
            continue
        res.t_s[i] = t0_s + k * dt_s
        res.snr_db[i] = _snr_db(dd[i], k, n_er * 2)
        res.polarity[i] = _first_motion(dd[i], k, n_er)

    # consistency with neighbours, guided re-pick
    bad, pred = consistency_outliers(off, res.t_s, tol, p.outlier_rel_tolerance)
    for i in np.flatnonzero(bad):
        ok = False
        if p.repick and np.isfinite(pred[i]):
            c = int(round((pred[i] - t0_s) / dt_s))
            w = int(np.ceil((tol + p.outlier_rel_tolerance * abs(pred[i])) / dt_s))
            lo, hi = max(int(lo_k[i]), c - w), min(int(hi_k[i]), c + w + 1)
            k = _pick_one(dd[i], lo, hi, min(n_er, max(3, w)), p.er_threshold, min(n_before, w), n_after) if hi - lo > 3 else None
            if k is not None and abs(t0_s + k * dt_s - pred[i]) <= tol + p.outlier_rel_tolerance * abs(pred[i]):
                res.t_s[i] = t0_s + k * dt_s
                res.snr_db[i] = _snr_db(dd[i], k, n_er * 2)
                res.polarity[i] = _first_motion(dd[i], k, n_er)
                res.add_flag(int(i), "repicked")
                ok = True
        if not ok:
            res.add_flag(int(i), "outlier")
    # a second pass catches outliers that were hidden by their neighbours
    masked = np.where(["outlier" in f for f in res.flags], np.nan, res.t_s)
    again, _ = consistency_outliers(off, masked, tol, p.outlier_rel_tolerance)
    for i in np.flatnonzero(again):
        res.add_flag(int(i), "outlier")

    jump_tol = max(2 * dt_s, 0.02 * T)
    masked = np.where(["outlier" in f for f in res.flags], np.nan, res.t_s)
    for i in np.flatnonzero(slowness_jump_outliers(off, masked, jump_tol)):
        res.add_flag(int(i), "outlier")

    if p.extend:
        ok = np.array([np.isfinite(res.t_s[i]) and not ({"dead", "outlier", "nopick"} & set(res.flags[i].split(",")))
                       for i in range(ntr)])
        for side in (off < 0, off >= 0):
            idx = np.flatnonzero(side & live)
            idx = idx[np.argsort(np.abs(off[idx]), kind="stable")]
            acc: list[int] = []
            for i in idx:
                if ok[i]:
                    acc.append(int(i))
                    continue
                if len(acc) < 2:
                    continue
                ax = np.abs(off)
                sl = [(res.t_s[acc[j]] - res.t_s[acc[j - 1]]) / max(ax[acc[j]] - ax[acc[j - 1]], 1e-9)
                      for j in range(max(1, len(acc) - 3), len(acc))]
                slope = max(float(np.median(sl)), 0.0)
                t_last = float(res.t_s[acc[-1]])
                pred = t_last + slope * (ax[i] - ax[acc[-1]])
                w = tol + p.outlier_rel_tolerance * pred
                lo = max(int(lo_k[i]), int(np.ceil((max(t_last, pred - w) - t0_s) / dt_s)))
                hi = min(int(hi_k[i]), int(np.floor((pred + w - t0_s) / dt_s)) + 1)
                if hi - lo < 3:
                    continue
                if have_noise[i]:
                    k = _pick_energy(dd[i], lo, hi, sig[i], p.extend_noise_factor, n_s, min(n_before, hi - lo), n_smear, raw[i])
                else:
                    k = _pick_one(dd[i], lo, hi, min(n_er, max(3, (hi - lo) // 3)), p.er_threshold, min(n_before, hi - lo), n_after)
                if k is None or k <= lo or k >= hi - 1:  # a pick on the window edge is the window, not an onset
                    continue
                tk = t0_s + k * dt_s
                if abs(tk - pred) <= w and tk > t_last:
                    res.t_s[i] = tk
                    res.snr_db[i] = _snr_db(dd[i], k, n_er * 2)
                    res.polarity[i] = _first_motion(dd[i], k, n_er)
                    res.flags[i] = ",".join([f for f in res.flags[i].split(",") if f and f not in ("outlier", "nopick")] + ["extended"])
                    ok[i] = True
                    acc.append(int(i))
        # the extended picks obey the same monotonic / slowness-jump rule
        masked = np.where(ok, res.t_s, np.nan)
        for i in np.flatnonzero(slowness_jump_outliers(off, masked, jump_tol)):
            res.add_flag(int(i), "outlier")

    # polarity: correlation with neighbours, majority first-motion sign as fallback
    picked = np.isfinite(res.t_s)
    signs = res.polarity[picked & (res.polarity != 0)]
    majority = int(np.sign(signs.sum())) if signs.size and signs.sum() != 0 else 1
    rel = _polarity_by_correlation(dd, res.t_s, t0_s, dt_s, max(n_er, 2 * n_s))
    for i in np.flatnonzero(picked):
        reversed_ = rel[i] < 0 if rel[i] != 0 else res.polarity[i] == -majority
        res.polarity[i] = -1 if reversed_ else 1
        if reversed_:
            res.add_flag(int(i), "reversed")

    # quality and error
    snr = np.where(np.isfinite(res.snr_db), res.snr_db, -np.inf)
    res.quality = np.clip(snr / 30.0, 0.0, 1.0)
    lin = 10 ** (np.clip(snr, -20, 60) / 20)
    res.err_s = np.where(picked, np.clip(0.5 * T / np.sqrt(np.maximum(lin, 1e-3)), dt_s, T), np.nan)
    for i in np.flatnonzero(picked & (snr < p.min_snr_db)):
        res.add_flag(int(i), "nopick")
    res.use = picked & np.array([not ({"dead", "nopick", "outlier"} & set(f.split(","))) for f in res.flags])
    return res


def _polarity_by_correlation(d: np.ndarray, t_s: np.ndarray, t0_s: float, dt_s: float, n: int) -> np.ndarray:
    """Relative polarity (+1/-1/0) of each picked trace from the zero-lag correlation with its neighbours.

    Windows of ``n`` samples starting at the picks are normalised and
    correlated with the two nearest picked traces on each side; the sign of
    the summed correlation is the trace's polarity relative to its
    neighbours. A trace is only called reversed when the majority of the
    gather correlates positively with its own neighbours.
    """
    ntr = d.shape[0]
    pol = np.zeros(ntr, int)
    idx = np.flatnonzero(np.isfinite(t_s))
    if idx.size < 3:
        return pol
    W = np.zeros((idx.size, n))
    for j, i in enumerate(idx):
        k = int(round((t_s[i] - t0_s) / dt_s))
        seg = d[i, k:k + n]
        W[j, : seg.size] = seg
    nrm = np.linalg.norm(W, axis=1, keepdims=True)
    W = W / np.where(nrm > 0, nrm, 1.0)
    score = np.zeros(idx.size)
    for j in range(idx.size):
        nb = [m for m in range(max(0, j - 2), min(idx.size, j + 3)) if m != j]
        score[j] = sum(float(W[j] @ W[m]) for m in nb)
    # a reversed trace anticorrelates with all its neighbours; its neighbours
    # then see one negative term each, which their other neighbours outweigh
    for j, i in enumerate(idx):
        pol[i] = 1 if score[j] > 0 else (-1 if score[j] < -0.5 else 0)
    return pol


__all__ = [
    "FLAGS", "GatherPicks", "PickParams", "aic_picker", "consistency_outliers", "dominant_period",
    "modified_energy_ratio", "pick_gather", "reciprocity_outliers", "slowness_jump_outliers", "sta_lta",
    "auto_lowpass_hz", "lowpass",
]
