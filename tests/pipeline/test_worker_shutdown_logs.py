"""A run that fails while a worker is still in a task ends with geoexplore's one-line error only.

CI (2026-12-07) showed Dask's ``Failed to communicate with scheduler during heartbeat.`` and two chained
tracebacks after the CLI's ``geoexplore: ...: write failed`` line: the worker, still in a GIL-holding task
when the run closed the local cluster, sent a heartbeat as the scheduler stopped. Each check runs a fresh
interpreter that opens the local cluster, gives both workers a GIL-holding task, fails and closes the cluster
under them, and reads what the worker processes printed on the shared stderr.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from geoexplore.pipeline.capture import HEARTBEAT_FAILED, DropHeartbeatFailure

ROOT = Path(__file__).resolve().parents[2]

CLOSE_UNDER_TASKS = textwrap.dedent("""
    import sys, time
    from distributed import Client
    from geoexplore.pipeline.cluster import local_cluster

    def hold_the_gil(n):
        return sum(range(n))  # one C call: the worker's event loop waits for it

    if __name__ == "__main__":
        kwargs = {} if sys.argv[1] == "geoexplore" else {"preload": []}
        rounds = int(sys.argv[2])
        for i in range(rounds):
            try:
                with local_cluster(2, **kwargs) as cluster, Client(cluster) as client:
                    futures = client.map(hold_the_gil, [10**8 + k for k in range(4)])
                    time.sleep(0.5)
                    raise RuntimeError("a failed store write")
            except RuntimeError:
                pass
            print("round", i, "closed", file=sys.stderr, flush=True)
            if sys.argv[1] == "control" and HEARTBEAT in open(sys.argv[3]).read():
                break
""")


def _run(tmp_path: Path, mode: str, rounds: int) -> str:
    script = tmp_path / "close_under_tasks.py"
    err = tmp_path / f"{mode}.err"
    script.write_text(f"HEARTBEAT = {HEARTBEAT_FAILED!r}\n" + CLOSE_UNDER_TASKS)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with open(err, "w") as f:
        subprocess.run([sys.executable, str(script), mode, str(rounds), str(err)], stdout=subprocess.DEVNULL,
                       stderr=f, env=env, cwd=tmp_path, timeout=600, check=True)
    return err.read_text()


def test_closing_the_local_cluster_under_running_tasks_prints_no_dask_traceback(tmp_path):
    control = _run(tmp_path, "control", 12)  # without the preload, until the record shows (1-2 rounds here)
    assert HEARTBEAT_FAILED in control, "the scenario did not reproduce Dask's heartbeat record:\n" + control[-2000:]
    err = _run(tmp_path, "geoexplore", 3)
    assert err.count("closed") == 3, err
    assert "Traceback" not in err and HEARTBEAT_FAILED not in err, err


def test_the_filter_drops_only_the_heartbeat_record():
    f = DropHeartbeatFailure()

    def rec(level: int, msg: str) -> logging.LogRecord:
        return logging.LogRecord("distributed.worker", level, __file__, 1, msg, None, None)

    assert not f.filter(rec(logging.ERROR, HEARTBEAT_FAILED))
    assert f.filter(rec(logging.ERROR, "Compute Failed"))
    assert f.filter(rec(logging.WARNING, HEARTBEAT_FAILED))  # not an error: not what Dask logs there, kept
