"""Fault indicators from a refraction velocity tomogram: slow bands and lateral edges.

Reads the ``refraction`` image contract (``vp_m_s``, ``coverage``, ``mask``);
only cells inside the mask (ray-covered) are used. When the image carries
the velocity uncertainty from the pick errors (``vp_rel_sd``, the
tomography's ``uncertainty_runs``), a cell is used only where twice that
uncertainty (in log10 units, ``2 sd / ln 10``) stays within the smallest
contrast the rules count as evidence (``band_min_contrast_log``): a band or
edge no larger than what the pick errors alone produce is not evidence.
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
    if "vp_rel_sd" in ds:
        sd = np.asarray(ds["vp_rel_sd"].transpose("depth_m", "chainage_m").values, float)
        mask &= np.isfinite(sd) & (2.0 * sd / np.log(10.0) <= rules.indicators.property_for("refraction").band_min_contrast_log)
    with np.errstate(divide="ignore", invalid="ignore"):
        logp = np.log10(v)
    inds = property_indicators(logp, ds["depth_m"].values, ds["chainage_m"].values, mask, rules,
                               method="refraction", low_kind="low-velocity band", prop_label="Vp")
    for i in inds:
        i.line = str(ds.attrs.get("line", ""))
        i.synthetic = int(ds.attrs.get("synthetic", 0))
    return inds
