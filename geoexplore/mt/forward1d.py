"""Analytic 1D magnetotelluric forward response (Wait recursion) with its Jacobian.

Convention: time dependence exp(+i omega t), x = north, y = east, z = down
(see :mod:`geoexplore.mt.tfdata`). Over a layered earth the impedance is
``Zxy = -Zyx = Z1D`` with ``Z1D`` in the first quadrant (phase between 0 and
90 deg, 45 deg over a half-space) and ``rho_a = |Z|^2 / (omega mu0)``.

The recursion starts at the basement half-space, ``Z_N = sqrt(i omega mu0 rho_N)``,
and climbs layer by layer::

    Z0_j = sqrt(i omega mu0 rho_j),  k_j = sqrt(i omega mu0 / rho_j),  t_j = tanh(k_j h_j)
    Z_j  = Z0_j (Z_{j+1} + Z0_j t_j) / (Z0_j + Z_{j+1} t_j)

The Jacobian of the surface impedance with respect to ``ln rho_j`` is
obtained by the chain rule through the same recursion (exact, no finite
differences); see :func:`mt1d_jacobian`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from geoexplore.mt.tfdata import MU0, MVKMNT_TO_OHM


def _check(resistivity_ohm_m: Any, thickness_m: Any, period_s: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rho = np.atleast_1d(np.asarray(resistivity_ohm_m, float))
    h = np.atleast_1d(np.asarray(thickness_m, float)) if rho.size > 1 else np.zeros(0)
    if h.size == rho.size:  # last thickness given for the half-space: ignore it
        h = h[:-1]
    if h.size != rho.size - 1:
        raise ValueError(f"need {rho.size - 1} layer thicknesses for {rho.size} resistivities, got {h.size}")
    if np.any(~(rho > 0)) or np.any(~(h > 0)):
        raise ValueError("resistivities and thicknesses must be positive")
    p = np.atleast_1d(np.asarray(period_s, float))
    if np.any(~(p > 0)):
        raise ValueError("periods must be positive")
    return rho, h, p


def mt1d_impedance(resistivity_ohm_m: Any, thickness_m: Any, period_s: Any) -> np.ndarray:
    """Surface impedance of a layered earth.

    Parameters
    ----------
    resistivity_ohm_m : (n_layers,) array
        Layer resistivities, top to bottom; the last is the half-space.
    thickness_m : (n_layers - 1,) array
        Layer thicknesses (a trailing half-space thickness is ignored).
    period_s : (n_periods,) array

    Returns
    -------
    (n_periods,) complex array
        Zxy in mV/km/nT (Zyx = -Zxy), first quadrant.
    """
    return mt1d_jacobian(resistivity_ohm_m, thickness_m, period_s, jacobian=False)[0]


def mt1d_jacobian(
    resistivity_ohm_m: Any, thickness_m: Any, period_s: Any, *, jacobian: bool = True
) -> tuple[np.ndarray, np.ndarray | None]:
    """Surface impedance and its derivative with respect to ``ln(rho_j)``.

    Returns
    -------
    z : (n_periods,) complex array
        Zxy in mV/km/nT.
    dz_dlnrho : (n_periods, n_layers) complex array or None
        dZ / d ln(rho_j) in mV/km/nT.
    """
    rho, h, p = _check(resistivity_ohm_m, thickness_m, period_s)
    w = 2 * np.pi / p[:, None]  # (nf, 1)
    iwm = 1j * w * MU0
    nl = rho.size
    z0 = np.sqrt(iwm * rho[None, :])  # (nf, nl) intrinsic impedances
    k = np.sqrt(iwm / rho[None, :])
    z = z0[:, -1].copy()
    # partials collected bottom-up: dZ_j/dZ_{j+1} and dZ_j/dln rho_j
    dzdb = np.ones((p.size, nl), complex)
    dzdr = np.zeros((p.size, nl), complex)
    dzdr[:, -1] = z0[:, -1] / 2.0
    for j in range(nl - 2, -1, -1):
        zb = z
        kh = k[:, j] * h[j]
        t = np.tanh(kh)
        a = z0[:, j]
        num = zb + a * t
        den = a + zb * t
        z = a * num / den
        if jacobian:
            dz_da = num / den + a * t / den - a * num / den**2
            dz_dt = a * a / den - a * num * zb / den**2
            dzdb[:, j] = a / den - a * num * t / den**2
            # d a / d ln rho = a / 2 ; d t / d ln rho = (1 - t^2) h dk/dln rho = -(1 - t^2) kh / 2
            dzdr[:, j] = dz_da * a / 2.0 + dz_dt * (-(1.0 - t * t) * kh / 2.0)
    if not jacobian:
        return z / MVKMNT_TO_OHM, None
    chain = np.cumprod(np.c_[np.ones(p.size), dzdb[:, :-1]], axis=1)  # prod_{i<j} dZ_i/dZ_{i+1}
    return z / MVKMNT_TO_OHM, chain * dzdr / MVKMNT_TO_OHM


def mt1d_rho_phase(resistivity_ohm_m: Any, thickness_m: Any, period_s: Any) -> tuple[np.ndarray, np.ndarray]:
    """Apparent resistivity (ohm-m) and phase (deg, first quadrant) of a layered earth."""
    from geoexplore.mt.tfdata import apparent_resistivity, phase_deg

    z = mt1d_impedance(resistivity_ohm_m, thickness_m, period_s)
    return apparent_resistivity(z, np.atleast_1d(np.asarray(period_s, float))), phase_deg(z)


def mt1d_tf(resistivity_ohm_m: Any, thickness_m: Any, period_s: Any, **attrs: Any) -> Any:
    """A transfer-function Dataset (:func:`geoexplore.mt.tfdata.make_tf`) of a layered earth."""
    from geoexplore.mt.tfdata import make_tf

    z1 = mt1d_impedance(resistivity_ohm_m, thickness_m, period_s)
    z = np.zeros((z1.size, 2, 2), complex)
    z[:, 0, 1] = z1
    z[:, 1, 0] = -z1
    return make_tf(period_s, z, **attrs)


def noisy_mt1d_tf(resistivity_ohm_m: Any, thickness_m: Any, period_s: Any, *, rel: float = 0.02, seed: int = 0,
                  **attrs: Any) -> Any:
    """:func:`mt1d_tf` with complex Gaussian noise and honest errors (SYNTHETIC).

    Each period's four impedance elements get noise of standard deviation
    ``rel`` times the largest ``|Z|`` of that period in the real and in the
    imaginary part, and ``z_err`` is that standard deviation.
    """
    ds = mt1d_tf(resistivity_ohm_m, thickness_m, period_s, **attrs)
    rng = np.random.default_rng(seed)
    z = ds["z"].values
    e = rel * np.abs(z).max(axis=(1, 2))[:, None, None]
    ds["z"].values[...] = z + e * (rng.standard_normal(z.shape) + 1j * rng.standard_normal(z.shape))
    ds["z_err"].values[...] = e
    return ds
