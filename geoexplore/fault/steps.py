"""Workflow steps of the fault package: ``fault.assess``."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from geoexplore.core.settings import InputFile, Settings
from geoexplore.pipeline.step import StepContext, step


class AssessSettings(Settings):
    """Settings of ``fault.assess``."""

    rules_file: InputFile | None = Field(None, description="rules table YAML relative to the input directory (default: GB 50011-2010 table)")
    stratigraphy_file: InputFile | None = Field(None, description="borehole stratigraphy CSV relative to the input directory (default: the model's units)")
    design_intensity: int | None = Field(None, ge=6, le=9, description="design seismic intensity (default: model meta design_intensity)")
    categories: list[Literal["A", "B", "C", "D"]] = Field(["A", "B", "C", "D"], description="building categories for setbacks")
    use_test_images: bool = Field(False, description="fill missing methods with SYNTHETIC TEST IMAGES computed from the model (labelled; for development only)")
    thumbnail_cells: int = Field(300, ge=20, le=5000, description="max cells per axis of the image copies kept for the report")


def run_assessment(images: dict[str, Any], sources: dict[str, str], model: Any, settings: AssessSettings, rules: Any,
                   strat: Any = None, line: str | None = None) -> dict[str, Any]:
    """Assess and bundle: candidates, indicators and image thumbnails (``img_<method>``)."""
    from geoexplore.fault.assess import assess, to_datasets
    from geoexplore.fault.images import thumbnail

    a = assess(images, model=model, stratigraphy=strat, rules=rules, intensity=settings.design_intensity,
               categories=tuple(settings.categories), line=line, image_sources=sources)
    out = to_datasets(a)
    if model is not None:
        import json

        out["candidates"].attrs["model_json"] = json.dumps(model.to_dict())
    for m, ds in images.items():
        th = thumbnail(ds, settings.thumbnail_cells)
        th.attrs["source"] = sources.get(m, "")
        out[f"img_{m}"] = th
    return out


@step("fault.assess", settings=AssessSettings, inputs=("model", "*"), figure="geoexplore.report.composite:plot_bundle")
def assess_step(ctx: StepContext, settings: AssessSettings) -> dict[str, Any]:
    """Fault candidates, activity, slip rate, magnitude and setback from whatever method images are inputs."""
    from geoexplore.core.modelcodec import model_from_dataset
    from geoexplore.fault.activity import Stratigraphy
    from geoexplore.fault.images import images_from_inputs
    from geoexplore.fault.rules import load_rules

    model = model_from_dataset(ctx.require("model"))
    images, sources = images_from_inputs(ctx.inputs, ctx.line)
    if settings.use_test_images:
        from geoexplore.fault.synth import test_images

        missing = tuple(m for m in ("reflection", "refraction", "ert", "mt", "microtremor") if m not in images)
        for m, ds in test_images(model, methods=missing).items():
            images[m] = ds
            sources[m] = "SYNTHETIC TEST IMAGE (geoexplore.fault.synth, not a method result)"
    rules = load_rules(ctx.path(settings.rules_file) if settings.rules_file else None)
    strat = Stratigraphy.from_table(ctx.path(settings.stratigraphy_file)) if settings.stratigraphy_file else None
    if not images:
        from geoexplore.core.errors import WorkflowError

        raise WorkflowError(f"step '{ctx.step_id}': no method image among the inputs {sorted(ctx.inputs)}")
    return run_assessment(images, sources, model, settings, rules, strat, ctx.line)


def store_file(path: str | Path) -> Path:
    """The project store file of ``path``: ``path/project.h5`` for a run directory, else ``path``."""
    p = Path(path)
    return p / "project.h5" if p.is_dir() else p


def assess_store(
    store: str | Path,
    *,
    line: str = "shallow",
    rules_file: str | Path | None = None,
    stratigraphy_file: str | Path | None = None,
    intensity: int | None = None,
    use_test_images: bool = False,
) -> tuple[dict[str, Any], Any]:
    """Assess the method images of a project store (what ``geoexplore assess`` and ``report`` read).

    Parameters
    ----------
    store : path-like
        ``project.h5`` or the run directory holding it.
    line : str
        Survey line to assess.
    rules_file, stratigraphy_file : path-like, optional
        Rules table YAML (default: GB 50011-2010) and borehole stratigraphy
        CSV (default: the model's units).
    intensity : int, optional
        Design seismic intensity (6-9; default: the model's meta).
    use_test_images : bool
        Fill missing methods with labelled SYNTHETIC TEST IMAGES from the model.

    Returns
    -------
    bundle : dict of xarray.Dataset
        As :func:`run_assessment`.
    model : GeologicalModel or None
        The stored model.

    Raises
    ------
    StoreError
        If there is no store at ``store``.
    GeoexploreError
        If the store holds no method image (or test images are asked without a model).
    """
    from geoexplore.core.errors import GeoexploreError, StoreError
    from geoexplore.core.store import ProjectStore
    from geoexplore.fault.activity import Stratigraphy
    from geoexplore.fault.images import images_from_store, model_from_store
    from geoexplore.fault.rules import load_rules

    sp = store_file(store)
    if not sp.is_file():
        raise StoreError(f"{sp}: no project store")
    ps = ProjectStore(sp)
    ps.check()
    model = model_from_store(ps)
    images, sources = images_from_store(ps, line)
    if use_test_images:
        if model is None:
            raise GeoexploreError("--test-images needs a model in the store")
        from geoexplore.fault.synth import test_images

        missing = tuple(m for m in ("reflection", "refraction", "ert", "mt", "microtremor") if m not in images)
        for m, ds in test_images(model, methods=missing).items():
            images[m], sources[m] = ds, "SYNTHETIC TEST IMAGE (geoexplore.fault.synth, not a method result)"
    if not images:
        raise GeoexploreError(f"{sp}: no method image (reflection, refraction, ert, mt, microtremor) in the store; nothing to assess")
    settings = AssessSettings(design_intensity=intensity)
    rules = load_rules(rules_file)
    strat = Stratigraphy.from_table(stratigraphy_file) if stratigraphy_file else None
    return run_assessment(images, sources, model, settings, rules, strat, line), model


# the multi-line steps (fault.line_assess, fault.traces) register with this module
import geoexplore.fault.linesteps  # noqa: E402,F401
