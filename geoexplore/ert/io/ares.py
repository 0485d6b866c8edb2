"""GF Instruments ARES / ARES II ``.2dm`` exports.

Layout: ``Key: value`` header lines (``Device: ARES II ...``, ``Electrode
distance: 0.5 m``, ``X-loc``, ``Y-loc``, ``Direction``, ``Connected ...
electrodes, layed from 0 m, ... from el.No 0``), a line ``Measured data:``,
then a tab-separated table whose header names the columns with units in
brackets: ``C1[el] C2[el] P1[el] P2[el]`` (electrode numbers), ``I[mA]``,
``U[mV]``, ``EP[mV]`` (self potential), ``AppRes[Ohmm]``, ``St-dev[%]`` and,
with IP, window columns whose names hold ``IP`` and ``[%]``.

Electrode ``k`` lies at ``layed_from + (k - first_number) * spacing`` along
the profile (``first_number`` from ``el.No``); the spacing must be stated.
Rows whose electrode fields are not numbers (ARES writes combinations such
as ``14*1``) are listed in ``meta["unread_rows"]``, not guessed.
"""

from __future__ import annotations

import os
import re
from typing import Any

import numpy as np
import pandas as pd

from geoexplore.core.errors import FileFormatError
from geoexplore.core.formats import head_lines
from geoexplore.ert.data import ERTData, electrodes_from_positions, make_table
from geoexplore.ert.io._table import column_key, numbers
from geoexplore.ert.io._text import read_lines

NAME = "ares"
EXTENSIONS = (".2dm",)


def can_read(path: str | os.PathLike[str]) -> bool:
    """True for a text file whose first line names an ARES device."""
    head = head_lines(path)
    return bool(head) and head[0].lower().startswith("device:") and "ares" in head[0].lower()


def _metres(path: str | os.PathLike[str], text: str, ln: int, what: str) -> float:
    m = re.match(r"\s*([-+]?\d+(?:[.,]\d*)?)\s*(m|cm)?\b", text)
    if not m:
        raise FileFormatError(path, f"{what}: expected a length in m, got {text.strip()!r}", position=f"line {ln}")
    v = float(m.group(1).replace(",", "."))
    return v / 100.0 if m.group(2) == "cm" else v


def read(path: str | os.PathLike[str]) -> ERTData:
    """Read an ARES II ``.2dm`` export."""
    lines = read_lines(path)
    head: dict[str, tuple[int, str]] = {}
    start = None
    for i, ln in enumerate(lines):
        if ln.strip().lower().startswith("measured data"):
            start = i + 1
            break
        if ":" in ln:
            k, _, v = ln.partition(":")
            head[k.strip().lower()] = (i + 1, v.strip())
    if start is None or start >= len(lines):
        raise FileFormatError(path, "no 'Measured data:' table", position=f"line {len(lines)}")
    if "electrode distance" not in head:
        raise FileFormatError(path, "the header gives no 'Electrode distance' (electrode spacing)", position="line 1")
    spacing = _metres(path, head["electrode distance"][1], head["electrode distance"][0], "electrode distance")
    first_m, first_no = 0.0, 0
    for k, (ln, v) in head.items():
        m = re.search(r"layed from\s*([-+]?[\d.,]+)\s*m", f"{k}: {v}")
        if m:
            first_m = float(m.group(1).replace(",", "."))
        m = re.search(r"el\.\s*no\.?\s*(\d+)", f"{k}: {v}", re.I)
        if m:
            first_no = int(m.group(1))
    names = [c.strip() for c in lines[start].split("\t")] if "\t" in lines[start] else lines[start].split()
    keys = [column_key(c) for c in names]
    need = {"c1el": "C1[el]", "c2el": "C2[el]", "p1el": "P1[el]", "p2el": "P2[el]"}
    missing = [v for k, v in need.items() if k not in keys]
    if missing:
        raise FileFormatError(path, f"ARES table lacks columns {missing}", position=f"line {start + 1}")
    rows, unread = [], []
    for i in range(start + 1, len(lines)):
        s = lines[i].strip()
        if not s:
            continue
        toks = [t.strip() for t in lines[i].split("\t")] if "\t" in lines[i] else s.split()
        try:
            [int(toks[keys.index(k)]) for k in need]
        except (ValueError, IndexError):
            unread.append((i + 1, s[:80]))
            continue
        rows.append((i + 1, toks))
    if not rows:
        raise FileFormatError(path, "no data rows", position=f"line {start + 2}")

    def col(key: str, scale: float = 1.0) -> np.ndarray:
        return numbers(path, rows, keys.index(key), names[keys.index(key)], scale=scale) if key in keys else np.full(len(rows), np.nan)

    q = np.column_stack([col(k) for k in need]).astype(np.int64)
    pts = np.zeros(q.shape + (3,))
    pts[..., 0] = first_m + (q - first_no) * spacing
    electrodes, abmn = electrodes_from_positions(pts)
    cur, u = col("ima", 1e-3), col("umv", 1e-3)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(np.isfinite(cur) & (cur != 0), u / cur, np.nan)
    recs = np.array([ln for ln, _ in rows])
    table = make_table(a=abmn[:, 0], b=abmn[:, 1], m=abmn[:, 2], n=abmn[:, 3], current_a=cur, voltage_v=u, resistance_ohm=r,
                       apparent_resistivity_ohm_m=col("appresohmm"), stacking_error=col("st-dev%", 0.01), record=recs)
    meta: dict[str, Any] = {"format": NAME, "instrument": head.get("device", (0, "ARES"))[1], "electrode_spacing_m": spacing,
                            "method": head.get("method", (0, ""))[1], "unread_rows": unread}
    ip = [j for j, c in enumerate(names) if "IP" in c and "%" in c]
    if ip:
        win = pd.DataFrame({names[j]: numbers(path, rows, j, names[j]) for j in ip})
        win.insert(0, "record", recs)
        meta["ip_windows"] = win
        meta["ip_window_unit"] = "%"
    return ERTData(electrodes, table, meta).fill_derived()
