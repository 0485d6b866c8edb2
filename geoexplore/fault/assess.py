"""The assessment facade: images -> indicators -> candidates -> activity, slip rate, magnitude, setback.

>>> from geoexplore.fault.assess import assess            # doctest: +SKIP
>>> result = assess({"reflection": ds_refl, "ert": ds_ert}, model=model)   # doctest: +SKIP
>>> [c.id for c in result.candidates]                      # doctest: +SKIP

Runs on whatever subset of methods exists and states what is missing.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from geoexplore.core.images import METHODS, check_image
from geoexplore.fault.activity import ActivityResult, Stratigraphy, classify_activity
from geoexplore.fault.indicators import Indicator
from geoexplore.fault.integrate import Candidate, Coverage, coverage_of, integrate
from geoexplore.fault.magnitude import magnitude_table
from geoexplore.fault.setback import CATEGORIES, overburden_thickness, setback
from geoexplore.fault.sliprate import slip_rate_mc


@dataclass
class CandidateAssessment:
    """Everything said about one candidate."""

    candidate: Candidate
    activity: ActivityResult
    dated_throws: list[dict[str, Any]] = field(default_factory=list)
    slip_rates: list[dict[str, Any]] = field(default_factory=list)
    magnitudes: list[dict[str, Any]] = field(default_factory=list)
    setbacks: list[dict[str, Any]] = field(default_factory=list)
    model_fault: str | None = None
    overburden_m: float | None = None
    length_km: float | None = None
    length_source: str = ""


@dataclass
class Assessment:
    """The assessment of one line."""

    line: str
    methods_used: list[str]
    methods_missing: list[str]
    indicators: dict[str, list[Indicator]]
    candidates: list[CandidateAssessment]
    rules: Any
    intensity: int | None
    synthetic: bool
    warnings: list[str] = field(default_factory=list)
    image_sources: dict[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        lines = [f"line {self.line}: methods {', '.join(self.methods_used) or 'none'}"
                 + (f"; missing {', '.join(self.methods_missing)}" if self.methods_missing else "")]
        for ca in self.candidates:
            c = ca.candidate
            ub = f"{c.upper_breakpoint_m:.0f} m" if c.upper_breakpoint_m is not None else "n/a"
            lines.append(f"{c.id}: {c.chainage_m:.0f} +- {c.chainage_sigma_m:.0f} m, upper breakpoint {ub}, "
                         f"{ca.activity.label_en}, confidence {c.confidence:.2f} ({c.confidence_level}), methods {','.join(c.methods)}")
        return "\n".join(lines)


def indicators_for(method: str, ds: Any, rules: Any) -> list[Indicator]:
    """Run the indicator kernel of one method on its image."""
    if method == "reflection":
        from geoexplore.fault.indicators.reflection import reflection_indicators

        return reflection_indicators(ds, rules)
    if method in ("ert", "mt"):
        from geoexplore.fault.indicators.resistivity import resistivity_indicators

        return resistivity_indicators(ds, rules)
    if method == "refraction":
        from geoexplore.fault.indicators.velocity import velocity_indicators

        return velocity_indicators(ds, rules)
    from geoexplore.fault.indicators.microtremor import microtremor_indicators

    return microtremor_indicators(ds, rules)


def _match_model_fault(model: Any, c: Candidate, tol_m: float = 60.0) -> Any:
    if model is None:
        return None
    best = None
    for f in model.faults:
        d = abs(f.position(c.upper_breakpoint_m if c.upper_breakpoint_m is not None else f.tip_depth_m) - c.chainage_m)
        if d <= tol_m + c.chainage_sigma_m and (best is None or d < best[0]):
            best = (d, f)
    return best[1] if best else None


def date_throws(c: Candidate, strat: Stratigraphy, rules: Any) -> list[dict[str, Any]]:
    """Each measured horizon with its age (footwall side), throw and status."""
    rows = []
    s = 1.0 if c.dips_toward == "increasing" else -1.0
    for t in c.throws:
        if t.get("status") == "unresolved":
            continue
        side = t.get("footwall_side", "left")
        x = float(t["chainage_m"]) + (-30.0 if side == "left" else 30.0)
        try:
            age = strat.age_at(float(t["depth_m"]), x, rules)
        except Exception as exc:  # below the dated column
            age = {"age_ka": math.nan, "sigma_ka": math.nan, "tie": f"undated ({exc})", "unit": ""}
        rows.append({**t, **{k: age[k] for k in ("age_ka", "sigma_ka", "tie", "unit")}})
    del s
    return rows


def assess_activity(c: Candidate, dated: list[dict[str, Any]], strat: Stratigraphy | None, rules: Any) -> ActivityResult:
    """Activity class of a candidate from its dated horizons (or its upper breakpoint)."""
    if strat is None:
        return classify_activity(None, None, rules, note="no stratigraphy (model or borehole table) given")
    if dated and not c.upper_breakpoint_source.startswith(("ert", "refraction")):
        offs = [r for r in dated if r["status"] == "offset" and np.isfinite(r["age_ka"])]
        if not offs:
            return classify_activity(None, None, rules, note="no offset horizon could be dated")
        off = offs[0]
        above = [r for r in dated if r["status"] == "unbroken" and r["depth_m"] < off["depth_m"] - 1.0 and np.isfinite(r["age_ka"])]
        unb = above[-1] if above else None
        return classify_activity(off, unb, rules)
    if c.upper_breakpoint_m is None:
        return classify_activity(None, None, rules, note=f"{c.upper_breakpoint_source}; no upper breakpoint")
    if not any(m in ("ert", "refraction") for m in c.methods) or c.upper_breakpoint_m is None:
        return classify_activity(None, None, rules, note=f"only {', '.join(c.methods)} see it, at {c.upper_breakpoint_m:.0f} m or deeper: "
                        "their vertical resolution does not allow dating the upper breakpoint")
    x = c.chainage_m
    zlo, zhi = c.upper_breakpoint_min_m or 0.0, c.upper_breakpoint_max_m or c.upper_breakpoint_m
    off = {**strat.age_at(zhi, x, rules), "depth_m": zhi}
    unb = {**strat.age_at(zlo, x, rules), "depth_m": zlo} if zlo > 0.5 else None
    return classify_activity(off, unb, rules, note=f"upper breakpoint from {c.upper_breakpoint_source}")


def assess(
    images: dict[str, Any],
    *,
    model: Any = None,
    stratigraphy: Stratigraphy | None = None,
    rules: Any = None,
    intensity: int | None = None,
    categories: tuple[str, ...] = CATEGORIES,
    line: str | None = None,
    image_sources: dict[str, str] | None = None,
) -> Assessment:
    """Assess faults on one line from method images.

    Parameters
    ----------
    images : dict
        Method -> image Dataset (contract of :mod:`geoexplore.core.images`);
        any subset of 'reflection', 'refraction', 'ert', 'mt', 'microtremor'.
    model : GeologicalModel, optional
        For stratigraphy (unit ages and bases), mapped fault lengths, Vs columns and design intensity.
    stratigraphy : Stratigraphy, optional
        Overrides the model's stratigraphy (e.g. a borehole table).
    rules : Rules, optional
        Default: the GB 50011-2010 table.
    intensity : int, optional
        Design intensity; default from ``model.meta['design_intensity']``.
    """
    from geoexplore.fault.rules import load_rules

    rules = rules or load_rules()
    warnings: list[str] = []
    for m, ds in images.items():
        got = check_image(ds, m)
        if got != m:
            warnings.append(f"image given as {m} says method {got}")
    used = [m for m in METHODS if m in images]
    missing = [m for m in METHODS if m not in images]
    if missing:
        warnings.append(f"missing methods: {', '.join(missing)}; the assessment uses {', '.join(used) or 'nothing'}")
    inds: dict[str, list[Indicator]] = {}
    cov: dict[str, Coverage] = {}
    for m in used:
        inds[m] = indicators_for(m, images[m], rules)
        cov[m] = coverage_of(images[m], m)
    cands = integrate(inds, rules, cov)
    strat = stratigraphy or (Stratigraphy.from_model(model) if model is not None else None)
    if strat is None:
        warnings.append("no stratigraphy: activity classes are undetermined")
    if intensity is None and model is not None:
        intensity = model.meta.get("design_intensity")
        intensity = int(intensity) if intensity is not None else None
    synthetic = any(int(ds.attrs.get("synthetic", 0)) for ds in images.values())
    out = []
    for c in cands:
        dated = date_throws(c, strat, rules) if (strat is not None and c.throws) else []
        act = assess_activity(c, dated, strat, rules)
        ca = CandidateAssessment(candidate=c, activity=act, dated_throws=dated)
        # slip rates for dated offset horizons
        sr = rules.sliprate
        for k, r in enumerate([r for r in dated if r["status"] == "offset" and np.isfinite(r["age_ka"])]):
            ts = max(float(r["sigma_m"]), sr.min_throw_sigma_m)
            asig = float(r["sigma_ka"]) if r["sigma_ka"] and r["sigma_ka"] > 0 else sr.age_sigma_fraction * float(r["age_ka"])
            res = slip_rate_mc(abs(float(r["throw_m"])), float(r["age_ka"]), throw_sigma_m=ts, age_sigma_ka=asig,
                               dip_deg=c.dip_deg, dip_sigma_deg=(c.dip_sigma_deg or sr.dip_sigma_deg),
                               n_samples=sr.n_samples, seed=sr.seed + k, horizon=f"{r['tie']} ({r['depth_m']:.0f} m)")
            ca.slip_rates.append(res.as_dict())
        mf = _match_model_fault(model, c)
        rake = mf.rake_deg if mf is not None else None
        if mf is not None:
            ca.model_fault = mf.name
            ca.length_km = mf.length_km
            ca.length_source = f"mapped length of {mf.name} from the geological model (not from the geophysics)"
        if ca.length_km:
            ca.magnitudes = [m.as_dict() for m in magnitude_table(ca.length_km, c.dip_deg, rake, rules)]
        if model is not None:
            col = model.column(c.chainage_m, max_depth_m=600.0, dz_m=0.5)
            ca.overburden_m = overburden_thickness(col["thickness_m"], col["vs_m_s"], rules)
        if intensity is not None:
            cover = c.upper_breakpoint_m
            for cat in categories:
                ca.setbacks.append(setback(intensity, cat, act.class_id, rules, cover_m=cover,
                                           buried=(cover or 0) > 0).as_dict())
        out.append(ca)
    return Assessment(
        line=line or str(next(iter(images.values())).attrs.get("line", "")) if images else (line or ""),
        methods_used=used, methods_missing=missing, indicators=inds, candidates=out, rules=rules,
        intensity=intensity, synthetic=synthetic, warnings=warnings, image_sources=dict(image_sources or {}),
    )


# -- to and from the store ------------------------------------------------------------
def to_datasets(a: Assessment) -> dict[str, Any]:
    """The assessment as storable Datasets (tables with one dimension each)."""
    import xarray as xr

    from geoexplore.fault.indicators import indicators_table

    cs = [ca.candidate for ca in a.candidates]
    n = len(cs)

    def col(vals: list[Any]) -> np.ndarray:
        return np.array([np.nan if v is None else float(v) for v in vals], float)

    def scol(vals: list[Any]) -> np.ndarray:
        return np.array([str(v) for v in vals], dtype=str) if vals else np.array([], dtype=str)

    cand = xr.Dataset(
        {
            "chainage_m": ("candidate", col([c.chainage_m for c in cs])),
            "chainage_sigma_m": ("candidate", col([c.chainage_sigma_m for c in cs])),
            "surface_chainage_m": ("candidate", col([c.surface_chainage_m for c in cs])),
            "dip_deg": ("candidate", col([c.dip_deg for c in cs])),
            "dip_sigma_deg": ("candidate", col([c.dip_sigma_deg for c in cs])),
            "dips_toward": ("candidate", scol([c.dips_toward or "" for c in cs])),
            "upper_breakpoint_m": ("candidate", col([c.upper_breakpoint_m for c in cs])),
            "upper_breakpoint_sigma_m": ("candidate", col([c.upper_breakpoint_sigma_m for c in cs])),
            "upper_breakpoint_min_m": ("candidate", col([c.upper_breakpoint_min_m for c in cs])),
            "upper_breakpoint_max_m": ("candidate", col([c.upper_breakpoint_max_m for c in cs])),
            "upper_breakpoint_source": ("candidate", scol([c.upper_breakpoint_source for c in cs])),
            "depth_bottom_m": ("candidate", col([c.depth_bottom_m for c in cs])),
            "methods": ("candidate", scol([",".join(c.methods) for c in cs])),
            "confidence": ("candidate", col([c.confidence for c in cs])),
            "confidence_level": ("candidate", scol([c.confidence_level for c in cs])),
            "activity_class": ("candidate", scol([ca.activity.class_id for ca in a.candidates])),
            "activity_label_en": ("candidate", scol([ca.activity.label_en for ca in a.candidates])),
            "activity_label_zh": ("candidate", scol([ca.activity.label_zh for ca in a.candidates])),
            "activity_reason": ("candidate", scol([ca.activity.reason for ca in a.candidates])),
            "model_fault": ("candidate", scol([ca.model_fault or "" for ca in a.candidates])),
            "length_km": ("candidate", col([ca.length_km for ca in a.candidates])),
            "overburden_m": ("candidate", col([ca.overburden_m for ca in a.candidates])),
            "contradictions_json": ("candidate", scol([json.dumps(c.contradictions, ensure_ascii=False) for c in cs])),
            "notes_json": ("candidate", scol([json.dumps(c.notes, ensure_ascii=False) for c in cs])),
            "not_seen_by": ("candidate", scol([",".join(c.not_seen_by) for c in cs])),
            "not_covered_by": ("candidate", scol([",".join(c.not_covered_by) for c in cs])),
            "detail_json": ("candidate", scol([json.dumps({
                "throws": ca.dated_throws, "slip_rates": ca.slip_rates, "magnitudes": ca.magnitudes,
                "setbacks": ca.setbacks, "length_source": ca.length_source,
                "activity": ca.activity.as_dict()}, default=_jsonable) for ca in a.candidates])),
        },
        coords={"candidate": scol([c.id for c in cs]) if n else np.array([], dtype=str)},
        attrs={
            "line": a.line, "synthetic": int(a.synthetic), "methods_used": ",".join(a.methods_used),
            "methods_missing": ",".join(a.methods_missing), "warnings_json": json.dumps(a.warnings, ensure_ascii=False),
            "design_intensity": -1 if a.intensity is None else int(a.intensity),
            "position_convention": "chainage_m is the fault-plane position at the upper breakpoint (tip chainage); "
                                   "surface_chainage_m its projection along the dip",
            "image_sources_json": json.dumps(a.image_sources),
            **a.rules.provenance(),
        },
    )
    allinds = [i for m in a.methods_used for i in a.indicators.get(m, [])]
    ind = indicators_table(allinds)
    ind.attrs.update({"line": a.line, "synthetic": int(a.synthetic)})
    return {"candidates": cand, "indicators": ind}


def _jsonable(v: Any) -> Any:
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, np.ndarray):
        return v.tolist()
    return str(v)
