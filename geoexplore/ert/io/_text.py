"""Helpers for the text readers: numbered lines, numbers with file positions."""

from __future__ import annotations

import math
import os
import re
from pathlib import Path

from geoexplore.core.errors import FileFormatError

_SPLIT = re.compile(r"[\s,;]+")
MAX_TEXT_BYTES = 512 * 2**20


def read_lines(path: str | os.PathLike[str]) -> list[str]:
    """All lines of a text file (UTF-8, falling back to Latin-1), CR/LF stripped."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise FileFormatError(path, f"cannot read: {exc.strerror or exc}") from None
    if len(raw) > MAX_TEXT_BYTES:
        raise FileFormatError(path, f"text file too large ({len(raw)} bytes)")
    if b"\x00" in raw[:4096]:
        raise FileFormatError(path, "binary content in a text format", byte_offset=raw.index(b"\x00"))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def tokens(line: str) -> list[str]:
    """Split on whitespace, commas and semicolons."""
    return [t for t in _SPLIT.split(line.strip()) if t]


def to_float(path: str | os.PathLike[str], tok: str, lineno: int, what: str) -> float:
    try:
        return float(tok.replace("D", "E").replace("d", "e"))
    except ValueError:
        raise FileFormatError(path, f"{what}: expected a number, got {tok!r}", position=f"line {lineno}") from None


def to_int(path: str | os.PathLike[str], tok: str, lineno: int, what: str) -> int:
    v = to_float(path, tok, lineno, what)
    if not math.isfinite(v) or v != int(v):
        raise FileFormatError(path, f"{what}: expected an integer, got {tok!r}", position=f"line {lineno}")
    return int(v)


def is_number(tok: str) -> bool:
    try:
        float(tok)
        return True
    except ValueError:
        return False


class Cursor:
    """Walks the non-empty lines of a file, keeping 1-based line numbers for errors."""

    def __init__(self, path: str | os.PathLike[str], lines: list[str], *, comment: str | None = None) -> None:
        self.path = path
        self.items: list[tuple[int, str]] = []
        for i, ln in enumerate(lines, start=1):
            s = ln.strip()
            if not s:
                continue
            self.items.append((i, s))
        self.pos = 0

    def eof(self) -> bool:
        return self.pos >= len(self.items)

    def peek(self) -> tuple[int, str]:
        if self.eof():
            raise FileFormatError(self.path, "unexpected end of file", position=f"line {self.last_line() + 1}")
        return self.items[self.pos]

    def next(self, what: str = "line") -> tuple[int, str]:
        if self.eof():
            raise FileFormatError(self.path, f"unexpected end of file while reading {what}",
                                  position=f"line {self.last_line() + 1}")
        item = self.items[self.pos]
        self.pos += 1
        return item

    def last_line(self) -> int:
        return self.items[-1][0] if self.items else 0

    def next_float(self, what: str) -> float:
        ln, s = self.next(what)
        t = tokens(s)
        return to_float(self.path, t[0] if t else s, ln, what)

    def next_int(self, what: str) -> int:
        ln, s = self.next(what)
        t = tokens(s)
        return to_int(self.path, t[0] if t else s, ln, what)
