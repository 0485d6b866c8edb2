"""Fault indicators per method, each read from an image of :mod:`geoexplore.core.images`.

Every indicator carries a chainage with uncertainty, a depth range, a
strength in [0, 1] and the method that produced it (:class:`Indicator`).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Indicator:
    """One piece of evidence for a fault.

    Attributes
    ----------
    method : str
        'reflection', 'refraction', 'ert', 'mt' or 'microtremor'.
    kind : str
        What was seen ('reflector offsets', 'lateral gradient', 'conductive band', 'f0 step', ...).
    chainage_m, chainage_sigma_m : float
        Position along the profile (m) at the top of the feature, and its one-sigma uncertainty.
    depth_top_m, depth_bottom_m : float
        Depth range of the feature (m below ground).
    strength : float
        0-1, how clear the evidence is.
    dip_deg : float or None
        Apparent dip in the profile plane (deg), if measured.
    dips_toward : str or None
        'increasing' or 'decreasing' chainage.
    upper_breakpoint : dict or None
        Reflection only: depth_m, sigma_m, offset and unbroken horizons.
    throws : list of dict
        Reflection only: per horizon depth, throw and sigma (m), 'offset' or 'unbroken'.
    details : str
        Human-readable summary.
    """

    method: str
    kind: str
    chainage_m: float
    chainage_sigma_m: float
    depth_top_m: float
    depth_bottom_m: float
    strength: float
    dip_deg: float | None = None
    dips_toward: str | None = None
    dip_sigma_deg: float | None = None
    upper_breakpoint: dict[str, Any] | None = None
    throws: list[dict[str, Any]] = field(default_factory=list)
    plane_points: list[list[float]] = field(default_factory=list)
    details: str = ""
    line: str = ""
    synthetic: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def position_at(self, depth_m: float) -> float:
        """Chainage of the feature at ``depth_m`` using its dip (its own chainage if no dip)."""
        import math

        if self.dip_deg is None or self.dips_toward is None or self.dip_deg >= 89.99:
            return self.chainage_m
        s = 1.0 if self.dips_toward == "increasing" else -1.0
        return self.chainage_m + s * (depth_m - self.depth_top_m) / math.tan(math.radians(self.dip_deg))


def indicators_table(inds: list[Indicator]) -> Any:
    """Indicators as an xarray table (dimension ``indicator``); nested fields as JSON strings."""
    import numpy as np
    import xarray as xr

    n = len(inds)
    cols: dict[str, Any] = {}
    for name in ("method", "kind", "details", "dips_toward"):
        cols[name] = ("indicator", np.array([str(getattr(i, name) or "") for i in inds], dtype=object).astype(str) if n else np.array([], dtype=str))
    for name in ("chainage_m", "chainage_sigma_m", "depth_top_m", "depth_bottom_m", "strength", "dip_deg", "dip_sigma_deg"):
        cols[name] = ("indicator", np.array([np.nan if getattr(i, name) is None else float(getattr(i, name)) for i in inds], float))
    for name in ("upper_breakpoint", "throws", "plane_points"):
        cols[name + "_json"] = ("indicator", np.array([json.dumps(getattr(i, name)) for i in inds], dtype=object).astype(str) if n else np.array([], dtype=str))
    return xr.Dataset(cols, coords={"indicator": np.arange(n)})


def indicators_from_table(ds: Any) -> list[Indicator]:
    """Inverse of :func:`indicators_table`."""
    import math

    out = []
    for k in range(ds.sizes.get("indicator", 0)):
        def f(name: str) -> float | None:
            v = float(ds[name].values[k])
            return None if math.isnan(v) else v

        out.append(Indicator(
            method=str(ds["method"].values[k]), kind=str(ds["kind"].values[k]),
            chainage_m=float(ds["chainage_m"].values[k]), chainage_sigma_m=float(ds["chainage_sigma_m"].values[k]),
            depth_top_m=float(ds["depth_top_m"].values[k]), depth_bottom_m=float(ds["depth_bottom_m"].values[k]),
            strength=float(ds["strength"].values[k]), dip_deg=f("dip_deg"), dip_sigma_deg=f("dip_sigma_deg"),
            dips_toward=str(ds["dips_toward"].values[k]) or None,
            upper_breakpoint=json.loads(str(ds["upper_breakpoint_json"].values[k])),
            throws=json.loads(str(ds["throws_json"].values[k])),
            plane_points=json.loads(str(ds["plane_points_json"].values[k])),
            details=str(ds["details"].values[k]),
        ))
    return out
