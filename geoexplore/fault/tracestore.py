"""A trace result as a storable Dataset (what ``fault.traces`` stores) and back.

The ``traces`` Dataset has one row per trace (dimension ``trace``) with the
numbers a table shows (strike, lengths, dip, rake, activity, ...) and the
full trace as JSON (``trace_json``: members with their per-line evidence,
segments, boundaries, scarps) plus its hazard (``hazard_json``: magnitudes,
setback decisions, setback polygons as WKT). Isolated findings, scarps,
lone scarps, survey-line vertices and the correlation rules are JSON attrs.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict
from typing import Any

import numpy as np

from geoexplore.fault.traces import CorrelationRules, LineCandidate, Trace, TraceResult

COLUMNS = ("strike_deg", "strike_sigma_deg", "length_observed_m", "length_observed_sigma_m", "length_extrapolated_m",
           "length_extrapolated_sigma_m", "length_m", "length_sigma_m", "dip_deg", "dip_sigma_deg", "rake_deg", "score")


def _num(v: Any) -> float:
    return math.nan if v is None else float(v)


def _member(d: dict[str, Any]) -> LineCandidate:
    return LineCandidate(**{k: v for k, v in d.items() if k in LineCandidate.__dataclass_fields__})


def traces_to_dataset(result: TraceResult, *, crs: str, scarps: list[Any] | None = None, lines: dict[str, Any] | None = None,
                      hazard: dict[str, dict[str, Any]] | None = None, synthetic: bool = True) -> Any:
    """The trace result as one Dataset (see module docstring)."""
    import xarray as xr

    ts = result.traces
    data: dict[str, Any] = {c: ("trace", np.array([_num(getattr(t, c)) for t in ts], float)) for c in COLUMNS}
    for c in ("length_which", "dips_toward", "activity_class", "rake_source", "extrapolation_note"):
        data[c] = ("trace", np.array([str(getattr(t, c) or "") for t in ts], dtype=str))
    data["lines"] = ("trace", np.array([",".join(t.lines) for t in ts], dtype=str))
    data["n_boundaries"] = ("trace", np.array([len(t.boundaries) for t in ts], np.int64))
    data["trace_json"] = ("trace", np.array([json.dumps(t.as_dict(), default=str) for t in ts], dtype=str))
    hz = {}
    for t in ts:
        h = dict((hazard or {}).get(t.id, {}))
        h["setback_polygons"] = [{**{k: v for k, v in p.items() if k != "geometry"}, "wkt": p["geometry"].wkt}
                                 for p in h.get("setback_polygons", [])]
        hz[t.id] = h
    data["hazard_json"] = ("trace", np.array([json.dumps(hz[t.id], default=str) for t in ts], dtype=str))
    attrs = {
        "crs": crs, "synthetic": int(bool(synthetic)), "line_order": ",".join(result.line_order),
        "rules_json": json.dumps(asdict(result.rules)),
        "isolated_json": json.dumps([{k: v for k, v in asdict(m).items() if k != "detail"} for m in result.isolated], default=str),
        "lone_scarps_json": json.dumps(result.lone_scarps, default=str),
        "scarps_json": json.dumps([s.as_dict() for s in scarps or []]),
        "lines_json": json.dumps({k: [np.asarray(v[0]).tolist(), np.asarray(v[1]).tolist()] for k, v in (lines or {}).items()}),
        "note": "fault traces from the candidates of several lines (geoexplore.fault.traces)",
    }
    return xr.Dataset(data, coords={"trace": np.array([t.id for t in ts], dtype=str)}, attrs=attrs)


def traces_from_dataset(ds: Any) -> dict[str, Any]:
    """Back from :func:`traces_to_dataset`: result, scarps, lines, hazard (polygons as shapely), crs, synthetic."""
    from shapely import wkt

    from geoexplore.fault.terrain import LinearScarp

    traces = []
    for k in range(ds.sizes.get("trace", 0)):
        d = json.loads(str(ds["trace_json"].values[k]))
        members = [_member(m) for m in d.pop("members")]
        fields = {f: d[f] for f in Trace.__dataclass_fields__ if f in d and f != "members"}
        traces.append(Trace(members=members, **fields))
    hazard = {}
    for k in range(ds.sizes.get("trace", 0)):
        h = json.loads(str(ds["hazard_json"].values[k]))
        h["setback_polygons"] = [{**{kk: v for kk, v in p.items() if kk != "wkt"}, "geometry": wkt.loads(p["wkt"])}
                                 for p in h.get("setback_polygons", [])]
        hazard[str(ds["trace"].values[k])] = h
    at = ds.attrs
    stored_rules = json.loads(at.get("rules_json", "{}"))
    if stored_rules:
        stored_rules.setdefault("dip_unknown_factor", 1.0)  # traces stored before the factor existed scored an unknown dip 1
    rules = CorrelationRules(**stored_rules)
    result = TraceResult(traces, [_member(m) for m in json.loads(at.get("isolated_json", "[]"))], json.loads(at.get("lone_scarps_json", "[]")),
                         [s for s in str(at.get("line_order", "")).split(",") if s], rules)
    scarps = [LinearScarp(**s) for s in json.loads(at.get("scarps_json", "[]"))]
    lines = {k: (np.array(v[0]), np.array(v[1])) for k, v in json.loads(at.get("lines_json", "{}")).items()}
    return {"result": result, "scarps": scarps, "lines": lines, "hazard": hazard, "crs": str(at["crs"]),
            "synthetic": bool(int(at.get("synthetic", 0)))}


def trace_records(ds: Any, geographic_crs: str = "EPSG:4490") -> list[dict[str, Any]]:
    """One plain record per trace for hazard models (e.g. OpenQuake fault sources).

    Keys: id, polyline_xy (projected m, CRS in ``crs``), polyline_lonlat (``geographic_crs``, default CGCS2000),
    strike_deg, strike_sigma_deg, length_m, length_sigma_m, length_which, length_observed_m,
    length_extrapolated_m, dip_deg, dip_sigma_deg, dips_toward, rake_deg, rake_source, activity_class,
    evidence (per line: line, candidate, chainage_m, upper_breakpoint_m, dip_deg, methods, confidence,
    activity_class), segments, boundaries, synthetic.
    """
    from geoexplore.core.profile import transformer

    st = traces_from_dataset(ds)
    to_geo = transformer(st["crs"], geographic_crs)
    out = []
    for t in st["result"].traces:
        xy = np.asarray(t.polyline_xy, float)
        lon, lat = to_geo.transform(xy[:, 0], xy[:, 1])
        out.append({
            "id": t.id, "crs": st["crs"], "geographic_crs": geographic_crs, "polyline_xy": xy.tolist(),
            "polyline_lonlat": np.column_stack([lon, lat]).tolist(), "strike_deg": t.strike_deg, "strike_sigma_deg": t.strike_sigma_deg,
            "length_m": t.length_m, "length_sigma_m": t.length_sigma_m, "length_which": t.length_which,
            "length_observed_m": t.length_observed_m, "length_extrapolated_m": t.length_extrapolated_m, "dip_deg": t.dip_deg,
            "dip_sigma_deg": t.dip_sigma_deg, "dips_toward": t.dips_toward, "rake_deg": t.rake_deg, "rake_source": t.rake_source,
            "activity_class": t.activity_class, "segments": t.segments, "boundaries": t.boundaries, "synthetic": st["synthetic"],
            "evidence": [{"line": m.line, "candidate": m.id, "chainage_m": m.chainage_m, "upper_breakpoint_m": m.upper_breakpoint_m,
                          "dip_deg": m.dip_deg, "methods": m.methods, "confidence": m.confidence, "activity_class": m.activity_class}
                         for m in t.members],
        })
    return out
