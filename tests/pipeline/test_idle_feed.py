"""A worker with nothing to do gets work even while every task in flight of a step waits behind a long task.

The runner sends a fanned-out step's items a few at a time as its tasks finish, and Dask
puts each task on a worker when it is sent. In the demo every H/V task in flight had gone
to the worker that then ran the 2D MT inversion (76 s): none of them finished, so no more
items went out and the other worker, its ERT inversion done, sat idle for 65 s. The
runner now looks for idle workers while it waits and sends them held-back items (then
figures). Here, on a real external cluster: worker w1 is held by a long task, the first
items of the step are queued behind it, and w2 joins idle; the step's other items must be
done on w2 long before w1 is free.
"""

from __future__ import annotations

import threading
import time

import pytest

from geoexplore.pipeline.runner import run_workflow

pytestmark = pytest.mark.cluster

WORKFLOW = """
workflow: feed
input_dir: .
line: l1
run: {{batch_s: 0.05}}
steps:
  - id: tiny
    step: race.tiny
    foreach: {{items: [{items}]}}
    settings: {{n_samples: 50}}
"""

HOLD_S = 20.0  # how long w1 is held


class ItemTimes:
    """A progress display that keeps when each item was recorded done."""

    def __init__(self) -> None:
        self.done: list[float] = []

    def __call__(self, line: str) -> None:
        pass

    def event(self, kind: str, **data) -> None:
        if kind == "item" and data["rec"].status == "done":
            self.done.append(time.monotonic())


def test_idle_worker_gets_the_held_back_items(tmp_path, external_cluster, race_steps, dask_like_a_busy_worker):
    from distributed import Client

    external_cluster.start_scheduler()
    external_cluster.add_worker("w1")
    with Client(external_cluster.address) as c:
        (w1,) = c.scheduler_info()["workers"]
        hold = c.submit(time.sleep, HOLD_S, workers=[w1], allow_other_workers=False, pure=False, priority=100)
        while not c.processing()[w1]:
            time.sleep(0.05)
        t_hold = time.monotonic()
        wf = tmp_path / "feed.yaml"
        wf.write_text(WORKFLOW.format(items=", ".join(str(i) for i in range(40))))
        seen = ItemTimes()
        # w2 joins once the runner has sent the step's first items: all to w1, the only worker, behind the long task
        joining = threading.Timer(3.0, lambda: external_cluster.add_worker("w2", wait=False))
        joining.start()
        report = run_workflow(wf, tmp_path / "out", scheduler=external_cluster.address, figures=False, progress=seen)
        joining.join()
        hold.cancel()
    assert not report.failed and report.counts().get("done") == 40
    early = [t for t in seen.done if t - t_hold < HOLD_S - 5.0]
    assert len(early) >= 30, f"only {len(early)} of 40 items done while w1 was held"
