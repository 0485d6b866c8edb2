"""The seismic gather formats behind the one format protocol (:class:`geoexplore.core.formats.FormatRegistry`).

A plug-in is a module with ``NAME``, ``EXTENSIONS``, ``can_read(path)``
(content sniffing), ``scan(path)``, ``read(path, **kw)`` and (optionally)
``write(ds, path, **kw)``: :mod:`.seg2`, :mod:`.segy`, :mod:`.su`. Register
more with :func:`register`. Traveltime pick files (``.sgt``) are not
gathers: they have their own reader and writer in :mod:`.sgt`.
"""

from __future__ import annotations

import os
from types import ModuleType
from typing import Any

from geoexplore.core.formats import FormatRegistry

#: format name -> plug-in module path (imported on first use); the order is the detection order
#: after the formats of the file's extension: SEG-2 (magic number) before SEG-Y before SU
FORMATS: dict[str, str] = {
    "seg2": "geoexplore.seismic.io.seg2",
    "segy": "geoexplore.seismic.io.segy",
    "su": "geoexplore.seismic.io.su",
}
ALIASES = {"sgy": "segy", "seg-y": "segy", "seg-2": "seg2", "sg2": "seg2"}

#: the seismic format registry
REGISTRY = FormatRegistry("seismic", FORMATS, aliases=ALIASES)


def register(name: str, module: str) -> None:
    """Add a format plug-in module (dotted path, or ``"module:OBJECT"``)."""
    FORMATS[name.lower()] = module
    REGISTRY.register(name, module)


def plugin(name: str) -> ModuleType:
    """The plug-in module of a format name; GeoexploreError listing the known formats."""
    return REGISTRY.plugin(name)


def detect(path: str | os.PathLike[str]) -> str:
    """The format of a file, from its content (the extension only orders the tries).

    Raises
    ------
    FileFormatError
        If the file is missing, empty or no plug-in recognises it (the message
        lists the known formats).
    """
    return REGISTRY.detect(path)


def read(path: str | os.PathLike[str], format: str | None = None, *, coordinate_unit: str | None = None,  # noqa: A002
         **kwargs: Any) -> Any:
    """Read a seismic file (SEG-Y, SU, SEG-2) into a gather (:mod:`geoexplore.seismic.gather`); ``format=None`` detects it.

    ``coordinate_unit`` (``"m"``, ``"ft"``, ...): the unit of a SEG-2 file's
    location strings when it states no ``UNITS`` (CLI ``--coordinate-unit``);
    refused for other formats and when it contradicts the file's ``UNITS``.
    """
    if coordinate_unit is not None:
        name = REGISTRY.canonical(format) if format else REGISTRY.detect(path)
        if name != "seg2":
            from geoexplore.core.errors import GeoexploreError

            raise GeoexploreError(f"{os.fspath(path)}: coordinate_unit is the unit of SEG-2 location strings (UNITS); this file "
                                  f"is {name}")
        return REGISTRY.read(path, name, coordinate_unit=coordinate_unit, **kwargs)
    return REGISTRY.read(path, format, **kwargs)


def scan(path: str | os.PathLike[str], format: str | None = None) -> dict[str, Any]:  # noqa: A002
    """Cheap summary of a seismic file (format, n_traces, n_samples, dt_s, byte_order, sample_format)."""
    return REGISTRY.scan(path, format)


def write(ds: Any, path: str | os.PathLike[str], format: str = "segy", **kwargs: Any) -> None:  # noqa: A002
    """Write a gather in a format (``segy``, ``su``, ``seg2``); the writer's options as keywords."""
    REGISTRY.write(ds, path, format, **kwargs)


__all__ = ["ALIASES", "FORMATS", "REGISTRY", "detect", "plugin", "read", "register", "scan", "write"]
