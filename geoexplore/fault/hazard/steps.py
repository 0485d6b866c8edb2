"""Workflow step ``fault.hazard``: fault sources, rates, OpenQuake export and site hazard from an assessment."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from geoexplore.core.settings import Settings
from geoexplore.pipeline.step import StepContext, step


class SiteSpec(BaseModel):
    """A hazard site: name (English and Chinese), longitude and latitude (deg, CGCS2000/WGS84)."""

    name: str
    name_zh: str = ""
    lon: float = Field(..., ge=-180, le=180)
    lat: float = Field(..., ge=-90, le=90)


class HazardSettings(Settings):
    """Settings of ``fault.hazard``."""

    sites: list[SiteSpec] = Field(
        [SiteSpec(name="Siping city centre", name_zh="四平市中心", lon=124.3506, lat=43.1668)],
        description="sites for hazard curves (default: Siping city centre, 43.1668 N 124.3506 E)")
    survey_centre: bool = Field(True, description="add the centre of the assessed line as a site")
    vs30_m_s: float = Field(760.0, gt=0, description="reference Vs30 of the sites (m/s); no site amplification is applied")
    activity_classes: list[str] = Field(["holocene", "late_pleistocene"], description="activity classes that become fault sources")
    b_value: float = Field(1.0, gt=0, description="Gutenberg-Richter b (the usual crustal value)")
    b_sigma: float = Field(0.1, ge=0, description="one-sigma spread of b in the Monte Carlo")
    min_mag: float = Field(5.0, ge=4.0, le=6.5, description="smallest magnitude of the fault sources (Mw)")
    n_samples: int = Field(2000, ge=100, description="Monte Carlo samples of the rates")
    seed: int = Field(20261206, description="Monte Carlo seed")
    imts: list[Literal["PGA", "SA(0.2)", "SA(1.0)"]] = Field(["PGA", "SA(0.2)", "SA(1.0)"], description="intensity measures")
    level_min_g: float = Field(0.005, gt=0, description="lowest ground-motion level of the curves (g)")
    level_max_g: float = Field(2.0, gt=0, description="highest level (g)")
    n_levels: int = Field(30, ge=5, le=200, description="number of levels (log spaced)")
    investigation_time_yr: float = Field(50.0, gt=0, description="investigation time of the probabilities (years)")
    truncation_level: float = Field(3.0, gt=0, description="GMPE truncation (sigmas)")


def run_hazard(bundle: dict[str, Any] | None, model: Any, rules: Any, settings: HazardSettings, traces: Any = None) -> dict[str, Any]:
    """The hazard of an assessment bundle, or of fault traces when ``traces`` (a ``fault.traces`` result) is given:
    ``hazard_sources`` and (with faults) ``hazard_curves``."""
    import numpy as np

    from geoexplore.fault.hazard.logic import RateSettings
    from geoexplore.fault.hazard.psha import DEFAULT_GMPES, Site
    from geoexplore.fault.hazard.run import fault_hazard
    from geoexplore.fault.hazard.sources import sources_from_candidates
    from geoexplore.fault.hazard.store import to_datasets

    if traces is not None:
        from geoexplore.core.faultmap import fault_map
        from geoexplore.fault.multiline import trace_sources

        srcs, skipped = trace_sources(traces["traces"], fault_map(model), rules, classes=tuple(settings.activity_classes))
        line = "shallow"
    else:
        cands = bundle["candidates"]
        srcs, skipped = sources_from_candidates(cands, model, rules, classes=tuple(settings.activity_classes))
        line = str(cands.attrs.get("line", "")) or "shallow"
    sites = [Site(s.name, s.lon, s.lat, settings.vs30_m_s, s.name_zh) for s in settings.sites]
    if settings.survey_centre and model is not None and model.profile_spec:
        ln = model.lines.get(line)
        mid = 0.5 * (ln.start_m + ln.end_m) if ln is not None else 0.5 * model.profile().length_m
        lon, lat = (float(v) for v in model.profile().lonlat(mid))
        sites.append(Site(f"survey centre ({line} line)", lon, lat, settings.vs30_m_s, f"勘探测线中点（{line}）"))
    gm = {imt: DEFAULT_GMPES[imt] for imt in settings.imts}
    levels = tuple(float(v) for v in np.geomspace(settings.level_min_g, settings.level_max_g, settings.n_levels))
    st = RateSettings(b_value=settings.b_value, b_sigma=settings.b_sigma, min_mag=settings.min_mag,
                      n_samples=settings.n_samples, seed=settings.seed)
    texts: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        res = fault_hazard(srcs, rules, sites=sites, out_dir=tmp if srcs else None, rate_settings=st, gmpes=gm, levels=levels,
                           investigation_time_yr=settings.investigation_time_yr, truncation_level=settings.truncation_level,
                           title=f"{model.name if model is not None else 'survey'} fault sources")
        for p in res.exported:
            texts[p.name] = Path(p).read_text(encoding="utf-8")
    res.skipped = skipped
    out = to_datasets(res, nrml_texts=texts)
    out["hazard_sources"].attrs["settings_json"] = settings.to_json()
    return out


@step("fault.hazard", settings=HazardSettings, inputs=("assessment?", "model", "traces?"),
      figure="geoexplore.fault.hazard.steps:write_outputs")
def hazard_step(ctx: StepContext, settings: HazardSettings) -> dict[str, Any]:
    """Fault sources (slip-rate balanced MFDs), OpenQuake NRML export and site hazard curves from an assessment,
    or from the fault traces of several lines when ``traces`` is given (then the assessment is not used)."""
    from geoexplore.core.errors import WorkflowError
    from geoexplore.core.modelcodec import model_from_dataset
    from geoexplore.fault.rules import load_rules

    model = model_from_dataset(ctx.require("model"))
    traces = ctx.inputs.get("traces")
    if traces is None and ctx.inputs.get("assessment") is None:
        raise WorkflowError(f"step '{ctx.step_id}': give an 'assessment' (one line) or 'traces' (several lines) input")
    return run_hazard(ctx.inputs.get("assessment"), model, load_rules(), settings, traces=traces)


def write_outputs(result: dict[str, Any], path: str | Path) -> None:
    """Figure function of ``fault.hazard``: the hazard-curve figure at ``path`` and the NRML files in ``hazard/`` beside ``figures/``."""
    from geoexplore.fault.hazard.plot import plot_curves
    from geoexplore.fault.hazard.store import curves_from_dataset

    p = Path(path)
    texts = json.loads(result["hazard_sources"].attrs.get("nrml_json", "{}") or "{}")
    if texts:
        d = p.parent.parent / "hazard"
        d.mkdir(parents=True, exist_ok=True)
        for name, text in texts.items():
            (d / name).write_text(text, encoding="utf-8")
    if "hazard_curves" in result:
        plot_curves(curves_from_dataset(result["hazard_curves"]), p,
                    synthetic=bool(int(result["hazard_sources"].attrs.get("synthetic", 0))))
