"""Which model cells a borehole log holds (issue 20): the default rule, not a radius chosen per survey.

Rule (``geoexplore.ert.constraints``, docs/ert.md "How far a log reaches"): inside a logged interval,
the cells the borehole's column passes through (pyGIMLi's prior-data recipe, ``mesh.findCell`` at the
log's points) and the cells whose centre lies within ``max(a/2, z/2)`` of the column (``a`` the
electrode spacing, ``z`` the cell's depth); ``radius_m`` overrides it.
"""

from __future__ import annotations

import numpy as np
import pytest


def test_lateral_reach_is_half_the_line_source_half_width():
    """Analytic: the surface anomaly of a line source at depth z, z / (x^2 + z^2), has its half maximum
    at x = z (found here numerically); the reach is half of that width's half, z / 2, and never less than
    half an electrode spacing."""
    from geoexplore.ert.constraints import lateral_reach_m

    a = 10.0
    x = np.linspace(0.0, 1000.0, 2_000_001)
    for z in (2.0, 10.0, 30.0, 80.0):
        g = z / (x ** 2 + z ** 2)
        hwhm = x[np.argmax(g <= 0.5 * g[0])]
        assert hwhm == pytest.approx(z, abs=1e-3)
        assert lateral_reach_m(z, a) == pytest.approx(max(a / 2, hwhm / 2), abs=1e-3)


def _gallery_cells(shared_data):
    from geoexplore.core.gimli import import_pygimli
    from geoexplore.ert import io
    from geoexplore.ert.constraints import cell_geometry
    from geoexplore.ert.inversion import create_mesh, surface_elevation
    from geoexplore.ert.qc import quality_control
    from geoexplore.ert.settings import InversionSettings, QCSettings

    pg = import_pygimli()
    from pygimli.physics import ert

    data, _ = quality_control(io.read(shared_data / "ert/gallery.dat"), QCSettings())
    fop = ert.ERTModelling()
    fop.setData(data.to_pygimli())
    fop.setMesh(create_mesh(data, InversionSettings()))
    surface = lambda x: surface_elevation(data, np.asarray(x, float))  # noqa: E731
    return pg, data, fop.paraDomain, surface, cell_geometry(fop.paraDomain, surface)


def test_default_rule_holds_pygimli_column_cells_and_the_lateral_resolution(shared_data):
    """gallery.dat's pyGIMLi mesh, a log between two electrodes with three intervals to 6 spacings:
    every cell pyGIMLi's findCell gives for points along the column (centre inside an interval) is held;
    the other held cells lie within max(a/2, z/2); every cell within it is held; each cell gets its
    interval's resistivity."""
    from geoexplore.ert.constraints import borehole_rows, lateral_reach_m
    from geoexplore.ert.settings import BoreholeLog

    pg, data, pd_, surface, (x, depth, span) = _gallery_cells(shared_data)
    a = data.spacing()
    x_b = float(np.median(data.electrodes[:, 0])) + 0.3 * a
    log = BoreholeLog(x_m=x_b, top_m=[0.0, 1.5 * a, 3 * a], bottom_m=[1.5 * a, 3 * a, 6 * a],
                      resistivity_ohm_m=[40.0, 120.0, 300.0])
    cells, rho, _ = borehole_rows(x, depth, [log], a, span)
    held = set(cells.tolist())
    z_top = float(surface(np.array([x_b]))[0])
    column = set()
    for d in np.arange(0.01 * a, 6 * a, 0.02 * a):
        c = pd_.findCell(pg.RVector3(x_b, z_top - d))
        if c is not None and depth[c.id()] < 6 * a:
            column.add(c.id())
    assert column and column <= held
    reach = lateral_reach_m(depth, a)
    in_interval = depth < 6 * a
    within = np.flatnonzero(in_interval & (np.abs(x - x_b) <= reach))
    assert set(within.tolist()) <= held
    others = np.array(sorted(held - column - set(within.tolist())), int)
    assert np.all((span[others, 0] <= x_b) & (x_b <= span[others, 1]))  # also crossed by the column
    expected = np.select([depth[cells] < 1.5 * a, depth[cells] < 3 * a], [40.0, 120.0], 300.0)
    np.testing.assert_array_equal(rho, expected)


def test_radius_override_holds_exactly_the_centres_within_it(shared_data):
    from geoexplore.ert.constraints import borehole_rows
    from geoexplore.ert.settings import BoreholeLog

    _, data, _, _, (x, depth, span) = _gallery_cells(shared_data)
    a = data.spacing()
    x_b = float(np.median(data.electrodes[:, 0]))
    log = BoreholeLog(x_m=x_b, top_m=[0.0], bottom_m=[4 * a], resistivity_ohm_m=[50.0], radius_m=2 * a)
    cells, _, _ = borehole_rows(x, depth, [log], a, span)
    np.testing.assert_array_equal(np.sort(cells), np.flatnonzero((np.abs(x - x_b) <= 2 * a) & (depth < 4 * a)))


@pytest.mark.slow
def test_reach_follows_the_survey_resolution_on_siping(siping_dir):
    """The rule's premise on the SYNTHETIC Siping survey (both files, the workflow's mesh): the model
    resolution matrix R = (J'J + lambda C'C)^-1 J'J (J error-weighted d ln rho_a / d ln rho at a
    homogeneous model, C pyGIMLi's smoothness rows, lambda 10 as the inversion starts). For cells on the
    column x = 460 m, the distance within which half of the row's |R| (cells at the same depth) lies
    grows with depth, and the rule's reach max(a/2, z/2) is at least that distance and at most twice
    it. Measured: 3.0, 4.4, 6.2, 9.4, 15.0, 20.9 m at 3.4, 10.3, 20.1, 29.8, 43.6, 51.6 m depth against
    reaches 5.0, 5.1, 10.1, 14.9, 21.8, 25.8 m."""
    from geoexplore.core.gimli import import_pygimli
    from geoexplore.ert import io
    from geoexplore.ert.constraints import cell_geometry, lateral_reach_m
    from geoexplore.ert.data import merge
    from geoexplore.ert.inversion import create_mesh, surface_elevation
    from geoexplore.ert.qc import quality_control
    from geoexplore.ert.sensitivity import fast_modelling
    from geoexplore.ert.settings import InversionSettings, QCSettings

    pg = import_pygimli()
    from pygimli.physics import ert

    data = quality_control(merge([io.read(p) for p in sorted((siping_dir / "ert").glob("*.dat"))]),
                           QCSettings(default_current_a=0.5))[0]
    s = InversionSettings(para_dx=0.5, para_max_cell_size_m2=400.0, para_depth_m=150.0, doi=False)
    dc = data.to_pygimli()
    mgr = ert.ERTManager(dc, fop=fast_modelling(2), verbose=False)
    mgr.setMesh(create_mesh(data, s))
    mgr.fop.setData(dc)
    fop = mgr.fop
    x, depth, _ = cell_geometry(fop.paraDomain, lambda v: surface_elevation(data, np.asarray(v, float)))
    rho0 = float(np.median(data.data["apparent_resistivity_ohm_m"]))
    m = pg.Vector(len(x), rho0)
    resp = np.asarray(fop.response(m))
    fop.createJacobian(m)
    jw = pg.utils.gmat2numpy(fop.jacobian()) * rho0 / resp[:, None] / np.asarray(data.data["error"], float)[:, None]
    fop.createConstraints()
    c = pg.utils.sparseMatrix2coo(fop.constraints()).tocsr()
    g = jw.T @ jw
    res = np.linalg.solve(g + s.lam * (c.T @ c).toarray(), g)
    half, reach, zs = [], [], []
    for z in (5.0, 10.0, 20.0, 30.0, 40.0, 50.0):
        i = int(np.argmin(np.abs(x - 460.0) + 3 * np.abs(depth - z)))
        same = np.abs(depth - depth[i]) <= max(2.5, 0.25 * depth[i])
        d, w = np.abs(x - x[i])[same], np.abs(res[i])[same]
        order = np.argsort(d)
        half.append(float(d[order][np.searchsorted(np.cumsum(w[order]) / w.sum(), 0.5)]))
        reach.append(float(lateral_reach_m(depth[i], data.spacing())))
        zs.append(float(depth[i]))
    print("depth", np.round(zs, 1), "half-mass distance", np.round(half, 1), "reach", np.round(reach, 1))
    assert np.all(np.diff(half) > 0)
    assert np.all(np.asarray(half) <= np.asarray(reach)) and np.all(np.asarray(reach) <= 2 * np.asarray(half))
