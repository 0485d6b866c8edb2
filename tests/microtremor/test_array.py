"""SPAC against J0 (analytic), FK and SPAC dispersion against disba, and the Vs inversion."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy.special import j0

from geoexplore.microtremor.dispersion import forward, invert_dispersion, vs30
from geoexplore.microtremor.fk import fk_dispersion
from geoexplore.microtremor.io import read_record
from geoexplore.microtremor.spac import all_pairs, invert_j0, pair_coherency, ring_spac, spac_dispersion
from geoexplore.microtremor.synth import array_geometry, rayleigh_array, rayleigh_phase_velocity


def test_spac_single_velocity_equals_j0():
    """Plane waves from many azimuths at one velocity: SPAC(f, r) = J0(2 pi f r / c)."""
    c = 300.0
    xy, _ = array_geometry()
    z = rayleigh_array(xy, np.array([0.1, 100.0]), np.array([c, c]), fs_hz=50.0, duration_s=300.0, n_sources=200, seed=5,
                       fmin_hz=0.5, fmax_hz=20.0)
    f = np.geomspace(1.0, 8.0, 15)
    pairs, dist = all_pairs(xy)
    res = ring_spac(pair_coherency(z, 50.0, pairs, f, window_length_s=20.0), dist, f)
    for k, r in enumerate(res.ring_m):
        expect = j0(2 * np.pi * f * r / c)
        dev = res.spac[k] - expect
        assert np.sqrt(np.mean(dev**2)) < 0.06 and np.max(np.abs(dev)) < 0.15, r
    cest, _ = spac_dispersion(res)
    ok = np.isfinite(cest)
    assert ok.sum() >= 10
    assert np.median(np.abs(cest[ok] / c - 1)) < 0.03


def test_invert_j0_roundtrip():
    x = np.linspace(0.05, 3.8, 50)
    np.testing.assert_allclose(invert_j0(j0(x)), x, rtol=1e-6, atol=1e-6)


@pytest.fixture(scope="module")
def siping_array(siping_dir):
    import csv

    d = siping_dir / "microtremor" / "array"
    rows = list(csv.DictReader((d / "array.csv").open()))
    z = np.stack([read_record(d / r["file"]).data[2] for r in rows])
    xy = np.array([[float(r["x_m"]), float(r["y_m"])] for r in rows])
    truth = json.loads((d / "true_dispersion.json").read_text())
    return z, xy, truth


def test_siping_array_dispersion_matches_disba(siping_array):
    z, xy, truth = siping_array
    assert truth["synthetic"]
    f = np.geomspace(1.5, 5.5, 12)
    ct = np.interp(f, truth["frequency_hz"], truth["phase_velocity_m_s"])
    pairs, dist = all_pairs(xy)
    c, e = spac_dispersion(ring_spac(pair_coherency(z, 50.0, pairs, f), dist, f))
    ok = np.isfinite(c)
    assert ok.sum() >= 10
    assert np.median(np.abs(c[ok] / ct[ok] - 1)) < 0.05
    cf, _ = fk_dispersion(z, 50.0, xy, np.array([3.5, 4.0, 4.5]))
    # FK resolves the higher frequencies of this small aperture
    assert np.median(np.abs(cf / np.interp([3.5, 4.0, 4.5], truth["frequency_hz"], truth["phase_velocity_m_s"]) - 1)) < 0.15


def test_inversion_recovers_layer_over_halfspace():
    th, vs = np.array([20.0]), np.array([200.0, 600.0])
    f = np.geomspace(2, 25, 15)
    c = forward(th, vs, f)
    res = invert_dispersion(f, c, 0.03 * c, n_layers=1, thickness_bounds_m=(5, 60), vs_bounds_m_s=(100, 1000),
                            max_iterations=15, popsize=8, seed=2)
    assert res.best_misfit < 1.0  # within the 3 % errors
    assert res.best_thickness_m[0] == pytest.approx(20.0, rel=0.15)
    assert res.best_vs_m_s[0] == pytest.approx(200.0, rel=0.05)
    v, ve = res.vs30()
    assert v == pytest.approx(vs30(th, vs), rel=0.05) and ve >= 0
    d, de = res.halfspace_depth()
    assert abs(d - 20) < 3 + 2 * de
    assert len(res.ensemble_misfit) >= 2 and np.all(res.ensemble_misfit <= max(1.0, 1.2 * res.best_misfit) + 1e-12)
    # the truth is Vs30 of 20 m at 200 m/s and 10 m at 600 m/s
    assert vs30(th, vs) == pytest.approx(30 / (20 / 200 + 10 / 600))
    assert rayleigh_phase_velocity(f[:3], np.r_[th, 0], np.maximum(1500, 1.9 * vs), vs, [2000, 2000]) == pytest.approx(c[:3], rel=1e-3)
