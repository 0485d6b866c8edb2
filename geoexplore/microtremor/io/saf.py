"""SESAME ASCII data format (SAF, Geopsy): own parser and writer; a format plug-in of :mod:`geoexplore.microtremor.io`.

Layout: a first line ``SESAME ASCII data format (saf) v. 1``, ``KEY = value``
header lines (``SAMP_FREQ``, ``NDAT``, ``START_TIME``, ``NORTH_ROT``,
``CHn_ID``, ...), a ``####`` line, then NDAT rows of three numbers (V N E by
default, as the SESAME format defines; ``CHn_ID`` gives another order).
``NORTH_ROT`` (degrees clockwise from north) is the azimuth of the
N column: the reader rotates the horizontals to north/east.

Variants written by other programs are read: comment lines (``#``) and
unknown keys in the header, a rate with decimals (``SAMP_FREQ = 100.000``),
NDAT with leading zeros, START_TIME in the forms of :func:`_saf_start_time`,
channel ids ``V/Z/U/UD/UP``, ``N/NS``, ``E/EW`` (any case).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import numpy as np

from geoexplore.core.errors import FileFormatError
from geoexplore.core.formats import object_and_path, read_head
from geoexplore.microtremor.io.assemble import assemble_record, rotate_to_north
from geoexplore.microtremor.record import Record

__all__ = ["NAME", "EXTENSIONS", "can_read", "read", "read_saf", "write", "write_saf"]

NAME = "saf"
EXTENSIONS = (".saf",)
# -- SAF ------------------------------------------------------------------------
_SAF_MAGIC = "SESAME ASCII data format"


def read_saf(path: str | os.PathLike[str]) -> dict:
    """Parse a SESAME ASCII format (SAF) file.

    Returns a dict with ``header`` (key -> str), ``fs_hz``, ``starttime``
    (normalised to 'YYYY MM DD hh mm ss.ssssss', see :func:`_saf_start_time`),
    ``north_rot_deg`` (NORTH_ROT: azimuth of the N column, degrees clockwise
    from north; 0 when absent), ``station``, ``channels`` (ids in column
    order) and ``data`` (ncol, nsamp).
    """
    p = os.fspath(path)
    try:
        raw = Path(p).read_bytes()
    except OSError as exc:
        raise FileFormatError(p, f"cannot read: {exc.strerror}") from None
    text = raw.decode("latin-1")
    lines = text.splitlines()
    if not lines or _SAF_MAGIC.lower() not in lines[0].lower():
        raise FileFormatError(p, f"not a SAF file (first line must start with '{_SAF_MAGIC}')", position="line 1")
    header: dict[str, str] = {}
    key_line: dict[str, int] = {}
    k = 1
    while k < len(lines) and not lines[k].lstrip().startswith("####"):
        line = lines[k]
        if "=" in line:
            key, val = line.split("=", 1)
            header[key.strip().upper()] = val.strip()
            key_line[key.strip().upper()] = k + 1
        k += 1
    if k >= len(lines):
        raise FileFormatError(p, "no '####' line ending the header", position=f"line {len(lines)}")
    for key in ("SAMP_FREQ", "NDAT"):
        if key not in header:
            raise FileFormatError(p, f"header key {key} missing", position="header")
    try:
        fs = float(header["SAMP_FREQ"])
        ndat = int(float(header["NDAT"]))
    except ValueError:
        raise FileFormatError(p, f"SAMP_FREQ/NDAT not numbers: {header['SAMP_FREQ']!r}, {header['NDAT']!r}", position="header") from None
    if not fs > 0 or ndat <= 0:
        raise FileFormatError(p, f"SAMP_FREQ must be > 0 and NDAT > 0, got {fs}, {ndat}", position="header")
    chans = [_saf_channel(p, header.get(f"CH{i}_ID", c), key_line.get(f"CH{i}_ID", 0)) for i, c in enumerate(("V", "N", "E"))]
    if len(set(chans)) != 3:
        raise FileFormatError(p, f"CH0_ID..CH2_ID name a component twice: {chans}", position="header")
    body = lines[k + 1:]
    if len(body) < ndat:
        raise FileFormatError(p, f"NDAT = {ndat} but only {len(body)} data lines", position=f"line {len(lines)}")
    body = body[:ndat]
    try:
        arr = np.loadtxt(body, dtype=float, ndmin=2)
    except ValueError:
        for j, line in enumerate(body):
            try:
                v = [float(t) for t in line.split()]
                if len(v) != 3:
                    raise ValueError
            except ValueError:
                raise FileFormatError(p, f"data line is not 3 numbers: {line.strip()[:40]!r}", position=f"line {k + 2 + j}") from None
        raise FileFormatError(p, "bad data block", position=f"line {k + 2}") from None
    if arr.shape[1] != 3:
        raise FileFormatError(p, f"expected 3 data columns, got {arr.shape[1]}", position=f"line {k + 2}")
    st = _saf_start_time(p, header.get("START_TIME", ""), key_line.get("START_TIME", 0))
    north_rot = 0.0
    if header.get("NORTH_ROT", "").strip():
        try:
            north_rot = float(header["NORTH_ROT"].split()[0])
        except ValueError:
            raise FileFormatError(p, f"NORTH_ROT not a number of degrees: {header['NORTH_ROT']!r}",
                                  position=f"line {key_line['NORTH_ROT']}") from None
    return {"header": header, "north_rot_deg": north_rot, "fs_hz": fs, "starttime": st, "station": header.get("STA_CODE", Path(p).stem), "channels": chans, "data": arr.T}


_SAF_IDS = {"V": "Z", "Z": "Z", "U": "Z", "UD": "Z", "UP": "Z", "VERT": "Z", "N": "N", "NS": "N", "E": "E", "EW": "E"}


def _saf_channel(path: str, cid: str, line: int) -> str:
    """The component (Z, N, E) of a SAF channel id; refused when it names none."""
    c = _SAF_IDS.get(cid.strip().upper())
    if c is None:
        raise FileFormatError(path, f"channel id {cid!r} is not a component (V/Z/UD, N/NS, E/EW)",
                              position=f"line {line}" if line else "header")
    return c


_MONTHS = {m: i + 1 for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))}


def _saf_start_time(path: str, text: str, line: int) -> str:
    """START_TIME in the SAF layout 'YYYY MM DD hh mm ss.ssssss' from the variants Geopsy and SESAME files use.

    Accepted: 'YYYY MM DD hh mm ss.sss' (any of space - / : T as
    separators, ISO 8601 with a trailing Z), 'DDMonYYYY_hhmmss[.sss]'
    (e.g. '20May2019_131046'), 'YYYYMMDD[_T]hhmmss[.sss]'. Anything else is
    a :class:`FileFormatError` at the header line.
    """
    t = text.strip()
    if not t:
        return ""
    m = re.fullmatch(r"(\d{1,2})([A-Za-z]{3})(\d{4})[_T\s-]?(\d{2})(\d{2})(\d{2}(?:\.\d*)?)", t)
    if m and m.group(2).lower() in _MONTHS:
        v = [m.group(3), str(_MONTHS[m.group(2).lower()]), m.group(1), m.group(4), m.group(5), m.group(6)]
    elif m2 := re.fullmatch(r"(\d{4})(\d{2})(\d{2})[_T\s-]?(\d{2})(\d{2})(\d{2}(?:\.\d*)?)", t):
        v = list(m2.groups())
    else:
        v = re.split(r"[\sT:/_-]+", t.rstrip("Zz"))
    try:
        y, mo, d, h, mi = (int(x) for x in v[:5])
        sec = float(v[5]) if len(v) > 5 else 0.0
        if len(v) > 6 or not 0.0 <= sec < 61.0:
            raise ValueError
        from datetime import datetime

        datetime(y, mo, d, h, mi)  # validates the calendar values
    except (ValueError, IndexError, OverflowError):
        raise FileFormatError(path, f"START_TIME not understood: {text!r} (expected 'YYYY MM DD hh mm ss.sss', "
                              "'20May2019_131046' or ISO 8601)", position=f"line {line}" if line else "header") from None
    return f"{y:04d} {mo:02d} {d:02d} {h:02d} {mi:02d} {sec:09.6f}"


def write_saf(record: Record, path: str | os.PathLike[str], units: str = "counts", north_rot_deg: float = 0.0) -> Path:
    """Write a :class:`Record` as SAF (columns V N E); ``north_rot_deg`` (degrees) is written as NORTH_ROT (the data are not rotated).

    The old order ``write_saf(path, record)`` still works for one release (DeprecationWarning).
    """
    record, path = object_and_path(record, path, "write_saf")
    p = Path(path)
    head = [
        f"{_SAF_MAGIC} (saf) v. 1   (this line must not be modified)",
        f"STA_CODE = {record.station}",
        f"START_TIME = {_saf_start_time(str(p), record.starttime, 0) if record.starttime else '1970 01 01 00 00 00.000'}",
        f"NORTH_ROT = {north_rot_deg:g}",
        f"SAMP_FREQ = {record.fs_hz:g}",
        f"NDAT = {record.n_samples}",
        "CH0_ID = V", "CH1_ID = N", "CH2_ID = E", f"UNITS = {units}",
        "####--------------------------------------------",
    ]
    d = record.data[[2, 0, 1]].T
    body = "\n".join(" ".join(f"{v:.7g}" for v in row) for row in d)
    p.write_text("\n".join(head) + "\n" + body + "\n")
    return p



def can_read(path: str | os.PathLike[str]) -> bool:
    """True if the file starts with the SAF magic line."""
    return read_head(path, 64).lower().startswith(_SAF_MAGIC.lower().encode())


def read(path: str | os.PathLike[str], *, channels: dict[str, str] | None = None, expected_fs_hz: float | None = None,
         station: str | None = None) -> Record:
    """A SAF file as a checked :class:`Record`, horizontals rotated to north/east by NORTH_ROT."""
    p = os.fspath(path)
    saf = read_saf(p)
    traces = [(cid, _saf_epoch(p, saf["starttime"]), saf["fs_hz"], saf["data"][i]) for i, cid in enumerate(saf["channels"])]
    rec = assemble_record(p, traces, station=station or saf["station"], channels=channels, expected_fs_hz=expected_fs_hz)
    return rotate_to_north(rec, saf["north_rot_deg"])


def write(record: Record, path: str | os.PathLike[str], **kwargs: Any) -> Path:
    """The plug-in's writer: :func:`write_saf`."""
    return write_saf(record, path, **kwargs)


def _saf_epoch(path: str, text: str) -> float:
    """START_TIME as epoch seconds: SAF's 'YYYY MM DD hh mm ss.sss' or ISO 8601 (what a Record's starttime holds)."""
    if not text:
        return 0.0
    from datetime import datetime, timezone

    v = re.split(r"[\sT:/-]+", text.strip().rstrip("Zz"))
    try:
        y, mo, d, h, mi = (int(x) for x in v[:5])
        s = float(v[5]) if len(v) > 5 else 0.0
        if not 0.0 <= s < 61.0:
            raise ValueError(s)
        return datetime(y, mo, d, h, mi, tzinfo=timezone.utc).timestamp() + s
    except (ValueError, IndexError, OverflowError):
        raise FileFormatError(path, f"START_TIME not 'YYYY MM DD hh mm ss.sss' or ISO 8601: {text!r}",
                              position="header key START_TIME") from None
