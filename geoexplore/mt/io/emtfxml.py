"""EMTF-XML transfer functions (the IRIS SPUD exchange format), read and written through mt_metadata.

Format plug-in ``emtfxml`` of :data:`geoexplore.mt.io.TF_FORMATS`: a text
file whose root element is ``<EM_TF>``. mt_metadata is imported lazily, its
loguru output disabled; every error is a
:class:`~geoexplore.core.errors.FileFormatError` naming the file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from geoexplore.core.errors import FileFormatError
from geoexplore.core.formats import read_head
from geoexplore.mt.io.mtmetadata import (
    from_mt_metadata,
    read_mt_metadata_tf,
    to_mt_metadata,
)

NAME = "emtfxml"
EXTENSIONS = (".xml",)


def can_read(path: str | os.PathLike[str]) -> bool:
    """True for a text file whose first kilobytes hold the ``<EM_TF`` root element."""
    head = read_head(path, 4096)
    return b"\x00" not in head and b"<em_tf" in head.lower()


def read_emtfxml(path: str | os.PathLike[str]) -> Any:
    """Read EMTF-XML through mt_metadata into the container."""
    p = Path(path)
    return from_mt_metadata(read_mt_metadata_tf(p), p)


def write_emtfxml(ds: Any, path: str | os.PathLike[str]) -> Path:
    """Write EMTF-XML through mt_metadata."""
    p = Path(path)
    tf = to_mt_metadata(ds)
    try:
        tf.write(fn=str(p), file_type="emtfxml")
    except Exception as exc:  # mt_metadata raises many types
        raise FileFormatError(p, f"mt_metadata could not write EMTF-XML ({type(exc).__name__}: {str(exc)[:120]})") from None
    return p


def read(path: str | os.PathLike[str], **kwargs: Any) -> Any:
    """Plug-in reader: :func:`read_emtfxml`."""
    return read_emtfxml(path, **kwargs)


def write(obj: Any, path: str | os.PathLike[str], **kwargs: Any) -> Path:
    """Plug-in writer: :func:`write_emtfxml`."""
    return write_emtfxml(obj, path, **kwargs)


__all__ = ["EXTENSIONS", "NAME", "can_read", "read", "read_emtfxml", "write", "write_emtfxml"]
