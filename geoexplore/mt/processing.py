"""Time series -> robust transfer functions (impedance and tipper) for one station.

:func:`estimate_tf` runs the whole chain on a :class:`~geoexplore.mt.tsdata.TimeSeries`
(optionally with a remote-reference station) and returns a transfer-function
Dataset of :mod:`geoexplore.mt.tfdata`:

1. calibrate and rotate to north/east (mV/km, nT), check for gaps, spikes and
   zero-variance channels, check the remote's sampling rate and time span;
2. for each decimation level (low-pass FIR, factor ``decimation_factor``):
   windowed FFT (``n_fft`` samples, ``overlap``), log-spaced bands of Fourier
   bins (``bands_per_decade``) between ``bin_min`` and the level's top bin;
3. interpolate over spikes, drop windows touching a gap, optionally drop windows whose
   band coherence is below ``min_coherence``, drop bands with fewer than
   ``min_windows`` windows or ``min_points`` (window x bin) points;
4. one vectorised robust regression over all bands (:mod:`geoexplore.mt.robust`).

Extra variables in the result: ``n_points`` (points used per band),
``n_windows``, ``decimation_level``, ``coherence`` (out = ex, ey, hz) and the
attribute ``dropped_period_s`` (bands dropped for lack of data).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np

from geoexplore.mt.robust import robust_regression
from geoexplore.mt.settings import ProcessingSettings
from geoexplore.mt.spectra import (
    decimate,
    explicit_band,
    level_bands,
    variance_inflation,
    window_fft,
)
from geoexplore.mt.tfdata import make_tf
from geoexplore.mt.tsdata import TimeSeries, TimeSeriesError, check_timeseries, despike

log = logging.getLogger(__name__)


def _align(local: TimeSeries, remote: TimeSeries) -> tuple[slice, slice]:
    """Sample slices of local and remote covering their common time span."""
    if abs(local.sample_rate_hz - remote.sample_rate_hz) > 1e-9 * local.sample_rate_hz:
        raise TimeSeriesError(
            f"sampling rates differ: local {local.station or local.source} {local.sample_rate_hz} Hz, "
            f"remote {remote.station or remote.source} {remote.sample_rate_hz} Hz; resample one of them first"
        )
    fs = local.sample_rate_hz
    off = (remote.start_time_s - local.start_time_s) * fs
    if abs(off - round(off)) > 1e-3:
        raise TimeSeriesError(f"remote samples are not aligned with local samples (offset {off:.4f} samples)")
    off = int(round(off))
    l0 = max(0, off)
    r0 = max(0, -off)
    n = min(local.n_samples - l0, remote.n_samples - r0)
    if n <= 0:
        raise TimeSeriesError(f"local {local.station} and remote {remote.station} do not overlap in time")
    return slice(l0, l0 + n), slice(r0, r0 + n)


def _despiked(ts: TimeSeries, cal: dict[str, np.ndarray], q: Any) -> dict[str, np.ndarray]:
    """Calibrated channels with spike samples interpolated (a spike in one sensor of a pair spreads to both
    north/east components when the sensors are rotated, so the union of the pair's flags is used)."""
    comps = ts.components
    out = dict(cal)
    for pair in (("ex", "ey"), ("hx", "hy"), ("hz",)):
        if not all(c in comps and c in cal for c in pair):
            continue
        m = np.zeros(ts.n_samples, bool)
        for c in pair:
            m |= q.spikes[comps.index(c)]
        if m.any():
            x = despike(np.vstack([cal[c] for c in pair]), np.broadcast_to(m, (len(pair), m.size)))
            out.update({c: x[i] for i, c in enumerate(pair)})
    return out


def prepare_channels(
    local: TimeSeries, remote: TimeSeries | None, s: ProcessingSettings
) -> tuple[np.ndarray, np.ndarray, list[str], dict[str, Any]]:
    """Calibrated, aligned channels stacked (n_ch, n) plus the sample mask, the channel names and notes.

    Checks the channels (missing, zero variance), interpolates spikes, aligns
    the remote reference and removes the mean of the valid samples.
    """
    notes: dict[str, Any] = {}
    cal = local.calibrated()
    missing = [c for c in ("ex", "ey", "hx", "hy") if c not in cal]
    if missing:
        raise TimeSeriesError(f"{local.source or local.station}: missing channels {', '.join(missing)}")
    q = check_timeseries(local, spike_threshold=s.spike_threshold)
    bad = [c for c in q.zero_variance if c != "hz"]
    if bad:
        raise TimeSeriesError(f"{local.source or local.station}: channel(s) {', '.join(bad)} have zero variance")
    use_hz = "hz" in cal and s.hz != "off" and "hz" not in q.zero_variance
    if s.hz == "on" and not use_hz:
        raise TimeSeriesError(f"{local.source or local.station}: hz requested but missing or constant")
    if "hz" in q.zero_variance:
        notes["hz_note"] = "hz has zero variance: tipper not estimated"
        log.info("%s: hz has zero variance; tipper not estimated", local.station)
    names = ["ex", "ey"] + (["hz"] if use_hz else []) + ["hx", "hy"]
    valid = q.valid
    if q.n_spike_samples:
        cal = _despiked(local, cal, q)
    rows = [cal[c] for c in names]
    notes["n_gap_samples"] = q.n_gap_samples
    notes["n_spike_samples"] = q.n_spike_samples
    if remote is not None:
        sl, rsl = _align(local, remote)
        rcal = remote.calibrated()
        if "hx" not in rcal or "hy" not in rcal:
            raise TimeSeriesError(f"remote {remote.source or remote.station}: needs hx and hy")
        rq = check_timeseries(remote, spike_threshold=s.spike_threshold)
        if rq.n_spike_samples:
            rcal = _despiked(remote, rcal, rq)
        rbad = [c for c in rq.zero_variance if c in ("hx", "hy")]
        if rbad:
            raise TimeSeriesError(f"remote {remote.source or remote.station}: channel(s) {', '.join(rbad)} have zero variance")
        rows = [r[sl] for r in rows] + [rcal["hx"][rsl], rcal["hy"][rsl]]
        valid = valid[sl] & rq.valid[rsl]
        names = names + ["rhx", "rhy"]
        notes["n_gap_samples_remote"] = rq.n_gap_samples
        notes["n_spike_samples_remote"] = rq.n_spike_samples
    x = np.vstack(rows)
    x = np.where(np.isfinite(x), x, np.nan)
    valid = valid & np.all(np.isfinite(x), axis=0)
    if valid.sum() < s.n_fft:
        raise TimeSeriesError(f"{local.source or local.station}: fewer valid samples ({int(valid.sum())}) than one window ({s.n_fft})")
    mean = np.array([np.mean(r[valid]) for r in x])
    x = np.where(valid[None, :], x - mean[:, None], 0.0)
    return x, valid, names, notes


def _window_coherence(Y: np.ndarray, X: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Coherence of Ex with Hy and of Ey with Hx over the bins of each (band, window) group.

    Y (no, N), X (N, 2), group (N,) ids of (band, window); returns (2, N) with NaN for groups of
    fewer than 3 bins (too few to estimate a coherence).
    """
    uw, inv, cnt = np.unique(group, return_inverse=True, return_counts=True)
    out = np.full((2, Y.shape[1]), np.nan)
    for o, k in ((0, 1), (1, 0)):
        y, h = Y[o], X[:, k]
        cross = np.conj(y) * h
        sxy = np.bincount(inv, weights=cross.real) + 1j * np.bincount(inv, weights=cross.imag)
        sxx = np.bincount(inv, weights=np.abs(y) ** 2)
        syy = np.bincount(inv, weights=np.abs(h) ** 2)
        with np.errstate(invalid="ignore", divide="ignore"):
            c = np.abs(sxy) ** 2 / (sxx * syy)
        c[cnt < 3] = np.nan
        out[o] = c[inv]
    return out


def _band_period(band: Any, h: np.ndarray, nbin: int, fs0: float, s: ProcessingSettings) -> float:
    """Period of a band (see ``ProcessingSettings.band_period``); ``h`` are the band's Hx, Hy coefficients."""
    fs = fs0 / s.decimation_factor**band.level
    f = np.arange(band.lo, band.hi + 1) * fs / s.n_fft
    if s.band_period == "geometric" or nbin == 1:
        return float(1.0 / np.exp(np.mean(np.log(f))))
    pw = (np.abs(h) ** 2).sum(axis=0).reshape(-1, nbin).sum(axis=0)  # power per bin
    return float(1.0 / np.sum(f * pw) * np.sum(pw))


def estimate_tf(
    local: TimeSeries,
    remote: TimeSeries | None = None,
    settings: ProcessingSettings | None = None,
    **attrs: Any,
) -> Any:
    """Robust impedance and tipper of one station.

    The stages: :func:`prepare_channels` (calibrate, check, align),
    :func:`band_blocks` (decimate, FFT, bands), :func:`regress_bands` (one
    robust regression over all bands), :func:`tf_dataset` (errors, periods, container).

    Parameters
    ----------
    local : TimeSeries
        The station (ex, ey, hx, hy and optionally hz).
    remote : TimeSeries, optional
        Remote-reference station (its hx, hy are used); same sampling rate,
        overlapping in time.
    settings : ProcessingSettings, optional
    **attrs
        Extra attributes for the result (chainage_m, ...).

    Returns
    -------
    xarray.Dataset
        The :mod:`geoexplore.mt.tfdata` container (Z in mV/km/nT, exp(+i omega t))
        plus ``n_points``, ``n_windows``, ``decimation_level``, ``coherence``.

    Raises
    ------
    TimeSeriesError
        Missing or constant channels, mismatched sampling rates, no overlap,
        or no band with enough data.
    """
    s = settings or ProcessingSettings()
    x, valid, names, notes = prepare_channels(local, remote, s)
    blocks, dropped = band_blocks(x, valid, local.sample_rate_hz, s)
    if not blocks:
        raise TimeSeriesError(
            f"{local.source or local.station}: no frequency band has at least {s.min_windows} windows and "
            f"{s.min_points} points (record of {local.n_samples} samples at {local.sample_rate_hz} Hz)"
        )
    fit = regress_bands(blocks, names, remote is not None, s)
    ok_band = np.all(fit.n_points[:, :2] >= s.min_points, axis=1) & np.all(np.isfinite(fit.b[:, :2]), axis=(1, 2))
    for ib in np.flatnonzero(~ok_band):
        dropped.append(blocks[ib].band.period_s)
    keep = np.flatnonzero(ok_band)
    if keep.size == 0:
        raise TimeSeriesError(f"{local.source or local.station}: every band was rejected (too few coherent windows)")
    base = dict(
        station=local.station,
        lat_deg=local.lat_deg,
        lon_deg=local.lon_deg,
        elevation_m=local.elevation_m,
        synthetic=int(local.synthetic),
        source=f"geoexplore.mt.processing {'remote reference ' + (remote.station if remote else '') if remote is not None else 'single site'}",
        remote_station=(remote.station if remote is not None else ""),
        processing_settings=s.model_dump_json(),
        dropped_period_s=sorted(float(p) for p in dropped),
    )
    if "chainage_m" in local.extra:
        base["chainage_m"] = float(local.extra["chainage_m"])
    base.update({k: v for k, v in notes.items() if isinstance(v, (int, float, str))})
    base.update(attrs)
    return tf_dataset(blocks, fit, keep, names.index("hx"), local.sample_rate_hz, s, base)


@dataclass
class BandBlock:
    """The Fourier coefficients of one band: ``data`` (n_channels, windows x bins), the window of each
    column (``window``) and the number of bins per window (``n_bins``)."""

    band: Any
    data: np.ndarray
    window: np.ndarray
    n_bins: int


def band_blocks(x: np.ndarray, valid: np.ndarray, fs0: float, s: ProcessingSettings) -> tuple[list[BandBlock], list[float]]:
    """Decimate level by level, FFT the windows and cut them into bands.

    Returns the bands with enough windows and points, and the periods of the
    bands dropped for lack of data.
    """
    fs = fs0
    blocks: list[BandBlock] = []
    dropped: list[float] = []
    for lev in range(s.n_levels):
        if lev > 0:
            if x.shape[1] < 2 * s.decimation_factor * s.n_fft // 2:
                break
            x, valid = decimate(x, s.decimation_factor, valid)
            fs = fs / s.decimation_factor
        if x.shape[1] < s.n_fft:
            break
        win = window_fft(x, fs, s.n_fft, s.overlap, valid=valid, prewhiten=s.prewhiten, taper=s.taper)
        top = int(np.floor(s.top_frequency_fraction * s.n_fft)) if lev == 0 else s.bin_min * s.decimation_factor - 1
        top = min(top, s.n_fft // 2 - 1)
        good = np.flatnonzero(win.valid)
        if s.bands is None:
            bands = level_bands(lev, s.n_fft, fs, s.bin_min, top, s.bands_per_decade)
        else:
            bands = [explicit_band(lev, lo, hi, s.n_fft, fs) for lv, lo, hi in s.bands if lv == lev]
        for band in bands:
            nbin = band.hi - band.lo + 1
            if s.max_period_s is not None and band.period_s > s.max_period_s:
                continue
            if good.size < s.min_windows or good.size * nbin < s.min_points:
                dropped.append(band.period_s)
                continue
            d = win.fc[:, good, band.lo : band.hi + 1].reshape(x.shape[0], -1)
            wi = np.repeat(good, nbin)
            blocks.append(BandBlock(band, d, wi, nbin))
    return blocks, dropped


@dataclass
class BandFit:
    """The robust regression of every band: ``b`` (n_bands, n_out, 2), ``cov`` (n_bands, n_out, 2, 2),
    ``coherence`` (n_bands, n_out) and the points used, ``n_points`` (n_bands, n_out)."""

    b: np.ndarray
    cov: np.ndarray
    coherence: np.ndarray
    n_points: np.ndarray


def regress_bands(blocks: list[BandBlock], names: list[str], rr: bool, s: ProcessingSettings) -> BandFit:
    """One vectorised robust regression over all bands (optional coherence pre-selection of windows)."""
    n_out = 3 if "hz" in names else 2
    i_hx = names.index("hx")
    nb = len(blocks)
    counts = np.array([b.data.shape[1] for b in blocks])
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    D = np.concatenate([b.data for b in blocks], axis=1)  # (nch, N)
    win_id = np.concatenate([b.window for b in blocks])
    band_id = np.repeat(np.arange(nb), counts)
    Y = D[:n_out]
    X = D[i_hx : i_hx + 2].T
    R = D[i_hx + 2 : i_hx + 4].T if rr else None
    full_mask = np.ones(Y.shape, bool)
    if s.min_coherence > 0:
        coh = _window_coherence(Y, X, band_id * (win_id.max() + 1) + win_id)
        full_mask[:2] &= ~(np.isfinite(coh) & (coh < s.min_coherence))
        # a band left without its minimum of points is dropped by the caller
    res = robust_regression(
        X,
        Y,
        starts,
        full_mask,
        R,
        huber_r0=s.huber_r0,
        redescend_u0=s.redescend_u0,
        n_huber=s.n_huber,
        n_redescend=s.n_redescend,
        leverage_factor=s.leverage_factor,
    )
    n_pts = np.add.reduceat(full_mask.astype(np.int64), starts, axis=1).T  # (nb, no)
    return BandFit(np.moveaxis(res.b, 0, 1), np.moveaxis(res.cov, 0, 1), res.coherence.T, n_pts)


def tf_dataset(blocks: list[BandBlock], fit: BandFit, keep: np.ndarray, i_hx: int, fs0: float, s: ProcessingSettings,
               attrs: dict[str, Any]) -> Any:
    """The container of the kept bands: periods, Z and tipper with inflated errors, counts and coherences."""
    n_out = fit.b.shape[1]
    if s.band_period == "mean":
        period = np.array([blocks[i].band.period_s for i in keep])
    else:
        period = np.array([_band_period(blocks[i].band, blocks[i].data[i_hx : i_hx + 2], blocks[i].n_bins, fs0, s)
                           for i in keep])
    infl = np.array(
        [variance_inflation(s.taper, s.n_fft, s.overlap, np.unique(b.window).size, b.n_bins) for b in blocks]
    )
    err = np.sqrt(np.abs(np.einsum("bojj->boj", fit.cov)) * infl[:, None, None])  # (nb, no, 2)
    z = fit.b[keep, :2]
    z_err = err[keep, :2]
    t = fit.b[keep, 2:3] if n_out == 3 else None
    t_err = err[keep, 2:3] if n_out == 3 else None
    ds = make_tf(period, z, z_err, t, t_err, **attrs)
    order = np.argsort(period)
    coh = np.full((keep.size, 3), np.nan)
    coh[:, :n_out] = fit.coherence[keep]
    ds["n_points"] = ("period_s", fit.n_points[keep, 0][order].astype(np.int64))
    ds["n_windows"] = ("period_s", np.array([np.unique(blocks[i].window).size for i in keep])[order].astype(np.int64))
    ds["decimation_level"] = ("period_s", np.array([blocks[i].band.level for i in keep])[order].astype(np.int64))
    ds["coherence"] = (("period_s", "cout"), coh[order])
    ds = ds.assign_coords(cout=["ex", "ey", "hz"])
    return ds
