"""ABEM Lund Imaging System / ERIC exports (``.ohm``, not the pyGIMLi format).

Layout (one or more protocol blocks after a five-line header)::

    <profile comment>
    0        { first station coordinate }
    2019-11-22 13:06:38   ver. 2.12
    4        { electrode take-out spacing }
    1        { no. of protocol files used }
    DIPDIP2X16 5          protocol name, array code
    DIPDIPL2X16.ORG       protocol file
    431 1                 number of data, measured quantity (1 = resistance)
    0                     (reserved)
    2019-11-22 13:06:48   ver. 2.12
    -62 -58 58 54 2.33000E-2 0.0 1 1     C1 C2 P1 P2 (m from the station) R [IP] ...

Positions are metres relative to the first station coordinate along the
line; the value column is the transfer resistance (ohm) for quantity 1 and
apparent resistivity for quantity 0.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from geoexplore.core.errors import FileFormatError
from geoexplore.core.formats import head_lines
from geoexplore.ert.data import ERTData, electrodes_from_positions, make_table
from geoexplore.ert.io._text import is_number, read_lines, to_float, to_int, tokens

NAME = "abem-lund"
EXTENSIONS = (".ohm",)


def can_read(path: str | os.PathLike[str]) -> bool:
    """True for a text file with the Lund header (first station coordinate, take-out spacing) in its first 8 lines."""
    head = head_lines(path)
    if head is None:
        return False
    text = "\n".join(head[:8]).lower()
    return "first station coordinate" in text or ("take-out spacing" in text and "protocol" in text)


def read(path: str | os.PathLike[str]) -> ERTData:
    """Read an ABEM Lund (ERIC) export."""
    lines = read_lines(path)

    def val(ln: int, what: str) -> float:
        if ln > len(lines):
            raise FileFormatError(path, f"unexpected end of file, expected the {what}", position=f"line {ln}")
        s = lines[ln - 1].split("{")[0]
        t = tokens(s)
        if not t:
            raise FileFormatError(path, f"expected the {what}", position=f"line {ln}")
        return to_float(path, t[0], ln, what)

    # header lines: find "first station coordinate"
    i0 = next((k for k, ln in enumerate(lines[:10]) if "first station" in ln.lower()), 1)
    station = val(i0 + 1, "first station coordinate")
    spacing = val(i0 + 3, "electrode take-out spacing")
    nprot_f = val(i0 + 4, "number of protocol files")
    if not (1 <= nprot_f <= 1000) or nprot_f != int(nprot_f):  # also refuses NaN and inf
        raise FileFormatError(path, f"implausible number of protocol files {nprot_f:g}", position=f"line {i0 + 5}")
    nprot = int(nprot_f)
    ln = i0 + 5  # 1-based line number of the next line to read
    pts: list[np.ndarray] = []
    vals: list[float] = []
    ips: list[float] = []
    recs: list[int] = []
    protocols: list[str] = []
    quantity = 1
    for p in range(nprot):
        if ln > len(lines):
            raise FileFormatError(path, f"protocol block {p + 1} missing", position=f"line {ln}")
        protocols.append(lines[ln - 1].strip())
        ln += 2  # name + array code, protocol file
        t = tokens(lines[ln - 1]) if ln <= len(lines) else []
        if len(t) < 1 or not is_number(t[0]):
            raise FileFormatError(path, f"protocol block {p + 1}: expected the number of data", position=f"line {ln}")
        nd = to_int(path, t[0], ln, "number of data")
        quantity = to_int(path, t[1], ln, "measured quantity") if len(t) > 1 else 1
        if nd < 0 or nd > len(lines):
            raise FileFormatError(path, f"number of data {nd} does not fit the file", position=f"line {ln}")
        ln += 3  # count line, reserved line, date line
        got = 0
        while got < nd:
            if ln > len(lines):
                raise FileFormatError(path, f"protocol block {p + 1}: file ends after {got} of {nd} data",
                                      position=f"line {len(lines)}")
            t = tokens(lines[ln - 1])
            if not t:
                ln += 1
                continue
            if len(t) < 5:
                raise FileFormatError(path, f"datum {len(vals) + 1}: expected C1 C2 P1 P2 value, got {len(t)} fields",
                                      position=f"line {ln}")
            f = [to_float(path, x, ln, f"datum {len(vals) + 1}") for x in t[:6 if len(t) >= 6 else 5]]
            q = np.full((4, 3), 0.0)
            q[:, 0] = np.array(f[:4]) + station
            pts.append(q)
            vals.append(f[4])
            ips.append(f[5] if len(f) > 5 else np.nan)
            recs.append(ln)
            got += 1
            ln += 1
    if not vals:
        raise FileFormatError(path, "no data", position=f"line {ln}")
    electrodes, abmn = electrodes_from_positions(np.array(pts))
    table: dict[str, Any] = {"a": abmn[:, 0], "b": abmn[:, 1], "m": abmn[:, 2], "n": abmn[:, 3],
                             "record": np.array(recs)}
    v = np.array(vals)
    if quantity == 0:
        table["apparent_resistivity_ohm_m"] = v
    else:
        table["resistance_ohm"] = v
    ipv = np.array(ips)
    if np.any(np.nan_to_num(ipv) != 0):
        table["chargeability_mv_v"] = ipv
    meta: dict[str, Any] = {"format": "abem-lund", "path": os.fspath(path), "instrument": "ABEM Lund/Terrameter",
                            "protocols": "; ".join(protocols), "take_out_spacing_m": spacing}
    return ERTData(electrodes, make_table(**table), meta).fill_derived()
