"""Survey geometry: station tables, observer logs, CMP binning along a crooked line, fold and offset maps.

A field crew delivers

* a **station table** (CSV): ``station, chainage_m, x_m, y_m, elevation_m``
  (x, y projected metres; chainage along the line), and
* an **observer's log** (CSV): ``ffid, file, source_station, first_channel_station,
  station_increment, n_channels`` (one row per shot record: which station the
  source was at and which station channel 1 was laid out at).

:func:`trace_geometry` turns these into per-trace source and receiver
positions; :func:`cmp_bins` projects the source-receiver midpoints onto the
processing line (a :class:`~geoexplore.core.profile.Profile`, which may be
crooked) and bins them at a regular chainage spacing.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any

import numpy as np

from geoexplore.core.errors import FileFormatError, GeoexploreError
from geoexplore.core.formats import object_and_path

STATION_COLUMNS = ("station", "chainage_m", "x_m", "y_m", "elevation_m")
LOG_COLUMNS = ("ffid", "file", "source_station", "first_channel_station", "station_increment", "n_channels")


def read_text_file(p: Path) -> str:
    """The UTF-8 text of ``p``; undecodable bytes raise a FileFormatError naming the line and byte."""
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise FileFormatError(p, f"cannot read: {exc.strerror}") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise FileFormatError(p, f"not UTF-8 text (byte 0x{raw[exc.start]:02x})", position=f"line {line} (byte {exc.start})",
                              byte_offset=exc.start) from None


def read_csv(
    path: str | os.PathLike[str],
    columns: tuple[str, ...],
    numeric: tuple[str, ...],
    check: Any = None,
    lines: list[int] | None = None,
) -> dict[str, np.ndarray]:
    """Read a CSV table (``#`` comments allowed) into arrays; errors name the file and line.

    ``check(column, value)`` may return a message for an invalid numeric value.
    ``lines``: if given, the source line of each row is appended to it.
    """
    p = Path(path)
    text = read_text_file(p)
    rows = [(n, ln) for n, ln in enumerate(text.splitlines(), 1) if ln.strip() and not ln.lstrip().startswith("#")]
    if not rows:
        raise FileFormatError(p, "empty table", position="line 1")
    n0, head = rows[0]
    cols = [c.strip() for c in next(csv.reader([head]))]
    miss = [c for c in columns if c not in cols]
    if miss:
        raise FileFormatError(p, f"missing column(s) {miss}; need {list(columns)}", position=f"line {n0}")
    out: dict[str, list[Any]] = {c: [] for c in columns}
    for n, ln in rows[1:]:
        vals = [v.strip() for v in next(csv.reader([ln]))]
        if len(vals) != len(cols):
            raise FileFormatError(p, f"expected {len(cols)} values, got {len(vals)}", position=f"line {n}")
        if lines is not None:
            lines.append(n)
        for c in columns:
            v = vals[cols.index(c)]
            if c in numeric:
                try:
                    x = float(v)
                except ValueError:
                    raise FileFormatError(p, f"column {c}: not a number: {v!r}", position=f"line {n}") from None
                if not np.isfinite(x):
                    raise FileFormatError(p, f"column {c}: not finite: {v!r}", position=f"line {n}")
                bad = check(c, x) if check is not None else None
                if bad:
                    raise FileFormatError(p, f"column {c}: {bad}", position=f"line {n}")
                out[c].append(x)
            else:
                out[c].append(v)
    return {c: np.asarray(v) for c, v in out.items()}


def _integer(column: str, x: float) -> str | None:
    """Check of an integer column: a whole number that fits int64 (a station, a channel count)."""
    if x != int(x) or abs(x) >= 2**53:
        return f"not an integer: {x!r}"
    return None


def read_stations(path: str | os.PathLike[str]) -> dict[str, np.ndarray]:
    """Read a station table CSV (columns :data:`STATION_COLUMNS`)."""
    lines: list[int] = []
    t = read_csv(path, STATION_COLUMNS, STATION_COLUMNS, lambda c, x: _integer(c, x) if c == "station" else None, lines)
    t["station"] = t["station"].astype(np.int64)
    uniq, first, counts = np.unique(t["station"], return_index=True, return_counts=True)
    if (counts > 1).any():
        dup = uniq[counts > 1][0]
        k = np.flatnonzero(t["station"] == dup)[1]
        raise FileFormatError(Path(path), f"station numbers are not unique: {dup} again", position=f"line {lines[k]}")
    return t


def read_observer_log(path: str | os.PathLike[str]) -> dict[str, np.ndarray]:
    """Read an observer's log CSV (columns :data:`LOG_COLUMNS`)."""
    num = tuple(c for c in LOG_COLUMNS if c != "file")
    t = read_csv(path, LOG_COLUMNS, num, _integer)
    for c in num:
        t[c] = t[c].astype(np.int64)
    return t


def write_table(table: dict[str, Any], path: str | os.PathLike[str], columns: tuple[str, ...], comment: str = "") -> None:
    """Write a table (dict of equal-length columns) as CSV (floats with 3 decimals; ``comment`` as ``#`` lines).

    Arguments are (table, path) like every writer; the former order
    ``write_table(path, table, ...)`` is still accepted for one release (DeprecationWarning).
    """
    table, path = object_and_path(table, path, "write_table")
    with Path(path).open("w", newline="") as fh:
        if comment:
            for ln in comment.splitlines():
                fh.write(f"# {ln}\n")
        w = csv.writer(fh)
        w.writerow(columns)
        for row in zip(*(np.asarray(table[c]).tolist() for c in columns)):
            w.writerow([f"{v:.3f}" if isinstance(v, float) else v for v in row])


def station_lookup(stations: dict[str, np.ndarray], numbers: Any, what: str = "station") -> np.ndarray:
    """Row index in ``stations`` of each station number (raises naming unknown stations)."""
    st = np.asarray(stations["station"])
    order = np.argsort(st)
    n = np.asarray(numbers, dtype=np.int64)
    pos = np.clip(np.searchsorted(st[order], n), 0, st.size - 1)
    idx = order[pos]
    bad = st[idx] != n
    if np.any(bad):
        raise GeoexploreError(f"{what} number(s) {sorted(set(n[bad].tolist()))[:10]} not in the station table")
    return idx


def trace_geometry(stations: dict[str, np.ndarray], log_row: dict[str, Any], n_traces: int) -> dict[str, np.ndarray]:
    """Per-trace geometry of one shot record from the station table and its observer-log row.

    Returns arrays (n_traces,): ``source_station``, ``receiver_station``,
    ``source_x_m``, ``source_y_m``, ``source_elevation_m``,
    ``source_chainage_m``, ``receiver_*`` likewise, and ``offset_m`` (the
    straight-line source-receiver distance, signed negative when the receiver
    lies at smaller chainage than the source).
    """
    nch = int(log_row["n_channels"])
    if nch != n_traces:
        raise GeoexploreError(f"record {log_row.get('file', '')}: observer log says {nch} channels, file has {n_traces}")
    rs = int(log_row["first_channel_station"]) + int(log_row["station_increment"]) * np.arange(nch)
    ss = np.full(nch, int(log_row["source_station"]))
    ir = station_lookup(stations, rs, "receiver station")
    i_s = station_lookup(stations, ss, "source station")
    g: dict[str, np.ndarray] = {"source_station": ss, "receiver_station": rs}
    for side, idx in (("source", i_s), ("receiver", ir)):
        g[f"{side}_x_m"] = stations["x_m"][idx].astype(float)
        g[f"{side}_y_m"] = stations["y_m"][idx].astype(float)
        g[f"{side}_elevation_m"] = stations["elevation_m"][idx].astype(float)
        g[f"{side}_chainage_m"] = stations["chainage_m"][idx].astype(float)
    dist = np.hypot(g["receiver_x_m"] - g["source_x_m"], g["receiver_y_m"] - g["source_y_m"])
    g["offset_m"] = np.where(g["receiver_chainage_m"] < g["source_chainage_m"], -dist, dist)
    return g


def cmp_bins(
    source_xy: tuple[Any, Any],
    receiver_xy: tuple[Any, Any],
    profile: Any,
    bin_m: float,
    *,
    origin_m: float | None = None,
    n_bins: int | None = None,
) -> dict[str, np.ndarray]:
    """CMP binning along a (possibly crooked) processing line.

    Parameters
    ----------
    source_xy, receiver_xy : (x, y) of (n_traces,) arrays
        Projected coordinates (m).
    profile : geoexplore.core.profile.Profile
        The processing line; midpoints are projected onto it.
    bin_m : float
        Bin spacing along chainage (m), usually half the station spacing.
    origin_m : float, optional
        Centre chainage of bin 0 (default: the smallest midpoint chainage,
        rounded down to a multiple of ``bin_m``).

    Returns
    -------
    dict
        ``cdp`` (n_traces,) 0-based bin index, ``midpoint_chainage_m``,
        ``midpoint_offline_m`` (distance of the midpoint from the line, m,
        positive to the right), ``bin_chainage_m`` (n_bins,) bin centres,
        ``fold`` (n_bins,) traces per bin.
    """
    if bin_m <= 0:
        raise GeoexploreError(f"CMP bin size must be > 0, got {bin_m}")
    mx = 0.5 * (np.asarray(source_xy[0], float) + np.asarray(receiver_xy[0], float))
    my = 0.5 * (np.asarray(source_xy[1], float) + np.asarray(receiver_xy[1], float))
    ch, off = profile.chainage(mx, my)
    ch = np.atleast_1d(ch)
    if origin_m is None:
        origin_m = float(np.floor(ch.min() / bin_m) * bin_m)
    cdp = np.floor((ch - origin_m) / bin_m + 0.5).astype(np.int64)
    if np.any(cdp < 0):
        raise GeoexploreError("midpoints before the first CMP bin; lower origin_m")
    nb = int(cdp.max()) + 1 if n_bins is None else int(n_bins)
    keep = cdp < nb
    fold = np.bincount(cdp[keep], minlength=nb)
    return {
        "cdp": np.where(keep, cdp, -1),
        "midpoint_chainage_m": ch,
        "midpoint_offline_m": np.atleast_1d(off),
        "bin_chainage_m": origin_m + bin_m * np.arange(nb),
        "fold": fold,
    }


def offset_map(cdp: Any, offsets_m: Any, n_bins: int, offset_bin_m: float) -> tuple[np.ndarray, np.ndarray]:
    """Trace counts per (CMP bin, offset class): returns ``(counts (n_bins, n_off), offset_centres_m)``."""
    o = np.abs(np.asarray(offsets_m, float))
    c = np.asarray(cdp, np.int64)
    ok = c >= 0
    no = int(np.ceil((o.max() + 1e-9) / offset_bin_m)) if o.size else 1
    io = np.minimum((o / offset_bin_m).astype(np.int64), no - 1)
    counts = np.zeros((n_bins, no), np.int64)
    np.add.at(counts, (c[ok], io[ok]), 1)
    return counts, (np.arange(no) + 0.5) * offset_bin_m


__all__ = [
    "LOG_COLUMNS", "STATION_COLUMNS", "cmp_bins", "offset_map", "read_csv", "read_observer_log", "read_stations",
    "station_lookup", "trace_geometry", "write_table",
]
