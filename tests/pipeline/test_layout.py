"""The runner split by concern: workers get module-level functions of pipeline.task; runner re-exports the old names."""

from __future__ import annotations

import pickle

from geoexplore.pipeline import cluster, record, resume, runner, schedule, task


def test_worker_functions_are_module_level_in_task():
    for f in (task.execute_task, task.execute_batch, task.draw_figure):
        assert f.__module__ == "geoexplore.pipeline.task"
        assert pickle.loads(pickle.dumps(f)) is f  # pickled by module path, as Dask sends them


def test_runner_re_exports_the_names_it_had():
    homes = (cluster, record, resume, schedule, task)
    for name in runner.__all__:
        obj = getattr(runner, name)
        assert name in ("run_workflow", "Progress") or any(getattr(m, name, None) is obj for m in homes), name
