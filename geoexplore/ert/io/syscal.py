"""IRIS Instruments Syscal: binary (.bin, Prosys III export) and CSV/TXT exports.

Binary layout (little-endian, as written by Prosys III; worked out from a
file and its CSV export, no vendor code used): a 1029-byte header (uint32
version word, then the exporting program's name as text), then fixed
304-byte records, one per quadrupole:

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
as ``xA (m)``, ``VMN (mV)``, ``IAB (mA)``, ``Dev. Rho (%)`` or the older
``Spa.1 .. Spa.4``, ``Vp``, ``In``, ``Dev.``), comma-, semicolon- or
tab-separated.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from geoexplore.core.errors import FileFormatError
from geoexplore.core.formats import head_lines, read_head
from geoexplore.ert.data import ERTData, electrodes_from_positions, make_table
from geoexplore.ert.io._text import read_lines

HEADER_BYTES = 1029
RECORD_BYTES = 304
REMOTE_M = 99999.0
_REC = np.dtype([
    ("code", "<i2"), ("moment", "<i2"), ("time_ms", "<f4"), ("delay_ms", "<f4"), ("kind", "<i4"),
    ("x", "<f4", 4), ("y", "<f4", 4), ("z", "<f4", 4), ("sp_mv", "<f4"), ("vp_mv", "<f4"), ("in_ma", "<f4"),
    ("rho", "<f4"), ("m_mv_v", "<f4"), ("dev_pct", "<f4"), ("rest1", "V184"), ("stack", "<f4"), ("rest2", "V28"),
])
assert _REC.itemsize == RECORD_BYTES


def can_read_binary(path: str | os.PathLike[str]) -> bool:
    """True for a Prosys binary export (the program name in the first 64 bytes)."""
    head = read_head(path, 64)
    return len(head) >= 24 and b"Prosys" in head[:64]


def read_binary(path: str | os.PathLike[str]) -> ERTData:
    """Read a Syscal binary (.bin) file."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        raise FileFormatError(path, f"cannot read: {exc.strerror or exc}") from None
    if len(raw) < HEADER_BYTES:
        raise FileFormatError(path, f"truncated header: {len(raw)} of {HEADER_BYTES} bytes", byte_offset=len(raw))
    if b"Prosys" not in raw[:64]:
        raise FileFormatError(path, "not a Syscal/Prosys binary export (no 'Prosys' signature)", byte_offset=4)
    body = len(raw) - HEADER_BYTES
    n, rest = divmod(body, RECORD_BYTES)
    if rest:
        off = HEADER_BYTES + n * RECORD_BYTES
        raise FileFormatError(
            path, f"truncated file: record {n + 1} has {rest} of {RECORD_BYTES} bytes",
            position=f"record {n + 1} (byte {off})", byte_offset=off)
    if n == 0:
        raise FileFormatError(path, "no data records after the header", byte_offset=HEADER_BYTES)
    rec = np.frombuffer(raw, dtype=_REC, count=n, offset=HEADER_BYTES)
    xyz = np.stack([rec["x"], rec["y"], rec["z"]], axis=-1).astype(float)  # (n, 4, 3)
    bad = ~np.isfinite(xyz).all(axis=(1, 2))
    if bad.any():
        i = int(np.where(bad)[0][0])
        raise FileFormatError(path, f"record {i + 1}: non-finite electrode coordinates",
                              position=f"record {i + 1} (byte {HEADER_BYTES + i * RECORD_BYTES + 16})")
    remote = np.any(np.abs(xyz) >= REMOTE_M, axis=-1)
    xyz[remote] = np.nan
    electrodes, abmn = electrodes_from_positions(xyz)
    vp = rec["vp_mv"].astype(float) * 1e-3
    cur = rec["in_ma"].astype(float) * 1e-3
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(cur != 0, vp / cur, np.nan)
    table = make_table(
        a=abmn[:, 0], b=abmn[:, 1], m=abmn[:, 2], n=abmn[:, 3], voltage_v=vp, current_a=cur, resistance_ohm=r,
        apparent_resistivity_ohm_m=rec["rho"].astype(float), chargeability_mv_v=rec["m_mv_v"].astype(float),
        stacking_error=rec["dev_pct"].astype(float) / 100.0, record=np.arange(1, n + 1),
    )
    meta: dict[str, Any] = {"format": "syscal-bin", "path": os.fspath(path), "instrument": "IRIS Syscal",
                            "program": raw[5:64].split(b"\x00")[0].decode("latin-1", "replace").strip(),
                            "ip_unit": "mV/V"}
    return ERTData(electrodes, table, meta).fill_derived()


# -- text exports -------------------------------------------------------------------
def _norm(name: str) -> str:
    s = name.strip().lower().replace("\ufffd", "o").replace("°", "o").replace("º", "o")
    return re.sub(r"\s+", " ", s)


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
    rows = [r for r in reader]
    header = [_norm(h) for h in rows[0]]
    col: dict[str, int] = {}
    for key, names in _ALIASES.items():
        for nm in names:
            if nm in header:
                col[key] = header.index(nm)
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
