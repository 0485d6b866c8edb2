"""Picks tables: picking whole shot gathers, the editable CSV, geometry, and the step to traveltime data.

A picks table (a :class:`pandas.DataFrame`, one row per trace) has the
columns :data:`COLUMNS`. It is written as CSV (``picks.csv``) so a person
can edit it: change ``t_s``, set ``use`` to 0 or 1, add ``manual`` to
``flags``. :func:`table_to_traveltime` turns the rows with ``use == 1`` into
:class:`~geoexplore.seismic.io.sgt.TraveltimeData` (sensors merged by
position) for the tomography and the ``.sgt`` file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from geoexplore.core.errors import FileFormatError, GeoexploreError
from geoexplore.seismic.io.sgt import TraveltimeData
from geoexplore.seismic.refraction.consistency import reciprocity_outliers
from geoexplore.seismic.refraction.picking import GatherPicks, pick_gather
from geoexplore.seismic.refraction.settings import PickSettings

COLUMNS = (
    "shot", "trace", "source_file", "source_x_m", "source_elevation_m", "receiver_x_m", "receiver_elevation_m",
    "offset_m", "t_s", "err_s", "quality", "snr_db", "polarity", "flags", "use",
)

#: geometry table columns (CSV): trace is the 1-based channel; file optional (basename)
GEOMETRY_COLUMNS = ("trace", "receiver_x_m", "receiver_elevation_m", "source_x_m", "source_elevation_m")


def _read_table(p: Path, what: str, **kw: Any) -> Any:
    """A CSV file as a DataFrame (pandas); errors name the file and the line (pandas' own line when it gives one)."""
    import io
    import re

    import pandas as pd

    from geoexplore.seismic.reflection.geometry import read_text_file

    text = read_text_file(p)
    try:
        return pd.read_csv(io.StringIO(text), **kw)
    except pd.errors.EmptyDataError:
        raise FileFormatError(p, f"empty {what}", position="line 1") from None
    except (ValueError, OverflowError) as exc:  # ParserError is a ValueError
        m = re.search(r"\bline (\d+)", str(exc))
        pos = f"line {m.group(1)}" if m else "line 1 (the columns do not parse)"
        raise FileFormatError(p, f"cannot read {what}: {str(exc)[:200]}", position=pos) from None


def read_geometry(path: str | os.PathLike[str]) -> Any:
    """Read a geometry table (CSV with :data:`GEOMETRY_COLUMNS`, optional ``file``)."""
    import pandas as pd

    p = Path(path)
    df = _read_table(p, "geometry table")
    missing = [c for c in GEOMETRY_COLUMNS if c not in df.columns]
    if missing:
        raise FileFormatError(p, f"geometry table lacks columns {missing} (needs {list(GEOMETRY_COLUMNS)})", position="line 1")
    for c in GEOMETRY_COLUMNS:
        bad = ~np.isfinite(pd.to_numeric(df[c], errors="coerce").to_numpy(float))
        if bad.any():
            raise FileFormatError(p, f"column {c!r}: not a number", position=f"line {int(np.flatnonzero(bad)[0]) + 2}")
    return df


def gather_geometry(gather: Any, geometry: Any = None) -> dict[str, np.ndarray]:
    """Source/receiver positions and elevations (m) of a gather, from its headers or a geometry table.

    Raises
    ------
    GeoexploreError
        When receiver or source positions are missing and no table gives them.
    """
    n = gather.sizes["trace"]
    src = str(gather.attrs.get("source_file", ""))
    out = {k: np.asarray(gather[k].values, float) for k in ("source_x_m", "source_elevation_m", "receiver_x_m", "receiver_elevation_m")}
    if geometry is not None:
        g = geometry
        if "file" in g.columns:
            g = g[g["file"].astype(str) == os.path.basename(src)]
        chan = np.asarray(gather["tracf"].values) if "tracf" in gather.coords else np.arange(1, n + 1)
        chan = np.where(chan > 0, chan, np.arange(1, n + 1))
        lut = {int(r.trace): r for r in g.itertuples()}
        for i in range(n):
            r = lut.get(int(chan[i]))
            if r is None:
                raise GeoexploreError(f"{src}: geometry table has no row for trace/channel {int(chan[i])}")
            for k in out:
                out[k][i] = float(getattr(r, k))
    for k in ("source_x_m", "receiver_x_m"):
        if not np.all(np.isfinite(out[k])):
            i = int(np.flatnonzero(~np.isfinite(out[k]))[0])
            why = ("the file states no UNITS for its locations and SEG-2 has no default; give the unit (coordinate_unit=) or"
                   if gather.attrs.get("coordinate_unit") == "unknown" else "not in the headers; give")
            raise GeoexploreError(f"{src}: trace {i}: missing geometry ({k}: {why} a geometry table (--geometry))")
    for k in ("source_elevation_m", "receiver_elevation_m"):
        out[k] = np.where(np.isfinite(out[k]), out[k], 0.0)
    return out


def pick_shot(gather: Any, params: PickSettings | None = None, *, geometry: Any = None, shot: int | None = None) -> Any:
    """Pick the first breaks of one gather; return its rows of a picks table."""
    import pandas as pd

    geo = gather_geometry(gather, geometry)
    off = geo["receiver_x_m"] - geo["source_x_m"]
    t = np.asarray(gather["time_s"].values, float)
    dt = float(gather.attrs.get("dt_s", t[1] - t[0] if t.size > 1 else np.nan))
    res: GatherPicks = pick_gather(np.asarray(gather["data"].values), dt, float(t[0]), off, params)
    n = off.size
    fldr = int(np.asarray(gather["fldr"].values)[0]) if "fldr" in gather.coords and n else 0
    df = pd.DataFrame({
        "shot": np.full(n, shot if shot is not None else fldr),
        "trace": np.arange(1, n + 1),
        "source_file": [os.path.basename(str(gather.attrs.get("source_file", "")))] * n,
        "source_x_m": geo["source_x_m"], "source_elevation_m": geo["source_elevation_m"],
        "receiver_x_m": geo["receiver_x_m"], "receiver_elevation_m": geo["receiver_elevation_m"],
        "offset_m": off, "t_s": res.t_s, "err_s": res.err_s, "quality": res.quality, "snr_db": res.snr_db,
        "polarity": res.polarity, "flags": res.flags, "use": res.use.astype(int),
    })
    df.attrs["methods"] = [res.method]
    return df


def split_shots(gather: Any) -> list[Any]:
    """Split a gather holding several shots (SEG-Y/SU files) into one gather per shot.

    Shots are told apart by the field record number ``fldr`` and the source
    position; a SEG-2 file (one shot) comes back whole.
    """
    n = gather.sizes["trace"]
    if n == 0:
        return []
    fl = np.asarray(gather["fldr"].values) if "fldr" in gather.coords else np.zeros(n, int)
    sx = np.asarray(gather["source_x_m"].values, float) if "source_x_m" in gather.coords else np.zeros(n)
    sx = np.where(np.isfinite(sx), sx, 0.0)
    keys = list(zip(fl.tolist(), np.round(sx, 3).tolist(), strict=True))
    uniq = list(dict.fromkeys(keys))
    if len(uniq) == 1:
        return [gather]
    return [gather.isel(trace=[i for i, k in enumerate(keys) if k == u]) for u in uniq]


def pick_file(gather: Any, params: PickSettings | None = None, *, geometry: Any = None, first_shot: int = 1) -> Any:
    """Pick every shot of a file (see :func:`split_shots`); shots numbered from ``first_shot``."""
    import pandas as pd

    parts = [pick_shot(g, params, geometry=geometry, shot=first_shot + k) for k, g in enumerate(split_shots(gather))]
    df = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=list(COLUMNS))
    df.attrs["methods"] = [m for q in parts for m in q.attrs.get("methods", [])]
    return df


def check_reciprocity(table: Any, *, tol_s: float | None = None, rel_tol: float = 0.05, position_tol_m: float | None = None) -> Any:
    """Flag the poorer pick of every reciprocal pair that disagrees; return a new table.

    ``tol_s`` defaults to twice the median pick error; ``position_tol_m`` to
    a quarter of the median receiver spacing.
    """
    df = table.copy()
    t = np.where(df["use"].to_numpy(int) == 1, df["t_s"].to_numpy(float), np.nan)
    if position_tol_m is None:
        rx = np.unique(df["receiver_x_m"].to_numpy(float))
        d = np.diff(rx)
        position_tol_m = 0.25 * float(np.median(d[d > 0])) if np.any(d > 0) else 0.5
    if tol_s is None:
        e = df["err_s"].to_numpy(float)
        tol_s = 2.0 * float(np.nanmedian(e)) if np.isfinite(e).any() else 0.002
    bad, _ = reciprocity_outliers(df["source_x_m"].to_numpy(float), df["receiver_x_m"].to_numpy(float), t,
                                  df["quality"].to_numpy(float), tol_s, rel_tol, position_tol_m)
    flags = ["" if not isinstance(f, str) else f for f in df["flags"]]
    for i in np.flatnonzero(bad):
        f = [x for x in flags[i].split(",") if x]
        if "reciprocity" not in f:
            f.append("reciprocity")
        flags[i] = ",".join(f)
    df["flags"] = flags
    use = df["use"].to_numpy(int).copy()
    use[bad] = 0
    df["use"] = use
    return df


def calibrate_errors(table: Any, methods: list[str], mode: str = "auto") -> tuple[Any, dict[str, Any]]:
    """The table with calibrated pick errors (:func:`~geoexplore.seismic.refraction.error_model.calibrate`) and the record.

    ``mode`` is :attr:`PickSettings.calibrate_errors`: 'on', 'off', or 'auto'
    (on when every shot was picked with method 'onset', whose errors come
    from the onset estimators; the 'energy' picker's errors stay as they are).
    """
    if not (mode == "on" or (mode == "auto" and methods and set(methods) == {"onset"})):
        return table, {}
    from geoexplore.seismic.refraction.error_model import calibrate

    err, info = calibrate(table)
    out = table.copy()
    out["err_s"] = err
    return out, info


def write_picks_csv(table: Any, path: str | os.PathLike[str]) -> Path:
    """Write a picks table as CSV (editable)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    table.loc[:, list(COLUMNS)].to_csv(p, index=False, float_format="%.7g")
    return p


def read_picks_csv(path: str | os.PathLike[str]) -> Any:
    """Read a (possibly hand-edited) picks table; errors name the file and line."""
    import pandas as pd

    p = Path(path)
    df = _read_table(p, "picks table", keep_default_na=True, dtype={"flags": str, "source_file": str})
    missing = [c for c in ("source_x_m", "receiver_x_m", "t_s", "use") if c not in df.columns]
    if missing:
        raise FileFormatError(p, f"picks table lacks columns {missing}", position="line 1")
    for c in ("source_x_m", "receiver_x_m"):
        v = pd.to_numeric(df[c], errors="coerce").to_numpy(float)
        if not np.all(np.isfinite(v)):
            raise FileFormatError(p, f"column {c!r}: not a number", position=f"line {int(np.flatnonzero(~np.isfinite(v))[0]) + 2}")
    for c in COLUMNS:
        if c not in df.columns:
            df[c] = "" if c in ("flags", "source_file") else (0.0 if "elevation" in c else np.nan)
    df["flags"] = ["" if not isinstance(f, str) else f for f in df["flags"]]
    return df


def table_to_traveltime(table: Any, *, position_tol_m: float | None = None, only_used: bool = True) -> TraveltimeData:
    """Traveltime data (sensors merged by x position) from a picks table.

    Parameters
    ----------
    table : DataFrame
        A picks table.
    position_tol_m : float, optional
        Positions closer than this are one sensor (default: a quarter of the
        median receiver spacing).
    only_used : bool
        Keep only rows with ``use == 1`` and a finite ``t_s > 0``.
    """
    df = table
    if only_used:
        t = df["t_s"].to_numpy(float)
        df = df[(df["use"].to_numpy(int) == 1) & np.isfinite(t) & (t > 0)]
    if len(df) == 0:
        raise GeoexploreError("the picks table has no usable picks")
    xs = np.concatenate([df["source_x_m"].to_numpy(float), df["receiver_x_m"].to_numpy(float)])
    zs = np.concatenate([df["source_elevation_m"].to_numpy(float), df["receiver_elevation_m"].to_numpy(float)])
    zs = np.where(np.isfinite(zs), zs, 0.0)
    if position_tol_m is None:
        ux = np.unique(df["receiver_x_m"].to_numpy(float))
        d = np.diff(ux)
        position_tol_m = 0.25 * float(np.median(d[d > 0])) if np.any(d > 0) else 0.01
    order = np.argsort(xs, kind="stable")
    label = np.empty(xs.size, int)
    sens_x: list[float] = []
    sens_z: list[list[float]] = []
    for i in order:
        if sens_x and xs[i] - sens_x[-1] <= position_tol_m:
            sens_z[-1].append(zs[i])
        else:
            sens_x.append(float(xs[i]))
            sens_z.append([zs[i]])
        label[i] = len(sens_x) - 1
    n = len(df)
    sensors = np.column_stack([sens_x, [float(np.mean(z)) for z in sens_z]])
    err = df["err_s"].to_numpy(float) if "err_s" in df.columns else None
    if err is not None and not np.all(np.isfinite(err) & (err > 0)):
        err = None
    return TraveltimeData(sensors, label[:n], label[n:], df["t_s"].to_numpy(float), err)


__all__ = ["COLUMNS", "GEOMETRY_COLUMNS", "calibrate_errors", "check_reciprocity", "gather_geometry", "pick_file", "pick_shot",
           "read_geometry", "split_shots",
           "read_picks_csv", "table_to_traveltime", "write_picks_csv"]
