"""Where the time of the distributed 2D MT inversion goes: wall, CPU and run-queue wait per thread and process.

A task's wall time is its CPU time plus the time its thread was runnable
but not running (waiting on the run queue: another process or thread had
the core) plus the time it slept (waiting for the GIL, I/O, a lock). Linux
records the first two per thread in ``/proc/<pid>/task/<tid>/schedstat``
(nanoseconds on CPU, nanoseconds waiting on a run queue, time slices;
``Documentation/scheduler/sched-stats.rst`` of the kernel). So

* CPU per task rising from 1 to 2 workers: the tasks themselves got slower
  (shared cache and memory bandwidth);
* run-queue wait rising: CPU taken by other processes or threads;
* the rest (wall - CPU - wait) rising: the task thread slept, e.g. waiting
  for the GIL held by the worker's event-loop thread.

Where ``schedstat`` is missing (not Linux, or a kernel without
``CONFIG_SCHED_INFO``) the wait is NaN and the CPU comes from
:func:`time.thread_time`.
"""

from __future__ import annotations

import os
import time
from typing import Any

import numpy as np


def _schedstat(path: str) -> tuple[float, float] | None:
    """(CPU s, run-queue wait s) from a ``schedstat`` file, or None when it cannot be read."""
    try:
        with open(path) as fh:
            a = fh.read().split()
        return int(a[0]) * 1e-9, int(a[1]) * 1e-9
    except (OSError, IndexError, ValueError):
        return None


def thread_clock() -> tuple[float, float, float]:
    """(wall s, CPU s, run-queue wait s) of the calling thread, to difference between two calls.

    Wall is :func:`time.perf_counter`; CPU and wait come from
    ``/proc/thread-self/schedstat``, else CPU from :func:`time.thread_time`
    and wait NaN.
    """
    wall = time.perf_counter()
    s = _schedstat("/proc/thread-self/schedstat")
    if s is None:
        return wall, time.thread_time(), float("nan")
    return wall, s[0], s[1]


def process_clock(pid: int | None = None) -> dict[str, Any]:
    """CPU and run-queue wait of every live thread of process ``pid`` (default: this one).

    Returns
    -------
    dict
        ``cpu_s`` (user + system of the whole process, from psutil, includes
        threads that ended), ``wait_s`` (sum of the live threads' run-queue
        waits, NaN without ``schedstat``), and ``threads``: thread id ->
        (CPU s, wait s) of each live thread.
    """
    import psutil

    pid = os.getpid() if pid is None else int(pid)
    p = psutil.Process(pid)
    t = p.cpu_times()
    threads: dict[int, tuple[float, float]] = {}
    for th in p.threads():
        s = _schedstat(f"/proc/{pid}/task/{th.id}/schedstat")
        threads[th.id] = s if s is not None else (th.user_time + th.system_time, float("nan"))
    wait = float(np.sum([w for _, w in threads.values()])) if threads else float("nan")
    return {"cpu_s": t.user + t.system, "wait_s": wait, "threads": threads}


def clock_delta(before: dict[str, Any], after: dict[str, Any]) -> dict[str, float]:
    """CPU and wait of a process between two :func:`process_clock` readings, and of its busiest thread.

    Returns
    -------
    dict
        ``cpu_s``, ``wait_s`` (live threads only), ``top_thread_cpu_s`` (the
        thread that used the most CPU in between: in a worker the task thread,
        in the client its main thread) and ``other_threads_cpu_s`` (the rest,
        i.e. the event loops, communication and heartbeats).
    """
    per = {tid: (c - before["threads"].get(tid, (0.0, 0.0))[0], w - before["threads"].get(tid, (0.0, 0.0))[1])
           for tid, (c, w) in after["threads"].items()}
    cpu = after["cpu_s"] - before["cpu_s"]
    top = max((c for c, _ in per.values()), default=0.0)
    return {"cpu_s": cpu, "wait_s": float(np.sum([w for _, w in per.values()])), "top_thread_cpu_s": top,
            "other_threads_cpu_s": cpu - top}
