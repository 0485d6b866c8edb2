"""pyGIMLi, contained: the one place geoexplore imports it.

Importing pyGIMLi has side effects on the whole process, and its C++ core
has a trap on small machines:

* it sets ``LC_NUMERIC`` to ``C`` (process-wide), attaches a StreamHandler
  to the **root** logger and registers a custom ``VERBOSE`` level name;
* its version lookup runs ``git`` in the folder above its package (which
  can be the user's repository when the virtual environment lives inside it);
* on machines with 2 CPUs or fewer the C++ default thread count is
  min(8, nCPU - 2) = 0: Jacobians come out all zeros and inversions stop
  after 2-3 iterations with a uniform model, silently.

:func:`import_pygimli` imports it with the locale, the root logger and git
discovery contained; :func:`set_threads` sets a positive thread count on the
core and on a forward operator; :func:`check_jacobian` fails loudly on an
all-zero Jacobian.
"""

from __future__ import annotations

import contextlib
import importlib.util
import locale
import logging
import os
import sys
from collections.abc import Iterator
from typing import Any

from geoexplore.core.errors import GeoexploreError


def default_threads() -> int:
    """Threads for pyGIMLi's C++ core: all CPUs available to this process (at least 1)."""
    try:
        n = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - non-Linux
        n = os.cpu_count() or 1
    return max(1, n)


def import_pygimli() -> Any:
    """Import pyGIMLi without letting it change the process; return the module.

    Restores the numeric locale and the root logger's handlers and level,
    keeps pyGIMLi's own logger from propagating its records twice, prevents
    its version lookup from running git in the surrounding repository, and
    sets a positive C++ thread count.
    """
    if "pygimli" in sys.modules:
        pg = sys.modules["pygimli"]
        if int(pg.core.threadCount()) < 1:  # the 2-CPU trap; a count set on purpose (core_threads) stays
            set_threads(None)
        return pg
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    num_locale = locale.setlocale(locale.LC_NUMERIC)
    env_before = os.environ.get("GIT_CEILING_DIRECTORIES")
    spec = importlib.util.find_spec("pygimli")
    if spec is None or spec.origin is None:
        raise GeoexploreError("pyGIMLi is not installed: pip install pygimli (or conda install -c gimli pygimli)")
    pkg_parent = os.path.dirname(os.path.dirname(spec.origin))
    os.environ["GIT_CEILING_DIRECTORIES"] = pkg_parent
    try:
        import pygimli as pg  # noqa: PLC0415 - the one import site
    finally:
        if env_before is None:
            os.environ.pop("GIT_CEILING_DIRECTORIES", None)
        else:
            os.environ["GIT_CEILING_DIRECTORIES"] = env_before
        for h in list(root.handlers):
            if h not in handlers:
                root.removeHandler(h)
        root.setLevel(level)
        try:
            locale.setlocale(locale.LC_NUMERIC, num_locale)
        except locale.Error:  # pragma: no cover
            pass
    pg_log = logging.getLogger("pyGIMLi")
    pg_log.propagate = True
    for h in list(pg_log.handlers):
        if isinstance(h, logging.StreamHandler) and getattr(h, "stream", None) in (sys.stderr, sys.stdout):
            pg_log.removeHandler(h)
    pg_log.setLevel(logging.WARNING)
    set_threads(None)
    return pg


def set_threads(n: int | None = None, *operators: Any, core: bool = True) -> int:
    """Set pyGIMLi's C++ thread count (default: all CPUs) on the core and on forward operators.

    Returns the thread count set. Operators may be pyGIMLi ``Modelling``
    objects (their ``setThreadCount`` and that of their C++ core are set).
    ``core=False`` sets the operators only and leaves pyGIMLi's global count.
    """
    pg = sys.modules.get("pygimli")
    n = int(n or default_threads())
    if n < 1:
        raise GeoexploreError(f"pyGIMLi thread count must be positive, got {n}")
    if pg is not None and core:
        pg.core.setThreadCount(n)
    for op in operators:
        for target in (op, getattr(op, "fop", None), getattr(op, "_core", None)):
            if target is not None and hasattr(target, "setThreadCount"):
                target.setThreadCount(n)
        core = getattr(op, "core", None)
        if core is not None and hasattr(core, "setThreadCount"):
            core.setThreadCount(n)
    return n


@contextlib.contextmanager
def core_threads(n: int) -> Iterator[int]:
    """pyGIMLi's global C++ thread count set to ``n`` inside the block, restored after.

    The ERT inversion runs pyGIMLi's C++ (its inversion loop's matrix
    products, the coverage) on one thread: with two threads the same
    inversion gave a coverage and DOI index a few hundred ulp apart now and
    then under load (docs/reliability.md); geoexplore's own parallel parts
    (the Jacobian's blocks) keep their threads.
    """
    pg = import_pygimli()
    before = int(pg.core.threadCount())
    pg.core.setThreadCount(int(n))
    try:
        yield int(n)
    finally:
        pg.core.setThreadCount(max(1, before))


def thread_count() -> int:
    """pyGIMLi's current C++ thread count (imports pyGIMLi contained)."""
    pg = import_pygimli()
    return int(pg.core.threadCount())


def check_jacobian(jacobian: Any, *, what: str = "pyGIMLi forward operator") -> None:
    """Raise if a Jacobian is all zeros (the thread-count trap), naming the cause."""
    import numpy as np

    try:
        arr = np.asarray(jacobian)
        if arr.dtype == object or arr.ndim != 2:
            raise TypeError
    except (TypeError, ValueError):
        rows = [np.asarray(jacobian.row(i)) for i in range(min(jacobian.rows(), 50))]
        arr = np.vstack(rows) if rows else np.zeros((0, 0))
    if arr.size == 0 or not np.any(arr):
        raise GeoexploreError(
            f"{what}: the Jacobian is all zeros. pyGIMLi's C++ thread count was "
            f"{sys.modules['pygimli'].core.threadCount() if 'pygimli' in sys.modules else '?'}; "
            "call geoexplore.core.gimli.set_threads() on the operator before inverting"
        )


def round_nodes(mesh: Any, decimals: int) -> Any:
    """Round a pyGIMLi mesh's node coordinates (m) to ``decimals`` in place; return the mesh.

    pyGIMLi's mesh builder is not bit-reproducible inside one process (node
    positions now and then differ by about 1e-14 m); rounding makes a mesh
    the same in every process (see the refraction tomography, which needs it).
    """
    pg = import_pygimli()
    for node in mesh.nodes():
        p = node.pos()
        node.setPos(pg.Pos(round(float(p[0]), decimals), round(float(p[1]), decimals)))
    return mesh
