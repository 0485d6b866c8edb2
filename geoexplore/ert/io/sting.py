"""AGI SuperSting/MiniSting ``.stg`` exports.

Three header lines (instrument, firmware and number of records, unit), then
one comma-separated record per measurement::

    idx, USER, date, time, V/I (ohm), error (per mille), I (mA), rho_a (ohm m), command,
    Ax, Ay, Az, Bx, By, Bz, Mx, My, Mz, Nx, Ny, Nz, [key=value ...]

Coordinates in the header's unit (metre or feet).
"""

from __future__ import annotations

import os
import re
from typing import Any

import numpy as np

from geoexplore.core.errors import FileFormatError
from geoexplore.core.formats import head_lines
from geoexplore.ert.data import ERTData, electrodes_from_positions, make_table
from geoexplore.ert.io._text import read_lines, to_float

NAME = "sting"
EXTENSIONS = (".stg",)


def can_read(path: str | os.PathLike[str]) -> bool:
    """True for a text file naming Advanced Geosciences (or Sting and records) in its first three lines."""
    head = head_lines(path)
    if head is None:
        return False
    text = "\n".join(head[:3]).lower()
    return "advanced geosciences" in text or ("sting" in text and "records" in text)


def read(path: str | os.PathLike[str]) -> ERTData:
    """Read an AGI Sting .stg file."""
    lines = read_lines(path)
    head = "\n".join(lines[:3])
    unit = 1.0
    if re.search(r"unit:\s*feet", head, re.I):
        unit = 0.3048
    m = re.search(r"records:\s*(\d+)", head, re.I)
    n_claim = int(m.group(1)) if m else None
    pts, res, err, cur, rho, recs = [], [], [], [], [], []
    for ln, s in enumerate(lines, start=1):
        if ln <= 3 or not s.strip():
            continue
        f = [x.strip() for x in s.split(",")]
        if len(f) < 21:
            raise FileFormatError(path, f"record has {len(f)} fields, expected at least 21", position=f"line {ln}")
        nums = [to_float(path, x, ln, f"field {k + 1}") for k, x in enumerate(f[9:21], start=9)]
        q = np.array(nums).reshape(4, 3) * unit
        pts.append(q)
        res.append(to_float(path, f[4], ln, "V/I"))
        err.append(to_float(path, f[5], ln, "error"))
        cur.append(to_float(path, f[6], ln, "current") * 1e-3)
        rho.append(to_float(path, f[7], ln, "apparent resistivity"))
        recs.append(ln)
    if not pts:
        raise FileFormatError(path, "no records", position="line 4")
    if n_claim is not None and n_claim != len(pts):
        raise FileFormatError(path, f"header announces {n_claim} records, file holds {len(pts)} (truncated?)",
                              position=f"line {len(lines)}")
    electrodes, abmn = electrodes_from_positions(np.array(pts))
    r = np.array(res)
    i = np.array(cur)
    table = make_table(a=abmn[:, 0], b=abmn[:, 1], m=abmn[:, 2], n=abmn[:, 3], resistance_ohm=r, current_a=i,
                       voltage_v=r * i, apparent_resistivity_ohm_m=np.array(rho),
                       stacking_error=np.array(err) / 1000.0, record=np.array(recs))
    meta: dict[str, Any] = {"format": "sting", "path": os.fspath(path), "instrument": lines[0].strip()[:120]}
    return ERTData(electrodes, table, meta).fill_derived()
