"""No task waits on a worker behind a long task while another worker could take it first.

The demo's timeline (2026-12-07): the seismic stack became ready while one worker ran the 2D MT
inversion and the other the refraction tomography. Dask put it on the refraction's worker; the MT
worker fell idle 3 s later and stayed so for 18 s, and the stack (on the path to the fault step)
started only after the tomography. Work stealing did not move it: the busy worker answers late from
inside a long C call. The runner now knows where each long task runs (a step with ``cost_s`` of
``LONG_TASK_S`` or more) and holds new tasks back while every worker runs one.

Here, on a real external cluster with work stealing off (as when the busy worker cannot answer): w1
and w2 each run a long task, 25 s and 4 s; eight short items become ready meanwhile. They must all run
on the worker the 4 s task frees, long before the 25 s task ends.
"""

from __future__ import annotations

import pytest

from geoexplore.core.store import ProjectStore
from geoexplore.pipeline.runner import run_workflow
from geoexplore.pipeline.schedule import LONG_TASK_S

pytestmark = pytest.mark.cluster

LONG_S = 25.0

WORKFLOW = f"""
workflow: long
input_dir: .
line: l1
run: {{batch_s: 0}}
steps:
  - id: longest
    step: race.nap
    settings: {{seconds: {LONG_S}}}
    cost_s: {3 * LONG_TASK_S}
  - id: gate
    step: race.nap
    settings: {{seconds: 0.5}}
  - id: long
    step: race.nap
    inputs: {{after: gate}}
    settings: {{seconds: 4}}
    cost_s: {2 * LONG_TASK_S}
  - id: short
    step: race.naps
    foreach: {{items: [a, b, c, d, e, f, g, h]}}
    inputs: {{after: gate}}
    settings: {{seconds: 0.2}}
"""


def _run_on_two_workers(workflow: str, n_done: int, tmp_path, external_cluster) -> ProjectStore:
    """Run ``workflow`` on a fresh external cluster of two one-thread workers; every item must be done."""
    external_cluster.start_scheduler()
    external_cluster.add_worker("w1")
    external_cluster.add_worker("w2")
    wf = tmp_path / "wf.yaml"
    wf.write_text(workflow)
    report = run_workflow(wf, tmp_path / "out", scheduler=external_cluster.address, figures=False)
    assert not report.failed and report.counts().get("done") == n_done
    return ProjectStore(tmp_path / "out" / "project.h5")


def test_short_items_do_not_wait_behind_a_long_task(tmp_path, external_cluster, race_steps, dask_like_a_busy_worker):
    store = _run_on_two_workers(WORKFLOW, 11, tmp_path, external_cluster)
    longest, long = store.read("race/l1/longest"), store.read("race/l1/long")
    shorts = [store.read(f"race/l1/short/{i}") for i in "abcdefgh"]
    assert longest.attrs["worker_pid"] != long.attrs["worker_pid"]  # the two long tasks on the two workers
    for s in shorts:  # every short item ran on the worker the 4 s task freed, after it and before the 25 s task ended
        assert s.attrs["worker_pid"] == long.attrs["worker_pid"], (s.attrs, long.attrs, longest.attrs)
        assert float(s["start"]) >= float(long["end"]) - 0.01
        assert float(s["end"]) < float(longest["end"]) - 10.0


HELD = f"""
workflow: held
input_dir: .
line: l1
run: {{batch_s: 0}}
steps:
  - id: long_a
    step: race.nap
    settings: {{seconds: 3}}
    cost_s: {3 * LONG_TASK_S}
  - id: long_b
    step: race.nap
    settings: {{seconds: 25}}
    cost_s: {3 * LONG_TASK_S}
  - id: urgent
    step: race.nap
    settings: {{seconds: 0.1}}
    cost_s: 5
  - id: many
    step: race.naps
    foreach: {{items: [{", ".join(f"i{k:02d}" for k in range(40))}]}}
    inputs: {{after: long_a}}
    settings: {{seconds: 0.25}}
"""


def test_a_step_held_back_whole_goes_before_lower_priority_items(tmp_path, external_cluster, race_steps,
                                                                dask_like_a_busy_worker):
    """``urgent`` is ready at the start while both workers run a long task, so it is held back whole. When the 3 s
    task ends, 40 items of a lower-priority step become ready on that worker and keep it busy 10 s: it never falls
    idle, so only :meth:`Scheduler.restart_held` sends ``urgent`` then (before, it waited for all 40)."""
    store = _run_on_two_workers(HELD, 43, tmp_path, external_cluster)
    long_a, urgent = store.read("race/l1/long_a"), store.read("race/l1/urgent")
    many = [store.read(f"race/l1/many/i{k:02d}") for k in range(40)]
    assert urgent.attrs["worker_pid"] == long_a.attrs["worker_pid"]
    later = sum(float(m["start"]) > float(urgent["start"]) for m in many)
    assert later >= 30, f"only {later} of the 40 lower-priority items started after the held-back step"
