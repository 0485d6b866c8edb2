"""The one file-format protocol of every method: plug-ins that sniff, read and write.

A *format plug-in* is any object (usually a module) with

``NAME``
    the format's name (``"segy"``, ``"syscal-bin"``, ``"edi"``);
``EXTENSIONS``
    the usual file endings, lower case with the dot (used only to try the
    likely plug-in first and to break ties: the content decides);
``can_read(path) -> bool``
    cheap content sniffing (reads at most a few kilobytes); never raises for
    a file of another format;
``read(path, **kwargs)``
    the file as the method's container; a damaged file raises
    :class:`~geoexplore.core.errors.FileFormatError` naming the file and the
    position;

and optionally ``write(obj, path, **kwargs)`` and ``scan(path) -> dict``
(a cheap summary). One module may hold several plug-ins as objects; a
registry names them as ``"package.module"`` or ``"package.module:OBJECT"``
and imports them on first use, so importing a method package stays cheap.

Each method keeps one :class:`FormatRegistry` in its ``io`` package and
exposes ``read`` (format sniffed), ``write``, ``detect`` and ``register``
from it. Adding a format is one module and one :meth:`FormatRegistry.register`
line (docs/architecture.md).
"""

from __future__ import annotations

import importlib
import os
import struct
from collections.abc import Iterable, Mapping
from typing import Any, Protocol, runtime_checkable

from geoexplore.core.errors import FileFormatError, GeoexploreError


@runtime_checkable
class FormatPlugin(Protocol):
    """What a format plug-in provides (``write`` and ``scan`` are optional)."""

    NAME: str
    EXTENSIONS: tuple[str, ...]

    def can_read(self, path: str) -> bool: ...  # pragma: no cover - protocol

    def read(self, path: str, **kwargs: Any) -> Any: ...  # pragma: no cover - protocol


#: low-level exceptions a reader may let escape; turned into FileFormatError naming the file
LOW_LEVEL_ERRORS: tuple[type[BaseException], ...] = (
    IndexError, KeyError, ValueError, TypeError, OverflowError, OSError, EOFError, UnicodeDecodeError, struct.error,
)


def check_regular_file(path: str | os.PathLike[str]) -> str:
    """The path as a string if it names a non-empty regular file, else FileFormatError saying why."""
    p = os.fspath(path)
    if not os.path.isfile(p):
        raise FileFormatError(p, "no such file" if not os.path.exists(p) else "not a regular file")
    if os.path.getsize(p) == 0:
        raise FileFormatError(p, "file is empty", byte_offset=0)
    return p


def read_head(path: str | os.PathLike[str], n_bytes: int = 8192) -> bytes:
    """The first ``n_bytes`` of a file (for sniffing); FileFormatError if it cannot be opened."""
    try:
        with open(path, "rb") as fh:
            return fh.read(n_bytes)
    except OSError as exc:
        raise FileFormatError(path, f"cannot read: {exc.strerror or exc}") from None


def head_lines(path: str | os.PathLike[str], n_lines: int = 40, n_bytes: int = 8192) -> list[str] | None:
    """The first lines of a text file (latin-1, any line ending); None for a binary file (a NUL byte)."""
    head = read_head(path, n_bytes)
    if b"\x00" in head:
        return None
    text = head.decode("latin-1")
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")[:n_lines]


def object_and_path(first: Any, second: Any, writer: str) -> tuple[Any, Any]:
    """``(obj, path)`` from a writer's first two arguments: every writer takes (obj, path).

    The former (path, obj) order of some writers is accepted for one release:
    a first argument that is a path (str or PathLike) with a second that is not
    is swapped, with a DeprecationWarning naming the writer.
    """
    import warnings

    if isinstance(first, (str, os.PathLike)) and not isinstance(second, (str, os.PathLike)):
        warnings.warn(f"{writer}(path, obj) is deprecated: writers take (obj, path)", DeprecationWarning, stacklevel=3)
        return second, first
    return first, second


class FormatRegistry:
    """The file formats of one method, found lazily by name and detected by content.

    Parameters
    ----------
    method : str
        The method's name, used in messages (``"seismic"``, ``"ERT"``).
    plugins : mapping of str to str
        Format name -> ``"package.module"`` or ``"package.module:OBJECT"``.
        The order is the order in which formats are tried when the extension
        does not decide (put the formats with the most specific magic first).
    aliases : mapping of str to str, optional
        Other names users type for a format (``"sgy" -> "segy"``).
    by_extension : bool
        Try the formats whose ``EXTENSIONS`` hold the file's ending first
        (default). False: always the registration order (for a method whose
        instruments write the same endings for different layouts).
    """

    def __init__(self, method: str, plugins: Mapping[str, str], *, aliases: Mapping[str, str] | None = None,
                 by_extension: bool = True) -> None:
        self.method = method
        self.by_extension = by_extension
        self._plugins: dict[str, str] = {k.lower(): v for k, v in plugins.items()}
        self._aliases: dict[str, str] = {k.lower(): v.lower() for k, v in (aliases or {}).items()}
        self._loaded: dict[str, Any] = {}

    # -- the table of formats ---------------------------------------------------------------------------
    def register(self, name: str, target: str, *, first: bool = False) -> None:
        """Add (or replace) a format plug-in by dotted path; ``first=True`` tries it before the others."""
        key = name.lower()
        self._loaded.pop(key, None)
        if first:
            self._plugins = {key: target, **{k: v for k, v in self._plugins.items() if k != key}}
        else:
            self._plugins[key] = target

    @property
    def names(self) -> list[str]:
        """The format names, in detection order."""
        return list(self._plugins)

    def canonical(self, name: str) -> str:
        """The registered name of ``name`` (aliases resolved); GeoexploreError listing the known ones."""
        key = self._aliases.get(name.lower(), name.lower())
        if key not in self._plugins:
            raise GeoexploreError(f"unknown {self.method} format {name!r}; known formats: {', '.join(self.names)}")
        return key

    def plugin(self, name: str) -> Any:
        """The plug-in of a format name, imported on first use."""
        key = self.canonical(name)
        if key not in self._loaded:
            target = self._plugins[key]
            mod_name, _, attr = target.partition(":")
            obj: Any = importlib.import_module(mod_name)
            if attr:
                obj = getattr(obj, attr)
            self._loaded[key] = obj
        return self._loaded[key]

    def writable(self) -> list[str]:
        """The formats that have a writer."""
        return [n for n in self.names if callable(getattr(self.plugin(n), "write", None))]

    def extensions(self) -> dict[str, tuple[str, ...]]:
        """Format name -> its usual file endings."""
        return {n: tuple(getattr(self.plugin(n), "EXTENSIONS", ())) for n in self.names}

    # -- detection, reading, writing --------------------------------------------------------------------
    def candidates(self, path: str | os.PathLike[str]) -> list[str]:
        """Format names in the order they are tried for ``path``: the extension's formats first (``by_extension``)."""
        if not self.by_extension:
            return self.names
        ext = os.path.splitext(os.fspath(path))[1].lower()
        by_ext = [n for n in self.names if ext and ext in getattr(self.plugin(n), "EXTENSIONS", ())]
        return by_ext + [n for n in self.names if n not in by_ext]

    def detect(self, path: str | os.PathLike[str], *, among: Iterable[str] | None = None) -> str:
        """The format of a file, from its content (the extension only orders the tries).

        Raises
        ------
        FileFormatError
            If the file is missing, empty or no plug-in recognises it (the
            message lists the known formats).
        """
        p = check_regular_file(path)
        allowed = None if among is None else {self.canonical(a) for a in among}
        for name in self.candidates(p):
            if allowed is not None and name not in allowed:
                continue
            try:
                if self.plugin(name).can_read(p):
                    return name
            except FileFormatError:
                raise
            except LOW_LEVEL_ERRORS:  # a sniffer that trips on a foreign file: not this format
                continue
        known = ", ".join(self.names if allowed is None else [n for n in self.names if n in allowed])
        raise self.unrecognised(p, read_head(p, 4096), known)

    def unrecognised(self, path: str, head: bytes, known: str) -> FileFormatError:
        """The error for a file no plug-in recognises (``head``: its first bytes); a registry may word it its own way."""
        what = "binary" if b"\x00" in head else "text"
        return FileFormatError(path, f"not a recognised {self.method} file ({what}); known formats: {known}", position="byte 0")

    def read(self, path: str | os.PathLike[str], format: str | None = None, **kwargs: Any) -> Any:  # noqa: A002
        """Read a file; ``format=None`` detects it from the content.

        Low-level exceptions escaping a reader become a FileFormatError that
        names the file and the format.
        """
        name = self.canonical(format) if format else self.detect(path)
        if format:
            check_regular_file(path)
        return self.call(self.plugin(name).read, path, name, **kwargs)

    def scan(self, path: str | os.PathLike[str], format: str | None = None) -> dict[str, Any]:  # noqa: A002
        """Cheap summary of a file (what the plug-in's ``scan`` reports)."""
        name = self.canonical(format) if format else self.detect(path)
        plug = self.plugin(name)
        if not callable(getattr(plug, "scan", None)):
            raise GeoexploreError(f"{self.method} format {name!r} has no scan")
        return self.call(plug.scan, path, name)

    def write(self, obj: Any, path: str | os.PathLike[str], format: str, **kwargs: Any) -> Any:  # noqa: A002
        """Write ``obj`` in a format; GeoexploreError listing the writable formats if it has no writer."""
        name = self.canonical(format)
        plug = self.plugin(name)
        if not callable(getattr(plug, "write", None)):
            raise GeoexploreError(f"cannot write {self.method} format {name!r}; writable: {', '.join(self.writable())}")
        return plug.write(obj, path, **kwargs)

    @staticmethod
    def call(func: Any, path: str | os.PathLike[str], name: str = "", **kwargs: Any) -> Any:
        """Run a reader; turn low-level exceptions escaping it into FileFormatError naming the file."""
        from geoexplore.core.quiet import captured_callback_errors

        p = os.fspath(path)
        fmt = f" as {name}" if name else ""
        try:
            with captured_callback_errors() as lost:  # a C library's callback that failed: its message, not a traceback
                out = func(p, **kwargs)
        except GeoexploreError:
            raise
        except LOW_LEVEL_ERRORS as exc:
            raise FileFormatError(p, f"cannot be read{fmt}: {type(exc).__name__}: {exc}") from exc
        if lost:  # the library went on without reporting the problem it met: the result cannot be trusted
            raise lost_callback_error(p, name, lost)
        return out


def lost_callback_error(path: str, name: str, lost: list[str]) -> FileFormatError:
    """The file's one-line error for C-library callback failures collected by
    :func:`geoexplore.core.quiet.captured_callback_errors` during its read (the library's own message, positioned)."""
    fmt = f" as {name}" if name else ""
    more = f" (and {len(lost) - 1} more)" if len(lost) > 1 else ""
    return FileFormatError(path, f"cannot be read{fmt}: the C library reading it met a problem it could not report "
                                 f"properly: {lost[0][:300]}{more}", position=callback_problem_position(path, name))


def callback_problem_position(path: str, name: str) -> str:
    """Where a file whose C-library read failed in a callback goes wrong: the miniSEED record walk, else unknown."""
    from geoexplore.core.obspyfiles import mseed_problem_position

    if "seed" in name.lower():
        return mseed_problem_position(path)
    return "unknown position (reported by the C library)"


__all__ = [
    "FormatPlugin", "FormatRegistry", "LOW_LEVEL_ERRORS", "check_regular_file", "head_lines", "lost_callback_error",
    "object_and_path", "read_head",
]
