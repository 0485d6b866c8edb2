"""CityShark II / MiniShark ASCII records (Leas digitisers, exported by ReadCity): a format plug-in of :mod:`geoexplore.microtremor.io`.

Layout (CityShark II, ReadCity 3.x): ``Key: value`` header lines
(``Channel number``, ``Starting date`` DD.MM.YYYY, ``Starting time``,
``Ending date``, ``Ending time``, ``Sample rate: 100 Hz``, ``Sample
number``, ``Conversion factor`` (counts per volt), ``Gain``, ... , ending
with ``Maximum amplitude``), then one row of ``Channel number`` integers
(counts) per sample. The MiniShark variant writes the same keys as
``#Key:<TAB>value`` comment lines (``#Sample rate (sps):``) before the rows.

What the header states is read (rate, count, start and end clock time,
counts-per-volt and gain); what it does not state is never assumed:

* **component order**: the header does not say which column is which
  component (published readers disagree: V N E and V E N). ``columns=``
  (e.g. ``"ZNE"``) is required, else the file is refused;
* **units**: the samples stay in counts (volts = counts / (Conversion
  factor x Gain), kept in the notes); no sensor sensitivity is stated;
* **time zone**: the clock time is kept without a zone.

The stated sample number, the start/end times and the rate are cross-checked
(a header that contradicts itself is refused); a file with fewer or more rows
than ``Sample number`` is refused (truncated or damaged).
"""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path

import numpy as np

from geoexplore.core.errors import FileFormatError
from geoexplore.core.formats import head_lines
from geoexplore.microtremor.io.assemble import assemble_record
from geoexplore.microtremor.record import COMPONENTS, Record

__all__ = ["EXTENSIONS", "NAME", "can_read", "parse_columns", "read", "read_cityshark"]

NAME = "cityshark"
#: ReadCity names its exports after the station number (e.g. ``170626_1045.202``): no fixed ending
EXTENSIONS = (".txt", ".asc", ".minishark")

_KEY = re.compile(r"^\s*#?\s*([A-Za-z][A-Za-z .()/]*?)\s*:\s*(.*?)\s*$")
_NUM = re.compile(r"[-+]?\d+(?:\.\d*)?")
#: keys that together make a file a CityShark/MiniShark export (lower-case, without "(sps)" and the like)
_SIGNATURE = {"sample rate", "sample number", "conversion factor", "gain"}


def _norm(key: str) -> str:
    return re.sub(r"\s*\(.*?\)\s*", "", key).strip().lower()


def _header(lines: list[str]) -> tuple[dict[str, tuple[str, int]], int]:
    """Header key -> (value, 1-based line) and the index of the first data row."""
    head: dict[str, tuple[str, int]] = {}
    k = 0
    for k, line in enumerate(lines):
        s = line.strip()
        if not s:
            continue
        if s[0] in "-+0123456789" and all(_NUM.fullmatch(t) for t in s.split()):
            return head, k
        m = _KEY.match(s)
        if m:
            head.setdefault(_norm(m.group(1)), (m.group(2), k + 1))
    return head, len(lines)


def can_read(path: str | os.PathLike[str]) -> bool:
    """True when the head holds the CityShark keys (Sample rate, Sample number, Conversion factor, Gain)."""
    lines = head_lines(path, n_lines=40)
    if not lines:
        return False
    head, _ = _header(lines)
    return _SIGNATURE <= set(head)


def parse_columns(columns: str | tuple[str, ...] | list[str] | None, path: str, n: int) -> tuple[str, ...]:
    """The component of each column (``"ZNE"`` or ``("Z", "N", "E")``); refused when not given or not a permutation of Z N E."""
    if columns is None:
        raise FileFormatError(path, f"the header does not state which of its {n} columns is which component "
                                    "(published readers disagree: V N E and V E N): give columns=, e.g. 'ZNE' "
                                    "(geoexplore microtremor: --columns ZNE; workflow step microtremor.hvsr: "
                                    "setting 'columns: ZNE')", position="header")
    cols = tuple(c.upper() for c in (list(columns) if isinstance(columns, str) else columns))
    cols = tuple("Z" if c in ("V", "U", "UD") else c for c in cols)
    if sorted(cols) != sorted(COMPONENTS) or len(cols) != n:
        raise FileFormatError(path, f"columns={columns!r} must name each of Z, N, E once for the file's {n} columns",
                              position="header")
    return cols


def _value(p: str, head: dict[str, tuple[str, int]], key: str) -> tuple[float, int]:
    if key not in head:
        raise FileFormatError(p, f"header key '{key}' missing", position="header")
    text, line = head[key]
    m = _NUM.search(text)
    if not m:
        raise FileFormatError(p, f"'{key}' is not a number: {text!r}", position=f"line {line}")
    return float(m.group()), line


def _clock(p: str, head: dict[str, tuple[str, int]], which: str) -> tuple[datetime | None, int]:
    """The starting/ending date and time (DD.MM.YYYY hh:mm:ss.sss), or None when the header lacks them."""
    date, time = head.get(f"{which} date"), head.get(f"{which} time")
    if date is None or time is None:
        return None, 0
    for fmt in ("%d.%m.%Y %H:%M:%S.%f", "%d.%m.%Y %H:%M:%S", "%d/%m/%Y %H:%M:%S.%f", "%d/%m/%Y %H:%M:%S"):
        try:
            return datetime.strptime(f"{date[0]} {time[0]}", fmt), time[1]
        except ValueError:
            continue
    raise FileFormatError(p, f"{which} date/time not DD.MM.YYYY hh:mm:ss.sss: {date[0]!r} {time[0]!r}", position=f"line {date[1]}")


def read_cityshark(path: str | os.PathLike[str]) -> dict:
    """Parse a CityShark II / MiniShark ASCII file.

    Returns
    -------
    dict
        ``fs_hz``, ``n_stated`` (Sample number), ``start`` (datetime of the
        first sample, zone not stated, or None), ``counts_per_volt``
        (Conversion factor x Gain), ``header`` (key -> value) and ``data``
        (n_channels, n_samples) counts.
    """
    p = os.fspath(path)
    try:
        text = Path(p).read_bytes().decode("latin-1")
    except OSError as exc:
        raise FileFormatError(p, f"cannot read: {exc.strerror}") from None
    lines = text.splitlines()
    head, k0 = _header(lines[:200])
    if not _SIGNATURE <= set(head):
        raise FileFormatError(p, f"not a CityShark/MiniShark file: header lacks {sorted(_SIGNATURE - set(head))}", position="header")
    fs, fs_line = _value(p, head, "sample rate")
    n_stated, n_line = _value(p, head, "sample number")
    conv, _ = _value(p, head, "conversion factor")
    gain, _ = _value(p, head, "gain")
    if not (np.isfinite(fs) and fs > 0):
        raise FileFormatError(p, f"sample rate must be > 0 Hz, got {fs:g}", position=f"line {fs_line}")
    n_stated = int(n_stated)
    n_chan = int(_value(p, head, "channel number")[0]) if "channel number" in head else 3
    start, _ = _clock(p, head, "starting")
    end, end_line = _clock(p, head, "ending")
    if start is not None and end is not None:
        implied = (end - start).total_seconds() * fs + 1
        if abs(implied - n_stated) > max(2.0, 1e-3 * n_stated):
            raise FileFormatError(p, f"the header contradicts itself: {n_stated} samples at {fs:g} Hz, but start and end "
                                     f"times span {implied:.0f} samples", position=f"line {end_line}")
    if k0 >= len(lines):
        raise FileFormatError(p, "no data rows after the header", position=f"line {len(lines)}")
    body = [ln for ln in lines[k0:] if ln.strip()]
    try:
        arr = np.array([ln.split() for ln in body], dtype=float)
    except ValueError:
        for j, ln in enumerate(lines[k0:]):
            parts = ln.split()
            if parts and (len(parts) != n_chan or not all(_NUM.fullmatch(t) for t in parts)):
                raise FileFormatError(p, f"data row is not {n_chan} integers: {ln.strip()[:40]!r}", position=f"line {k0 + j + 1}") from None
        raise FileFormatError(p, "bad data block", position=f"line {k0 + 1}") from None
    if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] != n_chan:
        raise FileFormatError(p, f"expected rows of {n_chan} counts (Channel number), got shape {arr.shape}", position=f"line {k0 + 1}")
    if arr.shape[0] > n_stated:
        raise FileFormatError(p, f"{arr.shape[0]} data rows but Sample number states {n_stated}", position=f"line {k0 + n_stated + 1}")
    if arr.shape[0] < n_stated:
        raise FileFormatError(p, f"truncated: Sample number states {n_stated} rows, the file holds {arr.shape[0]}",
                              position=f"line {k0 + arr.shape[0]} (end of file)")
    return {"fs_hz": fs, "n_stated": n_stated, "start": start, "counts_per_volt": conv * gain,
            "header": {key: v for key, (v, _) in head.items()}, "data": arr.T, "n_line": n_line}


def read(path: str | os.PathLike[str], *, columns: str | tuple[str, ...] | None = None, channels: dict[str, str] | None = None,
         expected_fs_hz: float | None = None, station: str | None = None) -> Record:
    """A CityShark/MiniShark file as a checked :class:`Record` (counts).

    Parameters
    ----------
    columns : str or sequence of str
        Component of each column, e.g. ``"ZNE"`` (required: the file does not state it).
    channels : dict, optional
        Not used for column files (their columns have no channel codes); give ``columns``.
    expected_fs_hz : float, optional
        Raise if the header rate (Hz) differs.
    station : str, optional
        Default: ``Station serial number`` from the header, else the file name.
    """
    p = os.fspath(path)
    if channels:
        raise FileFormatError(p, "a CityShark file has no channel codes: give columns= (e.g. 'ZNE') instead of channels=",
                              position="header")
    cs = read_cityshark(p)
    n = cs["data"].shape[0]
    cols = parse_columns(columns, p, n)
    t0 = cs["start"].timestamp() if cs["start"] is not None else 0.0  # a naive datetime: only differences matter here
    traces = [(c, t0, cs["fs_hz"], cs["data"][i]) for i, c in enumerate(cols)]
    name = station or cs["header"].get("station serial number") or Path(p).stem
    rec = assemble_record(p, traces, station=str(name), channels=None, expected_fs_hz=expected_fs_hz)
    rec.starttime = cs["start"].isoformat() if cs["start"] is not None else ""
    rec.notes.append(f"columns given as {''.join(cols)}; samples in counts (volts = counts / {cs['counts_per_volt']:g}, "
                     "Conversion factor x Gain); start time without a time zone (not stated)")
    return rec
