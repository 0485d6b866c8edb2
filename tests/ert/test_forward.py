"""Geometric factors and layered-earth responses against pyGIMLi's finite-element forward code."""

from __future__ import annotations

import numpy as np
import pytest

from geoexplore.ert.data import ERTData, make_table
from geoexplore.ert.geometric import (
    classify_arrays,
    geometric_factors,
    two_layer_apparent_resistivity,
    wenner_two_layer,
)
from geoexplore.ert.synth import dipole_dipole, wenner_schlumberger


def _arrays(n_el: int) -> dict[str, np.ndarray]:
    """A few quadrupoles of every supported array (electrode numbers from 1, 0 = remote)."""
    c = n_el // 2
    return {
        "wenner-alpha": np.array([[c - 3, c + 3, c - 1, c + 1], [c - 6, c + 6, c - 2, c + 2]]),  # A B M N
        "schlumberger": np.array([[c - 5, c + 6, c, c + 1], [c - 8, c + 9, c, c + 1]]),
        "dipole-dipole": np.array([[c - 2, c - 3, c, c + 1], [c - 4, c - 5, c + 1, c + 2]]),
        "wenner-gamma": np.array([[c - 3, c + 1, c - 1, c + 3]]),
        "gradient": np.array([[c - 8, c + 8, c - 5, c - 4]]),
        "pole-dipole": np.array([[c - 3, 0, c, c + 1], [c + 4, 0, c, c - 1]]),
        "dipole-pole": np.array([[c - 1, c - 2, c + 2, 0]]),
        "pole-pole": np.array([[c - 2, 0, c + 2, 0]]),
    }


def test_classify_names_every_array():
    el = np.column_stack([np.arange(41.0), np.zeros(41), np.zeros(41)])
    for name, q in _arrays(41).items():
        assert set(classify_arrays(el, q)) == {name}, name


def test_analytic_factors_textbook():
    a = 5.0
    el = np.column_stack([np.arange(20) * a, np.zeros(20), np.zeros(20)])
    # Wenner: K = 2 pi a; dipole-dipole: K = pi n (n+1)(n+2) a; pole-pole: 2 pi a; pole-dipole: 2 pi n (n+1) a
    assert geometric_factors(el, np.array([[1, 4, 2, 3]]))[0] == pytest.approx(2 * np.pi * a)
    for n in (1, 2, 5):
        q = np.array([[2, 1, 2 + n, 3 + n]])
        assert geometric_factors(el, q)[0] == pytest.approx(np.pi * n * (n + 1) * (n + 2) * a)
        assert geometric_factors(el, np.array([[1, 0, 1 + n, 2 + n]]))[0] == pytest.approx(2 * np.pi * n * (n + 1) * a)
    assert geometric_factors(el, np.array([[1, 0, 2, 0]]))[0] == pytest.approx(2 * np.pi * a)


def _simulate(el: np.ndarray, abmn: np.ndarray, res: object, mesh: object) -> np.ndarray:
    """pyGIMLi ERT forward response (apparent resistivity with our analytic K)."""
    from geoexplore.core.gimli import import_pygimli, set_threads

    pg = import_pygimli()
    from pygimli.physics import ert

    d = ERTData(el, make_table(a=abmn[:, 0], b=abmn[:, 1], m=abmn[:, 2], n=abmn[:, 3]))
    dc = d.to_pygimli(include_k=False)
    dc.set("k", geometric_factors(el, abmn))
    fop = ert.ERTModelling(sr=False)
    set_threads(None, fop)
    fop.setData(dc)
    fop.setMesh(mesh, ignoreRegionManager=True)
    resp = fop.response(pg.Vector(res))
    return np.array(resp, float)


def _flat_mesh(n_el: int, a: float, max_cell_m2: float = 2.0, depth: float = 40.0) -> tuple[np.ndarray, object]:
    """Quadratic (P2) mesh, refined at the electrodes, with a far boundary (no global area limit)."""
    from geoexplore.core.gimli import import_pygimli

    pg = import_pygimli()
    import pygimli.meshtools as mt

    el = np.column_stack([np.arange(n_el) * a, np.zeros(n_el), np.zeros(n_el)])
    plc = mt.createParaMeshPLC([pg.Pos(x, 0.0) for x in el[:, 0]], paraDX=0.2, paraDepth=depth,
                               paraMaxCellSize=max_cell_m2, paraBoundary=2, boundary=6)
    mesh = mt.createMesh(plc, quality=34)
    return el, mesh.createP2()


def test_half_space_every_array_within_half_percent():
    """Homogeneous 100 ohm-m: simulated rho_a / 100 within 0.5 % for every array (incl. pole electrodes)."""
    n_el, a = 41, 2.0
    el, mesh = _flat_mesh(n_el, a)
    qs = _arrays(n_el)
    allq = np.concatenate(list(qs.values()))
    rhoa = _simulate(el, allq, np.full(mesh.cellCount(), 100.0), mesh)
    k = 0
    for name, q in qs.items():
        got = rhoa[k:k + len(q)]
        k += len(q)
        np.testing.assert_allclose(got, 100.0, rtol=0.005, err_msg=name)


def test_two_layer_wenner_against_image_series():
    """100 over 10 ohm-m, h = 5 m: pyGIMLi FE vs our image series, and the series vs the closed form."""
    from geoexplore.core.gimli import import_pygimli

    pg = import_pygimli()
    import pygimli.meshtools as mt

    n_el, a = 41, 1.0
    el = np.column_stack([np.arange(n_el) * a, np.zeros(n_el), np.zeros(n_el)])
    # a world with the interface at 5 m as a mesh boundary (conforming), nodes refined at the electrodes
    world = mt.createWorld(start=[-400, 0], end=[440, -400], layers=[-5], worldMarker=False)
    for x in el[:, 0]:
        world.createNode(pg.Pos(x, 0.0))
        world.createNode(pg.Pos(x, -0.1))
    mesh = mt.createMesh(world, quality=34).createP2()
    c = 20
    quads = []
    for s in (1, 2, 3, 4, 5, 6):  # Wenner a = s m, A M N B around electrode c + 1
        A = c + 1 - (3 * s) // 2
        quads.append([A, A + 3 * s, A + s, A + 2 * s])
    q = np.array(quads)
    assert set(classify_arrays(el, q)) == {"wenner-alpha"}
    cz = np.array([cell.center()[1] for cell in mesh.cells()])
    res = np.where(cz > -5.0, 100.0, 10.0)
    fe = _simulate(el, q, res, mesh)
    series = two_layer_apparent_resistivity(el, q, 100.0, 10.0, 5.0)
    closed = wenner_two_layer(np.arange(1, 7) * a, 100.0, 10.0, 5.0)
    np.testing.assert_allclose(series, closed, rtol=1e-10)
    np.testing.assert_allclose(fe, series, rtol=0.005)
    # the curve falls from near 100 ohm-m towards the substratum as the spacing grows
    assert closed[0] > 95 and np.all(np.diff(closed) < 0)


def test_two_layer_limits():
    a = np.array([0.01, 1000.0])
    v = wenner_two_layer(a, 100.0, 10.0, 5.0)
    assert v[0] == pytest.approx(100.0, rel=1e-3)
    assert v[1] == pytest.approx(10.0, rel=2e-2)


def test_scheme_generators():
    dd = dipole_dipole(24, (1, 2), 3)
    ws = wenner_schlumberger(24, (1,), 3)
    el = np.column_stack([np.arange(24.0), np.zeros(24), np.zeros(24)])
    assert set(classify_arrays(el, dd)) == {"dipole-dipole"}
    assert set(classify_arrays(el, ws)) <= {"schlumberger", "wenner-alpha"}
    assert dd.max() <= 24 and ws.max() <= 24
