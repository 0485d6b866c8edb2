"""Which image points of a tomogram the rays constrain: pyGIMLi's standardized coverage mapped onto a grid.

pyGIMLi blanks a traveltime tomogram with
``TravelTimeManager.standardizedCoverage()``, ``sign(|C^T C c|)`` for the
smoothness constraint matrix ``C`` and the ray coverage ``c``: the cells a ray
crosses plus their edge neighbours (shortest-path rays run along cell edges,
so a cell inside the ray fan can be missed by every ray; its neighbours are
not). Its maintainers recommend it for masking (pyGIMLi issue #291). This is
the default mask of the refraction image (``coverage_mask: pygimli``); the
earlier rule (``envelope``: smoothed coverage and everything above the
deepest covered point of each column) kept cells pyGIMLi blanks (measured on
refraction-field01 with the README settings: 32 of the 674 cells under the
envelope).

Grid points are assigned to the mesh cell that contains them (the
parameter mesh's triangles kept on the result), or to the nearest cell
centre when the result carries no triangles.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def containing_cell(result: Any, x_m: np.ndarray, y_m: np.ndarray, *, candidates: int = 12) -> np.ndarray:
    """Index of the parameter-mesh cell containing each point (flat array; -1 outside the mesh).

    The cells whose centres are nearest a point are tested for containment
    with barycentric coordinates (tolerance 1e-9, so a point on a shared edge
    goes to one of its cells and a point on the mesh boundary is inside).

    Parameters
    ----------
    result : TomoResult
        With ``mesh_nodes_m`` and ``cell_node_ids`` (triangles); without them
        the nearest cell centre is taken (no point is then outside).
    x_m, y_m : ndarray
        Horizontal position and elevation (m), in the result's own coordinates.
    candidates : int
        Nearest cell centres tested per point.
    """
    from scipy.spatial import cKDTree

    p = np.column_stack([np.asarray(x_m, float).ravel(), np.asarray(y_m, float).ravel()])
    k = min(int(candidates), result.cell_x_m.size)
    near = cKDTree(np.column_stack([result.cell_x_m, result.cell_y_m])).query(p, k=k)[1].reshape(p.shape[0], k)
    if getattr(result, "cell_node_ids", None) is None or getattr(result, "mesh_nodes_m", None) is None:
        return near[:, 0]
    tri = np.asarray(result.mesh_nodes_m, float)[np.asarray(result.cell_node_ids, int)]  # (n_cells, 3, 2)
    a, b, c = tri[near, 0], tri[near, 1], tri[near, 2]  # (n_points, k, 2)
    v0, v1, v2 = b - a, c - a, p[:, None, :] - a
    det = v0[..., 0] * v1[..., 1] - v0[..., 1] * v1[..., 0]
    l1 = (v2[..., 0] * v1[..., 1] - v2[..., 1] * v1[..., 0]) / det
    l2 = (v0[..., 0] * v2[..., 1] - v0[..., 1] * v2[..., 0]) / det
    inside = (l1 >= -1e-9) & (l2 >= -1e-9) & (1.0 - l1 - l2 >= -1e-9)
    first = np.argmax(inside, axis=1)  # the nearest-centred cell that contains the point
    return np.where(inside.any(axis=1), near[np.arange(p.shape[0]), first], -1)


def pygimli_cells(result: Any, coverage_min: float = 0.0) -> np.ndarray:
    """Boolean per cell: kept by pyGIMLi's standardized coverage and, when ``coverage_min`` > 0, with more coverage (m/m^2)."""
    keep = np.asarray(result.standardized_coverage, float) > 0
    if coverage_min > 0:
        keep &= np.asarray(result.coverage, float) > coverage_min
    return keep


def pygimli_mask(result: Any, x_m: np.ndarray, y_m: np.ndarray, coverage_min: float = 0.0) -> np.ndarray:
    """True at the points (shape of ``x_m``) that lie in a cell :func:`pygimli_cells` keeps."""
    idx = containing_cell(result, x_m, y_m)
    out = np.where(idx >= 0, pygimli_cells(result, coverage_min)[np.maximum(idx, 0)], False)
    return out.reshape(np.shape(x_m))


__all__ = ["containing_cell", "pygimli_cells", "pygimli_mask"]
