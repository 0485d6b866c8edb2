"""IRIS Instruments Syscal Pro ``.binx`` (written by Prosys II/III): a format plug-in of :mod:`geoexplore.ert.io`.

Layout (little-endian, packed, no alignment), as IRIS Instruments described
it to the ResIPy authors (their parser's field list, January 2025, read for
the layout only; no code taken) and checked on the shared file against the
same survey's ``.bin`` export (every Vmn, Iab, rho, deviation and electrode
position equal; the 68 records end exactly at the end of the file):

* header: uint32 file version (4 to 6; from 4 on followed by 1 byte
  software, 3 x int16 software version), uint8 system type (before the
  software block), then length-prefixed strings (uint32 length, bytes):
  comments, common file path; uint32 number of files and number of IVZ files
  (both 0 for one survey: more surveys in one file are refused, Prosys
  "split in files"), uint32 number of data records;
* one variable-length record per quadrupole: int32 data version (1 to 15,
  which decides the optional blocks), 2 doubles times, int32 overload and
  stacks, doubles SP, **Vmn (mV)**, **Iab (mA)**, M (mV/V), M1..M20 (mV/V),
  **K (m)**, **rho (ohm m)**, **deviation of rho (%)**, deviation of M,
  Rs check (kohm); 5 float32 Tx/Rx readings; 800 int32 raw samples; the
  measure file name; Tx settings; int16 array code; stack limits; int32
  injection time, V delay, M delay (ms) and 20 int32 window lengths TM
  (ms); acquisition settings; the sequence file name; sequence numbers;
  double spacing; channel, gain, offset; then for A, B, M, N a TGeo (doubles
  **x, y, z** (m), depth, then node, geo type, UTM grid and electrode
  number, plus a south-hemisphere flag from data version 5) and a TGridGeo;
  flags (type of remote, ignore, ...), GPS position, "more measure" code,
  path indices and the Iab/Vmn file names (fixed 28 bytes in data version
  1, length-prefixed later); Cole-Cole fit; the version-dependent tail
  (level and spacing multipliers before version 9, counters, serial
  numbers, recomputed chargeabilities from version 11 ...).

What is read: electrode x, y, z (m), Vmn and Iab (R = Vmn / Iab), the file's
rho and K (rho = K R is checked on read), the deviation (stacking error),
the chargeability and the IP windows (``meta["ip_windows"]``, as for
``.bin``). What is refused rather than guessed: a non-zero electrode
``depth`` (buried electrodes: how depth and z combine is not documented), a
record flagged with a remote electrode or with a coordinate of magnitude
>= 99999 m (the ``.bin`` remote convention is not documented for ``.binx``),
file and data versions outside those described, several surveys in one file.
"""

from __future__ import annotations

import os
import struct
from typing import Any

import numpy as np

from geoexplore.core.errors import FileFormatError
from geoexplore.core.formats import read_head
from geoexplore.ert.data import ERTData, electrodes_from_positions, make_table
from geoexplore.ert.io.syscal import REMOTE_M, ip_window_table

__all__ = ["EXTENSIONS", "NAME", "can_read", "read"]

NAME = "syscal-binx"
EXTENSIONS = (".binx",)
#: file versions described (from 4 on the header carries the software version)
FILE_VERSIONS = (4, 5, 6)
#: record data versions described
DATA_VERSIONS = range(1, 16)
_MAX_STRING = 1 << 20  # a length prefix larger than this is damage, not a file name


class _Cursor:
    """Sequential little-endian reads with positioned errors."""

    def __init__(self, path: str, raw: bytes) -> None:
        self.path, self.raw, self.pos, self.where = path, raw, 0, "header"

    def take(self, fmt: str) -> tuple[Any, ...]:
        size = struct.calcsize("<" + fmt)
        if self.pos + size > len(self.raw):
            raise FileFormatError(self.path, f"truncated file: {self.where} needs {size} bytes at byte {self.pos}, "
                                             f"the file has {len(self.raw)}", position=f"{self.where} (byte {self.pos})",
                                  byte_offset=self.pos)
        out = struct.unpack_from("<" + fmt, self.raw, self.pos)
        self.pos += size
        return out

    def string(self, what: str) -> bytes:
        (n,) = self.take("I")
        if n > _MAX_STRING or self.pos + n > len(self.raw):
            raise FileFormatError(self.path, f"{self.where}: {what} length {n} runs past the end of the file",
                                  position=f"{self.where} (byte {self.pos - 4})", byte_offset=self.pos - 4)
        s = self.raw[self.pos:self.pos + n]
        self.pos += n
        return s

    def fail(self, msg: str, at: int) -> FileFormatError:
        return FileFormatError(self.path, f"{self.where}: {msg}", position=f"{self.where} (byte {at})", byte_offset=at)


def _header(c: _Cursor) -> dict[str, Any]:
    (version,) = c.take("I")
    if version not in FILE_VERSIONS:
        raise c.fail(f"file version {version} is not one described for .binx ({', '.join(map(str, FILE_VERSIONS))})", 0)
    (system,) = c.take("B")
    software = c.take("Bhhh")
    comments = c.string("comments").decode("latin-1", "replace").strip("\x00 ")
    c.string("common file path")
    n_files, n_ivz = c.take("II")
    if n_files or n_ivz:
        raise c.fail(f"holds {n_files} measurement and {n_ivz} IVZ files: several surveys in one file; "
                     "split it into one file per survey in Prosys (Split in files)", c.pos - 8)
    (n_data,) = c.take("I")
    return {"version": version, "system": system, "software": ".".join(map(str, software[1:])), "comments": comments,
            "n_data": n_data}


def _record(c: _Cursor) -> dict[str, Any]:
    start = c.pos
    (dv,) = c.take("i")
    if dv not in DATA_VERSIONS:
        raise c.fail(f"data version {dv} is not one described for .binx (1-15)", start)
    r: dict[str, Any] = {"start": start, "data_version": dv}
    c.take("ddii")  # times, overload, stacks
    _sp, r["vp_mv"], r["in_ma"], r["m_mv_v"] = c.take("dddd")
    r["mx_mv_v"] = c.take("20d")
    r["k_m"], r["rho"], r["dev_pct"], _et_m, _rs = c.take("5d")
    c.take("5f800i")
    c.string("measure file name")
    c.take("f" + ("i" if dv < 3 else "d"))
    (r["array_code"],) = c.take("h")
    c.take("iiddiii")  # stack limits, their deviations, injection time, V and M delays
    r["tm_ms"] = c.take("20i")
    c.take("BIIBBBBBBBBBIB")
    c.string("sequence file name")
    c.take("10idiiBBBdd")  # sequence numbers, spacing, channels, gain, offset
    spec = "IhIII" + ("?" if dv >= 5 else "")
    geo = [c.take("dddd" + spec)[:4] for _ in range(4)]
    r["xyz"] = [g[:3] for g in geo]
    r["depth"] = [g[3] for g in geo]
    c.take("dddd" + spec + "dd")  # grid geometry
    flags = c.take("?B?????????")
    r["remote_type"], r["ignore"] = flags[1], flags[10]
    c.take("ddhiii")  # GPS, more-measure code, path indices
    if dv == 1:
        c.take("28s28s")
    else:
        c.string("Iab file name")
        c.string("Vmn file name")
    c.take("ddd?")
    if dv < 9:
        c.take("12i")
    c.take("6i" + ("i" if dv >= 3 else ""))
    c.take("BII???IIIIIihiiii")
    if dv >= 3:
        c.take("?????I????IIIBhh")
    if 3 <= dv < 6:
        c.take("i")
    if dv >= 4:
        c.take("fHHHfBBBBB?")
    if dv >= 6:
        c.take("BBB?????")
    c.take(("i" if dv >= 7 else "") + ("iih" if dv >= 8 else "") + ("ddiq" if dv >= 10 else "")
           + ("B" if dv >= 14 else ""))
    if dv >= 11:
        _, n_assoc = c.take("BI")
        if n_assoc > 1000:
            raise c.fail(f"{n_assoc} associated results", c.pos - 4)
        c.take(f"{n_assoc}q")
    if 11 <= dv < 15:
        c.take("40d")
    if 12 <= dv < 15:
        c.take("dd")
    if dv >= 15:
        (n_re,) = c.take("I")
        if n_re > 1000:
            raise c.fail(f"{n_re} recomputed values", c.pos - 4)
        c.take("BB21d" * n_re)
    if dv >= 13 and dv != 14:
        c.take("?")
    if dv == 14:
        c.take("9s")
    return r


def can_read(path: str | os.PathLike[str]) -> bool:
    """True when the head parses as a .binx header (a described file version, consistent string lengths) and the
    first record starts with a described data version; the extension plays no part."""
    head = read_head(path, 1 << 16)
    if len(head) < 4 or int.from_bytes(head[:4], "little") not in FILE_VERSIONS:
        return False
    c = _Cursor(os.fspath(path), head)
    try:
        h = _header(c)
        (dv,) = c.take("i")
    except FileFormatError:
        return False
    return h["n_data"] > 0 and dv in DATA_VERSIONS


def read(path: str | os.PathLike[str]) -> ERTData:
    """Read a Syscal Pro ``.binx`` file (see the module docstring for what is read and refused)."""
    p = os.fspath(path)
    try:
        with open(p, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        raise FileFormatError(p, f"cannot read: {exc.strerror or exc}") from None
    c = _Cursor(p, raw)
    head = _header(c)
    if head["n_data"] == 0:
        raise c.fail("no data records", c.pos - 4)
    recs = []
    for k in range(head["n_data"]):
        c.where = f"record {k + 1}"
        recs.append(_record(c))
    if c.pos != len(raw):
        raise FileFormatError(p, f"{len(raw) - c.pos} bytes after the {head['n_data']} records the header announces",
                              position=f"byte {c.pos}", byte_offset=c.pos)
    return _to_data(p, head, recs)


def _to_data(p: str, head: dict[str, Any], recs: list[dict[str, Any]]) -> ERTData:
    n = len(recs)
    xyz = np.array([r["xyz"] for r in recs], dtype=float)  # (n, 4, 3)
    for i, r in enumerate(recs):
        at = f"record {i + 1} (byte {r['start']})"
        if not np.isfinite(xyz[i]).all():
            raise FileFormatError(p, f"record {i + 1}: non-finite electrode coordinates", position=at, byte_offset=r["start"])
        if r["remote_type"] or np.any(np.abs(xyz[i]) >= REMOTE_M):
            raise FileFormatError(p, f"record {i + 1}: a remote electrode (remote type {r['remote_type']}); how .binx "
                                     "places remote electrodes is not documented: export the survey as CSV from Prosys",
                                  position=at, byte_offset=r["start"])
        if any(d != 0 for d in r["depth"]):
            raise FileFormatError(p, f"record {i + 1}: buried electrodes (depth {max(r['depth'], key=abs):g} m); how "
                                     ".binx combines depth and z is not documented: export the survey as CSV from Prosys",
                                  position=at, byte_offset=r["start"])
    electrodes, abmn = electrodes_from_positions(xyz)
    vp = np.array([r["vp_mv"] for r in recs]) * 1e-3
    cur = np.array([r["in_ma"] for r in recs]) * 1e-3
    with np.errstate(divide="ignore", invalid="ignore"):
        res = np.where(cur != 0, vp / cur, np.nan)
    rho = np.array([r["rho"] for r in recs])
    k = np.array([r["k_m"] for r in recs])
    with np.errstate(divide="ignore", invalid="ignore"):
        bad = np.isfinite(res) & (rho != 0) & ~(np.abs(k * res / rho - 1) <= 1e-4)
    if bad.any():
        i = int(np.where(bad)[0][0])
        raise FileFormatError(p, f"record {i + 1}: rho {rho[i]:g} ohm m differs from K R = {k[i]:g} x {res[i]:g}: "
                                 "the record is damaged or its layout differs from the one described",
                              position=f"record {i + 1} (byte {recs[i]['start']})", byte_offset=recs[i]["start"])
    numbers = np.arange(1, n + 1)
    table = make_table(
        a=abmn[:, 0], b=abmn[:, 1], m=abmn[:, 2], n=abmn[:, 3], voltage_v=vp, current_a=cur, resistance_ohm=res,
        apparent_resistivity_ohm_m=rho, geometric_factor_m=k, chargeability_mv_v=np.array([r["m_mv_v"] for r in recs]),
        stacking_error=np.array([r["dev_pct"] for r in recs]) / 100.0, record=numbers,
    )
    meta: dict[str, Any] = {"format": NAME, "path": p, "instrument": "IRIS Syscal Pro", "program": head["comments"],
                            "header_version": head["version"], "ip_unit": "mV/V",
                            "data_versions": sorted({int(r["data_version"]) for r in recs})}
    ignored = [i + 1 for i, r in enumerate(recs) if r["ignore"]]
    if ignored:
        meta["ignored_records"] = ignored
    tm = np.array([r["tm_ms"] for r in recs], dtype=float)
    used = np.any(tm > 0, axis=0)
    if used.any():
        last = int(np.max(np.where(used)[0])) + 1
        mx = np.array([r["mx_mv_v"] for r in recs], dtype=float)
        meta["ip_windows"] = ip_window_table(numbers, mx[:, :last], tm[:, :last])
    return ERTData(electrodes, table, meta).fill_derived()
