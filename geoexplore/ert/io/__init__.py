"""ERT file formats: one module per instrument family, all behind one :class:`~geoexplore.core.formats.FormatRegistry`.

=============  ==========================================  =====================  ======
format         files                                       plug-in                write
=============  ==========================================  =====================  ======
syscal-bin     IRIS Syscal binary .bin (any header text)   ``syscal:BINARY``      no
syscal-binx    IRIS Syscal Pro .binx (Prosys II/III)       ``syscal_binx``        no
sting          AGI SuperSting .stg                         ``sting``              no
abem-lund      ABEM Lund / ERIC .ohm exports               ``abem``               no
syscal-text    IRIS Syscal CSV/TXT export (Prosys II/III)  ``syscal:TEXT``        no
ares           GF Instruments ARES / ARES II .2dm          ``ares``               no
lippmann       Lippmann 4-Point Light .tx0 (GeoTest)       ``lippmann``           no
electra        Electra (Moho) .ele                         ``electra``            no
das1           MPT DAS-1 (ERTLab DACQ) .data               ``das1``               no
ohmpi          OhmPi .csv (needs electrode_spacing_m)      ``ohmpi``              no
prime          BGS PRIME .tab (needs electrode_spacing_m)  ``prime``              no
unified        pyGIMLi/BERT .ohm .dat .shm .data           ``unified``            yes
res2dinv       RES2DINV .dat (codes 1-7, 11; topo, IP)     ``res2dinv``           yes
=============  ==========================================  =====================  ======

:func:`read` detects the format from the content, trying the formats in the
order of the table (the extension plays no part: every file detects as it
always did); an unknown file raises
:class:`~geoexplore.core.errors.FileFormatError` naming the file and listing
the known formats. Adding a format: one module with ``NAME``, ``EXTENSIONS``,
``can_read(path)``, ``read(path)`` (and optionally ``write(data, path)``) and
one :meth:`~geoexplore.core.formats.FormatRegistry.register` line.
"""

from __future__ import annotations

import os
from typing import Any

from geoexplore.core.errors import FileFormatError, GeoexploreError
from geoexplore.core.formats import FormatRegistry
from geoexplore.ert.data import ERTData
from geoexplore.ert.io._line import to_line

#: format name -> plug-in, in detection order (the most specific signature first)
PLUGINS: dict[str, str] = {
    "syscal-bin": "geoexplore.ert.io.syscal:BINARY",
    "syscal-binx": "geoexplore.ert.io.syscal_binx",
    "sting": "geoexplore.ert.io.sting",
    "abem-lund": "geoexplore.ert.io.abem",
    "syscal-text": "geoexplore.ert.io.syscal:TEXT",
    "ares": "geoexplore.ert.io.ares",
    "lippmann": "geoexplore.ert.io.lippmann",
    "electra": "geoexplore.ert.io.electra",
    "das1": "geoexplore.ert.io.das1",
    "ohmpi": "geoexplore.ert.io.ohmpi",
    "prime": "geoexplore.ert.io.prime",
    "unified": "geoexplore.ert.io.unified",
    "res2dinv": "geoexplore.ert.io.res2dinv",
}


class ERTFormats(FormatRegistry):
    """The ERT format registry: content sniffing in the fixed order of :data:`PLUGINS` (binary layouts first;
    instruments write ``.dat``, ``.csv`` and ``.txt`` for different layouts, so the extension never reorders the
    tries), refusals worded at the first NUL byte of a binary file or at line 1 of a text file.
    """

    def __init__(self, method: str, plugins: dict[str, str]) -> None:
        super().__init__(method, plugins, by_extension=False)

    def unrecognised(self, path: str, head: bytes, known: str) -> FileFormatError:
        known = ", ".join(self.names)
        if b"\x00" in head:
            return FileFormatError(path, f"unknown binary ERT file; known formats: {known}", byte_offset=head.index(b"\x00"))
        return FileFormatError(path, f"unrecognised ERT file; known formats: {known}", position="line 1")

    def read(self, path: str | os.PathLike[str], format: str | None = None, **kwargs: Any) -> ERTData:  # noqa: A002
        """Read a file; ``format=None`` detects it. ``meta`` gets ``format`` and ``path``."""
        if format is not None and format.lower() not in self.names:
            raise FileFormatError(path, f"unknown format {format!r}; known: {', '.join(self.names)}")
        fmt = format.lower() if format else self.detect(path)
        data = self.call(self.plugin(fmt).read, path, fmt, **kwargs)
        data.electrodes, line_meta = to_line(path, data.electrodes)
        data.meta.update(line_meta)
        data.meta.setdefault("format", fmt)
        data.meta["path"] = os.fspath(path)
        return data

    def write(self, obj: Any, path: str | os.PathLike[str], format: str, **kwargs: Any) -> Any:  # noqa: A002
        """Write ``unified`` or ``res2dinv``; ValueError listing the writable formats otherwise."""
        try:
            return super().write(obj, path, format, **kwargs)
        except GeoexploreError as exc:
            raise ValueError(f"cannot write format {format!r}; writable: {', '.join(self.writable())}") from exc


#: the one registry of ERT formats
REGISTRY = ERTFormats("ERT", PLUGINS)
#: the format names, in detection order (kept for callers of the old tuple table)
FORMATS: tuple[str, ...] = tuple(PLUGINS)


def detect(path: str | os.PathLike[str]) -> str:
    """The format name of a file, from its content (see :data:`PLUGINS`)."""
    return REGISTRY.detect(path)


def read(path: str | os.PathLike[str], format: str | None = None, **kwargs: Any) -> ERTData:  # noqa: A002
    """Read any supported ERT file into :class:`~geoexplore.ert.data.ERTData`.

    Parameters
    ----------
    path : path-like
        The file.
    format : str, optional
        One of :data:`FORMATS`; detected from the content when omitted.
    **kwargs
        Passed to the format's reader, e.g. ``electrode_spacing_m`` for the
        formats that give electrode numbers without positions (OhmPi, BGS PRIME).

    Returns
    -------
    ERTData
        Electrodes (m) and the quadrupole table; ``meta["format"]`` names the format.

    Raises
    ------
    FileFormatError
        Unknown format (the message lists the known ones), or a corrupt or
        truncated file (naming the line, record or byte), or a 3D survey
        (electrodes not on one straight line: refused, never flattened).
    """
    return REGISTRY.read(path, format, **kwargs)


def write(data: ERTData, path: str | os.PathLike[str], format: str) -> None:  # noqa: A002
    """Write ``unified`` or ``res2dinv`` (general array) files.

    Raises
    ------
    ValueError
        The format has no writer (the message lists the writable ones).
    """
    REGISTRY.write(data, path, format)


def register(name: str, target: str, *, first: bool = False) -> None:
    """Add a format plug-in (``"package.module"`` or ``"package.module:OBJECT"``) to :data:`REGISTRY`."""
    REGISTRY.register(name, target, first=first)


__all__ = ["ERTFormats", "FORMATS", "PLUGINS", "REGISTRY", "detect", "read", "register", "write"]
