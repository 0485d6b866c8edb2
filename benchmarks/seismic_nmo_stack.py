"""Benchmark: NMO + CMP stack of a 60,000-trace, 1,500-sample synthetic.

geoexplore's fused numba kernel (:func:`geoexplore.seismic.reflection.stack.nmo_stack`)
against a straightforward NumPy implementation (per CMP: hyperbolic times,
linear interpolation, stretch mute, mean of the live samples), on the same
data in the same process. Prints traces/s of both and, as the last line, a
JSON object with "name", "ratio", "target", "traces_per_s", timings and the
agreement of the two stacks.

Run: .venv/bin/python benchmarks/seismic_nmo_stack.py [--reps 5] [--threads 1]
"""

from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np

N_CMP, N_OFF, NS, DT = 1000, 60, 1500, 0.001


def make_data(seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    from geoexplore.seismic.reflection.modelling import hyperbolic_gathers
    from geoexplore.seismic.reflection.velocity import vrms_function

    offsets = np.arange(1, N_OFF + 1) * 25.0
    t0 = np.array([0.2, 0.45, 0.8, 1.1, 1.35])
    v = np.array([1800.0, 2100.0, 2500.0, 2800.0, 3100.0])
    g = hyperbolic_gathers(offsets, t0, v, NS, DT, freq_hz=30.0).astype(np.float32)
    rng = np.random.default_rng(seed)
    data = np.tile(g, (N_CMP, 1))
    data += (0.05 * rng.standard_normal(data.shape[1])).astype(np.float32)  # cheap: one noise row, broadcast
    off = np.tile(offsets, N_CMP)
    cmp = np.repeat(np.arange(N_CMP), N_OFF)
    # traces arrive in shot order, not CMP order: shuffle
    perm = rng.permutation(data.shape[0])
    t = np.arange(NS) * DT
    vel = vrms_function(t0, v, t)[None, :] * (1 + 0.02 * np.sin(np.arange(N_CMP) / 50.0))[:, None]
    return np.ascontiguousarray(data[perm]), off[perm], cmp[perm], vel


def numpy_nmo_stack(data, off, cmp, vel, stretch=0.5):
    """Straightforward NumPy: loop over CMPs, vectorised over the traces and samples of each."""
    n_cmp, ns = vel.shape
    t = np.arange(ns) * DT
    out = np.zeros((n_cmp, ns), np.float32)
    order = np.argsort(cmp, kind="stable")
    bounds = np.searchsorted(cmp[order], np.arange(n_cmp + 1))
    for c in range(n_cmp):
        idx = order[bounds[c]: bounds[c + 1]]
        if idx.size == 0:
            continue
        x = off[idx][:, None]
        tx = np.sqrt(t[None, :] ** 2 + x**2 / vel[c][None, :] ** 2)
        live = ~((x > 0) & ((t[None, :] <= 0) | (tx > (1 + stretch) * t[None, :])))
        f = tx / DT
        j = np.floor(f).astype(np.int64)
        ok = live & (j >= 0) & (j < ns - 1)
        j = np.clip(j, 0, ns - 2)
        w = f - j
        d = data[idx]
        a = (1 - w) * np.take_along_axis(d, j, axis=1) + w * np.take_along_axis(d, j + 1, axis=1)
        a = np.where(ok, a, 0.0)
        n = ok.sum(axis=0)
        out[c] = np.where(n > 0, a.sum(axis=0) / np.maximum(n, 1), 0.0)
    return out


def main() -> None:
    from geoexplore.seismic.reflection.stack import nmo_stack

    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--threads", type=int, default=1, help="numba/BLAS threads (default 1: single-threaded, as the NumPy reference)")
    ap.add_argument("--numpy-cmps", type=int, default=100, help="CMPs the NumPy reference runs on (its speed is per trace)")
    a = ap.parse_args()
    import numba
    from threadpoolctl import threadpool_limits

    numba.set_num_threads(min(a.threads, numba.config.NUMBA_NUM_THREADS))
    with threadpool_limits(a.threads):
        _run(a, nmo_stack)


def _run(a: argparse.Namespace, nmo_stack) -> None:
    t_a = time.perf_counter()
    data, off, cmp, vel = make_data()
    print(f"data: {data.shape[0]} traces x {data.shape[1]} samples ({data.nbytes / 1e6:.0f} MB float32), built in {time.perf_counter() - t_a:.1f} s")
    nmo_stack(data[:100], off[:100], cmp[:100], vel, DT, n_cmp=N_CMP)  # compile (cached on disk after the first run)
    times, cpu = [], []
    for _ in range(a.reps):
        t1, c1 = time.perf_counter(), time.process_time()
        st, fold = nmo_stack(data, off, cmp, vel, DT, stretch_mute=0.5, n_cmp=N_CMP)
        times.append(time.perf_counter() - t1)
        cpu.append(time.process_time() - c1)
    ours = data.shape[0] / min(times)
    # NumPy reference on a subset of CMPs (all their traces)
    sub = np.flatnonzero(cmp < a.numpy_cmps)
    ntimes, ncpu = [], []
    for _ in range(max(1, a.reps // 2)):
        t1, c1 = time.perf_counter(), time.process_time()
        ref = numpy_nmo_stack(data[sub], off[sub], cmp[sub], vel[: a.numpy_cmps])
        ntimes.append(time.perf_counter() - t1)
        ncpu.append(time.process_time() - c1)
    theirs = sub.size / min(ntimes)
    diff = float(np.max(np.abs(ref - st[: a.numpy_cmps])) / np.max(np.abs(ref)))
    # accuracy: the stack peaks at the true t0 of each reflector
    pk = [abs(int(np.argmax(st[0, int(t0 / DT) - 20: int(t0 / DT) + 21])) - 20) for t0 in (0.2, 0.45, 0.8, 1.1, 1.35)]
    print(f"geoexplore nmo_stack: {ours:,.0f} traces/s (best of {a.reps}: {min(times):.3f} s, median {np.median(times):.3f} s)")
    print(f"NumPy reference:      {theirs:,.0f} traces/s ({sub.size} traces in {min(ntimes):.3f} s)")
    print(f"CPU time per run: geoexplore {min(cpu):.3f} s ({data.shape[0] / min(cpu):,.0f} traces per CPU-second), "
          f"NumPy {min(ncpu):.3f} s for {sub.size} traces; 1-min load average {os.getloadavg()[0]:.1f}")
    print(f"ratio {ours / theirs:.1f}x; max relative difference of the stacks {diff:.2e}; peak error {max(pk)} samples")
    print(json.dumps({
        "name": "seismic_nmo_stack", "ratio": round(ours / theirs, 2), "target": 300000, "target_unit": "traces/s",
        "traces_per_s": round(ours), "numpy_traces_per_s": round(theirs), "n_traces": int(data.shape[0]),
        "n_samples": int(data.shape[1]), "geoexplore_best_s": round(min(times), 4),
        "geoexplore_median_s": round(float(np.median(times)), 4), "numpy_best_s": round(min(ntimes), 4),
        "numpy_traces": int(sub.size), "max_rel_diff": diff,
        "geoexplore_cpu_s": round(min(cpu), 4), "numpy_cpu_s": round(min(ncpu), 4),
        "traces_per_cpu_s": round(data.shape[0] / min(cpu)), "numpy_traces_per_cpu_s": round(sub.size / min(ncpu)), "peak_error_samples": int(max(pk)),
        "threads": a.threads, "load_avg_1min": os.getloadavg()[0],
    }))


if __name__ == "__main__":
    main()
