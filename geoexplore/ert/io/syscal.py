"""IRIS Instruments Syscal: binary (.bin, Prosys III export) and CSV/TXT exports.

Binary layout (little-endian; the first 88 bytes of a record worked out
from a file and its CSV export, no vendor code used): a 1029-byte header,
then one record per quadrupole (see the record layout below the table):

======  =======  =========================================================
offset  type     field
======  =======  =========================================================
0       int16    array code
4       float32  injection time (ms)
8       float32  IP delay (ms)
16      4 x f32  x of A, B, M, N (m)
32      4 x f32  y of A, B, M, N (m)
48      4 x f32  z of A, B, M, N (m)
64      float32  self potential (mV)
68      float32  Vmn (mV)
72      float32  current (mA)
76      float32  apparent resistivity (ohm m)
80      float32  chargeability M (mV/V)
84      float32  standard deviation of the stacks (%)
272     float32  number of stacks
======  =======  =========================================================

Remote electrodes carry coordinates of magnitude >= 99999 m.

Text exports: a header row naming the columns (Prosys II/III names such
as ``xA (m)`` or ``xA(m)`` -- blanks in names are ignored --, ``VMN (mV)``, ``IAB (mA)``, ``Dev. Rho (%)`` or the older
``Spa.1 .. Spa.4``, ``Vp``, ``In``, ``Dev.``), comma-, semicolon- or
tab-separated. IP decay windows ``M1 (mV/V)`` ... with their lengths
``TM1 (ms)`` ... are kept in ``meta["ip_windows"]`` (one row per record).

Binary layout (both versions of the record, from the file and the Syscal
record description read in ResIPy's and reda's documentation): the header
version word (high bit set, 1 to 3; version 3 is followed by a 64000 x 3
float32 Cole-Cole table), 1 byte system type and 1024 bytes of text (the
exporting program or a firmware message -- not used to recognise the file);
each record has 280 bytes -- the 88 above, then 20 float32 window lengths
(ms) and 20 float32 window chargeabilities (mV/V) at 88 and 168, channel,
flags, quadrupole number, name, GPS, stacks -- followed by 16 bytes
(batteries, temperature) when the int16 at offset 2 is 2 and 24 bytes (also
a date) when it is 3.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pandas as pd

from geoexplore.core.errors import FileFormatError
from geoexplore.core.formats import head_lines, read_head
from geoexplore.ert.data import ERTData, electrodes_from_positions, make_table
from geoexplore.ert.io._text import read_lines

HEADER_BYTES = 1029
RECORD_BYTES = 280
#: bytes appended to a record by its "more measures" code (offset 2): 2 -> Tx/Rx batteries, temperature; 3 -> also a date
EXTRA_BYTES = {0: 0, 1: 0, 2: 16, 3: 24}
#: header version with a Cole-Cole table (64000 x 3 float32) after the header
VERSION_COLE = 0x80000003
COLE_BYTES = 64000 * 3 * 4
REMOTE_M = 99999.0
_REC = np.dtype([
    ("code", "<i2"), ("more", "<i2"), ("time_ms", "<f4"), ("delay_ms", "<f4"), ("kind", "<i2"), ("ignore", "<i2"),
    ("x", "<f4", 4), ("y", "<f4", 4), ("z", "<f4", 4), ("sp_mv", "<f4"), ("vp_mv", "<f4"), ("in_ma", "<f4"),
    ("rho", "<f4"), ("m_mv_v", "<f4"), ("dev_pct", "<f4"), ("tm_ms", "<f4", 20), ("mx_mv_v", "<f4", 20), ("rest", "V32"),
])
assert _REC.itemsize == RECORD_BYTES


def _version(raw: bytes) -> int | None:
    """The header version word when it is one the Syscal programs write (high bit set, 1 to 3), else None."""
    if len(raw) < 4:
        return None
    v = int.from_bytes(raw[:4], "little")
    return v if (v >> 31) == 1 and (v & 0x7FFFFFFF) in (1, 2, 3) else None


def _offsets(path: str | os.PathLike[str], raw: bytes, start: int) -> list[int]:
    """Start of every record: 280 bytes plus the extra block named by its "more measures" code."""
    offs, pos = [], start
    while pos < len(raw):
        if pos + RECORD_BYTES > len(raw):
            k = len(offs) + 1
            raise FileFormatError(path, f"truncated file: record {k} has {len(raw) - pos} of {RECORD_BYTES} bytes",
                                  position=f"record {k} (byte {pos})", byte_offset=pos)
        more = int.from_bytes(raw[pos + 2:pos + 4], "little", signed=True)
        if more not in EXTRA_BYTES:
            raise FileFormatError(path, f"record {len(offs) + 1}: unknown record type {more}",
                                  position=f"record {len(offs) + 1} (byte {pos + 2})", byte_offset=pos + 2)
        offs.append(pos)
        pos += RECORD_BYTES + EXTRA_BYTES[more]
        if pos > len(raw):
            raise FileFormatError(path, f"truncated file: record {len(offs)} lacks its {EXTRA_BYTES[more]}-byte extension",
                                  position=f"record {len(offs)} (byte {offs[-1]})", byte_offset=len(raw))
    return offs


def can_read_binary(path: str | os.PathLike[str]) -> bool:
    """True for a Syscal binary: the version word of the Syscal programs, a NUL-padded header text, and (when
    present) a first record of a known type; a truncated file still counts, so that reading it says where it ends.

    The header text (``export Prosys III``, ``Unknown system, try a lower speed rate`` ...) varies with the
    firmware and plays no part.
    """
    head = read_head(path, HEADER_BYTES + 4)
    v = _version(head)
    if v is None or len(head) < 64 or b"\x00" not in head[5:HEADER_BYTES]:
        return False
    if v != VERSION_COLE and len(head) >= HEADER_BYTES + 4:
        return int.from_bytes(head[HEADER_BYTES + 2:HEADER_BYTES + 4], "little", signed=True) in EXTRA_BYTES
    return True


def read_binary(path: str | os.PathLike[str]) -> ERTData:
    """Read a Syscal binary (.bin) file of any firmware header text; IP windows go to ``meta["ip_windows"]``."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        raise FileFormatError(path, f"cannot read: {exc.strerror or exc}") from None
    v = _version(raw)
    if v is None:
        raise FileFormatError(path, "not a Syscal binary (unknown header version word)", byte_offset=0)
    start = HEADER_BYTES + (COLE_BYTES if v == VERSION_COLE else 0)
    if len(raw) < start:
        raise FileFormatError(path, f"truncated header: {len(raw)} of {start} bytes", byte_offset=len(raw))
    offs = _offsets(path, raw, start)
    n = len(offs)
    if n == 0:
        raise FileFormatError(path, "no data records after the header", byte_offset=start)
    rec = np.concatenate([np.frombuffer(raw, dtype=_REC, count=1, offset=o) for o in offs])
    xyz = np.stack([rec["x"], rec["y"], rec["z"]], axis=-1).astype(float)  # (n, 4, 3)
    bad = ~np.isfinite(xyz).all(axis=(1, 2))
    if bad.any():
        i = int(np.where(bad)[0][0])
        raise FileFormatError(path, f"record {i + 1}: non-finite electrode coordinates",
                              position=f"record {i + 1} (byte {offs[i] + 16})")
    remote = np.any(np.abs(xyz) >= REMOTE_M, axis=-1)
    xyz[remote] = np.nan
    electrodes, abmn = electrodes_from_positions(xyz)
    vp = rec["vp_mv"].astype(float) * 1e-3
    cur = rec["in_ma"].astype(float) * 1e-3
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(cur != 0, vp / cur, np.nan)
    recs = np.arange(1, n + 1)
    table = make_table(
        a=abmn[:, 0], b=abmn[:, 1], m=abmn[:, 2], n=abmn[:, 3], voltage_v=vp, current_a=cur, resistance_ohm=r,
        apparent_resistivity_ohm_m=rec["rho"].astype(float), chargeability_mv_v=rec["m_mv_v"].astype(float),
        stacking_error=rec["dev_pct"].astype(float) / 100.0, record=recs,
    )
    meta: dict[str, Any] = {"format": "syscal-bin", "path": os.fspath(path), "instrument": "IRIS Syscal",
                            "program": raw[5:HEADER_BYTES].split(b"\x00")[0].decode("latin-1", "replace").strip(),
                            "header_version": hex(v), "ip_unit": "mV/V"}
    tm = rec["tm_ms"].astype(float)
    used = np.any(tm > 0, axis=0)
    if used.any():
        k = int(np.max(np.where(used)[0])) + 1
        meta["ip_windows"] = ip_window_table(recs, rec["mx_mv_v"][:, :k].astype(float), tm[:, :k])
    return ERTData(electrodes, table, meta).fill_derived()


def ip_window_table(records: np.ndarray, m: np.ndarray, tm: np.ndarray) -> pd.DataFrame:
    """IP decay windows as a table: ``record``, ``M1_mv_v`` ... (chargeability), ``TM1_ms`` ... (window lengths)."""
    cols: dict[str, Any] = {"record": np.asarray(records)}
    for j in range(m.shape[1]):
        cols[f"M{j + 1}_mv_v"] = m[:, j]
    for j in range(tm.shape[1]):
        cols[f"TM{j + 1}_ms"] = tm[:, j]
    return pd.DataFrame(cols)


# -- text exports -------------------------------------------------------------------
def _norm(name: str) -> str:
    """Lower case without blanks: Prosys writes ``xA (m)`` or ``xA(m)`` depending on the version."""
    s = name.strip().lower().replace("\ufffd", "o").replace("°", "o").replace("º", "o")
    return re.sub(r"\s+", "", s)


_ALIASES: dict[str, tuple[str, ...]] = {
    "xa": ("xa (m)", "spa.1", "xa"), "xb": ("xb (m)", "spa.2", "xb"), "xm": ("xm (m)", "spa.3", "xm"),
    "xn": ("xn (m)", "spa.4", "xn"),
    "ya": ("ya (m)",), "yb": ("yb (m)",), "ym": ("ym (m)",), "yn": ("yn (m)",),
    "za": ("za (m)",), "zb": ("zb (m)",), "zm": ("zm (m)",), "zn": ("zn (m)",),
    "rho": ("rho (ohm.m)", "rho", "rho (ohm-m)"), "dev": ("dev. rho (%)", "dev.", "dev. (%)", "dev"),
    "vmn": ("vmn (mv)", "vp", "vp (mv)"), "iab": ("iab (ma)", "in", "in (ma)"),
    "m": ("m (mv/v)", "m", "m (mv/v) "), "k": ("coef. k (m)",),
    "ea": ("no electrode a", "n electrode a"), "eb": ("no electrode b", "n electrode b"),
    "em": ("no electrode m", "n electrode m"), "en": ("no electrode n", "n electrode n"),
}


def can_read_text(path: str | os.PathLike[str]) -> bool:
    """True for a text file whose first three lines name electrode (El-array or Spa.1) and Rho columns."""
    head = head_lines(path)
    if head is None:
        return False
    first = " ".join(head[:3]).lower()
    return ("el-array" in first or "spa.1" in first) and ("rho" in first)


def read_text(path: str | os.PathLike[str]) -> ERTData:
    """Read a Syscal CSV/TXT export (Prosys II/III)."""
    lines = read_lines(path)
    hi = next((i for i, ln in enumerate(lines) if "rho" in ln.lower() and ("xa" in ln.lower() or "spa.1" in ln.lower())), None)
    if hi is None:
        raise FileFormatError(path, "no Syscal header row (with Rho and xA or Spa.1 columns)", position="line 1")
    sample = lines[hi]
    delim = "\t" if sample.count("\t") > sample.count(",") else (";" if sample.count(";") > sample.count(",") else ",")
    reader = csv.reader(io.StringIO("\n".join(lines[hi:])), delimiter=delim)
    try:
        rows = [r for r in reader]
    except csv.Error as exc:  # e.g. an unclosed quote swallowing the rest of the file into one field
        raise FileFormatError(path, f"not a readable delimited table: {exc}", position=f"line {hi + reader.line_num}") from None
    header = [_norm(h) for h in rows[0]]
    col: dict[str, int] = {}
    for key, names in _ALIASES.items():
        for nm in names:
            if _norm(nm) in header:
                col[key] = header.index(_norm(nm))
                break
    missing = [k for k in ("xa", "xb", "xm", "xn") if k not in col]
    if missing or not ({"rho"} <= set(col) or {"vmn", "iab"} <= set(col)):
        raise FileFormatError(path, f"Syscal header lacks columns {missing or ['Rho or VMN/IAB']}",
                              position=f"line {hi + 1}")
    body = [(hi + 2 + k, r) for k, r in enumerate(rows[1:]) if any(c.strip() for c in r)]
    n = len(body)
    if n == 0:
        raise FileFormatError(path, "no data rows", position=f"line {hi + 2}")

    def num(key: str, scale: float = 1.0) -> np.ndarray:
        if key not in col:
            return np.full(n, np.nan)
        j = col[key]
        out = np.empty(n)
        for i, (ln, r) in enumerate(body):
            if j >= len(r):
                raise FileFormatError(path, f"row has {len(r)} fields, column {rows[0][j]!r} missing", position=f"line {ln}")
            s = r[j].strip().replace(",", ".") if delim != "," else r[j].strip()
            try:
                out[i] = float(s) * scale if s else np.nan
            except ValueError:
                raise FileFormatError(path, f"column {rows[0][j].strip()!r}: expected a number, got {s!r}",
                                      position=f"line {ln}") from None
        return out

    xyz = np.zeros((n, 4, 3))
    for k, e in enumerate("abmn"):
        xyz[:, k, 0] = num(f"x{e}")
        xyz[:, k, 1] = np.nan_to_num(num(f"y{e}"))
        xyz[:, k, 2] = np.nan_to_num(num(f"z{e}"))
    remote = np.any(np.abs(xyz) >= REMOTE_M, axis=-1) | np.isnan(xyz[:, :, 0])
    xyz[remote] = np.nan
    electrodes, abmn = electrodes_from_positions(xyz)
    vp, cur = num("vmn", 1e-3), num("iab", 1e-3)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(np.isfinite(cur) & (cur != 0), vp / cur, np.nan)
    table = make_table(
        a=abmn[:, 0], b=abmn[:, 1], m=abmn[:, 2], n=abmn[:, 3], voltage_v=vp, current_a=cur, resistance_ohm=r,
        apparent_resistivity_ohm_m=num("rho"), chargeability_mv_v=num("m"), stacking_error=num("dev", 0.01),
        record=np.array([ln for ln, _ in body]),
    )
    meta: dict[str, Any] = {"format": "syscal-text", "path": os.fspath(path), "instrument": "IRIS Syscal",
                            "ip_unit": "mV/V"}
    win = sorted(int(m.group(1)) for h in header for m in [re.fullmatch(r"m(\d+)\(mv/v\)", h)] if m)
    if win:
        for j in win:
            col[f"m{j}"] = header.index(f"m{j}(mv/v)")
            if f"tm{j}(ms)" in header:
                col[f"tm{j}"] = header.index(f"tm{j}(ms)")
        meta["ip_windows"] = ip_window_table(table["record"].to_numpy(), np.column_stack([num(f"m{j}") for j in win]),
                                             np.column_stack([num(f"tm{j}") for j in win]))
    return ERTData(electrodes, table, meta).fill_derived()


# -- the two format plug-ins of this module --------------------------------------------
@dataclass(frozen=True)
class SyscalFormat:
    """One Syscal format as a plug-in of :data:`geoexplore.ert.io.REGISTRY`."""

    NAME: str
    EXTENSIONS: tuple[str, ...]
    can_read: Callable[[str | os.PathLike[str]], bool]
    read: Callable[[str | os.PathLike[str]], ERTData]


#: Syscal binary (.bin, Prosys III export)
BINARY = SyscalFormat("syscal-bin", (".bin",), can_read_binary, read_binary)
#: Syscal CSV/TXT exports (Prosys II/III)
TEXT = SyscalFormat("syscal-text", (".csv", ".txt"), can_read_text, read_text)
