"""Log records of the inversion libraries into geoexplore's log, not onto the terminal.

SimPEG attaches its own ``StreamHandler`` (stderr, ``INFO: ...``) to its
``SimPEG`` logger when it is imported, and logs at INFO from inside an inversion
(``Directive TargetMisfit: Target data misfit is ...``, the default solver);
:meth:`logging.StreamHandler.__init__` binds ``sys.stderr`` then, so a redirect
around a step does not catch it. pyGIMLi's ``pyGIMLi`` logger propagates to the
root logger (:func:`geoexplore.core.gimli.import_pygimli` removes its stream
handler), whose last-resort handler prints warnings to stderr in a worker.

:func:`route_library_logs` puts a filter on those loggers that passes each
record to ``geoexplore.thirdparty`` (below ERROR at INFO, so ``-v`` shows them;
ERROR and above at their level) and drops it there, before any handler:
whatever handlers the library adds at import, or later, never see it. The
logger objects exist before the library is imported (``logging.getLogger``
returns the same object to the library), so the filter can be put there first
and stays: the library does not need to be imported. Idempotent.

The module is also the worker preload of geoexplore's local cluster
(:func:`dask_setup`, run by Dask in each worker process it starts): a worker
still in a task when the run closes the cluster (a failed store write, Ctrl-C)
can send its heartbeat to the scheduler as the scheduler stops, and Dask then
prints ``Failed to communicate with scheduler during heartbeat.`` with two
chained tracebacks on the run's terminal, after geoexplore's own one-line error.
The scheduler of a local cluster lives in the run's process, so that record
only ever says the run is ending: :class:`DropHeartbeatFailure` drops it.
"""

from __future__ import annotations

import logging

#: the loggers of the libraries geoexplore runs inside its steps
LIBRARY_LOGGERS = ("SimPEG", "pyGIMLi")

log = logging.getLogger("geoexplore.thirdparty")


class RouteToLog(logging.Filter):
    """A logger filter that logs each record again on ``geoexplore.thirdparty`` and drops the original."""

    def filter(self, record: logging.LogRecord) -> bool:  # noqa: A003 - logging's name
        level = record.levelno if record.levelno >= logging.ERROR else logging.INFO
        if log.isEnabledFor(level):
            log.log(level, "%s: %s", record.name, " ".join(record.getMessage().split()))
        return False


#: what :meth:`distributed.Worker.heartbeat` logs when the scheduler's connection closes under it
HEARTBEAT_FAILED = "Failed to communicate with scheduler during heartbeat."


class DropHeartbeatFailure(logging.Filter):
    """A ``distributed.worker`` filter that drops the heartbeat record of a closing local cluster (module docstring)."""

    def filter(self, record: logging.LogRecord) -> bool:  # noqa: A003 - logging's name
        return not (record.levelno >= logging.ERROR and record.getMessage() == HEARTBEAT_FAILED)


def _add_filter_once(name: str, cls: type[logging.Filter]) -> None:
    lg = logging.getLogger(name)
    if not any(isinstance(f, cls) for f in lg.filters):
        lg.addFilter(cls())


def dask_setup(worker: object) -> None:
    """Dask's preload hook: run in each worker process of :func:`geoexplore.pipeline.cluster.local_cluster`."""
    _add_filter_once("distributed.worker", DropHeartbeatFailure)


def route_library_logs(names: tuple[str, ...] = LIBRARY_LOGGERS) -> None:
    """Route the records of the loggers ``names`` to ``geoexplore.thirdparty`` (see the module docstring)."""
    for name in names:
        _add_filter_once(name, RouteToLog)
