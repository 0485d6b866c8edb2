"""Fault indicators from a refraction velocity tomogram: slow bands and lateral edges.

Reads the ``refraction`` image contract (``vp_m_s``, ``coverage``, ``mask``);
only cells inside the mask (ray-covered) are used.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from geoexplore.core.errors import GeoexploreError
from geoexplore.fault.indicators import Indicator
from geoexplore.fault.indicators.edges import property_indicators


def velocity_indicators(ds: Any, rules: Any) -> list[Indicator]:
    """Low-velocity bands and velocity edges of a refraction tomogram."""
    v = np.asarray(ds["vp_m_s"].transpose("depth_m", "chainage_m").values, float)
    if np.any(v[np.isfinite(v)] <= 0):
        raise GeoexploreError("refraction image: velocities must be positive")
    mask = np.asarray(ds["mask"].transpose("depth_m", "chainage_m").values, bool) if "mask" in ds else np.isfinite(v)
    if "coverage" in ds:
        mask &= np.asarray(ds["coverage"].transpose("depth_m", "chainage_m").values, float) > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        logp = np.log10(v)
    inds = property_indicators(logp, ds["depth_m"].values, ds["chainage_m"].values, mask, rules,
                               method="refraction", low_kind="low-velocity band", prop_label="Vp")
    for i in inds:
        i.line = str(ds.attrs.get("line", ""))
        i.synthetic = int(ds.attrs.get("synthetic", 0))
    return inds
