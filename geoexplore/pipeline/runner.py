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
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import json
import logging
import os
import socket
import time
import traceback
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from geoexplore.core.errors import FileFormatError, GeoexploreError, ModelError, SettingsError, StoreError, WorkflowError
from geoexplore.core.store import ProjectStore, file_digest, is_mapping_result, result_digest, result_key
from geoexplore.pipeline.workflow import JOBQUEUE_SYSTEMS, SECURITY_KEYS, Workflow, WorkflowStep

log = logging.getLogger("geoexplore.pipeline")

Progress = Callable[[str], None]


@dataclass
class ItemRecord:
    """Outcome of one task (one step on one item)."""

    step_id: str
    step: str
    item: str | None
    key: str
    status: str  # done | reused | failed | skipped
    elapsed_s: float = 0.0
    error: str | None = None
    figure: str | None = None
    figure_error: str | None = None  # why the figure could not be drawn (the result is stored all the same)
    attempts: int = 1  # tries of the item (1 + retries used)
    attempt_errors: list[str] = field(default_factory=list)  # why earlier tries failed (an item that recovered)
    traceback: str | None = None  # a failed item's traceback (run.json only, not the console)


@dataclass
class RunReport:
    """What a run did; also written to ``OUT/run.json``."""

    workflow: str
    out_dir: str
    started_utc: str
    finished_utc: str | None = None
    scheduler: str | None = None
    n_workers: int | None = None
    store_write_s: float = 0.0  # time the client spent writing results into the store
    encode_s: float = 0.0  # time the workers spent making results storable (HDF5 images, record-table rows)
    tasks: int = 0  # Dask tasks submitted (short items of a step are grouped into one task)
    store_commits: int = 0  # store transactions (results are written in groups, see _Runner._flush_due_in)
    items: list[ItemRecord] = field(default_factory=list)

    @property
    def failed(self) -> list[ItemRecord]:
        return [r for r in self.items if r.status in ("failed", "skipped")]

    @property
    def ok(self) -> bool:
        return not self.failed

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.items:
            out[r.status] = out.get(r.status, 0) + 1
        return out

    def to_json(self) -> str:
        d = asdict(self)
        d["counts"] = self.counts()
        d["failed"] = [asdict(r) for r in self.failed]
        return json.dumps(d, indent=2)


# -- task execution on the worker ----------------------------------------------------
def _load_inputs(store_path: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    store = ProjectStore(store_path)
    out: dict[str, Any] = {}
    for name, ref in inputs.items():
        if isinstance(ref, dict):  # fanned-out upstream: item -> key
            out[name] = {item: store.read(key) for item, key in ref.items()}
        else:
            out[name] = store.read(ref)
    return out


#: errors that say the input is wrong: trying again gives the same error
NOT_RETRIED: tuple[type[Exception], ...] = (FileFormatError, SettingsError, ModelError, WorkflowError)


def execute_task(task: dict[str, Any], retries: int = 0) -> dict[str, Any]:
    """Run one step on one item, trying again up to ``retries`` times (called on a Dask worker).

    ``task`` holds only plain data: step name, settings JSON, item, input
    keys and paths. Inputs are read from the store here, on the worker.

    Returns ``{"result", "elapsed_s", "encode_s", "digest", "worker",
    "attempts", "attempt_errors"}``, or for an item that failed every try
    ``{"error", "traceback", "attempts", "attempt_errors"}``: a failure is an
    outcome, not an exception, so the worker logs no error block of its own.
    Errors about the input itself (:data:`NOT_RETRIED`: a malformed file, bad
    settings, an invalid model) are not tried again: they would recur.
    """
    errors: list[str] = []
    for attempt in range(1, retries + 2):
        try:
            out = _execute_once(task)
        except Exception as exc:  # noqa: BLE001 - reported per item in run.json
            errors.append(_format_error(exc))
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
    t0 = time.perf_counter()
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
    elapsed = time.perf_counter() - t0
    _check_result(spec.name, result)
    # the digest, and the HDF5 objects of the result (or its row of the step's record table), are made here
    # on the worker, in parallel; the client that writes every result into the one store then only copies
    # them in (see geoexplore.core.ncwrite and geoexplore.core.records)
    digest = result_digest(result)
    t1 = time.perf_counter()
    if task.get("stack_items") and not is_mapping_result(result):
        from geoexplore.core.records import row_from_dataset

        result = row_from_dataset(task["item"] or "", result) or result  # a row of the step's table (core.records)
    elif _result_nbytes(result) <= IMAGE_MAX_BYTES:
        from geoexplore.core.ncwrite import encode_image

        result = encode_image(result) or result
    return {"result": result, "elapsed_s": elapsed, "encode_s": time.perf_counter() - t1, "digest": digest,
            "worker": socket.gethostname()}


FLUSH_SPACING = 20.0  # results are written at most every FLUSH_SPACING x the store's fixed transaction cost
FLUSH_BYTES = 256 * 2**20  # ... or when this much waits in the client
FLUSH_MIN_FIXED_S = 0.005  # below this fixed cost (a store on a RAM disk) every batch is written at once
IN_FLIGHT_PER_WORKER = 3  # tasks of a step kept queued per worker while its items are sent in groups
MIN_TASK_FRACTION = 0.2  # groups shrink at the end of a step, on several workers, to no less than this x run.batch_s
IMAGE_MAX_BYTES = 256 * 2**20  # larger results travel as Datasets: an in-memory HDF5 copy would double the worker's memory


def _result_nbytes(result: Any) -> int:
    """Bytes of a Dataset, a mapping of Datasets or an encoded result."""
    return sum(d.nbytes for d in result.values()) if is_mapping_result(result) else int(result.nbytes)


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


# -- clusters ------------------------------------------------------------------------
def default_n_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def check_n_workers(n_workers: Any) -> None:
    """Refuse a worker count that is not a whole number of 1 or more (Dask waits for ever on -1)."""
    if n_workers is not None and (not isinstance(n_workers, int) or isinstance(n_workers, bool) or n_workers < 1):
        raise WorkflowError(f"workers must be a whole number of 1 or more, got {n_workers!r}")


@contextlib.contextmanager
def open_client(
    *,
    scheduler: str | None = None,
    n_workers: int | None = None,
    cluster_config: Mapping[str, Any] | None = None,
    client: Any = None,
) -> Iterator[Any]:
    """A Dask client for the run (see module docstring for the choices)."""
    from distributed import Client

    if client is not None:
        yield client
        return
    cluster_config = dict(cluster_config or {})
    security = make_security(cluster_config.get("security"))
    if scheduler:
        try:
            c = Client(scheduler, security=security, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, TypeError, ValueError) as exc:  # distributed raises TypeError for tls:// without TLS settings
            hint = ""
            if str(scheduler).startswith("tls://"):
                hint = (" (a tls:// scheduler needs cluster.security in the workflow or --tls-ca-file/--tls-cert/--tls-key)"
                        if security is None else
                        " (TLS: the scheduler's certificate must be signed by ca_file, and cert by a CA the scheduler trusts)")
            msg = " ".join(str(exc).split())  # one line
            raise WorkflowError(f"cannot connect to the Dask scheduler at {scheduler}: {msg}{hint}") from None
        try:
            yield c
        finally:
            c.close()
        return
    if cluster_config.get("jobqueue"):
        cluster = make_jobqueue_cluster(cluster_config["jobqueue"])
        c = Client(cluster, set_as_default=False)
        try:
            yield c
        finally:
            c.close()
            cluster.close()
        return
    cluster = local_cluster(n_workers)
    c = Client(cluster, set_as_default=False)
    try:
        yield c
    finally:
        c.close()
        cluster.close()


# Dask's nanny exports MALLOC_TRIM_THRESHOLD_=65536 to its workers (to hand freed memory back to the OS
# sooner). Setting it switches off glibc's dynamic mmap threshold: every large NumPy temporary is then
# mmapped and page-faulted afresh, and allocation-heavy kernels slow down (MT transfer functions: 0.5 s
# per station in a plain process, 1.2-1.4 s on a worker; the same in a plain process with the variable).
# geoexplore's workers start without it; a value exported by the user is kept.
WORKER_ENV_UNSET = ("MALLOC_TRIM_THRESHOLD_",)


def local_cluster(n_workers: int | None = None, **kwargs: Any) -> Any:
    """The LocalCluster geoexplore runs on: worker processes with one thread each, on 127.0.0.1 only.

    Parameters
    ----------
    n_workers : int, optional
        Worker processes (default: CPUs, at most 8).
    **kwargs
        Further :class:`distributed.LocalCluster` arguments (``memory_limit``, ...).

    Notes
    -----
    Workers start without Dask's ``MALLOC_TRIM_THRESHOLD_`` (see
    ``WORKER_ENV_UNSET``): with it, allocation-heavy NumPy kernels ran 2-3
    times slower on a worker than in a plain process.
    """
    import dask
    from distributed import LocalCluster

    check_n_workers(n_workers)
    kw: dict[str, Any] = {
        "n_workers": n_workers or default_n_workers(),
        "threads_per_worker": 1,
        "processes": True,
        "host": "127.0.0.1",
        "dashboard_address": "127.0.0.1:0",  # loopback only, no fixed port to collide on
        "silence_logs": logging.ERROR,
    }
    kw.update(kwargs)
    with dask.config.set({f"distributed.nanny.pre-spawn-environ.{k}": None for k in WORKER_ENV_UNSET}):
        return LocalCluster(**kw)


CONNECT_TIMEOUT = "30s"  # to an existing scheduler (a refused TLS handshake shows as a timeout)


def make_security(cfg: Mapping[str, Any] | None) -> Any:
    """Dask TLS security from ``cluster.security`` (ca_file, cert, key), or None."""
    if not cfg:
        return None
    from distributed.security import Security

    unknown = set(cfg) - set(SECURITY_KEYS)
    if unknown:
        raise WorkflowError(f"cluster.security: unknown keys {sorted(unknown)}; valid: {', '.join(SECURITY_KEYS)}")
    return Security(
        tls_ca_file=cfg.get("ca_file"),
        tls_client_cert=cfg.get("cert"),
        tls_client_key=cfg.get("key"),
        require_encryption=bool(cfg.get("require_encryption", True)),
    )




def make_jobqueue_cluster(cfg: Mapping[str, Any]) -> Any:
    """A dask-jobqueue cluster from the workflow's ``cluster.jobqueue`` section.

    Keys: ``system`` (slurm, pbs, sge, lsf), ``jobs`` (number of jobs to
    start), and any keyword of the dask-jobqueue cluster class (cores, memory,
    walltime, queue, account, processes, job_extra_directives, ...).
    """
    cfg = dict(cfg)
    system = str(cfg.pop("system", "slurm")).lower()
    jobs = int(cfg.pop("jobs", 1))
    if system not in JOBQUEUE_SYSTEMS:
        raise WorkflowError(f"cluster.jobqueue.system: unknown '{system}'; valid: {', '.join(JOBQUEUE_SYSTEMS)}")
    try:
        import dask_jobqueue
    except ImportError:
        raise WorkflowError("cluster.jobqueue needs dask-jobqueue: pip install 'geoexplore[hpc]'") from None
    cls = getattr(dask_jobqueue, JOBQUEUE_SYSTEMS[system])
    cfg.setdefault("cores", 1)
    cfg.setdefault("memory", "4GB")
    try:
        cluster = cls(**cfg)
    except (TypeError, ValueError) as exc:
        raise WorkflowError(f"cluster.jobqueue: {str(exc).splitlines()[0]}") from None
    if jobs > 0:
        cluster.scale(jobs=jobs)
    return cluster


# -- the run -------------------------------------------------------------------------
def settings_file_digests(settings: Any, input_dir: Path, digest: Callable[[str], str] | None = None) -> dict[str, Any]:
    """Content digests of the files a step's path-typed settings name or match.

    Returns ``{setting: digest}`` for an :data:`~geoexplore.core.settings.InputFile`
    (``"missing"`` if there is no such file: the step reports that itself),
    ``{setting: {path: digest}}`` for an ``InputGlob`` (paths relative to the
    input directory, sorted), and for a file that lists files (``lists``: a
    CSV column) ``{setting: {"file": digest, "lists": {path: digest}}}``.
    Settings left empty (None) are left out. Files a relative path reaches
    outside the input directory are not read (the step refuses the path).
    """
    import csv
    import glob as _glob

    from geoexplore.pipeline.workflow import _inside

    read = digest or _file_digest_or_state
    out: dict[str, Any] = {}
    for name, marker in type(settings).path_fields().items():
        value = getattr(settings, name)
        if value is None or value == "":
            continue
        path = Path(str(value))
        full = path if path.is_absolute() else input_dir / path

        def hash_of(f: str, absolute: bool = path.is_absolute()) -> str:  # an absolute path is taken as meant, like ctx.path
            return read(f) if absolute or _inside(input_dir, Path(f)) else "outside the input directory"

        def rel(f: str | Path) -> str:
            return os.path.relpath(f, input_dir)

        if marker.kind == "glob":
            files = sorted(f for f in _glob.glob(str(full)) if os.path.isfile(f))
            out[name] = {rel(f): hash_of(f) for f in files}
            continue
        d = hash_of(str(full))
        if not marker.lists:
            out[name] = d
            continue
        listed: dict[str, str] = {}
        was_read = len(d) == 64  # a SHA-256, not "missing", "unreadable:..." or "outside the input directory"
        with contextlib.suppress(OSError, UnicodeDecodeError, csv.Error):
            with open(full if was_read else os.devnull, newline="") as fh:
                for row in csv.DictReader(fh):
                    entry = (row.get(marker.lists) or "").strip()
                    if entry:
                        f = full.parent / entry
                        listed[rel(f)] = hash_of(str(f))
        out[name] = {"file": d, "lists": dict(sorted(listed.items()))}
    return out


def _file_digest_or_state(path: str) -> str:
    try:
        return file_digest(path)
    except FileNotFoundError:
        return "missing"
    except OSError as exc:
        return f"unreadable:{exc.strerror or exc}"


def keep_previous(store_path: Path) -> list[str]:
    """Move the store aside before a fresh run; no earlier generation is overwritten.

    ``project.h5`` becomes ``project.h5.prev``; a ``project.h5.prev`` already
    there (the generation before) is renamed ``project.h5.prev-<UTC time it
    was last written>``, e.g. ``project.h5.prev-20261129T101502Z``. Nothing
    is deleted: remove old generations by hand. Returns the names moved to.
    """
    prev = store_path.with_name(store_path.name + ".prev")
    moved = []
    if prev.exists():
        stamp = datetime.fromtimestamp(prev.stat().st_mtime, timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        older, n = prev.with_name(f"{prev.name}-{stamp}"), 1
        while older.exists():
            older, n = prev.with_name(f"{prev.name}-{stamp}-{n}"), n + 1
        os.replace(prev, older)
        moved.append(older.name)
    os.replace(store_path, prev)
    moved.insert(0, prev.name)
    return moved


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _atomic_write_text(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    try:
        tmp.write_text(text)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise StoreError(f"{path}: cannot write ({exc.strerror or exc})") from None


def _format_error(exc: BaseException) -> str:
    if isinstance(exc, GeoexploreError):
        return f"{type(exc).__name__}: {exc}"
    tb = traceback.extract_tb(exc.__traceback__)
    where = f" ({tb[-1].filename.rsplit('/', 1)[-1]}:{tb[-1].lineno})" if tb else ""
    return f"{type(exc).__name__}: {exc}{where}"


class _Runner:
    def __init__(self, wf: Workflow, out_dir: Path, resume: bool, progress: Progress, figures: bool) -> None:
        self.wf = wf
        self.out = out_dir
        self.resume = resume
        self.progress = progress
        self.figures = figures
        self.store = ProjectStore(out_dir / "project.h5")
        self.report = RunReport(workflow=str(wf.path), out_dir=str(out_dir), started_utc=_now())
        self.items_done: dict[str, dict[str, str]] = {}  # step id -> item -> key (successful)
        self.single_done: dict[str, str] = {}  # step id -> key
        self.digests: dict[str, str] = {}  # key -> content digest
        self._file_hash: dict[str, str] = {}
        self._settings_files: dict[str, dict[str, Any]] = {}  # step id -> digests of the files its settings name
        self.client: Any = None
        self.stored: dict[str, dict[str, Any]] = {}
        self.order: dict[str, int] = {}
        self.figure_futures: list[tuple[Any, ItemRecord, Path]] = []
        self.queued: dict[str, list[tuple[str | None, str, dict[str, Any], dict[str, Any]]]] = {}  # step id -> held back items
        self.n_workers = 1
        self._futures: dict[Any, Any] = {}
        self.item_times: dict[str, list[float]] = {}  # step id -> run times of its items done in this run
        self._buffer: dict[str, tuple[WorkflowStep, Any, dict[str, Any], ItemRecord]] = {}  # key -> results not yet written
        self._buffer_bytes = 0
        self._last_flush = time.monotonic()
        self._settings_json: dict[str, dict[str, Any]] = {}

    # inputs -> store keys
    def input_keys(self, ws: WorkflowStep, item: str | None) -> dict[str, Any] | None:
        """Store keys of a task's inputs; None if a required input is unavailable.

        An optional input (``<id>?`` in the workflow) whose step failed is left
        out, and the step runs on what exists.
        """
        keys: dict[str, Any] = {}
        for name, ref in ws.inputs.items():
            found: Any = None
            if ref.step_id in self.single_done:
                found = self.single_done[ref.step_id]
            elif ref.step_id in self.items_done:
                done = self.items_done[ref.step_id]
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

    def _digest(self, path: str | os.PathLike[str]) -> str:
        """SHA-256 of a file's contents, once per run."""
        key = str(path)
        if key not in self._file_hash:
            self._file_hash[key] = _file_digest_or_state(key)
        return self._file_hash[key]

    def item_hash(self, ws: WorkflowStep, value: Any) -> str:
        if ws.spec.fan_out == "files" and value is not None:
            return self._digest(value)
        return json.dumps(value, sort_keys=True, default=str)

    def item_files(self, ws: WorkflowStep, value: Any) -> dict[str, str]:
        """Digests of the files an item reads that no setting names (``StepSpec.item_files``), by path.

        A path inside the input folder is given relative to it, so a moved
        input folder keeps its run keys.
        """
        if ws.spec.item_files is None:
            return {}
        try:
            paths = list(ws.spec.item_files(ws.settings, value, Path(self.wf.input_dir)))
        except OSError as exc:  # the step itself will report the unreadable folder
            return {"?": f"unlisted ({exc.strerror or exc})"}
        out = {}
        for p in paths:
            p = Path(p) if os.path.isabs(p) else Path(self.wf.input_dir) / p
            out[os.path.relpath(p, self.wf.input_dir)] = self._digest(p)
        return out

    def settings_files(self, ws: WorkflowStep) -> dict[str, Any]:
        """Digests of the files a step's path-typed settings name or match (once per step and run)."""
        if ws.id not in self._settings_files:
            self._settings_files[ws.id] = settings_file_digests(ws.settings, self.wf.input_dir, self._digest)
        return self._settings_files[ws.id]

    def run_key(self, ws: WorkflowStep, value: Any, keys: Mapping[str, Any]) -> tuple[str, dict[str, Any], dict[str, str]]:
        """The item's run key, the digests of its inputs, and those of the files it reads that no setting names."""
        from geoexplore import __version__

        in_digests: dict[str, Any] = {}
        for name, ref in keys.items():
            if isinstance(ref, dict):
                in_digests[name] = {i: self.digests.get(k, "") for i, k in sorted(ref.items())}
            else:
                in_digests[name] = self.digests.get(ref, "")
        payload = {
            "step": ws.spec.name,
            "settings": self._settings_of(ws),
            "item": self.item_hash(ws, value),
            "inputs": in_digests,
            "version": __version__,
        }
        files = self.settings_files(ws)
        if files:  # only for steps with file settings: other steps keep the run keys of earlier stores
            payload["files"] = files
        found = self.item_files(ws, value)
        if found:  # likewise only where a step reads files it finds itself
            payload["item_files"] = found
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest(), in_digests, found

    def write_run_json(self) -> None:
        _atomic_write_text(self.out / "run.json", self.report.to_json())

    @staticmethod
    def deps(ws: WorkflowStep) -> set[str]:
        """Step ids a step waits for (its inputs and the step it fans out over)."""
        d = {r.step_id for r in ws.inputs.values()}
        if "step" in ws.foreach:
            d.add(str(ws.foreach["step"]))
        return d

    def run(self, client: Any) -> RunReport:
        """Run every step as soon as the steps it depends on have finished.

        Independent chains (for example the five methods of a survey) run
        side by side on the cluster; within a step, items run in parallel.
        """
        from distributed import as_completed

        wf = self.wf
        self.client = client
        self.stored = self.store.provenances() if self.resume else {}
        self.digests.update({k: v.get("digest", "") for k, v in self.stored.items()})
        try:
            info = client.scheduler_info()
            self.report.scheduler = info.get("address")
            self.report.n_workers = len(info.get("workers", {}))
            self.n_workers = max(1, self.report.n_workers)
        except Exception:  # pragma: no cover - informational only
            pass
        self.order = {ws.id: i for i, ws in enumerate(wf.steps, 1)}
        waiting = list(wf.steps)
        finished: set[str] = set()
        pending: dict[str, int] = {}
        # future -> (step, [(item, store key, meta)], several items in one task)
        futures: dict[Any, tuple[WorkflowStep, list[tuple[str | None, str, dict[str, Any]]], bool]] = {}
        self._futures = futures
        ac = as_completed([], loop=client.loop, with_results=False)

        def launch_ready() -> None:
            progressed = True
            while progressed:
                progressed = False
                for ws in list(waiting):
                    if self.deps(ws) <= finished:
                        waiting.remove(ws)
                        new = self._launch(ws)
                        for fut in new:
                            ac.add(fut)
                        if new:
                            pending[ws.id] = len(new)
                        else:
                            finished.add(ws.id)
                            self._step_finished(ws)
                            progressed = True

        launch_ready()
        if pending:  # while the workers start on the first items, the client readies its store writer
            from geoexplore.core.records import warm_up

            warm_up()
        while pending:
            if self._buffer and not ac.has_ready():  # nothing to collect now: write what waits, once it is due
                deadline = time.monotonic() + self._flush_due_in()
                while not ac.has_ready() and time.monotonic() < deadline:
                    time.sleep(0.005)
                if not ac.has_ready() or self._flush_due_in() <= 0:
                    self._flush()
            batch = ac.next_batch(block=True)
            outcomes = self._fetch(batch)
            touched: dict[str, WorkflowStep] = {}
            for fut in batch:
                ws = futures.pop(fut)[0]
                pending[ws.id] -= 1
                touched[ws.id] = ws
            for ws in touched.values():
                if ws.id in self.queued:  # send more items (grouped if short) before writing, so workers keep busy
                    new = self._release(ws, pending[ws.id])
                    for fut in new:
                        ac.add(fut)
                    pending[ws.id] += len(new)
            self._collect(outcomes)
            for ws in touched.values():
                if pending[ws.id] == 0:
                    self._flush()  # a finished step's results are in the store before anything reads them
                    del pending[ws.id]
                    finished.add(ws.id)
                    self._step_finished(ws)
            launch_ready()
        self._flush()
        self.finish_figures()
        self.report.finished_utc = _now()
        self.write_run_json()
        return self.report

    def _label(self, ws: WorkflowStep) -> str:
        return f"[{self.order[ws.id]}/{len(self.order)}] {ws.id} ({ws.spec.name})"

    def _step_finished(self, ws: WorkflowStep) -> None:
        recs = [r for r in self.report.items if r.step_id == ws.id]
        counts: dict[str, int] = {}
        for r in recs:
            counts[r.status] = counts.get(r.status, 0) + 1
        summary = ", ".join(f"{v} {k}" for k, v in sorted(counts.items())) or "nothing to do"
        self.progress(f"{self._label(ws)} finished: {summary}")
        self.write_run_json()

    def _launch(self, ws: WorkflowStep) -> list[Any]:
        """Submit the tasks of one step; returns the new futures (reused and skipped items are recorded)."""
        wf = self.wf
        upstream_items = {k: list(v) for k, v in self.items_done.items()}
        items = wf.items_for(ws, upstream_items)
        if ws.spec.fan_out != "none":
            self.items_done[ws.id] = {}
            self.progress(f"{self._label(ws)}: {len(items)} item(s)")
        else:
            self.progress(self._label(ws))
        ready: list[tuple[str | None, str, dict[str, Any], dict[str, Any]]] = []
        settings_json = ws.settings.to_json()  # the same for every item
        for item, value in items:
            key = result_key(ws.package, ws.line, ws.id, item)
            keys = self.input_keys(ws, item)
            if keys is None:
                missing = [r.step_id for r in ws.inputs.values() if r.step_id not in self.single_done and not self.items_done.get(r.step_id)]
                self.report.items.append(
                    ItemRecord(ws.id, ws.spec.name, item, key, "skipped",
                               error=f"inputs not available (failed upstream: {', '.join(missing) or 'item missing upstream'})")
                )
                self.progress(f"    {ws.id}/{item or ''}: skipped, inputs missing")
                continue
            rkey, in_digests, item_files = self.run_key(ws, value, keys)
            prov = self.stored.get(key)
            if prov and prov.get("run_key") == rkey:
                self._mark_done(ws, item, key, prov.get("digest", ""))
                self.report.items.append(ItemRecord(ws.id, ws.spec.name, item, key, "reused"))
                continue
            task = {
                "step": ws.spec.name,
                "module": ws.spec.module,
                "step_id": ws.id,
                "settings_json": settings_json,
                "item": item,
                "item_value": value,
                "inputs": keys,
                "store": str(self.store.path),
                "input_dir": str(wf.input_dir),
                "line": ws.line,
                "stack_items": ws.spec.stack_items,  # stored as a table row by the client: no HDF5 image
            }
            meta = {
                "run_key": rkey,
                "inputs": in_digests,
                "files": self.settings_files(ws),
                **({"item_files": item_files} if item_files else {}),
                "item_value": os.path.relpath(value, wf.input_dir) if isinstance(value, str) and os.path.isabs(value) else value,
            }
            ready.append((item, key, meta, task))
        window = IN_FLIGHT_PER_WORKER * self._workers()
        if wf.batch_s > 0 and ws.spec.fan_out != "none" and len(ready) > 2 * window:
            # single items first; the run times of the items done decide how the rest is grouped (_release)
            ready, self.queued[ws.id] = ready[:window], ready[window:]
        return [self._submit(ws, [r]) for r in ready]

    def _submit(self, ws: WorkflowStep, entries: list[tuple[str | None, str, dict[str, Any], dict[str, Any]]]) -> Any:
        """One Dask task for one item, or for several short items of the same step."""
        if len(entries) == 1:
            item, key, meta, task = entries[0]
            fut = self.client.submit(execute_task, task, self.wf.retries, key=f"{ws.id}-{item or 'all'}-{meta['run_key'][:12]}",
                                     pure=False)
        else:
            h = hashlib.sha256("".join(e[2]["run_key"] for e in entries).encode()).hexdigest()[:12]
            fut = self.client.submit(execute_batch, [e[3] for e in entries], self.wf.retries,
                                     key=f"{ws.id}-{entries[0][0]}+{len(entries) - 1}-{h}", pure=False)
        self._futures[fut] = (ws, [e[:3] for e in entries], len(entries) > 1)
        self.report.tasks += 1
        return fut

    def _workers(self) -> int:
        """Workers now (a job-queue cluster grows while the run goes on)."""
        try:
            return max(1, len(self.client.scheduler_info().get("workers", {})))
        except Exception:  # noqa: BLE001 - informational; keep the count from the start
            return self.n_workers

    def _release(self, ws: WorkflowStep, in_flight: int) -> list[Any]:
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
        queue = self.queued[ws.id]
        times = sorted(self.item_times.get(ws.id, []))
        median = max(times[len(times) // 2] if times else float("inf"), 1e-4)
        n = self._workers()
        full = max(1, int(self.wf.batch_s / median))
        least = max(1, int(MIN_TASK_FRACTION * self.wf.batch_s / median))
        new = []
        while queue and in_flight + len(new) < IN_FLIGHT_PER_WORKER * n:
            k = full if n == 1 else max(least, min(full, -(-len(queue) // (2 * n))))
            new.append(self._submit(ws, queue[:k]))
            del queue[:k]
        if not queue:
            del self.queued[ws.id]
        return new

    def _mark_done(self, ws: WorkflowStep, item: str | None, key: str, digest: str) -> None:
        self.digests[key] = digest
        if ws.spec.fan_out == "none":
            self.single_done[ws.id] = key
        else:
            self.items_done[ws.id][item] = key  # type: ignore[index]

    def _fetch(self, batch: list[Any]) -> list[tuple[WorkflowStep, str | None, str, dict[str, Any], dict[str, Any]]]:
        """The outcome of every item of a batch of finished tasks: (step, item, key, meta, outcome)."""
        # one round trip for the whole batch (fut.result() per future costs one each)
        finished = [f for f in batch if f.status == "finished"]
        try:
            by_fut = dict(zip(finished, self.client.gather(finished), strict=True))
        except Exception:  # noqa: BLE001 - e.g. a result lost with its worker: fetched one by one below
            by_fut = {}
        out = []
        for fut in batch:
            ws, entries, grouped = self._futures[fut]
            try:
                res = by_fut[fut] if fut in by_fut else fut.result()
            except Exception as exc:  # task error, after retries; or a lost worker
                res = [{"error": _format_error(exc)}] * len(entries) if grouped else {"error": _format_error(exc)}
            for (item, key, meta), o in zip(entries, res if grouped else [res], strict=True):
                if "error" not in o:
                    self.item_times.setdefault(ws.id, []).append(o["elapsed_s"])
                    self.report.encode_s += o.get("encode_s", 0.0)
                out.append((ws, item, key, meta, o))
        return out

    def _collect(self, outcomes: list[tuple[WorkflowStep, str | None, str, dict[str, Any], dict[str, Any]]]) -> None:
        """Record finished items; their results wait in the write buffer until :meth:`_flush`."""
        from geoexplore import __version__

        failed = False
        for ws, item, key, meta, o in outcomes:
            if "error" in o:
                self.report.items.append(ItemRecord(ws.id, ws.spec.name, item, key, "failed", error=o["error"],
                                                    attempts=o.get("attempts", 1), attempt_errors=o.get("attempt_errors", []),
                                                    traceback=o.get("traceback")))
                tries = f" ({o['attempts']} attempts)" if o.get("attempts", 1) > 1 else ""
                self.progress(f"    {ws.id}/{item or ''}: FAILED{tries} {o['error']}")
                failed = True
                continue
            res = o["result"]
            self._buffer[key] = (ws, res, {
                "geoexplore_version": __version__,
                "workflow": self.wf.name,
                "step": ws.spec.name,
                "step_id": ws.id,
                "item": item,
                "item_value": meta["item_value"],
                "line": ws.line,
                "settings": self._settings_of(ws),
                "inputs": meta["inputs"],
                "files": meta["files"],
                **({"item_files": meta["item_files"]} if "item_files" in meta else {}),
                "run_key": meta["run_key"],
                "digest": o.get("digest") or result_digest(res),
                "elapsed_s": round(o["elapsed_s"], 3),
                "time_utc": _now(),
            }, ItemRecord(ws.id, ws.spec.name, item, key, "done", elapsed_s=round(o["elapsed_s"], 3),
                          attempts=o.get("attempts", 1), attempt_errors=o.get("attempt_errors", [])))
            self._buffer_bytes += _result_nbytes(res)
        if self._flush_due_in() <= 0:
            self._flush()
        elif failed:
            self.write_run_json()

    def _settings_of(self, ws: WorkflowStep) -> dict[str, Any]:
        """A step's validated settings as plain JSON data (the same for all its items: made once)."""
        if ws.id not in self._settings_json:
            self._settings_json[ws.id] = json.loads(ws.settings.to_json())
        return self._settings_json[ws.id]

    def _flush_due_in(self) -> float:
        """Seconds until the buffered results should be written (0: now).

        Every transaction copies the store and syncs it to disk, a cost that
        grows with the store (``ProjectStore.last_fixed_s``). Results are
        written at most every ``FLUSH_SPACING`` times that cost, so the
        copying stays a small part of the run however large the store gets,
        and at once when the buffer holds ``FLUSH_BYTES`` or a step finishes.
        The cost includes rewriting the record tables (``core.records``) the
        write adds rows to. Only where transactions cost under
        ``FLUSH_MIN_FIXED_S`` is every batch written at once.
        """
        if not self._buffer:
            return float("inf")
        if self._buffer_bytes >= FLUSH_BYTES or self.store.last_fixed_s < FLUSH_MIN_FIXED_S:
            return 0.0
        return max(0.0, self._last_flush + FLUSH_SPACING * self.store.last_fixed_s - time.monotonic())

    def _flush(self) -> None:
        """Write the buffered results in one atomic transaction, then record them as done."""
        if not self._buffer:
            return
        buf, self._buffer, self._buffer_bytes = self._buffer, {}, 0
        t0 = time.perf_counter()
        self.store.write({k: v[1] for k, v in buf.items()}, {k: v[2] for k, v in buf.items()},  # atomic; StoreError on a full disk
                         rows=[k for k, v in buf.items() if v[0].spec.stack_items])
        self.report.store_write_s += time.perf_counter() - t0
        self.report.store_commits += 1
        self._last_flush = time.monotonic()
        for key, (ws, _res, prov, rec) in buf.items():
            self._mark_done(ws, rec.item, key, prov["digest"])
            if self.figures and ws.spec.figure:
                self._figure(ws, rec)
            self.report.items.append(rec)
            tries = f" (attempt {rec.attempts}; earlier: {rec.attempt_errors[-1]})" if rec.attempts > 1 else ""
            self.progress(f"    {ws.id}/{rec.item or ''}: done in {rec.elapsed_s:.1f} s{tries}")
        self.write_run_json()

    def _figure(self, ws: WorkflowStep, rec: ItemRecord) -> None:
        """Draw the result's figure on a worker (reading the result from the store there)."""
        fig_dir = self.out / "figures"
        fig_dir.mkdir(parents=True, exist_ok=True)
        path = fig_dir / (rec.key.replace("/", "__") + ".png")
        fut = self.client.submit(draw_figure, ws.spec.figure, str(self.store.path), rec.key, str(path),
                                 key=f"figure-{rec.key.replace('/', '-')}-{time.monotonic_ns()}", pure=False)
        self.figure_futures.append((fut, rec, path))

    def finish_figures(self) -> None:
        """Wait for the figures; a failed figure is reported, never loses a result."""
        for fut, rec, path in self.figure_futures:
            try:
                out = fut.result()
            except Exception as exc:  # noqa: BLE001 - a figure must never stop the run (e.g. its worker was lost)
                out = {"error": _format_error(exc), "traceback": ""}
            if isinstance(out, dict):  # the figure function failed: one line here, the traceback in run.json
                rec.figure_error = out["error"]
                log.debug("figure for %s failed:\n%s", rec.key, out["traceback"])
                self.progress(f"    figure for {rec.key} failed: {out['error']}")
            else:
                rec.figure = str(path.relative_to(self.out))
        self.figure_futures = []


def draw_figure(figure: str, store_path: str, key: str, out_path: str) -> str | dict[str, str]:
    """Draw one stored result's figure (runs on a worker); ``{"error", "traceback"}`` if it fails.

    Figure functions draw on :func:`geoexplore.viz.figure.new_figure` (no pyplot), so no backend is set here.
    """
    from geoexplore.pipeline.step import load_callable

    try:
        load_callable(figure)(ProjectStore(store_path).read(key), out_path)
    except Exception as exc:  # noqa: BLE001 - reported by the runner, not logged by the worker
        return {"error": _format_error(exc), "traceback": traceback.format_exc()[-20000:]}
    return out_path


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
        Receives one line per event (default: log at INFO).
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
