"""OhmPi (open-hardware resistivity meter) CSV exports.

One header row, then one comma-separated row per injection. Columns (names
carry the unit in brackets, case and spacing vary between OhmPi versions):
``a, b, m, n`` (electrode numbers from 1), ``vmn_[mV]``, ``iab_[mA]``,
``r_[Ohm]``, ``r_std_[%]`` (standard deviation of the stacks), ``sp_[mV]``,
``rab_[kOhm]`` ... The file gives no electrode positions: the reader needs
the spacing (``electrode_spacing_m``) and places electrode k at
``first_electrode_m + (k - 1) * spacing``.
"""

from __future__ import annotations

import csv
import io
import os
from typing import Any

import numpy as np

from geoexplore.core.errors import FileFormatError
from geoexplore.core.formats import head_lines
from geoexplore.ert.data import ERTData, electrodes_from_positions, make_table
from geoexplore.ert.io._table import column_key, integers, numbers, spaced_positions
from geoexplore.ert.io._text import read_lines

NAME = "ohmpi"
EXTENSIONS = (".csv",)


def can_read(path: str | os.PathLike[str]) -> bool:
    """True for a CSV whose header names a, b, m, n and OhmPi's vmn/iab columns."""
    head = head_lines(path)
    if not head:
        return False
    keys = {column_key(c) for c in head[0].split(",")}
    return {"a", "b", "m", "n"} <= keys and ("vmnmv" in keys or "iabma" in keys)


def read(path: str | os.PathLike[str], electrode_spacing_m: float | None = None, first_electrode_m: float = 0.0) -> ERTData:
    """Read an OhmPi CSV; ``electrode_spacing_m`` (m) is required (the file gives electrode numbers only)."""
    lines = read_lines(path)
    rows_all = list(csv.reader(io.StringIO("\n".join(lines))))
    if not rows_all:
        raise FileFormatError(path, "empty file", position="line 1")
    names = [c.strip() for c in rows_all[0]]
    keys = [column_key(c) for c in names]
    body = [(i + 1, r) for i, r in enumerate(rows_all) if i > 0 and any(c.strip() for c in r)]
    if not body:
        raise FileFormatError(path, "no data rows", position="line 2")
    missing = [c for c in "abmn" if c not in keys]
    if missing:
        raise FileFormatError(path, f"header lacks electrode columns {missing}", position="line 1")

    def col(key: str, scale: float = 1.0) -> np.ndarray:
        return numbers(path, body, keys.index(key), names[keys.index(key)], scale=scale) if key in keys else np.full(len(body), np.nan)

    q = np.column_stack([integers(path, body, keys.index(c), c) for c in "abmn"])
    electrodes, abmn = electrodes_from_positions(spaced_positions(path, q, electrode_spacing_m, first_electrode_m, "OhmPi"))
    cur, u = col("iabma", 1e-3), col("vmnmv", 1e-3)
    r = col("rohm")
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(np.isfinite(r), r, u / cur)
    table = make_table(a=abmn[:, 0], b=abmn[:, 1], m=abmn[:, 2], n=abmn[:, 3], resistance_ohm=r, current_a=cur, voltage_v=u,
                       stacking_error=col("rstd%", 0.01), record=np.array([ln for ln, _ in body]))
    meta: dict[str, Any] = {"format": NAME, "instrument": "OhmPi", "electrode_spacing_m": float(electrode_spacing_m),  # type: ignore[arg-type]
                            "electrode_positions": "from the given spacing (the file has electrode numbers only)"}
    return ERTData(electrodes, table, meta).fill_derived()
