"""Defaults that follow the data: band limits against Nyquist, first arrivals -> mute and velocity bounds.

Each function returns the value it settled on and a note (a sentence) that
the flow records in the result's attributes (``attrs["notes"]``, JSON list)
and logs as a warning when a value given by the user had to change.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np

from geoexplore.core.errors import GeoexploreError

log = logging.getLogger(__name__)

#: a band-pass high corner above this fraction of Nyquist is clamped to it
NYQUIST_FRACTION = 0.8


def clamp_band(freq_min_hz: float | None, freq_max_hz: float | None, dt_s: float) -> tuple[float | None, float | None, list[str]]:
    """Check band-pass corners against the Nyquist frequency ``0.5 / dt_s``.

    A high corner at or above ``NYQUIST_FRACTION`` x Nyquist is clamped to
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
    if hi is not None and hi >= NYQUIST_FRACTION * nyq:
        hi = round(NYQUIST_FRACTION * nyq, 3)
        notes.append(f"band-pass high corner {freq_max_hz:g} Hz is at or above {NYQUIST_FRACTION:g} x Nyquist "
                     f"({nyq:g} Hz for {dt_s * 1000:g} ms sampling): clamped to {hi:g} Hz")
    if freq_min_hz is not None and freq_min_hz >= (hi if hi is not None else nyq):
        raise GeoexploreError(f"band-pass low corner {freq_min_hz:g} Hz is not below the high corner "
                              f"{hi if hi is not None else nyq:g} Hz (Nyquist {nyq:g} Hz)")
    for n in notes:
        log.warning(n)
    return freq_min_hz, hi, notes


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
    slope, icpt = np.polyfit(x[near] ** 2, t[near] ** 2, 1) if np.ptp(x[near]) > 0 and near.sum() >= 3 else (0.0, 0.0)
    out["near_m_s"] = float(1.0 / np.sqrt(slope)) if slope > 0 else float(np.median(x[near] / t[near]))
    out["t0_s"] = float(np.sqrt(icpt)) if slope > 0 and icpt > 0 else 0.0
    # a line t = a + x / v through the nearest tenth of the offsets: a about 0 where the first arrivals start at the
    # source (the direct wave, or a head wave of a thin top layer), a about t0 at sea
    first = cls == cls.min()
    a = np.polyfit(x[first], t[first], 1)[1] if np.ptp(x[first]) > 0 and first.sum() >= 3 else out["t0_s"]
    direct = bool(a < 0.5 * float(np.median(t[first])))
    if direct:  # land: the slowest first arrivals are the direct wave
        out["near_m_s"] = float(min(fast))
    out["direct"] = float(direct)
    return out


__all__ = ["NYQUIST_FRACTION", "clamp_band", "first_arrival_velocities", "first_breaks"]
