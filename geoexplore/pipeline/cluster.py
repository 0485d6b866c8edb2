"""Where a workflow runs: a local cluster, an existing Dask scheduler (optionally with TLS), a job queue.

* a :class:`distributed.LocalCluster` sized to the machine, bound to
  127.0.0.1 (:func:`local_cluster`);
* an existing scheduler (``scheduler="tcp://host:8786"``, or ``tls://`` with
  the workflow's ``cluster.security``: :func:`make_security`);
* a dask-jobqueue cluster when the workflow has a ``cluster.jobqueue``
  section (:func:`make_jobqueue_cluster`);
* or a :class:`distributed.Client` passed in.

:func:`open_client` picks among them.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator, Mapping
from typing import Any

from geoexplore.core.errors import WorkflowError
from geoexplore.pipeline.workflow import JOBQUEUE_SYSTEMS, SECURITY_KEYS


def default_n_workers() -> int:
    """Workers of a local cluster when none are asked for: the CPUs, at most 8."""
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
    """A Dask client for the run (see the module docstring for the choices); closes what it started."""
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


def local_cluster(n_workers: int | None = None, *, worker_profile: bool = False, **kwargs: Any) -> Any:
    """The LocalCluster geoexplore runs on: worker processes with one thread each, on 127.0.0.1 only.

    Parameters
    ----------
    n_workers : int, optional
        Worker processes (default: CPUs, at most 8).
    worker_profile : bool
        Run Dask's statistical profiler on the workers (for the dashboard's profile page).
    **kwargs
        Further :class:`distributed.LocalCluster` arguments (``memory_limit``, ...).

    Notes
    -----
    Workers start without Dask's ``MALLOC_TRIM_THRESHOLD_`` (see
    ``WORKER_ENV_UNSET``): with it, allocation-heavy NumPy kernels ran 2-3
    times slower on a worker than in a plain process. Dask's statistical
    profiler (``distributed.worker.profile.enabled``) is off, the system
    monitor samples every 5 s and the event-loop tick every 1 s (Dask: 10 ms,
    500 ms, 20 ms): with Dask's defaults a busy worker's other threads took
    4.4-4.7 % of a core, which two workers on two cores take from their tasks.
    The scheduler's queuing of large task groups is off (``worker-saturation``
    inf) so the runner's task priorities decide the order. Each worker
    preloads :mod:`geoexplore.pipeline.capture`, which keeps Dask's heartbeat
    traceback of a closing cluster off the run's terminal.
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
        # each worker drops Dask's heartbeat traceback of a cluster closing under a running task
        "preload": ["geoexplore.pipeline.capture"],
    }
    kw.update(kwargs)
    cfg: dict[str, Any] = {f"distributed.nanny.pre-spawn-environ.{k}": None for k in WORKER_ENV_UNSET}
    # Threads of a busy worker besides its task thread took 4.4-4.7 % of a core (2D MT inversion,
    # benchmarks/mt_invert2d.py --workers), 2.1 % without Dask's statistical profiler (it samples the task
    # thread every 10 ms for the dashboard's profile page). Two busy workers on two cores pay it from their
    # tasks. The system monitor (psutil, every 500 ms) and the event-loop health tick (every 20 ms) cost most
    # of the rest: at 5 s and 1 s a spinning worker's other threads took 0.24 s CPU in 40 s (1.12 s with
    # Dask's defaults, 0.63 s with only the profiler off), the in-process scheduler and nannies 0.6 s (1.5 s)
    cfg["distributed.worker.profile.enabled"] = bool(worker_profile)
    cfg["distributed.admin.system-monitor.interval"] = "5s"
    cfg["distributed.admin.tick.interval"] = "1s"
    # Dask's scheduler holds back the tasks of a large group (a fanned-out step: "root-ish") until a worker is
    # nearly idle, while single tasks go to the workers at once: the runner's priorities then lost to it (the
    # demo's MT chain waited behind the ERT inversion and single figures). inf sends every task to a worker,
    # where the priorities order them (docs/workflows.md, "Order of tasks")
    cfg["distributed.scheduler.worker-saturation"] = float("inf")
    with dask.config.set(cfg):
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


# -- what every worker must see -------------------------------------------------------------------
VISIBLE_MARK = ".geoexplore-visible"  # a file the client writes in the output folder for the workers to find


def probe_folders(folders: Mapping[str, str], token: str, writable: tuple[str, ...] = ()) -> list[str]:
    """On a worker: what is wrong with the folders it must see (run by :func:`check_worker_folders`).

    Parameters
    ----------
    folders : mapping
        Label -> absolute path (``"input"``, ``"output"``).
    token : str
        The content of ``<output>/.geoexplore-visible`` the client just wrote:
        a worker that reads another content sees a different folder under the
        same name (a local disk, not the shared one).
    writable : tuple of str
        Labels of the folders the worker writes in (the output folder, for figures).

    Returns
    -------
    list of str
        ``"<label> folder <path>: <problem>"`` per problem; empty when all is well.
    """
    problems = []
    for label, path in folders.items():
        if not os.path.isdir(path):
            problems.append(f"{label} folder {path}: does not exist on this worker")
        elif not os.access(path, os.R_OK | os.X_OK):
            problems.append(f"{label} folder {path}: not readable on this worker")
        elif label in writable and not os.access(path, os.W_OK):
            problems.append(f"{label} folder {path}: not writable on this worker")
    out = folders.get("output")
    if out and os.path.isdir(out) and not problems:
        try:
            with open(os.path.join(out, VISIBLE_MARK)) as fh:
                seen = fh.read()
        except OSError:
            seen = None
        if seen != token:
            problems.append(f"output folder {out}: another folder of that name on this worker (not the shared one the client writes to)")
    return problems


def check_worker_folders(client: Any, folders: Mapping[str, str], *, writable: tuple[str, ...] = ()) -> None:
    """Stop the run with one line if a worker cannot see a folder the run needs.

    The workers read the input files and the project store, and write
    figures, at the same paths as the client: on several machines these must
    be one shared file system. Every worker connected now is asked; the
    output folder is recognised by a mark the client writes into it.

    Raises
    ------
    WorkflowError
        ``worker <name> (<address>) cannot see the <label> folder <path>: <problem>``.
    """
    import secrets

    out = folders.get("output")
    token = secrets.token_hex(16)
    mark = os.path.join(out, VISIBLE_MARK) if out else None
    if mark:
        with open(mark, "w") as fh:
            fh.write(token)
    try:
        found = client.run(probe_folders, dict(folders), token, tuple(writable), on_error="return")
    finally:
        if mark:
            with contextlib.suppress(OSError):
                os.remove(mark)
    try:
        names = {a: w.get("name", a) for a, w in client.scheduler_info().get("workers", {}).items()}
    except Exception:  # noqa: BLE001 - names are for the message only
        names = {}
    for addr, problems in sorted(found.items()):
        if isinstance(problems, BaseException):
            problems = [f"the folder check failed ({type(problems).__name__}: {problems})"]
        if problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            name = names.get(addr, addr)
            who = f"{name} ({addr})" if name != addr else addr
            raise WorkflowError(f"worker {who} cannot see the {problems[0]}{more}; every worker needs the input and "
                                f"output folders at the same paths (a shared file system, see docs/clusters.md)")
