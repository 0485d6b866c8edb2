"""Workflow steps of the seismic package (reflection processing).

QC: ``seismic.trace_qc`` (per file: trace statistics and dead traces, in
bounded memory for files larger than a worker's memory).

Flow: ``seismic.reflection_gathers`` (shots + field geometry -> statics ->
pre-processing -> CMP-sorted gathers) -> ``seismic.velocity_analysis``
(semblance spectra and picks) -> ``seismic.stack`` (NMO + CMP stack) ->
``seismic.migrate`` (post-stack time migration) -> ``seismic.depth_convert``
(the ``reflection`` image of :mod:`geoexplore.core.images`).

Settings: :mod:`geoexplore.seismic.reflection.settings`. The step registry
imports this module through :mod:`geoexplore.seismic.steps`.
"""

from __future__ import annotations

from typing import Any

from geoexplore.pipeline.step import StepContext, step
from geoexplore.seismic.reflection.settings import (
    DepthSettings,
    GathersSettings,
    MigrateSettings,
    SectionSettings,
    StackSettings,
    TraceQCSettings,
    VelocitySettings,
)

PLOT = "geoexplore.seismic.reflection.plot"


@step("seismic.trace_qc", settings=TraceQCSettings, fan_out="files")
def trace_qc(ctx: StepContext, settings: TraceQCSettings) -> Any:
    """Per-trace RMS, peak, mean, NaN count and dead-trace flags of one seismic file, read chunk by chunk.

    SEG-Y, SU and SEG-2 files with traces of equal length are read lazily
    (``io.read(path, lazy=True)``) in chunks sized from the worker's memory
    limit and reduced one chunk at a time, so files several times larger than
    the worker's memory pass; files with traces of different lengths are read whole.
    """
    from geoexplore.seismic import io
    from geoexplore.seismic.reflection import flow

    gather = io.read(ctx.item_value, lazy=True)
    return flow.trace_statistics(gather, rel_threshold=settings.dead_rel_threshold, max_ratio=settings.noisy_ratio)


def _apply_statics_inputs(ctx: StepContext, settings: GathersSettings, ds: Any) -> Any:
    """Per-station statics from a CSV (station, static_ms) and/or an upstream ``statics`` table."""
    import numpy as np

    from geoexplore.seismic.reflection import flow

    if settings.station_statics_file:
        from geoexplore.seismic.reflection.geometry import read_csv

        t = read_csv(ctx.path(settings.station_statics_file), ("station", "static_ms"), ("station", "static_ms"))
        ds = flow.apply_station_statics(ds, {int(s): float(v) / 1000.0 for s, v in zip(t["station"], t["static_ms"])})
    up = ctx.inputs.get("statics")
    if up is not None:  # a statics table from another step (e.g. refraction.statics), dimension 'station'
        tab = up.get("statics", next(iter(up.values()))) if isinstance(up, dict) else up
        vals = np.asarray(tab["static_s"].values) if "static_s" in tab else np.asarray(tab["static_ms"].values) / 1000.0
        if "chainage_m" in tab:
            ds = flow.apply_station_statics(ds, chainage_m=tab["chainage_m"].values, static_s=vals)
        else:
            ds = flow.apply_station_statics(ds, {int(s): float(v) for s, v in zip(tab["station"].values, vals)})
    return ds


@step("seismic.reflection_gathers", settings=GathersSettings, inputs=("model?", "statics?", "first_breaks?"), figure=f"{PLOT}:plot_gathers")
def reflection_gathers(ctx: StepContext, settings: GathersSettings) -> dict[str, Any]:
    """Read shot records, apply the field geometry, statics and pre-processing; sort into CMP bins.

    The geometry comes from the station table and observer's log, or (when
    both are None) from the trace headers. The processing line is the
    ``model`` input's profile when given, else the station line (tables) or
    a line through the header positions; no geological model is needed.
    """
    import glob

    import numpy as np
    import xarray as xr

    from geoexplore.core.errors import GeoexploreError
    from geoexplore.core.modelcodec import model_from_dataset
    from geoexplore.seismic.reflection import flow, geometry

    files = sorted(glob.glob(str(ctx.path(settings.shots_glob))))
    if not files:
        raise GeoexploreError(f"step '{ctx.step_id}': no shot files match {settings.shots_glob!r} in {ctx.input_dir}")
    tables = settings.stations_file and settings.observer_log_file
    st = geometry.read_stations(ctx.path(settings.stations_file)) if tables else None  # type: ignore[arg-type]
    log = geometry.read_observer_log(ctx.path(settings.observer_log_file)) if tables else None  # type: ignore[arg-type]
    if "model" in ctx.inputs:
        prof = model_from_dataset(ctx.inputs["model"]).profile()
    elif st is not None:
        from geoexplore.core.profile import Profile

        o = np.argsort(st["chainage_m"])
        prof = Profile(st["x_m"][o], st["y_m"][o], chainage_start_m=float(st["chainage_m"][o][0]), name=ctx.line)
    else:
        prof = None
    ds = flow.load_shots(files, st, log, prof, bin_m=settings.bin_m, line=ctx.line, x_origin_m=settings.x_origin_m,
                         coordinate_units=settings.coordinate_units)
    ctx.log.info("geometry: %s", ds.attrs["geometry_report"])
    for f in __import__("json").loads(ds.attrs["bad_files"]):
        ctx.log.warning("skipped bad shot file: %s", f)
    fb = ctx.inputs.get("first_breaks")
    if fb is not None:  # refraction statics by the delay-time method; they include the elevation part
        fb = fb.get("picks", next(iter(fb.values()))) if isinstance(fb, dict) else fb
        fbs = flow.first_break_statics(
            fb, min_offset_m=settings.fb_min_offset_m, max_offset_m=settings.fb_max_offset_m or np.inf,
            v_weathering_m_s=settings.fb_v_weathering_m_s, datum_m=settings.datum_m,
            position_offset_m=settings.fb_position_offset_m)
        ds = flow.apply_elevation_statics(ds, datum="flat", datum_m=fbs.attrs["datum_m"], apply=False,
                                          replacement_velocity_m_s=fbs.attrs["v_refractor_m_s"])
        ds = flow.apply_station_statics(ds, chainage_m=fbs["chainage_m"].values, static_s=fbs["static_ms"].values / 1000)
    else:
        ds = flow.apply_elevation_statics(ds, datum=settings.datum, datum_m=settings.datum_m,
                                          replacement_velocity_m_s=settings.replacement_velocity_m_s,
                                          smooth_m=settings.datum_smooth_m, apply=settings.elevation_statics)
    ds = _apply_statics_inputs(ctx, settings, ds)
    ds = flow.preprocess(
        ds, freq_min_hz=settings.freq_min_hz, freq_max_hz=settings.freq_max_hz, notch_hz=settings.notch_hz,
        fk_reject_m_s=settings.fk_reject_m_s, mute_velocity_m_s=settings.mute_velocity_m_s,
        mute_intercept_s=settings.mute_intercept_s, gain=settings.gain, gain_velocity_m_s=settings.gain_velocity_m_s,
        tpow=settings.tpow, agc_window_s=settings.agc_window_s, decon_operator_s=settings.decon_operator_s,
        decon_gap_s=settings.decon_gap_s, min_offset_m=settings.min_offset_m,
    )
    counts, centres = geometry.offset_map(ds["cdp"].values, ds["offset_m"].values, ds.sizes["bin"], 2 * float(ds.attrs["bin_m"]) * 2)
    geo = xr.Dataset(
        {"fold": ("chainage_m", ds["fold"].values), "offset_count": (("chainage_m", "offset_m"), counts),
         "elevation_m": ("chainage_m", ds["elevation_m"].values), "datum_m": ("chainage_m", ds["datum_m"].values)},
        coords={"chainage_m": ds["bin_chainage_m"].values, "offset_m": centres},
        attrs={"line": ctx.line, "synthetic": int(ds.attrs["synthetic"]), "bin_m": float(ds.attrs["bin_m"]),
               "n_traces": int(ds.sizes["trace"]), "n_files": int(ds.attrs["n_files"]),
               "max_offline_m": float(np.max(np.abs(ds["midpoint_offline_m"].values)))},
    )
    return {"cmp": ds, "geometry": geo}


def _cmp(up: Any) -> Any:
    return up["cmp"] if isinstance(up, dict) else up


@step("seismic.velocity_analysis", settings=VelocitySettings, inputs=("gathers",), figure=f"{PLOT}:plot_velocity")
def velocity_analysis(ctx: StepContext, settings: VelocitySettings) -> dict[str, Any]:
    """Semblance velocity spectra at regular CMP locations and automatic (or user-edited) picks."""
    from geoexplore.seismic.reflection import flow
    from geoexplore.seismic.reflection.velocity import read_velocity_picks

    ds = _cmp(ctx.require("gathers"))
    spectra, picks = flow.velocity_analysis(
        ds, spacing_m=settings.spacing_m, supergather_bins=settings.supergather_bins, v_min_m_s=settings.v_min_m_s,
        v_max_m_s=settings.v_max_m_s, dv_m_s=settings.dv_m_s, window_s=settings.window_s,
        stretch_mute=settings.stretch_mute, min_semblance=settings.min_semblance, t_min_s=settings.t_min_s,
        min_separation_s=settings.min_separation_s, reject_above_first_reflector=settings.reject_above_first_reflector,
        min_vrms_direct_fraction=settings.min_vrms_direct_fraction, max_vint_m_s=settings.max_vint_m_s,
        max_lateral_change=settings.max_lateral_change,
    )
    picks.attrs["source"] = "automatic"
    if settings.picks_file:
        p = read_velocity_picks(ctx.path(settings.picks_file))
        picks = flow.picks_dataset(p, ds)
        picks.attrs["source"] = f"file {settings.picks_file}"
    return {"spectra": spectra, "picks": picks}


@step("seismic.stack", settings=StackSettings, inputs=("gathers", "velocity"), figure=f"{PLOT}:plot_time_section")
def stack(ctx: StepContext, settings: StackSettings) -> Any:
    """NMO correction with the picked velocities (stretch mute) and CMP stack."""
    from geoexplore.seismic.reflection import flow

    ds = _cmp(ctx.require("gathers"))
    vel = ctx.require("velocity")
    picks = vel["picks"] if isinstance(vel, dict) else vel
    return flow.stack(ds, picks, stretch_mute=settings.stretch_mute, smooth_m=settings.smooth_m,
                      residual_statics=settings.residual_statics, max_static_s=settings.max_static_s)


@step("seismic.migrate", settings=MigrateSettings, inputs=("stack",), figure=f"{PLOT}:plot_time_section")
def migrate(ctx: StepContext, settings: MigrateSettings) -> Any:
    """Post-stack time migration (Kirchhoff, phase shift or Stolt)."""
    from geoexplore.seismic.reflection import flow

    return flow.migrate(ctx.require("stack"), method=settings.method, aperture_m=settings.aperture_m,
                        max_angle_deg=settings.max_angle_deg, velocity_scale=settings.velocity_scale,
                        anti_alias=settings.anti_alias, velocity_smooth_m=settings.velocity_smooth_m)


@step("seismic.depth_convert", settings=DepthSettings, inputs=("migrated", "model?"), figure=f"{PLOT}:plot_depth_section")
def depth_convert(ctx: StepContext, settings: DepthSettings) -> Any:
    """Time-to-depth conversion with Dix interval velocities: the reflection image (depth below ground)."""
    from geoexplore.core.images import check_image
    from geoexplore.seismic.reflection import flow

    zmax = settings.max_depth_m
    if zmax is None and "model" in ctx.inputs:
        from geoexplore.core.modelcodec import model_from_dataset

        model = model_from_dataset(ctx.inputs["model"])
        zmax = model.lines[ctx.line].max_depth_m if ctx.line in model.lines else None
    out = flow.depth_section(ctx.require("migrated"), max_depth_m=zmax, dz_m=settings.dz_m,
                             smooth_time_s=settings.smooth_time_s, v_min_m_s=settings.v_min_m_s,
                             v_max_m_s=settings.v_max_m_s, min_live_fold=settings.min_live_fold,
                             lateral_smooth_m=settings.lateral_smooth_m)
    out.attrs["line"] = ctx.line
    check_image(out)
    return out


@step("seismic.section", settings=SectionSettings, figure=f"{PLOT}:plot_time_section")
def section(ctx: StepContext, settings: SectionSettings) -> Any:
    """A post-stack SEG-Y / SU file and its velocities as a time section: the input of ``seismic.migrate``."""
    from geoexplore.seismic import io
    from geoexplore.seismic.io.velocity import read_velocity
    from geoexplore.seismic.reflection.poststack import section_from_gather

    vel = (read_velocity(ctx.path(settings.velocity_file), velocity_units=settings.velocity_units,
                         velocity_kind=settings.velocity_kind, interval_at=settings.interval_at)
           if settings.velocity_file else None)
    out = section_from_gather(io.read(ctx.path(settings.section_file)), velocity=vel, velocity_m_s=settings.velocity_m_s,
                              trace_spacing_m=settings.trace_spacing_m, coordinate_units=settings.coordinate_units,
                              inline=settings.inline, crossline=settings.crossline, line=ctx.line)
    ctx.log.info("section: %s", out.attrs["geometry_report"])
    return out


__all__ = ["depth_convert", "migrate", "reflection_gathers", "section", "stack", "trace_qc", "velocity_analysis"]
