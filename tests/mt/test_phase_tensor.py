"""Phase tensor (Caldwell et al. 2004): 1D, rotated 2D, rotation invariance, distortion immunity."""

import numpy as np
import pytest

from geoexplore.mt.analysis import rotate_z
from geoexplore.mt.forward1d import mt1d_impedance, mt1d_tf
from geoexplore.mt.phase_tensor import (
    dimensionality,
    invariants,
    phase_tensor,
    phase_tensor_dataset,
    regional_strike,
)


def _strike_frame(T):
    te = mt1d_impedance([100.0, 5.0], [800.0], T)  # E along strike: sees the conductor
    tm = mt1d_impedance([100.0, 500.0], [800.0], T)
    z = np.zeros((T.size, 2, 2), complex)
    z[:, 0, 1] = te
    z[:, 1, 0] = -tm
    return z, te, tm


def test_one_d_is_scalar_tan_phase():
    T = np.logspace(-2, 3, 11)
    ds = mt1d_tf([100.0, 10.0], [1000.0], T)
    inv = invariants(phase_tensor(ds["z"].values))
    ph = np.degrees(np.angle(mt1d_impedance([100.0, 10.0], [1000.0], T)))
    np.testing.assert_allclose(inv["phi_max_deg"], ph, atol=1e-9)
    np.testing.assert_allclose(inv["phi_min_deg"], ph, atol=1e-9)
    np.testing.assert_allclose(inv["beta_deg"], 0.0, atol=1e-9)
    np.testing.assert_allclose(inv["ellipticity"], 0.0, atol=1e-12)
    assert set(dimensionality(inv["beta_deg"], inv["ellipticity"])) == {1}


@pytest.mark.parametrize("strike", [0.0, 30.0, 45.0, 117.0])
def test_rotated_2d_strike_and_principal_phases(strike):
    T = np.logspace(-1, 3, 9)
    zs, te, tm = _strike_frame(T)
    # the strike frame's x axis points at azimuth `strike`: geographic Z = R^T Zs R
    zg, _ = rotate_z(zs, -strike)
    inv = invariants(phase_tensor(zg))
    p_te = np.degrees(np.angle(te))
    p_tm = np.degrees(np.angle(tm))
    np.testing.assert_allclose(inv["phi_max_deg"], np.maximum(p_te, p_tm), atol=1e-8)
    np.testing.assert_allclose(inv["phi_min_deg"], np.minimum(p_te, p_tm), atol=1e-8)
    np.testing.assert_allclose(inv["beta_deg"], 0.0, atol=1e-8)
    # principal axis along strike or perpendicular (90 deg ambiguity)
    d = np.mod(inv["strike_deg"] - strike, 90.0)
    assert np.all(np.minimum(d, 90 - d)[inv["ellipticity"] > 0.01] < 1e-6)
    rs = regional_strike(inv["strike_deg"], weights=inv["ellipticity"], profile_azimuth_deg=strike + 90.0)
    assert rs["strike_deg"] == pytest.approx(strike % 180.0, abs=1e-6)
    assert rs["ambiguity_deg"] == 90.0
    assert rs["alternative_deg"] == pytest.approx((strike + 90.0) % 180.0, abs=1e-6)
    dims = dimensionality(inv["beta_deg"], inv["ellipticity"])
    assert 2 in dims and 3 not in dims


def test_invariants_independent_of_rotation_and_distortion():
    T = np.logspace(-1, 3, 9)
    zs, _, _ = _strike_frame(T)
    zs[:, 0, 0] = 0.2 * zs[:, 0, 1] * np.exp(0.3j)  # make it 3D-ish
    C = np.array([[1.3, 0.4], [-0.2, 0.7]])  # real galvanic distortion
    base = invariants(phase_tensor(zs))
    for ang in (10.0, 63.0, 200.0):
        zr, _ = rotate_z(C @ zs, ang)
        inv = invariants(phase_tensor(C @ zs))
        invr = invariants(phase_tensor(zr))
        for k in ("phi_max_deg", "phi_min_deg", "beta_deg", "ellipticity"):
            np.testing.assert_allclose(inv[k], base[k], atol=1e-9)
            np.testing.assert_allclose(invr[k], base[k], atol=1e-9)
        d = np.mod(invr["strike_deg"] + ang - base["strike_deg"], 180.0)
        assert np.all(np.minimum(d, 180 - d) < 1e-6)


def test_skew_and_dimensionality_thresholds():
    assert list(dimensionality([0.5, 0.5, 5.0, -4.0], [0.05, 0.3, 0.0, 0.5])) == [1, 2, 3, 3]


def test_dataset_wrapper_errors_shrink_with_noise():
    T = np.logspace(-1, 2, 4)
    ds = mt1d_tf([100.0, 10.0], [1000.0], T)
    ds["z_err"].values[...] = 0.01 * np.abs(ds["z"].values).max(axis=(1, 2))[:, None, None]
    pt = phase_tensor_dataset(ds, n_draws=300)
    assert np.all(pt["phi_max_err_deg"] > 0) and np.all(pt["phi_max_err_deg"] < 2)
    assert set(pt["dimensionality"].values.tolist()) <= {1, 2}
