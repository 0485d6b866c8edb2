"""Per-thread wall, CPU and run-queue wait (Linux schedstat) against Python's and psutil's own clocks."""

import os
import time

import numpy as np

from geoexplore.mt.invert2d_clock import clock_delta, process_clock, thread_clock


def _spin(seconds: float) -> None:
    t0 = time.thread_time()
    x = 0.0
    while time.thread_time() - t0 < seconds:
        x += np.sqrt(2.0)


def test_thread_clock_cpu_matches_thread_time_and_sleep_is_not_cpu():
    """CPU from schedstat agrees with time.thread_time over a busy loop; a sleep adds wall, not CPU."""
    w0, c0, q0 = thread_clock()
    t0 = time.thread_time()
    _spin(0.3)
    t1 = time.thread_time()
    w1, c1, q1 = thread_clock()
    assert abs((c1 - c0) - (t1 - t0)) < 0.05
    assert w1 - w0 >= c1 - c0 - 0.02  # wall >= CPU
    assert np.isnan(q1) or q1 - q0 >= 0.0
    w2, c2, _ = thread_clock()
    time.sleep(0.2)
    w3, c3, _ = thread_clock()
    assert w3 - w2 >= 0.19 and c3 - c2 < 0.05


def test_process_clock_sees_the_busy_thread():
    """The busiest thread between two readings is the one that spun; the process CPU covers it (psutil)."""
    before = process_clock(os.getpid())
    _spin(0.3)
    d = clock_delta(before, process_clock())
    assert d["top_thread_cpu_s"] >= 0.25
    assert d["cpu_s"] >= d["top_thread_cpu_s"] - 0.02
    assert d["other_threads_cpu_s"] == d["cpu_s"] - d["top_thread_cpu_s"]
