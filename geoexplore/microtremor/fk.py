"""Frequency-wavenumber (FK) analysis of array records, with the array's resolution and aliasing limits.

* :func:`array_limits` - the theoretical array response
  ``R(k) = |sum_i exp(i k . r_i)|^2 / n^2`` of the station coordinates on a
  polar wavenumber grid; ``kmin/2`` is the smallest wavenumber (over all
  azimuths) where the main lobe drops below 0.5 (half the main lobe's width:
  the resolution limit), ``kmax`` the smallest wavenumber beyond the main
  lobe where the response climbs back to 0.5 (aliasing limit), as in
  Wathelet et al. (2008) and Geopsy's ``build_array``.
* :func:`fk_dispersion` - beam power on a polar wavenumber grid that stops
  at ``kmax`` (no aliased peak can be picked), conventional (Lacoss et al.
  1969) or high-resolution (Capon 1969, default: resolves the many
  simultaneous waves of ambient vibrations where the conventional beam's
  side lobes stack); the peak gives c = 2 pi f / |k|. A peak on the first
  or last wavenumber of the grid (the slowness grid's edge: the velocity
  bound ``c_max`` or ``kmax``) is refused (NaN, ``edge``); every peak gets
  a band code (:mod:`.valid_band`): outside ``[kmin_factor * kmin, kmax]``,
  past the frequency where the curve reached ``kmax`` (the wave aliases
  there even when the grid, stopping at ``kmax``, shows a peak), or with an
  error above ``max_rel_error`` of c it is kept but not ``valid``, and
  ``code`` says why.
* Uncertainty: the spread (standard deviation) of the peaks of ``n_blocks``
  independent blocks of windows, at least one wavenumber grid step, in
  quadrature with a ``rel_floor`` fraction of c. On the Siping synthetic
  array the truth lies within 2 sigma at every valid frequency (test).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from geoexplore.microtremor.spectral_ratio import tukey
from geoexplore.microtremor.valid_band import combine_methods
from geoexplore.microtremor.windows import window_starts

__all__ = ["ArrayLimits", "FkResult", "array_limits", "array_response", "fk_dispersion", "fk_power"]


def array_response(xy_m: np.ndarray, k_rad_m: np.ndarray, azimuth_rad: np.ndarray) -> np.ndarray:
    """Theoretical array response (n_az, n_k) for plane waves of wavenumber ``k`` from ``azimuth`` (1 at k = 0)."""
    xy = np.asarray(xy_m, float)
    kx = np.cos(azimuth_rad)[:, None] * np.asarray(k_rad_m, float)[None, :]
    ky = np.sin(azimuth_rad)[:, None] * np.asarray(k_rad_m, float)[None, :]
    return np.abs(np.exp(1j * (kx[..., None] * xy[:, 0] + ky[..., None] * xy[:, 1])).mean(axis=-1)) ** 2


@dataclass
class ArrayLimits:
    kmin_half_rad_m: float  # main lobe drops below 0.5 (kmin / 2)
    kmax_rad_m: float  # first side lobe reaching 0.5 (aliasing)
    aperture_m: float
    min_spacing_m: float

    @property
    def kmin_rad_m(self) -> float:
        return 2 * self.kmin_half_rad_m


def array_limits(xy_m: np.ndarray, *, level: float = 0.5, n_az: int = 180, n_k: int = 4000) -> ArrayLimits:
    """Resolution (kmin/2) and aliasing (kmax) limits from the array response of the coordinates (see module docstring)."""
    xy = np.asarray(xy_m, float)
    d = np.linalg.norm(xy[:, None] - xy[None], axis=-1)
    if xy.shape[0] < 3:
        raise ValueError(f"an array needs at least 3 stations, got {xy.shape[0]}")
    dmin = float(d[d > 0].min())
    k = np.linspace(0.0, 4 * np.pi / dmin, n_k)  # the response is periodic beyond 2 pi / dmin along a pair's axis
    az = np.linspace(0.0, np.pi, n_az, endpoint=False)  # R(-k) = R(k)
    R = array_response(xy, k, az)
    below = R < level
    i_half = np.argmax(below, axis=1)  # first sample below the level, per azimuth
    kmax = np.inf
    for r, i0 in zip(R, i_half):
        j = i0 + int(np.argmax(np.diff(r[i0:]) > 0))  # first minimum after the main lobe
        up = np.flatnonzero(r[j:] >= level)
        if up.size:
            kmax = min(kmax, float(k[j + up[0]]))
    kh = float(k[i_half[below.any(axis=1)]].min())
    return ArrayLimits(kh, float(kmax if np.isfinite(kmax) else k[-1]), float(d.max()), dmin)


def fk_power(R: np.ndarray, steer: np.ndarray, *, method: str = "capon", loading: float = 1e-3) -> np.ndarray:
    """Beam power for cross-spectral matrix ``R`` (nsta, nsta) and unit steering vectors ``steer`` (..., nsta)."""
    if method == "conventional":
        return np.real(np.einsum("...i,ij,...j->...", steer.conj(), R, steer))
    if method != "capon":
        raise ValueError(f"FK method must be 'capon' or 'conventional', got {method!r}")
    n = R.shape[0]
    Ri = np.linalg.inv(R + loading * np.real(np.trace(R)) / n * np.eye(n))
    return 1.0 / np.maximum(np.real(np.einsum("...i,ij,...j->...", steer.conj(), Ri, steer)), 1e-300)


@dataclass
class FkResult:
    frequency_hz: np.ndarray
    phase_velocity_m_s: np.ndarray  # NaN where the peak was refused (grid edge)
    error_m_s: np.ndarray
    k_peak_rad_m: np.ndarray
    valid: np.ndarray  # bool: inside the valid band (code 0)
    edge: np.ndarray  # bool: peak on the edge of the search grid (refused)
    limits: ArrayLimits
    k_low_rad_m: float  # lower wavenumber limit used for ``valid`` (kmin_factor * kmin)
    code: np.ndarray | None = None  # int: band code (geoexplore.microtremor.valid_band.BAND_CODES)

    def band_velocity(self, f_hz: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Phase velocities of the resolution (k_low) and aliasing (kmax) limits at ``f_hz``: c = 2 pi f / k."""
        f = np.asarray(f_hz, float)
        return 2 * np.pi * f / self.k_low_rad_m, 2 * np.pi * f / self.limits.kmax_rad_m


def _peak(P: np.ndarray, k: np.ndarray) -> tuple[float, bool]:
    """|k| of the maximum of P (n_az, n_k), refined by a parabola in k; edge flag."""
    ia, ik = np.unravel_index(int(np.argmax(P)), P.shape)
    if ik == 0 or ik == k.size - 1:
        return float(k[ik]), True
    y0, y1, y2 = P[ia, ik - 1], P[ia, ik], P[ia, ik + 1]
    den = y0 - 2 * y1 + y2
    dk = 0.5 * (y0 - y2) / den if den < 0 else 0.0
    return float(k[ik] + np.clip(dk, -0.5, 0.5) * (k[1] - k[0])), False


def fk_dispersion(
    z: np.ndarray, fs_hz: float, xy_m: np.ndarray, frequency_hz: np.ndarray, *, window_length_s: float = 10.0,
    method: str = "capon", c_min_m_s: float = 50.0, c_max_m_s: float = 3000.0, n_k: int = 150, n_az: int = 72,
    n_blocks: int = 4, kmin_factor: float = 0.5, rel_floor: float = 0.02, limits: ArrayLimits | None = None,
    max_rel_error: float = 0.5,
) -> FkResult:
    """FK phase velocity at ``frequency_hz`` with the array's limits, edge refusal and block-spread errors (module docstring)."""
    xy = np.asarray(xy_m, float)
    lim = limits or array_limits(xy)
    n = int(round(window_length_s * fs_hz))
    st = window_starts(z.shape[1], n, 0.5)
    if st.size < 2 * n_blocks:
        raise ValueError(f"records of {z.shape[1] / fs_hz:.0f} s give {st.size} windows of {window_length_s} s; "
                         f"need at least {2 * n_blocks} for {n_blocks} blocks")
    seg = z[:, st[:, None] + np.arange(n)[None, :]]
    seg = (seg - seg.mean(axis=-1, keepdims=True)) * tukey(n, 0.1)
    spec = np.fft.rfft(seg, axis=-1)  # (nsta, nwin, nf)
    fbin = np.fft.rfftfreq(n, 1 / fs_hz)
    az = np.linspace(0, 2 * np.pi, n_az, endpoint=False)
    blocks = np.array_split(np.arange(spec.shape[1]), n_blocks)
    f = np.asarray(frequency_hz, float)
    out = {k: np.full(f.size, np.nan) for k in ("c", "e", "k")}
    edge = np.zeros(f.size, bool)
    k_low = kmin_factor * lim.kmin_rad_m
    for i, fi in enumerate(f):
        b = int(np.argmin(np.abs(fbin - fi)))
        fb = fbin[b]
        k = np.linspace(2 * np.pi * fb / c_max_m_s, min(lim.kmax_rad_m, 2 * np.pi * fb / c_min_m_s), n_k)
        ph = k[None, :, None] * (np.cos(az)[:, None, None] * xy[:, 0] + np.sin(az)[:, None, None] * xy[:, 1])
        steer = np.exp(-1j * ph) / np.sqrt(xy.shape[0])  # (n_az, n_k, nsta)
        sl = slice(max(b - 1, 1), b + 2)  # 3 bins

        def peak(sel: np.ndarray) -> tuple[float, bool]:
            X = spec[:, sel, sl].reshape(xy.shape[0], -1)
            return _peak(fk_power(X @ X.conj().T / X.shape[1], steer, method=method), k)

        kp, edge[i] = peak(np.arange(spec.shape[1]))
        if edge[i]:
            continue
        kb = np.array([p for p, e in (peak(blk) for blk in blocks) if not e])
        cb = 2 * np.pi * fb / kb
        c = 2 * np.pi * fb / kp
        spread = float(np.std(cb, ddof=1)) if cb.size > 1 else c
        if cb.size < len(blocks):  # blocks refused at the edge: the peak is not stable
            spread = max(spread, float(np.max(np.abs(cb - c))) if cb.size else c)
        grid = c * (k[1] - k[0]) / kp
        out["c"][i], out["k"][i] = c, kp
        out["e"][i] = np.hypot(max(spread, grid), rel_floor * c)
    code = combine_methods(f, {"fk": (out["c"], out["e"])}, k_low, lim.kmax_rad_m, max_rel_error=max_rel_error).codes["fk"]
    return FkResult(f, out["c"], out["e"], out["k"], code == 0, edge, lim, k_low, code)
