"""Single-station H/V from a record to curves, f0, statistics and SESAME criteria (the facade)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from geoexplore.core.errors import GeoexploreError
from geoexplore.microtremor.record import Record
from geoexplore.microtremor.rejection import frequency_domain_rejection
from geoexplore.microtremor.sesame import SesameResult, evaluate
from geoexplore.microtremor.settings import HvsrSettings
from geoexplore.microtremor.smoothing import log_frequencies
from geoexplore.microtremor.spectral_ratio import hvsr_azimuthal, hvsr_windows
from geoexplore.microtremor.stats import (
    bootstrap_f0_sigma_ln,
    curve_statistics,
    lognormal,
    peak_of_curve,
    window_peaks,
)
from geoexplore.microtremor.windows import select_windows, window_starts

__all__ = ["HvsrResult", "hvsr", "hvsr_to_dataset", "process_record"]


@dataclass
class HvsrResult:
    """Everything an H/V run gives for one record (see attributes)."""

    station: str
    frequency_hz: np.ndarray
    hv: np.ndarray  # (nwin, nfreq), all windows cut (time-domain rejected ones included)
    starts_s: np.ndarray  # (nwin,)
    keep: np.ndarray  # (nwin,) kept after all checks
    median: np.ndarray
    sigma_ln: np.ndarray
    f0_hz: float
    a0: float
    f0_sigma_ln: float  # uncertainty of ln f0: bootstrap over the kept windows (stats.bootstrap_f0_sigma_ln)
    f0_windows_hz: float
    f0_windows_sigma_ln: float
    f0_windows_std_hz: float
    f0_windows_mean_hz: float  # arithmetic mean of the window peaks (Geopsy's "f0 from windows" +- f0_windows_std_hz)
    window_f0_hz: np.ndarray
    rejected: dict[str, int]
    sesame: SesameResult
    settings: HvsrSettings
    notes: list[str] = field(default_factory=list)
    azimuth_deg: np.ndarray | None = None
    azimuthal_median: np.ndarray | None = None  # (naz, nfreq)
    synthetic: bool = False

    @property
    def n_windows(self) -> int:
        return int(self.keep.sum())

    def summary(self) -> dict[str, Any]:
        """The per-record summary row (JSON-ready)."""
        return {
            "station": self.station,
            "f0_hz": self.f0_hz,
            "f0_sigma_ln": self.f0_sigma_ln,
            "a0": self.a0,
            "f0_windows_hz": self.f0_windows_hz,
            "f0_windows_sigma_ln": self.f0_windows_sigma_ln,
            "f0_windows_std_hz": self.f0_windows_std_hz,
            "f0_windows_mean_hz": self.f0_windows_mean_hz,
            "n_windows": self.n_windows,
            "n_windows_total": int(self.keep.size),
            "rejected": dict(self.rejected),
            "sesame": self.sesame.to_dict(),
            "reliable": self.sesame.reliable,
            "clear": self.sesame.clear,
            "notes": list(self.notes),
        }

    def to_dataset(self, *, chainage_m: float | None = None, synthetic: bool | None = None, source: str = "") -> Any:
        """The result as the ``microtremor.hvsr`` step stores it (:func:`hvsr_to_dataset`)."""
        return hvsr_to_dataset(self, chainage_m=chainage_m, synthetic=self.synthetic if synthetic is None else synthetic,
                               source=source)

    def plot(self, path: str | Path | None = None) -> Any:
        """Window curves, median +- sigma, f0 and the SESAME table (:func:`geoexplore.microtremor.plot.plot_hvsr`); saved if ``path``."""
        from geoexplore.microtremor.plot import plot_hvsr

        return plot_hvsr(self.to_dataset(), path)

    def write(self, path: str | Path) -> Path:
        """Write the curve as a Geopsy .hv file (:func:`geoexplore.microtremor.io.geopsy.write_hv`)."""
        from geoexplore.microtremor.io.geopsy import write_hv

        return write_hv(self, path)


def _bandpass(data: np.ndarray, fs: float, band: tuple[float, float]) -> np.ndarray:
    from scipy.signal import butter, sosfiltfilt

    lo, hi = band
    if not 0 < lo < hi < fs / 2:
        raise GeoexploreError(f"band-pass {band} Hz must satisfy 0 < low < high < Nyquist {fs / 2} Hz")
    sos = butter(4, [lo, hi], btype="bandpass", fs=fs, output="sos")
    return sosfiltfilt(sos, data, axis=-1)


def process_record(record: Record, settings: HvsrSettings | None = None) -> HvsrResult:
    """H/V of one 3-component record.

    Steps: optional band-pass; windows with gap/clip/dead checks, optional
    STA/LTA anti-trigger and amplitude rejection; per-window H/V
    (:func:`~geoexplore.microtremor.spectral_ratio.hvsr_windows`); optional Cox et al.
    (2020) frequency-domain rejection; lognormal statistics; SESAME criteria.

    Raises
    ------
    GeoexploreError
        When fewer than ``settings.min_windows`` windows survive (the message
        counts the rejections by reason and names the record).
    """
    s = settings or HvsrSettings()
    fs = record.fs_hz
    fmax_out = s.freq_max_hz if s.freq_max_hz is not None else min(40.0, 0.45 * fs)
    if fmax_out >= fs / 2:
        raise GeoexploreError(f"{record.path or record.station}: freq_max_hz {fmax_out} must be below Nyquist {fs / 2} Hz")
    length = int(round(s.window_length_s * fs))
    data = record.data
    if s.bandpass_hz is not None:
        data = _bandpass(data, fs, s.bandpass_hz)
    sel = select_windows(
        data, fs, length, overlap=s.window_overlap, flags=record.flags, anti_trigger_on=s.anti_trigger,
        sta_s=s.sta_s, lta_s=s.lta_s, sta_lta_min=s.sta_lta_min, sta_lta_max=s.sta_lta_max, sta_lta_reference=s.sta_lta_reference,
        max_amplitude_factor=s.max_amplitude_factor,
    )
    name = record.path or record.station
    if record.span_s is not None and record.span_s > record.duration_s + 0.5 / fs:
        # windows the longest channel would have given: lost to the cut to the common span
        lost = window_starts(int(round(record.span_s * fs)), length, s.window_overlap).size - sel.starts.size
        if lost > 0:
            sel.rejected = {"unequal_lengths": int(lost), **sel.rejected}
    if sel.keep.sum() < s.min_windows:
        raise GeoexploreError(
            f"{name}: only {int(sel.keep.sum())} of {sel.starts.size} windows of {s.window_length_s:g} s usable "
            f"(rejected: {sel.rejected or 'record too short'}); need {s.min_windows}")
    f = log_frequencies(s.freq_min_hz, fmax_out, s.n_freq)
    kw = dict(smoothing_b=s.smoothing_b, smoothing_cutoff=s.smoothing_cutoff, detrend=s.detrend, taper_alpha=s.taper_alpha, n_fft=s.n_fft)
    kept_starts = sel.starts[sel.keep]
    curves = hvsr_windows(data, fs, kept_starts, length, f, combination=s.combination, azimuth_deg=s.azimuth_deg, **kw)
    hv_all = np.full((sel.starts.size, f.size), np.nan)
    hv_all[sel.keep] = curves.hv
    keep = sel.keep.copy()
    rejected = dict(sel.rejected)
    fmin, fmax = s.peak_freq_min_hz, s.peak_freq_max_hz
    bad = ~np.all(np.isfinite(curves.hv) & (curves.hv > 0), axis=1)
    if bad.any():
        k2 = np.flatnonzero(keep)
        keep[k2[bad]] = False
        rejected["non_finite"] = int(bad.sum())
    if s.frequency_rejection:
        sub = keep[sel.keep]
        k_fd, _ = frequency_domain_rejection(f, curves.hv, n_std=s.rejection_n_std, fmin_search=fmin, fmax_search=fmax, keep=sub)
        nrej = int((sub & ~k_fd).sum())
        if nrej:
            rejected["frequency_domain"] = nrej
        idx = np.flatnonzero(sel.keep)
        keep[idx] = k_fd
    if keep.sum() < s.min_windows:
        raise GeoexploreError(f"{name}: only {int(keep.sum())} windows kept (rejected: {rejected}); need {s.min_windows}")
    hv = hv_all[keep]
    med, sig = curve_statistics(hv)
    f0, a0, _ = peak_of_curve(f, med, fmin, fmax)
    pk, _ = window_peaks(f, hv, fmin, fmax)
    f0w, sigw = lognormal(pk)
    stdw = float(np.std(pk, ddof=1)) if pk.size > 1 else 0.0
    ses = evaluate(f, med, sig, window_length_s=length / fs, n_windows=int(keep.sum()), f0_std_hz=stdw,
                   fmin_search=fmin, fmax_search=fmax)
    window_f0 = np.full(keep.size, np.nan)
    okw = np.all(np.isfinite(hv_all), axis=1)
    window_f0[okw] = window_peaks(f, hv_all[okw], fmin, fmax)[0]
    res = HvsrResult(
        station=record.station, frequency_hz=f, hv=hv_all, starts_s=sel.starts / fs, keep=keep, median=med,
        sigma_ln=sig, f0_hz=f0, a0=a0, f0_sigma_ln=bootstrap_f0_sigma_ln(f, hv, fmin, fmax), f0_windows_hz=f0w, f0_windows_sigma_ln=sigw, f0_windows_std_hz=stdw,
        f0_windows_mean_hz=float(np.mean(pk)), window_f0_hz=window_f0, rejected=rejected, sesame=ses, settings=s, notes=list(record.notes),
    )
    if s.azimuths_deg:
        az = hvsr_azimuthal(data, fs, sel.starts[keep], length, f, np.asarray(s.azimuths_deg, float), **kw)
        res.azimuth_deg = az.azimuth_deg
        res.azimuthal_median = np.exp(np.log(az.hv).mean(axis=1))
    return res


#: the front door's name of :func:`process_record`
hvsr = process_record


def hvsr_to_dataset(res: HvsrResult, *, chainage_m: float | None = None, synthetic: bool = False, source: str = "") -> Any:
    """An :class:`HvsrResult` as a Dataset (what the ``microtremor.hvsr`` step stores; names and order are the store's keys)."""
    import json

    import xarray as xr

    ds = xr.Dataset(
        {
            "hv": (("window", "frequency_hz"), res.hv),
            "median": (("frequency_hz",), res.median),
            "sigma_ln": (("frequency_hz",), res.sigma_ln),
            "keep": (("window",), res.keep),
            "window_f0_hz": (("window",), res.window_f0_hz),
            "window_start_s": (("window",), res.starts_s),
        },
        coords={"frequency_hz": res.frequency_hz, "window": np.arange(res.keep.size)},
        attrs={
            "station": res.station, "source": source, "f0_hz": res.f0_hz, "f0_sigma_ln": res.f0_sigma_ln, "a0": res.a0,
            "f0_windows_hz": res.f0_windows_hz, "f0_windows_sigma_ln": res.f0_windows_sigma_ln,
            "f0_windows_std_hz": res.f0_windows_std_hz, "n_windows": res.n_windows,
            "window_length_s": res.settings.window_length_s, "reliable": int(res.sesame.reliable),
            "clear": int(res.sesame.clear), "sesame_json": json.dumps(res.sesame.to_dict()),
            "rejected_json": json.dumps(res.rejected), "notes_json": json.dumps(res.notes),
            "chainage_m": float("nan") if chainage_m is None else float(chainage_m), "synthetic": int(synthetic),
            "settings_json": res.settings.to_json(),
        },
    )
    if res.azimuth_deg is not None:
        ds["azimuthal_median"] = (("azimuth_deg", "frequency_hz"), res.azimuthal_median)
        ds = ds.assign_coords(azimuth_deg=res.azimuth_deg)
    return ds
