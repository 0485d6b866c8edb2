"""miniSEED MT time series (through ObsPy) with a side-car of station metadata and calibration.

Format plug-in ``miniseed`` of :data:`geoexplore.mt.io.TS_FORMATS`: sniffed
with ObsPy's own public ``isFormat`` check
(:func:`geoexplore.core.obspyfiles.obspy_is_format`); a damaged file's error
names the record (:func:`geoexplore.core.obspyfiles.mseed_problem_position`).
ObsPy is imported inside the functions.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from geoexplore.core.errors import FileFormatError
from geoexplore.core.obspyfiles import (
    mseed_problem_position,
    obspy_is_format,
    obspy_read,
)
from geoexplore.mt.io.sidecar import channels_from, read_sidecar, sidecar_path
from geoexplore.mt.tsdata import CHANNELS, TimeSeries

#: SEED channel codes -> components (orientation code N/E/Z, instrument Q electric, F magnetic)
SEED_COMPONENTS = {"QN": "ex", "QE": "ey", "FN": "hx", "FE": "hy", "FZ": "hz", "Q1": "ex", "Q2": "ey", "F1": "hx", "F2": "hy"}


def read_miniseed(path: str | os.PathLike[str], *, metadata: dict[str, Any] | None = None) -> TimeSeries:
    """Read one station's five channels from a miniSEED file (obspy).

    Channels are recognised by the last two letters of the SEED channel code
    (``?QN, ?QE`` electric, ``?FN, ?FE, ?FZ`` magnetic; ``?Q1, ?Q2, ?F1, ?F2``
    whose azimuth the side-car must give) or by a ``channel_codes`` mapping in
    the side-car YAML ``<file>.yaml``, which also carries the calibration
    (scale factors, dipole lengths: required, never assumed). Traces of a channel
    are merged; gaps become NaN (flagged, never interpolated). All channels
    must share one sampling rate and start time.
    """
    p = Path(path)
    meta = dict(read_sidecar(p)) if metadata is None else dict(metadata)
    st = obspy_read(p, format="MSEED", label="miniSEED")  # ObsPy's failures and libmseed's callback errors: one line
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
    stated: dict[str, float] = {}
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
        if code[-1:] in "NEZ" and not codes:  # the SEED orientation code states the direction; 1/2 do not
            stated[comp] = {"N": 0.0, "E": 90.0, "Z": 0.0}[code[-1]]
        station = station or tr.stats.station
    missing = [c for c in ("ex", "ey", "hx", "hy") if c not in found]
    if missing:
        raise FileFormatError(p, f"missing channels {', '.join(missing)} (have {', '.join(found) or 'none'})", position="traces")
    comps = [c for c in CHANNELS if c in found]
    return TimeSeries(
        data=np.vstack([found[c] for c in comps]),
        channels=channels_from(comps, meta, str(p), code_azimuth=stated,
                               sidecar=sidecar_path(p) if metadata is None else None),
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


# -- format plug-in (geoexplore.core.formats) -----------------------------------------
NAME = "miniseed"
EXTENSIONS = (".mseed", ".miniseed", ".ms", ".msd")


def can_read(path: str | os.PathLike[str]) -> bool:
    """ObsPy's public miniSEED check."""
    return obspy_is_format(path, "MSEED")


def read(path: str | os.PathLike[str], **kwargs: Any) -> TimeSeries:
    """Plug-in reader: :func:`read_miniseed`."""
    return read_miniseed(path, **kwargs)


def write(obj: TimeSeries, path: str | os.PathLike[str], **kwargs: Any) -> None:
    """Plug-in writer: :func:`write_miniseed` (the samples plus the side-car ``<file>.yaml``)."""
    write_miniseed(obj, path, **kwargs)


__all__ = ["EXTENSIONS", "NAME", "SEED_COMPONENTS", "can_read", "read", "read_miniseed", "write", "write_miniseed"]
