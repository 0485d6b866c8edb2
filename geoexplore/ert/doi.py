"""Depth-of-investigation index (Oldenburg and Li 1999).

Two inversions of the same data with reference models ``m_r1`` and ``m_r2``
(homogeneous, the median apparent resistivity times and divided by a
factor), each with a regularisation that penalises the distance to the
reference (pyGIMLi constraint type 10: first-order smoothness plus
smallness)::

    DOI = |m1 - m2| / |m_r1 - m_r2|          (in log10 resistivity)

Where the data constrain the model both inversions agree (DOI near 0);
where they do not, each model falls back to its reference (DOI near 1).
Oldenburg and Li suggest treating cells with DOI above 0.1-0.2 as not
determined by the data.

Oldenburg, D.W., Li, Y. (1999). Estimating depth of investigation in DC
resistivity and IP surveys. Geophysics 64(2), 403-416.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from geoexplore.ert.data import ERTData


def doi_from_models(m1: np.ndarray, m2: np.ndarray, ref1: float, ref2: float) -> np.ndarray:
    """DOI index from two models and their (homogeneous) references, in log10.

    Parameters
    ----------
    m1, m2 : ndarray, shape (n_cells,)
        Resistivities (ohm m) of the two inversions.
    ref1, ref2 : float
        Their reference resistivities (ohm m), different.

    Returns
    -------
    ndarray, shape (n_cells,)
        DOI index (>= 0).
    """
    d = abs(np.log10(ref1) - np.log10(ref2))
    if d == 0:
        raise ValueError("the two reference models must differ")
    return np.abs(np.log10(np.asarray(m1, float)) - np.log10(np.asarray(m2, float))) / d


def doi_index(data: ERTData, settings: Any, *, mesh: Any = None, model: np.ndarray | None = None) -> np.ndarray:
    """Run the two reference inversions and return the DOI index per parameter cell.

    Parameters
    ----------
    data : ERTData
        The inverted data (with errors).
    settings : InversionSettings
        ``doi_factor``, ``doi_max_iter``, ``lam``, mesh settings, threads.
    mesh : pyGIMLi mesh, optional
        The mesh of the main inversion (so the cells match).
    model : ndarray, optional
        Unused; kept for symmetry with the caller.

    Returns
    -------
    ndarray, shape (n_cells,)
    """
    from geoexplore.ert.inversion import _run_manager

    rho = data.data["apparent_resistivity_ohm_m"].to_numpy(float)
    med = float(np.median(rho))
    refs = (med * settings.doi_factor, med / settings.doi_factor)
    s = settings.model_copy(update={"max_iter": settings.doi_max_iter, "chi2_target": 0.0 + 1e-9, "norm": "L2"})
    models = []
    for ref in refs:
        mgr, _ = _run_manager(data, s, mesh, startModel=ref, isReference=True, cType=10)
        models.append(np.asarray(mgr.paraModel(mgr.fw.model), float))
    return doi_from_models(models[0], models[1], refs[0], refs[1])
