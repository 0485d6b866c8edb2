"""The ``model.*`` workflow steps: build the geological model, load alternatives, sample it on a line."""

from __future__ import annotations

import numpy as np
import xarray as xr
from pydantic import Field

from geoexplore.core.geomodel import load_model
from geoexplore.core.modelcodec import model_from_dataset, model_to_dataset
from geoexplore.core.settings import InputFile, Settings
from geoexplore.pipeline.step import StepContext, step


class BuildSettings(Settings):
    """Settings of ``model.build``."""

    model_file: InputFile = Field("model.yaml", description="model YAML, relative to the input directory")


class SectionSettings(Settings):
    """Settings of ``model.section``: grid spacing on each line."""

    n_chainage: int = Field(401, ge=2, le=20001, description="grid points along the line")
    n_depth: int = Field(201, ge=2, le=20001, description="grid points in depth")
    max_depth_m: float | None = Field(None, gt=0, description="override the line's max depth")
    supersample: int = Field(1, ge=1, le=64, description="average s x s sub-samples per grid cell (anti-aliased upscaling)")


@step("model.build", settings=BuildSettings, inputs=())
def build(ctx: StepContext, settings: BuildSettings) -> xr.Dataset:
    """Load and validate the geological model; store it with its unit and fault tables."""
    model = load_model(ctx.path(settings.model_file))
    return model_to_dataset(model)


class LoadSettings(Settings):
    """Settings of ``model.load`` (none yet: the file is the item)."""


@step("model.load", settings=LoadSettings, fan_out="files", inputs=())
def load(ctx: StepContext, settings: LoadSettings) -> xr.Dataset:
    """Load and validate one model file per item (alternative models, scenario studies)."""
    return model_to_dataset(load_model(ctx.item_value))


@step("model.section", settings=SectionSettings, fan_out="items", inputs=("model",), figure="geoexplore.model.plot:plot_model_section")
def section(ctx: StepContext, settings: SectionSettings) -> xr.Dataset:
    """Sample the model's properties on a (depth, chainage) grid of one line."""
    model = model_from_dataset(ctx.require("model"))
    name = str(ctx.item_value if ctx.item_value is not None else ctx.line)
    if name not in model.lines:
        raise KeyError(f"line {name!r} is not in the model; lines: {sorted(model.lines)}")
    line = model.lines[name]
    zmax = settings.max_depth_m or line.max_depth_m
    x = np.linspace(line.start_m, line.end_m, settings.n_chainage)
    z = np.linspace(0.0, zmax, settings.n_depth)
    ds = model.section(x, z, supersample=settings.supersample)
    ds.attrs["line"] = name
    return ds
