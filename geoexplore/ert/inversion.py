"""2D ERT inversion with pyGIMLi's ERTManager (thread trap handled).

:func:`invert_resistivity` runs a smoothness-constrained Gauss-Newton inversion of the
log apparent resistivities with the data errors of the QC step, on pyGIMLi's
triangular parameter mesh with topography. ``norm="L1"`` switches on
iteratively reweighted robust data and blocky model terms. The Jacobian is
checked after the run: an all-zero Jacobian (pyGIMLi's thread-count trap on
2-CPU machines) raises instead of returning a silently uniform model.

:func:`to_image` samples the cell model on a regular (depth, chainage) grid
below the surface: the ``ert`` image of :mod:`geoexplore.core.images`.
:func:`write_result` writes a result (VTK mesh, CSV cell table or netCDF
image by suffix); :meth:`InversionResult.plot` draws the section.
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from geoexplore.core.errors import GeoexploreError
from geoexplore.ert.data import ERTData

log = logging.getLogger(__name__)

#: LSQR iteration cap per model parameter for LSQRInversion (borehole constraints); pyGIMLi's own cap is
#: 200 whatever the size, which left gallery.dat's first step 2.3 % (relative) off the converged one.
#: LSQR stops earlier at its tolerance (1e-8), so the cap costs time only when it is needed.
LSQR_ITERATIONS_PER_PARAMETER = 2


@dataclass
class InversionResult:
    """Cell model and fit of one inversion.

    Attributes
    ----------
    resistivity_ohm_m : ndarray, shape (n_cells,)
        Model of the parameter cells.
    cell_x_m, cell_z_m : ndarray, shape (n_cells,)
        Cell centres: position along the line and elevation (m).
    cell_area_m2 : ndarray, shape (n_cells,)
    coverage_log10 : ndarray, shape (n_cells,)
        log10 of the cell-size-normalised cumulative sensitivity, relative to its maximum (<= 0).
    doi_index : ndarray or None, shape (n_cells,)
        Oldenburg-Li DOI index (0 = data-determined, 1 = reference-determined).
    response_ohm_m : ndarray, shape (n_data,)
        Modelled apparent resistivity.
    chi2 : float
        The chi-square the lambda control lands on the target and records in ``chi2_history``: the
        error-weighted chi-square of the final model; with ``data_norm`` L1 the IRLS-reweighted one
        (pyGIMLi's robust data weights, outliers down-weighted).
    chi2_plain : float or None
        The plain error-weighted chi-square of the final model with the data's own errors (outliers
        included); equals ``chi2`` with the L2 data norm.
    rrms_percent : float
        Relative RMS misfit (percent) of the final model.
    iterations : int
    chi2_history : list of float
    n_data_used : int
    elapsed_s : float
    data : ERTData
        The data inverted (with errors).
    settings_json : str
    mesh : pyGIMLi mesh or None
        The parameter mesh (for VTK export), not serialised.
    qc_report : QCReport or None
        The quality control run by :func:`geoexplore.ert.invert` on data that had none.
    """

    resistivity_ohm_m: np.ndarray
    cell_x_m: np.ndarray
    cell_z_m: np.ndarray
    cell_area_m2: np.ndarray
    coverage_log10: np.ndarray
    response_ohm_m: np.ndarray
    chi2: float
    rrms_percent: float
    iterations: int
    chi2_history: list[float]
    n_data_used: int
    elapsed_s: float
    data: ERTData
    settings_json: str = "{}"
    doi_index: np.ndarray | None = None
    jacobian_max_abs: float = 0.0
    mesh: Any = field(default=None, repr=False)
    qc_report: Any = field(default=None, repr=False)
    iteration_table: list[dict[str, Any]] = field(default_factory=list)
    stop_reason: str = ""
    ip: Any = field(default=None, repr=False)
    constraint_info: dict[str, int] = field(default_factory=dict)
    jacobians: dict[str, int] = field(default_factory=dict)
    chi2_plain: float | None = None

    def summary(self) -> dict[str, Any]:
        """chi2 (the one the control used, see the class), chi2_plain, rrms (percent), iterations, n_data_used,
        n_cells, elapsed_s, chi2_history, lambda_history,
        stop_reason and stop_message (why the inversion ended), iteration_table; ``ip`` when IP was inverted."""
        from geoexplore.core.inversion_control import REASONS

        plain = float(self.chi2 if self.chi2_plain is None else self.chi2_plain)
        out = {"chi2": float(self.chi2), "chi2_plain": plain, "rrms": float(self.rrms_percent),
               "iterations": int(self.iterations),
               "n_data_used": int(self.n_data_used), "n_cells": int(self.resistivity_ohm_m.size),
               "elapsed_s": float(self.elapsed_s), "chi2_history": [float(c) for c in self.chi2_history],
               "lambda_history": [float(r["lam"]) for r in self.iteration_table],
               "stop_reason": self.stop_reason, "stop_message": REASONS.get(self.stop_reason, ""),
               "iteration_table": list(self.iteration_table), **({"constraints": self.constraint_info}
                                                                 if self.constraint_info else {})}
        if self.ip is not None:
            out["ip"] = self.ip.summary()
        return out

    def to_image(self, settings: Any = None, *, line: str = "profile", synthetic: bool | None = None) -> Any:
        """The ``ert`` image of this result (see :func:`to_image`); ``synthetic`` default: from the data."""
        if synthetic is None:
            meta = self.data.meta
            synthetic = bool(int(meta.get("synthetic", 0))) or "SYNTHETIC" in str(meta.get("title", ""))
        return to_image(self, settings, line=line, synthetic=synthetic)

    def plot(self, path: str | os.PathLike[str] | None = None, **kwargs: Any) -> Any:
        """The resistivity section with the DOI mask (:func:`geoexplore.ert.plot.plot_section`); saved when ``path``."""
        from geoexplore.ert.plot import plot_section

        return plot_section(self, path, **kwargs)

    def write(self, path: str | os.PathLike[str], **kwargs: Any) -> None:
        """Write the result; the format follows the suffix (see :func:`write_result`)."""
        write_result(self, path, **kwargs)


def _mesh_kwargs(data: ERTData, s: Any) -> dict[str, Any]:
    kw: dict[str, Any] = {"paraDX": s.para_dx, "quality": s.quality}
    if s.para_depth_m is not None:
        kw["paraDepth"] = s.para_depth_m
    if s.para_max_cell_size_m2 is not None:
        kw["paraMaxCellSize"] = s.para_max_cell_size_m2
    return kw


def create_mesh(data: ERTData, settings: Any = None) -> Any:
    """pyGIMLi inversion mesh (parameter domain + boundary) for the electrodes, with topography.

    Node positions are snapped to multiples of 2**-20 m (:func:`geoexplore.ert.sr_forward.snap_mesh`)
    so that the mesh, and everything computed on it, is the same in every process.
    """
    from geoexplore.core.gimli import import_pygimli
    from geoexplore.ert.settings import InversionSettings

    import_pygimli()
    from pygimli.physics import ert

    from geoexplore.core.fpenv import preserved
    from geoexplore.ert.sr_forward import snap_mesh

    s = settings or InversionSettings()
    dc = data.to_pygimli()
    with preserved():  # Triangle leaves the x87 control word changed (core.fpenv)
        mesh = ert.createInversionMesh(dc, **_mesh_kwargs(data, s))
    # pyGIMLi's node smoothing sums each node's neighbours in the order of their memory addresses:
    # the same mesh came out 1-2 ulp apart in a third of the runs of a worker that had run other ERT
    # tasks, hence other cell areas, coverage and DOI index (docs/reliability.md); on the 2**-20 m grid
    # the positions are the same in every run
    snap_mesh(mesh)
    return mesh


def norms(s: Any) -> tuple[str, str]:
    """(model roughness norm, data norm) of the settings: ``model_norm``/``data_norm``, else ``norm`` for both."""
    base = s.norm
    return (getattr(s, "model_norm", None) or base), (getattr(s, "data_norm", None) or base)


def _run_manager(data: ERTData, s: Any, mesh: Any = None, constraints: Any = None,
                 **run_kw: Any) -> tuple[Any, Any, Any]:
    """Set up an ERTManager with threads fixed and run it under :class:`TargetControl`; return (manager, pg, control)."""
    from geoexplore.core.gimli import check_jacobian, import_pygimli, set_threads
    from geoexplore.core.inversion_control import StopInversion, TargetControl

    pg = import_pygimli()
    from pygimli.physics import ert

    dc = data.to_pygimli()
    fop = None
    if getattr(s, "jacobian", "pygimli") == "vectorised":
        from geoexplore.ert.sensitivity import fast_modelling

        fop = fast_modelling(set_threads(s.threads, core=False), broyden_after=getattr(s, "broyden_after", None))
    if constraints is not None and constraints.needs_parameter_constraints:
        from pygimli.frameworks import LSQRInversion

        if "L1" in norms(s):
            raise GeoexploreError("borehole constraints run with the L2 norms only (pyGIMLi's LSQRInversion has no "
                                  "IRLS reweighting): drop norm/model_norm/data_norm L1 or the boreholes")
        if s.z_weight != 1.0:  # LSQRInversion builds its roughness rows without pyGIMLi's constraint weights
            raise GeoexploreError(f"borehole constraints need z_weight 1 (got {s.z_weight}): pyGIMLi's "
                                  "LSQRInversion ignores the constraint weights that carry z_weight")
        mgr = ert.ERTManager(verbose=False, fop=fop, fw=LSQRInversion(verbose=False))
    else:
        mgr = ert.ERTManager(verbose=False, fop=fop)
    set_threads(s.threads, mgr.fop, core=False)  # the 2-CPU trap: a zero thread count gives an all-zero Jacobian
    # pyGIMLi's chi2 <= 1 stop is off (TargetControl decides); its 1 % dPhi stop too under auto control
    kw: dict[str, Any] = dict(lam=s.lam, zWeight=s.z_weight, maxIter=s.max_iter, verbose=False, stopAtChi1=False)
    if s.lambda_control == "auto":
        kw["dPhi"] = -1e12
    model_norm, data_norm = norms(s)
    kw.update(robustData=data_norm == "L1", blockyModel=model_norm == "L1")
    if mesh is None:
        kw.update(_mesh_kwargs(data, s))
    kw.update(run_kw)
    control = TargetControl(mgr.fop, target=s.chi2_target, tolerance=s.chi2_tolerance, lam=s.lam,
                            cooling=s.lambda_cooling, lam_min=min(s.lam_min, s.lam), max_iter=s.max_iter,
                            stall_fraction=s.stall_fraction, fixed=s.lambda_control == "fixed")
    pre = control.pre_step
    if constraints is not None:
        def pre(i: int, fw: Any) -> None:
            constraints.apply(i, fw)
            if hasattr(fw, "LSQRiter"):  # pyGIMLi's cap of 200 leaves the step unconverged (tests/ert/test_lsqr_cap.py)
                fw.LSQRiter = max(int(fw.LSQRiter), LSQR_ITERATIONS_PER_PARAMETER * int(fw.fop.parameterCount))
            control.pre_step(i, fw)
    mgr.inv.setPreStep(pre)
    mgr.inv.setPostStep(control.post_step)
    err = data.data["error"].to_numpy(float)
    try:
        mgr.invert(dc, mesh=mesh, err=err, **kw)
    except StopInversion:
        pass
    if hasattr(mgr.fop, "broyden_after"):  # full Jacobians again after the inversion (DOI, IP, coverage)
        mgr.fop.broyden_after = None
    set_threads(s.threads, mgr.fop, core=False)
    check_jacobian(mgr.fop.jacobian(), what="ERT forward operator")
    return mgr, pg, control


def invert_resistivity(data: ERTData, settings: Any = None, *, mesh: Any = None) -> InversionResult:
    """Invert QC'd apparent resistivities (``error`` column set) for a 2D resistivity model with pyGIMLi.

    Parameters
    ----------
    data : ERTData
        Data with apparent resistivity, geometric factors and relative errors.
    settings : InversionSettings, optional
    mesh : pyGIMLi mesh, optional
        Inversion mesh (default: pyGIMLi's parameter mesh from the settings).

    Returns
    -------
    InversionResult
    """
    from geoexplore.core.gimli import core_threads
    from geoexplore.ert.settings import InversionSettings

    s = settings or InversionSettings()
    if data.n_data < 3:
        raise GeoexploreError(f"ERT inversion needs at least 3 data, got {data.n_data}")
    rho = data.data["apparent_resistivity_ohm_m"].to_numpy(float)
    err = data.data["error"].to_numpy(float)
    if not (np.all(np.isfinite(rho)) and np.all(rho > 0)):
        raise GeoexploreError("ERT inversion needs positive apparent resistivity for every datum (run QC first)")
    if not (np.all(np.isfinite(err)) and np.all(err > 0)):
        raise GeoexploreError("ERT inversion needs a positive relative error for every datum (run QC first)")
    t0 = time.perf_counter()
    if mesh is None:
        mesh = create_mesh(data, s)
    cons = None
    if s.constraints.boreholes or s.constraints.interfaces:
        from geoexplore.ert.constraints import Constraints

        cons = Constraints(s.constraints, lambda x: surface_elevation(data, x), data.spacing())
    with core_threads(1):  # pyGIMLi's C++ on one thread: the same result in every run (docs/reliability.md)
        result, mgr, control = _invert_and_collect(data, s, mesh, cons, t0)
    result.elapsed_s = time.perf_counter() - t0
    return result


def _invert_and_collect(data: ERTData, s: Any, mesh: Any, cons: Any, t0: float) -> tuple[InversionResult, Any, Any]:
    """The inversion under :class:`TargetControl`, then IP and DOI: (result, manager, control)."""
    mgr, pg, control = _run_manager(data, s, mesh, constraints=cons)
    result = _collect(mgr, data, s, time.perf_counter() - t0)
    result.iteration_table = control.table()
    result.stop_reason = control.stop_reason
    result.chi2_history = [float(r["chi2"]) for r in result.iteration_table]
    result.chi2_plain = result.chi2  # the framework's chi2: the data's own errors
    if result.chi2_history:  # one record: the chi2 the control used (IRLS-reweighted with data_norm L1)
        result.chi2 = result.chi2_history[-1]
    result.iterations = max(0, len(result.iteration_table) - 1)
    if hasattr(mgr.fop, "n_full_jacobians"):
        result.jacobians = {"full": int(mgr.fop.n_full_jacobians), "broyden": int(mgr.fop.n_broyden_updates)}
    if cons is not None:
        result.constraint_info = {"borehole_cells": int(cons.cells.size), "interface_rows_cut": int(cons.n_cut)}
    if s.ip.invert != "off":
        from geoexplore.ert.ip_inversion import invert_ip, ip_column

        if s.ip.invert == "on" or ip_column(data) is not None:
            result.ip = invert_ip(data, mgr, s)
    if s.doi:
        from geoexplore.ert.doi import doi_index

        result.doi_index = doi_index(data, s, mgr)
    return result, mgr, control


def _collect(mgr: Any, data: ERTData, s: Any, elapsed: float) -> InversionResult:
    pd_ = mgr.paraDomain
    model = np.asarray(mgr.paraModel(mgr.fw.model), float)
    cc = np.array([[c.center()[0], c.center()[1]] for c in pd_.cells()])
    area = np.array([c.size() for c in pd_.cells()])
    try:
        cov = np.asarray(mgr.coverage(), float)
        cov = cov - np.nanmax(cov)
    except Exception:  # pragma: no cover - coverage needs a Jacobian
        cov = np.zeros(len(model))
    resp = np.asarray(mgr.inv.response, float)
    hist = [float(c) for c in getattr(mgr.fw, "chi2History", [])]
    jac_max = float(np.max(np.abs(np.asarray(mgr.fop.jacobian().row(0))))) if mgr.fop.jacobian().rows() else 0.0
    mesh = pg_copy(pd_)
    return InversionResult(
        resistivity_ohm_m=model, cell_x_m=cc[:, 0], cell_z_m=cc[:, 1], cell_area_m2=area, coverage_log10=cov,
        response_ohm_m=resp, chi2=float(mgr.inv.chi2()), rrms_percent=float(mgr.inv.relrms()),
        iterations=max(0, len(hist) - 1), chi2_history=hist, n_data_used=data.n_data, elapsed_s=elapsed,
        data=data, settings_json=s.to_json(), jacobian_max_abs=jac_max, mesh=mesh,
    )


def pg_copy(mesh: Any) -> Any:
    from geoexplore.core.gimli import import_pygimli

    pg = import_pygimli()
    return pg.Mesh(mesh)


# -- regular-grid image --------------------------------------------------------------
def surface_elevation(data: ERTData, x: np.ndarray) -> np.ndarray:
    """Ground elevation (m) at positions x along the line, from the electrodes (and file topography)."""
    ex, ez = data.electrodes[:, 0], data.electrodes[:, 2]
    topo = data.meta.get("topography")
    if isinstance(topo, np.ndarray) and topo.ndim == 2 and len(topo) > 1:
        ex = np.concatenate([ex, topo[:, 0]])
        ez = np.concatenate([ez, topo[:, 1]])
    o = np.argsort(ex, kind="stable")
    ex, ez = ex[o], ez[o]
    ex, idx = np.unique(ex, return_index=True)
    return np.interp(x, ex, ez[idx])


def pseudosection_extent(data: ERTData, x: np.ndarray, depth: np.ndarray) -> np.ndarray:
    """Cells (depth x position) inside the lateral extent of the data at their depth.

    At depth z the model is constrained laterally only between the first and
    the last midpoint of the data whose pseudo-depth (Edwards 1977 median
    depth of investigation) reaches z; outside, it is extrapolated by the
    regularisation (the trapezoid of the pseudosection). Below the deepest
    datum the extent of the deepest data applies.
    """
    from geoexplore.ert.geometric import pseudo_positions

    mid, pz = pseudo_positions(data.electrodes, data.abmn())
    ok = np.isfinite(mid) & np.isfinite(pz)
    mid, pz = mid[ok], pz[ok]
    out = np.zeros((len(depth), len(x)), bool)
    if not mid.size:
        return out
    deepest = pz.max()
    for i, z in enumerate(depth):
        sel = pz >= min(z, deepest)
        out[i] = (x >= mid[sel].min()) & (x <= mid[sel].max())
    return out


def to_image(result: InversionResult, settings: Any = None, *, line: str = "profile", synthetic: bool = False,
             doi_threshold: float | None = None, coverage_threshold: float | None = None) -> Any:
    """The ``ert`` image: resistivity on a regular (depth below surface, chainage) grid.

    Values are interpolated linearly in log10 between cell centres (cells of
    the parameter domain only; NaN outside it). ``mask`` is True where the
    model is inside the domain, the DOI index is at most ``doi_threshold``,
    the coverage is above ``coverage_threshold`` and (``mask_pseudosection``)
    the cell lies within the lateral extent of the data at its depth.
    """
    import xarray as xr
    from scipy.interpolate import LinearNDInterpolator
    from scipy.spatial import Delaunay

    from geoexplore.ert.settings import ImageSettings, InversionSettings

    s = settings or ImageSettings()
    inv_s = InversionSettings.from_json(result.settings_json)
    doi_thr = inv_s.doi_threshold if doi_threshold is None else doi_threshold
    cov_thr = inv_s.coverage_threshold if coverage_threshold is None else coverage_threshold
    data = result.data
    a = data.spacing()
    dx = s.dx_m or a / 2
    dz = s.dz_m or a / 4
    x0, x1 = float(data.electrodes[:, 0].min()), float(data.electrodes[:, 0].max())
    x = np.arange(x0, x1 + 1e-9, dx)
    zsurf_cells = surface_elevation(data, result.cell_x_m)
    depth_cells = zsurf_cells - result.cell_z_m
    zmax = s.max_depth_m or float(np.nanmax(depth_cells))
    z = np.arange(0.0, zmax + 1e-9, dz)
    X, Z = np.meshgrid(x, z)
    pts = np.column_stack([result.cell_x_m, depth_cells])
    tri = Delaunay(pts)
    lin = LinearNDInterpolator(tri, np.log10(result.resistivity_ohm_m))
    grid_pts = np.column_stack([X.ravel(), Z.ravel()])
    # nearest cell value near the surface (above the shallowest centres) via a shallow shift
    logr = lin(grid_pts).reshape(X.shape)
    shallow = np.isnan(logr) & (Z <= np.nanmin(depth_cells) + a)
    if shallow.any():
        from scipy.interpolate import NearestNDInterpolator

        near = NearestNDInterpolator(pts, np.log10(result.resistivity_ohm_m))
        logr[shallow] = near(grid_pts[shallow.ravel()])
    inside = np.isfinite(logr)
    cov = LinearNDInterpolator(tri, result.coverage_log10)(grid_pts).reshape(X.shape)
    mask = inside & (np.nan_to_num(cov, nan=0.0) >= cov_thr)
    doi_grid = None
    if result.doi_index is not None:
        doi_grid = LinearNDInterpolator(tri, result.doi_index)(grid_pts).reshape(X.shape)
        if shallow.any():
            from scipy.interpolate import NearestNDInterpolator

            doi_grid[shallow] = NearestNDInterpolator(pts, result.doi_index)(grid_pts[shallow.ravel()])
        mask &= np.nan_to_num(doi_grid, nan=1.0) <= doi_thr
    if s.mask_pseudosection:
        mask &= pseudosection_extent(data, x, z)
    ch = x + s.chainage_offset_m
    vars_: dict[str, Any] = {
        "resistivity_ohm_m": (("depth_m", "chainage_m"), 10.0**logr),
        "mask": (("depth_m", "chainage_m"), mask),
        "coverage_log10": (("depth_m", "chainage_m"), cov),
        "elevation_m": (("chainage_m",), surface_elevation(data, x)),
    }
    if doi_grid is not None:
        vars_["doi_index"] = (("depth_m", "chainage_m"), doi_grid)
    ds = xr.Dataset(vars_, coords={"depth_m": z, "chainage_m": ch})
    ds["resistivity_ohm_m"].attrs.update(units="ohm m", description="inverted resistivity (log-linear interpolation)")
    ds["mask"].attrs["description"] = f"inside the model, DOI index <= {doi_thr}, log10 coverage >= {cov_thr}"
    ds["elevation_m"].attrs["units"] = "m"
    plain = result.chi2 if result.chi2_plain is None else result.chi2_plain
    ds.attrs.update(method="ert", line=line, synthetic=int(bool(synthetic)), chi2=result.chi2, chi2_plain=plain,
                    rrms_percent=result.rrms_percent, iterations=result.iterations, n_data_used=result.n_data_used,
                    inversion_settings=result.settings_json, electrode_spacing_m=a,
                    chainage_offset_m=s.chainage_offset_m, doi_threshold=doi_thr, stop_reason=result.stop_reason,
                    iteration_table=json.dumps(result.iteration_table))
    return ds


def cells_table(result: InversionResult) -> Any:
    """Cell model as a table: x_m, elevation_m, area_m2, resistivity_ohm_m, coverage_log10, doi_index; with IP
    also the intrinsic ``chargeability_mv_v`` or ``ip_mrad`` and ``ip_doi_index``."""
    import pandas as pd

    t = pd.DataFrame({"x_m": result.cell_x_m, "elevation_m": result.cell_z_m, "area_m2": result.cell_area_m2,
                      "resistivity_ohm_m": result.resistivity_ohm_m, "coverage_log10": result.coverage_log10})
    if result.doi_index is not None:
        t["doi_index"] = result.doi_index
    if result.ip is not None:  # the IP section: intrinsic chargeability (mV/V) or phase (mrad) and its DOI
        t[result.ip.column] = result.ip.values
        t["ip_doi_index"] = result.ip.doi_index
    return t


def export_vtk(result: InversionResult, path: str) -> None:
    """Write the parameter mesh with resistivity, coverage (and DOI) as legacy VTK."""
    if result.mesh is None:
        raise GeoexploreError("no mesh to export (result was rebuilt from storage)")
    m = result.mesh
    m["resistivity_ohm_m"] = result.resistivity_ohm_m
    m["coverage_log10"] = result.coverage_log10
    if result.doi_index is not None:
        m["doi_index"] = result.doi_index
    m.exportVTK(str(path))


def write_result(result: InversionResult, path: str | os.PathLike[str], *, settings: Any = None,
                 line: str = "profile") -> None:
    """Write an inversion result; the suffix chooses what.

    Parameters
    ----------
    result : InversionResult
    path : path-like
        ``.vtk``: the parameter mesh with resistivity (ohm m), coverage and DOI
        (:func:`export_vtk`); ``.csv``: the cell table (:func:`cells_table`);
        ``.nc``: the regular-grid ``ert`` image (:func:`to_image`, netCDF4).
    settings : ImageSettings, optional
        Grid of the image (``.nc`` only).
    line : str
        Line name stored in the image (``.nc`` only).

    Raises
    ------
    GeoexploreError
        Another suffix (the message lists the known ones).
    """
    suffix = os.path.splitext(os.fspath(path))[1].lower()
    if suffix == ".vtk":
        export_vtk(result, os.fspath(path))
    elif suffix == ".csv":
        cells_table(result).to_csv(path, index=False)
    elif suffix == ".nc":
        result.to_image(settings, line=line).to_netcdf(path, engine="h5netcdf")
    else:
        raise GeoexploreError(f"cannot write an ERT inversion result as {suffix or 'a file without suffix'!r}; "
                              "known: .vtk (mesh), .csv (cells), .nc (image)")


#: old name of :func:`invert_resistivity`, kept for one release
invert = invert_resistivity
