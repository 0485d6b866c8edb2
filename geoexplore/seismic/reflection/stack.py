"""CMP stacking, fused with NMO for speed.

:func:`nmo_stack` NMO-corrects and sums every trace into its CMP bin in one
pass over the data (numba, parallel over CMPs), never materialising the
NMO-corrected gathers. Each output sample is divided by the number of live
(unmuted, non-zero-weight) traces that contributed to it, so the stretch
mute does not bias the amplitude of shallow samples.
"""

from __future__ import annotations

from typing import Any

import numba as nb
import numpy as np

from geoexplore.core.errors import GeoexploreError


@nb.njit(parallel=True, cache=True, fastmath=True)
def _nmo_stack_kernel(data, offsets, order, starts, slow2, dt, t0, smax, normalize):  # pragma: no cover
    ncmp = starts.size - 1
    ns = data.shape[1]
    stack = np.zeros((ncmp, ns), dtype=np.float32)
    fold = np.zeros((ncmp, ns), dtype=np.float32)
    idt = 1.0 / dt
    tt = np.empty(ns)
    tt2 = np.empty(ns)
    for i in range(ns):
        tt[i] = t0 + i * dt
        tt2[i] = tt[i] * tt[i]
    lim = (1.0 + smax) * (1.0 + smax)
    end = ns - 1.0  # int(f) >= ns - 1, for f >= 0
    for c in nb.prange(ncmp):
        acc = np.zeros(ns, dtype=np.float32)
        live = np.zeros(ns + 1, dtype=np.int32)  # +1 where a trace's live span starts, -1 past its end
        ff = np.empty(ns)
        s2 = slow2[c]
        for m in range(starts[c], starts[c + 1]):
            k = order[m]
            x2 = offsets[k] * offsets[k]
            row = data[k]
            # the first live sample (stretch within the mute), as a min-reduction that vectorises
            i0 = 0
            if x2 > 0.0:
                i0 = ns
                for i in range(ns):
                    dead = tt[i] <= 0.0 or tt2[i] + x2 * s2[i] > lim * tt2[i]
                    i0 = min(i0, ns if dead else i)
            # 1) input sample positions (no gathers, no exits: the square roots vectorise) and the end of the
            #    live span, the first position past the last sample pair (a min-reduction, vectorises too)
            i1 = ns
            for i in range(i0, ns):
                f = (np.sqrt(tt2[i] + x2 * s2[i]) - t0) * idt
                ff[i] = f
                i1 = min(i1, i if f >= end else ns)
            # 2) interpolate and sum, branch-free
            for i in range(i0, i1):
                f = ff[i]
                j = int(f)
                w = np.float32(f - j)
                acc[i] += row[j] + w * (row[j + 1] - row[j])
            if i1 > i0:
                live[i0] += 1
                live[i1] -= 1
        n = 0
        for i in range(ns):
            n += live[i]
            fold[c, i] = n
            if normalize and n > 0:
                stack[c, i] = acc[i] / n
            else:
                stack[c, i] = acc[i]
    return stack, fold


def _bins(cmp_index: np.ndarray, n_cmp: int | None) -> tuple[np.ndarray, np.ndarray, int]:
    idx = np.asarray(cmp_index).astype(np.int64).ravel()
    if idx.size and idx.min() < 0:
        raise GeoexploreError("CMP indices must be >= 0 (use -1 only after removing dead traces)")
    n = int(idx.max()) + 1 if n_cmp is None and idx.size else int(n_cmp or 0)
    order = np.argsort(idx, kind="stable")
    starts = np.searchsorted(idx[order], np.arange(n + 1))
    return order.astype(np.int64), starts.astype(np.int64), n


def nmo_stack(
    data: Any,
    offsets_m: Any,
    cmp_index: Any,
    velocity_m_s: Any,
    dt_s: float,
    *,
    t0_s: float = 0.0,
    stretch_mute: float = 0.5,
    n_cmp: int | None = None,
    normalize: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """NMO-correct and stack traces into CMP bins.

    Parameters
    ----------
    data : (n_traces, n_samples) array_like
        Pre-stack traces in any order; float32 is used.
    offsets_m : (n_traces,) array_like
        Source-receiver offsets (m).
    cmp_index : (n_traces,) int array_like
        0-based CMP bin of each trace (0 .. n_cmp-1).
    velocity_m_s : float, (n_samples,) or (n_cmp, n_samples) array_like
        RMS velocity (m/s) per zero-offset time, one function for all bins
        or one per bin.
    dt_s, t0_s : float
        Sample interval and first-sample time (s).
    stretch_mute : float
        Maximum relative NMO stretch kept.
    n_cmp : int, optional
        Number of bins (default ``max(cmp_index) + 1``).
    normalize : bool
        Divide by the live fold of each sample (default) or return plain sums.

    Returns
    -------
    stack : (n_cmp, n_samples) float32 ndarray
    fold : (n_cmp, n_samples) float32 ndarray
        Number of live traces summed in each output sample.
    """
    d = np.asarray(data, dtype=np.float32)
    if d.ndim != 2:
        raise GeoexploreError(f"data must be (n_traces, n_samples), got shape {d.shape}")
    if not d.flags.c_contiguous:
        d = np.ascontiguousarray(d)
    off = np.ascontiguousarray(np.abs(np.asarray(offsets_m, dtype=np.float64)).ravel())
    if off.size != d.shape[0]:
        raise GeoexploreError(f"{off.size} offsets for {d.shape[0]} traces")
    order, starts, n = _bins(np.asarray(cmp_index), n_cmp)
    if order.size != d.shape[0]:
        raise GeoexploreError(f"{order.size} CMP indices for {d.shape[0]} traces")
    v = np.asarray(velocity_m_s, dtype=np.float64)
    if v.ndim == 0:
        v = np.full(d.shape[1], float(v))
    if v.ndim == 1:
        v = np.broadcast_to(v, (n, d.shape[1]))
    if v.shape != (n, d.shape[1]):
        raise GeoexploreError(f"velocity shape {v.shape}, expected ({n}, {d.shape[1]})")
    if not np.all(np.isfinite(v)) or np.any(v <= 0):
        raise GeoexploreError("stacking velocities must be finite and positive")
    s2 = np.ascontiguousarray(1.0 / (v * v))
    smax = float(stretch_mute) if np.isfinite(stretch_mute) else 1e30
    return _nmo_stack_kernel(d, off, order, starts, s2, float(dt_s), float(t0_s), smax, bool(normalize))


def cmp_stack(data: Any, cmp_index: Any, *, n_cmp: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Stack already NMO-corrected traces: mean of the non-zero samples per bin.

    Returns ``(stack, fold)``, both (n_cmp, n_samples).
    """
    d = np.asarray(data, dtype=np.float32)
    idx = np.asarray(cmp_index).astype(np.int64)
    n = int(idx.max()) + 1 if n_cmp is None else int(n_cmp)
    s = np.zeros((n, d.shape[1]), np.float64)
    f = np.zeros((n, d.shape[1]), np.float64)
    np.add.at(s, idx, d)
    np.add.at(f, idx, (d != 0).astype(np.float64))
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(f > 0, s / np.maximum(f, 1), 0.0)
    return out.astype(np.float32), f.astype(np.float32)


__all__ = ["cmp_stack", "nmo_stack"]
