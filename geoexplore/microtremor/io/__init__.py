"""Microtremor files: 3-component records (miniSEED, SAC, GCF, SAF, CityShark/MiniShark ASCII, PEER) and Geopsy H/V curves, behind one format registry.

:func:`read` returns a :class:`~geoexplore.microtremor.record.Record` with
the components in the order north, east, vertical on one common time base;
the format is found from the content (:data:`REGISTRY`, the one
:class:`~geoexplore.core.formats.FormatRegistry` of the method). Problems
are handled so a batch can go on:

* unreadable / corrupt file, a missing component, a dead (constant) channel,
  channels with different sampling rates, or a rate that differs from the
  expected one: :class:`~geoexplore.core.errors.FileFormatError` naming the
  file and the channel;
* gaps inside a channel: filled with zeros and flagged ("gap"), windows that
  touch them are rejected and counted;
* unequal channel lengths: cut to the common time span; the note gives each
  channel's original span and the seconds lost (``Record.span_s``), and the
  windows lost are counted as ``unequal_lengths``;
* a near-dead channel (fewer than 8 distinct values, e.g. +-1 count of
  digitizer noise, or an RMS below 1e-3 of the other channels'):
  :class:`FileFormatError` naming the channel;
* a header sampling rate that contradicts the trace start times (a channel
  in >= 3 pieces whose start times all imply one other rate):
  :class:`FileFormatError`. A single-piece trace (SAC, SAF, continuous
  miniSEED) carries no such check: ``expected_fs_hz`` is then the guard;
* clipped samples (runs of >= 3 samples at the channel's extreme value):
  flagged ("clipped"); partially dead stretches (>= 1 s constant): flagged
  ("dead").

Orientation comes from the channel code's last letter (Z/N/E, or 1/2 for
north/east, noted) unless a ``channels`` mapping is given.

Modules: :mod:`.mseed_sac` (miniSEED, SAC and Guralp GCF through ObsPy),
:mod:`.saf` (SESAME ASCII), :mod:`.cityshark` (CityShark II / MiniShark
ASCII: the column order must be given, ``columns="ZNE"``), :mod:`.peer` (PEER
strong-motion records, one file per component: give the three files),
:mod:`.geopsy` (Geopsy .hv curves), :mod:`.assemble`
(traces -> checked record). Adding a format: one module with ``NAME``,
``EXTENSIONS``, ``can_read``, ``read`` (and ``write``), and one
``REGISTRY.register`` line.

This package replaces the module ``geoexplore.microtremor.io`` of earlier
releases; its public names (``Record``, ``read_record``, ``read_saf``,
``write_saf``, ``record_from_arrays``, ``write_miniseed``) are still here.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from geoexplore.core.errors import FileFormatError, GeoexploreError
from geoexplore.core.formats import FormatRegistry, check_regular_file
from geoexplore.microtremor.io.geopsy import HvFile, read_hv, write_hv
from geoexplore.microtremor.io.mseed_sac import NOT_A_RECORD, read_many, write_miniseed
from geoexplore.microtremor.io.saf import read_saf, write_saf
from geoexplore.microtremor.record import COMPONENTS, Record, record_from_arrays

__all__ = [
    "COMPONENTS", "RECORD_FORMATS", "REGISTRY", "HvFile", "Record", "detect", "read", "read_hv", "read_record", "read_saf",
    "record_from_arrays", "register", "write", "write_hv", "write_miniseed", "write_saf",
]

#: the one format registry of the microtremor method (detection order: the most specific magic first)
REGISTRY = FormatRegistry(
    "microtremor",
    {
        "saf": "geoexplore.microtremor.io.saf",
        "mseed": "geoexplore.microtremor.io.mseed_sac:MSEED",
        "sac": "geoexplore.microtremor.io.mseed_sac:SAC",
        "gcf": "geoexplore.microtremor.io.mseed_sac:GCF",
        "peer": "geoexplore.microtremor.io.peer",
        "cityshark": "geoexplore.microtremor.io.cityshark",
        "geopsy-hv": "geoexplore.microtremor.io.geopsy",
    },
    aliases={"miniseed": "mseed", "mseed2": "mseed", "hv": "geopsy-hv", "geopsy": "geopsy-hv", "minishark": "cityshark",
             "guralp": "gcf", "at2": "peer", "vt2": "peer"},
)

#: the formats that hold a 3-component record (what :func:`read` returns); the others hold H/V curves
RECORD_FORMATS = ("saf", "mseed", "sac", "gcf", "peer", "cityshark")


def register(name: str, target: str, *, first: bool = False, record: bool = True) -> None:
    """Add a format plug-in (``"package.module"`` or ``"package.module:OBJECT"``); ``record=True``: :func:`read` reads it."""
    global RECORD_FORMATS
    REGISTRY.register(name, target, first=first)
    if record and name.lower() not in RECORD_FORMATS:
        RECORD_FORMATS = (*RECORD_FORMATS, name.lower())


def _is_pattern(path: Any) -> bool:
    return isinstance(path, (list, tuple)) or (any(ch in os.fspath(path) for ch in "*?[") and not os.path.isfile(path))


def detect(path: str | os.PathLike[str]) -> str:
    """The format of a record file, from its content (one of :data:`RECORD_FORMATS`).

    Raises
    ------
    FileFormatError
        Naming the file and listing the known formats: for a file of none of
        them (with where it stops being miniSEED), or a Geopsy H/V curve
        (read those with :func:`read_hv`).
    """
    from geoexplore.core.obspyfiles import mseed_problem_position

    p = check_regular_file(path)
    try:
        return REGISTRY.detect(p, among=RECORD_FORMATS)
    except FileFormatError:
        pass
    others = [n for n in REGISTRY.names if n not in RECORD_FORMATS]
    known = f"known formats: {', '.join(RECORD_FORMATS)} (records), {', '.join(others)} (H/V curves, read_hv)"
    for name in others:
        if REGISTRY.plugin(name).can_read(p):
            raise FileFormatError(p, f"a {name} file holds an H/V curve, not a record: read it with read_hv; {known}",
                                  position="line 1")
    raise FileFormatError(p, f"{NOT_A_RECORD}; {known}", position=mseed_problem_position(p))


def read(path: Any, format: str | None = None, *, channels: dict[str, str] | None = None,  # noqa: A002
         expected_fs_hz: float | None = None, station: str | None = None,
         columns: str | tuple[str, ...] | None = None) -> Record:
    """Read a 3-component record (miniSEED, SAC, GCF, SAF, CityShark/MiniShark, PEER; by content, not by name).

    Parameters
    ----------
    path : str, PathLike or list of them
        A miniSEED, SAC or GCF file holding the three components, a SAF or
        CityShark file; or several files (a list, or a glob pattern such as
        ``"STN01.*.SAC"``) that together hold them (one SAC or PEER file per
        component).
    format : str, optional
        One of :data:`RECORD_FORMATS`; default: found from the content.
    channels : dict, optional
        ``{"N": "HH1", "E": "HH2", "Z": "HHZ"}`` to override orientation by channel code.
    expected_fs_hz : float, optional
        Raise if the header sampling rate (Hz) differs.
    station : str, optional
        Station name (default: from the file).
    columns : str or sequence of str, optional
        Component of each column of a column file that does not state it
        (CityShark/MiniShark), e.g. ``"ZNE"``; refused for the other formats.

    Raises
    ------
    FileFormatError
        Naming the file and the channel (see the package docstring); a file
        of no record format names the known formats.
    """
    kw: dict[str, Any] = {"channels": channels, "expected_fs_hz": expected_fs_hz, "station": station}
    if _is_pattern(path):
        files = _expand(path)
        if files and all(REGISTRY.plugin("peer").can_read(f) for f in files if os.path.isfile(f)):
            from geoexplore.microtremor.io.peer import read_peer_files

            if channels or columns:
                raise GeoexploreError("PEER files state their components (line 2): channels=/columns= do not apply")
            return read_peer_files(files, expected_fs_hz=expected_fs_hz, station=station)
        _no_columns(columns, "several files")
        return read_many(path, **kw)
    if format is None:
        name = detect(path)
    else:
        name = REGISTRY.canonical(format)
        if name not in RECORD_FORMATS:
            raise GeoexploreError(f"format {name!r} holds no record (record formats: {', '.join(RECORD_FORMATS)})")
        check_regular_file(path)
    if name == "cityshark":
        kw["columns"] = columns
    else:
        _no_columns(columns, name)
    return REGISTRY.call(REGISTRY.plugin(name).read, path, name, **kw)


def _expand(path: Any) -> list[str]:
    import glob

    if isinstance(path, (list, tuple)):
        return [os.fspath(x) for x in path]
    return sorted(glob.glob(os.fspath(path)))


def _no_columns(columns: Any, what: str) -> None:
    if columns is not None:
        raise GeoexploreError(f"columns= is for column files that do not state their component order (cityshark), "
                              f"not for {what}: their channels carry the orientation")


#: the name of :func:`read` in earlier releases
read_record = read


def write(obj: Any, path: str | os.PathLike[str], format: str | None = None, **kwargs: Any) -> Path:  # noqa: A002
    """Write a record (miniSEED, SAF) or an H/V curve (Geopsy .hv); ``format`` None: from the file ending.

    Raises
    ------
    GeoexploreError
        For an unknown ending or a format without a writer (the message lists the writable formats).
    """
    if format is None:
        ext = Path(path).suffix.lower()
        names = [n for n in REGISTRY.writable() if ext and ext in REGISTRY.plugin(n).EXTENSIONS]
        if not names:
            raise GeoexploreError(f"cannot tell the format of {os.fspath(path)!r} from its ending; "
                                  f"give format= one of {', '.join(REGISTRY.writable())}")
        format = names[0]  # noqa: A001
    return REGISTRY.write(obj, path, format, **kwargs)
