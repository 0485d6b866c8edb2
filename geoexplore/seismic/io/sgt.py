"""pyGIMLi's unified data format for first-break traveltimes (``.sgt``): read and write.

The format (pyGIMLi ``DataContainer`` text format)::

    63 # shot/geophone points
    #x  y            <- tokens: x with y (2D, y = elevation) or x y z (z = elevation)
    -4.5  0.9
    ...
    714 # measurements
    #s  g  t         <- tokens: s, g (1-based sensor indices), t (s); optional err (s), valid
    1   5  0.00455
    ...

Everything after a ``#`` on a data line is a comment; blank lines are
skipped. A token line may also name ``err`` (absolute traveltime error in
seconds) and ``valid`` (0/1). Unknown data tokens are kept in
:attr:`TraveltimeData.extra`.

This parser is independent of pyGIMLi (no import) and raises
:class:`~geoexplore.core.errors.FileFormatError` naming the file and line for
anything it cannot read. :func:`to_gimli` / :func:`from_gimli` convert to and
from ``pg.DataContainer``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from geoexplore.core.errors import FileFormatError, GeoexploreError
from geoexplore.core.formats import object_and_path


@dataclass
class TraveltimeData:
    """First-break traveltimes with their sensor geometry.

    Attributes
    ----------
    sensors : ndarray, shape (n_sensors, 2)
        Sensor positions: column 0 the horizontal position along the line
        (m), column 1 the elevation (m, positive up).
    s, g : ndarray of int, shape (n_data,)
        0-based indices into ``sensors`` of the shot and the geophone.
    t_s : ndarray, shape (n_data,)
        First-break traveltime in seconds.
    err_s : ndarray, shape (n_data,), optional
        Absolute traveltime error in seconds (None when not given).
    valid : ndarray of bool, shape (n_data,)
        False for data to be ignored.
    extra : dict of str -> ndarray (n_data,)
        Other data columns read from a file.
    """

    sensors: np.ndarray
    s: np.ndarray
    g: np.ndarray
    t_s: np.ndarray
    err_s: np.ndarray | None = None
    valid: np.ndarray | None = None
    extra: dict[str, np.ndarray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.sensors = np.atleast_2d(np.asarray(self.sensors, float))
        if self.sensors.shape[1] == 1:
            self.sensors = np.column_stack([self.sensors[:, 0], np.zeros(len(self.sensors))])
        if self.sensors.ndim != 2 or self.sensors.shape[1] != 2:
            raise GeoexploreError(f"sensors must have shape (n, 2) (x, elevation), got {self.sensors.shape}")
        self.s = np.asarray(self.s, dtype=np.int64).ravel()
        self.g = np.asarray(self.g, dtype=np.int64).ravel()
        self.t_s = np.asarray(self.t_s, dtype=float).ravel()
        n = self.t_s.size
        if self.s.size != n or self.g.size != n:
            raise GeoexploreError(f"s, g and t_s must have the same length, got {self.s.size}, {self.g.size}, {n}")
        if self.err_s is not None:
            self.err_s = np.asarray(self.err_s, dtype=float).ravel()
            if self.err_s.size != n:
                raise GeoexploreError(f"err_s has {self.err_s.size} values, expected {n}")
        self.valid = np.ones(n, bool) if self.valid is None else np.asarray(self.valid, dtype=bool).ravel()
        ns = len(self.sensors)
        bad = np.flatnonzero((self.s < 0) | (self.s >= ns) | (self.g < 0) | (self.g >= ns))
        if bad.size:
            i = int(bad[0])
            raise GeoexploreError(
                f"datum {i}: shot {self.s[i] + 1} / geophone {self.g[i] + 1} references an unknown sensor "
                f"(there are {ns} sensors, numbered 1..{ns})"
            )

    @property
    def n_data(self) -> int:
        """Number of traveltimes."""
        return int(self.t_s.size)

    @property
    def offset_m(self) -> np.ndarray:
        """Signed horizontal offset g - s (m), shape (n_data,)."""
        return self.sensors[self.g, 0] - self.sensors[self.s, 0]

    def subset(self, keep: np.ndarray) -> "TraveltimeData":
        """The data where ``keep`` (bool, n_data) is True; sensors unchanged."""
        keep = np.asarray(keep, bool)
        return TraveltimeData(
            self.sensors.copy(), self.s[keep], self.g[keep], self.t_s[keep],
            None if self.err_s is None else self.err_s[keep], self.valid[keep],
            {k: v[keep] for k, v in self.extra.items()},
        )


def _tokens(line: str) -> list[str]:
    return line.lstrip("#").replace(",", " ").split()


def _strip(line: str) -> str:
    i = line.find("#")
    return (line if i < 0 else line[:i]).strip()


class SgtCursor:
    """The lines of a ``.sgt`` file read one block at a time; errors name the file and line."""

    def __init__(self, path: Path, lines: list[str]) -> None:
        self.path = path
        self.lines = lines
        self.pos = 0  # index of the next line to read

    def error(self, message: str, position: str) -> FileFormatError:
        return FileFormatError(self.path, message, position=position)

    def next_content(self) -> tuple[int, str, str]:
        """Next non-empty line: (1-based number, raw, stripped of comments)."""
        while self.pos < len(self.lines):
            raw = self.lines[self.pos]
            self.pos += 1
            if raw.strip():
                return self.pos, raw, _strip(raw)
        raise self.error("unexpected end of file", f"line {self.pos}")

    def read_count(self, what: str) -> int:
        """A line holding only a non-negative count (comment lines before it skipped)."""
        ln, raw, content = self.next_content()
        while not content:  # pure comment lines before the count
            ln, raw, content = self.next_content()
        parts = content.split()
        try:
            n = int(parts[0])
        except (ValueError, IndexError):
            raise self.error(f"expected the number of {what}, got {raw.strip()!r}", f"line {ln}") from None
        if n < 0 or len(parts) > 1:
            raise self.error(f"expected the number of {what}, got {raw.strip()!r}", f"line {ln}")
        return n

    def read_tokens(self, default_tokens: list[str]) -> list[str]:
        """The optional token line (``#x y``) directly after a count, else the defaults."""
        save = self.pos
        while self.pos < len(self.lines) and not self.lines[self.pos].strip():
            self.pos += 1
        if self.pos < len(self.lines) and self.lines[self.pos].lstrip().startswith("#"):
            toks = [t.lower() for t in _tokens(self.lines[self.pos])]
            if toks and all(t.replace("/", "").isalpha() for t in toks):
                self.pos += 1
                return toks
            self.pos = save  # a comment, not a token line: read it as part of the block
        return default_tokens

    def read_block(self, n: int, default_tokens: list[str], what: str) -> tuple[list[str], np.ndarray, int]:
        """``n`` rows of numbers under their tokens: (tokens, rows (n, n_tokens), 1-based first line)."""
        tokens = self.read_tokens(default_tokens)
        rows = np.empty((n, len(tokens)))
        first_line = self.pos + 1
        for i in range(n):
            if self.pos >= len(self.lines):
                raise self.error(f"file ends after {i} of {n} {what}", f"line {self.pos}")
            ln, raw, content = self.next_content()
            while not content:  # comment line inside a block
                ln, raw, content = self.next_content()
            vals = content.split()
            if len(vals) < len(tokens):
                raise self.error(f"{what} row {i + 1} has {len(vals)} values, expected {len(tokens)} ({' '.join(tokens)})",
                                 f"line {ln}")
            try:
                rows[i] = [float(v) for v in vals[: len(tokens)]]
            except ValueError:
                raise self.error(f"{what} row {i + 1}: not a number in {raw.strip()!r}", f"line {ln}") from None
            if not np.all(np.isfinite(rows[i])):
                raise self.error(f"{what} row {i + 1}: non-finite value in {raw.strip()!r}", f"line {ln}")
        return tokens, rows, first_line


def read_sensors(cur: SgtCursor) -> np.ndarray:
    """The sensor block: (n_sensors, 2) positions x (m) and elevation (m; ``z``, else ``y``, else 0)."""
    n_sens = cur.read_count("shot/geophone points")
    if n_sens > len(cur.lines):
        raise cur.error(f"claims {n_sens} sensors but has only {len(cur.lines)} lines", "line 1")
    stoks, srows, _ = cur.read_block(n_sens, ["x", "y"], "sensor")
    if "x" not in stoks:
        raise cur.error(f"sensor tokens {stoks} lack 'x'", "sensor header")
    x = srows[:, stoks.index("x")]
    if "z" in stoks:
        elev = srows[:, stoks.index("z")]
    elif "y" in stoks:
        elev = srows[:, stoks.index("y")]
    else:
        elev = np.zeros(n_sens)
    return np.column_stack([x, elev])


def read_measurements(cur: SgtCursor, n_sens: int) -> tuple[list[str], np.ndarray]:
    """The data block (tokens, rows) with ``s``, ``g`` and ``t`` present and sensor numbers in 1..n_sens."""
    data_line = cur.pos + 1
    n_data = cur.read_count("measurements")
    if n_data > len(cur.lines):
        raise cur.error(f"claims {n_data} measurements but has only {len(cur.lines)} lines", f"line {data_line}")
    dtoks, drows, first = cur.read_block(n_data, ["s", "g", "t"], "measurement")
    for need in ("s", "g", "t"):
        if need not in dtoks:
            raise cur.error(f"measurement tokens {dtoks} lack '{need}'", f"line {first - 1}")
    for name in ("s", "g"):
        idx = drows[:, dtoks.index(name)]
        bad = np.flatnonzero((idx != np.round(idx)) | (idx < 1) | (idx > n_sens))
        if bad.size:
            i = int(bad[0])
            raise cur.error(f"measurement {i + 1}: {name}={idx[i]:g} is not a sensor number 1..{n_sens}", f"data row {i + 1}")
    return dtoks, drows


def read_sgt(path: str | os.PathLike[str]) -> TraveltimeData:
    """Read a pyGIMLi unified ``.sgt`` traveltime file.

    Parameters
    ----------
    path : path-like
        The file.

    Returns
    -------
    TraveltimeData

    Raises
    ------
    FileFormatError
        For a missing count, a short or malformed line, a sensor index out
        of range or a truncated file; the message names the file and line.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise FileFormatError(p, f"cannot read: {exc.strerror or exc}") from exc
    cur = SgtCursor(p, text.splitlines())
    sensors = read_sensors(cur)
    dtoks, drows = read_measurements(cur, len(sensors))
    s = drows[:, dtoks.index("s")]
    g = drows[:, dtoks.index("g")]
    t = drows[:, dtoks.index("t")]
    err = drows[:, dtoks.index("err")] if "err" in dtoks else None
    valid = drows[:, dtoks.index("valid")] != 0 if "valid" in dtoks else None
    extra = {k: drows[:, j] for j, k in enumerate(dtoks) if k not in ("s", "g", "t", "err", "valid")}
    return TraveltimeData(sensors, s.astype(int) - 1, g.astype(int) - 1, t, err, valid, extra)


def write_sgt(data: TraveltimeData, path: str | os.PathLike[str], *, only_valid: bool = False) -> Path:
    """Write traveltimes in pyGIMLi's unified format (readable by ``pg.load``/``tt.load``).

    Sensors are written as ``#x y`` with y the elevation (pyGIMLi's 2D
    convention); data as ``#s g t`` plus ``err`` when known and ``valid``.
    Arguments are (data, path) like every writer; the former order
    ``write_sgt(path, data)`` is still accepted for one release (DeprecationWarning).

    Returns
    -------
    pathlib.Path
        The file written.
    """
    data, path = object_and_path(data, path, "write_sgt")
    p = Path(path)
    keep = data.valid if only_valid else np.ones(data.n_data, bool)
    out = [f"{len(data.sensors)} # shot/geophone points", "#x\ty"]
    out += [f"{x:.6g}\t{y:.6g}" for x, y in data.sensors]
    toks = ["s", "g", "t"] + (["err"] if data.err_s is not None else []) + ([] if only_valid else ["valid"])
    out += [f"{int(keep.sum())} # measurements", "#" + "\t".join(toks)]
    for i in np.flatnonzero(keep):
        row = [f"{data.s[i] + 1}", f"{data.g[i] + 1}", f"{data.t_s[i]:.7g}"]
        if data.err_s is not None:
            row.append(f"{data.err_s[i]:.4g}")
        if not only_valid:
            row.append(str(int(data.valid[i])))
        out.append("\t".join(row))
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text("\n".join(out) + "\n", encoding="utf-8")
    return p


def to_gimli(data: TraveltimeData, *, only_valid: bool = True) -> Any:
    """A ``pg.DataContainer`` (sensor tokens s, g; data t, err, valid) for pyGIMLi's traveltime tools."""
    from geoexplore.core.gimli import import_pygimli

    pg = import_pygimli()
    d = data.subset(data.valid) if only_valid else data
    dc = pg.DataContainer()
    dc.registerSensorIndex("s")
    dc.registerSensorIndex("g")
    for x, y in d.sensors:
        dc.createSensor(pg.Pos(float(x), float(y)))
    dc.resize(d.n_data)
    dc.set("s", np.asarray(d.s, float))
    dc.set("g", np.asarray(d.g, float))
    dc.set("t", np.asarray(d.t_s, float))
    if d.err_s is not None:
        dc.set("err", np.asarray(d.err_s, float))
    dc.set("valid", np.ones(d.n_data))
    return dc


def from_gimli(dc: Any) -> TraveltimeData:
    """Convert a pyGIMLi ``DataContainer`` with s, g, t (and err, valid) to :class:`TraveltimeData`."""
    pos = np.array([[p[0], p[1]] for p in dc.sensors()], float).reshape(-1, 2)
    err = np.asarray(dc["err"], float) if dc.haveData("err") else None
    valid = np.asarray(dc["valid"], float) != 0 if dc.haveData("valid") else None
    return TraveltimeData(pos, np.asarray(dc["s"], int), np.asarray(dc["g"], int), np.asarray(dc["t"], float), err, valid)


__all__ = ["TraveltimeData", "from_gimli", "read_sgt", "to_gimli", "write_sgt"]
