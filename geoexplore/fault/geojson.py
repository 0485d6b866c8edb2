"""Fault candidates and traces as GeoJSON, in the project CRS and in WGS84 (open in QGIS).

* Candidates: Points at the upper-breakpoint chainage (``position``) and at
  the surface projection, with all table columns as properties.
* Traces: LineStrings through the surface projection along the fault strike
  (the matched model fault's strike, else perpendicular to the profile),
  ``trace_half_length_m`` either side.

The project-CRS file carries the legacy ``crs`` member (EPSG code) that
QGIS reads; the WGS84 file follows RFC 7946 (lon, lat; no ``crs`` member).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np


def _props(c: Any, k: int) -> dict[str, Any]:
    out: dict[str, Any] = {"id": str(c["candidate"].values[k])}
    for v in c.data_vars:
        if v in ("detail_json",):
            continue
        val = c[v].values[k]
        if isinstance(val, (np.floating, float)):
            out[v] = None if not math.isfinite(float(val)) else round(float(val), 3)
        else:
            out[v] = str(val)
    out["synthetic"] = int(c.attrs.get("synthetic", 0))
    return out


def candidates_geojson(candidates: Any, profile: Any, *, model: Any = None, trace_half_length_m: float = 1000.0) -> tuple[dict[str, Any], dict[str, Any]]:
    """(project CRS FeatureCollection, WGS84 FeatureCollection) of candidates and their traces.

    Parameters
    ----------
    candidates : xr.Dataset
        The ``candidates`` table of an assessment.
    profile : geoexplore.core.profile.Profile
        Chainage <-> projected coordinates.
    model : GeologicalModel, optional
        For the strike of matched faults.
    """
    from pyproj import Transformer

    feats_p, feats_g = [], []
    to_wgs = Transformer.from_crs(profile.crs, "EPSG:4326", always_xy=True)
    strikes = {f.name: f.strike_deg for f in model.faults if f.strike_deg is not None} if model is not None else {}
    for k in range(candidates.sizes.get("candidate", 0)):
        props = _props(candidates, k)
        x_tip = float(candidates["chainage_m"].values[k])
        x_surf = float(candidates["surface_chainage_m"].values[k])
        if not math.isfinite(x_surf):
            x_surf = x_tip
        pts = {"upper_breakpoint": x_tip, "surface_projection": x_surf}
        for role, ch in pts.items():
            e, n = profile.xy(ch)
            lon, lat = to_wgs.transform(float(e), float(n))
            p = {**props, "role": role, "chainage_m": ch}
            feats_p.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [float(e), float(n)]}, "properties": p})
            feats_g.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [round(lon, 8), round(lat, 8)]}, "properties": p})
        mf = str(candidates["model_fault"].values[k]) if "model_fault" in candidates else ""
        if mf in strikes:
            strike = float(strikes[mf])
            src = f"strike of {mf} from the model"
        else:
            strike = float(profile.azimuth_deg(x_surf)) + 90.0
            src = "perpendicular to the profile (strike unknown)"
        e0, n0 = (float(v) for v in profile.xy(x_surf))
        a = math.radians(strike)
        de, dn = math.sin(a) * trace_half_length_m, math.cos(a) * trace_half_length_m
        line_p = [[e0 - de, n0 - dn], [e0 + de, n0 + dn]]
        line_g = [[round(v, 8) for v in to_wgs.transform(px, py)] for px, py in line_p]
        p = {**props, "role": "trace", "strike_deg": strike, "strike_source": src}
        feats_p.append({"type": "Feature", "geometry": {"type": "LineString", "coordinates": line_p}, "properties": p})
        feats_g.append({"type": "Feature", "geometry": {"type": "LineString", "coordinates": line_g}, "properties": p})
    epsg = str(profile.crs)
    proj = {"type": "FeatureCollection", "name": "fault_candidates", "features": feats_p,
            "crs": {"type": "name", "properties": {"name": epsg if not epsg.upper().startswith("EPSG:") else f"urn:ogc:def:crs:EPSG::{epsg.split(':')[1]}"}}}
    wgs = {"type": "FeatureCollection", "name": "fault_candidates_wgs84", "features": feats_g}
    return proj, wgs


def write_geojson(candidates: Any, profile: Any, out_dir: str | Path, *, model: Any = None, stem: str = "fault_candidates") -> list[Path]:
    """Write ``<stem>.geojson`` (project CRS) and ``<stem>_wgs84.geojson``."""
    proj, wgs = candidates_geojson(candidates, profile, model=model)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    p1 = out / f"{stem}.geojson"
    p2 = out / f"{stem}_wgs84.geojson"
    p1.write_text(json.dumps(proj, ensure_ascii=False, indent=1), encoding="utf-8")
    p2.write_text(json.dumps(wgs, ensure_ascii=False, indent=1), encoding="utf-8")
    return [p1, p2]
