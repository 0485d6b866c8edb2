"""Vendor ASCII velocity functions: ProMAX/SeisSpace ``HANDVEL`` cards and column tables with units in the header (time or depth).

Both readers return the **velocity table** of :mod:`.velocity` (``cdp``,
``chainage_m``, ``time_s`` (two-way), ``vrms_m_s``, ``attrs``), so every
consumer (post-stack migration, depth conversion) takes them as it takes a
Seismic Unix par file. Depth tables also keep ``depth_m`` per row.

What a file does not state is given or refused, never assumed:

* **velocity unit**: from the file (a unit in the column header, or a
  Landmark-style ``# LINEAR_UNITS = METERS|FEET`` comment), else
  ``velocity_units`` ("m/s", "ft/s", "km/s");
* **velocity kind** (RMS/stacking, interval, average): from the file (the
  column name ``vrms``/``vnmo``/``vstk``, ``vint``, ``vavg``, or a
  ``# FUNCTION_TYPE = TVrms|TVint|TVavg|ZVint|ZVavg`` comment), else
  ``velocity_kind`` ("rms", "interval", "average");
* **which interval an interval velocity belongs to**: ``interval_at="top"``
  (a row's velocity holds from its time/depth down to the next row's, the
  last one below the last row - an extra row ``EXTEND_S`` later carries it;
  the first row must then be at zero) or ``"base"`` (from the previous row,
  or zero, down to its time/depth). The files do not say it, so it is
  required for interval velocities.

``HANDVEL`` (ProMAX/SeisSpace hand-picked velocity export, card format): a
card ``HANDVEL <cdp>`` opens each location; the lines after it hold
time-velocity pairs, time in milliseconds (two-way), any number of pairs per
line, until the next ``HANDVEL`` card or the end. Lines starting with
``*``, ``#`` or ``!`` are comments. A card with more than one number (a 3-D
inline/crossline card) is refused: only 2-D CDP cards are read.

Column table: delimited by commas, semicolons, tabs or blanks; ``#`` comments;
the first other line is the header. Columns: a location (``cdp``, or ``x`` /
``chainage`` / ``distance`` with a length unit), a time (``time`` /
``twt``, in s or ms) **or** a depth (``depth`` / ``z``, m or ft), and one
velocity (``vrms``, ``vnmo``, ``vstk``, ``vint``, ``vavg``, or ``v`` /
``vel`` / ``velocity`` with ``velocity_kind``). Units follow the name in
brackets or parentheses (``TIME(ms)``, ``VINT[ft/s]``) or as a suffix
(``time_ms``, ``vrms_m_s``). A time, depth or location column without a
unit is refused.

Conversions to RMS (exact for piecewise-constant interval velocity in time):
average ``v_avg`` at two-way time ``t`` means depth ``z = v_avg t / 2``;
at depth ``z``, time ``t = 2 z / v_avg``; interval velocities in depth give
times ``t = sum 2 dz / v``; RMS at each row's time ``t`` is
``sqrt(sum v_k**2 dt_k / t)`` (Dix 1955) over the intervals above.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import numpy as np

from geoexplore.core.errors import FileFormatError, GeoexploreError
from geoexplore.seismic.io.velocity import FT, velocity_factor

KINDS = ("rms", "interval", "average")
#: interval velocities at interval tops: the last one holds below the last row; a row this much later (two-way
#: time, s) carries it, so a consumer interpolating t v**2 linearly between rows keeps it to the end of any record
EXTEND_S = 60.0
_COMMENT = ("#", "*", "!")


def _text(p: Path) -> list[str]:
    from geoexplore.seismic.reflection.geometry import read_text_file

    return read_text_file(p).splitlines()


def _header_keys(lines: list[str]) -> dict[str, tuple[str, int]]:
    """Landmark-style ``# KEY = value`` comments (FUNCTION_TYPE, LINEAR_UNITS): key -> (value, line number)."""
    out = {}
    for n, ln in enumerate(lines, 1):
        m = re.match(r"^\s*[#*!]\s*([A-Za-z_]+)\s*=\s*(\S+)", ln)
        if m:
            out[m.group(1).upper()] = (m.group(2), n)
    return out


def _stated(p: Path, keys: dict[str, tuple[str, int]], velocity_units: str | None,
            velocity_kind: str | None) -> tuple[str | None, str | None, str | None]:
    """Unit, kind and domain stated by Landmark-style comments, checked against what the user gave."""
    unit = kind = domain = None
    if "LINEAR_UNITS" in keys:
        v, n = keys["LINEAR_UNITS"]
        unit = {"METERS": "m/s", "METRES": "m/s", "FEET": "ft/s"}.get(v.upper())
        if unit is None:
            raise FileFormatError(p, f"LINEAR_UNITS {v!r} is neither METERS nor FEET", position=f"line {n}")
    if "FUNCTION_TYPE" in keys:
        v, n = keys["FUNCTION_TYPE"]
        m = re.match(r"^([TZ])V(RMS|INT|AVG)$", v.upper())
        if not m:
            raise FileFormatError(p, f"FUNCTION_TYPE {v!r} is none of TVrms, TVint, TVavg, ZVint, ZVavg", position=f"line {n}")
        domain = "time" if m.group(1) == "T" else "depth"
        kind = {"RMS": "rms", "INT": "interval", "AVG": "average"}[m.group(2)]
        if domain == "depth" and kind == "rms":
            raise FileFormatError(p, "FUNCTION_TYPE ZVrms: an RMS velocity in depth is not defined", position=f"line {n}")
    for given, read, what in ((velocity_units, unit, "velocity_units"), (velocity_kind, kind, "velocity_kind")):
        if given is not None and read is not None and given.lower() != read:
            raise GeoexploreError(f"{p}: {what} {given!r} given, but the file states {read!r}")
    return unit or velocity_units, kind or velocity_kind, domain


def _unit(p: Path, unit: str | None, what: str, line: int) -> float:
    if unit is None:
        raise FileFormatError(p, f"{what} does not state its velocity unit: give velocity_units 'm/s' or 'ft/s' (CLI "
                                 "--velocity-units)", position=f"line {line}")
    return velocity_factor(unit, f"{p} {what}")


def _kind(p: Path, kind: str | None, what: str, line: int) -> str:
    if kind is None:
        raise FileFormatError(p, f"{what} does not state whether its velocities are RMS (stacking), interval or average: "
                                 "give velocity_kind 'rms', 'interval' or 'average' (CLI --velocity-kind)", position=f"line {line}")
    k = kind.strip().lower()
    if k not in KINDS:
        raise GeoexploreError(f"unknown velocity kind {kind!r}; choose one of {KINDS}")
    return k


def _intervals(p: Path, x: np.ndarray, v: np.ndarray, interval_at: str | None, line: int, what: str) -> tuple[np.ndarray, np.ndarray]:
    """Interval boundaries (from 0) and velocities of interval velocities ``v`` at increasing ``x`` (time or depth)."""
    if interval_at not in ("top", "base"):
        raise FileFormatError(p, f"interval velocities: the file does not say which interval a velocity belongs to: give "
                                 f"interval_at 'top' (a row's velocity holds from its {what} down to the next row's) or 'base' "
                                 f"(from the row above down to its {what}) (CLI --interval-at)", position=f"line {line}")
    if interval_at == "top":
        if x[0] > 0:
            raise FileFormatError(p, f"interval velocities at interval tops: the interval above the first {what} ({x[0]:g}) "
                                     "has no velocity (add a row at 0)", position=f"line {line}")
        return x, v  # boundaries x[0]=0, x[1], ...; the last interval extends below the last row
    keep = x > 0
    if not keep.any():
        raise FileFormatError(p, f"interval velocities at interval bases: no row below {what} 0", position=f"line {line}")
    return np.r_[0.0, x[keep]], v[keep]


def _rms_at(tb: np.ndarray, vi: np.ndarray, times: np.ndarray) -> np.ndarray:
    """RMS velocity at ``times`` for interval velocities ``vi`` starting at boundaries ``tb`` (tb[0]=0; last extends down)."""
    out = np.empty(times.size)
    for j, t in enumerate(times):
        if t <= 0:
            out[j] = vi[0]
            continue
        top = tb[: vi.size]
        base = np.r_[tb[1: vi.size], np.inf]
        dt = np.clip(np.minimum(base, t) - top, 0.0, None)
        out[j] = np.sqrt(np.sum(vi**2 * dt) / t)
    return out


def to_rms(p: Path, x: np.ndarray, v: np.ndarray, kind: str, domain: str, interval_at: str | None,
           line: int) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """One location's function (increasing ``x``: two-way time s or depth m; ``v`` m/s) -> (time_s, vrms_m_s, depth_m or None)."""
    if domain == "time":
        if kind == "rms":
            return x, v, None
        if kind == "average":  # z = v_avg t / 2: intervals between rows, the first from the surface
            z = v * x / 2.0
            zb, tb = np.r_[0.0, z], np.r_[0.0, x]
            dt = np.diff(tb)
            ok = dt > 0
            vi = np.where(ok, 2.0 * np.diff(zb) / np.where(ok, dt, 1.0), v)
            if np.any(vi[ok] <= 0):
                raise FileFormatError(p, "average velocities give a depth that does not increase with time", position=f"line {line}")
            sel = np.flatnonzero(ok)
            return (x, _rms_at(tb[sel], vi[sel], x), None) if sel.size else (x, v, None)
        tb, vi = _intervals(p, x, v, interval_at, line, "time")
        if interval_at == "top":  # the last interval holds below the last row: one more row keeps its velocity
            x = np.r_[x, x[-1] + EXTEND_S]
        return x, _rms_at(tb, vi, x), None
    if kind == "average":  # depth -> two-way time t = 2 z / v_avg
        t = 2.0 * x / v
        if np.any(np.diff(t) <= 0):
            raise FileFormatError(p, "average velocities give a time that does not increase with depth", position=f"line {line}")
        return t, to_rms(p, t, v, "average", "time", None, line)[1], x
    if kind == "rms":
        raise FileFormatError(p, "an RMS velocity against depth is not defined: give interval or average velocities in depth",
                              position=f"line {line}")
    zb, vi = _intervals(p, x, v, interval_at, line, "depth")
    tb = np.r_[0.0, np.cumsum(2.0 * np.diff(zb) / vi[: zb.size - 1])]  # two-way time at each boundary
    t_rows = np.interp(x, zb, tb)  # every row lies on a boundary
    if interval_at == "top":  # the last interval holds below the last row: one more row keeps its velocity
        t_rows, x = np.r_[t_rows, t_rows[-1] + EXTEND_S], np.r_[x, x[-1] + vi[-1] * EXTEND_S / 2.0]
    return t_rows, _rms_at(tb, vi, t_rows), x


def _table(p: Path, fmt: str, rows: list[tuple[float, float, np.ndarray, np.ndarray, int]], *, by_cdp: bool, unit: str,
           kind: str, domain: str, interval_at: str | None) -> dict[str, Any]:
    cols: dict[str, list[Any]] = {"cdp": [], "chainage_m": [], "time_s": [], "vrms_m_s": [], "depth_m": []}
    for loc, _, x, v, line in rows:
        o = np.argsort(x, kind="stable")
        x, v = x[o], v[o]
        if np.any(np.diff(x) <= 0):
            raise FileFormatError(p, f"location {loc:g}: {domain}s repeat", position=f"line {line}")
        t, vr, z = to_rms(p, x, v, kind, domain, interval_at, line)
        cols["cdp"] += [int(loc) if by_cdp else -1] * t.size
        cols["chainage_m"] += [np.nan if by_cdp else loc] * t.size
        cols["time_s"] += t.tolist()
        cols["vrms_m_s"] += vr.tolist()
        cols["depth_m"] += (z if z is not None else np.full(t.size, np.nan)).tolist()
    out: dict[str, Any] = {k: np.asarray(v, float) for k, v in cols.items()}
    out["cdp"] = out["cdp"].astype(np.int64)
    if domain == "time":
        out.pop("depth_m")
    at = f" at interval {interval_at}s" if kind == "interval" else ""
    conv = "rms" if kind == "rms" and domain == "time" else f"{kind} in {domain}{at}, converted to rms"
    out["attrs"] = {"source_file": str(p), "format": fmt, "velocity_units": unit, "kind": conv, "domain": domain,
                    "located_by": "cdp" if by_cdp else "chainage_m"}
    return out


# -- HANDVEL ----------------------------------------------------------------------------------------------
def can_read_handvel(path: str | os.PathLike[str]) -> bool:
    from geoexplore.core.formats import head_lines

    lines = head_lines(path) or []
    return any(re.match(r"^\s*HANDVEL\b", ln, re.I) for ln in lines if not ln.lstrip().startswith(_COMMENT))


def read_handvel(path: str | os.PathLike[str], *, velocity_units: str | None = None, velocity_kind: str | None = None,
                 interval_at: str | None = None) -> dict[str, Any]:
    """Read a ProMAX/SeisSpace ``HANDVEL`` card file (CDP, then time-ms / velocity pairs) into a velocity table.

    Parameters
    ----------
    path : path
    velocity_units : {"m/s", "ft/s", "km/s"}, optional
        Required unless a ``# LINEAR_UNITS =`` comment states it.
    velocity_kind : {"rms", "interval", "average"}, optional
        Required unless a ``# FUNCTION_TYPE =`` comment states it.
    interval_at : {"top", "base"}, optional
        Required for interval velocities (see the module docstring).
    """
    p = Path(path)
    lines = _text(p)
    unit, kind, domain = _stated(p, _header_keys(lines), velocity_units, velocity_kind)
    if domain == "depth":
        raise GeoexploreError(f"{p}: FUNCTION_TYPE is a depth function, but HANDVEL cards hold times in ms")
    first = next((n for n, ln in enumerate(lines, 1) if re.match(r"^\s*HANDVEL\b", ln, re.I)), 1)
    fac = _unit(p, unit, "HANDVEL cards", first)
    kind = _kind(p, kind, "HANDVEL cards", first)
    rows: list[tuple[float, float, np.ndarray, np.ndarray, int]] = []
    cur: tuple[float, int, list[float]] | None = None

    def close() -> None:
        if cur is None:
            return
        cdp, n0, vals = cur
        if not vals or len(vals) % 2:
            raise FileFormatError(p, f"HANDVEL {cdp:g}: {len(vals)} numbers, not time-velocity pairs", position=f"line {n0}")
        a = np.asarray(vals).reshape(-1, 2)
        if np.any(a[:, 0] < 0) or np.any(a[:, 1] <= 0):
            raise FileFormatError(p, f"HANDVEL {cdp:g}: negative time or non-positive velocity", position=f"line {n0}")
        rows.append((cdp, 0.0, a[:, 0] / 1000.0, a[:, 1] * fac, n0))

    for n, ln in enumerate(lines, 1):
        s = ln.strip()
        if not s or s.startswith(_COMMENT):
            continue
        toks = s.replace(",", " ").split()
        if toks[0].upper() == "HANDVEL":
            close()
            if len(toks) != 2:
                raise FileFormatError(p, f"HANDVEL card with {len(toks) - 1} numbers: only the 2-D form 'HANDVEL <cdp>' is read "
                                         "(3-D inline/crossline cards are not)", position=f"line {n}")
            cdp = _num(p, toks[1], n)
            if cdp != int(cdp):
                raise FileFormatError(p, f"HANDVEL CDP {toks[1]!r} is not an integer", position=f"line {n}")
            cur = (cdp, n, [])
            continue
        if cur is None:
            raise FileFormatError(p, f"numbers before the first HANDVEL card: {s[:40]!r}", position=f"line {n}")
        cur[2].extend(_num(p, t, n) for t in toks)
    close()
    if not rows:
        raise FileFormatError(p, "no HANDVEL card", position="line 1")
    return _table(p, "handvel", rows, by_cdp=True, unit=str(unit), kind=kind, domain="time", interval_at=interval_at)


def _num(p: Path, tok: str, n: int) -> float:
    try:
        x = float(tok)
    except ValueError:
        raise FileFormatError(p, f"not a number: {tok[:40]!r}", position=f"line {n}") from None
    if not np.isfinite(x) or abs(x) > 1e12:
        raise FileFormatError(p, f"not a finite number: {tok!r}", position=f"line {n}")
    return x


# -- column tables ----------------------------------------------------------------------------------------
_NAME = re.compile(r"^([a-z]+)\s*(?:[\(\[]\s*([a-z/]+)\s*[\)\]]|_([a-z_]+))?$")
_ROLE = {"cdp": "cdp", "x": "loc", "chainage": "loc", "distance": "loc", "time": "time", "twt": "time", "depth": "depth",
         "z": "depth", "vrms": "rms", "vnmo": "rms", "vstk": "rms", "vint": "interval", "vavg": "average", "v": "v",
         "vel": "v", "velocity": "v"}
_LEN = {"m": 1.0, "ft": FT, "km": 1000.0}
_TIME = {"s": 1.0, "ms": 1e-3}


def _split(line: str) -> list[str]:
    for d in (",", ";", "\t"):
        if d in line:
            return [c.strip() for c in line.split(d)]
    return line.split()


def _columns(header: str) -> dict[str, tuple[int, str, str | None]] | None:
    """Header -> role -> (column index, name, unit); None if a column is not one of the known names."""
    out: dict[str, tuple[int, str, str | None]] = {}
    for i, c in enumerate(_split(header)):
        m = _NAME.match(c.strip().lower())
        if not m or m.group(1) not in _ROLE:
            return None
        unit = m.group(2) or (m.group(3).replace("_", "/") if m.group(3) else None)
        role = _ROLE[m.group(1)]
        role = "vel" if role in ("rms", "interval", "average", "v") else role
        if role in out:
            return None
        out[role] = (i, c.strip(), unit)
        if role == "vel":
            out["kind"] = (i, _ROLE[m.group(1)], None)
    return out


def _first_line(lines: list[str]) -> tuple[str, int]:
    return next(((ln, n) for n, ln in enumerate(lines, 1) if ln.strip() and not ln.lstrip().startswith("#")), ("", 1))


def can_read_columns(path: str | os.PathLike[str]) -> bool:
    from geoexplore.core.formats import head_lines

    cols = _columns(_first_line(head_lines(path) or [])[0])
    return bool(cols) and "vel" in cols and ("time" in cols or "depth" in cols) and ("cdp" in cols or "loc" in cols)


def read_columns(path: str | os.PathLike[str], *, velocity_units: str | None = None, velocity_kind: str | None = None,
                 interval_at: str | None = None) -> dict[str, Any]:
    """Read a column table (location, time or depth, one velocity; units in the header) into a velocity table.

    See the module docstring for the names, units and conversions.
    """
    p = Path(path)
    lines = _text(p)
    head, hn = _first_line(lines)
    cols = _columns(head)
    if not cols or "vel" not in cols or ("time" in cols) == ("depth" in cols) or ("cdp" in cols) == ("loc" in cols):
        raise FileFormatError(p, f"need a location (cdp or x/chainage with unit), a time or a depth (not both) and one velocity "
                                 f"column; header is {head[:120]!r}", position=f"line {hn}")
    domain = "time" if "time" in cols else "depth"
    unit_read = cols["vel"][2]
    if unit_read is not None and unit_read.replace("ft/sec", "ft/s").replace("m/sec", "m/s") not in ("m/s", "ft/s", "km/s"):
        raise FileFormatError(p, f"column {cols['vel'][1]!r}: velocity unit {unit_read!r} is not m/s, ft/s or km/s",
                              position=f"line {hn}")
    named_kind = cols["kind"][1]
    s_unit, s_kind, s_dom = _stated(p, _header_keys(lines), velocity_units if unit_read is None else None,
                                    velocity_kind if named_kind == "v" else None)
    if s_dom is not None and s_dom != domain:
        raise FileFormatError(p, f"FUNCTION_TYPE says {s_dom}, the columns hold {domain}", position=f"line {hn}")
    if unit_read is not None and velocity_units is not None and velocity_factor(velocity_units, str(p)) != velocity_factor(unit_read, str(p)):
        raise GeoexploreError(f"{p}: velocity_units {velocity_units!r} given, but column {cols['vel'][1]!r} states {unit_read!r}")
    if named_kind != "v" and velocity_kind is not None and velocity_kind.lower() != named_kind:
        raise GeoexploreError(f"{p}: velocity_kind {velocity_kind!r} given, but column {cols['vel'][1]!r} states {named_kind!r}")
    unit = unit_read or s_unit
    fac = _unit(p, unit, f"column {cols['vel'][1]!r}", hn)
    kind = _kind(p, named_kind if named_kind != "v" else s_kind, f"column {cols['vel'][1]!r}", hn)
    xi, xname, xunit = cols[domain]
    table = _TIME if domain == "time" else _LEN
    if xunit not in table:
        raise FileFormatError(p, f"column {xname!r}: unit {xunit!r} is not one of {sorted(table)} (state it in the header, "
                                 f"e.g. {domain.upper()}({'ms' if domain == 'time' else 'm'}))", position=f"line {hn}")
    loc_role = "cdp" if "cdp" in cols else "loc"
    li, lname, lunit = cols[loc_role]
    if loc_role == "loc" and lunit not in _LEN:
        raise FileFormatError(p, f"column {lname!r}: length unit {lunit!r} is not one of {sorted(_LEN)} (e.g. X(m))",
                              position=f"line {hn}")
    vi = cols["vel"][0]
    ncol = max(li, xi, vi) + 1
    data: dict[float, list[tuple[float, float, int]]] = {}
    for n, ln in enumerate(lines[hn:], hn + 1):
        if not ln.strip() or ln.lstrip().startswith("#"):
            continue
        f = _split(ln)
        if len(f) < ncol:
            raise FileFormatError(p, f"{len(f)} fields, the header has {ncol}", position=f"line {n}")
        loc, x, v = _num(p, f[li], n), _num(p, f[xi], n), _num(p, f[vi], n)
        if x < 0 or v <= 0:
            raise FileFormatError(p, f"negative {domain} or non-positive velocity ({x:g}, {v:g})", position=f"line {n}")
        if loc_role == "cdp" and loc != int(loc):
            raise FileFormatError(p, f"cdp {f[li]!r} is not an integer", position=f"line {n}")
        loc = loc if loc_role == "cdp" else loc * _LEN[str(lunit)]
        data.setdefault(loc, []).append((x * table[str(xunit)], v * fac, n))
    if not data:
        raise FileFormatError(p, "no rows", position=f"line {hn + 1}")
    rows = [(k, 0.0, np.array([r[0] for r in rs]), np.array([r[1] for r in rs]), rs[0][2]) for k, rs in data.items()]
    return _table(p, "columns", rows, by_cdp=loc_role == "cdp", unit=str(unit), kind=kind, domain=domain, interval_at=interval_at)


__all__ = ["KINDS", "can_read_columns", "can_read_handvel", "read_columns", "read_handvel", "to_rms"]
