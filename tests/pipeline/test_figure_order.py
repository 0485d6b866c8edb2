"""Issue 25 (demo): the order of the runner's tasks on a real LocalCluster.

* geoexplore's LocalCluster sends every task to a worker (no scheduler-side queuing of large task groups),
  so the runner's priorities decide: a fanned-out step with a long chain behind it runs before single
  tasks of low priority;
* figures go out only into workers the items leave free, and a step's figures only after those of the
  steps upstream of it (the report embeds the method figures it finds).
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import pytest

from geoexplore.core.store import ProjectStore
from geoexplore.pipeline.runner import run_workflow

pytestmark = pytest.mark.cluster
ROOT = Path(__file__).resolve().parents[2]

# s1 runs over the items s0 produced, so its items are submitted after s0's results are committed and their
# figures are ready to draw; both steps draw a figure per item
CHAIN = """
workflow: chain
input_dir: input
line: shallow
run: {batch_s: 0}
steps:
  - id: model
    step: model.build
  - id: s0
    step: model.section
    foreach: {items: [mt, shallow]}
    inputs: {model: model}
    settings: {n_chainage: 121, n_depth: 61}
  - id: s1
    step: model.section
    foreach: {step: s0}
    inputs: {model: model}
    settings: {n_chainage: 241, n_depth: 121, supersample: 4}
"""


@pytest.fixture(scope="module")
def client1():
    """geoexplore's LocalCluster with one worker."""
    from distributed import Client

    from geoexplore.pipeline.runner import local_cluster

    with local_cluster(1) as cl, Client(cl) as c:
        yield c


def _sleep(t: float, name: str) -> tuple[float, str]:
    start = time.time()
    time.sleep(t)
    return start, name


def test_local_cluster_lets_priorities_order_large_task_groups(client1):
    """With Dask's default worker saturation (1.1) a group of many tasks waits on the scheduler behind single tasks of
    lower priority (the demo's MT chain waited so); geoexplore's LocalCluster turns the queuing off."""
    c = client1
    assert c.run_on_scheduler(lambda dask_scheduler: dask_scheduler.WORKER_SATURATION) == math.inf
    futs = [c.submit(_sleep, 0.5, "blocker", key="blocker-all-0", pure=False)]
    time.sleep(0.2)  # the worker is busy: what follows waits and is ordered
    futs += [c.submit(_sleep, 0.05, f"single{i}", key=f"single{'abcde'[i]}-all-{i}", priority=0, pure=False) for i in range(5)]
    futs += [c.submit(_sleep, 0.05, f"fan{i}", key=f"fan-SP{i:02d}-{i}", priority=100, pure=False) for i in range(10)]
    order = [n for _, n in sorted(c.gather(futs))]
    assert order[0] == "blocker"
    assert {n for n in order[1:11]} == {f"fan{i}" for i in range(10)}  # the high-priority group first, all of it


def _stream(client, wf, out, **kw):
    from distributed import get_task_stream

    with get_task_stream(client) as ts:
        report = run_workflow(wf, out, client=client, progress=lambda s: None, **kw)
    tasks = []
    for t in ts.data:
        comp = [s for s in t["startstops"] if s["action"] == "compute"]
        if comp:
            tasks.append((str(t["key"]), comp[0]["start"], comp[0]["stop"]))
    return report, tasks


def test_figures_wait_for_free_workers_and_for_upstream_figures(work, write_wf, client1):
    """One worker: no figure starts before the last item ended (s1's items are submitted after s0's figures are
    ready to draw); then, with the queue alone, s1's figures (s1: read by no step) go out only after s0's are drawn. Results equal a run
    without figures."""
    from distributed import wait

    from geoexplore.pipeline.runner_figures import FigureQueue
    from geoexplore.pipeline.workflow import load_workflow

    wf = write_wf(work, CHAIN, name="chain.yaml")
    report, tasks = _stream(client1, wf, work / "fig")
    assert report.ok
    items = [t for t in tasks if not t[0].startswith("figure-")]
    figs = [t for t in tasks if t[0].startswith("figure-")]
    assert len(items) == 5 and len(figs) == 4
    assert max(stop for _, _, stop in items) <= min(start for _, start, _ in figs)
    assert all((work / "fig" / r.figure).is_file() for r in report.items if r.step_id != "model")
    plain = run_workflow(wf, work / "plain", client=client1, progress=lambda s: None, figures=False)
    assert plain.ok
    assert ProjectStore(work / "fig" / "project.h5").digests() == ProjectStore(work / "plain" / "project.h5").digests()

    # the queue: room for four, but s1's figures wait while one of s0's is queued or drawn
    q = FigureQueue(client1, load_workflow(wf))
    recs = {(r.step_id, r.item): r for r in report.items}
    for sid in ("s0", "s1"):
        for item in ("mt", "shallow"):
            r = recs[(sid, item)]
            q.add(sid, "geoexplore.model.plot:plot_model_section", str(work / "fig" / "project.h5"), r.key,
                  work / f"again-{sid}-{item}.png", None, r)
    first = q.pump(4)
    assert len(first) == 2 and {q.in_flight[f][0] for f in first} == {"s0"}
    wait(first)
    for f in first:
        q.finished(f)
    drawn = []
    q.finish(lambda fut, rec, path: drawn.append((rec.step_id, fut.result()["path"])))
    assert [s for s, _ in drawn] == ["s0", "s0", "s1", "s1"]
    for sid, path in drawn:  # the same figure as the run drew
        assert open(path, "rb").read() == (work / "fig" / recs[(sid, path.split("-")[-1][:-4])].figure).read_bytes()


def test_only_the_figures_of_steps_nothing_reads_wait(work, write_wf):
    from geoexplore.pipeline.runner_figures import figures_must_wait, upstream_steps
    from geoexplore.pipeline.workflow import load_workflow

    wf = load_workflow(write_wf(work, CHAIN, name="chain.yaml"))
    assert upstream_steps(wf) == {"model": set(), "s0": {"model"}, "s1": {"model", "s0"}}
    assert figures_must_wait(wf) == {"s1": {"model", "s0"}}  # only the step nothing reads from waits
    demo = load_workflow(ROOT / "workflows" / "siping-segment.yaml")
    must = figures_must_wait(demo)
    assert "report" in must and {"hvsr", "mt-invert1d", "refraction-pick", "fault", "hazard"} <= must["report"]
    assert not {"mt-invert1d", "fault", "hazard", "mt"} & set(must)  # read by later steps: their figures do not wait
