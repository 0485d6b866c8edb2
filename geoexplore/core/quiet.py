"""Keep third-party noise out of geoexplore's output: loguru chatter, C-library callback tracebacks, warnings.

* :func:`quiet_loguru`: mt_metadata and mth5 log every file they open or
  close through loguru at INFO level to stderr; only those packages' loggers
  are disabled (``logger.disable(name)``).
* :func:`captured_callback_errors`: an exception raised inside a C library's
  callback into Python (ObsPy's libmseed log callback decoding a message with
  non-UTF-8 bytes from a damaged header) cannot propagate: Python prints
  ``Exception ignored on calling ctypes callback function ... Traceback`` to
  stderr and the C library goes on, the message lost. Inside this context the
  exception is collected instead, as one line holding the C library's own
  message, so the reader can turn it into the file's one-line error
  (:meth:`geoexplore.core.formats.FormatRegistry.call` does).
* :func:`quiet_third_party`: for the command line and the workers: such an
  exception outside any reader goes to the log (debug) as one line, and
  warnings raised by other packages go to the log (info, one line) instead of
  stderr with their source line.

Nothing happens at import time; the hook chains to the one it replaced.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
import warnings
from collections.abc import Iterator
from typing import Any

log = logging.getLogger("geoexplore.thirdparty")

_local = threading.local()  # collectors of the reads running in this thread (a C callback runs in its caller's thread)
_state: dict[str, Any] = {"previous": None, "quiet": False, "showwarning": None}
_lock = threading.Lock()


def quiet_loguru(*packages: str) -> None:
    """Disable loguru messages emitted from ``packages`` (no-op without loguru)."""
    try:
        from loguru import logger
    except ImportError:  # pragma: no cover - loguru comes with mt_metadata
        return
    for name in packages:
        logger.disable(name)


def callback_error_text(unraisable: Any) -> str:
    """One line for an exception Python could not raise (``sys.unraisablehook``'s argument).

    A :class:`UnicodeDecodeError` in a log callback holds the C library's
    message as bytes: that message is what is returned (bytes that are not
    UTF-8 shown as ``\\xNN``), not the decoding failure.
    """
    exc = unraisable.exc_value
    raw = getattr(exc, "object", None)
    if isinstance(exc, UnicodeDecodeError) and isinstance(raw, (bytes, bytearray)):
        text = bytes(raw).decode("utf-8", "backslashreplace")
        for prefix in ("ERROR:", "INFO:", "WARNING:"):
            if text.startswith(prefix):
                text = text[len(prefix):]
    else:
        text = f"{type(exc).__name__}: {exc}"
    return " ".join(text.split())


def _hook(unraisable: Any) -> None:
    collectors = getattr(_local, "collectors", None)
    if collectors:
        collectors[-1].append(callback_error_text(unraisable))
    elif _state["quiet"]:
        log.debug("ignored an exception in %r: %s", unraisable.object, callback_error_text(unraisable))
    else:
        (_state["previous"] or sys.__unraisablehook__)(unraisable)


def _install_hook() -> None:
    with _lock:
        if sys.unraisablehook is not _hook:
            _state["previous"] = sys.unraisablehook
            sys.unraisablehook = _hook


@contextlib.contextmanager
def captured_callback_errors() -> Iterator[list[str]]:
    """Collect, as one line each, the exceptions C-library callbacks raise in this thread during the block.

    Yields the list they are added to. Nested blocks collect into the innermost.
    """
    _install_hook()
    collectors = _local.__dict__.setdefault("collectors", [])
    found: list[str] = []
    collectors.append(found)
    try:
        yield found
    finally:
        collectors.pop()


_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the geoexplore package


def _showwarning(message: Any, category: type[Warning], filename: str, lineno: int, file: Any = None, line: Any = None) -> None:
    if os.path.abspath(filename).startswith(_PACKAGE_DIR + os.sep):
        _state["showwarning"](message, category, filename, lineno, file, line)  # geoexplore's own: as before
        return
    where = filename.replace("\\", "/").rsplit("site-packages/", 1)[-1]
    log.info("%s from %s:%d: %s", category.__name__, where, lineno, " ".join(str(message).split()))


def quiet_third_party() -> None:
    """For the command line and the workers: no traceback or source line of another package reaches stderr.

    Exceptions in C-library callbacks outside a reader are logged at debug
    level; warnings whose code is not geoexplore's are logged at info level
    (``-v`` shows them), one line each. Idempotent.
    """
    _install_hook()
    _state["quiet"] = True
    with _lock:
        if warnings.showwarning is not _showwarning:
            _state["showwarning"] = warnings.showwarning
            warnings.showwarning = _showwarning


__all__ = ["callback_error_text", "captured_callback_errors", "quiet_loguru", "quiet_third_party"]
