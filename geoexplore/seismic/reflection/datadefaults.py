"""Defaults that follow the data: band limits against Nyquist and the record's spectrum, first arrivals -> mute and velocity bounds.

Each function returns the value it settled on and a note (a sentence) that
the flow records in the result's attributes (``attrs["notes"]``, JSON list)
and logs as a warning when a value given by the user had to change.
"""

from __future__ import annotations

import logging
import math
from typing import Any

import numpy as np

from geoexplore.core.errors import GeoexploreError

log = logging.getLogger(__name__)

#: a band-pass high corner above this fraction of Nyquist is clamped to it
NYQUIST_FRACTION = 0.8


def clamp_band(freq_min_hz: float | None, freq_max_hz: float | None, dt_s: float) -> tuple[float | None, float | None, list[str]]:
    """Check band-pass corners against the Nyquist frequency ``0.5 / dt_s``.

    A high corner above ``NYQUIST_FRACTION`` x Nyquist is clamped to
    that value (a Butterworth corner at Nyquist is no low-pass at all); a low
    corner at or above the (clamped) high corner is refused.

    Returns
    -------
    freq_min_hz, freq_max_hz : float or None
    notes : list of str
    """
    nyq = 0.5 / dt_s
    notes: list[str] = []
    hi = freq_max_hz
    if hi is not None and hi > NYQUIST_FRACTION * nyq:
        hi = round(NYQUIST_FRACTION * nyq, 3)
        notes.append(f"band-pass high corner {freq_max_hz:g} Hz is at or above {NYQUIST_FRACTION:g} x Nyquist "
                     f"({nyq:g} Hz for {dt_s * 1000:g} ms sampling): clamped to {hi:g} Hz")
    if freq_min_hz is not None and freq_min_hz >= (hi if hi is not None else nyq):
        raise GeoexploreError(f"band-pass low corner {freq_min_hz:g} Hz is not below the high corner "
                              f"{hi if hi is not None else nyq:g} Hz (Nyquist {nyq:g} Hz)")
    for n in notes:
        log.warning(n)
    return freq_min_hz, hi, notes


#: fewest traces with a pre-arrival noise window of at least ``MIN_NOISE_SAMPLES`` samples for a band estimate
MIN_NOISE_TRACES = 4
MIN_NOISE_SAMPLES = 32


def signal_band(data: Any, dt_s: float, fb_s: Any, *, stack_fold: float = 1.0, margin_s: float = 0.01,
                smooth_hz: float = 5.0) -> dict[str, Any]:
    """The frequency band where a record's signal stands above its noise (in the stack of ``stack_fold`` traces).

    Power spectra (Hann window, normalised per sample) of the part of each
    trace from its first arrival to the end (signal S plus noise N) and of
    the part before it, less ``margin_s`` (noise N), are averaged over the
    traces and smoothed over ``smooth_hz``. Stacking ``stack_fold`` traces
    divides the power of noise that is random from trace to trace by the
    fold, so a frequency carries signal above the noise of the stack where
    ``S >= N / stack_fold``, i.e. ``(S + N) / N >= 1 + 1 / stack_fold``
    (``stack_fold=1``: the signal at least as strong as the noise on each
    trace). The band is the run of such frequencies around the signal
    spectrum's peak. A record with no noise at all (a noise-free synthetic)
    has the band up to Nyquist.

    Returns
    -------
    dict
        ``low_hz``, ``high_hz``, ``peak_hz``, ``n_noise_traces``, ``stack_fold``.

    Raises
    ------
    GeoexploreError
        Fewer than ``MIN_NOISE_TRACES`` traces have a pre-arrival window of
        ``MIN_NOISE_SAMPLES`` samples: the noise cannot be estimated.
    """
    d = np.asarray(data, float)
    fb = np.asarray(fb_s, float)
    n = d.shape[1]
    nfft = int(2 ** np.ceil(np.log2(max(n, 2))))
    f = np.fft.rfftfreq(nfft, dt_s)
    ps, pn = np.zeros(f.size), np.zeros(f.size)
    n_sig = n_noise = 0
    for tr, t in zip(d, fb):
        if not np.isfinite(t) or not np.any(tr):
            continue
        i, j = int(round(t / dt_s)), int(round((t - margin_s) / dt_s))
        if n - i >= MIN_NOISE_SAMPLES:
            ps += np.abs(np.fft.rfft(tr[i:] * np.hanning(n - i), nfft)) ** 2 / (n - i)
            n_sig += 1
        if j >= MIN_NOISE_SAMPLES:
            pn += np.abs(np.fft.rfft(tr[:j] * np.hanning(j), nfft)) ** 2 / j
            n_noise += 1
    if n_noise < MIN_NOISE_TRACES or n_sig == 0:
        raise GeoexploreError(f"cannot estimate the record's signal band: {n_noise} trace(s) have a pre-arrival noise window "
                              f"of {MIN_NOISE_SAMPLES} samples (need {MIN_NOISE_TRACES}); give the band-pass corners")
    k = max(1, int(round(smooth_hz / (f[1] - f[0]))))
    box = np.ones(k) / k
    ps, pn = np.convolve(ps / n_sig, box, "same"), np.convolve(pn / n_noise, box, "same")
    ok = ps >= (1.0 + 1.0 / max(stack_fold, 1.0)) * pn
    pk = int(np.argmax(np.where(f > 0, ps, 0.0)))
    lo = hi = pk
    while lo > 1 and ok[lo - 1]:
        lo -= 1
    while hi < f.size - 1 and ok[hi + 1]:
        hi += 1
    return {"low_hz": float(f[lo]), "high_hz": float(f[hi]), "peak_hz": float(f[pk]), "n_noise_traces": n_noise,
            "stack_fold": float(max(stack_fold, 1.0))}


def check_band(freq_min_hz: float | None, freq_max_hz: float | str | None, band: dict[str, Any],
               dt_s: float) -> tuple[float | None, float | None, list[str]]:
    """Band-pass corners checked against the record's signal band (:func:`signal_band`).

    ``freq_max_hz="auto"``: the band's high edge (at most ``NYQUIST_FRACTION``
    x Nyquist) - adapted to the data, with a note. A numeric high corner
    above the band is kept (the user asked for it) with a note that noise
    passes; a low corner at or above the band's high edge is refused (no
    signal would pass); a low corner below the band's low edge is kept with a
    note.
    """
    notes: list[str] = []
    auto_note = None
    rng = f"{band['low_hz']:.1f}-{band['high_hz']:.1f} Hz"
    hi = freq_max_hz
    if hi == "auto":
        hi = float(np.floor(10 * min(band["high_hz"], NYQUIST_FRACTION * 0.5 / dt_s)) / 10)  # 0.1 Hz, inside the band
        cap = f", capped at {NYQUIST_FRACTION:g} x Nyquist" if band["high_hz"] > NYQUIST_FRACTION * 0.5 / dt_s else ""
        notes.append(f"band-pass high corner from the record's spectrum: {hi:g} Hz (signal above the noise of a "
                     f"{band.get('stack_fold', 1.0):g}-fold stack over {rng}, peak {band['peak_hz']:.1f} Hz; "
                     f"{band['n_noise_traces']} traces' pre-arrival noise{cap})")
        auto_note = notes[-1]  # a default that follows the data, not a user's value changed: recorded, not warned
    elif isinstance(hi, str):
        raise GeoexploreError(f"freq_max_hz must be a frequency (Hz), None or 'auto', got {hi!r}")
    elif hi is not None and hi > band["high_hz"]:
        notes.append(f"band-pass high corner {hi:g} Hz lies above the band where the data have signal above noise ({rng}): "
                     "kept as given, noise above it passes (freq_max_hz 'auto' follows the data)")
    if freq_min_hz is not None and freq_min_hz >= band["high_hz"]:
        raise GeoexploreError(f"band-pass low corner {freq_min_hz:g} Hz is at or above the high edge of the band where the "
                              f"data have signal above noise ({rng}): nothing but noise would pass")
    if freq_min_hz is not None and freq_min_hz < band["low_hz"]:
        notes.append(f"band-pass low corner {freq_min_hz:g} Hz lies below the band where the data have signal above noise "
                     f"({rng}): kept as given")
    for n in notes:
        if n is not auto_note:
            log.warning(n)
    return freq_min_hz, hi, notes


def corners_from_data(data: Any, dt_s: float, fold: Any, freq_min_hz: float | None,
                      freq_max_hz: float | str | None) -> tuple[float | None, float | None, dict[str, Any] | None, list[str]]:
    """Band-pass corners of a pre-stack dataset: :func:`signal_band` (noise of a stack of the median live ``fold``),
    :func:`check_band`, then :func:`clamp_band`. Without a noise window a numeric corner is kept unchecked (noted);
    ``"auto"`` is refused.

    Returns
    -------
    freq_min_hz, freq_max_hz, band (None if not estimated), notes
    """
    d = np.nan_to_num(np.asarray(data, float))
    f = np.asarray(fold if fold is not None else np.ones(1), float)
    notes: list[str] = []
    try:
        band: dict[str, Any] | None = signal_band(d, dt_s, first_breaks(d, dt_s),
                                                  stack_fold=float(np.median(f[f > 0])) if np.any(f > 0) else 1.0)
    except GeoexploreError as exc:
        if freq_max_hz == "auto":
            raise
        band = None
        notes.append(f"band-pass corners not checked against the spectrum: {exc}")
    if band is not None:
        freq_min_hz, freq_max_hz, n = check_band(freq_min_hz, freq_max_hz, band, dt_s)
        notes += n
    lo, hi, n = clamp_band(freq_min_hz, freq_max_hz, dt_s)  # type: ignore[arg-type]
    return lo, hi, band, notes + n


def scan_v_max(max_offset_m: float, record_s: float, window_s: float, *, v_min_m_s: float, max_vint_m_s: float,
               dv_m_s: float) -> tuple[float, str]:
    """Top velocity of the semblance scan from the data's offsets and record length.

    A velocity ``v`` is told apart from every faster one at zero-offset time
    ``t0`` only while the moveout at the largest offset ``X``,
    ``sqrt(t0**2 + X**2 / v**2) - t0``, exceeds the semblance window
    ``window_s``. That moveout shrinks with ``t0``, so at the end of the
    record ``T`` the resolvable limit is ``X / sqrt((T + w)**2 - T**2)``; no
    RMS velocity of the record above it can be picked. The scan stops there,
    rounded up to ``dv_m_s``, and at ``max_vint_m_s`` (an RMS velocity never
    exceeds the fastest interval velocity); it reaches at least four steps
    above ``v_min_m_s``.

    Returns
    -------
    v_max_m_s : float
    note : str
    """
    if not (max_offset_m > 0 and record_s > 0 and window_s > 0):
        raise GeoexploreError(f"cannot derive the velocity scan's top from the data (largest offset {max_offset_m:g} m, record "
                              f"{record_s:g} s); give v_max_m_s")
    v_res = max_offset_m / np.sqrt((record_s + window_s) ** 2 - record_s**2)
    v = float(min(np.ceil(v_res / dv_m_s) * dv_m_s, max_vint_m_s))
    v = max(v, v_min_m_s + 4 * dv_m_s)
    note = (f"velocity scan up to {v:g} m/s: the fastest RMS velocity the moveout resolves at the end of the record "
            f"({max_offset_m:.0f} m largest offset, {record_s:g} s, {window_s * 1000:g} ms window: {v_res:.0f} m/s), "
            f"at most max_vint_m_s {max_vint_m_s:g}")
    return v, note


def first_breaks(data: Any, dt_s: float, *, threshold: float = 0.2) -> np.ndarray:
    """First-arrival time (s) of each trace: the first sample whose amplitude reaches ``threshold`` x the trace's peak.

    Dead traces get NaN. A simple picker for setting defaults (mute,
    velocity bounds), not for statics.
    """
    d = np.abs(np.asarray(data, float))
    peak = d.max(axis=1)
    live = peak > 0
    over = d >= threshold * np.where(live, peak, 1.0)[:, None]
    t = np.argmax(over, axis=1) * dt_s
    return np.where(live, t, np.nan)


def line_fit(x: Any, y: Any) -> tuple[float, float]:
    """Least-squares line ``y = slope x + intercept``: ``(slope, intercept)``, the same bits in every process.

    The sums are exactly rounded (:func:`math.fsum`) around the means, so the result does not depend on
    how a BLAS or LAPACK build orders its sums (``np.polyfit`` goes through LAPACK's least squares, whose
    last bits differed between two worker processes of one run: a stored first-arrival time changed
    by 3e-17 s and with it the result's digest). The cause found later: pyGIMLi's mesh generator leaves the
    x87 FPU at 53-bit precision, which OpenBLAS's ``dnrm2`` inside LAPACK uses (:mod:`geoexplore.core.fpenv`
    puts it back); the exact sums stay.
    """
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    n = x.size
    mx, my = math.fsum(x) / n, math.fsum(y) / n
    dx, dy = x - mx, y - my
    slope = math.fsum(dx * dy) / math.fsum(dx * dx)
    return slope, my - slope * mx


def first_arrival_velocities(offsets_m: Any, fb_s: Any) -> dict[str, float]:
    """Velocities of the first arrivals (m/s).

    ``t0_s``: the zero-offset time of a hyperbola ``t**2 = t0**2 + x**2 / v**2``
    fitted (least squares in ``t**2`` and ``x**2``) to the first breaks of
    the nearest quarter of the offsets: the first reflector at sea (the
    water bottom). ``direct`` (1.0 or 0.0): 1 where the first arrivals start
    at the source (land: the direct wave), from a straight line fitted to the
    first breaks of the nearest tenth of the offsets whose intercept is below
    half their median time. ``near_m_s``: the velocity of the slowest first arrivals,
    no reflection below travels slower on average: at sea that hyperbola's
    velocity (the water); on land the smallest ratio of median ``|x|`` to
    median ``t`` over ten offset classes (the direct wave: beyond the
    crossover distance, a few metres to tens of metres on land, the first
    arrivals are faster refractions, which a hyperbola fitted across the
    crossover mixes in). ``fastest_m_s``: the largest such ratio (the
    earliest arrivals: no signal comes before this line).
    """
    x = np.abs(np.asarray(offsets_m, float))
    t = np.asarray(fb_s, float)
    ok = np.isfinite(t) & (t > 0) & (x > 0)
    if ok.sum() < 4:
        raise GeoexploreError("too few first arrivals to derive a mute and velocity bounds from the data; give them")
    x, t = x[ok], t[ok]
    near = x <= np.quantile(x, 0.25)
    # the earliest arrivals: the largest median |x| / median t over ten offset classes (a noisy pick
    # on one trace does not move a class median)
    edges = np.unique(np.quantile(x, np.linspace(0, 1, 11)))
    cls = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, max(edges.size - 2, 0))
    fast = [np.median(x[cls == k]) / np.median(t[cls == k]) for k in np.unique(cls)]
    out = {"fastest_m_s": float(max(fast))}
    slope, icpt = line_fit(x[near] ** 2, t[near] ** 2) if np.ptp(x[near]) > 0 and near.sum() >= 3 else (0.0, 0.0)
    out["near_m_s"] = float(1.0 / np.sqrt(slope)) if slope > 0 else float(np.median(x[near] / t[near]))
    out["t0_s"] = float(np.sqrt(icpt)) if slope > 0 and icpt > 0 else 0.0
    # a line t = a + x / v through the nearest tenth of the offsets: a about 0 where the first arrivals start at the
    # source (the direct wave, or a head wave of a thin top layer), a about t0 at sea
    first = cls == cls.min()
    a = line_fit(x[first], t[first])[1] if np.ptp(x[first]) > 0 and first.sum() >= 3 else out["t0_s"]
    direct = bool(a < 0.5 * float(np.median(t[first])))
    if direct:  # land: the slowest first arrivals are the direct wave
        out["near_m_s"] = float(min(fast))
    out["direct"] = float(direct)
    return out


__all__ = ["NYQUIST_FRACTION", "check_band", "clamp_band", "corners_from_data", "first_arrival_velocities", "first_breaks", "line_fit",
           "scan_v_max", "signal_band"]
