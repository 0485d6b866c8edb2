"""Ordering: a step's tasks go out only once every upstream result they read is committed and visible to the workers.

The stress case of issue 23, on a real external cluster (a ``dask scheduler`` and two
``dask worker --nthreads 1`` processes started here): a step with many tiny per-item
results kept as rows of one record table, each drawn by a figure task that reads it back
on a worker while the client goes on committing later rows, a slow store write (the
runner's test hook ``GEOEXPLORE_TEST_STORE_WRITE_DELAY_S``), and a downstream step that
reads every row. Before the fix a worker could keep a copy of the record table read
while the client replaced the file, filed under the new file's identity, and the
downstream step then missed the last rows (``StoreError: no result ...``) on every attempt.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

from geoexplore.core.store import ProjectStore
from geoexplore.core.store.testhooks import READ_DELAY_ENV, WRITE_DELAY_ENV
from geoexplore.pipeline.runner import run_workflow

pytestmark = pytest.mark.cluster

STRESS = """
workflow: race
input_dir: .
line: l1
run: {{retries: 1, batch_s: 0.05}}
steps:
  - id: tiny
    step: race.tiny
    foreach: {{items: [{items}]}}
    settings: {{n_samples: {n_samples}}}
  - id: gather
    step: race.gather
    foreach: {{items: [a, b, c, d]}}
    inputs: {{tiny: tiny}}
"""


def run_stress(tmp_path, address: str, n_items: int, n_samples: int) -> tuple[list[str], list[np.ndarray]]:
    """One run of the stress workflow; returns (errors of failed items, indices the gather step saw)."""
    wf = tmp_path / "race.yaml"
    wf.write_text(STRESS.format(items=", ".join(str(i) for i in range(n_items)), n_samples=n_samples))
    out = tmp_path / "out"
    report = run_workflow(wf, out, scheduler=address, figures=True, progress=lambda s: None)
    errors = [f"{r.key}: {r.error}" for r in report.failed]
    store = ProjectStore(out / "project.h5")
    stored = store.keys("race/l1/gather")
    return errors, [store.read(k)["index"].values for k in stored]


def stress_rounds(tmp_path, cluster, monkeypatch, rounds: int, n_items: int, n_samples: int, write_s: float, read_s: float) -> None:
    monkeypatch.setenv(WRITE_DELAY_ENV, str(write_s))  # the client's transactions
    slow = {WRITE_DELAY_ENV: str(write_s), READ_DELAY_ENV: str(read_s)}  # the workers' record-table reads
    cluster.start_scheduler()
    cluster.add_worker("w1", wait=False, **slow)
    cluster.add_worker("w2", wait=False, **slow)
    cluster.wait_for_workers(2)
    bad = []
    for k in range(rounds):
        d = tmp_path / f"round{k}"
        d.mkdir()
        errors, seen = run_stress(d, cluster.address, n_items, n_samples)
        if errors or len(seen) != 4 or not all(np.array_equal(index, np.arange(n_items)) for index in seen):
            bad.append(f"round {k}: {errors[:2]}")
    assert not bad, f"{len(bad)} of {rounds} runs lost upstream results: {bad}"


def test_downstream_reads_every_upstream_result(tmp_path, external_cluster, monkeypatch, race_steps):
    """Two rounds in the default suite (the old code lost results in 5 of 8 rounds, 7 of 10 with these settings)."""
    stress_rounds(tmp_path, external_cluster, monkeypatch, rounds=int(os.environ.get("GEOEXPLORE_RACE_ROUNDS", "2")),
                  n_items=60, n_samples=400, write_s=0.01, read_s=1.0)


@pytest.mark.slow
@pytest.mark.timeout(3600)
def test_downstream_reads_every_upstream_result_many_times(tmp_path, external_cluster, monkeypatch, race_steps):
    """Fifteen rounds, twice the items."""
    stress_rounds(tmp_path, external_cluster, monkeypatch, rounds=int(os.environ.get("GEOEXPLORE_RACE_ROUNDS_SLOW", "15")),
                  n_items=120, n_samples=400, write_s=0.01, read_s=1.0)
