"""Rotation, rho_a/phase with errors, invariants, static shift, Niblett-Bostick."""

import numpy as np
import pytest

from geoexplore.mt.analysis import (
    apply_static_shift,
    niblett_bostick,
    rho_phase,
    rho_phase_errors,
    rotate_tf,
    rotate_z,
    static_shift_factors,
    z_det,
    z_det_err,
)
from geoexplore.mt.forward1d import mt1d_impedance, mt1d_tf
from geoexplore.mt.tfdata import make_tf


def _tensor_2d(T):
    """A 2D-like tensor in its strike frame from two different 1D responses (TE, TM)."""
    te = mt1d_impedance([100.0, 10.0], [1000.0], T)
    tm = mt1d_impedance([100.0, 300.0], [1000.0], T)
    z = np.zeros((T.size, 2, 2), complex)
    z[:, 0, 1] = te
    z[:, 1, 0] = -tm
    return z


def test_rotation_round_trip_and_invariants():
    T = np.logspace(-2, 2, 9)
    z = _tensor_2d(T)
    zr, _ = rotate_z(z, 37.0)
    back, _ = rotate_z(zr, -37.0)
    np.testing.assert_allclose(back, z, atol=1e-12 * np.abs(z).max())
    # determinant and Zxy - Zyx are rotation invariant
    np.testing.assert_allclose(z_det(zr), z_det(z), rtol=1e-10)
    np.testing.assert_allclose(zr[:, 0, 1] - zr[:, 1, 0], z[:, 0, 1] - z[:, 1, 0], rtol=1e-10)
    # rotating by 90 deg swaps Zxy and -Zyx
    z90, _ = rotate_z(z, 90.0)
    np.testing.assert_allclose(z90[:, 0, 1], -z[:, 1, 0], rtol=1e-10)


def test_rotation_sense():
    """A field measured at azimuth 30: Ex' = cos(30) Ex + sin(30) Ey (clockwise from north)."""
    z = np.zeros((1, 2, 2), complex)
    z[0, 0, 0] = 1.0  # Ex = Hx
    zr, _ = rotate_z(z, 30.0)
    c, s = np.cos(np.deg2rad(30)), np.sin(np.deg2rad(30))
    np.testing.assert_allclose(zr[0], [[c * c, -c * s], [-s * c, s * s]], atol=1e-15)


def test_half_space_rho_phase_and_error_propagation():
    T = np.logspace(-3, 3, 7)
    ds = mt1d_tf([100.0], [], T)
    ds["z_err"].values[...] = 0.05 * np.abs(ds["z"].values)
    rp = rho_phase(ds)
    np.testing.assert_allclose(rp["rho_a_ohm_m"].sel(out="ex", **{"in": "hy"}), 100.0, rtol=1e-10)
    np.testing.assert_allclose(rp["phase_deg"].sel(out="ey", **{"in": "hx"}), -135.0, atol=1e-9)
    np.testing.assert_allclose(rp["rho_det_ohm_m"], 100.0, rtol=1e-10)
    np.testing.assert_allclose(rp["phase_det_deg"], 45.0, atol=1e-9)
    # 5 % error on |Z| -> 10 % on rho_a, asin(0.05) on phase
    np.testing.assert_allclose(rp["rho_a_err_ohm_m"].sel(out="ex", **{"in": "hy"}), 10.0, rtol=1e-10)
    np.testing.assert_allclose(rp["phase_err_deg"].sel(out="ex", **{"in": "hy"}), np.degrees(np.arcsin(0.05)), rtol=1e-10)


def test_error_propagation_against_monte_carlo():
    rng = np.random.default_rng(1)
    z = np.array([3.0 + 2.0j])
    s = np.array([0.03])
    draws = z + s * (rng.standard_normal(200000) + 1j * rng.standard_normal(200000))
    rho, rho_err, ph, ph_err = rho_phase_errors(z, s, np.array([1.0]))
    assert np.std(0.2 * np.abs(draws) ** 2) == pytest.approx(rho_err[0], rel=0.02)
    assert np.std(np.degrees(np.angle(draws))) == pytest.approx(ph_err[0], rel=0.02)


def test_zdet_error_against_monte_carlo():
    rng = np.random.default_rng(2)
    z = _tensor_2d(np.array([1.0]))
    z[0, 0, 0] = 0.3 + 0.1j
    e = np.full((1, 2, 2), 0.02 * np.abs(z[0, 0, 1]))
    n = 100000
    draws = z + e * (rng.standard_normal((n, 1, 2, 2)) + 1j * rng.standard_normal((n, 1, 2, 2)))
    d = z_det(draws)
    mc = np.sqrt(np.var(d.real) + np.var(d.imag)) / np.sqrt(2)
    assert z_det_err(z, e)[0] == pytest.approx(mc, rel=0.05)


def test_rotate_tf_attrs_and_errors():
    T = np.logspace(-1, 1, 3)
    ds = make_tf(T, _tensor_2d(T), z_err=np.full((3, 2, 2), 0.1), station="S")
    r = rotate_tf(ds, 45.0)
    assert r.attrs["rotation_deg"] == 45.0
    # equal element errors stay equal under rotation (sum of R^2 R^2 = 1 per element pair)
    np.testing.assert_allclose(r["z_err"].values, 0.1 * np.sqrt(0.25 * 4), rtol=1e-12)
    assert ds.attrs["rotation_deg"] == 0.0  # input not mutated


def test_niblett_bostick_half_space_and_layers():
    T = np.logspace(-3, 3, 25)
    z = mt1d_impedance([100.0], [], T)
    depth, rnb = niblett_bostick(0.2 * T * np.abs(z) ** 2, np.degrees(np.angle(z)), T)
    np.testing.assert_allclose(rnb, 100.0, rtol=1e-9)
    np.testing.assert_allclose(depth, np.sqrt(100 * T / (2 * np.pi * 4e-7 * np.pi)), rtol=1e-12)
    # a Zyx phase (third quadrant) is handled the same
    _, rnb2 = niblett_bostick(0.2 * T * np.abs(z) ** 2, np.degrees(np.angle(-z)), T)
    np.testing.assert_allclose(rnb2, 100.0, rtol=1e-9)
    # 2-layer: shallow NB resistivity ~ top, deep ~ basement
    z = mt1d_impedance([10.0, 1000.0], [2000.0], T)
    depth, rnb = niblett_bostick(0.2 * T * np.abs(z) ** 2, np.degrees(np.angle(z)), T)
    assert rnb[depth < 500].mean() == pytest.approx(10.0, rel=0.1)
    assert rnb[depth > 50000].min() > 300


def test_static_shift_median_and_reference():
    T = np.logspace(-3, 2, 11)
    z = mt1d_impedance([50.0, 5.0], [500.0], T)
    base = 0.2 * T * np.abs(z) ** 2
    shifts = np.array([1.0, 3.0, 0.5, 1.0, 1.0])
    rho = shifts[:, None] * base[None, :]
    f = static_shift_factors(rho, T, method="median", period_max_s=0.01)
    np.testing.assert_allclose(f, shifts, rtol=1e-10)
    f = static_shift_factors(rho, T, method="reference", reference_ohm_m=50.0, period_max_s=1e-3)
    np.testing.assert_allclose(f, shifts * base[0] / 50.0, rtol=1e-10)
    ds = mt1d_tf([50.0, 5.0], [500.0], T)
    shifted = ds.copy(deep=True)
    shifted["z"].values[...] *= np.sqrt(3.0)
    back = apply_static_shift(shifted, 3.0)
    np.testing.assert_allclose(back["z"].values, ds["z"].values, rtol=1e-12)
    with pytest.raises(ValueError):
        static_shift_factors(rho, T, method="reference")
