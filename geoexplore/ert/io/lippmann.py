"""Lippmann 4-Point Light / GeoTest ``.tx0`` exports.

Layout: ``*``-prefixed header sections (``* Electrode positions ****``
with lines ``* Electrode [  k] x y z (m) = x y z``, ``* Remote electrode
positions ****`` in the same form), then ``* Data ****``, a header line
``* num A B M N I U dU U90 dU90 rho phi f n nAB Profile Spread PseudoZ X Y Z
Time U(Tx)``, a units line (I in mA, U in mV, dU in %, rho in ohm m, phi in
mrad) and one whitespace-separated row per measurement; ``-`` marks a value
the instrument could not measure.

GeoTest writes decimals with the locale's separator: ``0.000`` or ``0,000``
(fields are separated by blanks, so a comma can only be a decimal comma).
"""

from __future__ import annotations

import os
import re
from typing import Any

import numpy as np

from geoexplore.core.errors import FileFormatError
from geoexplore.core.formats import head_lines
from geoexplore.ert.data import ERTData, electrodes_from_positions, make_table
from geoexplore.ert.io._table import integers, numbers, positions_by_number
from geoexplore.ert.io._text import read_lines

NAME = "lippmann"
EXTENSIONS = (".tx0",)
_ELEC = re.compile(r"^\*\s*(?:remote\s+)?electrode\s*\[\s*(\d+)\s*\][^=]*=\s*(\S+)\s+(\S+)\s+(\S+)", re.I)


def can_read(path: str | os.PathLike[str]) -> bool:
    """True for a ``*``-commented text file written by GeoTest (Lippmann)."""
    head = head_lines(path)
    if not head or not head[0].startswith("*"):
        return False
    text = "\n".join(head[:12]).lower()
    return "geotest" in text or "4-point light" in text or "device_lgm" in text


def read(path: str | os.PathLike[str]) -> ERTData:
    """Read a Lippmann/GeoTest ``.tx0`` file (point or comma decimals)."""
    lines = read_lines(path)
    table: dict[int, tuple[float, float, float]] = {}
    raw_el = []
    data_at = None
    for i, ln in enumerate(lines):
        m = _ELEC.match(ln.strip())
        if m:
            raw_el.append((i + 1, int(m.group(1)), m.group(2), m.group(3), m.group(4)))
        elif ln.startswith("* Data ***"):
            data_at = i
    if not raw_el:
        raise FileFormatError(path, "no '* Electrode [k] x y z (m) = ...' lines", position="line 1")
    comma = any("," in t for _, _, *xyz in raw_el for t in xyz)
    for ln, k, *xyz in raw_el:
        try:
            table[k] = tuple(float(t.replace(",", ".") if comma else t) for t in xyz)  # type: ignore[assignment]
        except ValueError:
            raise FileFormatError(path, f"electrode {k}: coordinates {xyz} are not numbers", position=f"line {ln}") from None
    if data_at is None or data_at + 1 >= len(lines):
        raise FileFormatError(path, "no '* Data ****' section", position=f"line {len(lines)}")
    names = lines[data_at + 1].lstrip("*").split()
    need = ["A", "B", "M", "N", "I", "U"]
    missing = [c for c in need if c not in names]
    if missing:
        raise FileFormatError(path, f"data header lacks columns {missing}", position=f"line {data_at + 2}")
    rows = [(i + 1, ln.split()) for i, ln in enumerate(lines[data_at + 2:], start=data_at + 2)
            if ln.strip() and not ln.lstrip().startswith("*")]
    if not rows:
        raise FileFormatError(path, "no data rows", position=f"line {data_at + 3}")

    def col(name: str, scale: float = 1.0) -> np.ndarray:
        if name not in names:
            return np.full(len(rows), np.nan)
        return numbers(path, rows, names.index(name), name, comma_decimal=comma, scale=scale)

    q = np.column_stack([integers(path, rows, names.index(c), c) for c in "ABMN"])
    recs = np.array([ln for ln, _ in rows])
    pts = positions_by_number(path, q, table, recs, remote=0)
    electrodes, abmn = electrodes_from_positions(pts)
    cur, u = col("I", 1e-3), col("U", 1e-3)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(np.isfinite(cur) & (cur != 0), u / cur, np.nan)
    cols: dict[str, Any] = dict(a=abmn[:, 0], b=abmn[:, 1], m=abmn[:, 2], n=abmn[:, 3], current_a=cur, voltage_v=u,
                                resistance_ohm=r, apparent_resistivity_ohm_m=col("rho"), stacking_error=col("dU", 0.01),
                                record=recs)
    if "phi" in names:
        cols["ip_mrad"] = col("phi")
    meta: dict[str, Any] = {"format": NAME, "instrument": "Lippmann 4-Point Light (GeoTest)",
                            "decimal_separator": "," if comma else "."}
    return ERTData(electrodes, make_table(**cols), meta).fill_derived()
