"""Helpers shared by the instrument readers: numeric columns with file positions, electrodes by number."""

from __future__ import annotations

import os
import re
from typing import Sequence

import numpy as np

from geoexplore.core.errors import FileFormatError

#: tokens instruments write for a missing value
MISSING = {"-", "--", "*", "nan", "NaN", "n/a", ""}


def column_key(name: str) -> str:
    """A column name without case, spaces, underscores and brackets (``xA (m)`` and ``xA(m)`` -> ``xam``)."""
    return re.sub(r"[\s_\[\]()]+", "", name.strip().lower())


def numbers(path: str | os.PathLike[str], rows: Sequence[tuple[int, Sequence[str]]], j: int, what: str, *,
            comma_decimal: bool = False, scale: float = 1.0) -> np.ndarray:
    """Column ``j`` of tokenised rows ``(line number, tokens)`` as floats; missing markers give NaN.

    Raises FileFormatError naming the line for a row too short or a token that is not a number.
    """
    out = np.empty(len(rows))
    for i, (ln, toks) in enumerate(rows):
        if j >= len(toks):
            raise FileFormatError(path, f"{what}: row has {len(toks)} fields, column {j + 1} missing", position=f"line {ln}")
        s = toks[j].strip()
        if s in MISSING:
            out[i] = np.nan
            continue
        if comma_decimal:
            s = s.replace(",", ".")
        try:
            out[i] = float(s) * scale
        except ValueError:
            raise FileFormatError(path, f"{what}: expected a number, got {s!r}", position=f"line {ln}") from None
    return out


def integers(path: str | os.PathLike[str], rows: Sequence[tuple[int, Sequence[str]]], j: int, what: str) -> np.ndarray:
    """Column ``j`` as integers (electrode numbers); FileFormatError naming the line otherwise."""
    v = numbers(path, rows, j, what)
    bad = ~np.isfinite(v) | (v != np.round(v))
    if bad.any():
        i = int(np.where(bad)[0][0])
        raise FileFormatError(path, f"{what}: expected an electrode number, got {rows[i][1][j]!r}", position=f"line {rows[i][0]}")
    return v.astype(np.int64)


def positions_by_number(path: str | os.PathLike[str], numbers_abmn: np.ndarray, table: dict[int, tuple[float, float, float]],
                        lines: np.ndarray, *, remote: int | None = None) -> np.ndarray:
    """Positions (n, 4, 3) of electrode numbers from a table number -> (x, y, z); ``remote`` marks an absent electrode (NaN)."""
    q = np.asarray(numbers_abmn, np.int64)
    pts = np.full(q.shape + (3,), np.nan)
    for k in range(q.shape[1]):
        for i, e in enumerate(q[:, k]):
            if remote is not None and e == remote:
                continue
            p = table.get(int(e))
            if p is None:
                raise FileFormatError(path, f"electrode {e} of datum {i + 1} is not in the electrode table",
                                      position=f"line {lines[i]}")
            pts[i, k] = p
    return pts


def spaced_positions(path: str | os.PathLike[str], q: np.ndarray, spacing_m: float | None, first_m: float, what: str) -> np.ndarray:
    """Positions (n, 4, 3) of electrode numbers on a line: ``first_m + (k - 1) spacing_m``; refuses without a spacing."""
    if spacing_m is None:
        raise FileFormatError(path, f"{what} files give electrode numbers, not positions: give the electrode spacing "
                              "(electrode_spacing_m, m; ert info/invert --electrode-spacing)", position="line 1")
    if not np.isfinite(spacing_m) or spacing_m <= 0:
        raise ValueError(f"electrode_spacing_m must be positive, got {spacing_m}")
    pts = np.zeros(q.shape + (3,))
    pts[..., 0] = first_m + (q - 1) * float(spacing_m)
    pts[q <= 0] = np.nan
    return pts
