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

Two data-error models for comparing two *pick sets* (``ERROR_MODELS``):

* ``"own"``: each set inverted with its own errors (the automatic picks
  their calibrated uncertainties, hand picks without an error column 3 % of
  the time). The two tomograms then differ by the picks *and* by the
  weighting of the data.
* ``"trace"``: both sets with the same error per trace (:func:`trace_errors`,
  :func:`with_errors`): the picker's calibrated uncertainty of that trace,
  which is measured on the record (onset sharpness against the noise, plus
  the calibrated floor) and so belongs to the trace, not to whoever picked
  it. The tomograms then differ by the picks only.

For the cells above a threshold, :func:`cell_rays` lists the picks whose rays
cross a cell, with their path lengths, times and errors in both tomograms.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: the coverage definitions of :func:`covered`
MASKS = ("rays", "pygimli")
#: the data-error models of a pick-set comparison (see the module docstring)
ERROR_MODELS = ("own", "trace")


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
        When both tomograms carry ``velocity_rel_sd`` (``uncertainty_runs``),
        the cells also get ``rel_sd_ref``, ``rel_sd_other`` and ``z``
        (``|ln(v_other / v_ref)|`` over the two spreads combined in quadrature),
        and the summary ``within_1sd``, ``within_2sd`` (fractions of the
        compared cells; 0.68 and 0.95 when the difference is Gaussian noise of
        that size) and ``n_over_beyond_2sd`` (cells above ``threshold`` that
        also differ by more than two combined standard deviations).

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
    if ref.velocity_rel_sd is not None and other.velocity_rel_sd is not None:
        sd = np.hypot(np.asarray(ref.velocity_rel_sd)[idx], np.asarray(other.velocity_rel_sd)[idx])
        z = np.abs(np.log(other.velocity_m_s[idx] / ref.velocity_m_s[idx])) / np.maximum(sd, 1e-300)
        cells["rel_sd_ref"], cells["rel_sd_other"], cells["z"] = np.asarray(ref.velocity_rel_sd)[idx], \
            np.asarray(other.velocity_rel_sd)[idx], z
        over = rel > threshold
        summary.update({"within_1sd": float(np.mean(z <= 1.0)) if finite else np.nan,
                        "within_2sd": float(np.mean(z <= 2.0)) if finite else np.nan,
                        "n_over_beyond_2sd": int(np.sum(over & (z > 2.0)))})
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


def trace_errors(table: Any, floor_s: float = 0.0, decimals: int = 2) -> dict[tuple[float, float], float]:
    """Each recorded trace's data error (s): the picker's calibrated uncertainty of that trace.

    Parameters
    ----------
    table : pandas.DataFrame
        Picks table (``source_x_m``, ``receiver_x_m``, ``err_s``, ``use``), as
        :func:`~geoexplore.seismic.pick_first_breaks` returns it (the used rows'
        ``err_s`` already calibrated).
    floor_s : float
        The calibration floor (s; ``FirstBreakPicks.error_model["floor_s"]``,
        0 when the errors were not calibrated). The calibration adds it to the
        used rows only; here it is added to the other rows too
        (``sqrt(err^2 + floor^2)``), so a trace whose pick was rejected still
        gets the error the record gives it.
    decimals : int
        Positions are rounded to this many decimals (m) for the key.

    Returns
    -------
    dict
        ``(source_x_m, receiver_x_m) -> err_s`` for every row with a finite,
        positive uncertainty.
    """
    out: dict[tuple[float, float], float] = {}
    for r in table.itertuples():
        e = float(r.err_s)
        if not (np.isfinite(e) and e > 0):
            continue
        if int(r.use) != 1:
            e = float(np.hypot(e, floor_s))
        out[(round(float(r.source_x_m), decimals), round(float(r.receiver_x_m), decimals))] = e
    return out


def with_errors(data: Any, errors: dict[tuple[float, float], float], *, chainage_offset_m: float = 0.0,
                decimals: int = 2) -> Any:
    """``data`` (TraveltimeData) with each datum's error replaced by its trace's error from ``errors``.

    Parameters
    ----------
    data : TraveltimeData
        Pick set (e.g. the hand picks).
    errors : dict
        ``(source_x_m, receiver_x_m) -> err_s`` (:func:`trace_errors`).
    chainage_offset_m : float
        Added to the sensor positions of ``data`` before the look-up (m).
    decimals : int
        Rounding of the positions (as in :func:`trace_errors`).

    Raises
    ------
    ValueError
        Naming the traces of ``data`` that have no error in ``errors``.
    """
    from geoexplore.seismic.io.sgt import TraveltimeData

    x = data.sensors[:, 0] + chainage_offset_m
    keys = [(round(float(x[a]), decimals), round(float(x[b]), decimals)) for a, b in zip(data.s, data.g, strict=True)]
    missing = [k for k in keys if k not in errors]
    if missing:
        raise ValueError(f"no trace error for {len(missing)} datum(s), e.g. source/receiver at {missing[:3]} m")
    return TraveltimeData(data.sensors, data.s, data.g, data.t_s, np.array([errors[k] for k in keys]),
                          valid=data.valid, extra=dict(data.extra))


def moved_toward(ref: Any, other: Any, clip_s: float | None = None, *, noise_s: float = 0.0, seed: int = 0) -> Any:
    """``ref``'s picks moved toward ``other``'s, each by at most ``clip_s``, optionally with Gaussian noise added.

    For asking how fine a tomogram comparison is: the reference pick set moved by
    the difference to the other set clipped to +-``clip_s`` (the picks ``other``
    lacks stay where they are) shows what pick agreement a cell-wise target
    needs; ``clip_s=0`` with ``noise_s > 0`` shows the tomogram's own
    sensitivity to noise of that size.

    Parameters
    ----------
    ref, other : TraveltimeData
        The two pick sets on the same sensor list (same source/receiver indices
        for the same trace).
    clip_s : float, optional
        Largest move of a pick (s); None: no limit (``ref`` takes ``other``'s
        times where both picked).
    noise_s : float
        Standard deviation (s) of Gaussian noise added to every pick.
    seed : int
        Seed of the noise (``numpy.random.default_rng``).

    Returns
    -------
    TraveltimeData
        ``ref`` with the moved times; errors and validity kept.
    """
    from geoexplore.seismic.io.sgt import TraveltimeData

    if ref.sensors.shape != other.sensors.shape or not np.allclose(ref.sensors, other.sensors):
        raise ValueError("the two pick sets are not on the same sensor list")
    at = {(int(a), int(b)): k for k, (a, b) in enumerate(zip(other.s, other.g, strict=True))}
    delta = np.zeros(ref.n_data)
    for k, (a, b) in enumerate(zip(ref.s, ref.g, strict=True)):
        j = at.get((int(a), int(b)))
        if j is not None:
            delta[k] = other.t_s[j] - ref.t_s[k]
    if clip_s is not None:
        delta = np.clip(delta, -clip_s, clip_s)
    if noise_s > 0:
        delta = delta + np.random.default_rng(seed).normal(0.0, noise_s, ref.n_data)
    return TraveltimeData(ref.sensors, ref.s, ref.g, ref.t_s + delta, ref.err_s, valid=ref.valid,
                          extra=dict(ref.extra))


__all__ = ["ERROR_MODELS", "MASKS", "TomoComparison", "cell_rays", "compare_tomograms", "covered", "moved_toward",
           "trace_errors", "with_errors"]
