"""MPT DAS-1 (ERTLab DACQ) data files.

Layout: ``#``-keyword header lines (``#SXcale`` multiplies all
coordinates), ``#elec_start`` ... ``#elec_end`` with one electrode per line
``cable,electrode x y z [terrain-z type number]``, ``#data_start`` ...
``#data_end`` with one measurement per line ``id  Ca,El  Ca,El  Ca,El  Ca,El
[appres] V/I std ...`` (fields separated by blanks or commas; a line whose
values are replaced by a message such as ``* * TX Resist. out of range * *``
is a measurement the instrument could not make), and an ``ERTLab Header
Info`` block giving the 1-based columns (counting cable and electrode
separately): ``#data_a_cable_col`` ... ``#data_res_col`` (V/I, ohm),
``#data_std_res_col`` (ohm), ``#data_i_curr_col`` (mA), ``#data_appres`` (1 when
an apparent-resistivity column precedes V/I) and ``#data_ip_wind_col``.
Without the block the columns of DACQ 10 are used (A 2-3, B 4-5, M 6-7,
N 8-9, appres 10, V/I 11, std 12, current 15).
"""

from __future__ import annotations

import os
import re
from typing import Any

import numpy as np

from geoexplore.core.errors import FileFormatError
from geoexplore.core.formats import head_lines
from geoexplore.ert.data import ERTData, electrodes_from_positions, make_table
from geoexplore.ert.io._table import numbers
from geoexplore.ert.io._text import read_lines

NAME = "das1"
EXTENSIONS = (".data", ".dat", ".txt")
_SPLIT = re.compile(r"[\s,]+")
_DEFAULT_COLS = {"data_a_cable_col": 2, "data_a_elec_col": 3, "data_b_cable_col": 4, "data_b_elec_col": 5,
                 "data_m_cable_col": 6, "data_m_elec_col": 7, "data_n_cable_col": 8, "data_n_elec_col": 9,
                 "data_res_col": 11, "data_std_res_col": 12, "data_i_curr_col": 15, "data_ip_wind_col": -1,
                 "data_appres": 1, "elec_cable_col": 1, "elec_id_col": 2, "elec_x_col": 3, "elec_y_col": 4, "elec_z_col": 5}


def can_read(path: str | os.PathLike[str]) -> bool:
    """True for a text file written by ERTLab DACQ (DAS-1)."""
    head = head_lines(path)
    return bool(head) and any("ertlab" in ln.lower() or ln.startswith("#IVersion") for ln in head[:4])


def _block(path: str | os.PathLike[str], lines: list[str], start: str, end: str) -> list[tuple[int, list[str]]]:
    i0 = next((i for i, ln in enumerate(lines) if ln.strip().lower().startswith(start)), None)
    if i0 is None:
        raise FileFormatError(path, f"no {start} section", position=f"line {len(lines)}")
    i1 = next((i for i in range(i0 + 1, len(lines)) if lines[i].strip().lower().startswith(end)), None)
    if i1 is None:
        raise FileFormatError(path, f"{start} section has no {end} (truncated?)", position=f"line {len(lines)}")
    return [(i + 1, [t for t in _SPLIT.split(lines[i].strip()) if t]) for i in range(i0 + 1, i1)
            if lines[i].strip() and lines[i].lstrip()[0] not in "!#"]


def read(path: str | os.PathLike[str]) -> ERTData:
    """Read a DAS-1 (ERTLab DACQ) data file."""
    lines = read_lines(path)
    cols = dict(_DEFAULT_COLS)
    scale = 1.0
    for i, ln in enumerate(lines):
        m = re.match(r"#(data_\w+|elec_\w+)\s*=\s*([-+]?\d+)", ln.strip())
        if m and m.group(1) in cols:
            cols[m.group(1)] = int(m.group(2))
        m = re.match(r"#SXcale\s+([-+]?[\d.]+(?:[eE][-+]?\d+)?)", ln.strip())
        if m:
            scale = float(m.group(1))
    if cols["data_ip_wind_col"] > 0:
        raise FileFormatError(path, "DAS-1 IP windows are not read yet; refusing rather than dropping them",
                              position="line 1")
    el = _block(path, lines, "#elec_start", "#elec_end")
    pos: dict[tuple[int, int], tuple[float, float, float]] = {}
    c = {k: cols[f"elec_{k}_col"] - 1 for k in ("cable", "id", "x", "y", "z")}
    xyz = np.column_stack([numbers(path, el, c[k], f"electrode {k}", scale=scale) for k in "xyz"])
    ids = np.column_stack([numbers(path, el, c[k], f"electrode {k}") for k in ("cable", "id")]).astype(int)
    for (ca, e), p in zip(ids, xyz):
        pos[(int(ca), int(e))] = tuple(p)  # type: ignore[assignment]
    rows = _block(path, lines, "#data_start", "#data_end")
    good = [(ln, t) for ln, t in rows if len(t) >= cols["data_res_col"] and "*" not in t]
    failed = [(ln, " ".join(t[9:])) for ln, t in rows if not (len(t) >= cols["data_res_col"] and "*" not in t)]
    if not good:
        raise FileFormatError(path, "no measurements in the data section", position=f"line {rows[0][0] if rows else 1}")
    pts = np.full((len(good), 4, 3), np.nan)
    for k, e in enumerate("abmn"):
        ca = numbers(path, good, cols[f"data_{e}_cable_col"] - 1, f"{e.upper()} cable").astype(int)
        ee = numbers(path, good, cols[f"data_{e}_elec_col"] - 1, f"{e.upper()} electrode").astype(int)
        for i, key in enumerate(zip(ca, ee)):
            if key not in pos:
                raise FileFormatError(path, f"electrode {key[0]:03d},{key[1]:02d} is not in the electrode list",
                                      position=f"line {good[i][0]}")
            pts[i, k] = pos[key]
    electrodes, abmn = electrodes_from_positions(pts)
    r = numbers(path, good, cols["data_res_col"] - 1, "V/I")
    std = numbers(path, good, cols["data_std_res_col"] - 1, "std") if cols["data_std_res_col"] > 0 else np.full(len(good), np.nan)
    cur = numbers(path, good, cols["data_i_curr_col"] - 1, "current", scale=1e-3) if cols["data_i_curr_col"] > 0 else np.full(len(good), np.nan)
    rho = numbers(path, good, cols["data_res_col"] - 2, "apparent resistivity") if cols["data_appres"] == 1 else np.full(len(good), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        table = make_table(a=abmn[:, 0], b=abmn[:, 1], m=abmn[:, 2], n=abmn[:, 3], resistance_ohm=r, current_a=cur,
                           apparent_resistivity_ohm_m=rho, stacking_error=np.abs(std / r),
                           record=np.array([ln for ln, _ in good]))
    meta: dict[str, Any] = {"format": NAME, "instrument": "MPT DAS-1 (ERTLab DACQ)", "failed_measurements": failed}
    return ERTData(electrodes, table, meta).fill_derived()
