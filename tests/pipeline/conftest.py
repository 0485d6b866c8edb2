"""Workflow fixtures: small real pipelines on the Siping model, in a temporary input folder."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def work(tmp_path: Path) -> Path:
    """An input folder with the Siping model and two alternative models (one broken)."""
    return make_work(tmp_path)


def make_work(tmp_path: Path) -> Path:
    inp = tmp_path / "input"
    (inp / "models").mkdir(parents=True)
    shutil.copy(ROOT / "data" / "siping" / "model.yaml", inp / "model.yaml")
    text = (ROOT / "data" / "siping" / "model.yaml").read_text()
    (inp / "models" / "a.yaml").write_text(text)
    (inp / "models" / "b.yaml").write_text(text.replace("dip_deg: 70", "dip_deg: 75"))
    (inp / "models" / "broken.yaml").write_text(text.replace("blocks:", "blocks: [oops"))
    return tmp_path


def write_workflow(tmp: Path, body: str, name: str = "wf.yaml") -> Path:
    p = tmp / name
    p.write_text(textwrap.dedent(body))
    return p


SMALL = """
workflow: small
input_dir: input
line: shallow
run: {retries: 1}
steps:
  - id: model
    step: model.build
  - id: alternatives
    step: model.load
    foreach: {glob: "models/*.yaml"}
  - id: section
    step: model.section
    foreach: {items: [mt, shallow]}
    inputs: {model: model}
    settings: {n_chainage: 201, n_depth: 101}
"""

# several slow-ish steps (a second or so each) so that processes can be killed mid-run
SLOW = """
workflow: slow
input_dir: input
line: shallow
steps:
  - id: model
    step: model.build
""" + "".join(
    f"""
  - id: s{i}
    step: model.section
    foreach: {{items: [mt, shallow]}}
    inputs: {{model: model}}
    settings: {{n_chainage: {121 + i}, n_depth: 81, supersample: 10}}
"""
    for i in range(6)
)


@pytest.fixture()
def small_body() -> str:
    return SMALL


@pytest.fixture()
def slow_body() -> str:
    return SLOW


@pytest.fixture()
def write_wf():
    return write_workflow


@pytest.fixture(scope="session")
def undisturbed(tmp_path_factory):
    """The slow workflow run once on a local cluster without disturbance: (workflow path, digests)."""
    from geoexplore.core.store import ProjectStore
    from geoexplore.pipeline.runner import run_workflow

    work = make_work(tmp_path_factory.mktemp("undisturbed"))
    wf = write_workflow(work, SLOW)
    report = run_workflow(wf, work / "ref", n_workers=2, figures=False, progress=lambda s: None)
    assert report.ok
    return wf, ProjectStore(work / "ref" / "project.h5").digests()


# -- a real external cluster: `dask scheduler` and `dask worker` processes ---------------------------
HERE = Path(__file__).resolve().parent


class ExternalCluster:
    """A `dask scheduler` and its `dask worker` processes (one thread each), started as subprocesses.

    Workers get this worktree and ``tests/pipeline`` (the test step modules) on ``PYTHONPATH``.
    """

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.procs: list = []
        self.workers: list = []
        self.address = ""

    @staticmethod
    def spawn(args: list[str], **kw):
        import subprocess

        return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True, **kw)

    @staticmethod
    def kill(p) -> None:
        import os
        import signal

        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        p.wait(timeout=30)

    def start_scheduler(self) -> str:
        import json
        import sys
        import time

        sched_file = self.tmp / "scheduler.json"
        self.procs.append(self.spawn([str(Path(sys.executable).parent / "dask"), "scheduler", "--host", "127.0.0.1",
                                      "--port", "0", "--no-dashboard", "--scheduler-file", str(sched_file)]))
        t0 = time.time()
        while not sched_file.exists():
            if time.time() - t0 > 60:
                raise AssertionError("timed out waiting for the dask scheduler")
            time.sleep(0.1)
        self.address = json.loads(sched_file.read_text())["address"]
        return self.address

    def worker_command(self, name: str) -> list[str]:
        import sys

        return [str(Path(sys.executable).parent / "dask"), "worker", self.address, "--nthreads", "1", "--nworkers", "1",
                "--host", "127.0.0.1", "--no-dashboard", "--name", name]

    def worker_env(self, **extra: str) -> dict[str, str]:
        import os

        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(HERE), *filter(None, [env.get("PYTHONPATH", "")])])
        env.update(extra)
        return env

    def add_worker(self, name: str, *, prefix: list[str] | None = None, cwd: Path | None = None, wait: bool = True, **env: str):
        p = self.spawn([*(prefix or []), *self.worker_command(name)], env=self.worker_env(**env), cwd=cwd)
        self.procs.append(p)
        self.workers.append(p)
        if wait:
            self.wait_for_workers(len([w for w in self.workers if w.poll() is None]))
        return p

    def wait_for_workers(self, n: int, timeout: float = 90) -> None:
        from distributed import Client

        with Client(self.address, timeout="60s", set_as_default=False) as c:
            c.wait_for_workers(n, timeout=timeout)

    def close(self) -> None:
        for p in reversed(self.procs):
            self.kill(p)


@pytest.fixture()
def external_cluster(tmp_path: Path):
    """A factory-free external cluster: call ``start_scheduler()`` then ``add_worker(name)``; all killed at the end."""
    cl = ExternalCluster(tmp_path)
    try:
        yield cl
    finally:
        cl.close()
