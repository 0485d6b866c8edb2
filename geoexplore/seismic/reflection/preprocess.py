"""Reflection flow, stage 2: pre-processing of the CMP dataset.

Trace kills by offset, band-pass / notch / f-k filters, top mute, gain
(spherical divergence or t^n, AGC) and predictive deconvolution, shot by
shot, with the kernels of :mod:`.filters`, :mod:`.gain` and :mod:`.decon`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import numpy as np
import xarray as xr

from geoexplore.core.errors import GeoexploreError


def _by_shot(ds: xr.Dataset) -> Iterable[np.ndarray]:
    ffid = ds["ffid"].values
    for f in np.unique(ffid):
        yield np.flatnonzero(ffid == f)


def preprocess(
    ds: xr.Dataset,
    *,
    freq_min_hz: float | None = 30.0,
    freq_max_hz: float | str | None = "auto",
    notch_hz: float | None = None,
    fk_reject_m_s: float | None = None,
    mute_velocity_m_s: float | str | None = "auto",
    mute_intercept_s: float = 0.02,
    gain: str = "divergence",
    gain_velocity_m_s: float = 1800.0,
    tpow: float = 1.0,
    agc_window_s: float = 0.0,
    decon_operator_s: float = 0.0,
    decon_gap_s: float | None = None,
    kill_dead: bool = True,
    min_offset_m: float = 0.0,
) -> xr.Dataset:
    """Trace editing, filters, gain, mute and (optional) deconvolution of a pre-stack dataset.

    Order: dead-trace kill (and traces with abs(offset) < ``min_offset_m``, swamped by source noise) -> notch -> f-k (per shot, by receiver chainage) ->
    band-pass -> deconvolution -> gain (``"divergence"``: ``t v**2`` with a
    constant ``gain_velocity_m_s``; ``"tpow"``: ``t**tpow``; ``"none"``) ->
    AGC (if ``agc_window_s`` > 0) -> top mute along
    ``mute_intercept_s + |offset| / mute_velocity_m_s``.

    Defaults follow the data (:mod:`.datadefaults`): the record's signal band
    (where the signal stands above the noise of the stack of the median
    fold, :func:`~geoexplore.seismic.reflection.datadefaults.signal_band`)
    gives ``freq_max_hz="auto"``; corners given outside it are kept with a
    note, a low corner above it is refused (``band_signal_hz`` attribute); a
    ``freq_max_hz`` at or above 0.8 x Nyquist is clamped (warning); ``mute_velocity_m_s="auto"``
    mutes above the line through the earliest first arrivals
    (:func:`~geoexplore.seismic.reflection.datadefaults.first_arrival_velocities`). The first-arrival
    velocities (``first_arrival_near_m_s``, ``first_arrival_fastest_m_s``)
    and every adjusted value (``notes``, JSON list) go into the attributes.
    """
    from geoexplore.seismic.reflection import decon, filters
    from geoexplore.seismic.reflection import gain as gainmod
    from geoexplore.seismic.reflection.datadefaults import (
        corners_from_data,
        first_arrival_velocities,
        first_breaks,
    )

    dt = float(ds.attrs["dt_s"])
    notes: list[str] = json.loads(ds.attrs.get("notes", "[]"))
    d = np.asarray(ds["data"].values, np.float64)
    off = ds["offset_m"].values
    if kill_dead:
        dead = filters.dead_traces(d)
        d[dead] = 0.0
    freq_min_hz, freq_max_hz, band, n = corners_from_data(d, dt, ds["fold"].values if "fold" in ds else None,
                                                         freq_min_hz, freq_max_hz)
    notes += n
    if min_offset_m > 0:
        d[np.abs(off) < min_offset_m] = 0.0
    d = np.nan_to_num(d)
    if notch_hz:
        d = filters.notch(d, dt, notch_hz)
    if fk_reject_m_s:
        for idx in _by_shot(ds):
            ch = ds["receiver_chainage_m"].values[idx]
            o = idx[np.argsort(ch)]
            dx = float(np.median(np.abs(np.diff(np.sort(ch))))) or 1.0
            d[o] = filters.fk_filter(d[o], dt, dx, fk_reject_m_s, f_max_hz=(freq_min_hz or 30.0) * 2)
    if freq_min_hz or freq_max_hz:
        lo = freq_min_hz or 1.0
        hi = freq_max_hz or 0.499 / dt
        d = filters.bandpass(d, dt, lo, hi)
    fb = first_breaks(d, dt)
    try:
        fav = first_arrival_velocities(off, fb)
    except GeoexploreError:
        if mute_velocity_m_s == "auto":
            raise
        fav = {}
    if mute_velocity_m_s == "auto":
        if fav["direct"]:  # land: the first arrivals are the direct wave and refractions, which do not stack: mute them
            mute_velocity_m_s = round(fav["near_m_s"], 1)
            notes.append(f"top mute from the first arrivals: {mute_velocity_m_s:g} m/s (the direct wave: the first arrivals "
                         f"start at the source; the direct and refracted waves above it are muted), intercept {mute_intercept_s:g} s")
        else:  # at sea the first arrival is the water-bottom reflection: mute only what comes before it
            mute_velocity_m_s = round(fav["fastest_m_s"], 1)
            notes.append(f"top mute from the first arrivals: {mute_velocity_m_s:g} m/s (the earliest arrivals over ten "
                         f"offset classes), intercept {mute_intercept_s:g} s")
    elif isinstance(mute_velocity_m_s, str):
        raise GeoexploreError(f"mute_velocity_m_s must be a velocity, None or 'auto', got {mute_velocity_m_s!r}")
    if decon_operator_s > 0:
        d = decon.predictive_decon(d, dt, operator_s=decon_operator_s, gap_s=decon_gap_s)
    if gain == "divergence":
        d = gainmod.spherical_divergence(d, dt, gain_velocity_m_s)
    elif gain == "tpow":
        d = gainmod.tpow(d, dt, tpow)
    elif gain != "none":
        raise GeoexploreError(f"unknown gain {gain!r}; choose divergence, tpow or none")
    if agc_window_s > 0:
        d = gainmod.agc(d, dt, agc_window_s)[0]
    if mute_velocity_m_s:
        d = filters.top_mute(d, off, dt, velocity_m_s=mute_velocity_m_s, intercept_s=mute_intercept_s, taper_s=0.008)
    out = ds.copy()
    out["data"] = (("trace", "time_s"), d.astype(np.float32))
    out.attrs["notes"] = json.dumps(notes)
    out.attrs["mute_velocity_m_s"] = float(mute_velocity_m_s or 0.0)
    out.attrs["band_hz"] = json.dumps([freq_min_hz, freq_max_hz])
    if band is not None:
        out.attrs["band_signal_hz"] = json.dumps([band["low_hz"], band["high_hz"]])
    for k, v in fav.items():
        out.attrs[f"first_arrival_{k}"] = float(v)
    return out


__all__ = ["preprocess"]
