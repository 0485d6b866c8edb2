"""Interrupted runs lose nothing: the CLI killed at random moments, a full disk, an unwritable output.

Complements tests/pipeline/test_cluster.py (a Dask worker killed; the CLI killed after 1, 4 and 9
results) and tests/core/test_store.py (SIGKILL during store writes): here the CLI is killed again
and again on the same output folder, each time resumed: once a random number of further results
is stored (so every resumed run has stored results to keep), or in the slow test also at random
*times* (during start-up, cluster start, steps and store writes); and writes fail with EFBIG (``RLIMIT_FSIZE``: the file-size
limit a full disk or a quota produces) in a child ``geoexplore run``.

After every interruption: the store opens, ``run.json`` is valid JSON with ``finished_utc`` unset,
nothing in the output folder looks like a finished result except the store itself (temporary files
end in ``.tmp``), every item ``run.json`` calls done is in the store; in the end ``--resume``
finishes without recomputing stored results and the store equals an uninterrupted run's.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from geoexplore.core.store import ProjectStore

pytestmark = pytest.mark.cluster
ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
GEOEXPLORE = str(BIN / "geoexplore")

# a model plus 5 section steps of about a second each (fanned out over 2 lines)
WORKFLOW = """\
workflow: interrupted
input_dir: input
line: shallow
steps:
  - id: model
    step: model.build
""" + "".join(
    f"""  - id: s{i}
    step: model.section
    foreach: {{items: [mt, shallow]}}
    inputs: {{model: model}}
    settings: {{n_chainage: {121 + i}, n_depth: 61, supersample: 4}}
"""
    for i in range(5)
)
# and older generations project.h5.prev-<time>; index.html is the run page, written after every run, failed ones too
EXPECTED_FILES = {"project.h5", "project.h5.prev", "run.json", "figures", "index.html"}


def _killpg(p: subprocess.Popen) -> None:
    try:
        os.killpg(p.pid, signal.SIGKILL)  # the CLI and its local cluster, without warning
    except ProcessLookupError:
        pass
    p.wait(timeout=60)


def _run_cmd(wf: Path, out: Path, *extra: str) -> list[str]:
    return [GEOEXPLORE, "run", str(wf), "--out", str(out), "--workers", "2", "--no-figures", *extra]


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The workflow, and the digests and wall time of an uninterrupted CLI run."""
    base = tmp_path_factory.mktemp("interrupts")
    (base / "input").mkdir()
    shutil.copy(ROOT / "data" / "siping" / "model.yaml", base / "input" / "model.yaml")
    wf = base / "wf.yaml"
    wf.write_text(WORKFLOW)
    out = base / "ref"
    t0 = time.perf_counter()
    r = subprocess.run(_run_cmd(wf, out), capture_output=True, text=True, timeout=600)
    elapsed = time.perf_counter() - t0
    assert r.returncode == 0, r.stdout + r.stderr
    digests = ProjectStore(out / "project.h5").digests()
    assert len(digests) == 11
    print(f"\nuninterrupted CLI run: {elapsed:.1f} s")
    return wf, out, digests, elapsed


def _check_interrupted(out: Path) -> dict[str, str]:
    """What must hold after any interruption; returns the digests in the store."""
    leftovers = [f.name for f in out.iterdir()
                 if f.name not in EXPECTED_FILES and not f.name.endswith(".tmp") and not f.name.startswith("project.h5.prev-")]
    assert not leftovers, f"unexpected files after an interruption: {leftovers}"
    store = ProjectStore(out / "project.h5")
    store.check()  # always opens
    digests = store.digests()
    if (out / "run.json").exists():
        run = json.loads((out / "run.json").read_text())  # never half-written
        if run["finished_utc"] is None:  # an unfinished run says so; what it calls done is stored
            done = {i["key"] for i in run["items"] if i["status"] in ("done", "reused")}
            assert done <= set(digests)
    for key in digests:  # every stored result reads back
        store.read(key)
    return digests


def _stored_by_this_run(out: Path, previous_start: str | None) -> int:
    """Results a run's run.json calls stored (done or reused); 0 while run.json is still the previous run's."""
    try:
        run = json.loads((out / "run.json").read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return 0
    if run["started_utc"] == previous_start:
        return 0
    return run["counts"].get("done", 0) + run["counts"].get("reused", 0)


def _kill_resume_chain(reference, tmp_path, n_kills: int, seed: int, by: str = "results") -> list[tuple]:
    """Kill the CLI ``n_kills`` times on one output folder, each run resuming the one before; then finish.

    ``by="results"``: each kill lands once 1-4 more results than the previous run stored are in the
    store (run.json of this run shows them), so every resumed run starts with stored results;
    ``by="time"``: at a random moment of the reference run's wall time (start-up included).
    """
    wf, _, ref, elapsed = reference
    tmp_path.mkdir(parents=True, exist_ok=True)
    out = tmp_path / "out"
    rng = np.random.default_rng(seed)
    history = []
    stored = 0
    for k in range(n_kills):
        previous_start = json.loads((out / "run.json").read_text())["started_utc"] if (out / "run.json").exists() else None
        target = stored + int(rng.integers(1, 5))
        delay = float(rng.uniform(0.05, 0.8)) * elapsed
        stored_at_start = stored
        err_file = tmp_path / f"stderr-{k}.txt"
        with open(err_file, "w") as err:
            cli = subprocess.Popen(_run_cmd(wf, out, *(["--resume"] if k else [])), stdout=subprocess.DEVNULL, stderr=err,
                                   start_new_session=True)
        t0 = time.monotonic()
        try:
            if by == "time":
                time.sleep(delay)
            else:
                while _stored_by_this_run(out, previous_start) < target and cli.poll() is None and time.monotonic() - t0 < 300:
                    time.sleep(0.02)
            finished = cli.poll() is not None
        finally:
            _killpg(cli)
        trigger = f"{time.monotonic() - t0:.1f} s" if by == "time" else f">= {target} stored"
        assert not finished or cli.returncode == 0, f"run {k} failed by itself: {err_file.read_text()[-3000:]}"
        if not out.exists():  # killed before it made the folder
            history.append((trigger, stored_at_start, 0, "had finished" if finished else "interrupted"))
            continue
        digests = _check_interrupted(out) if (out / "project.h5").exists() else {}
        assert all(ref[key] == d for key, d in digests.items())  # stored results are already the final ones
        stored = len(digests)
        # (trigger, results stored when the run started, results stored when it was killed, state)
        history.append((trigger, stored_at_start, stored, "had finished" if finished else "interrupted"))
        if finished:
            break
    before = ProjectStore(out / "project.h5").digests() if (out / "project.h5").exists() else {}
    r = subprocess.run(_run_cmd(wf, out, "--resume"), capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    run = json.loads((out / "run.json").read_text())
    assert run["finished_utc"]
    reused = {i["key"] for i in run["items"] if i["status"] == "reused"}
    assert reused == set(before)  # finished steps are not recomputed
    assert ProjectStore(out / "project.h5").digests() == ref
    print(f"\nkills (trigger, stored at start, stored at kill, state): {history}")
    return history


def test_cli_killed_after_stored_results_then_resumed(reference, tmp_path):
    """Two kills, each after 1-4 new results are stored: the second kill interrupts a resumed run that
    started with stored results, and the final --resume reuses every stored result (checked in the chain)."""
    history = _kill_resume_chain(reference, tmp_path, n_kills=2, seed=11)
    assert any(h[3] == "interrupted" and h[1] > 0 for h in history), history  # a run with stored results was killed
    assert all(h[2] > 0 for h in history), history  # each kill came after results were stored


@pytest.mark.slow
def test_cli_killed_many_times_at_random_moments(reference, tmp_path):
    """Six fresh output folders, each killed up to 3 times (at random moments or after stored results) and resumed."""
    kills = []
    for seed in range(100, 106):
        kills += _kill_resume_chain(reference, tmp_path / f"chain{seed}", n_kills=3, seed=seed,
                                    by="time" if seed % 2 else "results")
    interrupted = sum(k[3] == "interrupted" for k in kills)
    print(f"{len(kills)} kills in all, {interrupted} of them before the run had finished")
    assert interrupted >= 5
    assert sum(k[3] == "interrupted" and k[1] > 0 for k in kills) >= 3  # resumed runs with stored results, killed


# -- full disk ---------------------------------------------------------------------------------------
def _limit_file_size(n_bytes: int):
    def pre() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (n_bytes, n_bytes))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() then fails with EFBIG instead of killing

    return pre


def _assert_clear_error(r: subprocess.CompletedProcess) -> None:
    assert r.returncode == 1, r.stdout + r.stderr
    err = [ln for ln in r.stderr.splitlines() if ln.startswith("geoexplore: ")]
    assert err, r.stderr
    assert "project.h5" in err[-1] and "File too large" in err[-1], err[-1]
    assert "Traceback" not in r.stderr


def test_full_disk_during_resume_keeps_the_previous_store(reference, tmp_path):
    wf, ref_out, ref, _ = reference
    out = tmp_path / "out"
    shutil.copytree(ref_out, out)
    before = (out / "project.h5").read_bytes()
    changed = wf.parent / f"{tmp_path.name}.yaml"  # a changed setting: s4 must be recomputed and written
    changed.write_text(wf.read_text().replace("n_chainage: 125", "n_chainage: 140"))
    r = subprocess.run(_run_cmd(changed, out, "--resume"), capture_output=True, text=True, timeout=600,
                       preexec_fn=_limit_file_size(len(before) // 2))
    _assert_clear_error(r)
    assert (out / "project.h5").read_bytes() == before  # the previous store, untouched
    assert not [f for f in os.listdir(out) if f.endswith(".tmp")]  # the failed transaction cleaned up
    _check_interrupted(out)
    assert json.loads((out / "run.json").read_text())["finished_utc"] is None
    # with space again, --resume finishes
    r = subprocess.run(_run_cmd(changed, out, "--resume"), capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    after = ProjectStore(out / "project.h5").digests()
    assert {k: v for k, v in after.items() if "/s4/" not in k} == {k: v for k, v in ref.items() if "/s4/" not in k}


def test_full_disk_on_a_fresh_run(reference, tmp_path):
    """A fresh run moves the old store to project.h5.prev; when the disk fills it stays there intact."""
    wf, ref_out, ref, _ = reference
    out = tmp_path / "out"
    shutil.copytree(ref_out, out)
    size = (out / "project.h5").stat().st_size
    r = subprocess.run(_run_cmd(wf, out), capture_output=True, text=True, timeout=600,
                       preexec_fn=_limit_file_size(size // 3))
    _assert_clear_error(r)
    assert ProjectStore(out / "project.h5.prev").digests() == ref
    assert not [f for f in os.listdir(out) if f.endswith(".tmp")]
    digests = _check_interrupted(out)
    assert len(digests) < len(ref)
    assert json.loads((out / "run.json").read_text())["finished_utc"] is None  # not complete, and says so


# -- read-only output ------------------------------------------------------------------------------
def test_unwritable_output_directory_is_one_clear_line(reference, tmp_path):
    wf = reference[0]
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    r = subprocess.run(_run_cmd(wf, blocker / "out"), capture_output=True, text=True, timeout=300)
    assert r.returncode == 1
    assert r.stderr.count("\n") == 1 and r.stderr.startswith("geoexplore: ") and "a-file/out" in r.stderr
    assert "cannot create the output directory" in r.stderr
    if os.geteuid() != 0:  # pragma: no cover - root ignores permission bits
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o500)
        r = subprocess.run(_run_cmd(wf, ro), capture_output=True, text=True, timeout=300)
        assert r.returncode == 1 and "not writable" in r.stderr
