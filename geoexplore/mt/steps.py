"""Workflow steps of the MT package (registered on import; heavy libraries are imported inside the steps).

* ``mt.tf`` - time series -> transfer functions, one station per time-series
  file (``foreach: {glob: mt/timeseries/*.mseed}``); the result holds the EDI
  text of the station in the attribute ``edi`` so the store holds the EDI file too;
* ``mt.analyse`` - per EDI file: apparent resistivity and phase with errors,
  phase tensor, dimensionality, Niblett-Bostick;
* ``mt.invert1d`` - Occam 1D inversion of each station;
* ``mt.invert2d`` - joint TE+TM 2D inversion of the profile
  (:func:`geoexplore.mt.invert2d.run_invert2d`).

Settings classes are in :mod:`geoexplore.mt.settings`; figures in :mod:`geoexplore.mt.plot`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from geoexplore.mt.settings import (
    AnalyseSettings,
    Invert1DSettings,
    Invert2DSettings,
    ProcessingSettings,
    TFStepSettings,
)
from geoexplore.pipeline.step import StepContext, step


# -- time series -> transfer functions ------------------------------------------------------
def neighbour_reference(path: Path) -> Path | None:
    """The remote reference ``remote_neighbour`` picks for a station file: the next file of its folder.

    Files of the same suffix, sorted by name; the last file takes the first.
    None if the file is alone in its folder.
    """
    files = sorted(p for p in path.parent.glob(f"*{path.suffix}") if p != path)
    if not files:
        return None
    later = [p for p in files if p.name > path.name]
    return (later or files)[0]


def _station_files(settings: TFStepSettings, item_value: Any, input_dir: Path) -> list[Path]:
    """The files a station's item reads besides its miniSEED file: its side-car metadata, the neighbour
    taken as remote reference, and the remote reference's side-car. Their contents join the item's run key,
    so ``--resume`` reruns a station whose metadata or remote reference changed (a ``remote_file`` itself
    is hashed with the settings)."""
    from geoexplore.mt.io.sidecar import sidecar_path

    if item_value is None:
        return []
    path = Path(item_value)
    out: list[Path] = []
    remote = None
    if settings.remote_file:
        remote = Path(settings.remote_file)
        if not remote.is_absolute():
            remote = Path(input_dir) / remote
            if not remote.resolve().is_relative_to(Path(input_dir).resolve()):
                remote = None  # refused by the step itself (ctx.path): nothing to read out there
    elif settings.remote_neighbour:
        remote = neighbour_reference(path)
        if remote is not None:
            out.append(remote)
    for f in (path, remote):
        if f is not None and f.suffix.lower() not in _NO_SIDECAR:
            side = sidecar_path(f)
            if side is not None:
                out.append(side)
    return out


_NO_SIDECAR = (".h5", ".mth5", ".hdf5")  # MTH5 files carry their metadata inside


@step("mt.tf", settings=TFStepSettings, fan_out="files", inputs=(), figure="geoexplore.mt.plot:plot_tf",
      stack_items=True, item_files=_station_files)
def tf_step(ctx: StepContext, settings: TFStepSettings) -> Any:
    """Robust impedance and tipper of one station from its time series (per file)."""
    import tempfile

    from geoexplore.mt.io import read_timeseries
    from geoexplore.mt.io.edi import write_edi
    from geoexplore.mt.processing import estimate_tf

    path = Path(ctx.item_value)
    local = read_timeseries(path)
    remote = None
    if settings.remote_file:
        remote = read_timeseries(ctx.path(settings.remote_file))
    elif settings.remote_neighbour:
        ref = neighbour_reference(path)
        if ref is not None:
            remote = read_timeseries(ref)
    proc = ProcessingSettings(**settings.model_dump(exclude={"remote_file", "remote_neighbour"}))
    ds = estimate_tf(local, remote, proc)
    ds.attrs["line"] = ctx.line
    ds.attrs["time_series_file"] = path.name
    with tempfile.TemporaryDirectory() as tmp:
        p = write_edi(ds, Path(tmp) / f"{ds.attrs['station'] or path.stem}.edi")
        text = p.read_text()
    if len(text) < 60000:  # HDF5 keeps attributes below 64 kB
        ds.attrs["edi"] = text
    else:
        ds.attrs["edi_note"] = f"EDI text ({len(text)} characters) too large for an attribute; write it with geoexplore.mt.write"
    return ds


# -- per station ----------------------------------------------------------------------------
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


@step("mt.analyse", settings=AnalyseSettings, fan_out="files", inputs=("model?",), figure="geoexplore.mt.plot:plot_station_result")
def analyse(ctx: StepContext, settings: AnalyseSettings) -> dict[str, Any]:
    """Read one EDI; apparent resistivity and phase with errors, phase tensor, dimensionality, Niblett-Bostick."""
    from geoexplore.mt.analysis import niblett_bostick, rho_phase
    from geoexplore.mt.io import read_tf
    from geoexplore.mt.phase_tensor import phase_tensor_dataset

    tf = _with_chainage(read_tf(ctx.item_value), ctx)
    rp = rho_phase(tf)
    depth, rnb = niblett_bostick(rp["rho_det_ohm_m"].values, rp["phase_det_deg"].values, rp["period_s"].values)
    rp["nb_depth_m"] = ("period_s", depth)
    rp["nb_resistivity_ohm_m"] = ("period_s", rnb)
    pt = phase_tensor_dataset(tf, skew_max_deg=settings.skew_max_deg, ellipticity_max=settings.ellipticity_max,
                              n_draws=settings.error_draws)
    return {"tf": tf, "rho_phase": rp, "phase_tensor": pt}


def _station_tf(ctx: StepContext) -> Any:
    st = ctx.require("station")
    return st["tf"] if isinstance(st, dict) else st


@step("mt.invert1d", settings=Invert1DSettings, fan_out="items", inputs=("station",), figure="geoexplore.mt.plot:plot_model1d")
def invert1d(ctx: StepContext, settings: Invert1DSettings) -> Any:
    """Occam 1D inversion of one station (analytic forward), with misfit and depth of investigation."""
    from geoexplore.mt.invert1d import invert_station

    res = invert_station(_station_tf(ctx), settings)
    ctx.log.info(res.summary())
    return res.to_dataset()


# -- profile ----------------------------------------------------------------------------------
@step("mt.invert2d", settings=Invert2DSettings, inputs=("stations", "models1d?", "model?"), figure="geoexplore.mt.plot:plot_section")
def invert2d(ctx: StepContext, settings: Invert2DSettings) -> Any:
    """Joint TE+TM 2D inversion of the profile (SimPEG); returns the ``mt`` image with the data fit.

    With ``distribute: auto`` on a cluster of more than one worker, this task
    takes a :func:`distributed.worker_client` and spreads the per-frequency
    solves over the workers (:mod:`geoexplore.mt.invert2d_dask`).
    """
    stations = ctx.require("stations")
    tfs = [v["tf"] if isinstance(v, dict) else v for _, v in sorted(stations.items())]
    pts = [v["phase_tensor"] for _, v in sorted(stations.items()) if isinstance(v, dict) and "phase_tensor" in v]
    model = None
    if ctx.inputs.get("model") is not None:
        from geoexplore.core.modelcodec import model_from_dataset

        model = model_from_dataset(ctx.inputs["model"])
    models1d = ctx.inputs.get("models1d")
    ms = [m for m in models1d.values() if m is not None] if models1d else None
    from geoexplore.mt.invert2d import run_invert2d

    return run_invert2d(tfs, settings, model=model, phase_tensors=pts, models1d=ms, log=ctx.log)


__all__ = ["analyse", "invert1d", "invert2d", "neighbour_reference", "tf_step"]
