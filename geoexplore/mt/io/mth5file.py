"""MTH5 time series (one run of one station) through mth5 and h5py.

Format plug-in ``mth5`` of :data:`geoexplore.mt.io.TS_FORMATS`: an HDF5 file
(signature at byte 0, 512, 1024 or 2048). mth5 and h5py are imported inside
the functions; the metadata are probed in a child process first (HDF5's C
library can loop for ever on a damaged attribute).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from geoexplore.core.errors import FileFormatError
from geoexplore.core.formats import read_head
from geoexplore.core.hdf5probe import probe_hdf5_metadata
from geoexplore.core.quiet import quiet_loguru
from geoexplore.mt.tsdata import CHANNELS, Channel, TimeSeries

HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


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
                              position=hdf5_position(p)) from None
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
            if not np.isfinite(float(r.azimuth)):
                raise FileFormatError(p, f"channel {comp} states no azimuth (none is assumed)", position=f"station {st_id} run {run_id} channel {comp}")
            az = float(r.azimuth)
            units = str(r.units or "").lower().replace(" ", "")
            chans.append((comp, az, units))
            refs.append(r.hdf5_reference)
            lat, lon, elev = float(r.latitude), float(r.longitude), float(r.elevation)
        if not chans:
            raise FileFormatError(p, "no ex/ey/hx/hy/hz channels", position=f"station {st_id} run {run_id}")
        if not (rate is not None and np.isfinite(rate) and rate > 0):
            raise FileFormatError(p, f"sampling rate {rate} is not a positive number of Hz", position=f"station {st_id} run {run_id}")
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
        sample_rate_hz=float(rate),
        station=st_id,
        start_time_s=t0,
        lat_deg=lat,
        lon_deg=lon,
        elevation_m=elev,
        source=str(p),
    )


def hdf5_position(p: Path) -> str:
    """Where an HDF5 file that would not open is broken, as far as the bytes tell: its superblock or its object tree."""
    with open(p, "rb") as fh:
        head = fh.read(2048 + 8)
    for off in (0, 512, 1024, 2048):  # the superblock may follow a user block of 512 * 2^k bytes
        if head[off:off + 8] == HDF5_SIGNATURE:
            return f"HDF5 object tree (superblock at byte {off} is intact)"
    return "byte 0 (no HDF5 superblock signature)"


# -- format plug-in (geoexplore.core.formats) -----------------------------------------
NAME = "mth5"
EXTENSIONS = (".h5", ".mth5", ".hdf5")


def can_read(path: str | os.PathLike[str]) -> bool:
    """True for an HDF5 file (its signature where a superblock may start)."""
    head = read_head(path, 2048 + 8)
    return any(head[off:off + 8] == HDF5_SIGNATURE for off in (0, 512, 1024, 2048))


def read(path: str | os.PathLike[str], **kwargs: Any) -> TimeSeries:
    """Plug-in reader: :func:`read_mth5`."""
    return read_mth5(path, **kwargs)


__all__ = ["EXTENSIONS", "NAME", "can_read", "hdf5_position", "read", "read_mth5"]
