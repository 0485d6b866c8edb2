"""Landing on the target chi2, constraints (borehole, interface) and IP inversion (issue 20).

Numbers measured on 2 loaded cores, pyGIMLi as installed; the real files are
in ../shared/data/ert, the Siping survey is the embedded SYNTHETIC one.
"""

from __future__ import annotations

import numpy as np
import pytest

from geoexplore.core.inversion_control import interpolate_models, line_search_to_target
from geoexplore.ert import io


# -- kernels against analytic cases ---------------------------------------------------
def test_line_search_finds_the_analytic_root():
    """chi2(t) = 20 exp(-4 t): the target 1 is at t = ln(20)/4; regula falsi lands within the band."""
    t, c = line_search_to_target(lambda t: 20 * np.exp(-4 * t), 20.0, 20 * np.exp(-4.0), 1.0, 0.2)
    assert abs(c - 1.0) <= 0.1
    assert t == pytest.approx(np.log(20) / 4, abs=0.02)


def test_interpolated_models_are_geometric():
    m = interpolate_models(np.array([10.0, 100.0]), np.array([1000.0, 1.0]), 0.5)
    np.testing.assert_allclose(m, [100.0, 10.0])


def test_interface_rows_cross_only_across_the_polyline():
    from geoexplore.ert.constraints import crossing_rows

    xy = np.array([[0.0, 1.0], [0.0, 3.0], [1.0, 1.0], [5.0, 1.0], [5.0, 3.0]])
    pairs = np.array([[0, 1], [0, 2], [3, 4], [1, 4]])
    # horizontal interface at depth 2 between x = -1 and 2: only the pair (0, 1) crosses it
    np.testing.assert_array_equal(crossing_rows(pairs, xy, [-1, 2], [2, 2]), [True, False, False, False])


def test_ip_lambda_choice_on_a_linear_problem():
    """A smoothing problem with a known noise level: the chosen lambda puts chi2 in the band."""
    from geoexplore.ert.ip_inversion import choose_lambda

    rng = np.random.default_rng(1)
    n = 60
    g = np.tril(np.ones((n, n))) / n  # integration operator
    m_true = np.sin(np.linspace(0, 3, n))
    d = g @ m_true + rng.normal(0, 0.01, n)
    jw, dw = g / 0.01, d / 0.01
    c = np.diff(np.eye(n), axis=0)
    lam, m, table, reason = choose_lambda(jw, dw, c.T @ c + 1e-6 * np.eye(n), 1.0, 0.2)
    assert reason == "target" and 0.8 <= np.mean((jw @ m - dw) ** 2) <= 1.2
    assert len(table) >= 3


# -- item 5: defaults land on the target ---------------------------------------------------------
def _qc(paths, **qc):
    from geoexplore.ert.data import merge
    from geoexplore.ert.qc import quality_control
    from geoexplore.ert.settings import QCSettings

    data = merge([io.read(p) for p in paths])
    return quality_control(data, QCSettings(**qc))[0]


def _check_target(res):
    s = res.summary()
    assert 0.8 <= res.chi2 <= 1.2, s["iteration_table"]
    assert res.stop_reason == "target" and "target" in s["stop_message"]
    assert len(s["lambda_history"]) == len(s["chi2_history"]) == res.iterations + 1
    assert s["chi2_history"][-1] == pytest.approx(res.chi2, rel=1e-6)


def test_gallery_defaults_land_on_target(shared_data):
    """gallery.dat (116 data with errors): chi2 1.03 after 2 iterations at lambda 10."""
    from geoexplore.ert.inversion import invert_resistivity
    from geoexplore.ert.plot import plot_convergence
    from geoexplore.ert.settings import InversionSettings

    res = invert_resistivity(_qc([shared_data / "ert/gallery.dat"]), InversionSettings(doi=False))
    _check_target(res)
    fig = plot_convergence(res)
    assert len(fig.axes) == 2 and "target" in fig.axes[0].get_title()


@pytest.mark.slow
@pytest.mark.parametrize("name", ["slagdump.ohm", "lake.ohm"])
def test_real_files_defaults_land_on_target(shared_data, name):
    """slagdump.ohm: chi2 0.83 in 3 iterations; lake.ohm: a step overshooting to 0.53 is cut back to
    0.93 (step length 0.24) by the line search."""
    from geoexplore.ert.inversion import invert_resistivity
    from geoexplore.ert.settings import InversionSettings

    _check_target(invert_resistivity(_qc([shared_data / "ert" / name]), InversionSettings(doi=False)))


@pytest.mark.slow
def test_fixed_lambda_overshoots_where_auto_lands(shared_data):
    """lake.ohm with the old fixed lambda ends below the band (the issue's over-fit); auto does not."""
    from geoexplore.ert.inversion import invert_resistivity
    from geoexplore.ert.settings import InversionSettings

    res = invert_resistivity(_qc([shared_data / "ert/lake.ohm"]), InversionSettings(doi=False,
                                                                                      lambda_control="fixed"))
    assert res.chi2 < 0.8 and res.stop_reason == "fixed"


def _siping(siping_dir):
    return _qc(sorted((siping_dir / "ert").glob("*.dat")), default_current_a=0.5)


@pytest.mark.slow
@pytest.mark.timeout(3600)
def test_siping_defaults_land_on_target(siping_dir):
    """Both SYNTHETIC Siping files (3384 data), QC with the survey's 0.5 A, InversionSettings() with its
    default mesh (2718 cells): chi2 0.91 after 2 iterations (the second overshot to 0.61 and was cut back
    to step length 0.76). About 40 min on 2 heavily loaded cores."""
    from geoexplore.ert.inversion import invert_resistivity
    from geoexplore.ert.settings import InversionSettings

    _check_target(invert_resistivity(_siping(siping_dir), InversionSettings(doi=False)))


# -- item 3: the borehole at F3 ---------------------------------------------------------------------
def fault_zone_contrast(get_log10_rho, model, depths=(20.0, 30.0, 40.0, 50.0)) -> float:
    """log10 (median wall resistivity / median damage-zone resistivity) of F3 between 20 and 50 m depth.

    Zone: within 15 m of the fault plane; walls: 30-80 m from it on both sides.
    """
    from geoexplore.ert.synth import CHAINAGE0_M

    f3 = model.fault("F3")
    zone, wall = [], []
    for z in depths:
        p = float(f3.position(z)) - CHAINAGE0_M
        for dx in np.arange(-80.0, 80.1, 5.0):
            v = get_log10_rho(p + dx, z)
            (zone if abs(dx) <= 15 else wall if abs(dx) >= 30 else []).append(v)
    return float(np.median(wall) - np.median(zone))


@pytest.mark.slow
@pytest.mark.timeout(7200)
def test_siping_borehole_constraint_recovers_fault_zone_contrast(siping_dir, siping_model, tmp_path):
    """Borehole log of the model's column at the electrode nearest F3's plane at 30 m depth (2.5 m
    intervals to 60 m, uncertainty 0.05 in log10), holding the cells of the default rule (the cells its
    column passes through and those within the survey's lateral resolution max(a/2, z/2); no radius
    given): the recovered F3 damage-zone contrast comes closer to the model's than without it, both
    landing on the target. Mesh of the workflow (para_dx 0.5, cells <= 400 m2, 150 m deep; the default
    mesh takes over 45 min on 2 loaded cores), every other inversion setting default. The numbers
    measured are in docs/ert.md ("How far a log reaches"); both models are kept in ``tmp_path``."""
    import time

    from scipy.interpolate import LinearNDInterpolator

    from geoexplore.ert.inversion import invert_resistivity, surface_elevation
    from geoexplore.ert.settings import InversionSettings
    from geoexplore.ert.synth import CHAINAGE0_M

    data = _siping(siping_dir)
    x_b = float(np.round((float(siping_model.fault("F3").position(30.0)) - CHAINAGE0_M) / 10.0) * 10.0)
    tops = np.arange(0.0, 60.0, 2.5)
    rho = siping_model.sample("resistivity_ohm_m", x_b + CHAINAGE0_M, tops + 1.25)
    log = {"x_m": x_b, "top_m": tops.tolist(), "bottom_m": (tops + 2.5).tolist(),
           "resistivity_ohm_m": np.asarray(rho, float).tolist(), "uncertainty_log10": 0.05}
    base = dict(para_dx=0.5, para_max_cell_size_m2=400.0, para_depth_m=150.0, doi=False)
    results = {}
    for key, cons in (("without", {}), ("with", {"boreholes": [log]})):
        t0 = time.perf_counter()
        res = invert_resistivity(data, InversionSettings(**base, constraints=cons))
        depth = surface_elevation(data, res.cell_x_m) - res.cell_z_m
        np.savez(tmp_path / f"siping_{key}.npz", x=res.cell_x_m, depth=depth, rho=res.resistivity_ohm_m)
        f = LinearNDInterpolator(np.column_stack([res.cell_x_m, depth]), np.log10(res.resistivity_ohm_m))
        results[key] = (fault_zone_contrast(lambda x, z: float(f(x, z)), siping_model), res)
        print(f"{key}: chi2 {res.chi2:.3f} after {res.iterations} iterations, {time.perf_counter() - t0:.0f} s, "
              f"constraints {res.summary().get('constraints')}")
    true = fault_zone_contrast(lambda x, z: float(np.log10(siping_model.sample(
        "resistivity_ohm_m", x + CHAINAGE0_M, z))), siping_model)
    err_without = abs(results["without"][0] - true)
    err_with = abs(results["with"][0] - true)
    print(f"F3 contrast (log10): model {true:.3f}, without {results['without'][0]:.3f}, "
          f"with borehole {results['with'][0]:.3f}; chi2 {results['without'][1].chi2:.2f} / "
          f"{results['with'][1].chi2:.2f}")
    assert results["with"][1].summary()["constraints"]["borehole_cells"] > 0
    # item 5 on the Siping synthetic: default inversion settings on the workflow's mesh land on the target
    _check_target(results["without"][1])
    _check_target(results["with"][1])
    assert err_with < err_without


# -- item 4: IP on a pyGIMLi forward of Seigel's chargeable earth -------------------------------------
@pytest.mark.slow
def test_ip_recovers_a_chargeable_block(shared_data):
    """SYNTHETIC: gallery.dat's electrodes and arrays over 100 ohm m with a 100 mV/V block (x 16-24 m,
    depth 1.5-4 m); apparent chargeability from two pyGIMLi forward runs (Seigel: 1 - rho_a(rho) /
    rho_a(rho / (1 - m))) plus noise. The IP inversion lands in the chi2 band and its largest
    chargeability lies in the block."""
    from geoexplore.core.gimli import import_pygimli, set_threads
    from geoexplore.ert.data import ERTData
    from geoexplore.ert.inversion import (
        create_mesh,
        invert_resistivity,
        surface_elevation,
    )
    from geoexplore.ert.settings import InversionSettings

    pg = import_pygimli()
    from pygimli.physics import ert

    real = _qc([shared_data / "ert/gallery.dat"])
    mesh = create_mesh(real, InversionSettings(para_max_cell_size_m2=2.0))
    fop = ert.ERTModelling()
    set_threads(None, fop)
    fop.setData(real.to_pygimli())
    fop.setMesh(mesh)
    pd_ = fop.paraDomain
    cx = np.array([c.center()[0] for c in pd_.cells()])
    cdep = surface_elevation(real, cx) - np.array([c.center()[1] for c in pd_.cells()])
    block = (cx >= 16) & (cx <= 24) & (cdep >= 1.5) & (cdep <= 4.0)
    rho = np.full(len(cx), 100.0)
    m = np.where(block, 0.1, 0.0)
    rhoa0 = np.asarray(fop.response(pg.Vector(rho)), float)
    rhoa1 = np.asarray(fop.response(pg.Vector(rho / (1 - m))), float)
    rng = np.random.default_rng(7)
    ma = 1000.0 * (1 - rhoa0 / rhoa1) + rng.normal(0, 0.5, len(rhoa0))
    table = real.data.copy()
    table["apparent_resistivity_ohm_m"] = rhoa0 * (1 + rng.normal(0, 0.01, len(rhoa0)))
    table["error"] = 0.02
    table["chargeability_mv_v"] = ma
    data = ERTData(real.electrodes, table, meta=dict(real.meta))
    res = invert_resistivity(data, InversionSettings(doi=False, para_max_cell_size_m2=2.0,
                                                     ip={"invert": "on", "absolute_error": 0.5,
                                                         "relative_error": 0.0}))
    ip = res.ip
    assert ip is not None and ip.unit == "mV/V" and ip.stop_reason == "target"
    assert 0.8 <= ip.chi2 <= 1.2
    x_top, d_top = res.cell_x_m[np.argmax(ip.values)], (surface_elevation(data, res.cell_x_m) - res.cell_z_m)[np.argmax(ip.values)]
    assert 14 <= x_top <= 26 and d_top <= 6, (x_top, d_top)
    assert ip.doi_index.shape == ip.values.shape and ip.doi_index.max() == pytest.approx(1.0)


@pytest.mark.slow
def test_ip_real_file_lands_on_target(shared_data):
    """res2dinv-ipgeneral.dat (real, 228 data with chargeability): DC chi2 1.03, IP chi2 0.88 at
    lambda 0.0075 (1 mV/V + 5 % errors)."""
    from geoexplore.ert.inversion import invert_resistivity
    from geoexplore.ert.settings import InversionSettings

    res = invert_resistivity(_qc([shared_data / "ert/instruments/res2dinv-ipgeneral.dat"]),
                             InversionSettings(doi=False, ip={"invert": "auto"}))
    assert 0.8 <= res.chi2 <= 1.2
    assert res.ip is not None and 0.8 <= res.ip.chi2 <= 1.2 and res.summary()["ip"]["unit"] == "mV/V"
    from geoexplore.ert.inversion import cells_table
    from geoexplore.ert.plot import plot_ip_section

    t = cells_table(res)
    assert {"chargeability_mv_v", "ip_doi_index"} <= set(t.columns)
    assert "IP section" in plot_ip_section(res).axes[0].get_title()
