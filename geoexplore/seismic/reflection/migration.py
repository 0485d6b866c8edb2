"""Post-stack time migration: Stolt (f-k), phase shift (Gazdag) and Kirchhoff.

All take a zero-offset (stacked) section ``section`` of shape
(n_traces, n_samples) with trace spacing ``dx_m`` and sample interval
``dt_s`` (first sample at 0 s) and return the migrated section in the same
shape, in two-way vertical time. Velocities are RMS (stacking) velocities;
the exploding-reflector model uses half of them.

* :func:`stolt` - constant velocity, f-k mapping ``w = sign(wt) sqrt(wt**2 + (v kx / 2)**2)``
  with the Jacobian ``|wt| / |w|``; exact for constant velocity.
* :func:`phase_shift` - interval velocity varying with time (``v(t)``,
  laterally constant): downward continuation by
  ``exp(i w dt sqrt(1 - (v kx / 2 w)**2))`` with imaging at t = 0.
* :func:`kirchhoff` - summation along diffraction hyperbolae with the RMS
  velocity of each output sample (``v(t, x)``, lateral variation allowed),
  obliquity weight ``t0 / t``, the 2D half-derivative filter, an anti-alias
  triangle filter and an aperture from velocity and record length.

All three keep the amplitude of a flat event (same scale across methods).
"""

from __future__ import annotations

from typing import Any

import numba as nb
import numpy as np

from geoexplore.core.errors import GeoexploreError


def _check(section: Any) -> np.ndarray:
    d = np.asarray(section, dtype=np.float64)
    if d.ndim != 2 or min(d.shape) < 2:
        raise GeoexploreError(f"migration needs a (n_traces, n_samples) section, got shape {d.shape}")
    return d


def _taper_pad(d: np.ndarray, pad_x: int, pad_t: int) -> np.ndarray:
    return np.pad(d, ((0, pad_x), (0, pad_t)))


def stolt(section: Any, dx_m: float, dt_s: float, v_m_s: float, *, pad: float = 1.0) -> np.ndarray:
    """Stolt f-k time migration with one constant RMS velocity (m/s)."""
    d = _check(section)
    nx, nt = d.shape
    px, pt = int(nx * pad) + 1, int(nt * pad) + 1
    D = np.fft.fft2(_taper_pad(d, px, pt))  # axes: (kx, w); numpy convention exp(-i(kx x + w t))
    NX, NT = D.shape
    kx = 2 * np.pi * np.fft.fftfreq(NX, dx_m)
    w = 2 * np.pi * np.fft.fftfreq(NT, dt_s)
    ve = v_m_s / 2.0
    out = np.zeros_like(D)
    ws = np.fft.fftshift(w)
    for i in range(NX):
        row = np.fft.fftshift(D[i])
        wt = w  # output vertical frequency (unshifted order)
        win = np.sign(wt) * np.sqrt(wt**2 + (ve * kx[i]) ** 2)
        inside = np.abs(win) <= np.abs(ws).max()
        re = np.interp(win, ws, row.real, left=0, right=0)
        im = np.interp(win, ws, row.imag, left=0, right=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            jac = np.where(win != 0, np.abs(wt) / np.abs(win), 1.0)
        out[i] = np.where(inside, (re + 1j * im) * jac, 0)
    m = np.real(np.fft.ifft2(out))
    return m[:nx, :nt]


def phase_shift(section: Any, dx_m: float, dt_s: float, vint_m_s: Any, *, pad: float = 1.0) -> np.ndarray:
    """Gazdag phase-shift time migration with interval velocity ``v(t)`` (m/s).

    Parameters
    ----------
    vint_m_s : float or (n_samples,) array_like
        Interval velocity as a function of two-way vertical time.
    """
    d = _check(section)
    nx, nt = d.shape
    v = np.broadcast_to(np.asarray(vint_m_s, float), (nt,))
    px, pt = int(nx * pad) + 1, int(nt * pad) + 1
    P = np.fft.fft2(_taper_pad(d, px, pt))
    NX, NT = P.shape
    kx = 2 * np.pi * np.fft.fftfreq(NX, dx_m)
    w = 2 * np.pi * np.fft.fftfreq(NT, dt_s)
    # real data: P(-kx, -w) = conj(P(kx, w)); continue only w >= 0 within the signal band
    spec = np.abs(P).sum(axis=0)
    band = (w >= 0) & (spec > 1e-4 * spec.max())
    sel = np.flatnonzero(band)
    img = _phase_shift_kernel(np.ascontiguousarray(P[:, sel]), kx, np.ascontiguousarray(w[sel]), np.ascontiguousarray(v), float(dt_s), nt)
    neg = (-np.arange(NX)) % NX
    zero = np.flatnonzero(w[sel] == 0)
    full = img + np.conj(img[neg])
    if zero.size:  # the w = 0 column was counted twice
        full -= P[:, sel[zero[0]]][:, None]
    return np.real(np.fft.ifft(full / NT, axis=0))[:nx]


@nb.njit(parallel=True, cache=True)
def _phase_shift_kernel(P, kx, w, v, dt, nt):  # pragma: no cover - numba
    NX, NW = P.shape
    img = np.zeros((NX, nt), dtype=np.complex128)
    for i in nb.prange(NX):
        for j in range(NW):
            p = P[i, j]
            wj = w[j]
            for it in range(nt):
                img[i, it] += p
                if wj == 0.0:
                    break
                r = v[it] * kx[i] / (2.0 * wj)
                arg = 1.0 - r * r
                if arg <= 0.0:
                    break
                kz = wj * np.sqrt(arg)
                p = p * np.exp(1j * kz * dt)
    return img


@nb.njit(cache=True, fastmath=True)
def _interp(row, f):  # pragma: no cover - numba
    j = int(f)
    w = f - j
    return (1.0 - w) * row[j] + w * row[j + 1]


@nb.njit(parallel=True, cache=True, fastmath=True)
def _kirch_kernel(d, d2, x, vr, dt, aperture, max_tan, dx, anti_alias):  # pragma: no cover - numba
    nx, nt = d.shape
    out = np.zeros((nx, nt))
    for ix in nb.prange(nx):
        for it in range(1, nt):
            t0 = it * dt
            v = vr[ix, it]
            acc = 0.0
            for jx in range(nx):
                h = x[jx] - x[ix]
                if abs(h) > aperture:
                    continue
                # angle limit: horizontal distance vs vertical depth v t0 / 2
                if abs(h) > max_tan * 0.5 * v * t0:
                    continue
                t = np.sqrt(t0 * t0 + 4.0 * h * h / (v * v))
                f = t / dt
                if f >= nt - 1:
                    continue
                a = 0.0
                k = 0.0
                if anti_alias:
                    # triangle filter as long as the operator's time step from trace to trace
                    # (Lumley, Claerbout and Bevc 1994): second difference of the doubly integrated trace
                    k = 4.0 * abs(h) / (v * v * t) * dx / dt
                    k = min(k, f - 1.0, nt - 2.0 - f)
                if k >= 1.0:
                    a = (_interp(d2[jx], f - 1.0 + k) - 2.0 * _interp(d2[jx], f - 1.0) + _interp(d2[jx], f - 1.0 - k)) / (k * k)
                else:
                    a = _interp(d[jx], f)
                acc += a * (t0 / t) / np.sqrt(t)
            out[ix, it] = acc * dx * np.sqrt(2.0 / np.pi) / v
    return out


def kirchhoff(
    section: Any,
    x_m: Any,
    dt_s: float,
    vrms_m_s: Any,
    *,
    aperture_m: float | None = None,
    max_angle_deg: float = 60.0,
    anti_alias: bool = True,
) -> np.ndarray:
    """Kirchhoff post-stack time migration.

    Parameters
    ----------
    section : (n_traces, n_samples) array_like
    x_m : (n_traces,) array_like
        Trace positions (chainage, m); need not be regular.
    vrms_m_s : float, (n_samples,) or (n_traces, n_samples) array_like
        RMS velocity of each output sample.
    aperture_m : float, optional
        Half-aperture of the summation (m). Default (None): from the
        velocity and the record length, :func:`default_aperture`.
    max_angle_deg : float
        Largest dip (angle from vertical) summed.
    anti_alias : bool
        Low-pass each summed sample with a triangle as long as the operator's
        time step between neighbouring traces, so steep operator flanks do not
        alias (Lumley, Claerbout and Bevc, 1994).

    Notes
    -----
    Weights ``(t0 / t) / sqrt(t)`` on the half-derivative filtered input,
    scaled by ``dx sqrt(2 / pi) / v``: by stationary phase a flat event keeps
    its amplitude, as in :func:`stolt` and :func:`phase_shift`.
    """
    d = _check(section)
    nx, nt = d.shape
    x = np.asarray(x_m, float)
    vr = np.ascontiguousarray(np.broadcast_to(np.asarray(vrms_m_s, float), (nx, nt)))
    if aperture_m is None:
        aperture_m = default_aperture(vr, dt_s, nt, max_angle_deg)
    # 2D rho filter: half-derivative sqrt(-i w) applied to the input traces
    nfft = int(2 ** np.ceil(np.log2(2 * nt)))
    f = np.fft.rfftfreq(nfft, dt_s)
    fd = np.fft.irfft(np.fft.rfft(d, nfft, axis=1) * np.sqrt(-1j * 2 * np.pi * f + 0j), nfft, axis=1)[:, :nt]
    fd2 = np.cumsum(np.cumsum(fd, axis=1), axis=1)
    dxs = np.median(np.abs(np.diff(x))) if nx > 1 else 1.0
    return _kirch_kernel(np.ascontiguousarray(fd), np.ascontiguousarray(fd2), x, vr, float(dt_s), float(aperture_m),
                         float(np.tan(np.deg2rad(max_angle_deg))), float(dxs), bool(anti_alias))


def default_aperture(vrms_m_s: Any, dt_s: float, n_samples: int, max_angle_deg: float = 60.0) -> float:
    """Kirchhoff half-aperture from velocity and record length (m).

    The widest a dip of ``max_angle_deg`` reaches within the record:
    ``tan(max_angle) * max(v_rms) * T / 2`` with ``T`` the record length;
    the angle limit then sets the aperture of each output sample.
    """
    v = float(np.nanmax(np.asarray(vrms_m_s, float)))
    return float(np.tan(np.deg2rad(max_angle_deg)) * v * (n_samples - 1) * dt_s / 2.0)


__all__ = ["default_aperture", "kirchhoff", "phase_shift", "stolt"]
