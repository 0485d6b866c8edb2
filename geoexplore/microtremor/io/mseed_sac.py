"""miniSEED, SAC and Guralp GCF records through ObsPy: three format plug-ins of :mod:`geoexplore.microtremor.io`.

The format is always named to ObsPy (found by ObsPy's own public
``isFormat`` checks, :func:`geoexplore.core.obspyfiles.obspy_is_format`):
ObsPy's guessing tries its PICKLE plug-in, which unpickles (runs code from)
whatever file it is given. A file ObsPy cannot read raises a
:class:`~geoexplore.core.errors.FileFormatError` naming the record or byte
where it goes wrong.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from geoexplore.core.errors import FileFormatError
from geoexplore.core.formats import object_and_path
from geoexplore.core.obspyfiles import (
    mseed_problem_position,
    obspy_is_format,
    obspy_read,
    sac_problem_position,
)
from geoexplore.microtremor.io.assemble import Trace, assemble_record
from geoexplore.microtremor.record import COMPONENTS, Record

__all__ = ["GCF", "MSEED", "SAC", "ObspyFormat", "obspy_format", "obspy_traces", "read_many", "write_miniseed"]

#: what the message for a file that is none of the record formats says it is not
NOT_A_RECORD = "not a miniSEED, SAC, GCF or SAF file (no valid miniSEED record header, no SAC header)"


def gcf_problem_position(path: str) -> str:
    """Where a GCF file ObsPy could not read goes wrong, as far as its 1024-byte blocks tell."""
    size = os.path.getsize(path)
    n, rest = divmod(size, 1024)
    if rest:
        return f"block {n + 1} (byte {n * 1024}): {rest} bytes, a GCF block is 1024"
    return f"one of blocks 1-{n} (1024-byte blocks)" if n else "byte 0"


def _problem_position(p: str, fmt: str) -> str:
    return {"SAC": sac_problem_position, "GCF": gcf_problem_position}.get(fmt, mseed_problem_position)(p)


def obspy_traces(p: str) -> tuple[list[Trace], str]:
    """(channel code, start epoch s, fs Hz, samples) of every trace ObsPy reads from ``p``, and the station code."""
    import warnings


    fmt = obspy_format(p)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # The format is always named: ObsPy's guessing tries its PICKLE
        # plug-in, which unpickles (runs code from) whatever file it is given.
        st = obspy_read(p, format=fmt, problem_position=lambda q: _problem_position(q, fmt))
    if len(st) == 0:
        raise FileFormatError(p, "no traces", position=_problem_position(p, fmt))
    traces = []
    for k, tr in enumerate(st):
        fs = float(tr.stats.sampling_rate)
        if not np.isfinite(fs) or fs <= 0:
            raise FileFormatError(p, f"invalid sampling rate {fs}", position=f"channel {tr.stats.channel} (trace {k})")
        code = tr.stats.channel or tr.stats.get("sac", {}).get("kcmpnm", "") or f"trace{k}"
        traces.append((code, float(tr.stats.starttime.timestamp), fs, np.asarray(tr.data, float)))
    return traces, str(st[0].stats.station or "")


def obspy_format(p: str) -> str:
    """"MSEED", "SAC" or "GCF" by the file's bytes (never ObsPy's own guessing: see :func:`obspy_traces`)."""
    for name in ("MSEED", "SAC", "GCF"):
        if obspy_is_format(p, name):
            return name
    raise FileFormatError(p, NOT_A_RECORD, position=mseed_problem_position(p))


def read_many(paths: Any, *, channels: dict[str, str] | None = None, expected_fs_hz: float | None = None,
              station: str | None = None) -> Record:
    """One record from several miniSEED/SAC files (a list, or a glob pattern), e.g. one SAC file per channel."""
    import glob

    if isinstance(paths, (list, tuple)):
        files = [os.fspath(x) for x in paths]
        label = ",".join(files)
    else:
        label = os.fspath(paths)
        files = sorted(glob.glob(label))
    if not files:
        raise FileFormatError(label, "no file matches")
    traces: list = []
    name = ""
    for f in files:
        if not os.path.isfile(f):
            raise FileFormatError(f, "no such file")
        tr, sta = obspy_traces(f)
        traces += tr
        name = name or sta
    return assemble_record(label, traces, station=station or name or Path(files[0]).stem, channels=channels,
                           expected_fs_hz=expected_fs_hz)


def write_miniseed(record: Record, path: str | os.PathLike[str], *, network: str = "XX", location: str = "",
                   band: str = "H", encoding: str = "FLOAT32") -> Path:
    """Write a :class:`Record` as one miniSEED file with channels <band>H{N,E,Z}.

    The old order ``write_miniseed(path, record)`` still works for one release (DeprecationWarning).
    """
    import obspy

    record, path = object_and_path(record, path, "write_miniseed")
    st = obspy.Stream()
    t0 = obspy.UTCDateTime(record.starttime) if record.starttime else obspy.UTCDateTime(0)
    for i, c in enumerate(COMPONENTS):
        tr = obspy.Trace(record.data[i].astype(np.float32 if encoding == "FLOAT32" else np.int32))
        tr.stats.network, tr.stats.station, tr.stats.location = network, record.station[:5], location
        tr.stats.channel = f"{band}H{c}"
        tr.stats.sampling_rate = record.fs_hz
        tr.stats.starttime = t0
        st.append(tr)
    st.write(os.fspath(path), format="MSEED", encoding=encoding)
    return Path(path)


@dataclass(frozen=True)
class ObspyFormat:
    """A record format read through ObsPy (a format plug-in: NAME, EXTENSIONS, can_read, read[, write])."""

    NAME: str
    EXTENSIONS: tuple[str, ...]
    OBSPY_NAME: str

    def can_read(self, path: str | os.PathLike[str]) -> bool:
        """ObsPy's own public check for this format."""
        return obspy_is_format(path, self.OBSPY_NAME)

    def read(self, path: str | os.PathLike[str], *, channels: dict[str, str] | None = None,
             expected_fs_hz: float | None = None, station: str | None = None) -> Record:
        """A file holding the three components as a checked :class:`Record`."""
        p = os.fspath(path)
        traces, sta = obspy_traces(p)
        return assemble_record(p, traces, station=station or sta or Path(p).stem, channels=channels,
                               expected_fs_hz=expected_fs_hz)

    @property
    def write(self) -> Any:
        """The writer (miniSEED only; None for SAC, whose records are one file per channel)."""
        return write_miniseed if self.OBSPY_NAME == "MSEED" else None


#: the plug-ins
MSEED = ObspyFormat("mseed", (".mseed", ".miniseed", ".msd"), "MSEED")
SAC = ObspyFormat("sac", (".sac",), "SAC")
#: Guralp Compressed Format (ObsPy's GCF reader); channel codes end in Z/N/E (the stream ids' orientation letter)
GCF = ObspyFormat("gcf", (".gcf",), "GCF")
