"""Scheduling: which step may start, how its items are sent to the workers, and what came back.

* A step starts as soon as the steps it reads from have finished
  (:func:`deps`, :class:`Completed`): independent chains run side by side.
* A fanned-out step becomes one task per item; the items of a step whose
  items are short are held back and sent in groups of about ``run.batch_s``
  (:meth:`Scheduler.start`, :meth:`Scheduler.release`).
* No task waits on a worker behind a long one (an inversion): while a
  worker runs a task of a step expected to take ``LONG_TASK_S`` or more,
  new tasks go to the other workers, and are held back on the client when
  every worker runs one (:meth:`Scheduler.places`); a worker that falls idle
  gets the held-back task of the highest priority (:meth:`Scheduler.feed`),
  and each time tasks finish a step held back whole gets a task first
  (:meth:`Scheduler.restart_held`).
  Dask cannot move a task queued behind a long task by itself: its work
  stealing asks the busy worker first, and a worker inside a long C call
  (pyGIMLi, SuperLU) answers late.
* Ready tasks run longest remaining path first: every task carries the
  Dask priority :func:`remaining_path_s` of its step (its expected run time
  ``cost_s`` plus the longest chain of steps that wait for it), so the long
  chains of a survey (an inversion behind its readers) start before short
  independent work that can fill the gaps; figures (priority 0) come last.
* Each task tries its item again up to ``run.retries`` times on its worker
  (:func:`geoexplore.pipeline.task.execute_task`); a failed item is an
  outcome like any other (:meth:`Scheduler.fetch`).
"""

from __future__ import annotations

import hashlib
from typing import Any

from geoexplore.pipeline.record import RunReport, format_error
from geoexplore.pipeline.task import execute_batch, execute_task
from geoexplore.pipeline.workflow import Workflow, WorkflowStep

IN_FLIGHT_PER_WORKER = 3  # tasks of a step kept queued per worker while its items are sent in groups
IDLE_CHECK_S = 1.0  # while no task finishes, the runner looks this often for workers with nothing to do
LONG_TASK_S = 10.0  # a task expected to run this long (s) gets no other task queued behind it on its worker
MIN_TASK_FRACTION = 0.2  # groups shrink at the end of a step, on several workers, to no less than this x run.batch_s

#: an item ready to run: (item, store key, meta for its provenance, task for the worker)
Entry = tuple[str | None, str, dict[str, Any], dict[str, Any]]
#: what came back for one item: (step, item, store key, meta, outcome of execute_task)
Outcome = tuple[WorkflowStep, str | None, str, dict[str, Any], dict[str, Any]]


def deps(ws: WorkflowStep) -> set[str]:
    """Step ids a step waits for (its inputs and the step it fans out over)."""
    d = {r.step_id for r in ws.inputs.values()}
    if "step" in ws.foreach:
        d.add(str(ws.foreach["step"]))
    return d


def remaining_path_s(wf: Workflow) -> dict[str, float]:
    """Per step id: its ``cost_s`` plus the longest ``cost_s`` sum over the steps downstream of it (s).

    The "upward rank" of list scheduling (HEFT): a step with a long path
    behind it goes first, so the critical path is not queued behind work
    that could run beside it. Steps come in dependency order (a workflow
    refers only to steps above), so one backward pass suffices.
    """
    children: dict[str, list[str]] = {ws.id: [] for ws in wf.steps}
    for ws in wf.steps:
        for d in deps(ws):
            children.setdefault(d, []).append(ws.id)
    rank: dict[str, float] = {}
    for ws in reversed(wf.steps):
        rank[ws.id] = ws.cost_s + max((rank[c] for c in children[ws.id]), default=0.0)
    return rank


class Completed:
    """The store keys of the items done (or reused) so far, by step: what later steps read."""

    def __init__(self) -> None:
        self.items: dict[str, dict[str, str]] = {}  # step id -> item -> key (successful)
        self.single: dict[str, str] = {}  # step id -> key

    def start(self, ws: WorkflowStep) -> None:
        """A fanned-out step begins: no item of it is done yet."""
        self.items[ws.id] = {}

    def mark(self, ws: WorkflowStep, item: str | None, key: str) -> None:
        """The item ``item`` of ``ws`` is done; its result is stored under ``key``."""
        if ws.spec.fan_out == "none":
            self.single[ws.id] = key
        else:
            self.items[ws.id][item] = key  # type: ignore[index]

    def upstream_items(self) -> dict[str, list[str]]:
        """Item names done, by step (a ``foreach: {step: ID}`` runs over them)."""
        return {k: list(v) for k, v in self.items.items()}

    def input_keys(self, ws: WorkflowStep, item: str | None) -> dict[str, Any] | None:
        """Store keys of a task's inputs; None if a required input is unavailable.

        An optional input (``<id>?`` in the workflow) whose step failed is left
        out, and the step runs on what exists.
        """
        keys: dict[str, Any] = {}
        for name, ref in ws.inputs.items():
            found: Any = None
            if ref.step_id in self.single:
                found = self.single[ref.step_id]
            elif ref.step_id in self.items:
                done = self.items[ref.step_id]
                if ref.same_item:
                    found = done.get(item)  # type: ignore[arg-type]
                elif done:
                    found = dict(done)
            if found is None:
                if ref.optional:
                    continue
                return None
            keys[name] = found
        return keys

    def missing_inputs(self, ws: WorkflowStep) -> list[str]:
        """The steps ``ws`` reads from that have no result."""
        return [r.step_id for r in ws.inputs.values() if r.step_id not in self.single and not self.items.get(r.step_id)]


class Scheduler:
    """Sends a run's tasks to the cluster and collects what comes back.

    Parameters
    ----------
    client : distributed.Client
        The run's client.
    wf : Workflow
        Gives ``retries`` and ``batch_s``.
    report : RunReport
        Counts the tasks (``tasks``) and the workers' encoding time (``encode_s``).
    n_workers : int
        Workers at the start (used when the scheduler cannot be asked).
    """

    def __init__(self, client: Any, wf: Workflow, report: RunReport, n_workers: int) -> None:
        self.client = client
        self.wf = wf
        self.report = report
        self.n_workers = n_workers
        # future -> (step, [(item, store key, meta)], several items in one task)
        self.futures: dict[Any, tuple[WorkflowStep, list[tuple[str | None, str, dict[str, Any]]], bool]] = {}
        self.queued: dict[str, list[Entry]] = {}  # step id -> held back items
        self.item_times: dict[str, list[float]] = {}  # step id -> run times of its items done in this run
        self.priority = remaining_path_s(wf)  # step id -> Dask priority of its tasks (higher first)
        self.key_step: dict[str, WorkflowStep] = {}  # Dask key -> step, of the tasks in flight
        self.long_on: dict[str, str] = {}  # Dask key -> worker, of the long tasks in flight (Scheduler.places)

    def start(self, ws: WorkflowStep, ready: list[Entry]) -> list[Any]:
        """Submit the items of a step that are ready; returns the new futures.

        With ``run.batch_s`` and many items, only the first few go at once
        (single items); the run times of those decide how the rest is grouped
        (:meth:`release`).
        """
        window = IN_FLIGHT_PER_WORKER * self.workers()
        if self.wf.batch_s > 0 and ws.spec.fan_out != "none" and len(ready) > 2 * window:
            # single items first; the run times of the items done decide how the rest is grouped (release)
            ready, self.queued[ws.id] = ready[:window], ready[window:]
        where = self.places()
        if where == []:  # every worker runs a long task: the items wait here for the first one free (feed)
            if ready:
                self.queued[ws.id] = ready + self.queued.get(ws.id, [])
            return []
        return [self.submit(ws, [r], where) for r in ready]

    def expected_s(self, ws: WorkflowStep) -> float:
        """How long one task of ``ws`` is expected to run (s): the step's ``cost_s``, or for a fanned-out step the
        median run time of its items done so far (0 before the first)."""
        if ws.spec.fan_out == "none":
            return ws.cost_s
        times = sorted(self.item_times.get(ws.id, []))
        return times[len(times) // 2] if times else 0.0

    def places(self) -> list[str] | None:
        """Where a new task may go: None anywhere (Dask decides), else the workers not running a long task (a loose
        restriction), ``[]`` when every worker runs one (hold the task back). See the module docstring."""
        processing = self._processing()
        if processing is None:
            return None
        busy = self._long_busy(processing)
        if not busy:
            return None
        return sorted(w for w in processing if w not in busy)

    def _processing(self) -> dict[str, list[str]] | None:
        """The scheduler's tasks per worker (keys), or None if it cannot be asked."""
        try:
            return {w: list(keys) for w, keys in self.client.processing().items()}
        except Exception:  # noqa: BLE001 - informational: without the scheduler's view, Dask places the tasks
            return None

    def _long_busy(self, processing: dict[str, list[str]]) -> set[str]:
        """Workers with a long task: placed there by :meth:`submit`, or shown there by the scheduler."""
        busy = {w for w in self.long_on.values() if w in processing}
        busy.update(w for w, keys in processing.items()
                    if any(k in self.key_step and self.expected_s(self.key_step[k]) >= LONG_TASK_S for k in keys))
        return busy

    def _place_long(self, workers: list[str] | None) -> list[str] | None:
        """One worker for a long task (of ``workers`` if given): the one with fewest tasks and no long one."""
        processing = self._processing()
        if not processing:
            return workers
        busy = self._long_busy(processing)
        cands = [w for w in (workers or sorted(processing)) if w in processing]
        if not cands:
            return workers
        return [min(cands, key=lambda w: (w in busy, len(processing[w]), w))]

    def submit(self, ws: WorkflowStep, entries: list[Entry], workers: list[str] | None = None) -> Any:
        """One Dask task for one item, or for several short items of the same step.

        ``workers``: where it should run if it can (a loose restriction: it may run elsewhere).
        """
        long = self.expected_s(ws) >= LONG_TASK_S
        if long and (not workers or len(workers) > 1):  # known where it runs, so nothing is placed behind it
            workers = self._place_long(workers)
        place = {"workers": list(workers), "allow_other_workers": True} if workers else {}
        if len(entries) == 1:
            item, key, meta, task = entries[0]
            fut = self.client.submit(execute_task, task, self.wf.retries, key=f"{ws.id}-{item or 'all'}-{meta['run_key'][:12]}",
                                     pure=False, priority=self.priority[ws.id], **place)
        else:
            h = hashlib.sha256("".join(e[2]["run_key"] for e in entries).encode()).hexdigest()[:12]
            fut = self.client.submit(execute_batch, [e[3] for e in entries], self.wf.retries,
                                     key=f"{ws.id}-{entries[0][0]}+{len(entries) - 1}-{h}", pure=False,
                                     priority=self.priority[ws.id], **place)
        self.futures[fut] = (ws, [e[:3] for e in entries], len(entries) > 1)
        self.key_step[fut.key] = ws
        if long and workers:
            self.long_on[fut.key] = workers[0]
        self.report.tasks += 1
        return fut

    def workers(self) -> int:
        """Workers now (a job-queue cluster grows while the run goes on)."""
        try:
            return max(1, len(self.client.scheduler_info().get("workers", {})))
        except Exception:  # noqa: BLE001 - informational; keep the count from the start
            return self.n_workers

    def idle_workers(self) -> list[str]:
        """Workers with no task at all, neither running nor waiting (addresses; [] if the scheduler cannot say)."""
        try:
            return sorted(w for w, keys in self.client.processing().items() if not keys)
        except Exception:  # noqa: BLE001 - informational: the run goes on without feeding
            return []

    def feed(self, workers: list[str]) -> list[Any]:
        """Send one more task of held-back items to each of ``workers`` (idle ones), highest priority step first.

        A step's items go out as its tasks finish (:meth:`release`), and Dask
        puts a task on a worker when it is sent. Tasks that went to a worker
        now busy with a long task (an inversion) wait there, count as in
        flight, and nothing more of their step goes out while another worker
        has nothing to do (the demo: one worker idle 65 s of its 196). Here
        each idle worker gets a task of its own.
        """
        by_id = {w.id: w for w in self.wf.steps}
        new: list[Any] = []
        for w in workers:
            if not self.queued:
                break
            sid = max(self.queued, key=lambda i: self.priority[i])
            new.extend(self._send(by_id[sid], 1, workers=[w]))
        return new

    def restart_held(self, in_flight: dict[str, int]) -> list[Any]:
        """One task for each step whose items are all held back (none in flight), highest priority first, while
        :meth:`places` allows; returns the new futures. ``in_flight``: tasks in flight per step id (updated).

        A step held back while every worker ran a long task has no task of its own whose end would send more
        (:meth:`release`), and a worker kept busy by other steps' items never falls idle for :meth:`feed`: the
        demo's ERT QC waited 31 s so, behind H/V and refraction items of lower priority, and the ERT inversion
        behind it started only after the refraction tomography."""
        by_id = {w.id: w for w in self.wf.steps}
        new: list[Any] = []
        for sid in sorted((i for i in self.queued if not in_flight.get(i)), key=lambda i: -self.priority[i]):
            where = self.places()
            if where == []:
                break
            futs = self._send(by_id[sid], 1, where)
            in_flight[sid] = in_flight.get(sid, 0) + len(futs)
            new.extend(futs)
        return new

    def release(self, ws: WorkflowStep, in_flight: int) -> list[Any]:
        """Submit held-back items of a step, grouped so a task runs about ``run.batch_s``.

        Dask's own cost is a few milliseconds per task (scheduler, transfer,
        bookkeeping); items of a few tens of milliseconds (an H/V record)
        would spend a large part of their time on it. Items are sent as tasks
        finish, keeping three tasks per worker in flight, in groups sized by the
        median run time of the items done so far (robust to the slow first
        item of a worker). On several workers the groups shrink towards the end
        so the workers finish together, but not below ``MIN_TASK_FRACTION`` of
        ``batch_s``: each task costs its few milliseconds of Dask however short,
        and a tail of single 15 ms items spent more on that than the workers
        could wait for each other. Items of ``batch_s`` or more stay one per task.
        """
        where = self.places()
        if where == []:  # every worker runs a long task (module docstring): feed sends them later
            return []
        return self._send(ws, IN_FLIGHT_PER_WORKER * self.workers() - in_flight, where)

    def _send(self, ws: WorkflowStep, tasks: int, workers: list[str] | None = None) -> list[Any]:
        """Up to ``tasks`` tasks of the held-back items of ``ws``, grouped as :meth:`release` says (``workers``: where
        they should run, a loose restriction)."""
        queue = self.queued[ws.id]
        times = sorted(self.item_times.get(ws.id, []))
        median = max(times[len(times) // 2] if times else float("inf"), 1e-4)
        n = self.workers()
        full = max(1, int(self.wf.batch_s / median))
        least = max(1, int(MIN_TASK_FRACTION * self.wf.batch_s / median))
        new = []
        while queue and len(new) < tasks:
            k = full if n == 1 else max(least, min(full, -(-len(queue) // (2 * n))))
            new.append(self.submit(ws, queue[:k], workers))
            del queue[:k]
        if not queue:
            del self.queued[ws.id]
        return new

    def fetch(self, batch: list[Any]) -> list[Outcome]:
        """The outcome of every item of a batch of finished tasks: (step, item, key, meta, outcome)."""
        # one round trip for the whole batch (fut.result() per future costs one each)
        finished = [f for f in batch if f.status == "finished"]
        try:
            by_fut = dict(zip(finished, self.client.gather(finished), strict=True))
        except Exception:  # noqa: BLE001 - e.g. a result lost with its worker: fetched one by one below
            by_fut = {}
        out = []
        for fut in batch:
            ws, entries, grouped = self.futures[fut]
            self.key_step.pop(fut.key, None)
            self.long_on.pop(fut.key, None)
            try:
                res = by_fut[fut] if fut in by_fut else fut.result()
            except Exception as exc:  # task error, after retries; or a lost worker
                res = [{"error": format_error(exc)}] * len(entries) if grouped else {"error": format_error(exc)}
            for (item, key, meta), o in zip(entries, res if grouped else [res], strict=True):
                if "error" not in o:
                    self.item_times.setdefault(ws.id, []).append(o["elapsed_s"])
                    self.report.encode_s += o.get("encode_s", 0.0)
                out.append((ws, item, key, meta, o))
        return out
