"""The 2D MT simulations' direct solvers: Pardiso (MKL, through pydiso) against SciPy's SuperLU, and the
factorisations computed once per model.

Data: a 1D layered earth on a coarse 2D mesh (the set-up of test_invert2d.py, which checks it against the
analytic 1D response) and a random perturbation of it.
"""

import numpy as np
import pytest

from geoexplore.mt.mesh2d import active_cells, depth_nodes, profile_mesh
from geoexplore.mt.simpeg2d import (
    active_mapping,
    blas_threads,
    make_simulation,
    solver_class,
    unpack,
)


def _mesh():
    zn = depth_nodes(25.0, 1.15, 500.0, 12000.0, [200.0, 3000.0])
    mesh = profile_mesh(-2000.0, 12000.0, 1000.0, zn)
    return mesh, active_cells(mesh)


def _model(mesh, act, seed=0):
    d = -mesh.cell_centers[act, 1]
    rho = np.where(d < 200, 30.0, np.where(d < 3000, 10.0, 1000.0))
    return np.log(1 / rho) + 0.2 * np.random.default_rng(seed).standard_normal(rho.size)


def test_pardiso_equals_superlu(monkeypatch):
    """Same rho_a (< 1e-5 relative; the workflow target is 0.1 %) and phase (< 1e-3 deg) and J with both solvers."""
    pytest.importorskip("pydiso", reason="pydiso (MKL Pardiso) not installed: the inversion uses SciPy's splu")
    assert solver_class("pardiso").__name__ == "Pardiso" and solver_class("splu").__name__ == "SolverLU"
    mesh, act = _mesh()
    T, x = np.array([0.01, 1.0, 100.0, 1000.0]), np.array([0.0, 3000.0, 5000.0, 10000.0])
    m = _model(mesh, act)
    out = {}
    for name in ("splu", "pardiso"):
        monkeypatch.setenv("GEOEXPLORE_MT2D_SOLVER", name)
        with blas_threads(1):
            for mode in ("te", "tm"):
                sim = make_simulation(mesh, mode, 1 / T, x, mapping=active_mapping(mesh, act))
                assert type(sim.Ainv[0] if getattr(sim, "Ainv", None) else None) is type(None)
                r, p = unpack(sim.dpred(m), T.size, x.size)
                assert type(sim.Ainv[0]).__name__ == solver_class(name).__name__
                out[name, mode] = r, p, sim.getJ(m)
    for mode in ("te", "tm"):
        (r0, p0, j0), (r1, p1, j1) = out["splu", mode], out["pardiso", mode]
        np.testing.assert_allclose(r1, r0, rtol=1e-5)
        np.testing.assert_allclose(p1, p0, atol=1e-3)
        np.testing.assert_allclose(j1, j0, rtol=0, atol=1e-5 * np.abs(j0).max())


def test_unknown_solver_is_refused(monkeypatch):
    monkeypatch.setenv("GEOEXPLORE_MT2D_SOLVER", "umfpack")
    with pytest.raises(ValueError, match="GEOEXPLORE_MT2D_SOLVER"):
        solver_class()


def test_fields_factorise_once_per_model():
    """A second ``fields`` call on the same model reuses the factorisations (and equals SimPEG's own fields);
    a new model factorises again."""
    mesh, act = _mesh()
    sim = make_simulation(mesh, "tm", [10.0, 0.1], [0.0, 5000.0], mapping=active_mapping(mesh, act))
    m = _model(mesh, act)
    with blas_threads(1):
        f1 = sim.fields(m)
        assert sim.n_factorisations == 1
        a1 = list(sim.Ainv)
        f2 = sim.fields(m.copy())
        assert f2 is f1 and all(a is b for a, b in zip(sim.Ainv, a1))
        d = sim.dpred(m, f=f2)
        np.testing.assert_array_equal(d, type(sim).dpred(sim, m, f=type(sim).fields(sim, m)))
        a2 = list(sim.Ainv)
        sim.getJ(m)  # without fields (as the preconditioner update calls it): no new factorisation either
        assert all(a is b for a, b in zip(sim.Ainv, a2))
        assert sim.n_factorisations == 1
        f3 = sim.fields(m + 0.1)
        assert sim.n_factorisations == 2
        assert f3 is not f1 and not any(a is b for a, b in zip(sim.Ainv, a1))


def test_block_solve_equals_column_solves():
    """SuperLU solving a block of right-hand sides in one call equals pymatsolver's column-by-column solves
    (to rounding) and SciPy's ``spsolve`` of the assembled system; the sensitivity matrix of a TE and a TM
    simulation with either solver agrees to 1e-9 of its largest entry."""
    import scipy.sparse.linalg as sla
    from pymatsolver import SolverLU

    from geoexplore.mt.simpeg2d import block_solver_lu

    mesh, act = _mesh()
    m = _model(mesh, act)
    T, x = np.array([0.01, 1.0, 100.0]), np.array([0.0, 3000.0, 5000.0, 10000.0])
    opts = {"permc_spec": "MMD_AT_PLUS_A", "diag_pivot_thresh": 0.0}
    assert solver_class("splu") is block_solver_lu() and issubclass(block_solver_lu(), SolverLU)
    with blas_threads(1):
        for mode in ("te", "tm"):
            sim = make_simulation(mesh, mode, 1 / T, x, mapping=active_mapping(mesh, act))
            sim.model = m
            A = sim.getA(1.0).tocsc()
            rhs = np.random.default_rng(1).standard_normal((A.shape[0], 7)) * (1 + 1j)
            block = block_solver_lu()(A, **opts).solve(rhs)
            cols = SolverLU(A, **opts).solve(rhs)
            ref = sla.spsolve(A, rhs)
            np.testing.assert_allclose(block, cols, rtol=0, atol=1e-10 * np.abs(cols).max())
            np.testing.assert_allclose(block, ref, rtol=0, atol=1e-6 * np.abs(ref).max())  # other ordering, pivoting
            j_block = sim.getJ(m)
            col = make_simulation(mesh, mode, 1 / T, x, mapping=active_mapping(mesh, act))
            col.solver = SolverLU
            j_cols = col.getJ(m)
            assert type(col.Ainv[0]) is SolverLU and type(sim.Ainv[0]) is block_solver_lu()
            np.testing.assert_allclose(j_block, j_cols, rtol=0, atol=1e-9 * np.abs(j_cols).max())


def test_block_solver_unpickles_in_a_fresh_process():
    """A Dask client unpickles worker results holding the solver class before it made one itself."""
    import pickle
    import subprocess
    import sys

    blob = pickle.dumps(solver_class("splu"))
    code = "import pickle, sys; print(pickle.loads(sys.stdin.buffer.read()).__mro__[1].__name__)"
    out = subprocess.run([sys.executable, "-c", code], input=blob, capture_output=True, check=True)
    assert out.stdout.decode().strip() == "SolverLU"
