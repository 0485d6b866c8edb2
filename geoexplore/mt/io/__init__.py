"""MT files: transfer functions and time series, each format a plug-in of :class:`~geoexplore.core.formats.FormatRegistry`.

Two kinds of file, two registries:

* :data:`TF_FORMATS` (transfer functions -> the :mod:`geoexplore.mt.tfdata`
  Dataset): ``edi`` (own strict parser and writer), ``zfile`` (EMTF
  ``.zss/.zrr/.zmm``), ``emtfxml`` (EMTF-XML through mt_metadata; also written);
* :data:`TS_FORMATS` (time series -> :class:`geoexplore.mt.tsdata.TimeSeries`):
  ``mth5`` (HDF5), ``miniseed`` (ObsPy, side-car YAML; also written),
  ``ascii`` (columns of numbers with a side-car YAML).

:func:`read` sniffs the content (the extension only orders the tries) and
returns the right container for any MT file; :func:`write` picks the format
from the extension. Every error is a
:class:`~geoexplore.core.errors.FileFormatError` naming the file. Adding a
format is one module with ``NAME``, ``EXTENSIONS``, ``can_read``, ``read``
(and ``write``) and one :meth:`~geoexplore.core.formats.FormatRegistry.register` line.

Usage::

    from geoexplore.mt import io as mtio
    tf = mtio.read("station.edi")            # xarray Dataset (transfer functions)
    ts = mtio.read("MT03.mseed")             # TimeSeries (side-car MT03.yaml)
    mtio.write(tf, "copy.xml")               # EMTF-XML
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Any

from geoexplore.core.errors import FileFormatError
from geoexplore.core.formats import (
    LOW_LEVEL_ERRORS,
    FormatRegistry,
    check_regular_file,
    read_head,
)

#: transfer-function formats, most specific content first
TF_FORMATS = FormatRegistry("MT transfer-function", {
    "edi": "geoexplore.mt.io.edi",
    "zfile": "geoexplore.mt.io.zfile",
    "emtfxml": "geoexplore.mt.io.emtfxml",
}, aliases={"zss": "zfile", "zrr": "zfile", "zmm": "zfile", "xml": "emtfxml", "emtf-xml": "emtfxml"})

#: time-series formats, most specific content first (ASCII columns last: they have no magic)
TS_FORMATS = FormatRegistry("MT time-series", {
    "mth5": "geoexplore.mt.io.mth5file",
    "miniseed": "geoexplore.mt.io.miniseed",
    "ascii": "geoexplore.mt.io.ascii",
}, aliases={"mseed": "miniseed", "h5": "mth5", "asc": "ascii"})

KINDS = {"tf": TF_FORMATS, "ts": TS_FORMATS}


def detect(path: str | os.PathLike[str]) -> tuple[str, str]:
    """The kind (``"tf"`` or ``"ts"``) and format name of an MT file, from its content.

    The formats whose extension matches are tried first, then the others of
    both kinds.

    Raises
    ------
    FileFormatError
        If the file is missing, empty or of no MT format (the message lists them).
    """
    p = check_regular_file(path)
    ext = os.path.splitext(p)[1].lower()
    tries = [(kind, name) for kind, reg in KINDS.items() for name in reg.names]
    by_ext = [t for t in tries if ext and ext in getattr(KINDS[t[0]].plugin(t[1]), "EXTENSIONS", ())]
    for kind, name in by_ext + [t for t in tries if t not in by_ext]:
        try:
            if KINDS[kind].plugin(name).can_read(p):
                return kind, name
        except FileFormatError:
            raise
        except LOW_LEVEL_ERRORS:  # a sniffer that trips on a foreign file: not this format
            continue
    what = "binary" if b"\x00" in read_head(p, 4096) else "text"
    known = "; ".join(f"{reg.method}: {', '.join(reg.names)}" for reg in KINDS.values())
    raise FileFormatError(p, f"not a recognised MT file ({what}); known formats: {known}", position="byte 0")


def read(path: str | os.PathLike[str], format: str | None = None, **kwargs: Any) -> Any:  # noqa: A002
    """Read any MT file: transfer functions -> Dataset, time series -> :class:`~geoexplore.mt.tsdata.TimeSeries`.

    Parameters
    ----------
    path : path-like
    format : str, optional
        A format name of either registry (``"edi"``, ``"zfile"``,
        ``"emtfxml"``, ``"mth5"``, ``"miniseed"``, ``"ascii"``); None sniffs the content.
    **kwargs
        Passed to the format's reader (e.g. ``metadata=`` for ASCII and
        miniSEED, ``station=``/``run=`` for MTH5).
    """
    if format is None:
        kind, name = detect(path)
    else:
        kind = kind_of(format)
        name = KINDS[kind].canonical(format)
    return KINDS[kind].read(path, format=name, **kwargs)


def kind_of(format: str) -> str:  # noqa: A002
    """``"tf"`` or ``"ts"``: which registry knows a format name (GeoexploreError listing both if neither)."""
    from geoexplore.core.errors import GeoexploreError

    for kind, reg in KINDS.items():
        try:
            reg.canonical(format)
            return kind
        except GeoexploreError:
            continue
    known = "; ".join(f"{reg.method}: {', '.join(reg.names)}" for reg in KINDS.values())
    raise GeoexploreError(f"unknown MT format {format!r}; known formats: {known}")


#: file ending -> (kind, format) for writing
WRITE_EXTENSIONS = {".edi": ("tf", "edi"), ".xml": ("tf", "emtfxml"), ".mseed": ("ts", "miniseed"),
                    ".miniseed": ("ts", "miniseed"), ".ms": ("ts", "miniseed")}


def write(obj: Any, path: str | os.PathLike[str], format: str | None = None, **kwargs: Any) -> Any:  # noqa: A002
    """Write transfer functions (``.edi``, ``.xml`` EMTF-XML) or a time series (``.mseed``, with its side-car).

    ``format`` overrides the choice by extension. Returns what the writer returns (the path for TF files).
    """
    p = Path(path)
    if format is None:
        if p.suffix.lower() not in WRITE_EXTENSIONS:
            raise FileFormatError(p, f"cannot write '{p.suffix}' (known: {', '.join(WRITE_EXTENSIONS)})")
        kind, format = WRITE_EXTENSIONS[p.suffix.lower()]
    else:
        kind = kind_of(format)
    return KINDS[kind].write(obj, p, format=format, **kwargs)


def read_tf(path: str | os.PathLike[str]) -> Any:
    """A transfer-function file (EDI, EMTF Z-file, EMTF-XML; format sniffed) as the :mod:`~geoexplore.mt.tfdata` Dataset."""
    return TF_FORMATS.read(path)


def write_tf(ds: Any, path: str | os.PathLike[str]) -> Path:
    """Write ``.edi`` (own writer) or ``.xml`` (EMTF-XML through mt_metadata)."""
    p = Path(path)
    name = {".edi": "edi", ".xml": "emtfxml"}.get(p.suffix.lower())
    if name is None:
        raise FileFormatError(p, f"cannot write '{p.suffix}' (known: .edi, .xml)")
    return TF_FORMATS.write(ds, p, format=name)


#: file ending -> time-series format of :func:`read_timeseries`
TS_EXTENSIONS = {".h5": "mth5", ".mth5": "mth5", ".hdf5": "mth5", ".mseed": "miniseed", ".miniseed": "miniseed",
                 ".ms": "miniseed", ".msd": "miniseed", ".asc": "ascii", ".txt": "ascii", ".dat": "ascii", ".csv": "ascii"}


def read_timeseries(path: str | os.PathLike[str], **kwargs: Any) -> Any:
    """Read a time-series file, choosing the reader by extension (the workflow step ``mt.tf`` and ``geoexplore mt tf``).

    ``.h5``/``.mth5`` -> :func:`~geoexplore.mt.io.mth5file.read_mth5`; ``.mseed``/``.miniseed``/``.ms`` ->
    :func:`~geoexplore.mt.io.miniseed.read_miniseed`; ``.asc``/``.txt``/``.dat`` ->
    :func:`~geoexplore.mt.io.ascii.read_ascii` (layout, rate, orientation and calibration from the side-car or the
    arguments; never assumed).
    :func:`read` sniffs the content instead and never assumes an ASCII layout.
    """
    p = Path(path)
    ext = p.suffix.lower()
    if not p.is_file():
        raise FileFormatError(p, "no such file")
    name = TS_EXTENSIONS.get(ext)
    if name is None:
        raise FileFormatError(p, f"unknown time-series format '{ext}' (known: .asc/.txt/.dat, .mseed/.miniseed, .h5/.mth5)")
    module = TS_FORMATS.plugin(name)
    reader = {"mth5": "read_mth5", "miniseed": "read_miniseed", "ascii": "read_ascii"}[name]
    return getattr(module, reader)(p, **kwargs)


#: reader and writer functions of the format modules, imported on first use
_LAZY = {
    "read_edi": "geoexplore.mt.io.edi", "write_edi": "geoexplore.mt.io.edi",
    "read_zfile": "geoexplore.mt.io.zfile",
    "read_emtfxml": "geoexplore.mt.io.emtfxml", "write_emtfxml": "geoexplore.mt.io.emtfxml",
    "read_ascii": "geoexplore.mt.io.ascii", "EMTF_SYNTHETIC_METADATA": "geoexplore.mt.io.ascii",
    "read_miniseed": "geoexplore.mt.io.miniseed", "write_miniseed": "geoexplore.mt.io.miniseed",
    "read_mth5": "geoexplore.mt.io.mth5file",
    "sidecar_path": "geoexplore.mt.io.sidecar",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'geoexplore.mt.io' has no attribute {name!r}")


__all__ = sorted(["KINDS", "TF_FORMATS", "TS_EXTENSIONS", "TS_FORMATS", "WRITE_EXTENSIONS", "detect", "kind_of", "read",
                  "read_tf", "read_timeseries", "write", "write_tf", *_LAZY])
