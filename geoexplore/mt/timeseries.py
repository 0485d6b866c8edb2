"""Five-channel MT time series: the container, calibration, checks and readers.

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

Readers: plain ASCII columns (:func:`read_ascii`), miniSEED with a YAML
side-car of station metadata (:func:`read_miniseed`), MTH5
(:func:`read_mth5`), and :func:`read_timeseries` choosing by extension.
Every reader raises :class:`~geoexplore.core.errors.FileFormatError` naming
the file and the position of a problem.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from geoexplore.core.errors import FileFormatError, GeoexploreError
from geoexplore.core.hdf5probe import probe_hdf5_metadata
from geoexplore.core.obspyfiles import mseed_problem_position
from geoexplore.core.quiet import quiet_loguru

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


# -- readers ----------------------------------------------------------------------
def _channels_from(columns: list[str], meta: dict[str, Any] | None, path: str) -> tuple[Channel, ...]:
    meta = meta or {}
    chmeta = meta.get("channels", {}) or {}
    out = []
    for c in columns:
        c = c.lower()
        if c not in CHANNELS:
            raise FileFormatError(path, f"unknown channel '{c}' (expected some of {', '.join(CHANNELS)})", position="header")
        m = chmeta.get(c, {}) or {}
        try:
            out.append(
                Channel(
                    component=c,
                    azimuth_deg=float(m.get("azimuth_deg", DEFAULT_AZIMUTH[c])),
                    dipole_length_m=float(m.get("dipole_length_m", 0.0)),
                    scale_factor=float(m.get("scale_factor", 1.0)),
                )
            )
        except (TypeError, ValueError) as exc:
            raise FileFormatError(path, f"bad metadata for channel {c}: {exc}", position=f"channel {c}") from None
    return tuple(out)


#: metadata of EMTF's synthetic ASCII files (test1.asc, test2.asc): columns Hx Hy Hz Ex Ey at 1 Hz,
#: already nT and mV/km, electric polarity reversed. Worked out from the data: with scale +1 the
#: impedance over the 100 ohm-m half-space comes out as -Z (Zxy at -135 deg, Zyx at +45 deg), which no
#: passive earth gives for exp(+i omega t); mth5 flips the electric channels of these files likewise
#: (mth5.data.make_mth5_from_asc). With the flip, rho_a = 100 ohm-m and Zxy = 45 deg.
EMTF_SYNTHETIC_METADATA: dict[str, Any] = {
    "columns": ["hx", "hy", "hz", "ex", "ey"],
    "sample_rate_hz": 1.0,
    "synthetic": 1,
    "channels": {"ex": {"scale_factor": -1.0}, "ey": {"scale_factor": -1.0}},
}


def read_ascii(
    path: str | os.PathLike[str],
    *,
    columns: tuple[str, ...] = ("hx", "hy", "hz", "ex", "ey"),
    sample_rate_hz: float = 1.0,
    station: str | None = None,
    metadata: dict[str, Any] | None = None,
) -> TimeSeries:
    """Read whitespace-separated columns of counts (one sample per line).

    The default column order and rate are those of the EMTF synthetic files
    (Hx Hy Hz Ex Ey, 1 Hz, already in nT and mV/km). A side-car YAML
    ``<file>.yaml`` (or ``metadata``) may give ``station``,
    ``sample_rate_hz``, ``columns``, ``lat_deg``, ``lon_deg``,
    ``elevation_m``, ``start_time_s`` and per-channel ``azimuth_deg``,
    ``dipole_length_m``, ``scale_factor``. Lines starting with ``#`` are comments.
    """
    p = Path(path)
    meta = dict(_sidecar(p)) if metadata is None else dict(metadata)
    cols = [c.lower() for c in meta.get("columns", columns)]
    rate = float(meta.get("sample_rate_hz", sample_rate_hz))
    if not rate > 0:
        raise FileFormatError(p, f"sample rate must be positive, got {rate}", position="metadata")
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise FileFormatError(p, f"cannot read: {exc.strerror}") from None
    rows = []
    for lineno, line in enumerate(raw.decode("latin-1").splitlines(), 1):
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        parts = s.split()
        if len(parts) != len(cols):
            raise FileFormatError(p, f"expected {len(cols)} columns ({' '.join(cols)}), found {len(parts)}", position=f"line {lineno}")
        try:
            rows.append([float(v) for v in parts])
        except ValueError:
            raise FileFormatError(p, f"not a number in '{s[:60]}'", position=f"line {lineno}") from None
    if len(rows) < 2:
        raise FileFormatError(p, "fewer than two samples", position=f"line {len(rows)}")
    data = np.asarray(rows, float).T
    order = [cols.index(c) for c in CHANNELS if c in cols]
    chans = _channels_from([cols[i] for i in order], meta, str(p))
    return TimeSeries(
        data=data[order],
        channels=chans,
        sample_rate_hz=rate,
        station=str(meta.get("station", station or p.stem)),
        start_time_s=float(meta.get("start_time_s", 0.0)),
        lat_deg=float(meta.get("lat_deg", np.nan)),
        lon_deg=float(meta.get("lon_deg", np.nan)),
        elevation_m=float(meta.get("elevation_m", np.nan)),
        source=str(p),
        synthetic=int(meta.get("synthetic", 0)),
        extra={k: meta[k] for k in ("chainage_m",) if k in meta},
    )


def sidecar_path(p: str | os.PathLike[str]) -> Path | None:
    """The side-car metadata file of a miniSEED file (``<name>.yaml``, else ``<name>.mseed.yaml``), if there is one."""
    p = Path(p)
    for cand in (p.with_suffix(".yaml"), p.with_suffix(p.suffix + ".yaml")):
        if cand.is_file():
            return cand
    return None


def _sidecar(p: Path) -> dict[str, Any]:
    """The side-car metadata ``<file>.yaml`` of a miniSEED file, checked; errors name the YAML file and the key."""
    cand = sidecar_path(p)
    if cand is None:
        return {}
    from geoexplore.core.yamlio import load_yaml

    d = load_yaml(cand)  # positioned FileFormatError on bad bytes or bad YAML
    if not isinstance(d, dict):
        raise FileFormatError(cand, "side-car metadata must be a mapping", position="line 1")
    _check_sidecar(cand, d)
    return d


def _check_sidecar(path: Path, d: dict[str, Any]) -> None:
    """Types of the side-car keys the readers use (numbers are numbers, mappings are mappings)."""
    from geoexplore.core.yamlio import key_position

    def bad(keys: list[str | int], msg: str) -> FileFormatError:
        return FileFormatError(path, msg, position=key_position(path, keys))

    def number(keys: list[str | int], v: Any) -> None:
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise bad(keys, f"{keys[-1]} must be a number, got {v!r}"[:200])

    for k in ("lat_deg", "lon_deg", "elevation_m", "chainage_m"):
        if k in d:
            number([k], d[k])
    if "synthetic" in d and not isinstance(d["synthetic"], (bool, int)):
        raise bad(["synthetic"], f"synthetic must be 0 or 1, got {d['synthetic']!r}"[:200])
    if "station" in d and not isinstance(d["station"], (str, int)):
        raise bad(["station"], f"station must be a name, got {d['station']!r}"[:200])
    codes = d.get("channel_codes")
    if codes is not None:
        if not isinstance(codes, dict):
            raise bad(["channel_codes"], "channel_codes must map SEED channel codes to components")
        for code, comp in codes.items():
            if not isinstance(code, str) or comp not in CHANNELS:
                raise bad(["channel_codes", str(code)], f"channel_codes: {code!r} -> {comp!r}: components are {', '.join(CHANNELS)}"[:200])
    chans = d.get("channels")
    if chans is not None:
        if not isinstance(chans, dict):
            raise bad(["channels"], "channels must map components to their calibration")
        for comp, m in chans.items():
            if m is None:
                continue
            if not isinstance(m, dict):
                raise bad(["channels", str(comp)], f"channels.{comp} must be a mapping"[:200])
            for k in ("azimuth_deg", "dipole_length_m", "scale_factor"):
                if k in m:
                    number(["channels", str(comp), k], m[k])


#: SEED channel codes -> components (orientation code N/E/Z, instrument Q electric, F magnetic)
SEED_COMPONENTS = {"QN": "ex", "QE": "ey", "FN": "hx", "FE": "hy", "FZ": "hz", "Q1": "ex", "Q2": "ey", "F1": "hx", "F2": "hy"}


def read_miniseed(path: str | os.PathLike[str], *, metadata: dict[str, Any] | None = None) -> TimeSeries:
    """Read one station's five channels from a miniSEED file (obspy).

    Channels are recognised by the last two letters of the SEED channel code
    (``?QN, ?QE`` electric, ``?FN, ?FE, ?FZ`` magnetic) or by a
    ``channel_codes`` mapping in the side-car YAML ``<file>.yaml``, which
    also carries the calibration (see module docstring). Traces of a channel
    are merged; gaps become NaN (flagged, never interpolated). All channels
    must share one sampling rate and start time.
    """
    p = Path(path)
    meta = dict(_sidecar(p)) if metadata is None else dict(metadata)
    try:
        from obspy import read as obspy_read

        st = obspy_read(str(p), format="MSEED")
    except MemoryError:
        raise
    except Exception as exc:  # obspy raises many types on corrupt files
        raise FileFormatError(p, f"not a readable miniSEED file ({type(exc).__name__}: {str(exc)[:100]})",
                              position=mseed_problem_position(str(p))) from None
    if len(st) == 0:
        raise FileFormatError(p, "no traces", position=mseed_problem_position(str(p)))
    codes = {k.upper(): v for k, v in (meta.get("channel_codes") or {}).items()}
    rates = {tr.stats.sampling_rate for tr in st}
    if len(rates) != 1:
        raise FileFormatError(p, f"channels have different sampling rates {sorted(rates)}", position="traces")
    rate = rates.pop()
    if not (np.isfinite(rate) and rate > 0):
        raise FileFormatError(p, f"invalid sampling rate {rate}", position=f"trace {st[0].id}")
    # a damaged start time, not a gap: refuse before merging (ObsPy's merge fills the whole span) or allocating
    t0 = min(tr.stats.starttime for tr in st)
    t1 = max(tr.stats.endtime for tr in st)
    n = int(round((t1 - t0) * rate)) + 1
    held: dict[str, int] = {}
    for tr in st:
        held[tr.id] = held.get(tr.id, 0) + int(tr.stats.npts)
    most = max(held.values())
    if n > 10 * most + 100_000:
        late = max(st, key=lambda tr: tr.stats.endtime)
        raise FileFormatError(p, f"traces span {n} samples but a channel holds at most {most}: a start time is wrong",
                              position=f"trace {late.id} (starts at epoch {late.stats.starttime.timestamp:.0f} s)")
    try:
        st.merge(method=0, fill_value=None)
    except MemoryError:
        raise
    except Exception as exc:
        raise FileFormatError(p, f"cannot merge traces: {exc}", position="traces") from None
    found: dict[str, np.ndarray] = {}
    station = ""
    for tr in st:
        code = tr.stats.channel.upper()
        comp = codes.get(code) or SEED_COMPONENTS.get(code[-2:])
        if comp is None:
            continue
        if comp in found:
            raise FileFormatError(p, f"channel {comp} appears twice ({code})", position=f"trace {tr.id}")
        x = np.full(n, np.nan)
        i0 = int(round((tr.stats.starttime - t0) * rate))
        d = tr.data
        if np.ma.isMaskedArray(d):
            d = d.astype(float).filled(np.nan)
        x[i0 : i0 + d.size] = np.asarray(d, float)[: n - i0]
        found[comp] = x
        station = station or tr.stats.station
    missing = [c for c in ("ex", "ey", "hx", "hy") if c not in found]
    if missing:
        raise FileFormatError(p, f"missing channels {', '.join(missing)} (have {', '.join(found) or 'none'})", position="traces")
    comps = [c for c in CHANNELS if c in found]
    return TimeSeries(
        data=np.vstack([found[c] for c in comps]),
        channels=_channels_from(comps, meta, str(p)),
        sample_rate_hz=float(rate),
        station=str(meta.get("station", station or p.stem)),
        start_time_s=float(t0.timestamp),
        lat_deg=float(meta.get("lat_deg", np.nan)),
        lon_deg=float(meta.get("lon_deg", np.nan)),
        elevation_m=float(meta.get("elevation_m", np.nan)),
        source=str(p),
        synthetic=int(meta.get("synthetic", 0)),
        extra={k: meta[k] for k in ("chainage_m",) if k in meta},
    )


def write_miniseed(ts: TimeSeries, path: str | os.PathLike[str], *, network: str = "XX", band_code: str = "B") -> None:
    """Write a :class:`TimeSeries` (integer counts) to miniSEED plus its side-car YAML."""
    import yaml
    from obspy import Stream, Trace, UTCDateTime

    p = Path(path)
    codes = {"ex": "QN", "ey": "QE", "hx": "FN", "hy": "FE", "hz": "FZ"}
    st = Stream()
    for ch, row in zip(ts.channels, ts.data):
        ok = np.isfinite(row)
        edges = np.flatnonzero(np.diff(np.r_[0, ok.astype(np.int8), 0]))
        for i0, i1 in zip(edges[::2], edges[1::2]):  # one trace per gap-free segment
            tr = Trace(np.round(row[i0:i1]).astype(np.int32))
            tr.stats.network = network
            tr.stats.station = ts.station[:5]
            tr.stats.channel = band_code + codes[ch.component]
            tr.stats.sampling_rate = ts.sample_rate_hz
            tr.stats.starttime = UTCDateTime(ts.start_time_s + i0 / ts.sample_rate_hz)
            st.append(tr)
    st.write(str(p), format="MSEED", encoding="STEIM2", reclen=4096)
    meta = {
        "station": ts.station,
        "synthetic": int(ts.synthetic),
        "lat_deg": float(ts.lat_deg),
        "lon_deg": float(ts.lon_deg),
        "elevation_m": float(ts.elevation_m),
        **{k: (float(v) if isinstance(v, (int, float, np.floating)) else v) for k, v in ts.extra.items()},
        "channels": {
            ch.component: {"azimuth_deg": ch.azimuth_deg, "dipole_length_m": ch.dipole_length_m, "scale_factor": ch.scale_factor}
            for ch in ts.channels
        },
    }
    header = "# SYNTHETIC MT time series metadata (geoexplore.mt.synth_ts): calibration and position\n" if ts.synthetic else ""
    p.with_suffix(".yaml").write_text(header + yaml.safe_dump(meta, sort_keys=False))


def read_mth5(
    path: str | os.PathLike[str], *, station: str | None = None, run: str | None = None, survey: str | None = None
) -> TimeSeries:
    """Read one run of one station from an MTH5 file (mth5, imported lazily).

    The stored values are used with scale factor 1 (MTH5 files converted from
    processed data hold mV/km and nT; instrument responses are not removed).
    Electric channels stored in counts/mV are divided by their dipole length.
    The first station / run is taken when not given.
    """
    p = Path(path)
    if not p.is_file():
        raise FileFormatError(p, "no such file")
    try:
        from mth5.mth5 import MTH5
    except ImportError as exc:  # pragma: no cover
        raise FileFormatError(p, f"mth5 is not installed ({exc})") from None
    # HDF5's C library can loop for ever on a damaged attribute: read the metadata in a child first
    probe_hdf5_metadata(p)
    quiet_loguru("mth5")  # it logs every open and close at INFO
    m = MTH5()
    try:
        m.open_mth5(str(p), mode="r")
    except MemoryError:
        raise
    except Exception as exc:
        raise FileFormatError(p, f"not an MTH5 file ({type(exc).__name__}: {str(exc)[:100]})",
                              position=_hdf5_position(p)) from None
    try:
        try:
            df = m.channel_summary.to_dataframe()
        except MemoryError:
            raise
        except Exception as exc:  # h5py/mth5 on a damaged table
            raise FileFormatError(p, f"unreadable channel summary ({type(exc).__name__}: {str(exc)[:100]})",
                                  position="channel summary table") from None
        if df.empty:
            raise FileFormatError(p, "no channels", position="channel summary")
        if station is not None:
            df = df[df.station == station]
        if survey is not None:
            df = df[df.survey == survey]
        if df.empty:
            raise FileFormatError(p, f"station {station!r} not found", position="channel summary")
        st_id = str(df.station.iloc[0])
        run_id = str(run if run is not None else df[df.station == st_id].run.iloc[0])
        df = df[(df.station == st_id) & (df.run == run_id)]
        chans, rows, refs = [], [], []
        rate = None
        lat = lon = elev = np.nan
        for _, r in df.iterrows():
            comp = str(r.component).lower()
            if comp not in CHANNELS:
                continue
            rate = float(r.sample_rate) if rate is None else rate
            if abs(float(r.sample_rate) - rate) > 1e-9:
                raise FileFormatError(p, "channels of one run have different sampling rates", position=f"run {run_id}")
            az = float(r.azimuth) if np.isfinite(float(r.azimuth)) else DEFAULT_AZIMUTH[comp]
            units = str(r.units or "").lower().replace(" ", "")
            chans.append((comp, az, units))
            refs.append(r.hdf5_reference)
            lat, lon, elev = float(r.latitude), float(r.longitude), float(r.elevation)
        if not chans:
            raise FileFormatError(p, "no ex/ey/hx/hy/hz channels", position=f"station {st_id} run {run_id}")
        start = df.start.iloc[0]
    finally:
        m.close_mth5()
    # the samples and the dipole lengths straight from HDF5 (mth5's per-channel metadata objects are slow)
    import h5py

    with h5py.File(p, "r") as f:
        built = []
        for (comp, az, units), ref in zip(chans, refs):
            where = f"channel {comp} of station {st_id} run {run_id}"
            try:
                d = f[ref]
                where = f"dataset {d.name}"
                rows.append(np.asarray(d[()], float))
                dip = float(d.attrs.get("dipole_length", 0.0) or 0.0) if comp.startswith("e") else 0.0
            except MemoryError:
                raise
            except (OSError, KeyError, ValueError, TypeError) as exc:  # damaged chunks, filters or attributes
                raise FileFormatError(p, f"unreadable samples ({type(exc).__name__}: {str(exc)[:100]})", position=where) from None
            if "perkilometer" in units or "mv/km" in units:
                dip = 0.0  # stored as a field already: the dipole length must not be divided out again
            built.append((comp, Channel(comp, az, dip, 1.0)))
    chans = built
    order = sorted(range(len(chans)), key=lambda i: CHANNELS.index(chans[i][0]))
    n = min(len(x) for x in rows)
    data = np.vstack([rows[i][:n] for i in order])
    t0 = float(start.timestamp()) if hasattr(start, "timestamp") else 0.0
    return TimeSeries(
        data=data,
        channels=tuple(chans[i][1] for i in order),
        sample_rate_hz=float(rate or 1.0),
        station=st_id,
        start_time_s=t0,
        lat_deg=lat,
        lon_deg=lon,
        elevation_m=elev,
        source=str(p),
    )


def _hdf5_position(p: Path) -> str:
    """Where an HDF5 file that would not open is broken, as far as the bytes tell: its superblock or its object tree."""
    with open(p, "rb") as fh:
        head = fh.read(2048 + 8)
    for off in (0, 512, 1024, 2048):  # the superblock may follow a user block of 512 * 2^k bytes
        if head[off:off + 8] == b"\x89HDF\r\n\x1a\n":
            return f"HDF5 object tree (superblock at byte {off} is intact)"
    return "byte 0 (no HDF5 superblock signature)"


def read_timeseries(path: str | os.PathLike[str], **kwargs: Any) -> TimeSeries:
    """Read a time-series file, choosing the reader by extension.

    ``.h5``/``.mth5`` -> :func:`read_mth5`; ``.mseed``/``.miniseed``/``.ms`` ->
    :func:`read_miniseed`; ``.asc``/``.txt``/``.dat`` -> :func:`read_ascii`.
    """
    p = Path(path)
    ext = p.suffix.lower()
    if not p.is_file():
        raise FileFormatError(p, "no such file")
    if ext in (".h5", ".mth5", ".hdf5"):
        return read_mth5(p, **kwargs)
    if ext in (".mseed", ".miniseed", ".ms", ".msd"):
        return read_miniseed(p, **kwargs)
    if ext in (".asc", ".txt", ".dat", ".csv"):
        return read_ascii(p, **kwargs)
    raise FileFormatError(p, f"unknown time-series format '{ext}' (known: .asc/.txt/.dat, .mseed/.miniseed, .h5/.mth5)")


def with_data(ts: TimeSeries, data: np.ndarray) -> TimeSeries:
    """A copy of ``ts`` with other samples (same channels)."""
    return replace(ts, data=np.asarray(data, float))
