"""Exception types of geoexplore.

Every error a user can trigger with bad input derives from
:class:`GeoexploreError`. File errors always name the file and the position
in it (byte offset, line, record, trace or block), so a batch report can say
exactly where a file is broken.
"""

from __future__ import annotations

import os
from typing import Any

#: process exit codes of every geoexplore command (documented in docs/first-run.md, "Exit codes"): success
EXIT_OK = 0
#: an error stopped the command (bad input, a failed step); the message names the cause
EXIT_ERROR = 1
#: the command line itself is wrong (argparse's code)
EXIT_USAGE = 2
#: a batch finished its good items but some failed (listed); what was done is kept
EXIT_PARTIAL = 3


class GeoexploreError(Exception):
    """Base class of all errors raised deliberately by geoexplore."""


class FileFormatError(GeoexploreError, ValueError):
    """A file is corrupt, truncated or not in the expected format.

    Parameters
    ----------
    path : str or os.PathLike
        The file that could not be read.
    message : str
        What is wrong.
    position : str, optional
        Where in the file, in words: ``"byte 3600"``, ``"line 17"``,
        ``"trace 12 (byte 24840)"``, ``"block >ZXYR"``.
    byte_offset : int, optional
        Byte offset of the problem, when known.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        message: str,
        *,
        position: str | None = None,
        byte_offset: int | None = None,
    ) -> None:
        self.path = os.fspath(path)
        self.message = message
        self.byte_offset = byte_offset
        if position is None and byte_offset is not None:
            position = f"byte {byte_offset}"
        self.position = position
        where = f" at {position}" if position else ""
        super().__init__(f"{self.path}{where}: {message}")

    def __reduce__(self) -> tuple[Any, ...]:  # keep picklable across Dask workers
        return (
            _rebuild_file_error,
            (self.path, self.message, self.position, self.byte_offset),
        )


def _rebuild_file_error(path: str, message: str, position: str | None, byte_offset: int | None) -> FileFormatError:
    return FileFormatError(path, message, position=position, byte_offset=byte_offset)


class SettingsError(GeoexploreError, ValueError):
    """Settings are unknown, mistyped or out of range; ``key``: the setting, when one is to blame."""

    def __init__(self, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (str(self), self.key))


class WorkflowError(GeoexploreError):
    """A workflow file is invalid or a workflow cannot run.

    ``path`` and ``line``, when known, say where in the workflow file (the
    line is also in the message: ``wf.yaml at line 11: steps[1]: ...``), so
    an editor or a notebook can jump to it.
    """

    def __init__(self, message: str, *, path: str | os.PathLike[str] | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.path = None if path is None else str(path)
        self.line = line

    @property
    def position(self) -> str | None:
        """``"line N"`` when the line is known (what file errors carry as ``position``)."""
        return None if self.line is None else f"line {self.line}"

    def __reduce__(self) -> tuple[Any, ...]:  # keep path and line across processes (Dask workers)
        return (type(self), (str(self),), {"path": self.path, "line": self.line})


class StoreError(GeoexploreError):
    """The HDF5 project store is missing, corrupt or does not hold a result."""


class ModelError(GeoexploreError, ValueError):
    """The geological model is inconsistent."""
