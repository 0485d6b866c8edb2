"""One straight line or a 3D survey: the 2D check every reader's electrodes pass through.

geoexplore inverts 2D lines. Electrodes whose map positions (x, y) lie on
one straight line are expressed along that line (exactly: the line's
direction and offset are kept in ``meta``); electrodes spread over an area
describe a 3D survey and are refused, never projected onto a line.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from geoexplore.core.errors import FileFormatError

#: largest distance (fraction of the median neighbour spacing) of an electrode from the fitted line
LINE_TOLERANCE = 0.01


def to_line(path: str | os.PathLike[str], electrodes: np.ndarray) -> tuple[np.ndarray, dict[str, Any]]:
    """Electrodes of a 2D line as (distance along the line, 0, z), or FileFormatError for a 3D layout.

    Parameters
    ----------
    path : path-like
        The file (named in the refusal).
    electrodes : ndarray, shape (n, 3)
        x, y (map, m) and z (elevation, m) as the file gives them.

    Returns
    -------
    electrodes : ndarray, shape (n, 3)
        Unchanged when all y are equal; else x = position along the line
        (projection on its unit direction), y = 0.
    meta : dict
        Empty, or ``line_direction_xy`` (unit vector), ``line_offset_m``
        (signed distance of the line from the origin) and
        ``electrodes_file_xyz`` (the positions as read).

    Raises
    ------
    FileFormatError
        The electrodes do not lie on one straight line: a 3D survey.
    """
    e = np.asarray(electrodes, float)
    bad = ~np.isfinite(e).all(axis=1) if e.ndim == 2 else np.zeros(0, bool)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise FileFormatError(path, f"electrode {k + 1} has a position that is not a finite number: {e[k].tolist()}",
                              position=f"electrode {k + 1}")
    if len(e) < 2 or np.ptp(e[:, 1]) == 0.0:
        return e, {}
    xy = e[:, :2]
    c = xy.mean(axis=0)
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            _, _, vt = np.linalg.svd(xy - c, full_matrices=False)
    except np.linalg.LinAlgError:  # positions so large that their spread overflows
        raise FileFormatError(path, f"electrode positions out of range (x {np.min(e[:, 0]):.3g} to {np.max(e[:, 0]):.3g} m, "
                                    f"y {np.min(e[:, 1]):.3g} to {np.max(e[:, 1]):.3g} m): no line can be fitted",
                              position=f"electrode {int(np.argmax(np.abs(e[:, :2]).max(axis=1))) + 1}") from None
    d = vt[0]
    if abs(d[0]) >= abs(d[1]):
        d = d if d[0] > 0 else -d
    else:
        d = d if d[1] > 0 else -d
    normal = np.array([-d[1], d[0]])
    s = xy @ d
    off = (xy - c) @ normal
    ds = np.diff(np.sort(s))
    ds = ds[ds > 0]
    spacing = float(np.median(ds)) if ds.size else 1.0
    k = int(np.argmax(np.abs(off)))
    dev = float(abs(off[k]))
    if dev > LINE_TOLERANCE * spacing:
        raise FileFormatError(
            path, f"3D survey: the {len(e)} electrodes spread over {np.ptp(e[:, 0]):.2f} m x {np.ptp(e[:, 1]):.2f} m in x, y "
            f"(up to {dev:.3g} m off one straight line, {100 * LINE_TOLERANCE:g} % of the {spacing:.3g} m spacing allowed); "
            "geoexplore reads 2D lines only and does not project 3D data onto a line",
            position=f"electrode at x {e[k, 0]:.6g} m, y {e[k, 1]:.6g} m")
    out = np.column_stack([s, np.zeros(len(e)), e[:, 2]])
    meta = {"line_direction_xy": d.tolist(), "line_offset_m": float(c @ normal), "electrodes_file_xyz": e.copy()}
    return out, meta
