"""Cell-by-cell comparison of two traveltime tomograms on the same mesh, and what drives each cell.

Used to judge automatic picks against hand picks (issue 18): both pick sets
are inverted on the same sensor list, so pyGIMLi builds the same mesh, and
the relative velocity difference ``|v_other - v_ref| / v_ref`` is taken over
the cells both tomograms cover.

Two coverage definitions:

* ``"rays"`` (the default): a cell is covered when rays of *both*
  tomograms cross it (ray length > 0 in the final Jacobian).
* ``"pygimli"``: pyGIMLi's own blanking, ``TravelTimeManager.standardizedCoverage()``
  (``sign(|C^T C c|)`` with the smoothness constraint matrix ``C`` and the
  ray coverage ``c``), which is the crossed cells *plus their edge
  neighbours*; the maintainers recommend it for masking traveltime results
  (pyGIMLi issue #291). It therefore contains the ``"rays"`` cells and never
  blanks a cell a ray crosses; ``"rays"`` is the stricter of the two.

For the cells above a threshold, :func:`cell_rays` lists the picks whose rays
cross a cell, with their path lengths, times and errors in both tomograms.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: the coverage definitions of :func:`covered`
MASKS = ("rays", "pygimli")


def covered(result: Any, mask: str = "rays") -> np.ndarray:
    """Boolean per cell: covered by ``result`` under the definition ``mask`` (see the module docstring)."""
    if mask == "rays":
        return np.asarray(result.coverage) > 0
    if mask == "pygimli":
        if result.standardized_coverage is None:
            raise ValueError("the result carries no standardized coverage (inverted before 0.5?)")
        return np.asarray(result.standardized_coverage) > 0
    raise ValueError(f"mask must be one of {MASKS}, got {mask!r}")


@dataclass
class TomoComparison:
    """Result of :func:`compare_tomograms`.

    Attributes
    ----------
    cells : pandas.DataFrame
        One row per compared cell: ``cell`` (index in the mesh), ``x_m``,
        ``elevation_m``, ``area_m2``, ``v_ref_m_s``, ``v_other_m_s``,
        ``rel_diff`` (fraction), ``rays_ref``, ``rays_other`` (number of rays),
        ``length_ref_m``, ``length_other_m`` (summed ray length in the cell).
    summary : dict
        ``cells``, ``median``, ``p90``, ``p95``, ``max`` (fractions),
        ``n_over`` (cells above ``threshold``), ``threshold``, ``mask``.
    """

    cells: Any
    summary: dict[str, Any] = field(default_factory=dict)

    def over(self) -> Any:
        """The compared cells above the threshold, worst first."""
        c = self.cells
        return c[c["rel_diff"] > self.summary["threshold"]].sort_values("rel_diff", ascending=False)


def compare_tomograms(ref: Any, other: Any, *, mask: str = "rays", threshold: float = 0.10) -> TomoComparison:
    """Relative velocity difference of two tomograms of the same mesh at every cell both cover.

    Parameters
    ----------
    ref, other : TomoResult
        Tomograms on the same mesh (same sensor list and mesh settings); ``ref``
        is the reference (e.g. the hand picks).
    mask : {"rays", "pygimli"}
        Coverage definition (:func:`covered`); a cell is compared when both
        tomograms cover it.
    threshold : float
        Relative difference counted in ``summary["n_over"]`` (fraction).

    Returns
    -------
    TomoComparison

    Raises
    ------
    ValueError
        When the two meshes differ.
    """
    import pandas as pd

    if ref.velocity_m_s.size != other.velocity_m_s.size or not (
            np.allclose(ref.cell_x_m, other.cell_x_m) and np.allclose(ref.cell_y_m, other.cell_y_m)):
        raise ValueError("the two tomograms are not on the same mesh (invert both on the same sensor list)")
    m = covered(ref, mask) & covered(other, mask)
    idx = np.flatnonzero(m)
    rel = np.abs(other.velocity_m_s[idx] - ref.velocity_m_s[idx]) / ref.velocity_m_s[idx]

    def rays(r: Any) -> np.ndarray:
        return np.zeros(idx.size, int) if r.ray_count is None else np.asarray(r.ray_count)[idx]

    cells = pd.DataFrame({
        "cell": idx, "x_m": ref.cell_x_m[idx] + ref.chainage_offset_m, "elevation_m": ref.cell_y_m[idx],
        "area_m2": ref.cell_area_m2[idx], "v_ref_m_s": ref.velocity_m_s[idx], "v_other_m_s": other.velocity_m_s[idx],
        "rel_diff": rel, "rays_ref": rays(ref), "rays_other": rays(other),
        "length_ref_m": ref.coverage[idx] * ref.cell_area_m2[idx], "length_other_m": other.coverage[idx] * other.cell_area_m2[idx],
    })
    finite = rel.size > 0
    summary = {
        "mask": mask, "threshold": float(threshold), "cells": int(idx.size),
        "median": float(np.median(rel)) if finite else np.nan, "p90": float(np.percentile(rel, 90)) if finite else np.nan,
        "p95": float(np.percentile(rel, 95)) if finite else np.nan, "max": float(rel.max()) if finite else np.nan,
        "n_over": int(np.sum(rel > threshold)),
    }
    return TomoComparison(cells=cells, summary=summary)


def cell_rays(result: Any, cell: int) -> Any:
    """The picks whose rays cross ``cell`` in ``result``, longest path first.

    Returns a DataFrame with ``datum`` (row of ``result.data``), ``shot_x_m``,
    ``receiver_x_m``, ``length_m`` (ray length in the cell), ``t_s``,
    ``err_s`` (the data error used), ``residual_s`` (observed - modelled).
    """
    import pandas as pd

    if result.ray_lengths is None:
        raise ValueError("the result carries no ray lengths (inverted before 0.5?)")
    col = np.asarray(result.ray_lengths[:, int(cell)].toarray()).ravel()
    k = np.flatnonzero(col != 0)
    k = k[np.argsort(-col[k], kind="stable")]
    d = result.data
    return pd.DataFrame({
        "datum": k, "shot_x_m": d.sensors[d.s[k], 0] + result.chainage_offset_m,
        "receiver_x_m": d.sensors[d.g[k], 0] + result.chainage_offset_m, "length_m": col[k], "t_s": d.t_s[k],
        "err_s": np.asarray(result.error_s)[k], "residual_s": d.t_s[k] - np.asarray(result.response_s)[k],
    })


__all__ = ["MASKS", "TomoComparison", "cell_rays", "compare_tomograms", "covered"]
