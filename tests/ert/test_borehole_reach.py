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
