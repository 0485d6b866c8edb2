"""Workflow steps for several lines: ``fault.line_assess`` (one Dask task per line) and ``fault.traces``.

``fault.line_assess`` fans out over line names (``foreach: {items: [S1, shallow, S3, S4]}``): each item
assesses that line's method images (the inputs whose ``line`` attribute is the item) with the 2D model along
that line (:meth:`geoexplore.core.faultmap.FaultMap.line_model`); the store keeps one result per line
(``fault/<step id>/<line>``). ``fault.traces`` joins them into traces, adds the DEM's scarps, magnitudes
from the traced lengths and setback polygons (see :mod:`geoexplore.fault.traces`).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from geoexplore.core.settings import InputFile, Settings
from geoexplore.pipeline.step import StepContext, step

SHALLOW = ("reflection", "refraction", "ert", "microtremor")


class LineAssessSettings(Settings):
    """Settings of ``fault.line_assess``."""

    methods: list[Literal["reflection", "refraction", "ert", "microtremor", "mt"]] = Field(
        list(SHALLOW), description="methods assessed on each line")
    use_test_images: bool = Field(False, description="fill methods without an image on the line with SYNTHETIC TEST IMAGES "
                                                     "computed from the model along that line (labelled; for development only)")
    rules_file: InputFile | None = Field(None, description="rules table YAML (default: GB 50011-2010 table)")
    design_intensity: int | None = Field(None, ge=6, le=9, description="design seismic intensity (default: model meta)")


@step("fault.line_assess", settings=LineAssessSettings, fan_out="items", inputs=("model", "*"))
def line_assess_step(ctx: StepContext, settings: LineAssessSettings) -> dict[str, Any]:
    """Fault candidates of one line (the item) from the method images on that line."""
    from geoexplore.core.errors import WorkflowError
    from geoexplore.core.faultmap import fault_map
    from geoexplore.core.modelcodec import model_from_dataset
    from geoexplore.fault.assess import assess, to_datasets
    from geoexplore.fault.images import images_from_inputs
    from geoexplore.fault.multiline import line_test_images
    from geoexplore.fault.rules import load_rules

    line = str(ctx.item or ctx.line)
    fm = fault_map(model_from_dataset(ctx.require("model")))
    if line not in fm.lines:
        raise WorkflowError(f"step '{ctx.step_id}': line {line!r} is not in the model's along_strike.lines {sorted(fm.lines)}")
    lm = fm.line_model(line)
    images, sources = images_from_inputs({k: v for k, v in ctx.inputs.items() if k != "model"}, line)
    images = {m: ds for m, ds in images.items() if str(ds.attrs.get("line", "")) == line and m in settings.methods}
    sources = {m: sources[m] for m in images}
    if settings.use_test_images:
        missing = tuple(m for m in settings.methods if m not in images and m != "mt")
        for m, ds in line_test_images(lm, line, missing).items():
            images[m], sources[m] = ds, "SYNTHETIC TEST IMAGE (geoexplore.fault.synth, not a method result)"
    if not images:
        raise WorkflowError(f"step '{ctx.step_id}': no method image on line {line!r} among the inputs {sorted(ctx.inputs)}")
    rules = load_rules(ctx.path(settings.rules_file) if settings.rules_file else None)
    a = assess(images, model=lm, rules=rules, intensity=settings.design_intensity, line=line, image_sources=sources)
    out = to_datasets(a)
    out["candidates"].attrs["line"] = line
    return out


class TracesSettings(Settings):
    """Settings of ``fault.traces`` (the correlation rule's thresholds: geoexplore.fault.traces.CorrelationRules)."""

    dem_file: InputFile | None = Field(None, description="DEM GeoTIFF (projected CRS, metres) for scarps; none: no terrain evidence")
    strike_prior_deg: float | None = Field(None, description="regional strike (deg) ordering the lines (default: the model's along-strike axis)")
    strike_prior_sigma_deg: float = Field(10.0, gt=0, le=45)
    max_lateral_m: float = Field(600.0, gt=0)
    min_score: float = Field(0.3, gt=0, le=1)
    segment_strike_change_deg: float = Field(8.0, gt=0)
    rules_file: InputFile | None = Field(None, description="rules table YAML (default: GB 50011-2010 table)")
    design_intensity: int | None = Field(None, ge=6, le=9, description="design seismic intensity (default: model meta)")
    categories: list[Literal["A", "B", "C", "D"]] = Field(["A", "B", "C", "D"], description="building categories for setbacks")
    dem_cell_m: float = Field(20.0, gt=0, description="cell of the DEM copy kept with the result for the map (m)")
    scarp_surface_age_ka: float | None = Field(None, gt=0, description="age of the surface the scarps offset (ka), if dated: "
                                                                     "scarp heights then give slip rates")
    scarp_surface_age_sigma_ka: float | None = Field(None, gt=0, description="its one-sigma uncertainty (ka; default: the rules' fraction)")


@step("fault.traces", settings=TracesSettings, inputs=("model", "lines"), figure="geoexplore.fault.mapplot:plot_traces_result")
def traces_step(ctx: StepContext, settings: TracesSettings) -> dict[str, Any]:
    """Fault traces from the per-line candidates, DEM scarps, traced magnitudes and setback polygons."""
    from geoexplore.core.faultmap import fault_map
    from geoexplore.core.modelcodec import model_from_dataset
    from geoexplore.fault.rules import load_rules
    from geoexplore.fault.traces import CorrelationRules

    fm = fault_map(model_from_dataset(ctx.require("model")))
    bundles = dict(ctx.require("lines"))
    corr = CorrelationRules(strike_prior_deg=settings.strike_prior_deg if settings.strike_prior_deg is not None else fm.axis_azimuth_deg,
                            strike_prior_sigma_deg=settings.strike_prior_sigma_deg, max_lateral_m=settings.max_lateral_m,
                            min_score=settings.min_score, segment_strike_change_deg=settings.segment_strike_change_deg)
    dem = None
    if settings.dem_file:
        from geoexplore.core.dem import read_dem

        dem = read_dem(ctx.path(settings.dem_file))
    rules = load_rules(ctx.path(settings.rules_file) if settings.rules_file else None)
    intensity = settings.design_intensity or fm.model.meta.get("design_intensity")
    return run_traces(fm, bundles, dem=dem, rules=rules, correlation=corr, intensity=int(intensity) if intensity else None,
                      categories=tuple(settings.categories), dem_cell_m=settings.dem_cell_m,
                      surface_age_ka=settings.scarp_surface_age_ka, surface_age_sigma_ka=settings.scarp_surface_age_sigma_ka)


def run_traces(fm: Any, bundles: dict[str, Any], *, dem: Any = None, rules: Any = None, correlation: Any = None,
               intensity: int | None = None, categories: tuple[str, ...] = ("A", "B", "C", "D"), dem_cell_m: float = 20.0,
               surface_age_ka: float | None = None, surface_age_sigma_ka: float | None = None) -> dict[str, Any]:
    """Traces + hazard as storable Datasets: ``traces`` and (with a DEM) ``dem`` (a coarser copy for the map)."""
    from geoexplore.fault.multiline import (
        line_vertices,
        scarp_evidence,
        trace_faults,
        trace_hazard,
    )
    from geoexplore.fault.rules import load_rules
    from geoexplore.fault.terrain import detect_scarps
    from geoexplore.fault.tracestore import traces_to_dataset

    rules = rules or load_rules()
    res = trace_faults(fm, bundles, dem=dem, rules=rules, correlation=correlation)
    hazard = {}
    for t in res.traces:
        names = {m.model_fault for m in t.members} - {""}
        fb = fm.model.fault(names.pop()) if len(names) == 1 else None
        hazard[t.id] = trace_hazard(t, rules, intensity=intensity, categories=categories,
                                    fallback_length_km=fb.length_km if fb else None,
                                    fallback_source=f"mapped length of {fb.name} from the geological model" if fb else "")
        if dem is not None:
            hazard[t.id]["scarp_heights"] = scarp_evidence(t, dem, rules, surface_age_ka=surface_age_ka,
                                                           surface_age_sigma_ka=surface_age_sigma_ka)
    synthetic = fm.model.synthetic or any(int(b["candidates"].attrs.get("synthetic", 0)) for b in bundles.values())
    scarps = detect_scarps(dem) if dem is not None else []
    out = {"traces": traces_to_dataset(res, crs=fm.crs, scarps=scarps, lines=line_vertices(fm, list(bundles)), hazard=hazard,
                                       synthetic=synthetic)}
    if dem is not None:
        k = max(1, int(round(dem_cell_m / float(dem.attrs["cell_m"]))))
        small = dem.coarsen(x=k, y=k, boundary="trim").mean()
        small.attrs.update({**dem.attrs, "cell_m": float(dem.attrs["cell_m"]) * k})
        out["dem"] = small.to_dataset(name="elevation_m")
    return out
