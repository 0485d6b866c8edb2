"""The analytic 1D forward (Wait recursion) against closed forms and SimPEG's 1D recursive code."""

import numpy as np
import pytest

from geoexplore.mt.forward1d import mt1d_impedance, mt1d_jacobian, mt1d_rho_phase, mt1d_tf
from geoexplore.mt.tfdata import MU0, MVKMNT_TO_OHM


def test_half_space_closed_form():
    T = np.logspace(-3, 3, 13)
    z = mt1d_impedance([100.0], [], T)
    # Z = sqrt(i omega mu0 rho) (ohm), exp(+i omega t): phase +45 deg
    expect = np.sqrt(1j * 2 * np.pi / T * MU0 * 100.0) / MVKMNT_TO_OHM
    np.testing.assert_allclose(z, expect, rtol=1e-12)
    r, p = mt1d_rho_phase([100.0], [], T)
    np.testing.assert_allclose(r, 100.0, rtol=1e-12)
    np.testing.assert_allclose(p, 45.0, atol=1e-10)


def test_two_layer_limits():
    """Short periods see the top layer, long periods the basement; a conductor at depth drives phase > 45."""
    r, p = mt1d_rho_phase([100.0, 1.0], [1000.0], [1e-5, 1e5, 10.0])
    assert r[0] == pytest.approx(100.0, rel=1e-3)
    assert r[1] == pytest.approx(1.0, rel=0.05)
    assert p[2] > 60


def test_matches_simpeg_recursive():
    """SimPEG's Simulation1DRecursive (bottom-up input, Zyx quadrant) is a peer implementation."""
    from simpeg import maps
    from simpeg.electromagnetics import natural_source as nsem
    from simpeg.electromagnetics.natural_source.simulation_1d import Simulation1DRecursive

    rho = np.array([30.0, 10.0, 1000.0])
    h = np.array([200.0, 2800.0])
    T = np.logspace(-3, 3, 13)
    loc = np.zeros((1, 1))
    rx = [nsem.receivers.Impedance(loc, component=c) for c in ("apparent_resistivity", "phase")]
    sim = Simulation1DRecursive(
        survey=nsem.Survey([nsem.sources.Planewave(rx, frequency=1 / t) for t in T]),
        sigmaMap=maps.IdentityMap(),
        thicknesses=h[::-1],
    )
    d = sim.dpred(1 / rho[::-1]).reshape(-1, 2)
    r, p = mt1d_rho_phase(rho, h, T)
    np.testing.assert_allclose(d[:, 0], r, rtol=1e-8)
    np.testing.assert_allclose(d[:, 1] + 180.0, p, atol=1e-6)


def test_jacobian_against_finite_differences():
    rho = np.array([25.0, 80.0, 6.0, 2000.0])
    h = np.array([12.0, 400.0, 2400.0])
    T = np.logspace(-3, 3, 19)
    z, J = mt1d_jacobian(rho, h, T)
    eps = 1e-6
    for j in range(rho.size):
        r2 = rho.copy()
        r2[j] *= np.exp(eps)
        fd = (mt1d_impedance(r2, h, T) - z) / eps
        np.testing.assert_allclose(fd, J[:, j], atol=1e-5 * np.abs(z).max())


def test_tf_dataset_quadrants():
    ds = mt1d_tf([100.0], [], [1.0, 10.0], station="A")
    ph = np.degrees(np.angle(ds["z"].values))
    np.testing.assert_allclose(ph[:, 0, 1], 45.0, atol=1e-9)
    np.testing.assert_allclose(ph[:, 1, 0], -135.0, atol=1e-9)


def test_rejects_bad_input():
    with pytest.raises(ValueError):
        mt1d_impedance([10.0, -1.0], [5.0], [1.0])
    with pytest.raises(ValueError):
        mt1d_impedance([10.0, 1.0, 3.0], [5.0], [1.0])
