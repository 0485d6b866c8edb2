"""First-break picks as one result object: pick shot files, read pick files, plot, write.

The notebook path of refraction (re-exported by :mod:`geoexplore.seismic`)::

    import geoexplore.seismic as gs
    picks = gs.pick_first_breaks(["shot01.seg2", "shot02.seg2"])   # or one gather / path
    picks.plot("picks.png")
    picks.write("picks.sgt")                                       # or picks.csv (editable)
    tomo = gs.invert_traveltimes(picks)

:class:`FirstBreakPicks` holds the editable picks table
(:mod:`.pick_tables`, one row per trace) and/or the traveltime data of a
``.sgt`` file (:class:`~geoexplore.seismic.io.sgt.TraveltimeData`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geoexplore.core.errors import GeoexploreError
from geoexplore.seismic.io.sgt import TraveltimeData
from geoexplore.seismic.refraction.settings import PickSettings


@dataclass
class FirstBreakPicks:
    """First-break picks of one or more shots.

    Attributes
    ----------
    table : pandas.DataFrame or None
        The picks table (columns :data:`~geoexplore.seismic.refraction.pick_tables.COLUMNS`:
        positions in m, times in s), one row per trace; None for picks read
        from a ``.sgt`` file.
    data : TraveltimeData or None
        Traveltimes read from a ``.sgt`` file; None when the table is the source.
    gathers : list of xarray.Dataset
        The picked gathers, in shot order (empty for picks read from a file).
    synthetic : bool
        The records are synthetic (the figures carry the stamp).
    error_model : dict
        How the pick errors were calibrated
        (:func:`~geoexplore.seismic.refraction.error_model.calibrate`; empty when not).
    """

    table: Any = None
    data: TraveltimeData | None = None
    gathers: list[Any] = field(default_factory=list)
    synthetic: bool = False
    error_model: dict[str, Any] = field(default_factory=dict)

    @property
    def traveltimes(self) -> TraveltimeData:
        """The used picks as traveltime data (sensors merged by position) for the tomography."""
        if self.data is not None:
            return self.data
        from geoexplore.seismic.refraction.pick_tables import table_to_traveltime

        return table_to_traveltime(self.table)

    @property
    def n_used(self) -> int:
        """Number of picks fit for inversion."""
        if self.table is not None:
            return int(self.table["use"].sum())
        return int(self.traveltimes.valid.sum())

    def plot(self, path: str | os.PathLike[str] | None = None) -> Any:
        """The shot record with its picks (one shot) or the traveltime curves; saved when ``path`` is given.

        Returns
        -------
        matplotlib.figure.Figure
        """
        from geoexplore.seismic.refraction.plot import plot_first_breaks

        return plot_first_breaks(self, path)

    def write(self, path: str | os.PathLike[str]) -> Path:
        """Write the picks: ``.sgt`` (pyGIMLi unified format, used picks) or the editable picks CSV (any other suffix)."""
        from geoexplore.seismic.io.sgt import write_sgt

        p = Path(path)
        if p.suffix.lower() == ".sgt":
            return write_sgt(self.traveltimes, p)
        if self.table is None:
            raise GeoexploreError(f"{p}: picks read from a .sgt file have no picks table; write them as .sgt")
        from geoexplore.seismic.refraction.pick_tables import write_picks_csv

        return write_picks_csv(self.table, p)


def _as_gather(item: Any) -> Any:
    """A gather from a gather or a path to any seismic file."""
    if isinstance(item, (str, os.PathLike)):
        from geoexplore.seismic.io import read

        return read(item)
    return item


def pick_first_breaks(
    shots: Any,
    settings: PickSettings | None = None,
    *,
    geometry: Any = None,
    reciprocity: bool = True,
    **overrides: Any,
) -> FirstBreakPicks:
    """Pick first breaks on shot records (gathers or files in any seismic format).

    Parameters
    ----------
    shots : gather, path, or sequence of them
        Shot records; a file holding several shots (SEG-Y, SU) is split by
        field record and source position. Shots are numbered from 1 in order.
    settings : PickSettings, optional
        The picker's parameters (default ``PickSettings()``).
    geometry : DataFrame or path, optional
        Geometry table (:func:`~geoexplore.seismic.refraction.pick_tables.read_geometry`)
        when the headers lack positions.
    reciprocity : bool
        With more than one shot, flag the poorer pick of reciprocal pairs
        that disagree (:func:`~geoexplore.seismic.refraction.pick_tables.check_reciprocity`).
    **overrides
        Settings fields to change (e.g. ``v_min_m_s=300``).

    Returns
    -------
    FirstBreakPicks
    """
    import pandas as pd

    from geoexplore.seismic.refraction.pick_tables import (
        calibrate_errors,
        check_reciprocity,
        pick_file,
        read_geometry,
    )

    p = settings or PickSettings()
    if overrides:
        p = type(p)(**{**p.model_dump(), **overrides})
    items = list(shots) if isinstance(shots, Sequence) and not isinstance(shots, (str, bytes)) else [shots]
    if isinstance(geometry, (str, os.PathLike)):
        geometry = read_geometry(geometry)
    gathers, tables, next_shot = [], [], 1
    for item in items:
        g = _as_gather(item)
        t = pick_file(g, p, geometry=geometry, first_shot=next_shot)
        next_shot += int(t["shot"].nunique())
        gathers.append(g)
        tables.append(t)
    if not tables:
        raise GeoexploreError("pick_first_breaks: no shot records given")
    methods = [m for t in tables for m in t.attrs.get("methods", [])]
    table = pd.concat(tables, ignore_index=True)
    table.attrs = {}
    if reciprocity and len(tables) > 1:
        table = check_reciprocity(table)
    table, info = calibrate_errors(table, methods, p.calibrate_errors)
    synthetic = p.synthetic or any("SYNTHETIC" in str(g.attrs.get("textual_header", "")).upper() for g in gathers)
    return FirstBreakPicks(table=table, gathers=gathers, synthetic=bool(synthetic), error_model=info)


def read_picks(path: str | os.PathLike[str]) -> FirstBreakPicks:
    """Read first-break picks: a ``.sgt`` file (pyGIMLi unified format) or an editable picks CSV.

    Returns
    -------
    FirstBreakPicks
        With ``data`` for a ``.sgt`` file, ``table`` for a picks CSV.
    """
    p = Path(path)
    if p.suffix.lower() == ".csv":
        from geoexplore.seismic.refraction.pick_tables import read_picks_csv

        return FirstBreakPicks(table=read_picks_csv(p))
    from geoexplore.seismic.io.sgt import read_sgt

    return FirstBreakPicks(data=read_sgt(p))


__all__ = ["FirstBreakPicks", "pick_first_breaks", "read_picks"]
