"""ERT file formats: one module per instrument family, found by content.

=============  ==========================================  =============  ======
format         files                                       module         write
=============  ==========================================  =============  ======
unified        pyGIMLi/BERT .ohm .dat .shm .data           ``unified``    yes
res2dinv       RES2DINV .dat (codes 1-7, 11; topo, IP)     ``res2dinv``   yes
syscal-bin     IRIS Syscal binary .bin (Prosys III)        ``syscal``     no
syscal-text    IRIS Syscal CSV/TXT exports                 ``syscal``     no
abem-lund      ABEM Lund / ERIC .ohm exports               ``abem``       no
sting          AGI SuperSting .stg                         ``sting``      no
=============  ==========================================  =============  ======

:func:`read` detects the format from the content (the extension only breaks
ties); an unknown file raises :class:`~geoexplore.core.errors.FileFormatError`
listing the known formats.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Any, Callable

from geoexplore.core.errors import FileFormatError
from geoexplore.ert.data import ERTData

# name -> (module, can_read, reader, writer)
FORMATS: dict[str, tuple[str, str | None, str, str | None]] = {
    "syscal-bin": ("syscal", "can_read_binary", "read_binary", None),
    "sting": ("sting", "can_read", "read", None),
    "abem-lund": ("abem", "can_read", "read", None),
    "syscal-text": ("syscal", "can_read_text", "read_text", None),
    "unified": ("unified", "can_read", "read", "write"),
    "res2dinv": ("res2dinv", "can_read", "read", "write"),
}


def _func(fmt: str, which: int) -> Callable[..., Any]:
    mod = importlib.import_module(f"geoexplore.ert.io.{FORMATS[fmt][0]}")
    return getattr(mod, FORMATS[fmt][which])  # type: ignore[arg-type]


def detect(path: str | os.PathLike[str]) -> str:
    """The format name of a file (see :data:`FORMATS`)."""
    p = Path(path)
    try:
        with open(p, "rb") as fh:
            head_b = fh.read(8192)
    except OSError as exc:
        raise FileFormatError(path, f"cannot read: {exc.strerror or exc}") from None
    if not head_b:
        raise FileFormatError(path, "empty file", byte_offset=0)
    if _func("syscal-bin", 1)(path, head_b):
        return "syscal-bin"
    if b"\x00" in head_b:
        raise FileFormatError(path, "unknown binary ERT file; known formats: " + ", ".join(FORMATS),
                              byte_offset=head_b.index(b"\x00"))
    text = head_b.decode("latin-1")
    head = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")[:40]
    for fmt in ("sting", "abem-lund", "syscal-text", "unified", "res2dinv"):
        if _func(fmt, 1)(path, head):
            return fmt
    raise FileFormatError(path, "unrecognised ERT file; known formats: " + ", ".join(FORMATS), position="line 1")


def read(path: str | os.PathLike[str], format: str | None = None) -> ERTData:
    """Read any supported ERT file into :class:`~geoexplore.ert.data.ERTData`.

    Parameters
    ----------
    path : path-like
        The file.
    format : str, optional
        One of :data:`FORMATS`; detected from the content when omitted.

    Raises
    ------
    FileFormatError
        Unknown format, or a corrupt/truncated file (naming line, record or byte).
    """
    fmt = format or detect(path)
    if fmt not in FORMATS:
        raise FileFormatError(path, f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")
    try:
        data = _func(fmt, 2)(path)
    except FileFormatError:
        raise
    except (IndexError, ValueError, KeyError, TypeError, OverflowError) as exc:  # pragma: no cover - safety net
        raise FileFormatError(path, f"cannot parse as {fmt}: {type(exc).__name__}: {exc}") from None
    data.meta.setdefault("format", fmt)
    data.meta["path"] = os.fspath(path)
    return data


def write(data: ERTData, path: str | os.PathLike[str], format: str) -> None:
    """Write ``unified`` or ``res2dinv`` (general array) files."""
    if format not in FORMATS or FORMATS[format][3] is None:
        writable = [k for k, v in FORMATS.items() if v[3]]
        raise ValueError(f"cannot write format {format!r}; writable: {', '.join(writable)}")
    _func(format, 3)(data, path)


__all__ = ["FORMATS", "detect", "read", "write"]
