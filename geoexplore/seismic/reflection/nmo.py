"""Normal moveout (NMO) correction with stretch mute.

Conventions: ``data`` is (n_traces, n_samples) with sample ``i`` at two-way
time ``t0_s + i * dt_s``; ``velocity_m_s`` is the RMS (stacking) velocity at
zero-offset time, either one function ``(n_samples,)`` shared by all traces or
one per trace ``(n_traces, n_samples)``. The hyperbolic moveout is
``t(x) = sqrt(t0**2 + x**2 / v(t0)**2)``; output sample ``i`` takes the input
at ``t(x)`` by linear interpolation. A sample whose stretch
``t(x) / t0 - 1`` exceeds ``stretch_mute`` is set to zero (muted).
"""

from __future__ import annotations

from typing import Any

import numba as nb
import numpy as np

from geoexplore.core.errors import GeoexploreError


@nb.njit(parallel=True, cache=True, fastmath=True)
def _nmo_kernel(data, offsets, slow2, per_trace, dt, t0, smax, inverse):  # pragma: no cover - numba
    ntr, ns = data.shape
    out = np.zeros((ntr, ns), dtype=np.float32)
    if not inverse:
        for k in nb.prange(ntr):
            x2 = offsets[k] * offsets[k]
            row = k * per_trace
            for i in range(ns):
                t = t0 + i * dt
                tx = np.sqrt(t * t + x2 * slow2[row, i])
                if x2 > 0.0 and (t <= 0.0 or tx > (1.0 + smax) * t):
                    continue
                f = (tx - t0) / dt
                j = int(f)
                if j < 0 or j >= ns - 1:
                    continue
                w = f - j
                out[k, i] = (1.0 - w) * data[k, j] + w * data[k, j + 1]
    if inverse:
        # inverse NMO: spread the NMO-corrected sample at t0 back to t(x)
        for k in nb.prange(ntr):
            x2 = offsets[k] * offsets[k]
            row = k * per_trace
            # t(x) increases with t0 for physical velocity functions: map output samples by bisection
            txs = np.empty(ns)
            for i in range(ns):
                t = t0 + i * dt
                txs[i] = np.sqrt(t * t + x2 * slow2[row, i])
            for m in range(ns):
                tm = t0 + m * dt
                # find i with txs[i] <= tm < txs[i+1]
                lo, hi = 0, ns - 1
                if tm < txs[0] or tm >= txs[ns - 1]:
                    continue
                while hi - lo > 1:
                    mid = (lo + hi) // 2
                    if txs[mid] <= tm:
                        lo = mid
                    else:
                        hi = mid
                w = (tm - txs[lo]) / (txs[hi] - txs[lo]) if txs[hi] > txs[lo] else 0.0
                out[k, m] = (1.0 - w) * data[k, lo] + w * data[k, hi]
    return out


def _slowness2(velocity_m_s: Any, n_traces: int, n_samples: int) -> tuple[np.ndarray, bool]:
    v = np.asarray(velocity_m_s, dtype=np.float64)
    if v.ndim == 0:
        v = np.full((1, n_samples), float(v))
    elif v.ndim == 1:
        v = v[None, :]
    if v.shape[-1] != n_samples or v.shape[0] not in (1, n_traces):
        raise GeoexploreError(f"velocity shape {v.shape} does not fit data ({n_traces}, {n_samples})")
    if not np.all(np.isfinite(v)) or np.any(v <= 0):
        raise GeoexploreError("NMO velocities must be finite and positive")
    return np.ascontiguousarray(1.0 / (v * v)), v.shape[0] == n_traces and n_traces > 1


def nmo_correct(
    data: Any,
    offsets_m: Any,
    velocity_m_s: Any,
    dt_s: float,
    *,
    t0_s: float = 0.0,
    stretch_mute: float = 0.5,
    inverse: bool = False,
) -> np.ndarray:
    """NMO-correct traces (or undo it with ``inverse=True``).

    Parameters
    ----------
    data : (n_traces, n_samples) array_like
        Traces; converted to float32.
    offsets_m : (n_traces,) array_like
        Source-receiver offsets in metres (the sign is irrelevant).
    velocity_m_s : float, (n_samples,) or (n_traces, n_samples) array_like
        RMS velocity (m/s) as a function of zero-offset time.
    dt_s, t0_s : float
        Sample interval and time of the first sample (s).
    stretch_mute : float
        Maximum relative stretch ``t(x)/t0 - 1`` kept (0.5 = 50 %); larger is
        muted. Use ``np.inf`` to switch the mute off.
    inverse : bool
        Apply inverse NMO (restore the moveout).

    Returns
    -------
    (n_traces, n_samples) float32 ndarray
    """
    d = np.ascontiguousarray(np.asarray(data, dtype=np.float32))
    if d.ndim != 2:
        raise GeoexploreError(f"data must be (n_traces, n_samples), got shape {d.shape}")
    off = np.ascontiguousarray(np.abs(np.asarray(offsets_m, dtype=np.float64)).ravel())
    if off.size != d.shape[0]:
        raise GeoexploreError(f"{off.size} offsets for {d.shape[0]} traces")
    s2, per = _slowness2(velocity_m_s, *d.shape)
    smax = float(stretch_mute) if np.isfinite(stretch_mute) else 1e30
    return _nmo_kernel(d, off, s2, int(per), float(dt_s), float(t0_s), smax, bool(inverse))


def nmo_time(t0_s: Any, offset_m: Any, velocity_m_s: Any) -> np.ndarray:
    """Hyperbolic reflection time ``sqrt(t0**2 + x**2 / v**2)`` (s), broadcast."""
    t0 = np.asarray(t0_s, float)
    return np.sqrt(t0 * t0 + (np.asarray(offset_m, float) / np.asarray(velocity_m_s, float)) ** 2)


__all__ = ["nmo_correct", "nmo_time"]
