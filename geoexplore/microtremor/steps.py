"""Workflow steps of the microtremor package.

* ``microtremor.hvsr`` (fan-out over record files): single-station H/V;
* ``microtremor.array`` : SPAC/MSPAC + FK dispersion of an array and the Vs inversion;
* ``microtremor.thickness`` : f0 and sediment thickness along the line: the
  ``microtremor`` image table of :mod:`geoexplore.core.images`.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import xarray as xr

from geoexplore.microtremor.arrays import read_array_table
from geoexplore.microtremor.settings import (
    ArraySettings,
    HvsrSettings,
    HvsrStepSettings,
    ThicknessStepSettings,
)
from geoexplore.pipeline.step import StepContext, step

__all__ = ["ArraySettings", "HvsrStepSettings", "ThicknessStepSettings", "array", "hvsr", "read_array_table", "thickness"]


def _station_table(ctx: StepContext, name: str | None) -> dict[str, dict]:
    if not name:
        return {}
    data = json.loads(ctx.path(name).read_text())
    return {Path(r["file"]).name: r for r in data.get("stations", [])}


@step("microtremor.hvsr", settings=HvsrStepSettings, fan_out="files", inputs=(), figure="geoexplore.microtremor.plot:plot_hvsr",
      stack_items=True)
def hvsr(ctx: StepContext, settings: HvsrStepSettings) -> xr.Dataset:
    """Single-station H/V of one record (windows, curves, f0, SESAME criteria)."""
    from geoexplore.microtremor.io import read_record
    from geoexplore.microtremor.process import hvsr_to_dataset, process_record

    path = Path(ctx.item_value)
    rec = read_record(path, channels=settings.channels, expected_fs_hz=settings.expected_fs_hz, columns=settings.columns)
    base = HvsrSettings(**{k: v for k, v in settings.model_dump().items() if k in HvsrSettings.model_fields})
    res = process_record(rec, base)
    return hvsr_to_dataset(res, chainage_m=_station_table(ctx, settings.stations_file).get(path.name, {}).get("chainage_m"),
                           synthetic=settings.synthetic, source=path.name)


@step("microtremor.array", settings=ArraySettings, inputs=(), figure="geoexplore.microtremor.plot:plot_array")
def array(ctx: StepContext, settings: ArraySettings) -> xr.Dataset:
    """SPAC/MSPAC and FK dispersion of an array; Vs inversion with an ensemble, Vs30 and depth to the half-space."""
    from geoexplore.microtremor.arrays import process_array, read_array

    rows, xy, recs = read_array(ctx.path(settings.array_file))
    return process_array(recs, xy, settings, stations=[r["station"] for r in rows]).dataset


@step("microtremor.thickness", settings=ThicknessStepSettings, inputs=("hvsr", "array?"), figure="geoexplore.microtremor.plot:plot_thickness_profile")
def thickness(ctx: StepContext, settings: ThicknessStepSettings) -> xr.Dataset:
    """f0 and sediment thickness per station along the line: the ``microtremor`` image table."""
    from geoexplore.core.images import check_image
    from geoexplore.microtremor.depth_conversion import (
        power_law,
        power_law_coefficients,
        power_law_with_error,
        quarter_wavelength,
        sh_transfer_depth,
        step_fit,
        thickness_with_error,
    )

    per = ctx.require("hvsr")
    items = per.values() if isinstance(per, dict) else [per]
    ds_list = [d for d in items if d is not None and np.isfinite(d.attrs.get("chainage_m", np.nan))]
    ds_list.sort(key=lambda d: d.attrs["chainage_m"])
    ch = np.array([d.attrs["chainage_m"] for d in ds_list])
    f0 = np.array([d.attrs["f0_hz"] for d in ds_list])
    n = np.array([d.attrs["n_windows"] for d in ds_list])
    # uncertainty of ln f0 of the median curve: bootstrap over windows (older results: the standard error)
    sig_f0 = np.array([d.attrs.get("f0_sigma_ln", d.attrs["f0_windows_sigma_ln"] / np.sqrt(max(d.attrs["n_windows"], 1)))
                       for d in ds_list])
    arr = ctx.inputs.get("array")
    if settings.method == "power_law":
        a, b, coef, _ = power_law_coefficients(settings)
        conv = lambda f: power_law(f, a, b)  # noqa: E731
        how = f"power law h = {a:g} f0^-{b:g}"
    else:
        if arr is None:
            raise ValueError(f"thickness method {settings.method!r} needs the 'array' input (a Vs profile)")
        th = np.asarray(arr["best_thickness_m"].values)
        vs_all = np.asarray(arr["best_vs_m_s"].values)
        top_all = np.r_[0.0, np.cumsum(th)][: vs_all.size]
        sed = vs_all < settings.bedrock_vs_m_s
        if not sed[0]:
            raise ValueError(f"the inverted profile has no layer slower than bedrock_vs_m_s = {settings.bedrock_vs_m_s} m/s")
        nsed = int(np.argmin(sed)) if not sed.all() else sed.size
        top, vs = top_all[:nsed], vs_all[:nsed]
        hs_default = float(vs_all[nsed]) if nsed < vs_all.size else settings.bedrock_vs_m_s
        if settings.method == "quarter_wavelength":
            conv = lambda f: quarter_wavelength(f, top, vs)  # noqa: E731
            how = "quarter wavelength through the inverted Vs profile"
        else:
            hs = settings.halfspace_vs_m_s or hs_default
            conv = lambda f: sh_transfer_depth(f, top, vs, np.full(vs.size, 2000.0), halfspace_vs_m_s=hs)  # noqa: E731
            how = f"SH transfer function of the inverted Vs profile over a half-space of {hs:.0f} m/s"
    if settings.method == "power_law":
        h, herr, _ = power_law_with_error(f0, sig_f0, a, b, coef_sigma_ln=coef)  # preset: + the spread of the published fits
    else:
        h, herr = thickness_with_error(f0, sig_f0, conv)
    out = xr.Dataset(
        {
            "chainage_m": (("station",), ch), "f0_hz": (("station",), f0), "f0_sigma_ln": (("station",), sig_f0),
            "thickness_m": (("station",), h), "thickness_err_m": (("station",), herr),
            "a0": (("station",), np.array([d.attrs["a0"] for d in ds_list])),
            "reliable": (("station",), np.array([bool(d.attrs["reliable"]) for d in ds_list])),
            "n_windows": (("station",), n),
        },
        coords={"station": [str(d.attrs["station"]) for d in ds_list]},
        attrs={"method": "microtremor", "line": settings.line,
               "synthetic": int(any(int(d.attrs.get("synthetic", 0)) for d in ds_list)),
               "thickness_method": how},
    )
    if ch.size >= 6:
        st = step_fit(ch, h)
        out.attrs.update({"step_chainage_m": st["chainage_m"], "step_thickness_m": st["step"], "step_rms_m": st["rms"]})
    check_image(out)
    return out
