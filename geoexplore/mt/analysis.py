"""Impedance analysis: rotation, apparent resistivity and phase with errors,
rotation invariants, static-shift correction and Niblett-Bostick depths.

Pure NumPy kernels working on arrays shaped like the ``z`` variable of a
transfer-function Dataset (:mod:`geoexplore.mt.tfdata`): ``(n_periods, 2, 2)``
complex in mV/km/nT, x = north, y = east, exp(+i omega t). Thin wrappers
taking/returning Datasets are given where they help.

Phase convention: :func:`geoexplore.mt.tfdata.phase_deg` (no folding): over a
half-space Zxy is at +45 deg and Zyx at -135 deg. Functions that need the
first-quadrant value of Zyx (Niblett-Bostick, 1D inversion) add 180 deg and
say so.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from geoexplore.core.rotation import rotate_row_vector, rotate_tensor, rotation_matrix  # noqa: F401 (rotation_matrix: MT API)
from geoexplore.mt.tfdata import MU0, apparent_resistivity, phase_deg


# -- rotation (the MT-level API over geoexplore.core.rotation) --------------------------
def rotate_z(z: Any, angle_deg: Any, z_err: Any | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    """Rotate impedance (or any 2x2 tensor) into a frame turned clockwise by ``angle_deg``.

    ``Z' = R Z R^T`` (:func:`geoexplore.core.rotation.rotate_tensor`). Errors
    (standard deviations) propagate as independent element errors:
    ``var(Z'_ij) = sum_kl R_ik^2 R_jl^2 var(Z_kl)``.

    Parameters
    ----------
    z : (..., 2, 2) complex
    angle_deg : float or (...,) array
    z_err : (..., 2, 2) real, optional
    """
    return rotate_tensor(z, angle_deg, z_err)


def rotate_tipper(t: Any, angle_deg: Any) -> np.ndarray:
    """Rotate a tipper (..., 1, 2) into a frame turned clockwise by ``angle_deg`` (``T' = T R^T``)."""
    return rotate_row_vector(t, angle_deg)[0]


def rotate_tf(ds: Any, angle_deg: float) -> Any:
    """A copy of a transfer-function Dataset rotated clockwise by ``angle_deg``.

    The attribute ``rotation_deg`` (angle of the x axis from north) grows by
    ``angle_deg``.
    """
    out = ds.copy(deep=True)
    zr, er = rotate_z(ds["z"].values, angle_deg, ds["z_err"].values)
    out["z"].values[...] = zr
    out["z_err"].values[...] = er
    if "t" in ds:
        tr, ter = rotate_row_vector(ds["t"].values, angle_deg, ds["t_err"].values)
        out["t"].values[...] = tr
        out["t_err"].values[...] = ter
    out.attrs["rotation_deg"] = float((float(ds.attrs.get("rotation_deg", 0.0)) + angle_deg) % 360.0)
    return out


# -- apparent resistivity and phase ---------------------------------------------------
def rho_phase_errors(z: Any, z_err: Any, period_s: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Apparent resistivity and phase with first-order propagated errors.

    With a complex standard deviation ``s`` on ``Z`` (``s`` on each of the
    real and imaginary parts, the EDI ZVAR convention gives ``s**2``):

    * ``rho_err = 2 rho s / |Z|`` (ohm-m),
    * ``phase_err = degrees(arcsin(min(s / |Z|, 1)))``.

    Parameters
    ----------
    z : (n, ...) complex, mV/km/nT
    z_err : (n, ...) real, same shape
    period_s : (n,)

    Returns
    -------
    rho, rho_err, phase, phase_err : arrays shaped like ``z``
        (ohm-m, ohm-m, deg, deg)
    """
    z = np.asarray(z)
    rho = apparent_resistivity(z, period_s)
    ph = phase_deg(z)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.asarray(z_err, float) / np.abs(z)
        rho_err = np.where(np.isfinite(rel), 2.0 * rho * rel, np.nan)
        ph_err = np.where(np.isfinite(rel), np.degrees(np.arcsin(np.clip(rel, 0.0, 1.0))), np.nan)
    return rho, rho_err, ph, ph_err


def rho_phase(ds: Any) -> Any:
    """Apparent resistivity and phase of every impedance element, with errors, as a Dataset.

    Variables ``rho_a_ohm_m``, ``rho_a_err_ohm_m``, ``phase_deg``,
    ``phase_err_deg`` (period_s, out, in) and the determinant invariant
    ``rho_det_ohm_m``/``phase_det_deg`` (period_s).
    """
    import xarray as xr

    p = ds["period_s"].values
    rho, re, ph, pe = rho_phase_errors(ds["z"].values, ds["z_err"].values, p)
    zd = z_det(ds["z"].values)
    dims = ("period_s", "out", "in")
    return xr.Dataset(
        {
            "rho_a_ohm_m": (dims, rho),
            "rho_a_err_ohm_m": (dims, re),
            "phase_deg": (dims, ph),
            "phase_err_deg": (dims, pe),
            "rho_det_ohm_m": ("period_s", apparent_resistivity(zd, p)),
            "phase_det_deg": ("period_s", phase_deg(zd)),
        },
        coords={"period_s": p, "out": ds["out"].values, "in": ds["in"].values},
        attrs=dict(ds.attrs),
    )


# -- invariants -------------------------------------------------------------------------
def z_det(z: Any) -> np.ndarray:
    """Determinant invariant ``sqrt(Zxx Zyy - Zxy Zyx)`` (first quadrant over a layered earth)."""
    z = np.asarray(z)
    d = np.sqrt(z[..., 0, 0] * z[..., 1, 1] - z[..., 0, 1] * z[..., 1, 0])
    return np.where(np.real(d) < 0, -d, d)


def z_det_err(z: Any, z_err: Any) -> np.ndarray:
    """First-order standard deviation of :func:`z_det` from independent element errors."""
    z = np.asarray(z)
    e = np.asarray(z_err, float)
    d = z_det(z)
    with np.errstate(divide="ignore", invalid="ignore"):
        g = np.stack([z[..., 1, 1], -z[..., 1, 0], -z[..., 0, 1], z[..., 0, 0]], -1) / (2 * d[..., None])
    var = np.sum(np.abs(g) ** 2 * e.reshape(e.shape[:-2] + (4,)) ** 2, axis=-1)
    return np.sqrt(var)


def z_berdichevsky(z: Any) -> np.ndarray:
    """Berdichevsky (arithmetic mean) invariant ``(Zxy - Zyx) / 2``."""
    z = np.asarray(z)
    return (z[..., 0, 1] - z[..., 1, 0]) / 2.0


# -- static shift ----------------------------------------------------------------------------
def static_shift_factors(
    rho_a: Any,
    period_s: Any,
    *,
    method: Literal["median", "reference"] = "median",
    reference_ohm_m: float | None = None,
    period_max_s: float = 0.01,
) -> np.ndarray:
    """Static-shift factors per station from short-period apparent resistivities.

    Parameters
    ----------
    rho_a : (n_stations, n_periods) array
        Apparent resistivity of one mode (or an invariant), ohm-m; NaN for missing.
    period_s : (n_periods,) array
    method : {"median", "reference"}
        ``median``: shift each station so its short-period mean log rho equals
        the median over the stations (assumes a laterally uniform near
        surface); ``reference``: shift to ``reference_ohm_m`` (e.g. from TEM
        or the near-surface ERT).
    period_max_s : float
        Periods up to this value define the short-period level.

    Returns
    -------
    (n_stations,) array
        Factor ``s`` such that the corrected ``rho_a / s`` (and ``Z / sqrt(s)``).
    """
    r = np.log10(np.asarray(rho_a, float))
    p = np.asarray(period_s, float)
    sel = p <= period_max_s
    if not np.any(sel):
        sel = p <= np.nanmin(p) * 1.0001
    level = np.nanmean(r[:, sel], axis=1)
    if method == "median":
        target = np.nanmedian(level)
    elif method == "reference":
        if reference_ohm_m is None or not reference_ohm_m > 0:
            raise ValueError("static shift 'reference' needs reference_ohm_m > 0")
        target = np.log10(reference_ohm_m)
    else:
        raise ValueError(f"unknown static-shift method {method!r}; use 'median' or 'reference'")
    return 10.0 ** (level - target)


def apply_static_shift(ds: Any, factor_x: float, factor_y: float | None = None) -> Any:
    """Divide the x row (Ex) of Z by sqrt(factor_x) and the y row by sqrt(factor_y)
    (static shift is a real scaling of the electric field); returns a copy."""
    fy = factor_x if factor_y is None else factor_y
    out = ds.copy(deep=True)
    sc = np.array([1 / np.sqrt(factor_x), 1 / np.sqrt(fy)])[None, :, None]
    out["z"].values[...] = ds["z"].values * sc
    out["z_err"].values[...] = ds["z_err"].values * sc
    out.attrs["static_shift_factors"] = [float(factor_x), float(fy)]
    return out


# -- Niblett-Bostick --------------------------------------------------------------------------
def niblett_bostick(rho_a: Any, phase_deg_: Any, period_s: Any) -> tuple[np.ndarray, np.ndarray]:
    """Niblett-Bostick transform: depth and resistivity from rho_a and phase.

    ``depth = sqrt(rho_a T / (2 pi mu0))`` and
    ``rho_NB = rho_a (pi / (2 phi) - 1)`` with phi in radians in the first
    quadrant (a Zyx phase in the third quadrant is moved by +180 deg; a half-space
    gives rho_NB = rho_a at 45 deg).

    Returns
    -------
    depth_m, rho_nb_ohm_m : arrays
    """
    rho = np.asarray(rho_a, float)
    ph = np.asarray(phase_deg_, float)
    ph = np.where(ph < -90, ph + 180.0, ph)
    ph = np.where(ph > 90, ph - 180.0, ph)
    phi = np.deg2rad(np.clip(ph, 1e-3, 89.999))
    T = np.asarray(period_s, float)
    T = T.reshape(T.shape + (1,) * (rho.ndim - T.ndim))
    depth = np.sqrt(rho * T / (2 * np.pi * MU0))
    return depth, rho * (np.pi / (2 * phi) - 1.0)


def skin_depth_m(rho_ohm_m: Any, period_s: Any) -> np.ndarray:
    """Skin depth ``sqrt(2 rho / (omega mu0))`` ~ 503 sqrt(rho T) m."""
    return np.sqrt(2 * np.asarray(rho_ohm_m, float) * np.asarray(period_s, float) / (2 * np.pi * MU0))
