"""SimPEG 2D set-up (against the analytic 1D forward), the patched getJ, data gathering, the mt image."""

import numpy as np
import pytest

from geoexplore.core.images import check_image
from geoexplore.mt.analysis import rotate_z
from geoexplore.mt.forward1d import mt1d_impedance, mt1d_rho_phase
from geoexplore.mt.invert2d import Inversion2DResult, graben_metrics, image, inversion_mesh, profile_data
from geoexplore.mt.mesh2d import active_cells, depth_nodes, profile_mesh
from geoexplore.mt.simpeg2d import active_mapping, blas_threads, make_simulation, unpack
from geoexplore.mt.tfdata import make_tf


def _layered(mesh, act):
    d = -mesh.cell_centers[act, 1]
    return np.where(d < 200, 30.0, np.where(d < 3000, 10.0, 1000.0))


def test_te_tm_match_analytic_1d_on_coarse_mesh():
    """Both modes over a 1D earth equal the Wait recursion (TE first quadrant, TM third)."""
    zn = depth_nodes(25.0, 1.15, 500.0, 12000.0, [200.0, 3000.0])
    mesh = profile_mesh(-2000.0, 12000.0, 1000.0, zn)
    act = active_cells(mesh)
    T = np.array([0.01, 1.0, 100.0])
    x = np.array([0.0, 5000.0, 10000.0])
    r1, p1 = mt1d_rho_phase([30.0, 10.0, 1000.0], [200.0, 2800.0], T)
    with blas_threads(1):
        for mode in ("te", "tm"):
            sim = make_simulation(mesh, mode, 1 / T, x, mapping=active_mapping(mesh, act), forward_only=True)
            r, p = unpack(sim.dpred(np.log(1 / _layered(mesh, act))), T.size, x.size)
            np.testing.assert_allclose(r, np.repeat(r1[:, None], 3, 1), rtol=0.04)
            expect = p1 if mode == "te" else p1 - 180.0
            np.testing.assert_allclose(p, np.repeat(expect[:, None], 3, 1), atol=1.5)


def test_patched_getj_matches_jvec_for_te():
    """SimPEG 0.25.2's TE getJ fails (#1541); the patched one agrees with Jvec."""
    zn = depth_nodes(50.0, 1.3, 1000.0, 5000.0)
    mesh = profile_mesh(0.0, 4000.0, 1000.0, zn, pad_x_m=2e5, pad_z_m=2e5, air_m=2e5)
    act = active_cells(mesh)
    sim = make_simulation(mesh, "te", [1.0], [1000.0, 3000.0], mapping=active_mapping(mesh, act))
    rng = np.random.default_rng(0)
    m = np.log(1 / 100.0) + 0.3 * rng.standard_normal(int(act.sum()))
    v = rng.standard_normal(m.size)
    w = rng.standard_normal(sim.survey.nD)
    with blas_threads(1):
        jv = type(sim).Jvec(sim, m, v)  # SimPEG's own solves
        jtw = type(sim).Jtvec(sim, m, w)
        J = sim.getJ(m)
        np.testing.assert_allclose(sim.Jvec(m, v), J @ v)  # the stored-J shortcut
    np.testing.assert_allclose(J @ v, jv, rtol=1e-4, atol=1e-6 * np.abs(jv).max())
    np.testing.assert_allclose(J.T @ w, jtw, rtol=1e-4, atol=1e-6 * np.abs(jtw).max())
    # a new model invalidates the stored J
    sim.model = m + 0.1
    assert getattr(sim, "_Jmatrix", None) is None


def test_profile_data_rotates_to_strike():
    T = np.logspace(-2, 2, 9)
    te = mt1d_impedance([100.0, 5.0], [800.0], T)
    tm = mt1d_impedance([100.0, 500.0], [800.0], T)
    zs = np.zeros((T.size, 2, 2), complex)
    zs[:, 0, 1] = te
    zs[:, 1, 0] = -tm
    zg, _ = rotate_z(zs, -45.0)  # strike frame x at azimuth 45 -> north/east
    tfs = [make_tf(T, zg, z_err=np.full(zg.shape, 0.01 * np.abs(te).min()), station=f"S{k}", chainage_m=1000.0 * k,
                   elevation_m=200.0, synthetic=1) for k in (2, 0, 1)]
    d = profile_data(tfs, strike_deg=45.0, per_decade=1.0, period_min_s=0.01, period_max_s=100.0)
    assert list(d.chainage_m) == [0.0, 1000.0, 2000.0] and d.station == ["S0", "S1", "S2"]
    np.testing.assert_allclose(d.period_s, [0.01, 0.1, 1.0, 10.0, 100.0], rtol=1e-9)
    sel = np.isin(T, d.period_s)
    np.testing.assert_allclose(d.rho["te"][:, 0], 0.2 * T[sel] * np.abs(te[sel]) ** 2, rtol=1e-9)
    np.testing.assert_allclose(d.phase["te"][:, 0], np.degrees(np.angle(te[sel])), atol=1e-9)
    np.testing.assert_allclose(d.phase["tm"][:, 0], np.degrees(np.angle(tm[sel])) - 180.0, atol=1e-9)
    # floors: 1 % errors are below the 5 % / 1.43 deg floors
    np.testing.assert_allclose(d.rho_sd["tm"] / d.rho["tm"], 0.05, rtol=1e-9)
    np.testing.assert_allclose(d.phase_sd["te"], 1.43)
    assert d.synthetic == 1


def test_image_contract_and_metrics():
    """The image of a known block model passes check_image and the metrics find the block."""
    mesh = inversion_mesh(0.0, 30000.0, dx_m=500.0)
    act = active_cells(mesh)
    cc = mesh.cell_centers[act]
    rho = np.where((cc[:, 0] > 8000) & (cc[:, 0] < 22000) & (-cc[:, 1] < 2800), 6.0, 2000.0)
    res = Inversion2DResult(mesh=mesh, active=act, log_sigma=np.log(1 / rho), sensitivity=np.ones(act.sum()),
                            chi2={"te": 1.0, "tm": 1.0, "total": 1.0})

    class D:  # minimal ProfileData stand-in for the image
        chainage_m = np.arange(0.0, 30001.0, 2000.0)
        station = [f"S{k}" for k in range(16)]
        elevation_m = np.full(16, 200.0)
        synthetic = 1
        strike_deg = 45.0
        modes = ("te", "tm")

    img = image(res, D(), chainage_m=np.arange(0, 30001, 100.0), depth_m=np.arange(0, 10001, 50.0), line="mt")
    assert check_image(img) == "mt"
    assert img.attrs["synthetic"] == 1 and img["mask"].dtype == bool
    m = graben_metrics(img)
    assert m["fill_depth_m"] == pytest.approx(2800.0, abs=300)
    assert m["edge_left_m"] == pytest.approx(8000.0, abs=600)
    assert m["edge_right_m"] == pytest.approx(22000.0, abs=600)


def test_graben_metrics_on_the_true_model(siping_model):
    """On the reference model itself: the threshold depth is the fill base, and the conductance depth is where the
    layered column (geomodel.column, integrated here by hand) reaches 95 % of its conductance below 300 m."""
    x = np.arange(0.0, 30001.0, 100.0)
    z = np.arange(0.0, 8001.0, 25.0)
    sec = siping_model.section(x, z, damage=False)
    m = graben_metrics(sec)
    col = siping_model.column(15000.0, max_depth_m=8000.0)
    tops, rho = col["top_m"], col["resistivity_ohm_m"]
    base = float(tops[np.argmax((tops >= 300.0) & (rho > 110.0))])
    assert m["fill_depth_m"] == pytest.approx(base, abs=25.0)
    bottoms = np.r_[tops[1:], 8000.0]
    lo, hi = np.clip(tops, 300.0, base), np.clip(bottoms, 300.0, base)
    s_total = float(np.sum((hi - lo) / rho))
    target, acc = 0.95 * s_total, 0.0
    for t, b, r in zip(lo, hi, rho):  # depth at which 95 % of the conductance is reached
        if acc + (b - t) / r >= target:
            z95 = t + (target - acc) * r
            break
        acc += (b - t) / r
    assert m["fill_base_conductance_m"] == pytest.approx(z95, abs=50.0)
