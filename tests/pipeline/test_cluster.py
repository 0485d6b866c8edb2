"""A real external cluster: `dask scheduler` and `dask worker` processes, a worker killed mid-run;
and the CLI killed mid-run then resumed. Results must equal an undisturbed run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from geoexplore.core.store import ProjectStore
from geoexplore.pipeline.runner import open_client

pytestmark = pytest.mark.cluster
BIN = Path(sys.executable).parent


def _spawn(args: list[str], **kw) -> subprocess.Popen:
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True, **kw)


def _killpg(p: subprocess.Popen) -> None:
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    p.wait(timeout=30)


def _wait_for(pred, timeout: float, what: str) -> None:
    t0 = time.time()
    while time.time() - t0 < timeout:
        if pred():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _n_results(out: Path) -> int:
    try:
        return json.loads((out / "run.json").read_text())["counts"].get("done", 0)
    except (FileNotFoundError, json.JSONDecodeError, KeyError):
        return 0


def test_local_cluster_listens_on_loopback_only():
    with open_client(n_workers=2) as c:
        pids = [os.getpid(), *c.run(os.getpid).values()]
        for pid in pids:
            for conn in psutil.Process(pid).net_connections(kind="inet"):
                if conn.status == psutil.CONN_LISTEN:
                    assert conn.laddr.ip in ("127.0.0.1", "::1"), f"pid {pid} listens on {conn.laddr}"


def test_local_workers_keep_glibc_dynamic_mmap_threshold(monkeypatch):
    """Dask's MALLOC_TRIM_THRESHOLD_ is not exported to geoexplore's workers; the rest of Dask's worker environment is."""
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)
    with open_client(n_workers=1) as c:
        env = next(iter(c.run(lambda: dict(os.environ)).values()))
    assert "MALLOC_TRIM_THRESHOLD_" not in env
    assert env.get("OMP_NUM_THREADS") == "1"  # one thread per worker process, as Dask sets it


def test_external_cluster_with_a_worker_killed(undisturbed, tmp_path):
    wf, ref = undisturbed
    sched_file = tmp_path / "scheduler.json"
    procs = [_spawn([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard", "--scheduler-file", str(sched_file)])]
    try:
        _wait_for(sched_file.exists, 60, "the scheduler")
        address = json.loads(sched_file.read_text())["address"]
        workers = [
            _spawn([str(BIN / "dask"), "worker", address, "--nthreads", "1", "--nworkers", "1", "--host", "127.0.0.1", "--no-dashboard"])
            for _ in range(2)
        ]
        procs += workers
        from distributed import Client

        with Client(address, timeout="60s") as c:
            c.wait_for_workers(2, timeout=60)
        out = tmp_path / "out"
        cli = subprocess.Popen(
            [str(BIN / "geoexplore"), "run", str(wf), "--out", str(out), "--scheduler", address, "--no-figures"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        # kill one worker (its whole process group) while tasks run
        _wait_for(lambda: _n_results(out) >= 3 or cli.poll() is not None, 120, "the first results")
        assert cli.poll() is None, "the run finished before a worker could be killed; make the workflow slower"
        _killpg(workers[0])
        output, _ = cli.communicate(timeout=300)
        assert cli.returncode == 0, output
        assert ProjectStore(out / "project.h5").digests() == ref
    finally:
        for p in procs:
            _killpg(p)


# the default run kills after 4 results; the slow run also right at the start and late (1 and 9)
@pytest.mark.parametrize("delay_results", [pytest.param(1, marks=pytest.mark.slow), 4, pytest.param(9, marks=pytest.mark.slow)])
def test_cli_killed_then_resumed(undisturbed, tmp_path, delay_results):
    wf, ref = undisturbed
    out = tmp_path / "out"
    cli = _spawn([str(BIN / "geoexplore"), "run", str(wf), "--out", str(out), "--workers", "2", "--no-figures"])
    try:
        _wait_for(lambda: _n_results(out) >= delay_results or cli.poll() is not None, 120, "results")
        assert cli.poll() is None, "the run finished before it could be killed"
    finally:
        _killpg(cli)  # the CLI and its local cluster, without warning
    store = ProjectStore(out / "project.h5")
    store.check()  # always opens
    done_before = store.digests()
    assert len(done_before) >= delay_results
    r = subprocess.run([str(BIN / "geoexplore"), "run", str(wf), "--out", str(out), "--workers", "2", "--resume", "--no-figures"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    run = json.loads((out / "run.json").read_text())
    reused = {i["key"] for i in run["items"] if i["status"] == "reused"}
    assert reused == set(done_before)  # finished steps are not recomputed
    assert store.digests() == ref
