"""Trace QC of one seismic file in bounded memory: per-trace RMS, peak, mean, non-finite samples, dead traces.

The kernel of the ``seismic.trace_qc`` step (:func:`trace_statistics`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

QC_SLICE_SAMPLES = 1 << 17  # samples per float64 temporary of trace_statistics (1 MiB: stays in cache)


def trace_statistics(gather: xr.Dataset, *, rel_threshold: float = 1e-6, max_ratio: float = 1e3) -> xr.Dataset:
    """Per-trace amplitude statistics of a gather, one chunk of traces in memory at a time.

    A gather read with ``io.read(path, lazy=True)`` (a Dask array whose chunks
    are sized from the worker's memory limit, see
    :func:`geoexplore.seismic.io.tracefile.lazy_chunk_bytes`) is computed
    chunk by chunk with Dask's synchronous scheduler in the calling thread
    (no tasks are sent to the cluster from inside a task), so a file far
    larger than the worker's memory is reduced in bounded memory. An
    in-memory gather is processed the same way.

    Parameters
    ----------
    gather : xarray.Dataset
        A gather (:mod:`geoexplore.seismic.gather`): ``data`` (trace, time_s).
    rel_threshold, max_ratio : float
        The dead/noisy-trace test of :func:`geoexplore.seismic.reflection.filters.dead_traces`.

    Returns
    -------
    xarray.Dataset
        On dimension ``trace``: ``rms`` (RMS of the finite samples; NaN if
        none), ``peak_abs`` (largest absolute finite sample), ``mean``,
        ``n_nonfinite`` (NaN/inf samples) and ``dead`` (bool, the
        ``dead_traces`` test); coordinates ``ffid``, ``channel``, ``offset_m``
        from the headers when present. Attributes ``source_file`` (file
        name), ``format``, ``n_traces``, ``n_samples``, ``dt_s``, ``n_dead``,
        ``rms_all`` (RMS of all finite samples), ``n_chunks``, ``synthetic``.
    """
    from geoexplore.seismic.reflection.filters import dead_from_rms

    data = gather["data"].transpose("trace", "time_s").data
    n, ns = data.shape
    if isinstance(data, np.ndarray):  # in slices of the lazy readers' chunk size
        from geoexplore.seismic.io.tracefile import lazy_chunk_bytes

        bounds = [*range(0, n, max(1, lazy_chunk_bytes() // max(1, data.itemsize * ns))), n]
    else:  # Dask: its chunks of traces
        bounds = [0, *np.cumsum(data.chunks[0]).tolist()]
    sumsq, peak, total, count = (np.zeros(n) for _ in range(4))
    for i0, i1 in zip(bounds[:-1], bounds[1:]):
        block = data[i0:i1]
        if not isinstance(block, np.ndarray):
            block = block.compute(scheduler="sync")
        step = max(1, QC_SLICE_SAMPLES // max(1, ns))
        for s0 in range(0, i1 - i0, step):
            v = np.asarray(block[s0:s0 + step], dtype=np.float64)
            ok = np.isfinite(v)
            v = np.where(ok, v, 0.0)
            r = slice(i0 + s0, i0 + s0 + v.shape[0])
            count[r] = ok.sum(axis=1)
            total[r] = v.sum(axis=1)
            sumsq[r] = np.einsum("ij,ij->i", v, v)
            peak[r] = np.abs(v).max(axis=1) if ns else 0.0
        del block
    live = count > 0
    safe = np.where(live, count, 1.0)
    rms = np.where(live, np.sqrt(sumsq / safe), np.nan)
    mean = np.where(live, total / safe, np.nan)
    n_nonfinite = (ns - count).astype(np.int64)
    dead = dead_from_rms(rms, n_nonfinite > 0, rel_threshold=rel_threshold, max_ratio=max_ratio)
    coords: dict[str, Any] = {"trace": np.arange(n)}
    for name, key in (("ffid", "fldr"), ("channel", "tracf"), ("offset_m", "offset_m")):
        if key in gather.coords and gather[key].dims == ("trace",):
            coords[name] = ("trace", np.asarray(gather[key].values))
    n_all = float(count.sum())
    return xr.Dataset(
        {"rms": ("trace", rms), "peak_abs": ("trace", peak), "mean": ("trace", mean),
         "n_nonfinite": ("trace", n_nonfinite), "dead": ("trace", dead)},
        coords=coords,
        attrs={"source_file": Path(str(gather.attrs.get("source_file", ""))).name,
               "format": str(gather.attrs.get("format", "")), "n_traces": int(n), "n_samples": int(ns),
               "dt_s": float(gather.attrs.get("dt_s", np.nan)), "n_dead": int(dead.sum()),
               "rms_all": float(np.sqrt(sumsq.sum() / n_all)) if n_all else float("nan"),
               "n_chunks": int(len(bounds) - 1),
               "synthetic": int("SYNTHETIC" in str(gather.attrs.get("textual_header", "")).upper())},
    )


__all__ = ["QC_SLICE_SAMPLES", "trace_statistics"]
