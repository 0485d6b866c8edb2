"""BGS PRIME system ``.tab`` exports.

Layout: ``key:<tab>value[<tab>unit]`` header lines (the first names the
Prime receiver; ``set_no_of_meas`` the number of measurements), a ``#Units``
row (its label in the first column's place), a ``#%`` format row, ``data:``, the column-name row (``pt_line_number:``
``pt_calc_res:`` ``pt_calc_res_error:`` ``pt_c1_no:`` ``pt_c2_no:``
``pt_p1_no:`` ``pt_p2_no:`` ``pt_meas_voltage_mean:`` ...
``pt_calc_phase_mag:`` ``pt_meas_current_mag:`` ...) and tab-separated rows.
Units come from the ``#Units`` row (``Ohm``, ``mV``, ``mA``, ``Degrees``,
``Tenths %`` = per mille). Electrodes are numbers without positions: the
reader needs ``electrode_spacing_m`` and places electrode k at
``first_electrode_m + (k - 1) * spacing``.
"""

from __future__ import annotations

import os
import re
from typing import Any

import numpy as np

from geoexplore.core.errors import FileFormatError
from geoexplore.core.formats import head_lines
from geoexplore.ert.data import ERTData, electrodes_from_positions, make_table
from geoexplore.ert.io._table import integers, numbers, spaced_positions
from geoexplore.ert.io._text import read_lines

NAME = "prime"
EXTENSIONS = (".tab",)
_UNIT = {"ohm": 1.0, "mv": 1e-3, "v": 1.0, "ma": 1e-3, "a": 1.0, "tenths %": 1e-3, "%": 1e-2, "degrees": np.pi / 180 * 1e3,
         "mrad": 1.0, "-": 1.0}


def can_read(path: str | os.PathLike[str]) -> bool:
    """True for a text file whose first line names a PRIME receiver."""
    head = head_lines(path)
    return bool(head) and re.match(r"#\s*prime\s*:", head[0].strip().lower()) is not None


def read(path: str | os.PathLike[str], electrode_spacing_m: float | None = None, first_electrode_m: float = 0.0) -> ERTData:
    """Read a BGS PRIME ``.tab`` file; ``electrode_spacing_m`` (m) is required."""
    lines = read_lines(path)
    hi = next((i for i, ln in enumerate(lines) if ln.strip().startswith("pt_line_number")), None)
    if hi is None:
        raise FileFormatError(path, "no column row starting with 'pt_line_number:'", position=f"line {len(lines)}")
    names = [c.strip().rstrip(":") for c in lines[hi].split("\t")]
    units_line = next((ln for ln in lines[:hi] if ln.startswith("#Units")), None)
    # the '#Units' label stands in the column of pt_line_number: unit j belongs to column j
    units = [u.strip().lower() for u in units_line.split("\t")] if units_line else []
    n_claim = next((int(m.group(1)) for ln in lines[:hi] for m in [re.match(r"set_no_of_meas:\s*(\d+)", ln)] if m), None)
    body = [(i + 1, ln.split("\t")) for i, ln in enumerate(lines[hi + 1:], start=hi + 1) if ln.strip()]
    if not body:
        raise FileFormatError(path, "no data rows", position=f"line {hi + 2}")
    if n_claim is not None and n_claim != len(body):
        raise FileFormatError(path, f"header announces {n_claim} measurements, file holds {len(body)} (truncated?)",
                              position=f"line {len(lines)}")

    def col(name: str, si: bool = True) -> np.ndarray:
        if name not in names:
            return np.full(len(body), np.nan)
        j = names.index(name)
        unit = units[j] if j < len(units) else "-"
        if si and unit not in _UNIT:
            raise FileFormatError(path, f"column {name}: unknown unit {unit!r}", position=f"line {hi}")
        return numbers(path, body, j, name, scale=_UNIT.get(unit, 1.0) if si else 1.0)

    need = ["pt_c1_no", "pt_c2_no", "pt_p1_no", "pt_p2_no", "pt_calc_res"]
    missing = [c for c in need if c not in names]
    if missing:
        raise FileFormatError(path, f"column row lacks {missing}", position=f"line {hi + 1}")
    q = np.column_stack([integers(path, body, names.index(c), c) for c in need[:4]])
    electrodes, abmn = electrodes_from_positions(spaced_positions(path, q, electrode_spacing_m, first_electrode_m, "BGS PRIME"))
    table = make_table(a=abmn[:, 0], b=abmn[:, 1], m=abmn[:, 2], n=abmn[:, 3], resistance_ohm=col("pt_calc_res"),
                       stacking_error=col("pt_calc_res_error"), current_a=col("pt_meas_current_mag"),
                       voltage_v=col("pt_meas_voltage_mean"), ip_mrad=col("pt_calc_phase_mag"),
                       record=np.array([ln for ln, _ in body]))
    meta: dict[str, Any] = {"format": NAME, "instrument": lines[0].lstrip("#").strip()[:120],
                            "electrode_spacing_m": float(electrode_spacing_m),  # type: ignore[arg-type]
                            "electrode_positions": "from the given spacing (the file has electrode numbers only)"}
    return ERTData(electrodes, table, meta).fill_derived()
