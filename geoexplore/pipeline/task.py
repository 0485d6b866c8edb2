"""What runs on a Dask worker: one step on one item (or several short items), and a result's figure.

The runner submits the module-level functions :func:`execute_task`,
:func:`execute_batch` and :func:`draw_figure` (Dask pickles functions by
module path: they stay at module level here). A task is plain data
(:func:`make_task`): the step's name and settings as JSON, the item, the
store keys of its inputs and the paths; inputs are read from the project
store on the worker, never sent from the client.
"""

from __future__ import annotations

import contextlib
import functools
import io
import logging
import socket
import time
import traceback
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from geoexplore.core.errors import (
    FileFormatError,
    ModelError,
    SettingsError,
    StoreError,
    WorkflowError,
)
from geoexplore.core.fpenv import reset as reset_fpenv
from geoexplore.core.quiet import quiet_third_party
from geoexplore.core.store import ProjectStore, is_mapping_result, result_digest
from geoexplore.core.store.ncread import open_netcdf, read_group
from geoexplore.core.store.ncwrite import EncodedResult, encode_image, link_dimensions
from geoexplore.core.store.records import row_dataset, row_from_dataset
from geoexplore.pipeline.capture import route_library_logs
from geoexplore.pipeline.record import format_error, result_nbytes

log = logging.getLogger("geoexplore.pipeline")

#: errors that say the input is wrong: trying again gives the same error
NOT_RETRIED: tuple[type[Exception], ...] = (FileFormatError, SettingsError, ModelError, WorkflowError)
IMAGE_MAX_BYTES = 256 * 2**20  # larger results travel as Datasets: an in-memory HDF5 copy would double the worker's memory


def make_task(ws: Any, item: str | None, value: Any, inputs: Mapping[str, Any], *, settings_json: str,
              store_path: str, input_dir: str) -> dict[str, Any]:
    """The plain data :func:`execute_task` needs to run the workflow step ``ws`` on one item.

    Parameters
    ----------
    ws : WorkflowStep
        The step of the workflow.
    item, value : str or None, any
        The item's name and value (a file path for a per-file step).
    inputs : mapping
        Input name -> store key (or item -> store key for a fanned-out upstream step).
    settings_json : str
        The step's validated settings as JSON (the same for every item).
    store_path, input_dir : str
        The project store and the workflow's input directory.
    """
    return {
        "step": ws.spec.name,
        "module": ws.spec.module,
        "step_id": ws.id,
        "settings_json": settings_json,
        "item": item,
        "item_value": value,
        "inputs": inputs,
        "store": store_path,
        "input_dir": input_dir,
        "line": ws.line,
        "stack_items": ws.spec.stack_items,  # stored as a table row by the client: no HDF5 image
    }


#: seconds a worker waits for an input the runner has committed to show in its view of the store (a shared
#: file system may show a new version of the file late); on a local disk it is there at once
WORKER_VISIBLE_WAIT_S = 10.0


def _read_input(store: ProjectStore, key: str) -> Any:
    """One input of a task; a key the store does not show yet is looked for again for ``WORKER_VISIBLE_WAIT_S``."""
    deadline = time.monotonic() + WORKER_VISIBLE_WAIT_S
    while True:
        try:
            return store.read(key)
        except StoreError:
            if time.monotonic() > deadline or not store.missing([key]):
                raise  # a damaged result, or still absent: the item fails with the store's one line
            time.sleep(0.2)


def _load_inputs(store_path: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    store = ProjectStore(store_path)
    out: dict[str, Any] = {}
    for name, ref in inputs.items():
        if isinstance(ref, dict):  # fanned-out upstream: item -> key
            out[name] = {item: _read_input(store, key) for item, key in ref.items()}
        else:
            out[name] = _read_input(store, ref)
    return out


def execute_task(task: dict[str, Any], retries: int = 0) -> dict[str, Any]:
    """Run one step on one item, trying again up to ``retries`` times (called on a Dask worker).

    ``task`` holds only plain data: step name, settings JSON, item, input
    keys and paths. Inputs are read from the store here, on the worker.

    Returns ``{"result", "elapsed_s", "cpu_s", "encode_s", "digest", "worker",
    "attempts", "attempt_errors"}``, or for an item that failed every try
    ``{"error", "traceback", "attempts", "attempt_errors"}``: a failure is an
    outcome, not an exception, so the worker logs no error block of its own.
    Errors about the input itself (:data:`NOT_RETRIED`: a malformed file, bad
    settings, an invalid model) are not tried again: they would recur.
    """
    quiet_third_party()  # a C-library callback's traceback or a package's warning: the worker's log, one line
    route_library_logs()  # SimPEG's and pyGIMLi's log records: the worker's log, not the terminal
    errors: list[str] = []
    for attempt in range(1, retries + 2):
        reset_fpenv()  # the default FPU state, whatever an earlier task on this worker left (core.fpenv)
        try:
            out = _execute_once(task)
        except Exception as exc:  # noqa: BLE001 - reported per item in run.json
            errors.append(format_error(exc))
            tb = traceback.format_exc()
            if isinstance(exc, NOT_RETRIED):
                break
            continue
        out["attempts"], out["attempt_errors"] = attempt, errors
        return out
    return {"error": errors[-1], "traceback": tb[-20000:], "attempts": len(errors), "attempt_errors": errors[:-1]}


@functools.lru_cache(maxsize=64)
def _settings_from_json(cls: type[Any], text: str) -> Any:
    """A step's settings, validated once per worker (every item of a step sends the same; they are frozen)."""
    return cls.from_json(text)


def _execute_once(task: dict[str, Any]) -> dict[str, Any]:
    from geoexplore.pipeline.step import StepContext, get_step

    spec = get_step(task["step"], task.get("module"))
    settings = _settings_from_json(spec.settings, task["settings_json"])
    ctx = StepContext(
        step_id=task["step_id"],
        item=task["item"],
        item_value=task["item_value"],
        inputs=_load_inputs(task["store"], task["inputs"]),
        input_dir=Path(task["input_dir"]),
        line=task["line"],
    )
    t0, c0 = time.perf_counter(), time.process_time()
    # third-party codes print progress tables (SimPEG) and warnings: keep them out of the run's
    # output, in the worker's log at debug level
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf), warnings.catch_warnings():
        warnings.simplefilter("ignore", category=DeprecationWarning)
        warnings.filterwarnings("ignore", message=".*SparseEfficiencyWarning.*")
        warnings.filterwarnings("ignore", message="splu converted its input to CSC format")
        result = spec(ctx, settings)
    if buf.getvalue():
        log.debug("%s %s printed:\n%s", task["step_id"], task["item"] or "", buf.getvalue()[-20000:])
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    _check_result(spec.name, result)
    # the digest, and the HDF5 objects of the result (or its row of the step's record table), are made here
    # on the worker, in parallel; the client that writes every result into the one store then only copies
    # them in (see geoexplore.core.store.ncwrite and geoexplore.core.store.records)
    digest = result_digest(result)
    t1 = time.perf_counter()
    if task.get("stack_items") and not is_mapping_result(result):
        result = row_from_dataset(task["item"] or "", result) or result  # a row of the step's table (core.store.records)
    elif result_nbytes(result) <= IMAGE_MAX_BYTES:
        result = encode_image(result) or result
    return {"result": result, "elapsed_s": elapsed, "cpu_s": cpu, "encode_s": time.perf_counter() - t1, "digest": digest,
            "worker": socket.gethostname()}


def execute_batch(tasks: list[dict[str, Any]], retries: int = 0) -> list[dict[str, Any]]:
    """Run several short tasks of one step in one Dask task (called on a worker).

    Each item keeps its own outcome (see :func:`execute_task`); a failing
    item does not stop the others.
    """
    return [execute_task(task, retries) for task in tasks]


def _check_result(name: str, result: Any) -> None:
    import xarray as xr

    if isinstance(result, xr.Dataset):
        return
    if isinstance(result, Mapping) and result and all(isinstance(v, xr.Dataset) for v in result.values()):
        return
    raise WorkflowError(f"step '{name}' returned {type(result).__name__}; a step must return an xarray Dataset or a mapping of Datasets")


def draw_figure(figure: str, store_path: str, key: str, out_path: str, stored: Any = None) -> dict[str, Any]:
    """Draw one stored result's figure (runs on a worker): ``{"path", "cpu_s"}``, or ``{"error", "traceback"}`` if it fails.

    ``cpu_s`` is the CPU time of the worker process while drawing (s): workers run one thread each, so it is
    the figure's, with the threads of the libraries it calls.

    ``stored``: the result in the form the runner just wrote into the store, sent with the task: a row of the
    step's record table (:class:`geoexplore.core.store.records.Row`, drawn as the Dataset the store's ``read``
    makes of it) or the worker-written HDF5 image (:class:`geoexplore.core.store.ncwrite.EncodedResult`, read
    back from memory with the dimension scales the store attaches: :func:`result_from_image`). Reading the
    store file instead costs 0.2-0.6 s of CPU per small result during a run (every commit makes the worker
    read a record table again; h5netcdf resolves each dimension scale by name in the whole file). None: read ``key``.

    Figure functions draw on :func:`geoexplore.viz.figure.new_figure` (no pyplot), so no backend is set here.
    """
    from geoexplore.pipeline.step import load_callable

    route_library_logs()
    reset_fpenv()
    c0 = time.process_time()
    try:
        if stored is None:
            result = ProjectStore(store_path).read(key)
        else:
            result = result_from_image(stored) if isinstance(stored, EncodedResult) else row_dataset(stored)
        load_callable(figure)(result, out_path)
    except Exception as exc:  # noqa: BLE001 - reported by the runner, not logged by the worker
        return {"error": format_error(exc), "traceback": traceback.format_exc()[-20000:]}
    return {"path": out_path, "cpu_s": time.process_time() - c0}


def result_from_image(enc: EncodedResult) -> Any:
    """The Dataset (or mapping of Datasets) of a worker-written HDF5 image, as the store's ``read`` returns it once the
    image is copied in: the image opened in memory, its dimension scales attached and numbered as
    :func:`geoexplore.core.store.ncwrite.insert_image` does, then read with xarray (:func:`geoexplore.core.store.ncread.read_group`; tested identical)."""
    import h5py

    fapl = h5py.h5p.create(h5py.h5p.FILE_ACCESS)
    fapl.set_fapl_core(backing_store=False)
    fapl.set_file_image(enc.image)
    fid = h5py.h5f.open(f"geoexplore-figure-{id(enc)}".encode(), h5py.h5f.ACC_RDWR, fapl=fapl)
    with h5py.File(fid) as f:
        next_dimid = 0
        for path, layout in enc.layouts.items():
            next_dimid = link_dimensions(f[path], layout, next_dimid)

        with open_netcdf(f) as nc:
            if enc.kind == "mapping":
                return {path.partition("/")[2]: read_group(nc, path) for path in enc.layouts}
            return read_group(nc, "r")
