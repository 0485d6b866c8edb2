"""The Dask runner: fan a workflow out over a cluster and keep every result.

* **Where**: a LocalCluster sized to the machine (bound to 127.0.0.1), an
  existing scheduler (``scheduler="tcp://host:8786"``, optionally with TLS),
  a dask-jobqueue cluster when the workflow has a ``cluster.jobqueue``
  section, or a :class:`distributed.Client` passed in.
* **What**: a step runs as soon as the steps it reads from have finished, so
  independent chains run side by side; a fanned-out step becomes one task
  per item. Tasks load their inputs from the project store on the worker,
  never from the client.
* **Failures**: an item is tried again up to ``run.retries`` times on its
  worker; a failing item does not stop the others; ``OUT/run.json`` lists
  every item with status, time, attempts, error and (failed items) the
  traceback. The workers log nothing for a failed item: the run's output is
  one line per failed item.
* **Resume**: each result stores a hash of its step, settings, item, inputs
  and the contents of the input files it reads (the item's file, and every
  file a setting typed :data:`~geoexplore.core.settings.InputFile` or
  ``InputGlob`` names or matches); with ``resume=True`` a task whose hash
  matches the stored result is skipped.
* **Nothing lost**: results are written to ``OUT/project.h5`` as they
  arrive, in atomic transactions; ``run.json`` is rewritten atomically.
* **Ordering**: a step's tasks go out only once every result they read is
  committed and found by a fresh open of the store
  (:meth:`_Runner._inputs_committed`, the one place; docs/workflows.md).
* **Other machines**: at the start every worker must see the input and
  output folders (:func:`~geoexplore.pipeline.cluster.check_worker_folders`).

The runner is split by concern; this module keeps :func:`run_workflow` and
the orchestration of one run, and re-exports the public names of the others:

* :mod:`geoexplore.pipeline.task`: what runs on a worker (one item, a batch of
  short items, a figure);
* :mod:`geoexplore.pipeline.cluster`: local cluster, external scheduler, job
  queue, TLS security;
* :mod:`geoexplore.pipeline.resume`: run keys, input-file digests, what may be
  skipped, the previous store kept;
* :mod:`geoexplore.pipeline.schedule`: when a step starts, how its items are
  sent (grouped when short) and collected;
* :mod:`geoexplore.pipeline.record`: ``run.json`` and the grouped writing of
  results into the store.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from geoexplore.core.errors import StoreError
from geoexplore.core.store import ProjectStore, result_digest, result_key, warm_up
from geoexplore.core.store.ncwrite import EncodedResult
from geoexplore.core.store.records import Row
from geoexplore.pipeline.cluster import (
    CONNECT_TIMEOUT,
    WORKER_ENV_UNSET,
    check_n_workers,
    check_worker_folders,
    default_n_workers,
    local_cluster,
    make_jobqueue_cluster,
    make_security,
    open_client,
)
from geoexplore.pipeline.record import (
    FLUSH_BYTES,
    FLUSH_MIN_FIXED_S,
    FLUSH_SPACING,
    ItemRecord,
    ResultBuffer,
    RunReport,
    atomic_write_text,
    format_error,
    now_utc,
    result_nbytes,
)
from geoexplore.pipeline.resume import (
    RunKeys,
    keep_previous,
    reusable,
    settings_file_digests,
)
from geoexplore.pipeline.runner_figures import FigureQueue
from geoexplore.pipeline.schedule import (
    IDLE_CHECK_S,
    IN_FLIGHT_PER_WORKER,
    MIN_TASK_FRACTION,
    Completed,
    Entry,
    Outcome,
    Scheduler,
    deps,
)
from geoexplore.pipeline.task import (
    IMAGE_MAX_BYTES,
    NOT_RETRIED,
    draw_figure,
    execute_batch,
    execute_task,
    make_task,
)
from geoexplore.pipeline.workflow import Workflow, WorkflowStep

__all__ = [
    "run_workflow", "RunReport", "ItemRecord", "Progress",
    "execute_task", "execute_batch", "draw_figure", "NOT_RETRIED", "IMAGE_MAX_BYTES",
    "open_client", "local_cluster", "default_n_workers", "check_n_workers", "make_security", "make_jobqueue_cluster",
    "WORKER_ENV_UNSET", "CONNECT_TIMEOUT",
    "settings_file_digests", "keep_previous",
    "IN_FLIGHT_PER_WORKER", "MIN_TASK_FRACTION", "FLUSH_SPACING", "FLUSH_BYTES", "FLUSH_MIN_FIXED_S",
]

log = logging.getLogger("geoexplore.pipeline")

FIGURE_SEND_MAX_BYTES = 16 * 2**20  # a stored result up to this size goes with its figure task; a larger one is read from the store
VISIBLE_WAIT_S = 30.0  # how long a committed result may take to show in a fresh open of the store (shared file systems)


def task_input_keys(task: Mapping[str, Any]) -> list[str]:
    """The store keys a task (:func:`~geoexplore.pipeline.task.make_task`) reads."""
    out: list[str] = []
    for ref in task["inputs"].values():
        out.extend(ref.values() if isinstance(ref, dict) else [ref])
    return out

Progress = Callable[[str], None]


class _Runner:
    """One run of a workflow: starts each step when its inputs are done, records and stores what comes back."""

    def __init__(self, wf: Workflow, out_dir: Path, resume: bool, progress: Progress, figures: bool) -> None:
        self.wf = wf
        self.out = out_dir
        self.resume = resume
        self.progress = progress
        self.figures = figures
        self.store = ProjectStore(out_dir / "project.h5")
        self.report = RunReport(workflow=str(wf.path), out_dir=str(out_dir), started_utc=now_utc())
        self.done = Completed()
        self.keys = RunKeys(wf.input_dir)
        self.buffer = ResultBuffer(self.store, self.report)
        self.committed: set[str] = set()  # store keys in the store on disk: written by this run, or reused
        self.stored: dict[str, dict[str, Any]] = {}
        self.order: dict[str, int] = {}
        self.figq: FigureQueue | None = None
        self.sched: Scheduler | None = None

    def write_run_json(self) -> None:
        atomic_write_text(self.out / "run.json", self.report.to_json())

    def run(self, client: Any) -> RunReport:
        """Run every step as soon as the steps it depends on have finished.

        Independent chains (for example the five methods of a survey) run
        side by side on the cluster; within a step, items run in parallel.
        """
        from distributed import as_completed

        wf = self.wf
        self.stored = self.store.provenances() if self.resume else {}
        self.keys.digests.update({k: v.get("digest", "") for k, v in self.stored.items()})
        n_workers = 1
        try:
            info = client.scheduler_info()
            self.report.scheduler = info.get("address")
            self.report.n_workers = len(info.get("workers", {}))
            n_workers = max(1, self.report.n_workers)
        except Exception:  # pragma: no cover - informational only
            pass
        # every worker must see the input and output folders at the client's paths (one line naming the worker if not)
        check_worker_folders(client, {"input": str(wf.input_dir), "output": str(self.out)},
                             writable=("output",) if self.figures else ())
        self._note("run", dashboard=getattr(client, "dashboard_link", None), scheduler=self.report.scheduler, n_workers=self.report.n_workers)
        sched = self.sched = Scheduler(client, wf, self.report, n_workers)
        figq = self.figq = FigureQueue(client, wf)
        self.order = {ws.id: i for i, ws in enumerate(wf.steps, 1)}
        waiting = list(wf.steps)
        finished: set[str] = set()
        pending: dict[str, int] = {}
        ac = as_completed([], loop=client.loop, with_results=False)

        def launch_ready() -> None:
            progressed = True
            while progressed:
                progressed = False
                for ws in list(waiting):
                    if deps(ws) <= finished:
                        waiting.remove(ws)
                        new = self._launch(ws)
                        for fut in new:
                            ac.add(fut)
                        if new or ws.id in sched.queued:  # items held back count as started (Scheduler.places)
                            pending[ws.id] = len(new)
                        else:
                            finished.add(ws.id)
                            self._step_finished(ws)
                            progressed = True

        launch_ready()
        if pending:  # while the workers start on the first items, the client readies its store writer
            warm_up()
        while pending:
            if self.buffer and not ac.has_ready():  # nothing to collect now: write what waits, once it is due
                if not self._wait_ready(ac, self.buffer.due_in()) or self.buffer.due_in() <= 0:
                    self._flush()
            while not ac.has_ready():  # nothing finished: a worker left idle gets work (Scheduler.feed)
                if self._wait_ready(ac, IDLE_CHECK_S):
                    break
                for fut in self._feed_idle(figq, pending):
                    ac.add(fut)
            batch = ac.next_batch(block=True)
            for fut in [f for f in batch if f in figq]:
                figq.finished(fut)
            batch = [f for f in batch if f in sched.futures]
            outcomes = sched.fetch(batch)
            touched: dict[str, WorkflowStep] = {}
            for fut in batch:
                ws = sched.futures.pop(fut)[0]
                pending[ws.id] -= 1
                touched[ws.id] = ws
            for fut in sched.restart_held(pending):  # steps held back whole go first, by priority
                ac.add(fut)
            for ws in touched.values():
                if ws.id in sched.queued:  # send more items (grouped if short) before writing, so workers keep busy
                    new = sched.release(ws, pending[ws.id])
                    for fut in new:
                        ac.add(fut)
                    pending[ws.id] += len(new)
            self._collect(outcomes)
            for ws in touched.values():
                if pending[ws.id] == 0 and ws.id not in sched.queued:
                    self._flush()  # a finished step's results are in the store before anything reads them
                    del pending[ws.id]
                    finished.add(ws.id)
                    self._step_finished(ws)
            launch_ready()
            for fut in self._feed_idle(figq, pending):  # held-back items, else figures, into the workers left idle
                ac.add(fut)
        self._flush()
        self.finish_figures()
        self.report.finished_utc = now_utc()
        self.write_run_json()
        return self.report

    @staticmethod
    def _wait_ready(ac: Any, seconds: float) -> bool:
        """Wait up to ``seconds`` for a finished task; True if one is ready."""
        deadline = time.monotonic() + seconds
        while not ac.has_ready():
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.005)
        return True

    def _feed_idle(self, figq: FigureQueue, pending: dict[str, int]) -> list[Any]:
        """Tasks for the workers that have none: held-back items first, then figures (new futures)."""
        sched = self.sched
        assert sched is not None
        idle = sched.idle_workers() if (sched.queued or figq.queue) else []
        if not idle:
            return []
        new = sched.feed(idle)
        for fut in new:
            pending[sched.futures[fut][0].id] += 1
        return new + figq.feed(idle[len(new):])

    def _label(self, ws: WorkflowStep) -> str:
        return f"[{self.order[ws.id]}/{len(self.order)}] {ws.id} ({ws.spec.name})"

    def _note(self, kind: str, **data: Any) -> None:
        """Tell a progress display with an ``event`` method what happened (see :mod:`geoexplore.pipeline.progress`)."""
        event = getattr(self.progress, "event", None)
        if event is not None:
            event(kind, **data)

    def _record(self, rec: ItemRecord) -> None:
        self.report.items.append(rec)
        self._note("item", rec=rec)

    def _step_finished(self, ws: WorkflowStep) -> None:
        self._note("step_done", step=ws.id)
        recs = [r for r in self.report.items if r.step_id == ws.id]
        counts: dict[str, int] = {}
        for r in recs:
            counts[r.status] = counts.get(r.status, 0) + 1
        summary = ", ".join(f"{v} {k}" for k, v in sorted(counts.items())) or "nothing to do"
        self.progress(f"{self._label(ws)} finished: {summary}")
        self.write_run_json()

    def _launch(self, ws: WorkflowStep) -> list[Any]:
        """Submit the tasks of one step; returns the new futures (reused and skipped items are recorded)."""
        items = self.wf.items_for(ws, self.done.upstream_items())
        self._note("step", step=ws.id, label=self._label(ws), total=len(items))
        if ws.spec.fan_out != "none":
            self.done.start(ws)
            self.progress(f"{self._label(ws)}: {len(items)} item(s)")
        else:
            self.progress(self._label(ws))
        ready: list[Entry] = []
        settings_json = ws.settings.to_json()  # the same for every item
        for item, value in items:
            entry = self._prepare(ws, item, value, settings_json)
            if entry is not None:
                ready.append(entry)
        self._inputs_committed(ws, ready)
        assert self.sched is not None
        return self.sched.start(ws, ready)

    def _inputs_committed(self, ws: WorkflowStep, ready: list[Entry]) -> None:
        """The ordering invariant (docs/workflows.md), checked in this one place before a step's tasks go out.

        Every store key the tasks read must be committed (the transaction
        that wrote it has returned: synced and renamed into place) and
        visible to a reader in another process: a fresh open of the store
        file lists it. A worker on another machine reads the store through a
        shared file system, which may show a new version late: the check
        waits up to ``VISIBLE_WAIT_S`` for it, then stops the run naming the
        first key it cannot see.
        """
        needed = {k for *_, task in ready for k in task_input_keys(task)}
        if needed - self.committed:
            self._flush()  # results waiting in the client are written first
        unknown = sorted(needed - self.committed)
        if unknown:
            raise StoreError(f"{self.store.path}: step '{ws.id}' would read {len(unknown)} result(s) not committed, "
                             f"first {unknown[0]} (a runner bug: please report it)")
        deadline = time.monotonic() + VISIBLE_WAIT_S
        while absent := self.store.missing(sorted(needed)):
            if time.monotonic() > deadline:
                raise StoreError(f"{self.store.path}: step '{ws.id}' needs {absent[0]} ({len(absent)} result(s)), "
                                 f"committed but not found on opening the store afresh after {VISIBLE_WAIT_S:.0f} s")
            time.sleep(0.1)

    def _prepare(self, ws: WorkflowStep, item: str | None, value: Any, settings_json: str) -> Entry | None:
        """The task of one item, or None for an item skipped (inputs missing) or reused (resume)."""
        key = result_key(ws.package, ws.line, ws.id, item)
        keys = self.done.input_keys(ws, item)
        if keys is None:
            missing = self.done.missing_inputs(ws)
            self._record(
                ItemRecord(ws.id, ws.spec.name, item, key, "skipped",
                           error=f"inputs not available (failed upstream: {', '.join(missing) or 'item missing upstream'})")
            )
            self.progress(f"    {ws.id}/{item or ''}: skipped, inputs missing")
            return None
        rkey, in_digests, item_files = self.keys.run_key(ws, value, keys)
        prov = self.stored.get(key)
        if reusable(prov, rkey):
            self.committed.add(key)  # in the store the run started with
            self._mark_done(ws, item, key, prov.get("digest", ""))  # type: ignore[union-attr]
            self._record(ItemRecord(ws.id, ws.spec.name, item, key, "reused"))
            return None
        wf = self.wf
        task = make_task(ws, item, value, keys, settings_json=settings_json, store_path=str(self.store.path),
                         input_dir=str(wf.input_dir))
        meta = {
            "run_key": rkey,
            "inputs": in_digests,
            "files": self.keys.settings_files(ws),
            **({"item_files": item_files} if item_files else {}),
            "item_value": os.path.relpath(value, wf.input_dir) if isinstance(value, str) and os.path.isabs(value) else value,
        }
        return (item, key, meta, task)

    def _mark_done(self, ws: WorkflowStep, item: str | None, key: str, digest: str) -> None:
        self.keys.digests[key] = digest
        self.done.mark(ws, item, key)

    def _collect(self, outcomes: list[Outcome]) -> None:
        """Record finished items; their results wait in the write buffer until :meth:`_flush`."""
        failed = False
        for ws, item, key, meta, o in outcomes:
            if "error" in o:
                self._record(ItemRecord(ws.id, ws.spec.name, item, key, "failed", error=o["error"],
                                                    attempts=o.get("attempts", 1), attempt_errors=o.get("attempt_errors", []),
                                                    traceback=o.get("traceback")))
                tries = f" ({o['attempts']} attempts)" if o.get("attempts", 1) > 1 else ""
                self.progress(f"    {ws.id}/{item or ''}: FAILED{tries} {o['error']}")
                failed = True
                continue
            res = o["result"]
            rec = ItemRecord(ws.id, ws.spec.name, item, key, "done", elapsed_s=round(o["elapsed_s"], 3),
                             cpu_s=round(o.get("cpu_s", 0.0), 3), attempts=o.get("attempts", 1), attempt_errors=o.get("attempt_errors", []))
            self.buffer.add(key, ws, res, self._provenance(ws, item, meta, o), rec)
        if self.buffer.due_in() <= 0:
            self._flush()
        elif failed:
            self.write_run_json()

    def _provenance(self, ws: WorkflowStep, item: str | None, meta: dict[str, Any], o: dict[str, Any]) -> dict[str, Any]:
        """The provenance stored with a result (see :mod:`geoexplore.core.store`)."""
        from geoexplore import __version__

        return {
            "geoexplore_version": __version__,
            "workflow": self.wf.name,
            "step": ws.spec.name,
            "step_id": ws.id,
            "item": item,
            "item_value": meta["item_value"],
            "line": ws.line,
            "settings": self.keys.settings_of(ws),
            "inputs": meta["inputs"],
            "files": meta["files"],
            **({"item_files": meta["item_files"]} if "item_files" in meta else {}),
            "run_key": meta["run_key"],
            "digest": o.get("digest") or result_digest(o["result"]),
            "elapsed_s": round(o["elapsed_s"], 3),
            "time_utc": now_utc(),
        }

    def _flush(self) -> None:
        """Write the buffered results in one atomic transaction, then record them as done."""
        written = self.buffer.flush()
        if not written:
            return
        self.committed.update(written)  # the transaction returned: synced and renamed into place
        for key, (ws, res, prov, rec) in written.items():
            self._mark_done(ws, rec.item, key, prov["digest"])
            if self.figures and ws.spec.figure:
                self._figure(ws, rec, res)
            self._record(rec)
            tries = f" (attempt {rec.attempts}; earlier: {rec.attempt_errors[-1]})" if rec.attempts > 1 else ""
            self.progress(f"    {ws.id}/{rec.item or ''}: done in {rec.elapsed_s:.1f} s{tries}")
        self.write_run_json()

    def _figure(self, ws: WorkflowStep, rec: ItemRecord, res: Any = None) -> None:
        """Draw the result's figure on a worker: the stored form of a small result (a record-table row or a worker-written
        HDF5 image up to :data:`FIGURE_SEND_MAX_BYTES`, see :func:`draw_figure`) goes with the task; a larger one, or a
        result the client wrote itself, is read from the store there."""
        fig_dir = self.out / "figures"
        fig_dir.mkdir(parents=True, exist_ok=True)
        path = fig_dir / (rec.key.replace("/", "__") + ".png")
        assert self.figq is not None
        stored = res if isinstance(res, (Row, EncodedResult)) and result_nbytes(res) <= FIGURE_SEND_MAX_BYTES else None
        # queued on the client: sent into workers the items leave free, upstream figures first (runner_figures)
        self.figq.add(ws.id, ws.spec.figure, str(self.store.path), rec.key, path, stored, rec)

    def finish_figures(self) -> None:
        """Send the figures still queued and wait for all; a failed figure is reported, never loses a result."""
        if self.figq is not None:
            self.figq.finish(self._figure_done)

    def _figure_done(self, fut: Any, rec: ItemRecord, path: Path) -> None:
        try:
            out = fut.result()
        except Exception as exc:  # noqa: BLE001 - a figure must never stop the run (e.g. its worker was lost)
            out = {"error": format_error(exc), "traceback": ""}
        if "error" in out:  # the figure function failed: one line here, the traceback in run.json
            rec.figure_error = out["error"]
            log.debug("figure for %s failed:\n%s", rec.key, out["traceback"])
            self.progress(f"    figure for {rec.key} failed: {out['error']}")
        else:
            rec.figure = str(path.relative_to(self.out))
            rec.figure_cpu_s = round(out["cpu_s"], 3)


def run_workflow(
    workflow: Workflow | str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    scheduler: str | None = None,
    n_workers: int | None = None,
    resume: bool = False,
    client: Any = None,
    progress: Progress | None = None,
    figures: bool = True,
    input_dir: str | os.PathLike[str] | None = None,
    security: Mapping[str, Any] | None = None,
) -> RunReport:
    """Run a workflow and write ``OUT/project.h5``, ``OUT/run.json`` and ``OUT/figures``.

    Parameters
    ----------
    workflow : Workflow or path
        A loaded workflow or the YAML file.
    out_dir : path-like
        Output directory (created).
    scheduler : str, optional
        Address of an existing Dask scheduler.
    n_workers : int, optional
        Workers of the local cluster (default: CPUs, at most 8).
    resume : bool
        Reuse stored results whose step, settings, item, inputs and input
        files are unchanged. Without it an existing store is moved to
        ``project.h5.prev`` (an older ``.prev`` is kept under a timestamped
        name, see :func:`keep_previous`) and the run starts afresh.
    client : distributed.Client, optional
        Use this client (for notebooks).
    progress : callable, optional
        Receives one line per event (default: log at INFO). If it has an
        ``event`` method, that also gets what happened as data (the step
        started with N items, each item's record, the step finished):
        :class:`geoexplore.pipeline.progress.RunProgress` draws bars from them.
    security : mapping, optional
        TLS files (``ca_file``, ``cert``, ``key``) overriding the workflow's
        ``cluster.security`` keys one by one.

    Returns
    -------
    RunReport
    """
    from geoexplore.pipeline.workflow import load_workflow

    check_n_workers(n_workers)
    wf = workflow if isinstance(workflow, Workflow) else load_workflow(workflow, input_dir=input_dir)
    cluster = dict(wf.cluster)
    if security:
        cluster["security"] = {**(cluster.get("security") or {}), **{k: v for k, v in security.items() if v is not None}}
    out = Path(out_dir).resolve()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"{out}: cannot create the output directory ({exc.strerror or exc})") from None
    if not os.access(out, os.W_OK):
        raise StoreError(f"{out}: the output directory is not writable")
    store = ProjectStore(out / "project.h5")
    progress = progress or (lambda s: log.info(s))
    if resume:
        store.check()
    elif store.exists():
        moved = keep_previous(store.path)
        progress(f"previous store moved to {moved[0]}" + (f" (the one before to {moved[1]})" if len(moved) > 1 else ""))
    runner = _Runner(wf, out, resume, progress, figures)
    with open_client(scheduler=scheduler, n_workers=n_workers, cluster_config=cluster, client=client) as c:
        report = runner.run(c)
    counts = report.counts()
    progress(
        "summary: "
        + ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
        + f"; store {store.path}"
    )
    return report
