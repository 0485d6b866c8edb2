"""2D TE+TM inversion along the profile with SimPEG's 2D natural-source simulations.

Steps (each a function, used by :mod:`geoexplore.mt.steps`; :func:`run_invert2d` chains them,
:func:`invert_profile` is the front door ``geoexplore.mt.invert_profile``):

1. :func:`profile_data` - rotate every station to the geoelectric strike
   (x' along strike: Zxy' = TE, Zyx' = TM), pick the periods and stations,
   convert to apparent resistivity and phase with error floors
   (default 5 % rho_a, 1.43 deg phase, the phase equivalent of 5 %).
2. :func:`inversion_mesh` - a tensor mesh (uniform core cells along the
   profile, thin top cells growing with depth, 2 m first air cell, padding
   x1.3 laterally and x1.2 in depth to ~1000-2000 km).
3. :func:`invert` - log-conductivity on the ground cells, air 1e-6 S/m,
   joint ``L2DataMisfit(TE) + L2DataMisfit(TM)``, smooth
   ``WeightedLeastSquares`` (alpha_s 1e-8), InexactGaussNewton, sensitivity
   weighting with the patched ``getJ`` (SimPEG #1541), beta from the
   eigenvalue ratio, beta cooling, a target misfit chi2 = N and a Jacobi
   preconditioner. Optional warm start from stitched 1D models.
4. :func:`image` - the model on a (depth, chainage) grid with a sensitivity
   mask: the ``mt`` image of :mod:`geoexplore.core.images`.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from geoexplore.mt.settings import Invert1DSettings, Invert2DSettings


@dataclass
class ProfileData:
    """TE and TM data along the profile (periods x stations)."""

    period_s: np.ndarray  # (n_f,)
    chainage_m: np.ndarray  # (n_s,)
    station: list[str]
    rho: dict[str, np.ndarray]  # mode -> (n_f, n_s) ohm-m
    phase: dict[str, np.ndarray]  # mode -> (n_f, n_s) deg; TE first quadrant, TM third
    rho_sd: dict[str, np.ndarray]
    phase_sd: dict[str, np.ndarray]
    strike_deg: float
    elevation_m: np.ndarray
    synthetic: int = 0
    modes: tuple[str, ...] = ("te", "tm")


def select_periods(period_s: np.ndarray, per_decade: float | None, pmin: float, pmax: float) -> np.ndarray:
    """Indices of periods within [pmin, pmax], thinned to about ``per_decade`` per decade."""
    p = np.asarray(period_s, float)
    idx = np.flatnonzero((p >= pmin * 0.999) & (p <= pmax * 1.001))
    if per_decade is None or idx.size < 2:
        return idx
    lo, hi = np.log10(p[idx[0]]), np.log10(p[idx[-1]])
    targets = np.linspace(lo, hi, max(int(round((hi - lo) * per_decade)) + 1, 2))
    pick = {int(idx[np.argmin(np.abs(np.log10(p[idx]) - t))]) for t in targets}
    return np.array(sorted(pick))


def profile_data(
    tfs: list[Any],
    *,
    strike_deg: float,
    period_min_s: float = 1e-3,
    period_max_s: float = 1e4,
    per_decade: float | None = None,
    station_step: int = 1,
    floor_rho: float = 0.05,
    floor_phase_deg: float = 1.43,
    modes: tuple[str, ...] = ("te", "tm"),
) -> ProfileData:
    """Gather TE/TM data of many stations (transfer-function Datasets with ``chainage_m``).

    Stations are sorted by chainage; every ``station_step``-th is kept. All
    stations must share the periods of the first kept one (within 1 %);
    missing periods become NaN and are dropped from the inversion.
    """
    from geoexplore.mt.analysis import rotate_tf

    tfs = sorted(tfs, key=lambda d: float(d.attrs["chainage_m"]))[:: max(station_step, 1)]
    if len(tfs) < 2:
        raise ValueError("2D inversion needs at least two stations with a chainage")
    p0 = tfs[0]["period_s"].values
    sel = select_periods(p0, per_decade, period_min_s, period_max_s)
    periods = p0[sel]
    nf, ns = periods.size, len(tfs)
    rho = {m: np.full((nf, ns), np.nan) for m in modes}
    ph = {m: np.full((nf, ns), np.nan) for m in modes}
    rsd = {m: np.full((nf, ns), np.nan) for m in modes}
    psd = {m: np.full((nf, ns), np.nan) for m in modes}
    for k, ds in enumerate(tfs):
        r = rotate_tf(ds, strike_deg - float(ds.attrs.get("rotation_deg", 0.0)))
        pk = r["period_s"].values
        for i, t in enumerate(periods):
            j = int(np.argmin(np.abs(np.log(pk / t))))
            if abs(np.log(pk[j] / t)) > 0.01:
                continue
            for mode, (a, b) in (("te", (0, 1)), ("tm", (1, 0))):
                if mode not in modes:
                    continue
                z = r["z"].values[j, a, b]
                e = r["z_err"].values[j, a, b]
                if not np.isfinite(z) or abs(z) == 0:
                    continue
                rel = e / abs(z) if np.isfinite(e) else 0.0
                rho[mode][i, k] = 0.2 * t * abs(z) ** 2
                phase = np.degrees(np.angle(z))
                if mode == "tm" and phase > 0:  # keep TM in the third quadrant (SimPEG convention)
                    phase -= 360.0
                ph[mode][i, k] = phase
                rsd[mode][i, k] = rho[mode][i, k] * max(2 * rel, floor_rho)
                psd[mode][i, k] = max(np.degrees(np.arcsin(min(rel, 1.0))), floor_phase_deg)
    return ProfileData(
        period_s=periods,
        chainage_m=np.array([float(d.attrs["chainage_m"]) for d in tfs]),
        station=[str(d.attrs.get("station", k)) for k, d in enumerate(tfs)],
        rho=rho, phase=ph, rho_sd=rsd, phase_sd=psd, strike_deg=float(strike_deg),
        elevation_m=np.array([float(d.attrs.get("elevation_m", np.nan)) for d in tfs]),
        synthetic=int(max(int(d.attrs.get("synthetic", 0)) for d in tfs)),
        modes=tuple(modes),
    )


def inversion_mesh(
    chainage_min_m: float,
    chainage_max_m: float,
    *,
    dx_m: float = 500.0,
    dz_top_m: float = 25.0,
    dz_growth: float = 1.15,
    dz_max_m: float = 500.0,
    core_depth_m: float = 12000.0,
    margin_m: float = 2000.0,
) -> Any:
    """The inversion mesh (see module docstring)."""
    from geoexplore.mt.mesh2d import depth_nodes, profile_mesh

    zn = depth_nodes(dz_top_m, dz_growth, dz_max_m, core_depth_m)
    return profile_mesh(chainage_min_m - margin_m, chainage_max_m + margin_m, dx_m, zn)


@dataclass
class Inversion2DResult:
    mesh: Any
    active: np.ndarray
    log_sigma: np.ndarray  # on active cells
    sensitivity: np.ndarray  # sqrt(sum (J/sd)^2) per active cell / cell area, normalised
    chi2: dict[str, float]
    chi2_history: list[float] = field(default_factory=list)
    iterations: int = 0
    seconds: float = 0.0
    predicted: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    n_data: int = 0
    beta_history: list[float] = field(default_factory=list)
    data: "ProfileData | None" = None  # the data inverted (set by :func:`invert`)

    def to_image(self, *, dx_m: float = 100.0, dz_m: float = 50.0, max_depth_m: float = 10000.0,
                 mask_threshold: float = 10 ** -2.5) -> Any:
        """The model on a regular grid over the station span (:func:`image`)."""
        if self.data is None:
            raise ValueError("this result has no data attached: call image(result, data, ...) instead")
        x0, x1 = float(self.data.chainage_m.min()), float(self.data.chainage_m.max())
        xs = np.arange(x0, x1 + dx_m / 2, dx_m)
        zs = np.arange(0.0, max_depth_m + dz_m / 2, dz_m)
        return image(self, self.data, chainage_m=xs, depth_m=zs, mask_threshold=mask_threshold)

    def plot(self, path: str | os.PathLike[str] | None = None, **kwargs: Any) -> Any:
        """The resistivity section of the model (:func:`geoexplore.mt.plot.plot_section`) on the default grid."""
        from geoexplore.mt.plot import plot_section

        return plot_section(self.to_image(), path, **kwargs)


def stitched_start(mesh: Any, active: np.ndarray, chainage_m: np.ndarray, models_1d: list[tuple[np.ndarray, np.ndarray]],
                   default_ohm_m: float = 100.0) -> np.ndarray:
    """log(sigma) on the active cells from 1D models (top_m, rho) at ``chainage_m``
    (nearest station laterally; log-resistivity of the layer containing the cell depth)."""
    cc = mesh.cell_centers[active]
    depth = -cc[:, 1]
    out = np.full(cc.shape[0], np.log(1.0 / default_ohm_m))
    if not models_1d:
        return out
    order = np.argsort(chainage_m)
    ch = np.asarray(chainage_m)[order]
    mids = (ch[1:] + ch[:-1]) / 2
    which = np.searchsorted(mids, cc[:, 0])
    for k, i in enumerate(order):
        top, rho = models_1d[i]
        sel = which == k
        li = np.clip(np.searchsorted(top, depth[sel], side="right") - 1, 0, len(rho) - 1)
        out[sel] = np.log(1.0 / np.asarray(rho)[li])
    return out


def _gc_frozen() -> Any:
    """Context manager: the objects alive now left out of Python's cyclic garbage collection until it exits.

    SimPEG's ``BaseInvProblem.evalFunction`` calls ``gc.collect()`` at every
    evaluation, which walks every object of the process: in a Dask client
    (imports, the LocalCluster's scheduler) 0.1-0.5 s a call, on the head
    while the workers wait. With the objects that existed before the
    inversion frozen (``gc.freeze``), it walks only the inversion's own.
    Nothing is computed differently; the frozen objects are collected
    normally again after ``gc.unfreeze``.
    """
    import contextlib
    import gc

    @contextlib.contextmanager
    def ctx() -> Any:
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            gc.unfreeze()

    return ctx()


def invert(
    data: ProfileData,
    mesh: Any,
    *,
    start_log_sigma: np.ndarray | None = None,
    start_ohm_m: float = 100.0,
    max_iter: int = 20,
    chi_factor: float = 1.0,
    beta0_ratio: float = 10.0,
    cooling_factor: float = 2.0,
    cg_maxiter: int = 30,
    sensitivity_threshold: float = 1e-3,
    alpha_s: float = 1e-8,
    alpha_z: float = 1.0,
    log: Any = None,
    client: Any = None,
    workers: list[str] | None = None,
    timings: list[dict[str, Any]] | None = None,
) -> Inversion2DResult:
    """Run the joint TE+TM inversion (see module docstring). Returns the model and its fit.

    Parameters
    ----------
    client : distributed.Client, optional
        Distribute the per-(mode, frequency) solves and sensitivities over its
        workers (:mod:`geoexplore.mt.invert2d_dask`); None: everything in this
        process, as before.
    workers : list of str, optional
        With ``client``: the worker addresses to use (default: all).
    timings : list, optional
        With ``client``: filled with the seconds per (mode, frequency) and
        operation spent on the workers (:func:`geoexplore.mt.invert2d_dask.shard_timings`).
    """
    from simpeg import (
        directives,
        inverse_problem,
        inversion,
        optimization,
        regularization,
    )

    from geoexplore.mt.mesh2d import active_cells
    from geoexplore.mt.misfit2d import dask_fit, dask_misfit, serial_fit, serial_misfit

    t0 = time.time()
    act = active_cells(mesh)
    if client is None:
        dmis, sims, keep = serial_misfit(data, mesh, act)
    else:
        dmis, meta, split, keep = dask_misfit(data, mesh, act, client, workers)
    n_data = int(sum(k.sum() for k in keep.values()))
    m0 = np.full(int(act.sum()), np.log(1.0 / start_ohm_m)) if start_log_sigma is None else np.asarray(start_log_sigma, float)
    reg = regularization.WeightedLeastSquares(mesh, active_cells=act, alpha_s=alpha_s, alpha_x=1.0, alpha_y=alpha_z,
                                              reference_model=m0)
    opt = optimization.InexactGaussNewton(maxIter=max_iter, maxIterLS=20, cg_maxiter=cg_maxiter, cg_rtol=1e-3)
    opt.remember("xc")
    invprob = inverse_problem.BaseInvProblem(dmis, reg, opt)

    class _Log(directives.InversionDirective):
        def endIter(self) -> None:  # noqa: N802 (SimPEG API)
            phi_d = float(self.invProb.phi_d)
            hist.append(phi_d / max(n_data, 1))
            betas.append(float(self.invProb.beta))
            if log is not None:
                log.info("mt2d iteration %d: chi2 %.3f beta %.3g (%.0f s)", self.opt.iter, hist[-1], betas[-1],
                         time.time() - t0)

    hist: list[float] = []
    betas: list[float] = []
    # missing data have sd 1e30: TargetMisfit counts survey.nD; scale chifact so chi2 target is per real datum
    n_total = int(sum(k.size for k in keep.values()))
    target = directives.TargetMisfit(chifact=chi_factor * n_data / max(n_total, 1))
    dirs = [
        directives.UpdateSensitivityWeights(every_iteration=False, threshold_value=sensitivity_threshold),
        directives.BetaEstimate_ByEig(beta0_ratio=beta0_ratio, random_seed=1),
        directives.BetaSchedule(coolingFactor=cooling_factor, coolingRate=1),
        target,
        directives.UpdatePreconditioner(update_every_iteration=True),
        _Log(),
    ]
    inv = inversion.BaseInversion(invprob, dirs)
    with _gc_frozen():
        m = inv.run(m0)
    # fit per mode and the sensitivity of the final model
    if client is None:
        chi2, pred, sens = serial_fit(data, sims, keep, m)
    else:
        chi2, pred, sens = dask_fit(data, meta, split, keep, m, dmis)
        if timings is not None:
            from geoexplore.mt.invert2d_dask import shard_timings

            timings.extend(shard_timings(meta))
    area = mesh.cell_volumes[act]
    sens = np.sqrt(sens) / area
    sens = sens / np.max(sens)
    chi2["total"] = float(sum(chi2[k] * keep[k].sum() for k in keep) / max(n_data, 1))
    return Inversion2DResult(
        mesh=mesh, active=act, log_sigma=m, sensitivity=sens, chi2=chi2, chi2_history=hist,
        iterations=len(hist), seconds=time.time() - t0, predicted=pred, n_data=n_data, beta_history=betas, data=data,
    )


def image(
    res: Inversion2DResult,
    data: ProfileData,
    *,
    chainage_m: np.ndarray,
    depth_m: np.ndarray,
    mask_threshold: float = 10 ** -2.5,
    line: str = "mt",
    elevation_m: np.ndarray | None = None,
) -> Any:
    """The ``mt`` image (:func:`geoexplore.core.images.check_image`): resistivity on (depth_m, chainage_m).

    Values are the resistivity of the mesh cell containing each grid point;
    ``mask`` is True where the normalised sensitivity exceeds ``mask_threshold``
    and the point is within the station span.
    """
    import xarray as xr

    mesh = res.mesh
    full = np.full(mesh.n_cells, np.nan)
    full[res.active] = -res.log_sigma / np.log(10.0)  # log10 rho
    sens = np.full(mesh.n_cells, np.nan)
    sens[res.active] = res.sensitivity
    X, Z = np.meshgrid(np.asarray(chainage_m, float), np.asarray(depth_m, float))
    ix = np.clip(np.searchsorted(mesh.nodes_x, X.ravel()) - 1, 0, mesh.shape_cells[0] - 1)
    iy = np.clip(np.searchsorted(mesh.nodes_y, -Z.ravel() - 1e-6) - 1, 0, mesh.shape_cells[1] - 1)
    idx = ix + iy * mesh.shape_cells[0]
    logrho = full[idx].reshape(X.shape)
    s = sens[idx].reshape(X.shape)
    inside = (X >= data.chainage_m.min() - 500) & (X <= data.chainage_m.max() + 500)
    mask = (s > mask_threshold) & inside
    if elevation_m is None:
        elevation_m = np.interp(chainage_m, data.chainage_m, np.nan_to_num(data.elevation_m, nan=0.0))
    ds = xr.Dataset(
        {
            "resistivity_ohm_m": (("depth_m", "chainage_m"), 10.0**logrho, {"units": "ohm-m"}),
            "mask": (("depth_m", "chainage_m"), mask),
            "sensitivity": (("depth_m", "chainage_m"), s, {"meaning": "normalised sqrt(sum (J/sd)^2)/cell area"}),
            "elevation_m": (("chainage_m",), np.asarray(elevation_m, float)),
            "station_chainage_m": (("station",), data.chainage_m),
        },
        coords={"depth_m": np.asarray(depth_m, float), "chainage_m": np.asarray(chainage_m, float),
                "station": data.station},
        attrs={
            "method": "mt", "line": line, "synthetic": int(data.synthetic),
            "chi2_te": res.chi2.get("te", np.nan), "chi2_tm": res.chi2.get("tm", np.nan),
            "chi2": res.chi2["total"], "chi2_history": [float(x) for x in res.chi2_history],
            "iterations": res.iterations, "seconds": float(res.seconds), "n_data": res.n_data,
            "strike_deg": data.strike_deg, "modes": ",".join(data.modes),
            "n_cells": int(res.mesh.n_cells), "n_parameters": int(res.active.sum()),
            "mask_threshold": float(mask_threshold),
        },
    )
    return ds


def graben_metrics(img: Any, *, threshold_ohm_m: float = 110.0, centre_m: float = 15000.0, search_from_m: float = 300.0,
                   depth_for_edges_m: float = 1000.0, conductance_fraction: float = 0.95) -> dict[str, float]:
    """Fill depth and conductor edges of a resistivity section (for checks against the Siping model).

    * ``fill_depth_m``: at ``centre_m`` the first depth below ``search_from_m``
      where the resistivity exceeds ``threshold_ohm_m`` (default the geometric
      mean of fill 6 and basement 2000 ohm-m).
    * ``fill_base_conductance_m``: the depth above which the column holds
      ``conductance_fraction`` of its conductance (integral of dz / rho from
      ``search_from_m``) down to ``fill_depth_m``. MT resolves the conductance of a conductor, not
      the resistive basement below it; a smooth inversion smears the base
      downwards, where the threshold crossing lands, while the conductance
      stays where the data put it.
    * ``edge_left_m`` / ``edge_right_m``: at ``depth_for_edges_m``, the chainages
      where the resistivity first exceeds the threshold going outwards from the centre.
    """
    rho = img["resistivity_ohm_m"]
    col = rho.sel(chainage_m=centre_m, method="nearest")
    z = col["depth_m"].values
    v = col.values
    below = (z >= search_from_m) & (v > threshold_ohm_m)
    fill = float(z[np.argmax(below)]) if below.any() else np.nan
    base_s = np.nan
    if np.isfinite(fill):
        dz = np.gradient(z)
        s_cum = np.cumsum(np.where(np.isfinite(v) & (z >= search_from_m), dz / v, 0.0))
        s_fill = s_cum[np.argmax(below)]
        base_s = float(z[np.argmax(s_cum >= conductance_fraction * s_fill)])
    row = rho.sel(depth_m=depth_for_edges_m, method="nearest")
    x = row["chainage_m"].values
    r = row.values
    c = int(np.argmin(np.abs(x - centre_m)))
    left = np.flatnonzero(r[: c + 1] > threshold_ohm_m)
    right = np.flatnonzero(r[c:] > threshold_ohm_m)
    return {
        "fill_depth_m": fill,
        "fill_base_conductance_m": base_s,
        "edge_left_m": float(x[left[-1]]) if left.size else np.nan,
        "edge_right_m": float(x[c + right[0]]) if right.size else np.nan,
    }


# -- the profile inversion without a workflow (the facade behind the step mt.invert2d) ----------------
def run_invert2d(tfs: list[Any], settings: Invert2DSettings | None = None, *, model: Any = None, phase_tensors: list[Any] | None = None,
                 models1d: list[Any] | None = None, log: Any = None, client: Any = None,
                 timings: list[dict[str, Any]] | None = None) -> Any:
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
    client : distributed.Client, optional
        Spread the per-frequency solves over its workers (unless ``settings.distribute`` is
        ``"off"``). Without one and with ``distribute: auto``, a step running as a task on a
        cluster of more than one worker uses :func:`distributed.worker_client`
        (:func:`geoexplore.pipeline.subtasks.distributing`).
    timings : list, optional
        Filled with the per-(mode, frequency) task seconds when distributed.
    """
    import contextlib

    from geoexplore.pipeline.subtasks import distributing
    from geoexplore.mt.phase_tensor import regional_strike
    from geoexplore.mt.simpeg2d import blas_threads

    settings = settings or Invert2DSettings()
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
    with contextlib.ExitStack() as stack:
        stack.enter_context(blas_threads(settings.blas_threads))
        if settings.distribute == "off":
            client = None
        elif client is None:
            client = stack.enter_context(distributing(settings.distribute))
        res = invert(data, mesh, start_log_sigma=start, start_ohm_m=settings.start_ohm_m, max_iter=settings.max_iter,
                     chi_factor=settings.chi_factor, beta0_ratio=settings.beta0_ratio, cg_maxiter=settings.cg_maxiter,
                     alpha_z=settings.alpha_z, log=log, client=client, timings=timings)
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
    from geoexplore.mt.io import read_tf
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


@dataclass
class ProfileInversion:
    """What :func:`invert_profile` returns: the ``mt`` image Dataset (the one ``mt.invert2d`` stores).

    Attributes
    ----------
    image : xarray.Dataset
        Resistivity (ohm-m) on (depth_m, chainage_m) with ``mask``, the data
        fit (``rho_obs_te_ohm_m``, ...) and chi2 in the attributes.
    """

    image: Any

    def plot(self, path: str | os.PathLike[str] | None = None, **kwargs: Any) -> Any:
        """The resistivity section (:func:`geoexplore.mt.plot.plot_section`); saved to ``path`` when given."""
        from geoexplore.mt.plot import plot_section

        return plot_section(self.image, path, **kwargs)


def invert_profile(tfs: list[Any], settings: Invert2DSettings | None = None, *, model: Any = None,
                   phase_tensors: list[Any] | None = None, models1d: list[Any] | None = None,
                   log: Any = None) -> ProfileInversion:
    """Joint TE+TM 2D inversion of a profile of stations (SimPEG): :func:`run_invert2d` with a ``.plot()``.

    Parameters
    ----------
    tfs : list of transfer-function Datasets
        With ``chainage_m`` (e.g. from :func:`prepare_profile`).
    settings : Invert2DSettings, optional
        Defaults: the lean demo run.
    model, phase_tensors, models1d, log
        See :func:`run_invert2d`.
    """
    return ProfileInversion(run_invert2d(tfs, settings, model=model, phase_tensors=phase_tensors,
                                         models1d=models1d, log=log))
