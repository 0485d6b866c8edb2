"""Workflow steps of the MT analysis and inversion chain: per-station analysis and 1D inversion
(fanned out over the EDI files), then the 2D inversion of the profile.

Transfer functions come from EDI files read by the MT I/O module
(``geoexplore.mt.edi``) when it is present, else through mt_metadata; the
processing chain (time series -> transfer functions) registers its own steps.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import Field

from geoexplore.core.settings import Settings
from geoexplore.pipeline.step import StepContext, step


def read_tf(path: str | Path) -> Any:
    """A transfer-function Dataset (:mod:`geoexplore.mt.tfdata`) from an EDI / Z-file / EMTF-XML file
    (the MT I/O module's reader, :func:`geoexplore.mt.tfio.read_tf`)."""
    from geoexplore.mt.tfio import read_tf as _read

    return _read(path)


def _with_chainage(tf: Any, ctx: StepContext) -> Any:
    """Set ``chainage_m`` from the coordinates and the model's profile (when a model is an input)."""
    if "model" not in ctx.inputs or ctx.inputs["model"] is None:
        return tf
    from geoexplore.core.modelcodec import model_from_dataset

    model = model_from_dataset(ctx.inputs["model"])
    ch, off = model.profile().chainage_from_lonlat(tf.attrs["lon_deg"], tf.attrs["lat_deg"])
    out = tf.copy()
    out.attrs["chainage_m"] = float(np.asarray(ch))
    out.attrs["offset_m"] = float(np.asarray(off))
    if model.synthetic:
        out.attrs["synthetic"] = 1
    return out


# -- per station --------------------------------------------------------------------------
class AnalyseSettings(Settings):
    """Settings of ``mt.analyse``."""

    skew_max_deg: float = Field(3.0, gt=0, le=20, description="phase-tensor skew |beta| below which a tensor is 1D/2D")
    ellipticity_max: float = Field(0.1, gt=0, lt=1, description="ellipticity below which a tensor is 1D")
    error_draws: int = Field(100, ge=0, le=5000, description="Monte-Carlo draws for phase-tensor errors (0: none)")


@step("mt.analyse", settings=AnalyseSettings, fan_out="files", inputs=("model?",), figure="geoexplore.mt.plot:plot_station_result")
def analyse(ctx: StepContext, settings: AnalyseSettings) -> dict[str, Any]:
    """Read one EDI; apparent resistivity and phase with errors, phase tensor, dimensionality, Niblett-Bostick."""
    from geoexplore.mt.analysis import niblett_bostick, rho_phase
    from geoexplore.mt.phase_tensor import phase_tensor_dataset

    tf = _with_chainage(read_tf(ctx.item_value), ctx)
    rp = rho_phase(tf)
    depth, rnb = niblett_bostick(rp["rho_det_ohm_m"].values, rp["phase_det_deg"].values, rp["period_s"].values)
    rp["nb_depth_m"] = ("period_s", depth)
    rp["nb_resistivity_ohm_m"] = ("period_s", rnb)
    pt = phase_tensor_dataset(tf, skew_max_deg=settings.skew_max_deg, ellipticity_max=settings.ellipticity_max,
                              n_draws=settings.error_draws)
    return {"tf": tf, "rho_phase": rp, "phase_tensor": pt}


class Invert1DSettings(Settings):
    """Settings of ``mt.invert1d`` (Occam)."""

    mode: Literal["det", "xy", "yx"] = Field("det", description="determinant invariant, Zxy or -Zyx")
    n_layers: int = Field(40, ge=5, le=200, description="layers (log-spaced thicknesses)")
    target_rms: float = Field(1.0, gt=0, description="target RMS of the error-weighted residuals")
    max_iter: int = Field(12, ge=1, le=100, description="Occam iterations")
    floor_rho: float = Field(0.05, ge=0, lt=1, description="relative error floor on apparent resistivity")
    floor_phase_deg: float = Field(1.43, ge=0, lt=45, description="error floor on phase (deg)")
    period_min_s: float = Field(0.0, ge=0, description="shortest period used (s)")
    period_max_s: float = Field(1e6, gt=0, description="longest period used (s)")


def _station_tf(ctx: StepContext) -> Any:
    st = ctx.require("station")
    return st["tf"] if isinstance(st, dict) else st


@step("mt.invert1d", settings=Invert1DSettings, fan_out="items", inputs=("station",), figure="geoexplore.mt.plot:plot_model1d")
def invert1d(ctx: StepContext, settings: Invert1DSettings) -> Any:
    """Occam 1D inversion of one station (analytic forward), with misfit and depth of investigation."""
    from geoexplore.mt.invert1d import data_from_tf, occam1d, result_dataset

    tf = _station_tf(ctx)
    p = tf["period_s"].values
    tf = tf.isel(period_s=np.flatnonzero((p >= settings.period_min_s) & (p <= settings.period_max_s)))
    data = data_from_tf(tf, mode=settings.mode, floor_rho=settings.floor_rho, floor_phase_deg=settings.floor_phase_deg)
    res = occam1d(data, n_layers=settings.n_layers, target_rms=settings.target_rms, max_iter=settings.max_iter)
    attrs = {k: tf.attrs.get(k) for k in ("station", "chainage_m", "lat_deg", "lon_deg", "elevation_m", "synthetic")}
    attrs["mode"] = settings.mode
    return result_dataset(res, data, attrs)


# -- profile ---------------------------------------------------------------------------------
class Invert2DSettings(Settings):
    """Settings of ``mt.invert2d``. Defaults are the lean demo run; the full inversion is
    ``station_step: 1, per_decade: 4, period_min_s: 0.003, dx_m: 250, max_iter: 20``."""

    strike_deg: float | None = Field(None, ge=0, lt=180, description="geoelectric strike (deg from north); None: phase-tensor regional strike, candidate closest to perpendicular to the profile")
    period_min_s: float = Field(0.01, gt=0, description="shortest period inverted (s)")
    period_max_s: float = Field(1000.0, gt=0, description="longest period inverted (s)")
    per_decade: float | None = Field(2.0, gt=0, description="periods per decade kept (None: all)")
    station_step: int = Field(2, ge=1, description="use every n-th station along the profile")
    modes: list[Literal["te", "tm"]] = Field(["te", "tm"], description="modes inverted jointly")
    floor_rho: float = Field(0.05, ge=0, lt=1, description="relative error floor on apparent resistivity")
    floor_phase_deg: float = Field(1.43, ge=0, lt=45, description="error floor on phase (deg)")
    dx_m: float = Field(500.0, gt=0, description="core cell width along the profile (m)")
    dz_top_m: float = Field(25.0, gt=0, description="thickness of the top ground cell (m)")
    dz_max_m: float = Field(500.0, gt=0, description="largest cell thickness in the core mesh (m)")
    core_depth_m: float = Field(12000.0, gt=0, description="depth of the core mesh (m)")
    warm_start: bool = Field(True, description="start from the stitched 1D models (needs the models1d input)")
    start_ohm_m: float = Field(100.0, gt=0, description="start half-space when not warm-starting (ohm-m)")
    max_iter: int = Field(6, ge=1, le=100, description="Gauss-Newton iterations")
    chi_factor: float = Field(1.0, gt=0, description="target chi2 per datum")
    beta0_ratio: float = Field(1.0, gt=0, description="initial beta over the eigenvalue ratio (10 from a half-space)")
    cg_maxiter: int = Field(20, ge=1, description="CG iterations per Gauss-Newton step")
    alpha_z: float = Field(1.0, gt=0, description="weight of vertical smoothness relative to horizontal (1: isotropic)")
    max_depth_m: float = Field(10000.0, gt=0, description="depth of the output image (m)")
    image_dx_m: float = Field(100.0, gt=0, description="image grid spacing along the profile (m)")
    image_dz_m: float = Field(50.0, gt=0, description="image grid spacing in depth (m)")
    mask_threshold: float = Field(10**-2.5, gt=0, lt=1, description="normalised sensitivity below which the image is masked")
    blas_threads: int | None = Field(1, ge=1, description="BLAS threads during the solves (None: library default)")


@step("mt.invert2d", settings=Invert2DSettings, inputs=("stations", "models1d?", "model?"), figure="geoexplore.mt.plot:plot_section")
def invert2d(ctx: StepContext, settings: Invert2DSettings) -> Any:
    """Joint TE+TM 2D inversion of the profile (SimPEG); returns the ``mt`` image with the data fit."""
    stations = ctx.require("stations")
    tfs = [v["tf"] if isinstance(v, dict) else v for _, v in sorted(stations.items())]
    pts = [v["phase_tensor"] for _, v in sorted(stations.items()) if isinstance(v, dict) and "phase_tensor" in v]
    model = None
    if ctx.inputs.get("model") is not None:
        from geoexplore.core.modelcodec import model_from_dataset

        model = model_from_dataset(ctx.inputs["model"])
    models1d = ctx.inputs.get("models1d")
    ms = [m for m in models1d.values() if m is not None] if models1d else None
    return run_invert2d(tfs, settings, model=model, phase_tensors=pts, models1d=ms, log=ctx.log)


def run_invert2d(tfs: list[Any], settings: Invert2DSettings, *, model: Any = None, phase_tensors: list[Any] | None = None,
                 models1d: list[Any] | None = None, log: Any = None) -> Any:
    """The 2D inversion without a workflow (the facade behind ``mt.invert2d``).

    Parameters
    ----------
    tfs : list of transfer-function Datasets with ``chainage_m``
    settings : Invert2DSettings
    model : GeologicalModel, optional
        Gives the profile azimuth (strike choice), the line extent and the elevation.
    phase_tensors : list of Datasets, optional
        From :func:`geoexplore.mt.phase_tensor.phase_tensor_dataset`; needed when ``strike_deg`` is None.
    models1d : list of Datasets, optional
        ``mt.invert1d`` results (with ``chainage_m``) for the warm start.
    """
    from geoexplore.mt.invert2d import image, inversion_mesh, invert, profile_data, stitched_start
    from geoexplore.mt.phase_tensor import regional_strike
    from geoexplore.mt.simpeg2d import blas_threads

    tfs = [t for t in tfs if np.isfinite(float(t.attrs.get("chainage_m", np.nan)))]
    pts = phase_tensors or []
    rs = None
    if pts:
        s = np.concatenate([p["strike_deg"].values for p in pts])
        w = np.concatenate([p["ellipticity"].values * (p["dimensionality"].values == 2) for p in pts])
        az = float(np.mean(model.profile().azimuth_deg(15000.0))) if model is not None else None
        try:
            rs = regional_strike(s, weights=w, profile_azimuth_deg=az)
        except ValueError:
            rs = None
    strike = settings.strike_deg if settings.strike_deg is not None else (rs["strike_deg"] if rs else 0.0)
    data = profile_data(
        tfs, strike_deg=strike, period_min_s=settings.period_min_s, period_max_s=settings.period_max_s,
        per_decade=settings.per_decade, station_step=settings.station_step, floor_rho=settings.floor_rho,
        floor_phase_deg=settings.floor_phase_deg, modes=tuple(settings.modes),
    )
    mesh = inversion_mesh(data.chainage_m.min(), data.chainage_m.max(), dx_m=settings.dx_m,
                          dz_top_m=settings.dz_top_m, dz_max_m=settings.dz_max_m,
                          core_depth_m=settings.core_depth_m)
    start = None
    if settings.warm_start and models1d:
        from geoexplore.mt.mesh2d import active_cells

        ch = np.array([float(m.attrs.get("chainage_m", np.nan)) for m in models1d])
        ok = np.isfinite(ch)
        if ok.any():
            start = stitched_start(mesh, active_cells(mesh), ch[ok],
                                   [(m["top_m"].values, m["resistivity_ohm_m"].values)
                                    for m, k in zip(models1d, ok) if k])
    with blas_threads(settings.blas_threads):
        res = invert(data, mesh, start_log_sigma=start, start_ohm_m=settings.start_ohm_m, max_iter=settings.max_iter,
                     chi_factor=settings.chi_factor, beta0_ratio=settings.beta0_ratio, cg_maxiter=settings.cg_maxiter,
                     alpha_z=settings.alpha_z, log=log)
    line = model.lines["mt"] if model is not None and "mt" in model.lines else None
    x0, x1 = (line.start_m, line.end_m) if line else (data.chainage_m.min(), data.chainage_m.max())
    xs = np.arange(x0, x1 + settings.image_dx_m / 2, settings.image_dx_m)
    zs = np.arange(0.0, settings.max_depth_m + settings.image_dz_m / 2, settings.image_dz_m)
    elev = model.elevation(xs) if model is not None else None
    img = image(res, data, chainage_m=xs, depth_m=zs, mask_threshold=settings.mask_threshold,
                line="mt", elevation_m=elev)
    img = add_fit(img, data, res)
    img.attrs["warm_start"] = int(start is not None)
    if rs:
        img.attrs.update({"strike_auto_deg": rs["strike_deg"], "strike_alternative_deg": rs["alternative_deg"],
                          "strike_spread_deg": rs["spread_deg"],
                          "strike_note": "phase-tensor strike has a 90 deg ambiguity; the candidate closest to "
                                         "perpendicular to the profile was taken"})
    return img


def add_fit(img: Any, data: Any, res: Any) -> Any:
    """Observed and predicted TE/TM data (period_s, station) added to the image Dataset."""
    out = img.assign_coords(period_s=data.period_s)
    for mode in data.modes:
        pr, pp = res.predicted[mode]
        out[f"rho_obs_{mode}_ohm_m"] = (("period_s", "station"), data.rho[mode])
        out[f"phase_obs_{mode}_deg"] = (("period_s", "station"), data.phase[mode])
        out[f"rho_sd_{mode}_ohm_m"] = (("period_s", "station"), data.rho_sd[mode])
        out[f"phase_sd_{mode}_deg"] = (("period_s", "station"), data.phase_sd[mode])
        out[f"rho_pred_{mode}_ohm_m"] = (("period_s", "station"), pr)
        out[f"phase_pred_{mode}_deg"] = (("period_s", "station"), pp)
    return out


def prepare_profile(paths: list[str | Path], model: Any, *, invert_1d: bool = True, station_step: int = 1,
                    settings_1d: Invert1DSettings | None = None) -> tuple[list[Any], list[Any], list[Any] | None]:
    """Read EDIs, place them on the model's profile, phase tensors and (optionally) 1D inversions.

    The in-process equivalent of the fanned-out ``mt.analyse`` and ``mt.invert1d``
    steps (for scripts, tests and benchmarks). 1D inversions are run only for
    every ``station_step``-th station (the ones the 2D inversion uses).
    """
    from geoexplore.mt.invert1d import data_from_tf, occam1d, result_dataset
    from geoexplore.mt.phase_tensor import phase_tensor_dataset

    s1 = settings_1d or Invert1DSettings()
    tfs, pts = [], []
    prof = model.profile() if model is not None else None
    for p in sorted(paths):
        tf = read_tf(p)
        if prof is not None:
            ch, _ = prof.chainage_from_lonlat(tf.attrs["lon_deg"], tf.attrs["lat_deg"])
            tf.attrs["chainage_m"] = float(np.asarray(ch))
            tf.attrs["synthetic"] = int(tf.attrs.get("synthetic", 0) or model.synthetic)
        tfs.append(tf)
        pts.append(phase_tensor_dataset(tf, n_draws=0))
    order = np.argsort([float(t.attrs["chainage_m"]) for t in tfs])
    tfs = [tfs[i] for i in order]
    pts = [pts[i] for i in order]
    models1d = None
    if invert_1d:
        models1d = []
        for tf in tfs[:: max(station_step, 1)]:
            d = data_from_tf(tf, mode=s1.mode, floor_rho=s1.floor_rho, floor_phase_deg=s1.floor_phase_deg)
            r = occam1d(d, n_layers=s1.n_layers, target_rms=s1.target_rms, max_iter=s1.max_iter)
            models1d.append(result_dataset(r, d, {"station": tf.attrs["station"], "chainage_m": tf.attrs["chainage_m"]}))
    return tfs, pts, models1d
