"""Workers on other machines: a worker that cannot see the run's folders stops the run at once, with one line.

A second machine is played by a ``dask worker`` started in its own mount namespace
(``unshare -m``) where a tmpfs hides the folder holding the run's output: there the
path does not exist, or (with an empty folder made under the same name) is another
folder than the client's. The check must name the worker and the path.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from geoexplore.core.errors import WorkflowError
from geoexplore.pipeline.runner import run_workflow

pytestmark = pytest.mark.cluster


def _unshare_works() -> str | None:
    """Why a private mount namespace cannot be made here (None: it can)."""
    if shutil.which("unshare") is None:
        return "no unshare command"
    r = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", "mount -t tmpfs none /mnt"],
                       capture_output=True, text=True)
    return None if r.returncode == 0 else f"unshare -m / mount not permitted here: {r.stderr.strip()}"


def _hidden_worker(cluster, name: str, hide: str, make: str | None = None):
    """A worker in its own mount namespace where ``hide`` is an empty tmpfs (with ``make`` created in it)."""
    script = f'mount -t tmpfs none "{hide}"' + (f' && mkdir -p "{make}"' if make else "") + ' && exec "$@"'
    return cluster.add_worker(name, prefix=["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh"])


@pytest.mark.parametrize("same_name", [False, True], ids=["path-missing", "other-folder-same-name"])
def test_a_worker_that_cannot_see_the_output_folder_stops_the_run(work, small_body, write_wf, external_cluster, same_name):
    why = _unshare_works()
    if why:
        pytest.skip(why)
    wf = write_wf(work, small_body)
    shared = work / "shared"
    out = shared / "out"
    out.mkdir(parents=True)
    external_cluster.start_scheduler()
    external_cluster.add_worker("sees-all")
    _hidden_worker(external_cluster, "elsewhere", str(shared), make=str(out) if same_name else None)
    lines: list[str] = []
    with pytest.raises(WorkflowError) as err:
        run_workflow(wf, out, scheduler=external_cluster.address, progress=lines.append)
    msg = str(err.value)
    assert "\n" not in msg
    assert msg.startswith("worker elsewhere (tcp://127.0.0.1:")
    what = "another folder of that name" if same_name else "does not exist on this worker"
    assert f"cannot see the output folder {out}: {what}" in msg
    assert not (out / "project.h5").exists() and not lines  # stopped before any task


def test_workers_that_see_the_folders_run(work, small_body, write_wf, external_cluster):
    """The same check passes on workers sharing the client's file system (and leaves no mark behind)."""
    wf = write_wf(work, small_body)
    external_cluster.start_scheduler()
    external_cluster.add_worker("w1", wait=False)
    external_cluster.add_worker("w2", wait=False)
    external_cluster.wait_for_workers(2)
    report = run_workflow(wf, work / "out", scheduler=external_cluster.address, figures=False, progress=lambda s: None)
    assert report.counts() == {"done": 5, "failed": 1}  # models/broken.yaml fails on purpose
    assert not list((work / "out").glob(".geoexplore-visible*"))


def test_the_cli_names_the_worker_in_one_line(work, small_body, write_wf, external_cluster):
    why = _unshare_works()
    if why:
        pytest.skip(why)
    import sys
    from pathlib import Path

    wf = write_wf(work, small_body)
    out = work / "shared" / "out"
    out.mkdir(parents=True)
    external_cluster.start_scheduler()
    _hidden_worker(external_cluster, "elsewhere", str(work / "shared"))
    r = subprocess.run([str(Path(sys.executable).parent / "geoexplore"), "run", str(wf), "--out", str(out),
                        "--scheduler", external_cluster.address], capture_output=True, text=True, timeout=300,
                       env=external_cluster.worker_env())
    assert r.returncode != 0
    err = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(err) == 1 and "worker elsewhere" in err[0] and str(out) in err[0], r.stderr
    assert "Traceback" not in r.stderr
