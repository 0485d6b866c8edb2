"""When the runner's figure tasks go out: only into workers the items leave free, upstream figures first.

A figure is drawn on a worker once its result is committed (:meth:`geoexplore.pipeline.runner._Runner._flush`).
Sent at once, the figures of a run queue up on the workers; an item submitted later (the next step of a
chain, an inversion) then waits behind the figure its worker is drawing, and Dask sends it to the worker
with the shorter queue, so a chain's items run on one worker while the other draws. The demo's timeline
showed it (``benchmarks/demo_timeline.py``): the MT chain's 1D inversions ran one after another on one
worker while the other drew 8 figures, and the 2D inversion started behind four more.

So the figures wait on the client, in the order their results were committed, and go out only to a
worker with no task at all (:meth:`FigureQueue.feed`, called by the runner each time tasks finish and
while it waits): items never wait behind more than the one figure a worker is drawing, and the figures
fill the gaps (one long inversion on one worker: the figures run on the other). After the last item
every remaining figure goes out (:meth:`FigureQueue.finish`, :meth:`FigureQueue.pump`).

The figure of a step that no other step reads from (the report) goes out only after the figures of
every step upstream of it are drawn: the report's figure function embeds the method figures it finds
in ``figures/`` (:mod:`geoexplore.report.steps`), so it must not start while one of them is still being
drawn on another worker. Other figures do not wait for each other: a first version held every figure
behind its upstream steps' and left a worker idle for 20-55 s at a time in the demo's tail.

Only the order of drawing changes: each figure is the same function of the same stored result.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from geoexplore.pipeline.record import ItemRecord
from geoexplore.pipeline.schedule import deps
from geoexplore.pipeline.task import draw_figure
from geoexplore.pipeline.workflow import Workflow

#: one queued figure: (step id, figure function, store path, store key, figure path, stored form or None, record)
Queued = tuple[str, str, str, str, Path, Any, ItemRecord]


def upstream_steps(wf: Workflow) -> dict[str, set[str]]:
    """Per step id: every step it reads from, directly or through others (steps come in dependency order)."""
    up: dict[str, set[str]] = {}
    for ws in wf.steps:
        d = deps(ws)
        up[ws.id] = set(d).union(*(up.get(x, set()) for x in d))
    return up


def figures_must_wait(wf: Workflow) -> dict[str, set[str]]:
    """Per step id that no other step reads from: the steps upstream of it, whose figures its figure waits for."""
    up = upstream_steps(wf)
    read = set().union(*(deps(ws) for ws in wf.steps))
    return {ws.id: up[ws.id] for ws in wf.steps if ws.id not in read}


class FigureQueue:
    """Figure tasks held on the client and sent into free workers (module docstring).

    Parameters
    ----------
    client : distributed.Client
    wf : Workflow
        Gives each step's upstream steps.
    """

    def __init__(self, client: Any, wf: Workflow) -> None:
        self.client = client
        self.upstream = figures_must_wait(wf)
        self.queue: list[Queued] = []
        self.in_flight: dict[Any, Queued] = {}  # future -> what it draws
        self.done: list[tuple[Any, ItemRecord, Path]] = []  # futures finished, in the order they finished

    def add(self, step_id: str, figure: str, store_path: str, key: str, path: Path, stored: Any, rec: ItemRecord) -> None:
        """Queue the figure of a committed result."""
        self.queue.append((step_id, figure, store_path, key, path, stored, rec))

    def __contains__(self, fut: Any) -> bool:
        return fut in self.in_flight

    def __bool__(self) -> bool:
        return bool(self.queue or self.in_flight)

    def _ready(self, q: Queued) -> bool:
        """``q`` draws no sink step's figure, or no figure of a step upstream of it is queued or being drawn."""
        up = self.upstream.get(q[0], set())
        return not any(o[0] in up for o in (*self.queue, *self.in_flight.values()) if o is not q)

    def _take_ready(self) -> Queued | None:
        """The oldest queued figure that may go out now (:meth:`_ready`), taken off the queue; None if there is none."""
        q = next((q for q in self.queue if self._ready(q)), None)
        if q is not None:
            self.queue.remove(q)
        return q

    def pump(self, free: int) -> list[Any]:
        """Send up to ``free`` figures minus those in flight, oldest ready first; returns the new futures."""
        new = []
        while len(self.in_flight) < free and (q := self._take_ready()) is not None:
            new.append(self._submit(q))
        return new

    def feed(self, workers: list[str]) -> list[Any]:
        """Send one ready figure to each of ``workers`` (idle ones; a loose restriction), oldest first."""
        new = []
        for w in workers:
            if (q := self._take_ready()) is None:
                break
            new.append(self._submit(q, [w]))
        return new

    def _submit(self, q: Queued, workers: list[str] | None = None) -> Any:
        _, figure, store_path, key, path, stored, _ = q
        place = {"workers": workers, "allow_other_workers": True} if workers else {}
        fut = self.client.submit(draw_figure, figure, store_path, key, str(path), stored,
                                 key=f"figure-{key.replace('/', '-')}-{time.monotonic_ns()}", pure=False, **place)
        self.in_flight[fut] = q
        return fut

    def finished(self, fut: Any) -> None:
        """A figure task is over (drawn, failed or lost): its result is read in :meth:`finish`."""
        q = self.in_flight.pop(fut)
        self.done.append((fut, q[6], q[4]))

    def finish(self, on_done: Callable[[Any, ItemRecord, Path], None]) -> None:
        """Send every remaining figure (upstream first) and wait for all; ``on_done(future, record, path)`` for each."""
        from distributed import as_completed

        for fut, rec, path in self.done:
            on_done(fut, rec, path)
        self.done = []
        # the run's client need not be the default one (distributed.wait would look for that)
        ac = as_completed(list(self.in_flight), loop=self.client.loop, with_results=False)
        while self:
            for fut in self.pump(len(self.queue) + len(self.in_flight)):
                ac.add(fut)
            if not self.in_flight:  # pragma: no cover - only a cycle could block every queued figure
                raise RuntimeError("figures wait on each other")
            for fut in ac.next_batch(block=True):
                q = self.in_flight.pop(fut)
                on_done(fut, q[6], q[4])
