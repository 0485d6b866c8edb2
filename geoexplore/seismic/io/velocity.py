"""Velocity-function files: Seismic Unix par files (``cdp=``, ``tnmo=``, ``vnmo=``) and CSV tables, with units.

Both readers return a **velocity table**: a dict of equal-length arrays, one
row per (location, time) pair, in SI units and RMS velocity:

``cdp`` (int, the CDP number of the location; -1 when located by chainage),
``chainage_m`` (float, NaN when located by CDP number), ``time_s`` (zero-offset
two-way time), ``vrms_m_s``; plus ``attrs`` (dict: source file, units read,
conversions made).

Seismic Unix par file (as read by ``sunmo``): ``key=v1,v2,...`` tokens,
separated by blanks or new lines (``#`` comments and ``\\`` line
continuations allowed). ``cdp=`` lists the CDP numbers; then one
``tnmo=`` / ``vnmo=`` pair per CDP, in the same order. A single ``vnmo=``
without ``tnmo=`` is a constant velocity. ``tnmo`` is in seconds; the file
does not state the velocity unit: ``velocity_units`` ("m/s" or "ft/s") must
be given.

CSV table: a header row, ``#`` comments. Columns (units in the names, as
everywhere in geoexplore): a location, ``cdp`` or ``chainage_m`` (or
``chainage_ft``); a time, ``time_s`` or ``time_ms`` (two-way); a velocity,
``vrms_m_s`` / ``vrms_ft_s`` (RMS) or ``vint_m_s`` / ``vint_ft_s``
(interval). Bare ``vrms`` / ``vint`` columns need ``velocity_units``. An
interval velocity holds from its row's time down to the next row's time at
the same location (the last one below the last row, carried by one extra
row 60 s later; the first row must be at time 0: the interval above it has
no velocity, refused); it is turned into RMS at each row's time by the Dix
relation ``t v_rms**2 = sum v_int**2 dt``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import numpy as np

from geoexplore.core.errors import FileFormatError, GeoexploreError

FT = 0.3048
_UNITS = {"m/s": 1.0, "ft/s": FT, "km/s": 1000.0}


def velocity_factor(units: str | None, what: str) -> float:
    """Factor to m/s of a velocity unit name; refuses a missing or unknown unit, naming ``what``."""
    if units is None:
        raise GeoexploreError(f"{what} does not state its velocity unit: give velocity_units 'm/s' or 'ft/s' "
                              "(CLI --velocity-units)")
    u = units.strip().lower().replace("ft/sec", "ft/s").replace("m/sec", "m/s")
    if u not in _UNITS:
        raise GeoexploreError(f"{what}: unknown velocity unit {units!r}; choose one of {sorted(_UNITS)}")
    return _UNITS[u]


def _par_tokens(p: Path) -> list[tuple[str, str, int]]:
    from geoexplore.seismic.reflection.geometry import read_text_file

    toks = []
    for n, line in enumerate(read_text_file(p).splitlines(), 1):
        line = line.split("#", 1)[0].replace("\\", " ")
        for tok in line.split():
            if "=" not in tok:
                raise FileFormatError(p, f"expected key=value, got {tok!r}", position=f"line {n}")
            k, v = tok.split("=", 1)
            toks.append((k.strip().lower(), v.strip(), n))
    return toks


def _numbers(p: Path, key: str, value: str, line: int) -> np.ndarray:
    try:
        out = np.array([float(x) for x in value.split(",") if x.strip() != ""])
    except ValueError:
        raise FileFormatError(p, f"{key}: not a list of numbers: {value!r}", position=f"line {line}") from None
    if out.size == 0 or not np.isfinite(out).all():
        raise FileFormatError(p, f"{key}: empty or not finite: {value!r}", position=f"line {line}")
    return out


def read_su_par(path: str | os.PathLike[str], *, velocity_units: str | None = None) -> dict[str, Any]:
    """Read a Seismic Unix velocity par file (``cdp=``, ``tnmo=``, ``vnmo=``) into a velocity table.

    Parameters
    ----------
    path : path
    velocity_units : {"m/s", "ft/s", "km/s"}
        The unit of ``vnmo`` (SU par files do not state it; required).
    """
    p = Path(path)
    toks = _par_tokens(p)
    fac = velocity_factor(velocity_units, f"{p} (Seismic Unix par file)")
    cdps: np.ndarray | None = None
    tn: list[tuple[np.ndarray, int]] = []
    vn: list[tuple[np.ndarray, int]] = []
    for k, v, n in toks:
        if k == "cdp":
            cdps = _numbers(p, k, v, n)
        elif k == "tnmo":
            tn.append((_numbers(p, k, v, n), n))
        elif k == "vnmo":
            vn.append((_numbers(p, k, v, n), n))
    if not vn:
        raise FileFormatError(p, "no vnmo= in the file", position="line 1")
    if not tn and len(vn) == 1 and vn[0][0].size == 1:
        tn = [(np.zeros(1), vn[0][1])]
    n_loc = 1 if cdps is None else cdps.size
    if len(tn) != n_loc or len(vn) != n_loc:
        raise FileFormatError(p, f"{n_loc} cdp location(s) but {len(tn)} tnmo= and {len(vn)} vnmo= lists (one pair per cdp)",
                              position=f"line {(vn or tn)[-1][1]}")
    rows: dict[str, list[float]] = {"cdp": [], "time_s": [], "vrms_m_s": []}
    for i, ((t, nt), (v, nv)) in enumerate(zip(tn, vn)):
        if t.size != v.size:
            raise FileFormatError(p, f"tnmo= has {t.size} values, vnmo= {v.size}", position=f"line {nv}")
        if np.any(np.diff(t) <= 0) or np.any(t < 0):
            raise FileFormatError(p, "tnmo= must increase from 0 or later", position=f"line {nt}")
        if np.any(v <= 0):
            raise FileFormatError(p, "vnmo= must be positive", position=f"line {nv}")
        c = -1 if cdps is None else int(cdps[i])
        rows["cdp"] += [c] * t.size
        rows["time_s"] += t.tolist()
        rows["vrms_m_s"] += (v * fac).tolist()
    out = {k: np.asarray(v) for k, v in rows.items()}
    out["cdp"] = out["cdp"].astype(np.int64)
    out["chainage_m"] = np.full(out["cdp"].size, np.nan)
    out["attrs"] = {"source_file": str(p), "format": "su-par", "velocity_units": velocity_units, "kind": "rms (vnmo)",
                    "located_by": "cdp" if cdps is not None else "constant in space"}
    return out


_COL = re.compile(r"^(vrms|vint)(?:_(m_s|ft_s|km_s))?$")


def read_velocity_table(path: str | os.PathLike[str], *, velocity_units: str | None = None) -> dict[str, Any]:
    """Read an RMS or interval velocity table (CSV, units in the column names) into a velocity table.

    See the module docstring for the columns. Interval velocities are
    converted to RMS per location.
    """
    from geoexplore.seismic.reflection.geometry import read_text_file

    p = Path(path)
    text = read_text_file(p)
    head = next((ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")), "")
    cols = [c.strip().lower() for c in head.split(",")]
    loc = next((c for c in ("cdp", "chainage_m", "chainage_ft") if c in cols), None)
    tcol = next((c for c in ("time_s", "time_ms") if c in cols), None)
    vcols = [c for c in cols if _COL.match(c)]
    if loc is None or tcol is None or len(vcols) != 1:
        raise FileFormatError(p, f"need a location column (cdp or chainage_m), a time column (time_s or time_ms) and one "
                              f"velocity column (vrms_m_s, vrms_ft_s, vint_m_s, vint_ft_s); found {cols}", position="line 1")
    vcol = vcols[0]
    kind, unit = _COL.match(vcol).groups()  # type: ignore[union-attr]
    fac = _UNITS[unit.replace("_", "/")] if unit else velocity_factor(velocity_units, f"{p} column {vcol!r}")
    from geoexplore.seismic.reflection.geometry import read_csv

    def check(c: str, x: float) -> str | None:
        if c == vcol and x <= 0:
            return f"velocity must be > 0, got {x}"
        if c == tcol and x < 0:
            return f"time must be >= 0, got {x}"
        return None

    lines: list[int] = []
    t = read_csv(p, (loc, tcol, vcol), (loc, tcol, vcol), check, lines)
    if t[tcol].size == 0:
        raise FileFormatError(p, "no rows", position="line 2")
    time_s = t[tcol] / (1000.0 if tcol == "time_ms" else 1.0)
    vel = t[vcol] * fac
    key = t[loc] * (FT if loc == "chainage_ft" else 1.0)
    from geoexplore.seismic.io.velocity_formats import to_rms

    cols: dict[str, list[float]] = {"key": [], "time_s": [], "vrms_m_s": []}
    for k in np.unique(key):
        idx = np.flatnonzero(key == k)
        o = idx[np.argsort(time_s[idx], kind="stable")]
        if np.any(np.diff(time_s[o]) <= 0):
            raise FileFormatError(p, f"location {k:g}: times repeat", position=f"line {lines[o[0]]}")
        # interval velocity: from each row's time down to the next row's (the last one below the last row)
        ts, vr, _ = to_rms(p, time_s[o], vel[o], "rms" if kind == "vrms" else "interval", "time", "top", lines[o[0]])
        cols["key"] += [float(k)] * ts.size
        cols["time_s"] += ts.tolist()
        cols["vrms_m_s"] += vr.tolist()
    key = np.asarray(cols["key"])
    by_cdp = loc == "cdp"
    out: dict[str, Any] = {
        "cdp": key.astype(np.int64) if by_cdp else np.full(key.size, -1, np.int64),
        "chainage_m": np.full(key.size, np.nan) if by_cdp else key,
        "time_s": np.asarray(cols["time_s"]), "vrms_m_s": np.asarray(cols["vrms_m_s"]),
    }
    out["attrs"] = {"source_file": str(p), "format": "csv", "velocity_units": unit.replace("_", "/") if unit else velocity_units,
                    "kind": "rms" if kind == "vrms" else "interval (converted to rms)", "located_by": loc}
    return out


def read_velocity(path: str | os.PathLike[str], *, velocity_units: str | None = None, velocity_kind: str | None = None,
                  interval_at: str | None = None, format: str | None = None) -> dict[str, Any]:  # noqa: A002
    """A velocity table from any velocity-function file of
    :data:`geoexplore.seismic.io.velocity_registry.VELOCITY_REGISTRY` (SU par, HANDVEL, CSV, column table in time or
    depth), detected by content unless ``format`` is given.

    ``velocity_units``, ``velocity_kind`` ("rms", "interval", "average") and
    ``interval_at`` ("top", "base") are needed only when the file does not
    state them; a value that contradicts the file is refused.
    """
    from geoexplore.seismic.io.velocity_registry import VELOCITY_REGISTRY

    kw: dict[str, Any] = {"velocity_units": velocity_units}
    if velocity_kind is not None:
        kw["velocity_kind"] = velocity_kind
    if interval_at is not None:
        kw["interval_at"] = interval_at
    return VELOCITY_REGISTRY.read(Path(path), format, **kw)


__all__ = ["read_su_par", "read_velocity", "read_velocity_table", "velocity_factor"]
