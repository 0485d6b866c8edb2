"""Workflow fixtures: the slow pipeline and external clusters (the small one and its input folder are in tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def race_steps(monkeypatch):
    """The steps of race_steps.py, registered in this process (the workers import the module themselves).

    The module is executed afresh each time (its steps register on import), since the teardown takes the
    steps out of the registry again: a second test in the same process would otherwise find them gone.
    """
    import importlib
    import os
    import sys

    from geoexplore.pipeline import step as step_module

    monkeypatch.syspath_prepend(os.path.dirname(__file__))
    if "race_steps" in sys.modules:
        importlib.reload(sys.modules["race_steps"])
    else:
        importlib.import_module("race_steps")
    yield
    for name in ("race.tiny", "race.gather", "race.nap", "race.naps"):
        step_module._REGISTRY.pop(name, None)


@pytest.fixture()
def dask_like_a_busy_worker(monkeypatch):
    """A ``dask scheduler`` started in the test as the demo's local cluster runs (every task goes to a worker when
    sent: worker-saturation inf, see pipeline.cluster), and that does not move waiting tasks (work stealing off, as
    when the busy worker cannot answer a steal request in time: its task thread holding the GIL in a long C call)."""
    monkeypatch.setenv("DASK_DISTRIBUTED__SCHEDULER__WORKER_SATURATION", "inf")
    monkeypatch.setenv("DASK_DISTRIBUTED__SCHEDULER__WORK_STEALING", "False")


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
def slow_body() -> str:
    return SLOW


@pytest.fixture(scope="session")
def undisturbed(tmp_path_factory, make_workflow_input, write_wf):
    """The slow workflow run once on a local cluster without disturbance: (workflow path, digests)."""
    from geoexplore.core.store import ProjectStore
    from geoexplore.pipeline.runner import run_workflow

    work = make_workflow_input(tmp_path_factory.mktemp("undisturbed"))
    wf = write_wf(work, SLOW)
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
