"""pyGIMLi/BERT unified data format (.ohm, .dat, .shm, .data): reader and writer.

Layout (resistivity.net, "Data format")::

    N            # number of electrodes
    # x z        (or x y z; tokens name the columns)
    x1 z1
    ...
    M            # number of data
    # a b m n rhoa err   (tokens with optional /unit: U/mV, I/mA, err/%)
    1 2 3 4 231.2 0.03
    ...
    [T           # optional topography points
     x z ...]

Electrode numbers count from 1; 0 marks a remote electrode. Units: ``u`` V,
``i`` A, ``r`` ohm, ``rhoa`` ohm m, ``k`` m, ``err`` relative (fraction),
``ip`` mrad. 2D files give ``x z`` with z the elevation.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from geoexplore.core.errors import FileFormatError
from geoexplore.core.formats import head_lines
from geoexplore.ert.data import ERTData, make_table
from geoexplore.ert.io._text import is_number, read_lines, to_float, tokens

NAME = "unified"
EXTENSIONS = (".ohm", ".dat", ".shm", ".data", ".tx0")

# token -> (column, factor to SI for unit suffixes)
_TOKENS: dict[str, str] = {
    "a": "a", "c1": "a", "b": "b", "c2": "b", "m": "m", "p1": "m", "n": "n", "p2": "n",
    "rhoa": "apparent_resistivity_ohm_m", "rho_a": "apparent_resistivity_ohm_m", "ra": "apparent_resistivity_ohm_m",
    "r": "resistance_ohm", "z": "resistance_ohm", "rho": "resistance_ohm",
    "err": "error", "error": "error", "std": "error",
    "ip": "ip_mrad", "i": "current_a", "u": "voltage_v", "v": "voltage_v", "k": "geometric_factor_m",
    "valid": "valid", "sp": "sp", "t": "t",
}
_UNITS = {"ma": 1e-3, "ua": 1e-6, "a": 1.0, "mv": 1e-3, "uv": 1e-6, "v": 1.0, "%": 0.01, "1": 1.0,
          "ohm": 1.0, "ohmm": 1.0, "mrad": 1.0, "m": 1.0}


def _split_comment(s: str) -> tuple[str, str]:
    if "#" in s:
        i = s.index("#")
        return s[:i].strip(), s[i + 1:].strip()
    return s.strip(), ""


def can_read(path: str | os.PathLike[str]) -> bool:
    """True for a text file whose first value line is a single integer followed by coordinate rows."""
    head = head_lines(path)
    if head is None:
        return False
    vals = [(_split_comment(ln)[0]) for ln in head]
    vals = [v for v in vals if v]
    if len(vals) < 3:
        return False
    t = tokens(vals[0])
    if len(t) != 1 or not t[0].isdigit():
        return False
    nxt = tokens(vals[1])
    return 2 <= len(nxt) <= 4 and all(is_number(x) for x in nxt)


class UnifiedCursor:
    """Walks the (line, values, comment) items of a unified file, keeping 1-based line numbers for errors."""

    def __init__(self, path: str | os.PathLike[str], lines: list[str]) -> None:
        self.path = path
        self.n_lines = len(lines)
        self.items: list[tuple[int, str, str]] = [(i, *_split_comment(ln)) for i, ln in enumerate(lines, start=1)]
        self.pos = 0

    def skip_blank(self) -> None:
        """Move past lines without values (empty or comment only)."""
        while self.pos < len(self.items) and not self.items[self.pos][1]:
            self.pos += 1

    def at_end(self) -> bool:
        return self.pos >= len(self.items)

    def next_count(self, what: str) -> tuple[int, int]:
        """The next value line as one non-negative integer, and its line number."""
        self.skip_blank()
        if self.at_end():
            raise FileFormatError(self.path, f"unexpected end of file, expected the {what}", position=f"line {self.n_lines}")
        ln, v, _ = self.items[self.pos]
        self.pos += 1
        t = tokens(v)
        if len(t) != 1 or not (t[0].lstrip("+").isdigit() and t[0].isascii()):  # '²'.isdigit() is True
            raise FileFormatError(self.path, f"expected the {what} (one integer), got {v!r}", position=f"line {ln}")
        return int(t[0]), ln

    def token_line(self) -> list[str] | None:
        """Column tokens from a comment line right after a count (if any)."""
        while self.pos < len(self.items) and not self.items[self.pos][1]:
            _, _, c = self.items[self.pos]
            toks = tokens(c)
            self.pos += 1
            if toks and all(not is_number(t) for t in toks):
                low = [t.lower() for t in toks]
                if low[0] in ("x", "a", "c1", "y", "z") or low[0].split("/")[0] in _TOKENS:
                    return toks
        return None

    def rows(self, count: int, what: str) -> list[tuple[int, list[str]]]:
        """The next ``count`` value lines as (line number, tokens)."""
        out = []
        while len(out) < count:
            if self.at_end():
                raise FileFormatError(
                    self.path, f"file ends after {len(out)} of {count} {what}", position=f"line {self.n_lines}"
                )
            ln, v, _ = self.items[self.pos]
            self.pos += 1
            if v:
                out.append((ln, tokens(v)))
        return out


def read_electrodes(cur: UnifiedCursor) -> np.ndarray:
    """The electrode block: count, optional column tokens, rows; positions (n, 3) x, y, z in m."""
    path = cur.path
    n_el, ln_el = cur.next_count("number of electrodes")
    if n_el > cur.n_lines:
        raise FileFormatError(path, f"header claims {n_el} electrodes but the file has {cur.n_lines} lines",
                              position=f"line {ln_el}")
    toks = cur.token_line() or []
    el_rows = cur.rows(n_el, "electrode positions")
    ncol = {len(t) for _, t in el_rows}
    if not toks:
        toks = ["x", "z"] if min(ncol) == 2 else ["x", "y", "z"]
    toks = [t.lower().split("/")[0] for t in toks]
    el = np.zeros((n_el, 3))
    for k, (ln, t) in enumerate(el_rows):
        if len(t) < len(toks):
            raise FileFormatError(path, f"electrode {k + 1}: expected {len(toks)} values ({' '.join(toks)}), got {len(t)}",
                                  position=f"line {ln}")
        for j, name in enumerate(toks):
            val = to_float(path, t[j], ln, f"electrode {k + 1} {name}")
            if name == "x":
                el[k, 0] = val
            elif name == "y":
                el[k, 1] = val
            elif name in ("z", "h"):
                el[k, 2] = val
    if toks == ["x", "y"]:  # pyGIMLi 2D convention: y is the vertical
        el[:, 2], el[:, 1] = el[:, 1].copy(), 0.0
    return el


def data_columns(path: str | os.PathLike[str], dtoks: list[str], ln_d: int) -> list[tuple[str, float]]:
    """(table column, factor to SI) for each data token (``extra:<name>`` for tokens not in the table)."""
    cols: list[tuple[str, float]] = []
    for tk in dtoks:
        name, _, unit = tk.lower().partition("/")
        col = _TOKENS.get(name)
        if col is None:
            col = f"extra:{name}"
        fac = 1.0
        if unit:
            if unit not in _UNITS:
                raise FileFormatError(path, f"unknown unit {unit!r} for column {name!r}", position=f"line {ln_d + 1}")
            fac = _UNITS[unit]
        cols.append((col, fac))
    if [c for c, _ in cols[:4]] != ["a", "b", "m", "n"] and not {"a", "b", "m", "n"} <= {c for c, _ in cols}:
        raise FileFormatError(path, f"data columns {dtoks} lack electrode columns a b m n", position=f"line {ln_d + 1}")
    return cols


def read_data_block(cur: UnifiedCursor) -> tuple[dict[str, np.ndarray], np.ndarray, list[str]]:
    """The data block: count, optional column tokens, rows; (values by column in SI, line numbers, tokens)."""
    path = cur.path
    n_d, ln_d = cur.next_count("number of data")
    if n_d > cur.n_lines:
        raise FileFormatError(path, f"header claims {n_d} data but the file has {cur.n_lines} lines",
                              position=f"line {ln_d}")
    dtoks = cur.token_line()
    d_rows = cur.rows(n_d, "data rows")
    if not dtoks:
        width = max(len(t) for _, t in d_rows) if d_rows else 4
        dtoks = ["a", "b", "m", "n", "rhoa", "err"][:width]
    cols = data_columns(path, dtoks, ln_d)
    values: dict[str, np.ndarray] = {c: np.full(n_d, np.nan) for c, _ in cols}
    records = np.zeros(n_d, dtype=np.int64)
    for r, (ln, t) in enumerate(d_rows):
        if len(t) < len(cols):
            raise FileFormatError(path, f"datum {r + 1}: expected {len(cols)} values, got {len(t)}", position=f"line {ln}")
        records[r] = ln
        for j, (c, fac) in enumerate(cols):
            values[c][r] = to_float(path, t[j], ln, f"datum {r + 1} column {dtoks[j]}") * fac
    return values, records, dtoks


def electrode_numbers(path: str | os.PathLike[str], values: dict[str, np.ndarray], records: np.ndarray,
                      n_el: int) -> np.ndarray:
    """The a b m n columns as integers (n_data, 4), checked against the spread 0..n_el."""
    abmn = np.column_stack([values[c] for c in ("a", "b", "m", "n")])
    if not np.all(abmn == np.round(abmn)):
        bad = int(np.where(~np.all(abmn == np.round(abmn), axis=1))[0][0])
        raise FileFormatError(path, f"datum {bad + 1}: electrode numbers must be integers", position=f"line {records[bad]}")
    abmn = abmn.astype(np.int64)
    bad = np.where(np.any((abmn < 0) | (abmn > n_el), axis=1))[0]
    if bad.size:
        b0 = int(bad[0])
        raise FileFormatError(
            path, f"datum {b0 + 1}: electrode number outside the spread 1..{n_el} ({' '.join(map(str, abmn[b0]))}); "
            f"{bad.size} such data", position=f"line {records[b0]}")
    return abmn


def read_topography(cur: UnifiedCursor, data: ERTData) -> None:
    """The optional topography block after the data into ``data.meta["topography"]`` ((n, 2) x, z in m).

    Trailing text that is not a topography block is tolerated and noted as
    ``data.meta["trailing_content"] = 1``.
    """
    path = cur.path
    cur.skip_blank()
    if cur.at_end():
        return
    try:
        n_t, _ = cur.next_count("number of topography points")
        cur.token_line()
        t_rows = cur.rows(n_t, "topography points")
        topo = np.array([[to_float(path, t[0], ln, "topography x"), to_float(path, t[-1], ln, "topography z")]
                         for ln, t in t_rows])
        data.meta["topography"] = topo
    except FileFormatError:
        pass  # trailing text after the data is tolerated, but noted
        data.meta["trailing_content"] = 1


def read(path: str | os.PathLike[str]) -> ERTData:
    """Read a unified-format file into :class:`ERTData`: electrodes, data block, optional topography."""
    cur = UnifiedCursor(path, read_lines(path))
    el = read_electrodes(cur)
    values, records, dtoks = read_data_block(cur)
    abmn = electrode_numbers(path, values, records, len(el))
    table_cols: dict[str, Any] = {c: abmn[:, k] for k, c in enumerate(("a", "b", "m", "n"))}
    for c in values:
        if c in ("a", "b", "m", "n") or c.startswith("extra:") or c in ("valid", "sp", "t"):
            continue
        table_cols[c] = values[c]
    table_cols["record"] = records
    meta: dict[str, Any] = {"format": "unified", "path": os.fspath(path), "columns_in_file": " ".join(dtoks)}
    data = ERTData(el, make_table(**table_cols), meta).fill_derived()
    if "valid" in values:
        data = data.remove(values["valid"] == 0, "marked invalid in file")
    read_topography(cur, data)
    return data


def write(data: ERTData, path: str | os.PathLike[str], *, columns: tuple[str, ...] | None = None) -> None:
    """Write unified format (x z for 2D lines; resistance, rhoa, k, err, i, u, ip where present)."""
    el = data.electrodes
    threed = bool(np.any(el[:, 1] != 0))
    out = [f"{data.n_electrodes}# Number of electrodes", "# x y z" if threed else "# x z"]
    for x, y, z in el:
        out.append(f"{x:.6g}\t{y:.6g}\t{z:.6g}" if threed else f"{x:.6g}\t{z:.6g}")
    spec = [("r", "resistance_ohm"), ("rhoa", "apparent_resistivity_ohm_m"), ("k", "geometric_factor_m"),
            ("err", "error"), ("i", "current_a"), ("u", "voltage_v"), ("ip", "ip_mrad")]
    present = [(t, c) for t, c in spec if data.has(c) and (columns is None or c in columns)]
    out.append(f"{data.n_data}# Number of data")
    out.append("# a b m n " + " ".join(t for t, _ in present))
    arr = data.abmn()
    vals = [data.data[c].to_numpy(float) for _, c in present]
    for i in range(data.n_data):
        s = "\t".join(str(int(v)) for v in arr[i])
        if present:
            s += "\t" + "\t".join(f"{v[i]:.10g}" for v in vals)
        out.append(s)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(out) + "\n")
