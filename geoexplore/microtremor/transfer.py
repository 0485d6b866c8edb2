"""1D SH (and vertical P) transfer functions of a layered medium at vertical incidence.

Thomson-Haskell propagator: in each layer (thickness h, velocity v with
damping xi as v* = v (1 + i xi), density rho, mu = rho v*^2, k = 2 pi f / v*)

    [u, tau](bottom) = [[cos kh, sin kh / (mu k)], [-mu k sin kh, cos kh]] [u, tau](top)

with a free surface (tau = 0, u = 1). The transfer function surface /
outcrop (twice the incident half-space wave) is ``1 / (u_hs + tau_hs / (i mu_hs k_hs))``.
For one layer it is ``1 / (cos kh + i alpha sin kh)`` with the impedance
ratio ``alpha = rho1 v1 / (rho2 v2)``: peak ``1/alpha`` at ``f = v1 / (4 h)``
without damping (tested).
"""

from __future__ import annotations

import numpy as np

__all__ = ["sh_transfer", "peak_frequency", "quarter_wavelength_f0"]


def sh_transfer(
    f_hz: np.ndarray, thickness_m: np.ndarray, velocity_m_s: np.ndarray, density_kg_m3: np.ndarray,
    damping: float | np.ndarray = 0.0,
) -> np.ndarray:
    """Complex transfer function surface / outcrop at ``f_hz`` (nf,).

    Parameters
    ----------
    thickness_m : ndarray, shape (nlay,)
        Layer thicknesses, the last (half-space) ignored.
    velocity_m_s, density_kg_m3 : ndarray, shape (nlay,)
        Vs (for SH) or Vp (for vertical P), and density.
    damping : float or ndarray
        Material damping ratio xi (hysteretic, v* = v (1 + i xi)).
    """
    f = np.atleast_1d(np.asarray(f_hz, float))
    h = np.asarray(thickness_m, float)
    v = np.asarray(velocity_m_s, float) * (1 + 1j * np.broadcast_to(np.asarray(damping, float), np.shape(velocity_m_s)))
    rho = np.asarray(density_kg_m3, float)
    w = 2 * np.pi * np.where(f > 0, f, 1.0)  # f = 0 is set to 1 below
    u = np.ones(f.shape, complex)
    tau = np.zeros(f.shape, complex)
    for j in range(len(h) - 1):
        k = w / v[j]
        mu = rho[j] * v[j] ** 2
        c, s = np.cos(k * h[j]), np.sin(k * h[j])
        u, tau = c * u + s / (mu * k) * tau, -mu * k * s * u + c * tau
    k = w / v[-1]
    mu = rho[-1] * v[-1] ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        tf = 1.0 / (u + tau / (1j * mu * k))
    tf[f == 0] = 1.0
    return tf


def peak_frequency(f_hz: np.ndarray, tf: np.ndarray) -> tuple[float, float]:
    """(frequency, amplitude) of the largest |tf| (refined by a parabola in log f)."""
    a = np.abs(tf)
    i = int(np.argmax(a))
    if 0 < i < a.size - 1:
        x = np.log(f_hz[i - 1:i + 2])
        y = a[i - 1:i + 2]
        den = (y[0] - 2 * y[1] + y[2])
        d = 0.5 * (y[0] - y[2]) / den if den != 0 else 0.0
        xp = x[1] + d * (x[2] - x[1])
        return float(np.exp(xp)), float(y[1] - 0.25 * (y[0] - y[2]) * d)
    return float(f_hz[i]), float(a[i])


def quarter_wavelength_f0(thickness_m: np.ndarray, velocity_m_s: np.ndarray) -> float:
    """1 / (4 * vertical travel time) through all layers above the half-space (Hz)."""
    h = np.asarray(thickness_m, float)[:-1]
    v = np.asarray(velocity_m_s, float)[:-1]
    return float(1.0 / (4.0 * np.sum(h / v)))
