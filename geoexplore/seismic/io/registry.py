"""Seismic file-format plug-ins: sniff, scan, read, write; found lazily by name.

A plug-in is a module with ``NAME``, ``EXTENSIONS``, ``can_read(path)``,
``scan(path)``, ``read(path, **kw)`` and (optionally) ``write(ds, path, **kw)``.
Register more with :func:`register`.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType
from typing import Any

from geoexplore.core.errors import FileFormatError, GeoexploreError

#: format name -> module path (imported on first use)
FORMATS: dict[str, str] = {
    "seg2": "geoexplore.seismic.io.seg2",
    "segy": "geoexplore.seismic.io.segy",
    "su": "geoexplore.seismic.io.su",
}
_ALIASES = {"sgy": "segy", "seg-y": "segy", "seg-2": "seg2", "sg2": "seg2"}


def register(name: str, module: str) -> None:
    """Add a format plug-in module (dotted path)."""
    FORMATS[name.lower()] = module


def plugin(name: str) -> ModuleType:
    """The plug-in module of a format name; GeoexploreError listing the known formats."""
    key = _ALIASES.get(name.lower(), name.lower())
    if key not in FORMATS:
        raise GeoexploreError(f"unknown seismic format {name!r}; known formats: {', '.join(sorted(FORMATS))}")
    return importlib.import_module(FORMATS[key])


def detect(path: str | os.PathLike[str]) -> str:
    """The format of a file, from its content (the extension only breaks ties).

    Raises
    ------
    FileFormatError
        If the file is missing, empty or no plug-in recognises it.
    """
    p = os.fspath(path)
    if not os.path.isfile(p):
        raise FileFormatError(p, "no such file" if not os.path.exists(p) else "not a regular file")
    if os.path.getsize(p) == 0:
        raise FileFormatError(p, "file is empty", byte_offset=0)
    ext = os.path.splitext(p)[1].lower()
    names = list(FORMATS)
    by_ext = [n for n in names if ext in getattr(plugin(n), "EXTENSIONS", ())]
    order = by_ext + [n for n in ("seg2", "segy", "su") if n in names and n not in by_ext]
    order += [n for n in names if n not in order]
    for name in order:  # the extension's format first; seg2 (magic number) before segy before su
        if plugin(name).can_read(p):
            return plugin(name).NAME
    raise FileFormatError(p, f"not a recognised seismic file (known formats: {', '.join(sorted(FORMATS))})",
                          byte_offset=0)


def read(path: str | os.PathLike[str], format: str | None = None, **kwargs: Any) -> Any:  # noqa: A002
    """Read a seismic file into a gather; ``format=None`` detects it."""
    name = format or detect(path)
    return _call(plugin(name).read, path, **kwargs)


def scan(path: str | os.PathLike[str], format: str | None = None) -> dict[str, Any]:  # noqa: A002
    """Cheap summary of a seismic file (format, n_traces, n_samples, dt_s, byte_order, sample_format)."""
    name = format or detect(path)
    return _call(plugin(name).scan, path)


def write(ds: Any, path: str | os.PathLike[str], format: str = "segy", **kwargs: Any) -> None:  # noqa: A002
    """Write a gather in a format."""
    mod = plugin(format)
    if not hasattr(mod, "write"):
        raise GeoexploreError(f"format {format!r} has no writer")
    mod.write(ds, path, **kwargs)


def _call(func: Any, path: str | os.PathLike[str], **kwargs: Any) -> Any:
    """Run a reader; turn low-level exceptions escaping it into FileFormatError naming the file."""
    p = os.fspath(path)
    try:
        return func(p, **kwargs)
    except GeoexploreError:
        raise
    except (IndexError, KeyError, ValueError, OSError, EOFError, __import__("struct").error) as exc:
        raise FileFormatError(p, f"cannot be read: {type(exc).__name__}: {exc}") from exc


__all__ = ["FORMATS", "detect", "plugin", "read", "register", "scan", "write"]
