"""The velocity-function file formats behind the one format protocol (:class:`geoexplore.core.formats.FormatRegistry`).

Plug-ins (``NAME``, ``EXTENSIONS``, ``can_read``, ``read``), detected by
content in this order: ``su-par`` (Seismic Unix ``cdp=`` / ``tnmo=`` /
``vnmo=``), ``handvel`` (ProMAX/SeisSpace ``HANDVEL`` cards), ``csv`` (the
geoexplore CSV table, units in the column names) and ``columns`` (a column
table with units in the header, in time or depth). Each returns a velocity
table (:mod:`geoexplore.seismic.io.velocity`). Register more with
``VELOCITY_REGISTRY.register(name, "module:OBJECT")``.
"""

from __future__ import annotations

import os
import re
from typing import Any

from geoexplore.core.errors import GeoexploreError
from geoexplore.core.formats import FormatRegistry, head_lines


def _first(path: str | os.PathLike[str]) -> str:
    return next((ln for ln in head_lines(path) or [] if ln.strip() and not ln.lstrip().startswith("#")), "")


def _rms_only(name: str, velocity_kind: str | None, interval_at: str | None) -> None:
    if velocity_kind is not None and velocity_kind.lower() != "rms":
        raise GeoexploreError(f"{name} files hold RMS (NMO) velocities by definition; velocity_kind {velocity_kind!r} does not apply")


class _SuPar:
    NAME = "su-par"
    EXTENSIONS = (".par", ".p")

    @staticmethod
    def can_read(path: str) -> bool:
        return bool(re.match(r"^\s*(cdp|tnmo|vnmo)\s*=", _first(path), re.I))

    @staticmethod
    def read(path: str, *, velocity_units: str | None = None, velocity_kind: str | None = None,
             interval_at: str | None = None) -> dict[str, Any]:
        from geoexplore.seismic.io.velocity import read_su_par

        _rms_only("Seismic Unix par (vnmo=)", velocity_kind, interval_at)
        return read_su_par(path, velocity_units=velocity_units)


class _Csv:
    NAME = "csv"
    EXTENSIONS = (".csv",)

    @staticmethod
    def can_read(path: str) -> bool:
        cols = [c.strip().lower() for c in _first(path).split(",")]
        return any(c in cols for c in ("cdp", "chainage_m", "chainage_ft")) and any(c in cols for c in ("time_s", "time_ms")) \
            and any(re.match(r"^(vrms|vint)(_(m_s|ft_s|km_s))?$", c) for c in cols)

    @staticmethod
    def read(path: str, *, velocity_units: str | None = None, velocity_kind: str | None = None,
             interval_at: str | None = None) -> dict[str, Any]:
        from geoexplore.seismic.io.velocity import read_velocity_table

        if velocity_kind is not None or interval_at is not None:
            raise GeoexploreError(f"{path}: the CSV velocity table states its kind in the column name (vrms_*/vint_*, interval "
                                  "velocities at interval tops); velocity_kind / interval_at do not apply")
        return read_velocity_table(path, velocity_units=velocity_units)


class _Handvel:
    NAME = "handvel"
    EXTENSIONS = (".txt", ".vel", ".hvl", ".asc")

    @staticmethod
    def can_read(path: str) -> bool:
        from geoexplore.seismic.io.velocity_formats import can_read_handvel

        return can_read_handvel(path)

    @staticmethod
    def read(path: str, **kw: Any) -> dict[str, Any]:
        from geoexplore.seismic.io.velocity_formats import read_handvel

        return read_handvel(path, **kw)


class _Columns:
    NAME = "columns"
    EXTENSIONS = (".txt", ".dat", ".asc", ".tsv", ".csv")

    @staticmethod
    def can_read(path: str) -> bool:
        from geoexplore.seismic.io.velocity_formats import can_read_columns

        return can_read_columns(path)

    @staticmethod
    def read(path: str, **kw: Any) -> dict[str, Any]:
        from geoexplore.seismic.io.velocity_formats import read_columns

        return read_columns(path, **kw)


SU_PAR, CSV, HANDVEL, COLUMNS = _SuPar(), _Csv(), _Handvel(), _Columns()
_MOD = "geoexplore.seismic.io.velocity_registry"
#: the velocity-function registry (detection order: su-par, handvel, csv, columns)
VELOCITY_REGISTRY = FormatRegistry(
    "velocity-function",
    {"su-par": f"{_MOD}:SU_PAR", "handvel": f"{_MOD}:HANDVEL", "csv": f"{_MOD}:CSV", "columns": f"{_MOD}:COLUMNS"},
    aliases={"su": "su-par", "par": "su-par", "promax": "handvel", "table": "columns"},
    by_extension=False,
)

__all__ = ["COLUMNS", "CSV", "HANDVEL", "SU_PAR", "VELOCITY_REGISTRY"]
