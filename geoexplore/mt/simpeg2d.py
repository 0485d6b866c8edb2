"""SimPEG 0.25 2D natural-source simulations for TE and TM, set up the way that works.

* TE: ``Simulation2DMagneticField`` with orientation ``"yx"``; its phase is
  in the first quadrant (+45 deg over a half-space) and equals our Zxy in
  the strike frame (x along strike).
* TM: ``Simulation2DElectricField`` with orientation ``"xy"``; phase in
  the third quadrant (-135 deg) = our Zyx in the strike frame.
* Air conductivity 1e-6 S/m (1e-8 is numerically unstable in TE with a
  thin air cell), receivers exactly at y = 0.
* ``getJ`` of the TE simulation fails in SimPEG 0.25.2 (issue #1541: the
  2D ``df_dmT`` block is ``np.hstack``-ed); :func:`patch_getj` binds a
  corrected copy to a simulation instance (TM is unaffected; the patch
  gives identical results there).
* ``dpred`` is ordered source (frequency, in the order given), receiver
  (rho_a, phase), station: :func:`unpack` reshapes accordingly.
"""

from __future__ import annotations

from typing import Any

import numpy as np

SIGMA_AIR = 1e-6


def _patched_getJ(self: Any, m: Any, f: Any = None) -> np.ndarray:  # noqa: N802 (SimPEG name)
    """``BaseFDEMSimulation.getJ`` with the 2D receiver derivative block added directly."""
    from discretize.utils import Zero

    self.model = m
    if getattr(self, "_Jmatrix", None) is None:
        if f is None:
            f = self.fields(m)
        jmat = np.zeros((self.survey.nD, self.model.size))
        slices = self.survey.get_all_slices()
        for a_i, freq in zip(self.Ainv, self.survey.frequencies):
            for src in self.survey.get_sources_by_frequency(freq):
                u_src = f[src, self._solutionType]
                for rx in src.receiver_list:
                    v = np.eye(rx.nD, dtype=float)
                    df_duT, df_dmT = rx.evalDeriv(src, self.mesh, f, v=v, adjoint=True)
                    df_duT = np.hstack([df_duT])
                    atinv = a_i * df_duT
                    da = self.getADeriv(freq, u_src, atinv, adjoint=True)
                    drhs = self.getRHSDeriv(freq, src, atinv, adjoint=True)
                    du = -da
                    if not isinstance(drhs, Zero):
                        du += drhs
                    if isinstance(df_dmT, np.ndarray) and df_dmT.ndim == 2:
                        du += df_dmT
                    elif not isinstance(df_dmT, Zero) and not isinstance(df_dmT[0], Zero):
                        du += np.hstack(df_dmT)
                    jmat[slices[src, rx]] = np.array(du, dtype=complex).real.T
        self._Jmatrix = jmat
    return self._Jmatrix


def _stored_Jvec(self: Any, m: Any, v: Any, f: Any = None) -> np.ndarray:  # noqa: N802
    """``J v`` from the stored sensitivity matrix when it belongs to ``m``, else SimPEG's solves."""
    self.model = m  # clears the stored J if m changed
    jm = getattr(self, "_Jmatrix", None)
    if jm is not None:
        return jm @ np.asarray(v)
    return type(self).Jvec(self, m, v, f=f)


def _stored_Jtvec(self: Any, m: Any, v: Any, f: Any = None) -> np.ndarray:  # noqa: N802
    """``J^T v`` from the stored sensitivity matrix when it belongs to ``m``, else SimPEG's solves."""
    self.model = m
    jm = getattr(self, "_Jmatrix", None)
    if jm is not None:
        return jm.T @ np.asarray(v)
    return type(self).Jtvec(self, m, v, f=f)


def _cached_fields(self: Any, m: Any = None) -> Any:
    """SimPEG's ``fields``, computed once per model: a second call with the same model returns the
    fields (and keeps the factorisations) of the first instead of factorising again."""
    if m is not None:
        self.model = m
    cache = getattr(self, "_fields_cache", None)
    ainv = getattr(self, "Ainv", None)
    if (cache is not None and self.model is not None and np.array_equal(cache[0], self.model)
            and ainv is not None and all(a is not None for a in ainv)):
        return cache[1]
    f = type(self).fields(self, self.model)
    self.n_factorisations = getattr(self, "n_factorisations", 0) + 1
    self._fields_cache = (np.array(self.model, copy=True), f) if not self.forward_only else None
    return f


def patch_getj(sim: Any) -> Any:
    """Bind the corrected ``getJ`` to ``sim`` (this instance only) and make ``Jvec``/``Jtvec``
    use the stored J while the model is unchanged; returns ``sim``.

    The inversion computes J every iteration anyway (Jacobi preconditioner,
    sensitivity weights); with it stored, each CG step is a dense product
    instead of 2 x n_freq sparse triangular solves plus SimPEG's Python
    overhead. The model setter of SimPEG deletes ``_Jmatrix`` whenever the
    model changes, so a stale J is never used.

    ``fields`` is also made to compute once per model: SimPEG factorises
    every system again on every call, and the preconditioner update
    (``getJtJdiag`` -> ``getJ`` without fields) called it a second time per
    Gauss-Newton iteration on the model the misfit had just been evaluated at.
    """
    sim.fields = _cached_fields.__get__(sim)
    sim.getJ = _patched_getJ.__get__(sim)
    sim.Jvec = _stored_Jvec.__get__(sim)
    sim.Jtvec = _stored_Jtvec.__get__(sim)
    return sim


SOLVER_ENV = "GEOEXPLORE_MT2D_SOLVER"


def solver_class(name: str | None = None) -> Any:
    """The sparse direct solver of the 2D simulations.

    Parameters
    ----------
    name : {"auto", "pardiso", "splu"}, optional
        ``auto`` (default; or the environment variable ``GEOEXPLORE_MT2D_SOLVER``,
        read also on Dask workers, used by the benchmarks to compare both in one
        process): Pardiso (MKL, through pydiso) if pydiso imports, else SciPy's
        SuperLU (``pymatsolver.SolverLU``). ``pardiso`` without pydiso raises ImportError.
    """
    import os

    name = name or os.environ.get(SOLVER_ENV, "auto")
    if name not in ("auto", "pardiso", "splu"):
        raise ValueError(f"{SOLVER_ENV}/solver {name!r}: expected auto, pardiso or splu")
    if name != "splu":
        try:
            import pydiso  # noqa: F401
            from pymatsolver import Pardiso

            return Pardiso
        except ImportError:
            if name == "pardiso":
                raise
    return block_solver_lu()


_BLOCK_LU: list[Any] = []


def block_solver_lu() -> Any:
    """pymatsolver's ``SolverLU`` solving all right-hand sides of a block in one SuperLU call.

    pymatsolver 0.3 solves an ``(n, k)`` right-hand side column by column
    (``_solve_multiple``: ``k`` calls of ``SuperLU.solve``), which streams the
    triangular factors through memory ``k`` times. ``getJ`` solves one block
    of 31 columns per receiver (one per station), so the sensitivity matrix
    cost 2 x 31 passes over the factors per frequency. SciPy's
    ``SuperLU.solve`` takes the block (SuperLU's ``gstrs`` with ``nrhs = k``:
    one pass, dense ``trsm``/``gemm`` per supernode). Same factors, same
    solution to rounding (7.8e-10 of max |J| on the full Siping mesh).
    The class is made once per process and named ``SolverLU`` (the name
    :func:`make_simulation` and the benchmarks look for).
    """
    if not _BLOCK_LU:
        from pymatsolver import SolverLU

        def _solve_multiple(self: Any, rhs: Any) -> np.ndarray:
            return self.solver.solve(np.asarray(rhs).astype(self.dtype))

        cls = type("SolverLU", (SolverLU,), {"_solve_multiple": _solve_multiple,
                                             "__module__": __name__, "__qualname__": "BlockSolverLU"})
        globals()["BlockSolverLU"] = cls  # picklable by name
        _BLOCK_LU.append(cls)
    return _BLOCK_LU[0]


def make_simulation(
    mesh: Any,
    mode: str,
    frequencies_hz: Any,
    stations_x_m: Any,
    *,
    mapping: Any,
    forward_only: bool = False,
) -> Any:
    """A TE or TM simulation for rho_a and phase at ``stations_x_m`` (on y = 0).

    Parameters
    ----------
    mode : {"te", "tm"}
    frequencies_hz : (n_f,) array
        Source order (and therefore dpred order).
    mapping : simpeg map
        From the model vector to cell conductivity on the whole mesh.
    """
    import simpeg.electromagnetics.natural_source as nsem

    loc = np.c_[np.asarray(stations_x_m, float), np.zeros(len(stations_x_m))]
    orient = {"te": "yx", "tm": "xy"}[mode]
    rx = [nsem.receivers.Impedance(loc, orientation=orient, component=c) for c in ("apparent_resistivity", "phase")]
    survey = nsem.Survey([nsem.sources.Planewave(rx, float(f)) for f in frequencies_hz])
    cls = nsem.simulation.Simulation2DMagneticField if mode == "te" else nsem.simulation.Simulation2DElectricField
    kw: dict[str, Any] = {"forward_only": True} if forward_only else {}
    solver = solver_class()
    if solver.__name__ == "SolverLU":
        # SuperLU with a symmetric ordering and no partial pivoting: 2-40x faster and sparser
        # factors than the defaults on these complex-symmetric systems (checked against 1D)
        kw["solver_opts"] = {"permc_spec": "MMD_AT_PLUS_A", "diag_pivot_thresh": 0.0}
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SimPEG's PerformanceWarning about SolverLU
        sim = cls(mesh, survey=survey, sigmaMap=mapping, solver=solver, **kw)
    return patch_getj(sim)


def active_mapping(mesh: Any, act: np.ndarray, *, log: bool = True) -> Any:
    """Model (log conductivity, or conductivity) on active cells -> conductivity on the mesh (air 1e-6 S/m)."""
    from simpeg import maps

    inj = maps.InjectActiveCells(mesh, act, SIGMA_AIR)
    return inj * maps.ExpMap(nP=int(act.sum())) if log else inj * maps.IdentityMap(nP=int(act.sum()))


def unpack(d: Any, n_freq: int, n_sta: int) -> tuple[np.ndarray, np.ndarray]:
    """``dpred`` vector -> (rho_a, phase), each (n_freq, n_sta) in source order."""
    a = np.asarray(d, float).reshape(n_freq, 2, n_sta)
    return a[:, 0], a[:, 1]


def pack(rho: Any, phase: Any) -> np.ndarray:
    """(n_freq, n_sta) rho_a and phase -> a data vector in SimPEG's order."""
    return np.stack([np.asarray(rho, float), np.asarray(phase, float)], axis=1).ravel()


def blas_threads(n: int | None = 1) -> Any:
    """Context manager limiting BLAS threads (OpenBLAS of NumPy and SciPy) to ``n``.

    SuperLU calls BLAS on small supernodes; on a loaded 2-core machine
    OpenBLAS threads spinning against each other made one factorisation 30x
    slower (9 s instead of 0.3 s CPU). SciPy's OpenBLAS is loaded lazily, so
    it is imported here first. ``n=None`` leaves the threads alone.
    """
    import contextlib

    import scipy.sparse.linalg  # noqa: F401  (load scipy's OpenBLAS before limiting it)

    if n is None:
        return contextlib.nullcontext()
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=int(n), user_api="blas")


def __getattr__(name: str) -> Any:
    """``BlockSolverLU`` made on first use (PEP 562), so pickle finds it in a process that has not made it yet."""
    if name == "BlockSolverLU":
        return block_solver_lu()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
