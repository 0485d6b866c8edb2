"""Workflow steps of the microtremor package.

* ``microtremor.hvsr`` (fan-out over record files): single-station H/V;
* ``microtremor.array`` : SPAC/MSPAC + FK dispersion of an array and the Vs inversion;
* ``microtremor.thickness`` : f0 and sediment thickness along the line: the
  ``microtremor`` image table of :mod:`geoexplore.core.images`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

import numpy as np
import xarray as xr
from pydantic import Field

from geoexplore.microtremor.settings import HvsrSettings, POWER_LAW_DEFAULTS
from geoexplore.core.settings import InputFile, InputPath, Settings
from geoexplore.pipeline.step import StepContext, step


class HvsrStepSettings(HvsrSettings):
    """H/V settings plus where to find station chainages."""

    stations_file: InputFile | None = Field(None, description="JSON with a 'stations' list (file, station, chainage_m), relative to the input dir")
    synthetic: bool = Field(False, description="label results as synthetic")


class ArraySettings(Settings):
    """Array processing and Vs inversion."""

    array_file: Annotated[str, InputPath("file", lists="file")] = Field("microtremor/array/array.csv", description="CSV station,x_m,y_m,file (files relative to the CSV)")
    freq_min_hz: float = Field(1.0, gt=0, description="lowest dispersion frequency (Hz)")
    freq_max_hz: float = Field(12.0, gt=0, description="highest dispersion frequency (Hz)")
    n_freq: int = Field(25, ge=3, description="log-spaced dispersion frequencies")
    window_length_s: float = Field(20.0, gt=0, description="SPAC window length (s)")
    fk: bool = Field(True, description="also run FK; its valid points extend the inverted curve where SPAC has none")
    fk_method: Literal["capon", "conventional"] = Field("capon", description="FK beam: high-resolution (Capon) or conventional")
    fk_kmin_factor: float = Field(0.5, gt=0, description="FK points need |k| >= this x kmin (array resolution limit)")
    n_layers: int = Field(5, ge=1, le=8, description="layers over the half-space in the inversion")
    max_iterations: int = Field(25, ge=1, description="differential-evolution generations per run")
    popsize: int = Field(10, ge=4, description="differential-evolution population factor")
    n_runs: int = Field(4, ge=1, description="differential-evolution runs (seeds seed, seed + 1, ...)")
    n_walk: int = Field(8000, ge=100, description="models of the random walks in the acceptable region")
    confidence: float = Field(0.95, gt=0, lt=1, description="chi-square level of the acceptable region")
    bedrock_vs_m_s: float | None = Field(750.0, gt=0, description="depth to the half-space = top of the first layer this fast")
    seed: int = Field(1, description="random seed of the global search")
    increasing_vs: bool = Field(True, description="no velocity inversions in the inverted profile")
    synthetic: bool = Field(False, description="label results as synthetic")


class ThicknessStepSettings(Settings):
    """f0 -> thickness along the line."""

    method: Literal["power_law", "quarter_wavelength", "sh_transfer"] = Field("sh_transfer", description="conversion (see thickness.py)")
    preset: str = Field("ibs-von_seht_1999", description="power-law coefficients preset")
    a: float | None = Field(None, gt=0, description="power law a (m)")
    b: float | None = Field(None, description="power law b")
    halfspace_vs_m_s: float | None = Field(None, gt=0, description="sh_transfer: Vs below the mapped contrast; default the first inverted layer at or above bedrock_vs_m_s")
    bedrock_vs_m_s: float = Field(750.0, gt=0, description="inverted layers slower than this are the sediments above the mapped contrast")
    line: str = Field("shallow", description="line name")


def _station_table(ctx: StepContext, name: str | None) -> dict[str, dict]:
    if not name:
        return {}
    data = json.loads(ctx.path(name).read_text())
    return {Path(r["file"]).name: r for r in data.get("stations", [])}


@step("microtremor.hvsr", settings=HvsrStepSettings, fan_out="files", inputs=(), figure="geoexplore.microtremor.plot:plot_hvsr_dataset",
      stack_items=True)
def hvsr(ctx: StepContext, settings: HvsrStepSettings) -> xr.Dataset:
    """Single-station H/V of one record (windows, curves, f0, SESAME criteria)."""
    from geoexplore.microtremor.io import read_record
    from geoexplore.microtremor.process import process_record

    path = Path(ctx.item_value)
    rec = read_record(path, channels=settings.channels, expected_fs_hz=settings.expected_fs_hz)
    base = HvsrSettings(**{k: v for k, v in settings.model_dump().items() if k in HvsrSettings.model_fields})
    res = process_record(rec, base)
    return hvsr_to_dataset(res, chainage_m=_station_table(ctx, settings.stations_file).get(path.name, {}).get("chainage_m"),
                           synthetic=settings.synthetic, source=path.name)


def hvsr_to_dataset(res, *, chainage_m: float | None = None, synthetic: bool = False, source: str = "") -> xr.Dataset:
    """An :class:`~geoexplore.microtremor.process.HvsrResult` as a Dataset."""
    ds = xr.Dataset(
        {
            "hv": (("window", "frequency_hz"), res.hv),
            "median": (("frequency_hz",), res.median),
            "sigma_ln": (("frequency_hz",), res.sigma_ln),
            "keep": (("window",), res.keep),
            "window_f0_hz": (("window",), res.window_f0_hz),
            "window_start_s": (("window",), res.starts_s),
        },
        coords={"frequency_hz": res.frequency_hz, "window": np.arange(res.keep.size)},
        attrs={
            "station": res.station, "source": source, "f0_hz": res.f0_hz, "f0_sigma_ln": res.f0_sigma_ln, "a0": res.a0,
            "f0_windows_hz": res.f0_windows_hz, "f0_windows_sigma_ln": res.f0_windows_sigma_ln,
            "f0_windows_std_hz": res.f0_windows_std_hz, "n_windows": res.n_windows,
            "window_length_s": res.settings.window_length_s, "reliable": int(res.sesame.reliable),
            "clear": int(res.sesame.clear), "sesame_json": json.dumps(res.sesame.to_dict()),
            "rejected_json": json.dumps(res.rejected), "notes_json": json.dumps(res.notes),
            "chainage_m": float("nan") if chainage_m is None else float(chainage_m), "synthetic": int(synthetic),
            "settings_json": res.settings.to_json(),
        },
    )
    if res.azimuth_deg is not None:
        ds["azimuthal_median"] = (("azimuth_deg", "frequency_hz"), res.azimuthal_median)
        ds = ds.assign_coords(azimuth_deg=res.azimuth_deg)
    return ds


def read_array_table(path: Path) -> tuple[list[dict], np.ndarray]:
    """Rows and coordinates (n, 2) of an array CSV ``station,x_m,y_m,file``; FileFormatError names the line."""
    import csv

    from geoexplore.core.errors import FileFormatError

    with path.open(newline="") as fh:
        reader = csv.DictReader(fh)
        missing = {"station", "x_m", "y_m", "file"} - set(reader.fieldnames or [])
        if missing:
            raise FileFormatError(path, f"missing column(s) {sorted(missing)} (need station,x_m,y_m,file)", position="line 1")
        rows = list(reader)
    xy = []
    for i, r in enumerate(rows):
        try:
            xy.append([float(r["x_m"]), float(r["y_m"])])
        except (TypeError, ValueError):
            raise FileFormatError(path, f"coordinates {r['x_m']!r}, {r['y_m']!r} are not numbers", position=f"line {i + 2}") from None
        if not np.all(np.isfinite(xy[-1])) or not r["file"]:
            raise FileFormatError(path, "a station needs finite coordinates and a file", position=f"line {i + 2}")
        for j in range(i):
            if np.hypot(xy[j][0] - xy[i][0], xy[j][1] - xy[i][1]) < 1e-3:
                raise FileFormatError(path, f"station {r['station']} at the same place as {rows[j]['station']}", position=f"line {i + 2}")
    if len(rows) < 3:
        raise FileFormatError(path, f"an array needs at least 3 stations, found {len(rows)}")
    return rows, np.array(xy)


@step("microtremor.array", settings=ArraySettings, inputs=(), figure="geoexplore.microtremor.plot:plot_array_dataset")
def array(ctx: StepContext, settings: ArraySettings) -> xr.Dataset:
    """SPAC/MSPAC and FK dispersion of an array; Vs inversion with an ensemble, Vs30 and depth to the half-space."""
    from geoexplore.core.errors import FileFormatError
    from geoexplore.microtremor.dispersion import invert_dispersion
    from geoexplore.microtremor.fk import array_limits, fk_dispersion
    from geoexplore.microtremor.io import read_record
    from geoexplore.microtremor.spac import spac_jackknife

    table = ctx.path(settings.array_file)
    rows, xy = read_array_table(table)
    recs = [read_record(table.parent / r["file"]) for r in rows]
    fs = recs[0].fs_hz
    for i, r in enumerate(recs):
        if r.fs_hz != fs:
            raise FileFormatError(table, f"{rows[i]['file']} is sampled at {r.fs_hz} Hz, {rows[0]['file']} at {fs} Hz",
                                  position=f"line {i + 2}")
    n = min(r.n_samples for r in recs)
    z = np.stack([r.data[2, :n] for r in recs])
    f = np.geomspace(settings.freq_min_hz, settings.freq_max_hz, settings.n_freq)
    c, e, rs = spac_jackknife(z, fs, xy, f, window_length_s=settings.window_length_s)
    lim = array_limits(xy)
    source = np.where(np.isfinite(c), 1, 0)  # 1 SPAC, 2 FK, 0 none
    ci, ei = c.copy(), e.copy()
    fk = None
    if settings.fk:
        fk = fk_dispersion(z, fs, xy, f, method=settings.fk_method, kmin_factor=settings.fk_kmin_factor, limits=lim)
        add = ~np.isfinite(c) & fk.valid
        ci[add], ei[add], source[add] = fk.phase_velocity_m_s[add], fk.error_m_s[add], 2
    inv = invert_dispersion(f, ci, ei, n_layers=settings.n_layers, seed=settings.seed, max_iterations=settings.max_iterations,
                            popsize=settings.popsize, n_runs=settings.n_runs, n_walk=settings.n_walk,
                            confidence=settings.confidence, increasing_vs=settings.increasing_vs,
                            bedrock_vs_m_s=settings.bedrock_vs_m_s)
    depth = np.linspace(0, 200, 201)
    best, p2, p16, p50, p84, p98 = inv.profile_percentiles(depth, (2.5, 16, 50, 84, 97.5))
    v30, dh = inv.vs30_stats(), inv.halfspace_stats()
    ds = xr.Dataset(
        {
            "spac": (("ring_m", "frequency_hz"), rs.spac),
            "spac_std": (("ring_m", "frequency_hz"), rs.spac_std),
            "phase_velocity_m_s": (("frequency_hz",), c),
            "phase_velocity_err_m_s": (("frequency_hz",), e),
            "inverted_source": (("frequency_hz",), source),
            "vs_best_m_s": (("depth_m",), best), "vs_p16_m_s": (("depth_m",), p16),
            "vs_p50_m_s": (("depth_m",), p50), "vs_p84_m_s": (("depth_m",), p84),
            "vs_p2_5_m_s": (("depth_m",), p2), "vs_p97_5_m_s": (("depth_m",), p98),
            "best_thickness_m": (("layer",), inv.best_thickness_m),
            "best_vs_m_s": (("layer_hs",), inv.best_vs_m_s),
            "ensemble_vs_m_s": (("model", "layer_hs"), inv.ensemble_vs_m_s),
            "ensemble_thickness_m": (("model", "layer"), inv.ensemble_thickness_m),
            "ensemble_misfit": (("model",), inv.ensemble_misfit),
            "x_m": (("station",), xy[:, 0]), "y_m": (("station",), xy[:, 1]),
        },
        coords={"frequency_hz": f, "ring_m": rs.ring_m, "depth_m": depth, "station": [r["station"] for r in rows]},
        attrs={"misfit": inv.best_misfit, "misfit_threshold": inv.misfit_threshold, "n_evaluations": inv.n_evaluations,
               "n_search_evaluations": inv.n_search, "n_models": int(inv.ensemble_misfit.size),
               "kmin_rad_m": lim.kmin_rad_m, "kmax_rad_m": lim.kmax_rad_m, "fk_kmin_factor": settings.fk_kmin_factor,
               "bedrock_vs_m_s": float("nan") if settings.bedrock_vs_m_s is None else settings.bedrock_vs_m_s,
               "synthetic": int(settings.synthetic)},
    )
    for name, st in (("vs30_m_s", v30), ("halfspace_depth_m", dh)):
        ds.attrs.update({name: st["median"], name.replace("_m", "_best_m"): st["best"],
                         name.replace("_m", "_p16_m"): st["p16"], name.replace("_m", "_p84_m"): st["p84"],
                         name.replace("_m", "_min_m"): st["min"], name.replace("_m", "_max_m"): st["max"],
                         # sigma equivalent of the 95 % range
                         name.replace("_m", "_err_m"): (st["max"] - st["min"]) / (2 * 1.96)})
    cb = np.full(f.shape, np.nan)
    cb[np.isfinite(ci) & np.isfinite(ei)] = inv.c_best
    ds["phase_velocity_best_m_s"] = (("frequency_hz",), cb)
    if fk is not None:
        ds["fk_phase_velocity_m_s"] = (("frequency_hz",), fk.phase_velocity_m_s)
        ds["fk_phase_velocity_err_m_s"] = (("frequency_hz",), fk.error_m_s)
        ds["fk_valid"] = (("frequency_hz",), fk.valid)
        ds["fk_edge"] = (("frequency_hz",), fk.edge)
        ds.attrs["fk_method"] = settings.fk_method
    return ds


@step("microtremor.thickness", settings=ThicknessStepSettings, inputs=("hvsr", "array?"), figure="geoexplore.microtremor.plot:plot_profile_dataset")
def thickness(ctx: StepContext, settings: ThicknessStepSettings) -> xr.Dataset:
    """f0 and sediment thickness per station along the line: the ``microtremor`` image table."""
    from geoexplore.core.images import check_image
    from geoexplore.microtremor.thickness import (power_law, power_law_with_error, quarter_wavelength, sh_transfer_depth, step_fit,
                                                  thickness_with_error)

    per = ctx.require("hvsr")
    items = per.values() if isinstance(per, dict) else [per]
    ds_list = [d for d in items if d is not None and np.isfinite(d.attrs.get("chainage_m", np.nan))]
    ds_list.sort(key=lambda d: d.attrs["chainage_m"])
    ch = np.array([d.attrs["chainage_m"] for d in ds_list])
    f0 = np.array([d.attrs["f0_hz"] for d in ds_list])
    sig = np.array([d.attrs["f0_windows_sigma_ln"] for d in ds_list])
    n = np.array([d.attrs["n_windows"] for d in ds_list])
    # uncertainty of ln f0 of the median curve: bootstrap over windows (older results: the standard error)
    sig_f0 = np.array([d.attrs.get("f0_sigma_ln", d.attrs["f0_windows_sigma_ln"] / np.sqrt(max(d.attrs["n_windows"], 1)))
                       for d in ds_list])
    arr = ctx.inputs.get("array")
    if settings.method == "power_law":
        a0, b0, _ = POWER_LAW_DEFAULTS[settings.preset]
        a, b = settings.a or a0, settings.b if settings.b is not None else b0
        conv = lambda f: power_law(f, a, b)  # noqa: E731
        how = f"power law h = {a:g} f0^{b:g}"
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
        h, herr, _ = power_law_with_error(f0, sig_f0, a, b)  # + the spread of the published fits
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
