"""Electra (Moho s.r.l.) ``.ele`` exports.

Layout: ``# label`` lines each followed by their value(s)::

    # Original file            <sequence name>
    # Total enabled electrodes <n>
    # X  Y  Z                  n rows of electrode coordinates (m), electrode k = row k
    # Total samples time on    <number of waveform samples per measurement>
    # Name signal              V(M-N)
    # Total enabled measurements <number of data>
    # Meas. A B M N I(AB) V(AB) V(MN) K/(2pi) rhoa Z(AB) StartOn VMN000 ...
    # [#] [#] ... [mApp] [Vpp] [mVpp] - [ohm m] [ohm] [byte] [mV] ...
    one tab-separated row per measurement

R = V(MN) / I(AB) (both peak-to-peak, mV / mA = ohm); K = 2 pi K/(2pi).
The sampled V(M-N) waveform of each measurement is kept in
``meta["waveforms"]`` (one row per record, columns ``VMN000`` ... in mV).
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import pandas as pd

from geoexplore.core.errors import FileFormatError
from geoexplore.core.formats import head_lines
from geoexplore.ert.data import ERTData, electrodes_from_positions, make_table
from geoexplore.ert.io._table import integers, numbers, positions_by_number
from geoexplore.ert.io._text import read_lines, to_int

NAME = "electra"
EXTENSIONS = (".ele",)


def can_read(path: str | os.PathLike[str]) -> bool:
    """True for a text file with the Electra ``# Total enabled electrodes`` block in its first lines."""
    head = head_lines(path)
    return bool(head) and any(ln.strip().lower().startswith("# total enabled electrodes") for ln in head[:6])


def _value_after(path: str | os.PathLike[str], lines: list[str], label: str) -> tuple[int, int]:
    for i, ln in enumerate(lines):
        if ln.strip().lower().startswith("# " + label):
            if i + 1 >= len(lines):
                break
            return i + 1, to_int(path, lines[i + 1].strip() or "?", i + 2, label)
    raise FileFormatError(path, f"no '# {label}' block", position=f"line {len(lines)}")


def read(path: str | os.PathLike[str]) -> ERTData:
    """Read an Electra ``.ele`` export."""
    lines = read_lines(path)
    i_el, n_el = _value_after(path, lines, "total enabled electrodes")
    el_rows = [(k + 1, lines[k].split()) for k in range(i_el + 2, min(i_el + 2 + n_el, len(lines)))]
    if len(el_rows) != n_el:
        raise FileFormatError(path, f"{n_el} electrodes announced, {len(el_rows)} present", position=f"line {len(lines)}")
    xyz = np.column_stack([numbers(path, el_rows, j, f"electrode {c}") for j, c in enumerate("xyz")])
    table = {k + 1: tuple(p) for k, p in enumerate(xyz)}
    i_d, n_d = _value_after(path, lines, "total enabled measurements")
    hdr = i_d + 1
    if hdr >= len(lines):
        raise FileFormatError(path, "no data header", position=f"line {hdr + 1}")
    names = lines[hdr].lstrip("#").strip().split("\t")
    names = [c.strip() for c in names if c.strip()]
    body = [(k + 1, lines[k].split("\t")) for k in range(hdr + 2, len(lines)) if lines[k].strip()]
    if len(body) != n_d:
        raise FileFormatError(path, f"{n_d} measurements announced, {len(body)} present (truncated?)", position=f"line {len(lines)}")
    need = ["A", "B", "M", "N", "I(AB)", "V(MN)"]
    missing = [c for c in need if c not in names]
    if missing:
        raise FileFormatError(path, f"data header lacks columns {missing}", position=f"line {hdr + 1}")

    def col(name: str, scale: float = 1.0) -> np.ndarray:
        return numbers(path, body, names.index(name), name, scale=scale) if name in names else np.full(len(body), np.nan)

    q = np.column_stack([integers(path, body, names.index(c), c) for c in "ABMN"])
    recs = np.array([ln for ln, _ in body])
    electrodes, abmn = electrodes_from_positions(positions_by_number(path, q, table, recs))
    cur, u = col("I(AB)", 1e-3), col("V(MN)", 1e-3)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(np.isfinite(cur) & (cur != 0), u / cur, np.nan)
    out = make_table(a=abmn[:, 0], b=abmn[:, 1], m=abmn[:, 2], n=abmn[:, 3], current_a=cur, voltage_v=u, resistance_ohm=r,
                     apparent_resistivity_ohm_m=col("rhoa"), geometric_factor_m=2 * np.pi * col("K/(2pi)"), record=recs)
    meta: dict[str, Any] = {"format": NAME, "instrument": "Electra (Moho)", "sequence": lines[1].strip() if len(lines) > 1 else "",
                            "current_unit": "mA peak-to-peak"}
    wave = [j for j, c in enumerate(names) if c.startswith("VMN")]
    if wave:
        w = pd.DataFrame({names[j]: numbers(path, body, j, names[j]) for j in wave})
        w.insert(0, "record", recs)
        meta["waveforms"] = w
    return ERTData(electrodes, out, meta).fill_derived()
