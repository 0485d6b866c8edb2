"""Workflow steps of seismic refraction: pick -> picks (table) -> tomo (refraction image) -> statics.

* ``refraction.pick`` (one per SEG-2/SEG-Y file): first-break picks of one shot.
* ``refraction.picks``: all shots' picks in one table, reciprocity checked.
* ``refraction.tomo``: traveltime tomography with topography; returns the
  ``refraction`` image (``vp_m_s``, ``coverage``, ``mask`` on depth_m x
  chainage_m, ``elevation_m``) and the cell model with the data fit.
* ``refraction.statics``: per-station refraction statics from the
  tomogram, for the reflection flow (``station`` table: chainage_m,
  elevation_m, weathering_thickness_m, weathering_time_ms, static_ms).
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import xarray as xr

from geoexplore.pipeline.step import StepContext, step
from geoexplore.seismic.refraction.settings import (
    PickSettings,
    PicksSettings,
    RefractionTomoSettings,
    StaticsSettings,
    TomoSettings,
)


def _pick_dataset(table: Any) -> xr.Dataset:
    ds = xr.Dataset({c: ("pick", table[c].to_numpy()) for c in table.columns if c not in ("flags", "source_file")})
    ds["flags"] = ("pick", np.array([str(f) for f in table["flags"]], dtype=str))
    ds["source_file"] = ("pick", np.array([str(f) for f in table["source_file"]], dtype=str))
    return ds


def dataset_to_table(ds: xr.Dataset) -> Any:
    """Rebuild a picks table (DataFrame) from a stored ``refraction.pick(s)`` Dataset."""
    import pandas as pd

    df = pd.DataFrame({k: np.asarray(ds[k].values) for k in ds.data_vars})
    for k in ("flags", "source_file"):
        df[k] = [v.decode() if isinstance(v, bytes) else str(v) for v in df[k]] if k in df else [""] * len(df)
    return df


@step("refraction.pick", settings=PickSettings, fan_out="files", inputs=(), figure="geoexplore.seismic.refraction.plot:plot_shot_picks")
def pick(ctx: StepContext, settings: PickSettings) -> xr.Dataset:
    """Pick first breaks on one shot record (SEG-2, SEG-Y or SU)."""
    from geoexplore.seismic import io
    from geoexplore.seismic.refraction.pick_tables import pick_file

    g = io.read(ctx.item_value, coordinate_unit=settings.coordinate_unit)
    table = pick_file(g, settings)
    ds = _pick_dataset(table)
    ds.attrs.update({"source_file": str(ctx.item or ""), "source_path": str(ctx.item_value),
                     "dt_s": float(g.attrs["dt_s"]), "synthetic": int(settings.synthetic),
                     "pick_methods": ",".join(table.attrs.get("methods", [])),
                     "calibrate_errors": settings.calibrate_errors})
    return ds


@step("refraction.picks", settings=PicksSettings, inputs=("picks",), figure="geoexplore.seismic.refraction.plot:plot_pick_table")
def picks(ctx: StepContext, settings: PicksSettings) -> xr.Dataset:
    """All shots' picks in one table, with the reciprocity check across shots."""
    import pandas as pd

    from geoexplore.seismic.refraction.pick_tables import (
        calibrate_errors,
        check_reciprocity,
    )

    upstream = ctx.require("picks")
    items = upstream.items() if isinstance(upstream, dict) else [("", upstream)]
    tables = []
    synthetic = 0
    next_shot = 1
    for _, ds in sorted(items, key=lambda kv: str(kv[0])):
        synthetic = max(synthetic, int(ds.attrs.get("synthetic", 0)))
        t = dataset_to_table(ds)
        codes, _ = pd.factorize(t["shot"])  # shots of this file, numbered on across files
        t["shot"] = next_shot + codes
        next_shot += int(codes.max()) + 1 if len(codes) else 0
        tables.append(t)
    table = pd.concat(tables, ignore_index=True)
    table = check_reciprocity(table, tol_s=settings.reciprocity_tolerance_s, rel_tol=settings.reciprocity_rel_tolerance)
    dss = [ds for _, ds in items]
    methods = [m for ds in dss for m in str(ds.attrs.get("pick_methods", "")).split(",") if m]
    modes = {str(ds.attrs.get("calibrate_errors", "auto")) for ds in dss}
    table, info = calibrate_errors(table, methods if len(methods) >= len(dss) else [], modes.pop() if len(modes) == 1 else "off")
    ds = _pick_dataset(table)
    ds.attrs.update({f"error_model_{k}": v for k, v in info.items()})
    ds.attrs["n_shots"] = len(tables)
    ds.attrs["synthetic"] = synthetic
    ds.attrs["n_used"] = int(table["use"].sum())
    return ds


@step("refraction.tomo", settings=RefractionTomoSettings, inputs=("picks", "model?"), figure="geoexplore.seismic.refraction.plot:plot_tomogram")
def tomo(ctx: StepContext, settings: RefractionTomoSettings) -> dict[str, xr.Dataset]:
    """Traveltime tomography of the picks; the ``refraction`` image and the cell model with the fit."""
    from geoexplore.seismic.refraction.pick_tables import table_to_traveltime
    from geoexplore.seismic.refraction.tomography import (
        invert,
        result_to_dataset,
        to_image,
    )

    table = dataset_to_table(ctx.require("picks"))
    data = table_to_traveltime(table)
    x0 = float(np.floor(data.sensors[:, 0].min()))
    data.sensors[:, 0] -= x0  # local coordinates for the mesh; chainage restored below
    tomo_settings = TomoSettings(**{k: v for k, v in settings.model_dump().items() if k in TomoSettings.model_fields})
    res = invert(data, tomo_settings)  # a missing or partial uncertainty is logged there (attach_spread)
    synthetic = int(ctx.require("picks").attrs.get("synthetic", 0))
    if "model" in ctx.inputs and ctx.inputs["model"] is not None:
        synthetic = max(synthetic, int(ctx.inputs["model"].attrs.get("synthetic", 0)))
    img = to_image(res, line=ctx.line, synthetic=bool(synthetic), chainage_offset_m=x0, dx_m=settings.image_dx_m,
                   dz_m=settings.image_dz_m, max_depth_m=settings.image_max_depth_m)
    img.attrs["settings_json"] = json.dumps(settings.model_dump())
    if res.uncertainty_message:
        img.attrs["uncertainty_message"] = res.uncertainty_message
    cells = result_to_dataset(res, chainage_offset_m=x0)
    cells.attrs["synthetic"] = synthetic
    cells.attrs["line"] = ctx.line
    return {"image": img, "model": cells}


@step("refraction.statics", settings=StaticsSettings, inputs=("tomogram",))
def statics(ctx: StepContext, settings: StaticsSettings) -> xr.Dataset:
    """Per-station refraction statics (ms) to a flat datum, from the tomogram."""
    from geoexplore.seismic.refraction.tomogram_statics import tomogram_statics

    t = ctx.require("tomogram")
    img = t["image"] if isinstance(t, dict) else t
    ch = np.asarray(img["chainage_m"].values, float)
    if settings.station_spacing_m:
        st = np.arange(ch[0], ch[-1] + 1e-9, settings.station_spacing_m)
        img = img.interp(chainage_m=st)
        ch = st
    v = np.asarray(img["vp_m_s"].values, float)
    e = np.asarray(img["elevation_m"].values, float)
    datum = float(np.max(e)) if settings.datum_elevation_m is None else settings.datum_elevation_m
    r = tomogram_statics(np.asarray(img["depth_m"].values, float), v, e, v_replacement_m_s=settings.v_replacement_m_s,
                        datum_elevation_m=datum)
    return xr.Dataset(
        {
            "elevation_m": ("station", e),
            "weathering_thickness_m": ("station", r["weathering_thickness_m"]),
            "weathering_time_ms": ("station", r["weathering_time_s"] * 1000),
            "static_ms": ("station", r["static_s"] * 1000),
        },
        coords={"station": np.arange(ch.size), "chainage_m": ("station", ch)},
        attrs={"method": "refraction-statics", "line": str(img.attrs.get("line", ctx.line)),
               "synthetic": int(img.attrs.get("synthetic", 1)), "datum_elevation_m": datum,
               "v_replacement_m_s": settings.v_replacement_m_s,
               "convention": "static_ms is the shift to add to a trace at the station (negative = earlier); "
                             "total trace static = source station + receiver station"},
    )


__all__ = ["PickSettings", "PicksSettings", "RefractionTomoSettings", "StaticsSettings", "dataset_to_table",
           "pick", "picks", "statics", "tomo"]
