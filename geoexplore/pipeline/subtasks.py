"""Sub-tasks of a workflow step: a step's task that spreads its own work over the cluster's workers.

A step runs as one task on one worker. A step made of independent pieces
(the MT 2D inversion's per-frequency solves, the tomography's uncertainty
runs) can spread them over the cluster from inside that task with
:func:`distributing`: the task takes a :func:`distributed.worker_client`,
secedes from its worker's thread pool while the pieces run (so its own
worker runs some of them too) and rejoins at the end. Outside a worker, or
on a one-worker cluster, the pieces run in the task.
"""

from __future__ import annotations

from typing import Any


def distributing(setting: str) -> Any:
    """Context manager yielding the Dask client to distribute with from inside a workflow step, or None.

    ``setting`` ``"off"``: None. ``"auto"``: when this code runs as a task on a
    Dask worker of a cluster with more than one worker, a client from
    :func:`distributed.worker_client` (the step task secedes from its
    worker's thread pool while its sub-tasks run, so that worker runs them
    too, and rejoins at the end); otherwise (not on a worker, or one worker) None.
    """
    import contextlib

    @contextlib.contextmanager
    def ctx() -> Any:
        if setting == "off":
            yield None
            return
        try:
            from distributed import get_worker, worker_client

            get_worker()
        except (ImportError, ValueError):
            yield None
            return
        with worker_client() as client:
            yield client if len(client.scheduler_info()["workers"]) > 1 else None

    return ctx()


__all__ = ["distributing"]
