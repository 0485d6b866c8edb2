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
