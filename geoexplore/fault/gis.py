"""Traces, candidates, scarps and setback zones for GIS users: GeoDataFrames, GeoJSON and GeoPackage.

Layers (each a GeoDataFrame; every feature carries ``synthetic``):

* ``traces``     LineString per trace (strike, lengths observed/extrapolated and which, dip, rake, activity, lines);
* ``segments``   LineString per segment of a trace;
* ``boundaries`` Point per segment boundary (between which lines, evidence);
* ``candidates`` Point per line candidate (surface projection), with its trace id or ``isolated``;
* ``scarps``     LineString per DEM scarp (its trace, or "no geophysical candidate");
* ``setbacks``   Polygon per trace and building category that is not exempt (GB 50011-2010 4.1.7);
* ``lines``      LineString per survey line.

Written in the project's projected CGCS2000 CRS (e.g. EPSG:4551) and in
WGS84 (EPSG:4326): ``<stem>_cgcs2000.gpkg`` / ``<stem>_wgs84.gpkg`` (one
layer per table) and one GeoJSON per layer and CRS. Needs geopandas (the
``gis`` extra).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

WGS84 = "EPSG:4326"


def _clean(d: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for k, v in d.items():
        if isinstance(v, float) and not math.isfinite(v):
            v = None
        elif isinstance(v, (list, dict)):
            v = json.dumps(v, ensure_ascii=False, default=str)
        out[k] = v
    return out


def trace_layers(result: Any, crs: str, *, setbacks: dict[str, list[dict[str, Any]]] | None = None, scarps: list[Any] | None = None,
                 lines: dict[str, Any] | None = None, synthetic: bool = True) -> dict[str, Any]:
    """The layers of a :class:`~geoexplore.fault.traces.TraceResult` as GeoDataFrames in ``crs`` (projected).

    ``lines``: name -> (x, y) vertices of each survey line; ``setbacks``: trace id -> polygons
    (:func:`geoexplore.fault.setback.setback_polygons`); ``scarps``: the DEM's LinearScarps.
    """
    import geopandas as gpd
    from shapely.geometry import LineString, Point

    syn = int(bool(synthetic))
    rows: dict[str, list[dict[str, Any]]] = {k: [] for k in ("traces", "segments", "boundaries", "candidates", "scarps", "setbacks", "lines")}
    for t in result.traces:
        rows["traces"].append({
            "id": t.id, "lines": ",".join(t.lines), "strike_deg": t.strike_deg, "strike_sigma_deg": t.strike_sigma_deg,
            "length_observed_m": t.length_observed_m, "length_observed_sigma_m": t.length_observed_sigma_m,
            "length_extrapolated_m": t.length_extrapolated_m, "length_extrapolated_sigma_m": t.length_extrapolated_sigma_m,
            "length_which": t.length_which, "extrapolation_note": t.extrapolation_note, "dip_deg": t.dip_deg,
            "dip_sigma_deg": t.dip_sigma_deg, "dips_toward": t.dips_toward, "rake_deg": t.rake_deg, "rake_source": t.rake_source,
            "activity_class": t.activity_class, "n_segments": len(t.segments), "score": t.score, "synthetic": syn,
            "geometry": LineString(t.polyline_xy)})
        for k, s in enumerate(t.segments):
            pts = [[m.x, m.y] for m in t.members if m.key() in s["candidates"]]
            if len(pts) > 1:
                rows["segments"].append({"id": f"{t.id}-{k + 1}", "trace": t.id, "lines": ",".join(s["lines"]),
                                         "strike_deg": s.get("strike_deg"), "synthetic": syn, "geometry": LineString(pts)})
        for b in t.boundaries:
            rows["boundaries"].append({"trace": t.id, "between": "-".join(b["between"]), "evidence": "; ".join(b["evidence"]),
                                       "synthetic": syn, "geometry": Point(b["x"], b["y"])})
        for m in t.members:
            rows["candidates"].append(_cand_row(m, t.id, syn))
        for sb in (setbacks or {}).get(t.id, []):
            rows["setbacks"].append({"trace": t.id, **{k: v for k, v in sb.items() if k != "geometry"}, "synthetic": syn,
                                     "geometry": sb["geometry"]})
    for m in result.isolated:
        rows["candidates"].append(_cand_row(m, "isolated", syn))
    lone = {s["id"] for s in result.lone_scarps}
    for sc in scarps or []:
        tr = [t.id for t in result.traces if any(s["id"] == sc.id for s in t.scarps)]
        rows["scarps"].append({**_clean(sc.as_dict()), "trace": ",".join(tr),
                               "note": "no geophysical candidate under this scarp" if sc.id in lone else "", "synthetic": syn,
                               "geometry": LineString([(sc.x0, sc.y0), (sc.x1, sc.y1)])})
    for name, (lx, ly) in (lines or {}).items():
        rows["lines"].append({"line": name, "synthetic": syn, "geometry": LineString(list(zip(lx, ly)))})
    return {k: gpd.GeoDataFrame([_clean_geo(r) for r in v], geometry="geometry", crs=crs) if v
            else gpd.GeoDataFrame({"geometry": []}, geometry="geometry", crs=crs) for k, v in rows.items()}


def _clean_geo(r: dict[str, Any]) -> dict[str, Any]:
    g = r.pop("geometry")
    return {**_clean(r), "geometry": g}


def _cand_row(m: Any, trace: str, syn: int) -> dict[str, Any]:
    from shapely.geometry import Point

    return {"line": m.line, "id": m.id, "trace": trace, "chainage_m": m.chainage_m, "sigma_m": m.sigma_m, "dip_deg": m.dip_deg,
            "dips_toward": m.dips_toward, "upper_breakpoint_m": m.upper_breakpoint_m, "activity_class": m.activity_class,
            "confidence": m.confidence, "methods": m.methods, "synthetic": syn, "geometry": Point(m.x, m.y)}


def write_layers(layers: dict[str, Any], out_dir: str | Path, *, stem: str = "fault_traces") -> list[Path]:
    """Write the layers as GeoPackages (projected CGCS2000 and WGS84) and GeoJSON files; returns the paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for tag, to in (("cgcs2000", None), ("wgs84", WGS84)):
        gpkg = out / f"{stem}_{tag}.gpkg"
        if gpkg.exists():
            gpkg.unlink()
        for name, gdf in layers.items():
            g = gdf.to_crs(to) if to else gdf
            if len(g):
                g.to_file(gpkg, layer=name, driver="GPKG")
                gj = out / f"{stem}_{name}_{tag}.geojson"
                g.to_file(gj, driver="GeoJSON")
                paths.append(gj)
        paths.append(gpkg)
    return paths
