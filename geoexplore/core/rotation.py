"""Rotations of horizontal components, vectors and 2x2 tensors: one convention for every method.

Frames are right-handed seen from above with x = north and y = east (the MT
and seismological convention). A frame *turned clockwise by* ``angle_deg``
has its x axis at azimuth ``angle_deg``. The components of a vector in that
frame are ``R @ v`` with

    R = [[ cos a,  sin a],
         [-sin a,  cos a]]

and a 2x2 tensor (an impedance) becomes ``R Z R^T``. Rotating data back is
rotating by ``-angle_deg``. Every rotation in geoexplore goes through these
functions, tested against the analytic cases in ``tests/core/test_rotation.py``.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def rotation_matrix(angle_deg: Any) -> np.ndarray:
    """R for a frame turned clockwise by ``angle_deg``; shape ``(..., 2, 2)`` for an array of angles."""
    a = np.deg2rad(np.asarray(angle_deg, float))
    c, s = np.cos(a), np.sin(a)
    return np.stack([np.stack([c, s], -1), np.stack([-s, c], -1)], -2)


def rotate_components(x: Any, y: Any, angle_deg: Any) -> tuple[np.ndarray, np.ndarray]:
    """Components (x', y') of a vector field given as (x, y) = (north, east) in a frame turned clockwise by ``angle_deg``.

    ``x' = x cos a + y sin a``, ``y' = -x sin a + y cos a``; ``x`` and ``y``
    broadcast (time series, spectra).
    """
    a = np.deg2rad(np.asarray(angle_deg, float))
    c, s = np.cos(a), np.sin(a)
    x = np.asarray(x)
    y = np.asarray(y)
    return x * c + y * s, -x * s + y * c


def rotate_tensor(z: Any, angle_deg: Any, z_err: Any | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    """A 2x2 tensor (..., 2, 2) in a frame turned clockwise by ``angle_deg``: ``Z' = R Z R^T``.

    Element standard deviations propagate as independent errors:
    ``var(Z'_ij) = sum_kl R_ik^2 R_jl^2 var(Z_kl)``.
    """
    z = np.asarray(z)
    r = rotation_matrix(angle_deg)
    zr = r @ z @ np.swapaxes(r, -1, -2)
    if z_err is None:
        return zr, None
    r2 = r**2
    var = r2 @ (np.asarray(z_err, float) ** 2) @ np.swapaxes(r2, -1, -2)
    return zr, np.sqrt(var)


def rotate_row_vector(t: Any, angle_deg: Any, t_err: Any | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    """A row vector (..., 1, 2) (a tipper) in a frame turned clockwise by ``angle_deg``: ``T' = T R^T``."""
    r = rotation_matrix(angle_deg)
    tr = np.asarray(t) @ np.swapaxes(r, -1, -2)
    if t_err is None:
        return tr, None
    return tr, np.sqrt((np.asarray(t_err, float) ** 2) @ np.swapaxes(r**2, -1, -2))


__all__ = ["rotate_components", "rotate_row_vector", "rotate_tensor", "rotation_matrix"]
