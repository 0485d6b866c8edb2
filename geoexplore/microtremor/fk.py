"""Frequency-wavenumber (FK) beamforming of array records (conventional, Lacoss et al. 1969).

Power P(f, s) = e^H R e with the cross-spectral matrix R(f) averaged over
windows and the steering vector e_i = exp(-i 2 pi f s . r_i) / sqrt(n) over
a slowness grid; the peak gives the apparent slowness, c = 1 / |s_max|.
Uncertainty: scatter of the peak over independent blocks of windows.
"""

from __future__ import annotations

import numpy as np

from geoexplore.microtremor.hvsr import tukey
from geoexplore.microtremor.windows import window_starts

__all__ = ["fk_dispersion", "fk_power"]


def fk_power(R: np.ndarray, xy_m: np.ndarray, f_hz: float, sx: np.ndarray, sy: np.ndarray) -> np.ndarray:
    """Beam power on the slowness grid (len(sy), len(sx)) for cross-spectral matrix R (nsta, nsta)."""
    SX, SY = np.meshgrid(sx, sy)
    ph = np.exp(-2j * np.pi * f_hz * (SX[..., None] * xy_m[:, 0] + SY[..., None] * xy_m[:, 1]))  # (ny, nx, nsta)
    ph /= np.sqrt(xy_m.shape[0])
    return np.real(np.einsum("yxi,ij,yxj->yx", ph.conj(), R, ph))


def fk_dispersion(
    z: np.ndarray, fs_hz: float, xy_m: np.ndarray, frequency_hz: np.ndarray, *, window_length_s: float = 10.0,
    s_max_s_m: float = 1 / 80.0, n_s: int = 81, n_blocks: int = 4,
) -> tuple[np.ndarray, np.ndarray]:
    """Phase velocity (m/s) and its block-scatter uncertainty at ``frequency_hz`` from FK beamforming."""
    n = int(round(window_length_s * fs_hz))
    st = window_starts(z.shape[1], n, 0.5)
    idx = st[:, None] + np.arange(n)[None, :]
    seg = z[:, idx]
    seg = (seg - seg.mean(axis=-1, keepdims=True)) * tukey(n, 0.1)
    spec = np.fft.rfft(seg, axis=-1)  # (nsta, nwin, nf)
    fbin = np.fft.rfftfreq(n, 1 / fs_hz)
    s = np.linspace(-s_max_s_m, s_max_s_m, n_s)
    blocks = np.array_split(np.arange(spec.shape[1]), max(1, min(n_blocks, spec.shape[1])))
    c = np.full(len(frequency_hz), np.nan)
    e = np.full(len(frequency_hz), np.nan)
    for k, f in enumerate(np.asarray(frequency_hz, float)):
        b = int(np.argmin(np.abs(fbin - f)))
        sl = slice(max(b - 1, 1), b + 2)  # 3 bins
        cs = []
        for blk in blocks:
            X = spec[:, blk, sl].reshape(spec.shape[0], -1)
            R = X @ X.conj().T / X.shape[1]
            P = fk_power(R, xy_m, fbin[b], s, s)
            iy, ix = np.unravel_index(np.argmax(P), P.shape)
            sm = np.hypot(s[ix], s[iy])
            cs.append(1 / sm if sm > 0 else np.nan)
        cs = np.asarray(cs)
        c[k] = np.nanmedian(cs)
        e[k] = np.nanstd(cs, ddof=1) if np.sum(np.isfinite(cs)) > 1 else np.nan
    return c, e
