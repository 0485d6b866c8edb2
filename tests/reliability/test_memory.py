"""Out-of-core processing: a SEG-Y file four times larger than a Dask worker's memory limit.

The file is written into tmp by geoexplore's own SEG-Y writer from a Dask array (never whole in
memory), read back with ``geoexplore.seismic.io.read(path, lazy=True)`` (memory-mapped Dask array)
with chunks sized by Dask's ``array.chunk-size`` setting (8 MiB here), and reduced trace by trace
(RMS amplitude) on one real worker process whose nanny kills it at 95 %
of ``memory_limit``. The worker must survive (same process before and after, peak RSS under the
limit) and the RMS values must equal the analytic ones (trace i is a_i sin(2 pi k t / T) over whole
periods: RMS = |a_i| / sqrt 2).
"""

from __future__ import annotations

import os
import time

import numpy as np
import pytest

pytestmark = pytest.mark.cluster

NS = 4000  # samples per trace (4 s at 1 ms): a trace is 16 kB of float32 + 240 bytes of header
CYCLES = 37  # whole periods per trace


def _amplitude(i: np.ndarray) -> np.ndarray:
    return 1.0 + (i % 97) * 0.25


def _write_big_segy(path, n_traces: int) -> None:
    import dask.array as da

    from geoexplore.seismic.gather import make_gather
    from geoexplore.seismic.io import write

    phase = np.sin(2 * np.pi * CYCLES * np.arange(NS) / NS).astype(np.float32)

    def block(block_info=None):
        (i0, i1), _ = block_info[None]["array-location"]
        return (_amplitude(np.arange(i0, i1))[:, None] * phase[None, :]).astype(np.float32)

    data = da.map_blocks(block, chunks=((512,) * (n_traces // 512) + ((n_traces % 512,) if n_traces % 512 else ()), (NS,)),
                         dtype=np.float32)
    gather = make_gather(data, 0.001, headers={"offset_m": np.zeros(n_traces), "ffid": np.arange(n_traces) // 100 + 1})
    write(gather, path, format="segy")


def _rms_on_a_small_worker(path, memory_limit: str) -> tuple[np.ndarray, dict]:
    from distributed import Client

    from geoexplore.pipeline.runner import local_cluster
    from geoexplore.seismic.io import read

    def rms_block(x: np.ndarray) -> np.ndarray:
        """RMS of each trace of a chunk, in slices of 256 traces (no chunk-sized temporaries)."""
        out = np.empty(x.shape[0])
        for s in range(0, x.shape[0], 256):
            v = x[s:s + 256].astype(np.float64)
            out[s:s + 256] = np.sqrt(np.einsum("ij,ij->i", v, v) / x.shape[1])
        return out

    def rss() -> int:
        import psutil

        return psutil.Process().memory_info().rss

    with local_cluster(1, memory_limit=memory_limit, dashboard_address=None) as cluster, Client(cluster) as client:
        pid_before = client.run(os.getpid)
        base_rss = max(client.run(rss).values())
        import dask

        with dask.config.set({"array.chunk-size": "8MiB"}):  # chunks sized for a small worker
            gather = read(path, lazy=True)
        data = gather["data"].data
        assert data.npartitions > 4, "the lazy read should give many chunks"
        future = client.compute(data.map_blocks(rms_block, drop_axis=1, dtype=np.float64))
        samples = []
        while not future.done():  # the worker's resident memory while it works (the nanny samples it too)
            samples += client.run(rss).values()
            time.sleep(0.05)
        rms = future.result()
        pid_after = client.run(os.getpid)
        limit = next(iter(client.scheduler_info()["workers"].values()))["memory_limit"]
    return rms, {"pid_before": pid_before, "pid_after": pid_after, "peak_rss": max(samples), "n_samples": len(samples),
                 "base_rss": base_rss, "limit": limit, "chunks": data.chunks[0]}


def _check(tmp_path, n_traces: int, memory_limit: str, factor: float) -> None:
    path = tmp_path / "big.sgy"
    _write_big_segy(path, n_traces)
    size = path.stat().st_size
    rms, info = _rms_on_a_small_worker(path, memory_limit)
    print(f"SEG-Y {size / 1e6:.0f} MB, worker limit {info['limit'] / 1e6:.0f} MB, peak worker RSS "
          f"{info['peak_rss'] / 1e6:.0f} MB in {info['n_samples']} samples (at start {info['base_rss'] / 1e6:.0f} MB), "
          f"{len(info['chunks'])} chunks")
    assert size >= factor * info["limit"], (size, info["limit"])
    assert info["pid_before"] == info["pid_after"], "the worker was killed and restarted"
    assert info["n_samples"] >= 5 and info["peak_rss"] < info["limit"]
    expected = _amplitude(np.arange(n_traces)) / np.sqrt(2.0)
    np.testing.assert_allclose(rms, expected, rtol=2e-6)
    path.unlink()


def test_segy_four_times_the_worker_memory(tmp_path):
    """800 MB SEG-Y through a 200 MB worker."""
    _check(tmp_path, n_traces=50_000, memory_limit="200MB", factor=4.0)


@pytest.mark.slow
def test_segy_ten_times_the_worker_memory(tmp_path):
    """2 GB SEG-Y through a 200 MB worker."""
    _check(tmp_path, n_traces=125_000, memory_limit="200MB", factor=10.0)
