"""Out-of-core processing: SEG-Y files four times larger than a Dask worker's memory limit.

The files are SYNTHETIC, written into tmp by geoexplore's own SEG-Y writer from a Dask array (never
whole in memory): trace i is a_i sin(2 pi 37 n / 4000), whole periods, so its RMS is |a_i| / sqrt 2
and its peak is exactly a_i (the sine reaches 1 at a sample since 37 and 4000 are coprime).

* ``test_segy_four_times_the_worker_memory``: ``io.read(path, lazy=True)`` with Dask's default
  configuration sizes its chunks from the memory limit of the cluster's worker; the RMS of every
  trace is computed on one real worker process whose nanny kills it at 95 % of ``memory_limit``.
* ``test_trace_qc_workflow*``: the ``seismic.trace_qc`` step run by ``geoexplore run`` against a
  local cluster with one small worker: per-trace statistics and dead traces, exact.

Each test checks the worker survived (same process before and after, peak RSS under the limit).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from geoexplore.seismic.io.tracefile import WORKER_MEMORY_FRACTION

pytestmark = pytest.mark.cluster
BIN = Path(sys.executable).parent

NS = 4000  # samples per trace (4 s at 1 ms): a trace is 16 kB of float32 + 240 bytes of header
CYCLES = 37  # whole periods per trace


def _amplitude(i: np.ndarray) -> np.ndarray:
    return 1.0 + (i % 97) * 0.25


def _dead(i: np.ndarray) -> np.ndarray:
    """Traces written as zeros (the QC workflow's files)."""
    return i % 1000 == 500


def _with_nan(i: np.ndarray) -> np.ndarray:
    """Traces with one NaN sample, at sample i % NS (the QC workflow's files)."""
    return i % 1000 == 250


def _write_big_segy(path, n_traces: int, qc: bool = False, format: str = "segy") -> None:  # noqa: A002
    import dask.array as da

    from geoexplore.seismic.gather import make_gather
    from geoexplore.seismic.io import write

    phase = np.sin(2 * np.pi * CYCLES * np.arange(NS) / NS).astype(np.float32)

    def block(block_info=None):
        (i0, i1), _ = block_info[None]["array-location"]
        i = np.arange(i0, i1)
        out = (_amplitude(i)[:, None] * phase[None, :]).astype(np.float32)
        if qc:
            out[_dead(i)] = 0.0
            rows = np.flatnonzero(_with_nan(i))
            out[rows, i[rows] % NS] = np.nan
        return out

    data = da.map_blocks(block, chunks=((512,) * (n_traces // 512) + ((n_traces % 512,) if n_traces % 512 else ()), (NS,)),
                         dtype=np.float32)
    gather = make_gather(data, 0.001, headers={"offset_m": np.zeros(n_traces), "fldr": np.arange(n_traces) // 100 + 1,
                                               "tracf": np.arange(n_traces) % 100 + 1})
    text = {"textual_header": "SYNTHETIC TEST FILE: a_i sin(2 pi 37 n / 4000)"} if format == "segy" else {}
    write(gather, path, format=format, **text)


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

    with local_cluster(1, memory_limit=memory_limit) as cluster, Client(cluster) as client:
        pid_before = client.run(os.getpid)
        base_rss = max(client.run(rss).values())
        gather = read(path, lazy=True)  # default Dask config: the reader sizes chunks from the worker's limit
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
    try:
        rms, info = _rms_on_a_small_worker(path, memory_limit)
    finally:  # up to 2 GB: never left in the temporary folder, pass or fail
        path.unlink()
    print(f"SEG-Y {size / 1e6:.0f} MB, worker limit {info['limit'] / 1e6:.0f} MB, peak worker RSS "
          f"{info['peak_rss'] / 1e6:.0f} MB in {info['n_samples']} samples (at start {info['base_rss'] / 1e6:.0f} MB), "
          f"{len(info['chunks'])} chunks")
    assert size >= factor * info["limit"], (size, info["limit"])
    assert max(info["chunks"]) * NS * 4 <= info["limit"] / WORKER_MEMORY_FRACTION  # sized from the worker's limit
    assert info["pid_before"] == info["pid_after"], "the worker was killed and restarted"
    assert info["n_samples"] >= 5 and info["peak_rss"] < info["limit"]
    expected = _amplitude(np.arange(n_traces)) / np.sqrt(2.0)
    np.testing.assert_allclose(rms, expected, rtol=2e-6)


def test_segy_four_times_the_worker_memory(tmp_path):
    """800 MB SEG-Y through a 200 MB worker."""
    _check(tmp_path, n_traces=50_000, memory_limit="200MB", factor=4.0)


@pytest.mark.slow
def test_segy_ten_times_the_worker_memory(tmp_path):
    """2 GB SEG-Y through a 200 MB worker."""
    _check(tmp_path, n_traces=125_000, memory_limit="200MB", factor=10.0)


# -- the seismic.trace_qc step through `geoexplore run` --------------------------------------------
# a worker that has run a geoexplore step holds about 170 MB before any data (xarray, h5py, Dask arrays, the
# step registry); its nanny pauses it at 80 % of the limit and kills it at 95 %: 300 MB leaves room for the chunks
QC_WORKER = "300MB"
QC_WORKFLOW = """
workflow: trace-qc
input_dir: input
line: shallow
steps:
  - id: qc
    step: seismic.trace_qc
    foreach: {glob: "line*"}
"""


def _rss() -> int:
    import psutil

    return psutil.Process().memory_info().rss


def _run_qc_workflow(tmp_path, files: dict[str, int], memory_limit: str) -> tuple[dict, dict]:
    """Write the files (name -> n_traces; SEG-Y, SU or SEG-2 by extension), run the QC workflow on a cluster of one worker."""
    from distributed import Client

    from geoexplore.core.store import ProjectStore
    from geoexplore.pipeline.runner import local_cluster

    inp = tmp_path / "input"
    inp.mkdir()
    for name, n in files.items():
        _write_big_segy(inp / name, n, qc=True, format=Path(name).suffix.lstrip(".").replace("sgy", "segy"))
    wf = tmp_path / "wf.yaml"
    wf.write_text(textwrap.dedent(QC_WORKFLOW))
    out = tmp_path / "out"
    with local_cluster(1, memory_limit=memory_limit) as cluster, Client(cluster) as client:
        pid_before, base = client.run(os.getpid), max(client.run(_rss).values())
        t0 = time.perf_counter()
        cli = subprocess.Popen([str(BIN / "geoexplore"), "run", str(wf), "--out", str(out), "--scheduler",
                                cluster.scheduler_address, "--no-figures"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        samples = []
        while cli.poll() is None:  # the worker's resident memory while it works (the nanny samples it too)
            samples += client.run(_rss).values()
            time.sleep(0.05)
        output = cli.communicate()[0]
        elapsed = time.perf_counter() - t0
        pid_after = client.run(os.getpid)
        limit = next(iter(client.scheduler_info()["workers"].values()))["memory_limit"]
    assert cli.returncode == 0, output
    store = ProjectStore(out / "project.h5")
    results = {name: store.read(next(k for k in store.keys("seismic") if k.endswith("/" + Path(name).stem)))
               for name in files}
    info = {"pid_before": pid_before, "pid_after": pid_after, "peak_rss": max(samples), "n_samples": len(samples),
            "base_rss": base, "limit": limit, "elapsed_s": elapsed,
            "sizes": {name: (inp / name).stat().st_size for name in files}}
    print(f"trace_qc: files {', '.join(f'{k} {v / 1e6:.0f} MB' for k, v in info['sizes'].items())}, worker limit "
          f"{limit / 1e6:.0f} MB, peak worker RSS {info['peak_rss'] / 1e6:.0f} MB in {len(samples)} samples (at start "
          f"{base / 1e6:.0f} MB), {', '.join(str(r.attrs['n_chunks']) for r in results.values())} chunks, "
          f"run {elapsed:.1f} s")
    assert info["pid_before"] == info["pid_after"], "the worker was killed and restarted"
    assert info["n_samples"] >= 5 and info["peak_rss"] < limit
    return results, info


def _check_qc(qc, n_traces: int) -> None:
    """The step's statistics against the analytic values of the written traces (exact where they are exact)."""
    i = np.arange(n_traces)
    a = _amplitude(i)
    dead, nan = _dead(i), _with_nan(i)
    normal = ~dead & ~nan
    assert qc.sizes["trace"] == n_traces and qc.attrs["n_traces"] == n_traces
    np.testing.assert_array_equal(qc["dead"].values.astype(bool), dead | nan)
    assert qc.attrs["n_dead"] == int((dead | nan).sum())
    np.testing.assert_array_equal(qc["n_nonfinite"].values, nan.astype(int))
    # peak: the sine is exactly 1 at sample 1000 (37 n = 1000 mod 4000); a_i is exact in float32
    np.testing.assert_array_equal(qc["peak_abs"].values, np.where(dead, 0.0, a))
    np.testing.assert_allclose(qc["rms"].values[normal], a[normal] / np.sqrt(2.0), rtol=2e-6)
    np.testing.assert_array_equal(qc["rms"].values[dead], 0.0)
    k = i[nan] % NS  # one sample missing: sum of squares a^2 NS / 2 less that sample's square, over NS - 1
    lost = (a[nan] * np.sin(2 * np.pi * CYCLES * k / NS)) ** 2
    np.testing.assert_allclose(qc["rms"].values[nan], np.sqrt((a[nan] ** 2 * NS / 2 - lost) / (NS - 1)), rtol=2e-6)
    assert np.all(np.abs(qc["mean"].values[normal]) < 1e-6 * a[normal])
    np.testing.assert_array_equal(qc["ffid"].values, i // 100 + 1)
    np.testing.assert_array_equal(qc["channel"].values, i % 100 + 1)
    assert qc.attrs["n_chunks"] > 1, "the file should have been read in chunks"


def test_trace_qc_workflow_small(tmp_path):
    """Default run: the trace_qc step through `geoexplore run` on a 300 MB worker, a 40 MB SEG-Y, 20 MB SU and 16 MB SEG-2 file."""
    files = {"line1.sgy": 2_500, "line2.su": 1_250, "line3.seg2": 1_000}
    results, info = _run_qc_workflow(tmp_path, files, QC_WORKER)
    for name, qc in results.items():
        _check_qc(qc, files[name])
        assert qc.attrs["n_chunks"] >= info["sizes"][name] / (info["limit"] / WORKER_MEMORY_FRACTION) - 1
    assert results["line1.sgy"].attrs["synthetic"] == 1 and results["line2.su"].attrs["format"] == "su"


def test_trace_qc_workflow_four_times_the_worker_memory(tmp_path):
    """The trace_qc step through `geoexplore run`: a 1.2 GB SEG-Y on a 300 MB worker."""
    try:
        results, info = _run_qc_workflow(tmp_path, {"line1.sgy": 75_000}, QC_WORKER)
    finally:  # 1.2 GB: do not leave it in the temporary folder for the rest of the session
        (tmp_path / "input" / "line1.sgy").unlink(missing_ok=True)
    assert info["sizes"]["line1.sgy"] >= 4 * info["limit"]
    _check_qc(results["line1.sgy"], 75_000)


@pytest.mark.parametrize("name", ["f3.sgy", "oz-ozdata16.su", "wghs-shot1.seg2"])
def test_trace_statistics_in_chunks_equal_numpy_on_real_files(shared_data, name):
    """Chunk by chunk (a handful of traces a chunk) equals NumPy on the whole real file; dead as filters.dead_traces."""
    import dask

    from geoexplore.seismic import io
    from geoexplore.seismic.reflection import filters, flow

    path = shared_data / "seismic" / name
    whole = io.read(path)
    d = whole["data"].values.astype(np.float64)
    with dask.config.set({"array.chunk-size": f"{8 * d.shape[1] * 4}B"}):  # 8 traces a chunk
        qc = flow.trace_statistics(io.read(path, lazy=True))
    assert qc.attrs["n_chunks"] >= d.shape[0] // 8
    np.testing.assert_allclose(qc["rms"].values, np.sqrt(np.mean(d**2, axis=1)), rtol=1e-12)
    np.testing.assert_array_equal(qc["peak_abs"].values, np.abs(d).max(axis=1))
    np.testing.assert_allclose(qc["mean"].values, d.mean(axis=1), rtol=1e-12, atol=1e-12 * np.abs(d).max())
    np.testing.assert_array_equal(qc["dead"].values, filters.dead_traces(d))
    assert qc.attrs["n_dead"] == int(filters.dead_traces(d).sum())


def test_lazy_chunks_follow_the_worker_memory_limit(shared_data):
    """SEG-Y, SU and SEG-2 read lazily in a worker (or in its default client) get chunks of limit / 32 bytes of traces."""
    import dask
    from distributed import Client, LocalCluster

    from geoexplore.seismic.io import read, scan

    files = [shared_data / "seismic" / n for n in ("f3.sgy", "oz-ozdata16.su", "wghs-shot1.seg2")]
    limit = 1_000_000  # an in-process worker that never pauses: only its limit matters here, not its memory

    def chunk_rows(path):
        return read(path, lazy=True)["data"].data.chunks[0]

    cfg = {"distributed.worker.memory.pause": False, "distributed.worker.memory.spill": False,
           "distributed.worker.memory.target": False}
    with dask.config.set(cfg), LocalCluster(n_workers=1, threads_per_worker=1, processes=False, memory_limit=limit,
                                            dashboard_address="127.0.0.1:0") as cluster, \
            Client(cluster) as client:
        for path in files:
            ns, n = scan(path)["n_samples"], scan(path)["n_traces"]
            per = max(1, limit // WORKER_MEMORY_FRACTION // (4 * ns))
            assert per < n, "the file should span several chunks"
            expected = (per,) * (n // per) + ((n % per,) if n % per else ())
            assert client.submit(chunk_rows, path, pure=False).result() == expected, path.name
            assert chunk_rows(path) == expected, path.name  # in the client: the smallest worker's limit
    assert all(chunk_rows(p) == (scan(p)["n_traces"],) for p in files)  # no worker: 64 MiB chunks, one per file
