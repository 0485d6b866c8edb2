"""Rotations against analytic cases: a north vector seen from a frame turned 90 deg, tensor invariants."""

import numpy as np

from geoexplore.core.rotation import rotate_components, rotate_row_vector, rotate_tensor, rotation_matrix


def test_north_vector_in_frame_turned_90_deg_clockwise_points_along_minus_y():
    # the frame's x axis points east; a north-pointing vector lies along its -y axis
    x, y = rotate_components(1.0, 0.0, 90.0)
    assert np.allclose([x, y], [0.0, -1.0])
    x, y = rotate_components(0.0, 1.0, 90.0)  # east vector: along the new x
    assert np.allclose([x, y], [1.0, 0.0])


def test_matrix_is_orthonormal_and_inverse_is_minus_angle():
    r = rotation_matrix(np.array([0.0, 33.0, 217.0]))
    assert r.shape == (3, 2, 2)
    assert np.allclose(r @ np.swapaxes(r, -1, -2), np.eye(2))
    assert np.allclose(rotation_matrix(-33.0) @ rotation_matrix(33.0), np.eye(2))


def test_tensor_invariants_and_1d_impedance():
    rng = np.random.default_rng(1)
    z = rng.normal(size=(5, 2, 2)) + 1j * rng.normal(size=(5, 2, 2))
    zr, _ = rotate_tensor(z, 40.0)
    assert np.allclose(np.linalg.det(zr), np.linalg.det(z))  # the determinant is rotation invariant
    assert np.allclose(zr[:, 0, 1] - zr[:, 1, 0], z[:, 0, 1] - z[:, 1, 0])  # so is Zxy - Zyx
    z1 = np.array([[0, 1 + 1j], [-(1 + 1j), 0]])  # a 1D earth: unchanged at any angle
    assert np.allclose(rotate_tensor(z1, 73.0)[0], z1)
    back, _ = rotate_tensor(zr, -40.0)
    assert np.allclose(back, z)


def test_errors_propagate_and_tipper_rotates_like_a_vector():
    err = np.ones((2, 2))
    _, e = rotate_tensor(np.zeros((2, 2)), 45.0, err)
    assert np.allclose(e, 1.0)  # var' = sum R^2 R^2 var = (1/2+1/2)^2
    t = np.array([[1.0, 0.0]])
    tr, te = rotate_row_vector(t, 90.0, np.array([[0.1, 0.2]]))
    assert np.allclose(tr, [[0.0, -1.0]])
    assert np.allclose(te, [[0.2, 0.1]])
