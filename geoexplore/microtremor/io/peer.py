"""PEER strong-motion records (``.at2``, ``.vt2``, ``.dt2``; one file per component): a format plug-in of :mod:`geoexplore.microtremor.io`.

Layout (PEER NGA database): line 1 ``PEER NGA STRONG MOTION DATABASE
RECORD`` (older files: ``PEER STRONG MOTION DATABASE RECORD. PROCESSING BY
...``); line 2 ``event, date, station, component``; line 3 ``<QUANTITY> TIME
SERIES IN UNITS OF <UNITS>`` (older: ``... TIME HISTORY IN UNITS OF G``);
line 4 ``NPTS=  3000, DT=  .0200 SEC`` (older: ``3930  0.00500  NPTS, DT``);
then NPTS numbers, several per line.

The component is the last field of line 2: ``UP``/``VER``/``V``/``Z``
(vertical), ``DWN``/``DOWN`` (vertical, positive down: the sign is turned and
noted), an azimuth in degrees (``90``, ``360``, ``045``) or a SEED-like code
ending in Z/N/E. Any other component is refused. Two horizontals at azimuths
other than 0 and 90 degrees are rotated to north/east.

A PEER file holds one component: :func:`read_peer_files` takes the three files
(:func:`geoexplore.microtremor.io.read` with a list or a glob). The files state
no start time: the record's ``starttime`` is empty (noted). The quantity and
units (e.g. velocity in cm/s) must agree between the three files.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np

from geoexplore.core.errors import FileFormatError
from geoexplore.core.formats import read_head
from geoexplore.microtremor.io.assemble import assemble_record
from geoexplore.microtremor.record import Record

__all__ = ["EXTENSIONS", "NAME", "can_read", "parse_peer", "read", "read_peer_files"]

NAME = "peer"
EXTENSIONS = (".at2", ".vt2", ".dt2")

_FLOAT = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_NEW = re.compile(r"NPTS\s*=\s*(\d+)\s*,\s*DT\s*=\s*([-+\d.eE]+)\s*(SEC|S)?", re.I)
_OLD = re.compile(r"^\s*(\d+)\s+([-+\d.eE]+)\s+NPTS\s*,\s*DT", re.I)
_QUANTITY = re.compile(r"^\s*(ACCELERATION|VELOCITY|DISPLACEMENT)\s+TIME\s+(?:SERIES|HISTORY)\s+IN\s+UNITS\s+OF\s+(\S+)", re.I)


def can_read(path: str | os.PathLike[str]) -> bool:
    """True when line 1 starts with ``PEER`` and names a strong motion database record."""
    first = read_head(path, 200).split(b"\n", 1)[0].upper()
    return first.startswith(b"PEER") and b"STRONG MOTION" in first


def _component(p: str, text: str) -> tuple[str, float, float]:
    """(component letter Z or H, azimuth deg for H, sign) from the last field of line 2."""
    c = text.rsplit(",", 1)[-1].strip().upper()
    if c in ("UP", "VER", "VERT", "V", "Z", "UD"):
        return "Z", 0.0, 1.0
    if c in ("DWN", "DOWN"):
        return "Z", 0.0, -1.0
    if re.fullmatch(r"\d{1,3}(\.\d*)?", c) and float(c) <= 360:
        return "H", float(c) % 360.0, 1.0
    if re.fullmatch(r"[A-Z]{2}[ZNE]", c):
        return ("Z", 0.0, 1.0) if c[-1] == "Z" else ("H", 0.0 if c[-1] == "N" else 90.0, 1.0)
    raise FileFormatError(p, f"component {c!r} (last field of line 2) is neither vertical (UP, VER, DWN) nor an azimuth "
                             "in degrees nor a code ending in Z/N/E", position="line 2")


def parse_peer(path: str | os.PathLike[str]) -> dict:
    """Parse one PEER file.

    Returns
    -------
    dict
        ``kind`` ("Z" or "H"), ``azimuth_deg`` (horizontals, clockwise from
        north), ``quantity`` and ``units`` (line 3), ``dt_s``, ``station``
        (third field of line 2) and ``data`` (NPTS samples; a ``DWN``
        component sign-turned to up).
    """
    p = os.fspath(path)
    try:
        lines = Path(p).read_bytes().decode("latin-1").splitlines()
    except OSError as exc:
        raise FileFormatError(p, f"cannot read: {exc.strerror}") from None
    if len(lines) < 5 or not lines[0].upper().startswith("PEER"):
        raise FileFormatError(p, "not a PEER record (line 1 must start with PEER and 4 header lines precede the data)",
                              position="line 1")
    kind, az, sign = _component(p, lines[1])
    fields = [f.strip() for f in lines[1].split(",")]
    station = fields[-2] if len(fields) >= 3 else Path(p).stem
    q = _QUANTITY.match(lines[2])
    if not q:
        raise FileFormatError(p, f"line 3 does not state the quantity and units ('VELOCITY TIME SERIES IN UNITS OF CM/S'): "
                                 f"{lines[2].strip()[:60]!r}", position="line 3")
    m = _NEW.search(lines[3]) or _OLD.match(lines[3])
    if not m:
        raise FileFormatError(p, f"line 4 does not state NPTS and DT: {lines[3].strip()[:60]!r}", position="line 4")
    try:
        npts, dt = int(m.group(1)), float(m.group(2))
    except ValueError:
        raise FileFormatError(p, f"NPTS/DT not numbers: {lines[3].strip()[:60]!r}", position="line 4") from None
    if npts <= 0 or not (np.isfinite(dt) and dt > 0):
        raise FileFormatError(p, f"NPTS must be > 0 and DT > 0 s, got {npts}, {dt:g}", position="line 4")
    vals: list[float] = []
    for j, ln in enumerate(lines[4:], 5):
        toks = ln.split()
        got = _FLOAT.findall(ln)
        if "".join(toks) != "".join(got):
            raise FileFormatError(p, f"not a number in {ln.strip()[:40]!r}", position=f"line {j}")
        vals.extend(float(v) for v in got)
        if len(vals) > npts:
            raise FileFormatError(p, f"more than NPTS = {npts} samples", position=f"line {j}")
    if len(vals) < npts:
        raise FileFormatError(p, f"truncated: NPTS = {npts} but {len(vals)} samples", position=f"line {len(lines)} (end of file)")
    data = sign * np.asarray(vals, float)
    if not np.all(np.isfinite(data)):
        raise FileFormatError(p, "a sample is not finite", position=f"sample {int(np.flatnonzero(~np.isfinite(data))[0])}")
    return {"kind": kind, "azimuth_deg": az, "sign": sign, "quantity": q.group(1).lower(), "units": q.group(2).lower(),
            "dt_s": dt, "station": station, "data": data}


def read_peer_files(files: list[str], *, expected_fs_hz: float | None = None, station: str | None = None) -> Record:
    """The three PEER files of one record (one vertical, two horizontals) as a checked :class:`Record`.

    Raises
    ------
    FileFormatError
        Naming the file: not three files, not one vertical and two
        horizontals, horizontals not perpendicular, differing quantities,
        units or DT.
    """
    label = ",".join(files)
    if len(files) != 3:
        raise FileFormatError(label, f"a PEER record is three files (one per component), got {len(files)}", position="file list")
    recs = [parse_peer(f) for f in files]
    for f, r in zip(files[1:], recs[1:]):
        for key in ("quantity", "units", "dt_s"):
            if r[key] != recs[0][key]:
                raise FileFormatError(f, f"{key} {r[key]!r} differs from {recs[0][key]!r} of {files[0]}",
                                      position="line 3" if key != "dt_s" else "line 4")
    vert = [i for i, r in enumerate(recs) if r["kind"] == "Z"]
    hor = [i for i, r in enumerate(recs) if r["kind"] == "H"]
    if len(vert) != 1 or len(hor) != 2:
        raise FileFormatError(label, f"need one vertical and two horizontal components, got {len(vert)} and {len(hor)}",
                              position="line 2")
    a1, a2 = (recs[i]["azimuth_deg"] for i in hor)
    t1, t2 = np.radians(a1), np.radians(a2)
    rot = np.array([[np.cos(t1), np.sin(t1)], [np.cos(t2), np.sin(t2)]])  # sensor = rot @ (north, east)
    if abs(abs(np.linalg.det(rot)) - 1) > 0.02:
        raise FileFormatError(files[hor[1]], f"horizontals at {a1:g} and {a2:g} deg are not perpendicular", position="line 2")
    h = [recs[i]["data"] for i in hor]
    n = min(len(h[0]), len(h[1]))
    if (a1, a2) in ((0.0, 90.0), (90.0, 0.0)):  # already north and east: no arithmetic on the samples
        north, east = (h[0][:n], h[1][:n]) if a1 == 0.0 else (h[1][:n], h[0][:n])
    else:
        north, east = np.linalg.solve(rot, np.vstack([h[0][:n], h[1][:n]]))
    fs = 1.0 / recs[0]["dt_s"]
    traces = [("N", 0.0, fs, north), ("E", 0.0, fs, east), ("Z", 0.0, fs, recs[vert[0]]["data"])]
    rec = assemble_record(label, traces, station=station or recs[0]["station"], channels=None, expected_fs_hz=expected_fs_hz)
    rec.starttime = ""
    rec.channels = {"N": f"{a1:g}/{a2:g} deg", "E": f"{a1:g}/{a2:g} deg", "Z": "UP"}
    rec.notes.append(f"PEER {recs[0]['quantity']} in {recs[0]['units']}; no start time stated")
    if (a1, a2) not in ((0.0, 90.0), (90.0, 0.0)):
        rec.notes.append(f"horizontals at {a1:g} and {a2:g} deg rotated to north/east")
    if recs[vert[0]]["sign"] < 0:
        rec.notes.append("vertical recorded positive down (DWN): sign turned to up")
    return rec


def read(path: str | os.PathLike[str], **kwargs: object) -> Record:
    """A single PEER file holds one component: refused with a message saying to give the three files."""
    p = os.fspath(path)
    parse_peer(p)  # a damaged file names its own problem first
    raise FileFormatError(p, "a PEER file holds one component: give the three files of the record (a list, or a glob "
                             "such as 'RSN942_*.VT2')", position="whole file")
