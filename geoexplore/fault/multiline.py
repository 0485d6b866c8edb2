"""Several survey lines: per-line assessments placed on the map, then traces, terrain and GIS outputs.

The per-line work is independent (one Dask task per line in the workflow,
``fault.line_assess``); :func:`assess_lines` is the in-memory equivalent.
SYNTHETIC TEST IMAGES (:mod:`geoexplore.fault.synth`) of a line are computed
from the 2D model along that line (:meth:`geoexplore.core.faultmap.FaultMap.line_model`)
and labelled as such.
"""

from __future__ import annotations

from typing import Any

SHALLOW_METHODS = ("reflection", "refraction", "ert", "microtremor")


def line_test_images(line_model: Any, line: str, methods: tuple[str, ...] = SHALLOW_METHODS) -> dict[str, Any]:
    """SYNTHETIC TEST IMAGES of the shallow methods on ``line`` from its 2D model (labelled; not method results)."""
    from geoexplore.fault import synth

    out: dict[str, Any] = {}
    if "reflection" in methods:
        out["reflection"] = synth.reflection_test_image(line_model, line)
    if "refraction" in methods:
        out["refraction"] = synth.velocity_test_image(line_model, line)
    if "ert" in methods:
        out["ert"] = synth.resistivity_test_image(line_model, line, method="ert")
    if "microtremor" in methods:
        out["microtremor"] = synth.microtremor_test_table(line_model, line)
    return out


def assess_line(fmap: Any, line: str, *, images: dict[str, Any] | None = None, methods: tuple[str, ...] = SHALLOW_METHODS,
                rules: Any = None) -> dict[str, Any]:
    """Assess one line: its images (default: SYNTHETIC TEST IMAGES from its 2D model) -> candidates Datasets."""
    from geoexplore.fault.assess import assess, to_datasets

    lm = fmap.line_model(line)
    src = {}
    if images is None:
        images = line_test_images(lm, line, methods)
        src = {m: "SYNTHETIC TEST IMAGE (geoexplore.fault.synth, not a method result)" for m in images}
    a = assess(images, model=lm, rules=rules, line=line, image_sources=src)
    out = to_datasets(a)
    out["candidates"].attrs["line"] = line
    return out


def candidates_on_map(fmap: Any, bundles: dict[str, Any]) -> tuple[dict[str, list[Any]], dict[str, Any]]:
    """(line -> LineCandidate list, line -> Profile) from per-line candidate tables."""
    from geoexplore.fault.traces import line_candidates

    profiles = {ln: fmap.line_profile(ln) for ln in bundles}
    per = {ln: line_candidates(b["candidates"] if isinstance(b, dict) else b, profiles[ln], ln) for ln, b in bundles.items()}
    return per, profiles


def trace_faults(fmap: Any, bundles: dict[str, Any], *, dem: Any = None, rules: Any = None, correlation: Any = None) -> Any:
    """Traces from per-line bundles (and the DEM's scarps when a DEM is given)."""
    from geoexplore.fault.rules import load_rules
    from geoexplore.fault.terrain import detect_scarps
    from geoexplore.fault.traces import correlate

    rules = rules or load_rules()
    per, profiles = candidates_on_map(fmap, bundles)
    scarps = detect_scarps(dem) if dem is not None else None
    return correlate(per, profiles, rules=correlation, scarps=scarps, class_order=[c.id for c in rules.activity.classes])


def trace_hazard(trace: Any, rules: Any, *, intensity: int | None, categories: tuple[str, ...] = ("A", "B", "C", "D"),
                 fallback_length_km: float | None = None, fallback_source: str = "") -> dict[str, Any]:
    """Magnitudes from the traced length and setback decisions and polygons along a trace."""
    from geoexplore.fault.magnitude import trace_magnitudes
    from geoexplore.fault.setback import setback, setback_polygons

    which = trace.length_which + (f" ({trace.extrapolation_note})" if trace.extrapolation_note else "")
    mags = trace_magnitudes(trace.length_m / 1000.0, trace.length_sigma_m / 1000.0, trace.dip_deg, trace.rake_deg, rules,
                            length_source=f"traced, {which}", fallback_length_km=fallback_length_km, fallback_source=fallback_source)
    ubs = [m.upper_breakpoint_m for m in trace.members if m.upper_breakpoint_m is not None]
    cover = min(ubs) if ubs else None
    decisions = [setback(intensity, c, trace.activity_class, rules, cover_m=cover, buried=(cover or 0) > 0) for c in categories] \
        if intensity is not None else []
    sig = max(m.sigma_m for m in trace.members)
    polys = setback_polygons(trace.polyline_xy, decisions, zone_half_width_m=sig) if decisions else []
    return {"magnitudes": [m.as_dict() for m in mags], "setbacks": [d.as_dict() for d in decisions], "setback_polygons": polys}


def line_vertices(fmap: Any, names: list[str]) -> dict[str, tuple[Any, Any]]:
    """Name -> (x, y) projected vertices (m) of each line's chainage window."""
    import numpy as np

    out = {}
    for n in names:
        ln = fmap.lines[n]
        x, y = fmap.xy(np.full(2, ln.s_m), np.array([ln.start_m, ln.end_m]))
        out[n] = (np.asarray(x), np.asarray(y))
    return out


def scarp_evidence(trace: Any, dem: Any, rules: Any, *, surface_age_ka: float | None = None, surface_age_sigma_ka: float | None = None,
                   half_span_m: float = 150.0, step_m: float = 50.0) -> list[dict[str, Any]]:
    """Scarp heights where the trace crosses each line (median of profiles within +-``half_span_m`` along strike),
    and, when the age of the offset surface is given, the vertical slip rate (Monte Carlo) from each height.
    """
    import math

    import numpy as np

    from geoexplore.fault.sliprate import slip_rate_mc
    from geoexplore.fault.terrain import profile_across, scarp_height

    on = {s["line"] for s in trace.scarps}
    a = math.radians(trace.strike_deg)
    out = []
    for k, m in enumerate(trace.members):
        if m.line not in on:
            continue
        hs, ss = [], []
        for d in np.arange(-half_span_m, half_span_m + step_m / 2, step_m):
            dd, z = profile_across(dem, m.x + d * math.sin(a), m.y + d * math.cos(a), trace.strike_deg)
            h = scarp_height(dd, z)
            if math.isfinite(h["height_m"]):
                hs.append(h["height_m"])
                ss.append(h["sigma_m"])
        if not hs:
            continue
        h = float(np.median(hs))
        sig = float(max(np.std(hs), np.median(ss)))
        row: dict[str, Any] = {"line": m.line, "height_m": h, "height_sigma_m": sig, "n_profiles": len(hs)}
        if surface_age_ka:
            sr = rules.sliprate
            res = slip_rate_mc(h, surface_age_ka, throw_sigma_m=sig, age_sigma_ka=surface_age_sigma_ka or sr.age_sigma_fraction * surface_age_ka,
                               dip_deg=trace.dip_deg, dip_sigma_deg=trace.dip_sigma_deg or sr.dip_sigma_deg, n_samples=sr.n_samples,
                               seed=sr.seed + k, horizon=f"DEM scarp at {m.line} on a surface of {surface_age_ka:g} ka")
            row["slip_rate"] = res.as_dict()
        out.append(row)
    return out


def trace_sources(traces_ds: Any, fmap: Any, rules: Any, *, classes: tuple[str, ...] = ("holocene", "late_pleistocene"),
                  rakes: dict[str, float] | None = None) -> tuple[list[Any], list[str]]:
    """Hazard fault sources from a stored ``fault.traces`` result (``traces`` Dataset).

    The slip rate of a trace is the envelope of its members' slip rates from dated offsets
    (:func:`geoexplore.fault.hazard.sources.sources_from_traces`); nothing is invented: a trace with no
    dated offset on any line, or with no dip or rake (the rake comes from the sense of throw on the offset
    horizons, or ``rakes[trace id]`` given by the user), is skipped and the reason is returned.

    Returns
    -------
    sources : list of FaultSource
    skipped : list of str
        One line per trace that is not a source, with the reason.
    """
    from geoexplore.fault.hazard.sources import sources_from_traces
    from geoexplore.fault.tracestore import traces_from_dataset

    st = traces_from_dataset(traces_ds)
    traces = st["result"].traces
    profiles = {m.line: fmap.line_profile(m.line) for t in traces for m in t.members}
    return sources_from_traces(traces, profiles, rules, crs=st["crs"], geographic_crs=fmap.model.crs.get("geographic", "EPSG:4490"),
                               classes=classes, rakes=rakes, synthetic=bool(st["synthetic"]))
