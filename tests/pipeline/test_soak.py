"""Soak: the demo workflow again and again on an external cluster, a worker killed at a random moment in half the runs.

A ``dask scheduler`` and two ``dask worker --nthreads 1`` processes are started here; the
demo (``geoexplore demo --scheduler ...``, the whole Siping workflow with its figures) runs
``GEOEXPLORE_SOAK_RUNS`` times (10 by default) in fresh output folders. Run 0 is the clean
reference. In every odd run one worker (its whole process group) is killed with SIGKILL at a
random moment between 5 % and 80 % of the clean run's wall time, and a new worker is started in
its place. Every run must end with exit status 0, every item ``done`` (Dask reruns the tasks of
the lost worker; ``run.retries`` covers the rest), and the same stored results as the clean run
(content digests, key by key).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from geoexplore.core.store import ProjectStore

# each run of the demo takes about 300 s on an idle machine, many times that on a loaded one
pytestmark = [pytest.mark.cluster, pytest.mark.slow,
              pytest.mark.timeout(int(os.environ.get("GEOEXPLORE_SOAK_TIMEOUT_S", str(8 * 3600))))]
ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _demo(out: Path, address: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen([str(BIN / "geoexplore"), "demo", "--out", str(out), "--scheduler", address],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)


def _what_differs(a: Path, b: Path, keys: list[str], limit: int = 40) -> list[str]:
    """For results whose digests differ: which variables (max |difference|) and attributes differ."""
    import numpy as np

    sa, sb = ProjectStore(a), ProjectStore(b)
    out = []
    for key in keys:
        try:
            ra, rb = sa.read(key), sb.read(key)
        except Exception as exc:  # noqa: BLE001 - a result missing on one side is itself the finding
            out.append(f"{key}: {type(exc).__name__}: {exc}")
            continue
        pairs = [(n, ra[n], rb.get(n)) for n in sorted(ra)] if isinstance(ra, dict) else [("", ra, rb)]
        for name, x, y in pairs:
            if y is None:
                out.append(f"{key} {name}: missing in the second run")
                continue
            for v in sorted(set(x.variables) | set(y.variables), key=str):
                if v not in x.variables or v not in y.variables:
                    out.append(f"{key} {name} {v}: in one run only")
                    continue
                u, w = np.asarray(x[v].values), np.asarray(y[v].values)
                if u.shape != w.shape:
                    out.append(f"{key} {name} {v}: shapes {u.shape} / {w.shape}")
                elif u.dtype.kind in "fc":
                    d = np.abs(u - w)
                    if np.any(d[np.isfinite(d)] > 0) or not np.array_equal(np.isnan(u), np.isnan(w)):
                        out.append(f"{key} {name} {v}: max |difference| {np.nanmax(d):.3e}")
                elif not np.array_equal(u, w):
                    out.append(f"{key} {name} {v}: values differ")
            for at in sorted(set(x.attrs) | set(y.attrs)):
                if str(x.attrs.get(at)) != str(y.attrs.get(at)):
                    out.append(f"{key} {name} attribute {at}: {str(x.attrs.get(at))[:120]} / {str(y.attrs.get(at))[:120]}")
    return out[:limit]


def test_demo_soak_with_workers_killed(tmp_path, external_cluster):
    n_runs = int(os.environ.get("GEOEXPLORE_SOAK_RUNS", "10"))
    rng = random.Random(int(os.environ.get("GEOEXPLORE_SOAK_SEED", "23")))
    external_cluster.start_scheduler()
    external_cluster.add_worker("w0", wait=False)
    external_cluster.add_worker("w1", wait=False)
    external_cluster.wait_for_workers(2)
    reference: dict[str, str] = {}
    clean_s = 0.0
    log = []
    for k in range(n_runs):
        out = tmp_path / f"run{k}"
        t0 = time.monotonic()
        cli = _demo(out, external_cluster.address)
        killed_at = None
        if k % 2 == 1:
            wait = rng.uniform(0.05, 0.8) * clean_s
            try:
                cli.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                victim = rng.choice([w for w in external_cluster.workers if w.poll() is None])
                external_cluster.kill(victim)
                killed_at = time.monotonic() - t0
                external_cluster.workers.remove(victim)
                external_cluster.add_worker(f"w{k}-new", wait=False)  # the next runs have two workers again
        output, _ = cli.communicate(timeout=4 * 3600)
        elapsed = time.monotonic() - t0
        if k == 0:
            clean_s = elapsed
        run = json.loads((out / "run.json").read_text())
        digests = ProjectStore(out / "project.h5").digests()
        if k == 0:
            reference = digests
        differ = sorted(key for key in set(reference) | set(digests) if reference.get(key) != digests.get(key))
        log.append(f"run {k}: {elapsed:.0f} s, worker killed at {killed_at:.0f} s" if killed_at else f"run {k}: {elapsed:.0f} s")
        print(log[-1], run["counts"], f"{len(differ)} results differ from run 0")
        assert cli.returncode == 0, f"run {k}: exit {cli.returncode}\n{output[-3000:]}"
        assert set(run["counts"]) == {"done"}, f"run {k}: {run['counts']}: {[f['key'] + ': ' + str(f['error']) for f in run['failed']]}"
        if differ:
            detail = "\n".join(_what_differs(tmp_path / "run0" / "project.h5", out / "project.h5", differ))
            print(detail)
        assert not differ, f"run {k}: {len(differ)} results differ from the clean run, e.g. {differ[:5]}\n{detail}"
        external_cluster.wait_for_workers(2)
    print("\n".join(log))
