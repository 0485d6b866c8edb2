"""The time-series container of MT: five channels of one station, their calibration and quality checks.

A :class:`TimeSeries` holds the raw samples of one station (channels among
``ex, ey, hx, hy, hz``), the sampling rate, and per channel the azimuth
(degrees clockwise from north), the dipole length (electric channels) and a
scale factor (physical units per count). :meth:`TimeSeries.calibrated`
returns the electric field in mV/km and the magnetic field in nT, rotated to
geographic axes (x = north, y = east) using the channel azimuths.

Calibration rule (documented in docs/mt-processing.md):

* magnetic channel: ``nT = counts * scale_factor``;
* electric channel with a dipole length L (m): ``mV/km = counts *
  scale_factor / (L / 1000)`` (counts * scale_factor is the voltage in mV);
* electric channel without a dipole length (``0``): ``mV/km = counts *
  scale_factor`` (the data are already a field, e.g. the EMTF synthetic).

The readers (ASCII with side-car, miniSEED, MTH5) are in :mod:`geoexplore.mt.io`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from geoexplore.core.errors import GeoexploreError

CHANNELS = ("ex", "ey", "hx", "hy", "hz")
DEFAULT_AZIMUTH = {"ex": 0.0, "ey": 90.0, "hx": 0.0, "hy": 90.0, "hz": 0.0}


class TimeSeriesError(GeoexploreError, ValueError):
    """Time series that cannot give a trustworthy transfer function (zero variance, mismatched rates, ...)."""


@dataclass(frozen=True)
class Channel:
    """Metadata of one channel.

    Attributes
    ----------
    component : str
        One of ``ex, ey, hx, hy, hz``.
    azimuth_deg : float
        Sensor direction, degrees clockwise from geographic north.
    dipole_length_m : float
        Electric dipole length (0 when the data are already a field).
    scale_factor : float
        Physical units per count (mV for electric, nT for magnetic).
    """

    component: str
    azimuth_deg: float = 0.0
    dipole_length_m: float = 0.0
    scale_factor: float = 1.0


@dataclass(frozen=True)
class TimeSeries:
    """Raw samples of one station.

    Attributes
    ----------
    data : (n_channels, n_samples) float array
        Counts (NaN marks missing samples).
    channels : tuple of Channel
    sample_rate_hz : float
    station : str
    start_time_s : float
        POSIX seconds of the first sample (0 when unknown).
    lat_deg, lon_deg, elevation_m : float
    source : str
        File the data came from.
    synthetic : int
    """

    data: np.ndarray
    channels: tuple[Channel, ...]
    sample_rate_hz: float
    station: str = ""
    start_time_s: float = 0.0
    lat_deg: float = float("nan")
    lon_deg: float = float("nan")
    elevation_m: float = float("nan")
    source: str = ""
    synthetic: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def components(self) -> tuple[str, ...]:
        return tuple(c.component for c in self.channels)

    @property
    def n_samples(self) -> int:
        return int(self.data.shape[1])

    def channel(self, comp: str) -> np.ndarray:
        return self.data[self.components.index(comp)]

    def calibrated(self) -> dict[str, np.ndarray]:
        """Physical fields on geographic axes: ``ex, ey`` (mV/km), ``hx, hy, hz`` (nT)."""
        phys: dict[str, np.ndarray] = {}
        for ch, row in zip(self.channels, self.data):
            v = row.astype(float) * ch.scale_factor
            if ch.component.startswith("e") and ch.dipole_length_m > 0:
                v = v / (ch.dipole_length_m / 1000.0)
            phys[ch.component] = v
        out: dict[str, np.ndarray] = {}
        for a, b in (("ex", "ey"), ("hx", "hy")):
            if a not in phys or b not in phys:
                continue
            ca = self.channels[self.components.index(a)]
            cb = self.channels[self.components.index(b)]
            if abs(ca.azimuth_deg) < 1e-9 and abs(cb.azimuth_deg - 90.0) < 1e-9:
                out[a], out[b] = phys[a], phys[b]
                continue
            t1, t2 = np.radians(ca.azimuth_deg), np.radians(cb.azimuth_deg)
            m = np.array([[np.cos(t1), np.sin(t1)], [np.cos(t2), np.sin(t2)]])
            if abs(np.linalg.det(m)) < 0.2:
                raise TimeSeriesError(
                    f"{self.source or self.station}: channels {a} ({ca.azimuth_deg} deg) and {b} "
                    f"({cb.azimuth_deg} deg) are nearly parallel; cannot form north/east components"
                )
            ne = np.linalg.solve(m, np.vstack([phys[a], phys[b]]))
            out[a], out[b] = ne[0], ne[1]
        if "hz" in phys:
            out["hz"] = phys["hz"]
        return out


# -- checks ---------------------------------------------------------------------
@dataclass(frozen=True)
class QualityReport:
    """What :func:`check_timeseries` found.

    Attributes
    ----------
    valid : (n_samples,) bool
        False at missing samples (NaN in any channel).
    spikes : (n_channels, n_samples) bool
        Samples flagged as spikes, per channel.
    n_gap_samples, n_spike_samples : int
    zero_variance : tuple of str
        Channels that do not vary.
    """

    valid: np.ndarray
    spikes: np.ndarray
    n_gap_samples: int
    n_spike_samples: int
    zero_variance: tuple[str, ...]


def check_timeseries(ts: TimeSeries, *, spike_threshold: float = 20.0) -> QualityReport:
    """Find gaps (NaN), spikes and zero-variance channels.

    A spike is a sample whose first differences on both sides exceed
    ``spike_threshold`` times the robust (MAD) scale of the channel's first
    differences, with opposite signs (a jump out and back), or a run of up to
    3 such samples.
    """
    d = ts.data
    gaps = ~np.isfinite(d)
    valid = ~gaps.any(axis=0)
    zero = []
    spikes = np.zeros(d.shape, bool)
    for k, (ch, row, g) in enumerate(zip(ts.channels, d, gaps)):
        good = row[~g]
        if good.size < 2 or np.ptp(good) == 0:
            zero.append(ch.component)
            continue
        if not (spike_threshold and np.isfinite(spike_threshold)):
            continue
        dd = np.diff(np.where(g, np.nan, row))
        med = np.nanmedian(dd)
        mad = np.nanmedian(np.abs(dd - med)) * 1.4826
        if not mad > 0:
            continue
        big = np.abs(dd - med) > spike_threshold * mad
        up = np.flatnonzero(big)
        for i in up:
            # a jump at i (between samples i and i+1) and a return within 3 samples
            for L in (1, 2, 3):
                j = i + L
                if j < dd.size and big[j] and np.sign(dd[j] - med) != np.sign(dd[i] - med):
                    spikes[k, i + 1 : j + 1] = True
                    break
    return QualityReport(valid, spikes, int((~valid).sum()), int(spikes.sum()), tuple(zero))


def despike(x: np.ndarray, spikes: np.ndarray) -> np.ndarray:
    """Replace flagged samples of each channel by linear interpolation of their neighbours."""
    y = np.array(x, float, copy=True)
    n = y.shape[1]
    t = np.arange(n)
    for k in range(y.shape[0]):
        m = spikes[k]
        if m.any():
            ok = ~m & np.isfinite(y[k])
            y[k, m] = np.interp(t[m], t[ok], y[k, ok])
    return y


def with_data(ts: TimeSeries, data: np.ndarray) -> TimeSeries:
    """A copy of ``ts`` with other samples (same channels)."""
    return replace(ts, data=np.asarray(data, float))
