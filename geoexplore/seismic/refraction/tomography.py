"""2D first-arrival traveltime tomography with topography, through pyGIMLi's TravelTimeManager.

pyGIMLi is imported only through :func:`geoexplore.core.gimli.import_pygimli`
and its thread count is set on the forward operator before every run (the
2-CPU zero-Jacobian trap); the Jacobian is checked after the inversion.

Defaults (:class:`TomoSettings`) are pyGIMLi's hand-tuned gallery settings
for the Koenigsee refraction line (secNodes 3, zWeight 0.2, gradient
starting model 500 -> 5000 m/s, 3 % error), made scale-free: the maximum
cell area is 5 sensor spacings squared (5 m^2 at Koenigsee's 1 m spacing),
so a line with 10 m geophones gets a mesh with the same number of cells per
spread. The mesh follows the sensors' elevations (topography).

The results live in :class:`TomoResult` (cell velocities, ray coverage, the
fit) and become a ``refraction`` image with :func:`to_image`.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from geoexplore.core.errors import GeoexploreError, ModelError
from geoexplore.core.fpenv import preserved
from geoexplore.seismic.io.sgt import TraveltimeData, to_gimli
from geoexplore.seismic.refraction.tomo_image import fit_attrs, image_grid, median_spacing, to_image
from geoexplore.seismic.refraction.settings import TomoSettings


@dataclass
class TomoResult:
    """Result of :func:`invert`.

    Attributes
    ----------
    cell_x_m, cell_y_m : ndarray (n_cells,)
        Cell centres: horizontal position (m) and elevation (m).
    cell_area_m2 : ndarray (n_cells,)
    velocity_m_s : ndarray (n_cells,)
    coverage : ndarray (n_cells,)
        Ray coverage: summed ray length in the cell per cell area (m / m^2).
    data : TraveltimeData
        The inverted data (valid picks only).
    response_s : ndarray (n_data,)
        Modelled traveltimes of the final model.
    error_s : ndarray (n_data,)
        Absolute data errors used.
    chi2, rrms_percent, rms_ms : float
        Error-weighted chi^2, relative RMS (%) and RMS (ms) of the fit.
    iterations : int
    chi2_history : list of float
    settings : dict
    elapsed_s : float
    manager : pygimli TravelTimeManager or None
        Kept with ``keep_manager=True`` (for the VTK export of :func:`save`).
    chainage_offset_m : float
        Added to the positions to give chainage (m) (:func:`invert_traveltimes`
        inverts in local coordinates).
    iteration_table : list of dict
        Per iteration (0: the starting model): chi2, lambda of the step
        (``lam``), step length and the control's action
        (:class:`geoexplore.core.inversion_control.IterationRecord`).
    stop_reason : str
        Why the inversion ended (a key of
        :data:`geoexplore.core.inversion_control.REASONS`).
    ray_count : ndarray of int (n_cells,) or None
        Number of rays (picks) crossing each cell in the final model.
    standardized_coverage : ndarray (n_cells,) or None
        pyGIMLi's ``TravelTimeManager.standardizedCoverage()`` (1 covered,
        0 blanked): the cells a ray crosses plus their edge neighbours.
    ray_lengths : scipy.sparse.csr_matrix (n_data, n_cells) or None
        Ray length (m) of each pick in each cell (the Jacobian of
        traveltime on slowness, from the rays of the last Gauss-Newton
        step, as ``coverage``), for :mod:`.tomo_compare`.
    mesh_nodes_m, cell_node_ids : ndarray or None
        The parameter mesh (node x and elevation, m; three node indices per
        triangle), for the image mask (:mod:`.coverage_mask`).
    velocity_rel_sd : ndarray (n_cells,) or None
        Relative standard uncertainty of each cell's velocity from the pick
        errors (standard deviation of ln(velocity) over
        ``settings['uncertainty_runs']`` perturbed inversions,
        :mod:`.tomo_uncertainty`); None when not run.
    uncertainty_message : str
        Why the uncertainty is missing or rests on fewer runs ("" when all ran).
    """

    cell_x_m: np.ndarray
    cell_y_m: np.ndarray
    cell_area_m2: np.ndarray
    velocity_m_s: np.ndarray
    coverage: np.ndarray
    data: TraveltimeData
    response_s: np.ndarray
    error_s: np.ndarray
    chi2: float
    rrms_percent: float
    rms_ms: float
    iterations: int
    chi2_history: list[float] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    elapsed_s: float = 0.0
    manager: Any = None
    chainage_offset_m: float = 0.0
    iteration_table: list[dict[str, Any]] = field(default_factory=list)
    stop_reason: str = ""
    ray_count: np.ndarray | None = None
    standardized_coverage: np.ndarray | None = None
    ray_lengths: Any = None
    mesh_nodes_m: np.ndarray | None = None
    cell_node_ids: np.ndarray | None = None
    velocity_rel_sd: np.ndarray | None = None
    uncertainty_message: str = ""

    def to_image(self, *, line: str = "", synthetic: bool = False, **grid: Any) -> Any:
        """The tomogram as a ``refraction`` image (:func:`to_image`; chainage restored by ``chainage_offset_m``)."""
        return to_image(self, line=line, synthetic=synthetic, chainage_offset_m=self.chainage_offset_m, **grid)

    def plot(self, path: str | os.PathLike[str] | None = None, *, line: str = "", synthetic: bool = False,
             **grid: Any) -> Any:
        """Tomogram with ray coverage over the observed and modelled traveltimes; saved when ``path`` is given.

        ``grid``: ``dx_m``, ``dz_m``, ``max_depth_m`` of the image (m). Returns the matplotlib Figure.
        """
        from geoexplore.seismic.refraction.plot import plot_tomogram

        model = result_to_dataset(self, chainage_offset_m=self.chainage_offset_m)
        return plot_tomogram({"image": self.to_image(line=line, synthetic=synthetic, **grid), "model": model}, path)

    def summary(self) -> dict[str, Any]:
        """The fit numbers as a JSON-able dict: chi2, rrms, rms_ms, iterations, chi2_history, lambda_history,
        stop_reason and stop_message (why the inversion ended), iteration_table, settings."""
        from geoexplore.core.inversion_control import REASONS

        return {
            "chi2": float(self.chi2), "rrms": float(self.rrms_percent), "rms_ms": float(self.rms_ms),
            "iterations": int(self.iterations), "n_data": int(self.data.n_data), "n_cells": int(self.velocity_m_s.size),
            "chi2_history": [float(c) for c in self.chi2_history],
            "lambda_history": [float(r["lam"]) for r in self.iteration_table],
            "stop_reason": self.stop_reason, "stop_message": REASONS.get(self.stop_reason, ""),
            "iteration_table": list(self.iteration_table), "elapsed_s": float(self.elapsed_s),
            "settings": self.settings, **self._spread_summary(),
        }

    def _spread_summary(self) -> dict[str, Any]:
        """Median and 90th percentile of ``velocity_rel_sd`` over the cells rays cross, the cells above 10 %, and
        ``uncertainty_message`` when set."""
        if self.velocity_rel_sd is None:
            return {"uncertainty_message": self.uncertainty_message} if self.uncertainty_message else {}
        sd = np.asarray(self.velocity_rel_sd, float)
        sd = sd[self.ray_count > 0] if self.ray_count is not None and np.any(self.ray_count > 0) else sd
        return {"velocity_rel_sd_median": float(np.median(sd)), "velocity_rel_sd_p90": float(np.percentile(sd, 90)),
                "cells_rel_sd_over_10pct": int(np.sum(sd > 0.10)),
                "uncertainty_runs": int(self.settings.get("uncertainty_runs", 0)),
                **({"uncertainty_message": self.uncertainty_message} if self.uncertainty_message else {})}


def mesh_kwargs(data: TraveltimeData, settings: TomoSettings) -> dict[str, Any]:
    """Keyword arguments for pyGIMLi's ``createParaMesh`` from the settings and the geometry."""
    sp = median_spacing(data.sensors)
    area = settings.max_cell_area_m2 or settings.max_cell_area_spacings2 * sp * sp
    kw: dict[str, Any] = {"paraMaxCellSize": float(area), "paraDX": float(settings.para_dx)}
    if settings.para_depth_m is not None:
        kw["paraDepth"] = float(settings.para_depth_m)
    return kw


#: node coordinates of the inversion mesh are rounded to this many decimals of a metre (1 nm)
MESH_DECIMALS = 9


def build_mesh(mgr: Any, dc: Any, mesh_kw: dict[str, Any]) -> Any:
    """pyGIMLi's parameter mesh for the manager, node coordinates rounded to :data:`MESH_DECIMALS`.

    pyGIMLi's mesh builder is not bit-reproducible inside one process: the
    same call now and then gives node positions that differ by about 1e-14 m
    (measured: 3 of 40 builds in one process, same topology; it depends on
    what ran before, not on the thread count). The shortest-path solver turns
    such a difference into different ray paths where paths tie, and the
    inversion into a different chi2 path. Rounding to 1 nm removes it (40 of
    40 builds identical) and moves no node measurably.
    """
    from geoexplore.core.gimli import round_nodes

    with preserved():  # Triangle leaves the x87 control word changed (core.fpenv)
        mesh = mgr.createMesh(data=dc, **mesh_kw)
    return round_nodes(mesh, MESH_DECIMALS)


def check_data(data: TraveltimeData) -> None:
    """Refuse data that would give a silently wrong model."""
    if data.n_data < 3:
        raise GeoexploreError(f"traveltime tomography needs picks; got {data.n_data}")
    t = data.t_s[data.valid]
    if t.size < 3:
        raise GeoexploreError("fewer than 3 valid picks")
    if not np.all(np.isfinite(t)) or np.any(t <= 0):
        i = int(np.flatnonzero(~np.isfinite(t) | (t <= 0))[0])
        raise GeoexploreError(f"valid pick {i} has a non-positive or non-finite traveltime {t[i]!r} s")
    same = data.s[data.valid] == data.g[data.valid]
    if same.any():
        raise GeoexploreError(f"{int(same.sum())} valid picks have shot == geophone")


def invert(data: TraveltimeData, settings: TomoSettings | None = None, *, keep_manager: bool = False) -> TomoResult:
    """Invert first-break traveltimes for a 2D velocity model with topography.

    Parameters
    ----------
    data : TraveltimeData
        Picks and sensor geometry (elevations give the topography). Only
        valid picks are used. Each pick's ``err_s`` is its data error (with
        ``settings.use_pick_errors``); a pick without one (NaN or 0), or all
        picks without ``use_pick_errors``, get ``relative_error * t +
        absolute_error_s``.
    settings : TomoSettings, optional
    keep_manager : bool
        Keep the pyGIMLi manager in the result (for ray paths and plots).

    Returns
    -------
    TomoResult

    Raises
    ------
    GeoexploreError
        For unusable data or an all-zero Jacobian.
    """
    from geoexplore.core.gimli import check_jacobian, import_pygimli, set_threads

    settings = settings or TomoSettings()
    settings.check()
    check_data(data)
    d = data.subset(data.valid)
    import_pygimli()
    from pygimli.physics import traveltime as tt  # noqa: PLC0415 - pyGIMLi already imported, contained

    t_start = time.perf_counter()
    dc = to_gimli(d)
    err = settings.relative_error * d.t_s + settings.absolute_error_s
    if d.err_s is not None and settings.use_pick_errors:
        e = np.asarray(d.err_s, float)
        wrong = (e < 0) | np.isinf(e)
        if wrong.any():
            i = int(np.flatnonzero(wrong)[0])
            raise GeoexploreError(f"valid pick {i} has the data error {float(e[i])} s: a pick's error must be positive and "
                                  "finite (0 or NaN: none given, the relative error is used for that pick)")
        given = np.isfinite(e) & (e > 0)
        err = np.where(given, e, err)  # each pick its own error; the settings' error where a pick carries none
    if np.any(err <= 0):
        raise GeoexploreError("data errors must be positive: set relative_error or absolute_error_s")
    dc.set("err", err)
    mgr = tt.TravelTimeManager(dc)
    set_threads(settings.threads, mgr.fop)
    kw: dict[str, Any] = {"mesh": build_mesh(mgr, dc, mesh_kwargs(d, settings))}
    if settings.v_min_m_s is not None and settings.v_max_m_s is not None:
        kw["limits"] = [settings.v_min_m_s, settings.v_max_m_s]
    if settings.robust:
        kw["robustData"] = True
    control = run_controlled(mgr, dc, settings, kw)
    elapsed = time.perf_counter() - t_start
    J = jacobian_csr(mgr.fop.jacobian())
    check_jacobian(J[: min(J.shape[0], 200)].toarray(), what="traveltime forward operator")
    pd = mgr.paraDomain
    centres = np.array(pd.cellCenters())
    area = np.asarray(pd.cellSizes(), float)
    # the core's model (slowness, s/m) is the final one also when the control ended the loop
    vel = np.asarray(mgr.paraModel(1.0 / np.asarray(mgr.inv.inv.model(), float)), float)
    cov = _ray_coverage(J, pd.cellCount()) / area
    resp = np.asarray(mgr.inv.inv.response(), float)
    t = d.t_s
    table = control.table()
    res = TomoResult(
        cell_x_m=centres[:, 0], cell_y_m=centres[:, 1], cell_area_m2=area, velocity_m_s=vel, coverage=cov,
        data=d, response_s=resp, error_s=err,
        chi2=float(mgr.inv.inv.chi2()), rrms_percent=float(np.sqrt(np.mean(((t - resp) / t) ** 2)) * 100),
        rms_ms=float(np.sqrt(np.mean((t - resp) ** 2)) * 1000), iterations=max(0, len(table) - 1),
        chi2_history=[float(r["chi2"]) for r in table], settings=settings.model_dump(), elapsed_s=elapsed,
        manager=mgr if keep_manager else None, iteration_table=table, stop_reason=control.stop_reason,
        ray_count=np.asarray((J[:, : pd.cellCount()] != 0).sum(axis=0)).ravel(), ray_lengths=J[:, : pd.cellCount()].tocsr(),
        standardized_coverage=np.asarray(mgr.standardizedCoverage(), float),
    )
    ids = [[n.id() for n in c.nodes()] for c in pd.cells()]
    if all(len(i) == 3 for i in ids):  # a triangle mesh (createParaMesh's); else the image mask uses cell centres
        res.mesh_nodes_m, res.cell_node_ids = np.array(pd.positions())[:, :2].copy(), np.array(ids, int)
    if settings.uncertainty_runs:
        attach_spread(res, settings)
        res.elapsed_s = time.perf_counter() - t_start
    return res


def attach_spread(res: TomoResult, settings: TomoSettings) -> TomoResult:
    """Run ``settings.uncertainty_runs`` perturbed inversions of ``res.data`` and put their spread on ``res``
    (:mod:`.tomo_uncertainty`; spread over the cluster with ``uncertainty_distribute: auto`` inside a workflow task).

    The tomogram is kept whatever the runs do: runs the inversion refuses are listed in
    ``res.uncertainty_message`` and left out; when fewer than two succeed, ``velocity_rel_sd`` stays None and the
    message says why (logged as a warning too).
    """
    import logging

    from geoexplore.pipeline.subtasks import distributing
    from geoexplore.seismic.refraction.tomo_uncertainty import velocity_spread

    try:
        with distributing(settings.uncertainty_distribute) as client:
            sp = velocity_spread(res.data, settings, runs=settings.uncertainty_runs, seed=settings.uncertainty_seed,
                                 reference=res, client=client)
    except ModelError as exc:
        res.uncertainty_message = f"no velocity uncertainty: {exc}"
        logging.getLogger(__name__).warning("%s", res.uncertainty_message)
        return res
    res.velocity_rel_sd = sp.rel_sd
    if sp.failed:
        res.uncertainty_message = (f"velocity uncertainty from {sp.runs} of {settings.uncertainty_runs} runs; "
                                   + "; ".join(f"run {k} {why}" for k, why in sp.failed[:3]))
        logging.getLogger(__name__).warning("%s", res.uncertainty_message)
    return res


def run_controlled(mgr: Any, dc: Any, settings: TomoSettings, mesh_kw: dict[str, Any]) -> Any:
    """Run the manager's inversion under :class:`geoexplore.core.inversion_control.TargetControl`.

    ``lambda_control`` 'auto': pyGIMLi's own stops (chi2 <= 1, dPhi) are off
    and the control cools lambda and cuts an overshooting step back onto
    ``chi2_target`` +- ``chi2_tolerance``; 'fixed': pyGIMLi's stops as before,
    the control only records. Returns the control (history, stop reason).
    """
    from geoexplore.core.inversion_control import StopInversion, TargetControl

    s = settings
    fixed = s.lambda_control == "fixed"
    control = TargetControl(mgr.fop, target=s.chi2_target, tolerance=s.chi2_tolerance, lam=s.lam,
                            cooling=s.lambda_cooling, lam_min=min(s.lam_min, s.lam), max_iter=s.max_iter,
                            stall_fraction=s.stall_fraction, fixed=fixed, lambda_factor=s.lambda_factor)
    mgr.inv.setPreStep(control.pre_step)
    mgr.inv.setPostStep(control.post_step)
    stops = dict(dPhi=s.min_dphi_percent, stopAtChi1=s.chi2_target == 1.0) if fixed else dict(dPhi=-1e12, stopAtChi1=False)
    try:
        mgr.invert(dc, secNodes=s.sec_nodes, zWeight=s.z_weight, vTop=s.v_top_m_s, vBottom=s.v_bottom_m_s,
                   lam=s.lam, maxIter=s.max_iter, lambdaFactor=s.lambda_factor, verbose=False, **stops, **mesh_kw)
    except StopInversion:
        pass
    if not fixed and control.stop_reason == "iteration_limit" and control.history:
        last = control.history[-1]
        last.action = last.action or "iteration limit"
    return control


def jacobian_csr(J: Any) -> Any:
    """pyGIMLi's traveltime Jacobian (a sparse map matrix of ray lengths, m) as a SciPy CSR matrix."""
    import scipy.sparse as sp

    from geoexplore.core.gimli import import_pygimli

    pg = import_pygimli()
    if sp.issparse(J):
        return J.tocsr()
    try:
        return pg.utils.sparseMatrix2coo(J).tocsr()
    except (TypeError, AttributeError, RuntimeError):
        rows = [np.asarray(J.row(i)) for i in range(J.rows())]
        return sp.csr_matrix(np.vstack(rows))


def _ray_coverage(J: Any, n_cells: int) -> np.ndarray:
    """Column sums of the traveltime Jacobian (ray length per cell, m) for the first n_cells parameters."""
    cov = np.asarray(abs(J).sum(axis=0)).ravel()
    out = np.zeros(n_cells)
    out[: min(n_cells, cov.size)] = cov[:n_cells]
    return out


def forward_traveltimes(sensors: np.ndarray, s: np.ndarray, g: np.ndarray, velocity: Any, *,
                        max_cell_area_m2: float | None = None, depth_m: float | None = None,
                        sec_nodes: int = 3, mesh: Any = None) -> np.ndarray:
    """First-arrival traveltimes of a velocity model with pyGIMLi's shortest-path solver.

    Parameters
    ----------
    sensors : ndarray (n, 2)
        Sensor x (m) and elevation (m).
    s, g : ndarray of int (n_data,)
        0-based shot and geophone sensor indices.
    velocity : callable ``v(x_m, elevation_m) -> m/s`` or ndarray (n_cells,)
        The model: a function evaluated at the cell centres, or cell values
        for the given ``mesh``.
    max_cell_area_m2, depth_m : float, optional
        Mesh parameters when no mesh is given (defaults: (spacing)^2 / 2 and
        0.4 x spread).
    sec_nodes : int
        Secondary nodes per edge.
    mesh : pyGIMLi mesh, optional

    Returns
    -------
    ndarray (n_data,)
        Traveltimes (s).
    """
    from geoexplore.core.gimli import import_pygimli, round_nodes, set_threads

    pg = import_pygimli()
    from pygimli.physics import traveltime as tt  # noqa: PLC0415

    d = TraveltimeData(sensors, s, g, np.ones(len(np.atleast_1d(s))))
    dc = to_gimli(d)
    if mesh is None:
        sp = median_spacing(d.sensors)
        kw: dict[str, Any] = {"paraMaxCellSize": float(max_cell_area_m2 or 0.5 * sp * sp), "paraDX": 0.5}
        if depth_m is not None:
            kw["paraDepth"] = float(depth_m)
        with preserved():  # Triangle leaves the x87 control word changed (core.fpenv)
            mesh = round_nodes(pg.meshtools.createParaMesh(dc.sensors(), paraBoundary=0, boundary=0, **kw), MESH_DECIMALS)
    if callable(velocity):
        c = np.array(mesh.cellCenters())
        vel = np.asarray(velocity(c[:, 0], c[:, 1]), float)
    else:
        vel = np.asarray(velocity, float)
    if vel.size != mesh.cellCount() or np.any(~np.isfinite(vel)) or np.any(vel <= 0):
        raise ModelError("velocity must be positive and finite on every mesh cell")
    mgr = tt.TravelTimeManager()
    set_threads(None, mgr.fop)
    t = mgr.simulate(mesh=mesh, scheme=dc, vel=vel, secNodes=sec_nodes, returnArray=True)
    out = np.array(t, float)  # bind first (pyGIMLi pitfall), then copy
    return out


def result_to_dataset(result: TomoResult, *, chainage_offset_m: float = 0.0) -> Any:
    """The cell model and the fit as a Dataset (dims ``cell`` and ``datum``), storable in the project store."""
    import xarray as xr

    d = result.data
    return xr.Dataset(
        {
            "cell_x_m": ("cell", result.cell_x_m + chainage_offset_m), "cell_elevation_m": ("cell", result.cell_y_m),
            "cell_area_m2": ("cell", result.cell_area_m2), "velocity_m_s": ("cell", result.velocity_m_s),
            "coverage": ("cell", result.coverage),
            **({} if result.velocity_rel_sd is None else {"velocity_rel_sd": ("cell", np.asarray(result.velocity_rel_sd, float))}),
            "shot_x_m": ("datum", d.sensors[d.s, 0] + chainage_offset_m), "geophone_x_m": ("datum", d.sensors[d.g, 0] + chainage_offset_m),
            "shot_elevation_m": ("datum", d.sensors[d.s, 1]), "geophone_elevation_m": ("datum", d.sensors[d.g, 1]),
            "t_obs_s": ("datum", d.t_s), "t_model_s": ("datum", result.response_s), "t_err_s": ("datum", result.error_s),
        },
        attrs={**fit_attrs(result), "n_data": int(d.n_data), "n_cells": int(result.velocity_m_s.size),
               "elapsed_s": float(result.elapsed_s), "settings_json": json.dumps(result.settings)},
    )


def save(result: TomoResult, out_dir: Any, *, chainage_offset_m: float = 0.0) -> dict[str, str]:
    """Write the model as VTK (unstructured grid of the cells) and CSV, and summary.json."""
    from pathlib import Path

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = {}
    csv = out / "model.csv"
    with csv.open("w", encoding="utf-8") as f:
        sd = result.velocity_rel_sd
        f.write("x_m,elevation_m,area_m2,velocity_m_s,coverage" + (",velocity_rel_sd" if sd is not None else "") + "\n")
        cols = [result.cell_x_m + chainage_offset_m, result.cell_y_m, result.cell_area_m2, result.velocity_m_s, result.coverage]
        for row in zip(*cols, *([sd] if sd is not None else []), strict=True):
            f.write(",".join(f"{v:.6g}" for v in row) + "\n")
    files["csv"] = str(csv)
    if result.manager is not None:
        pd = result.manager.paraDomain
        pdm = type(pd)(pd)
        pdm.addData("velocity_m_s", np.asarray(result.velocity_m_s, float))
        pdm.addData("coverage", result.coverage)
        if result.velocity_rel_sd is not None:
            pdm.addData("velocity_rel_sd", np.asarray(result.velocity_rel_sd, float))
        vtk = out / "model.vtk"
        pdm.exportVTK(str(vtk))
        files["vtk"] = str(vtk)
    summ = out / "summary.json"
    summ.write_text(json.dumps(result.summary(), indent=2), encoding="utf-8")
    files["summary"] = str(summ)
    return files


def invert_traveltimes(picks: Any, settings: TomoSettings | None = None, *, local: bool = True,
                       keep_manager: bool = False, **overrides: Any) -> TomoResult:
    """Traveltime tomography of first-break picks (the notebook call; :func:`invert` does the work).

    Parameters
    ----------
    picks : FirstBreakPicks, TraveltimeData, picks table (DataFrame) or path
        The picks; a path is read with
        :func:`~geoexplore.seismic.refraction.first_breaks.read_picks`
        (``.sgt`` or picks CSV).
    settings : TomoSettings, optional
        Default ``TomoSettings()``.
    local : bool
        Invert in local coordinates (positions minus their floor minimum, as
        the ``refraction.tomo`` step does); the result's
        ``chainage_offset_m`` restores them in images and figures.
    keep_manager : bool
        Keep pyGIMLi's manager on the result (for :func:`save`'s VTK file).
    **overrides
        Settings fields to change (e.g. ``max_iter=5``).

    Returns
    -------
    TomoResult
        With ``.plot(path=None)`` and ``.to_image()``.
    """
    import copy

    if isinstance(picks, (str, os.PathLike)):
        from geoexplore.seismic.refraction.first_breaks import read_picks

        picks = read_picks(picks)
    if isinstance(picks, TraveltimeData):
        data = copy.deepcopy(picks)
    elif hasattr(picks, "traveltimes"):
        data = copy.deepcopy(picks.traveltimes)
    else:
        from geoexplore.seismic.refraction.pick_tables import table_to_traveltime

        data = table_to_traveltime(picks)
    s = settings or TomoSettings()
    if overrides:
        s = type(s)(**{**s.model_dump(), **overrides})
    x0 = float(np.floor(data.sensors[:, 0].min())) if local and data.sensors.size else 0.0
    data.sensors[:, 0] -= x0
    res = invert(data, s, keep_manager=keep_manager)
    res.chainage_offset_m = x0
    return res


__all__ = ["TomoResult", "TomoSettings", "attach_spread", "forward_traveltimes", "image_grid", "invert", "invert_traveltimes", "jacobian_csr", "median_spacing",
           "mesh_kwargs", "result_to_dataset", "save", "to_image"]
