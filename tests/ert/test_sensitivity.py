"""The vectorised ERT Jacobian and the direct primary potentials (issue 25) against pyGIMLi's own.

Reference: pyGIMLi's ``createSensitivityCol`` and its P2 primary potentials
with interpolation, on real shared files; and the whole inversion with
``jacobian="pygimli"`` (today's path) against the default vectorised one.
"""

from __future__ import annotations

import numpy as np
import pytest

from geoexplore.ert import io


def _qc(path):
    from geoexplore.ert.qc import quality_control
    from geoexplore.ert.settings import QCSettings

    data, _ = quality_control(io.read(path), QCSettings())
    return data


def _fop(dc, fop=None):
    from geoexplore.core.gimli import import_pygimli, set_threads

    import_pygimli()
    from pygimli.physics import ert

    mgr = ert.ERTManager(dc, fop=fop, verbose=False)
    set_threads(None, mgr.fop)
    mgr.setMesh(ert.createInversionMesh(dc, paraDX=0.3, quality=34))
    mgr.fop.setData(dc)
    return _snapped(mgr.fop)


def _snapped(fop):
    """The forward mesh with its nodes on the 2**-20 m grid, as geoexplore's operator makes it (sr_forward)."""
    from geoexplore.ert.sr_forward import snap_mesh

    fop.mesh()  # the forward mesh is made on first use
    snap_mesh(fop._core.mesh())
    return fop


def _random_model(data, n, seed=0):
    from geoexplore.core.gimli import import_pygimli

    pg = import_pygimli()
    rng = np.random.default_rng(seed)
    med = float(np.median(data.data["apparent_resistivity_ohm_m"]))
    return pg.Vector(med * np.exp(0.5 * rng.standard_normal(n)))


def test_cell_geometry_reproduces_p1_element_matrices():
    """One triangle: sqrt(A) grad phi and sqrt(A/12) give the analytic P1 stiffness and mass matrices."""
    from geoexplore.ert.sensitivity import CellGeometry

    xy = np.array([[0.0, 0.0], [2.0, 0.0], [0.5, 1.5]])
    g = CellGeometry(np.array([[0, 1, 2]]), xy, np.array([0]), 1)
    area = 1.5
    k_fe = g.grad[0, 0].T @ g.grad[0, 0]
    # closed form: K_ij = (b_i b_j + c_i c_j) / (4A)
    b = np.array([0.0 - 1.5, 1.5 - 0.0, 0.0 - 0.0])
    c = np.array([0.5 - 2.0, 0.0 - 0.5, 2.0 - 0.0])
    np.testing.assert_allclose(k_fe, (np.outer(b, b) + np.outer(c, c)) / (4 * area), rtol=1e-12)
    assert g.mass[0, 0] ** 2 == pytest.approx(area / 12)
    np.testing.assert_allclose(k_fe.sum(axis=1), 0.0, atol=1e-12)  # constants have no gradient


def test_jacobian_equals_pygimli_on_gallery(shared_data):
    """gallery.dat (flat, 21 electrodes, 116 data), a random heterogeneous model: the vectorised
    Jacobian equals pyGIMLi's createSensitivityCol to 1e-10 (relative to its largest entry)."""
    from geoexplore.core.gimli import import_pygimli
    from geoexplore.ert.sensitivity import fast_modelling

    pg = import_pygimli()
    data = _qc(shared_data / "ert/gallery.dat")
    dc = data.to_pygimli()
    ref, fast = _fop(dc), _fop(dc, fast_modelling(1))
    m = _random_model(data, ref.parameterCount)
    np.testing.assert_allclose(np.asarray(fast.response(m)), np.asarray(ref.response(m)), rtol=1e-12)
    ref.createJacobian(m)
    fast.createJacobian(m)
    j_ref, j_fast = pg.utils.gmat2numpy(ref.jacobian()), pg.utils.gmat2numpy(fast.jacobian())
    assert j_fast.shape == j_ref.shape == (data.n_data, ref.parameterCount)
    assert np.max(np.abs(j_fast - j_ref)) <= 1e-10 * np.max(np.abs(j_ref))


@pytest.mark.slow
def test_primary_potentials_and_jacobian_equal_pygimli_over_topography(shared_data):
    """slagdump.ohm (topography): the P2 primary potentials taken at the P1 nodes equal pyGIMLi's
    interpolated ones, so the responses agree to 1e-10, and the Jacobians to 1e-10."""
    from geoexplore.core.gimli import import_pygimli
    from geoexplore.ert.sensitivity import fast_modelling

    pg = import_pygimli()
    data = _qc(shared_data / "ert/slagdump.ohm")
    dc = data.to_pygimli()
    ref, fast = _fop(dc), _fop(dc, fast_modelling(1))
    m = _random_model(data, ref.parameterCount, seed=1)
    r_ref, r_fast = np.asarray(ref.response(m)), np.asarray(fast.response(m))
    assert ref._core.topography()
    p_ref, p_fast = np.asarray(ref._core.primaryPotential()), np.asarray(fast._core.primaryPotential())
    assert p_ref.shape == p_fast.shape
    assert np.max(np.abs(p_fast - p_ref)) <= 1e-10 * np.max(np.abs(p_ref))
    np.testing.assert_allclose(r_fast, r_ref, rtol=1e-10)
    ref.createJacobian(m)
    fast.createJacobian(m)
    j_ref, j_fast = pg.utils.gmat2numpy(ref.jacobian()), pg.utils.gmat2numpy(fast.jacobian())
    assert np.max(np.abs(j_fast - j_ref)) <= 1e-10 * np.max(np.abs(j_ref))


@pytest.mark.slow
def test_fast_path_gives_the_reference_model_on_slagdump(shared_data):
    """slagdump.ohm, the benchmark's settings (defaults, DOI on): the vectorised path and
    jacobian="pygimli" (the path before issue 25) give the same chi2 (to 1e-4) and iterations, and
    models within 5 % in log10 inside the DOI mask (measured: 5e-6 in log10 everywhere)."""
    from geoexplore.ert.inversion import invert_resistivity
    from geoexplore.ert.settings import InversionSettings

    data = _qc(shared_data / "ert/slagdump.ohm")
    fast = invert_resistivity(data, InversionSettings())
    ref = invert_resistivity(data, InversionSettings(jacobian="pygimli"))
    assert fast.chi2 == pytest.approx(ref.chi2, abs=1e-4) and fast.iterations == ref.iterations
    assert fast.stop_reason == ref.stop_reason == "target"
    inside = ref.doi_index <= InversionSettings().doi_threshold
    assert inside.sum() > 100
    lf, lr = np.log10(fast.resistivity_ohm_m), np.log10(ref.resistivity_ohm_m)
    assert np.max(np.abs(lf - lr)[inside] / np.abs(lr[inside])) <= 0.05
    assert np.max(np.abs(lf - lr)[inside]) <= np.log10(1.05)  # and within 5 % in resistivity
    np.testing.assert_allclose(fast.doi_index, ref.doi_index, atol=1e-3)


def _slope_survey():
    """SYNTHETIC: 16 electrodes on a 20 % slope, dipole-dipole (pyGIMLi's createData), k from pyGIMLi."""
    from geoexplore.core.gimli import import_pygimli

    pg = import_pygimli()
    from pygimli.physics import ert

    x = np.arange(16) * 2.0
    dc = ert.createData(elecs=np.column_stack([x, 0.2 * x]), schemeName="dd")
    dc["k"] = ert.createGeometricFactors(dc, numerical=False)
    assert dc.size() > 50 and pg is not None
    return dc


def test_homogeneous_model_response_and_jacobian_without_a_solve_equal_pygimli():
    """Over topography a homogeneous model's response is taken from the primary potentials (no
    secondary solve): equal to pyGIMLi's ERTModelling solve to 1e-8 and the Jacobian built on those
    potentials equal to pyGIMLi's createSensitivityCol to 1e-10 (synthetic slope survey)."""
    from geoexplore.core.gimli import import_pygimli
    from geoexplore.ert.sensitivity import fast_modelling

    pg = import_pygimli()
    dc = _slope_survey()
    ref, fast = _fop(dc), _fop(dc, fast_modelling(1))
    m = pg.Vector(ref.parameterCount, 87.5)
    r_fast = np.asarray(fast.response(m))
    assert fast._pots is not None  # the shortcut was taken: no solve
    r_ref = np.asarray(ref.response(m))
    assert ref._core.topography()
    np.testing.assert_allclose(r_fast, r_ref, rtol=1e-8)  # measured 6e-9 (pyGIMLi interpolates its primary)
    ref.createJacobian(m)
    fast.createJacobian(m)
    j_ref, j_fast = pg.utils.gmat2numpy(ref.jacobian()), pg.utils.gmat2numpy(fast.jacobian())
    assert np.max(np.abs(j_fast - j_ref)) <= 1e-10 * np.max(np.abs(j_ref))
    # a heterogeneous model afterwards is solved (by the repeatable solve, sr_forward): pyGIMLi's response
    m2 = _random_model_like(87.5, ref.parameterCount)
    np.testing.assert_allclose(np.asarray(fast.response(m2)), np.asarray(ref.response(m2)), rtol=1e-10)
    assert fast._pots is not None and fast.sr_fallback is None


def _random_model_like(rho, n, seed=3):
    from geoexplore.core.gimli import import_pygimli

    pg = import_pygimli()
    return pg.Vector(rho * np.exp(0.5 * np.random.default_rng(seed).standard_normal(n)))


def test_broyden_update_meets_the_secant_condition():
    """Broyden's update reproduces the observed log-response change over the step (secant condition,
    analytic), changes J only along the step (J+ v = J v for v orthogonal to it), and keeps J for a
    zero step."""
    from geoexplore.ert.sensitivity import broyden_update

    rng = np.random.default_rng(0)
    j = rng.standard_normal((5, 7))
    dx, dy = rng.standard_normal(7), rng.standard_normal(5)
    jb = broyden_update(j, dx, dy)
    np.testing.assert_allclose(jb @ dx, dy, rtol=1e-12)
    v = rng.standard_normal(7)
    v -= (v @ dx) / (dx @ dx) * dx
    np.testing.assert_allclose(jb @ v, j @ v, atol=1e-12)
    assert broyden_update(j, np.zeros(7), dy) is j
