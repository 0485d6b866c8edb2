"""Fault indicators from resistivity sections (ERT, MT): conductive bands and lateral edges.

Reads the ``ert`` / ``mt`` image contract (``resistivity_ohm_m``, ``mask``);
cells outside the mask (below the depth of investigation) are never used.
The kernel is :func:`geoexplore.fault.indicators.edges.property_indicators`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from geoexplore.core.errors import GeoexploreError
from geoexplore.fault.indicators import Indicator
from geoexplore.fault.indicators.edges import property_indicators


def resistivity_indicators(ds: Any, rules: Any) -> list[Indicator]:
    """Conductive bands and resistivity edges of an ERT or MT section."""
    method = str(ds.attrs.get("method", "ert"))
    rho = np.asarray(ds["resistivity_ohm_m"].transpose("depth_m", "chainage_m").values, float)
    if np.any(rho[np.isfinite(rho)] <= 0):
        raise GeoexploreError(f"{method} image: resistivity must be positive")
    mask = np.asarray(ds["mask"].transpose("depth_m", "chainage_m").values, bool) if "mask" in ds else np.isfinite(rho)
    with np.errstate(divide="ignore", invalid="ignore"):
        logp = np.log10(rho)
    inds = property_indicators(logp, ds["depth_m"].values, ds["chainage_m"].values, mask, rules,
                               method=method, low_kind="conductive band", prop_label="resistivity")
    for i in inds:
        i.line = str(ds.attrs.get("line", ""))
        i.synthetic = int(ds.attrs.get("synthetic", 0))
    return inds
