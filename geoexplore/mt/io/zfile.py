"""Reader for EMTF Z-files (``.zss`` single site, ``.zrr`` remote reference, ``.zmm`` multiple station).

Layout (Egbert's EMTF): a header naming the station, its coordinates and the
channels with their orientations, then per period::

    period :  4.65455    decimation level 1    freq. band from 25 to 30
    number of data point 2489 sampling freq. 1.000 Hz
     Transfer Functions
      <re im re im of row Hz>          (one row per predicted channel)
      <re im re im of row Ex>
      <re im re im of row Ey>
     Inverse Coherent Signal Power Matrix
      <lower triangle of the 2x2 complex matrix S>
     Residual Covariance
      <lower triangle of the n_out x n_out complex matrix N>

The variance of element (i, j) is ``N[i, i] * S[j, j]`` (real parts); the
error is its square root. Values are in the units of the processed data;
orientations of the channels give the measurement frame (``rotation_deg`` =
azimuth of Hx).

Format plug-in ``zfile`` of :data:`geoexplore.mt.io.TF_FORMATS`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from geoexplore.core.errors import FileFormatError
from geoexplore.core.formats import head_lines
from geoexplore.mt.tfdata import make_tf


def _floats(path: Path, line: str, lineno: int, n: int | None = None) -> list[float]:
    try:
        v = [float(t) for t in line.replace("D", "E").split()]
    except ValueError:
        raise FileFormatError(path, f"expected numbers, got '{line.strip()[:60]}'", position=f"line {lineno}") from None
    if n is not None and len(v) != n:
        raise FileFormatError(path, f"expected {n} numbers, got {len(v)}", position=f"line {lineno}")
    return v


def read_zfile(path: str | os.PathLike[str]) -> Any:
    """Read an EMTF Z-file into the transfer-function container.

    Returns
    -------
    xarray.Dataset
        ``z`` (mV/km/nT if the processed data were in mV/km and nT),
        ``t`` when Hz was processed, errors, ``n_points``, ``decimation_level``.

    Raises
    ------
    FileFormatError
        Missing header lines, fewer period blocks than announced, bad numbers.
    """
    p = Path(path)
    try:
        lines = p.read_text(errors="replace").splitlines()
    except OSError as exc:
        raise FileFormatError(p, f"cannot read: {exc.strerror}") from None
    head = read_header(p, lines)
    outs = output_channels(p, head, len(lines))
    blocks = []
    i = head.first_period_line
    for k in range(head.nfreq):
        block, i = read_period_block(p, lines, i, k, head.nfreq, len(outs))
        blocks.append(block)
    return assemble_tf(p, head, outs, blocks)


@dataclass
class ZHeader:
    """What the header of a Z-file says (``first_period_line``: 0-based line where the period blocks start)."""

    station: str
    lat_deg: float
    lon_deg: float
    n_channels: int
    nfreq: int
    channels: list[tuple[str, float]]
    first_period_line: int


@dataclass
class PeriodBlock:
    """One period block: transfer functions (n_out, 2) and their variances (n_out, 2)."""

    period_s: float
    decimation_level: int
    n_points: int
    tf: np.ndarray
    var: np.ndarray


def read_header(p: Path, lines: list[str]) -> ZHeader:
    """Station, coordinates, channel count, number of frequencies and channel table (orientation of each)."""
    station = ""
    lat = lon = np.nan
    nch = nfreq = None
    chans: list[tuple[str, float]] = []
    i = 0
    while i < len(lines):
        s = lines[i]
        low = s.lower()
        if low.startswith("station"):
            station = s.split(":", 1)[1].strip() if ":" in s else ""
        elif low.startswith("coordinate"):
            v = s.split()
            try:
                lat, lon = float(v[1]), float(v[2])
            except (IndexError, ValueError):
                raise FileFormatError(p, "bad coordinate line", position=f"line {i + 1}") from None
        elif low.startswith("number of channels"):
            m = re.search(r"channels\s+(\d+)\s+number of frequencies\s+(\d+)", low)
            if not m:
                raise FileFormatError(p, "bad 'number of channels' line", position=f"line {i + 1}")
            nch, nfreq = int(m.group(1)), int(m.group(2))
        elif "orientations and tilts" in low:
            if nch is None:
                raise FileFormatError(p, "channel table before 'number of channels'", position=f"line {i + 1}")
            for k in range(nch):
                if i + 1 + k >= len(lines):
                    raise FileFormatError(p, "channel table truncated", position=f"line {i + 2 + k}")
                t = lines[i + 1 + k].split()
                try:
                    chans.append((t[-1].lower(), float(t[1])))
                except (IndexError, ValueError):
                    raise FileFormatError(p, "bad channel line", position=f"line {i + 2 + k}") from None
            i += nch
        elif low.startswith("period"):
            break
        i += 1
    if nch is None or nfreq is None or not chans:
        raise FileFormatError(p, "not an EMTF Z-file (no 'number of channels' / channel table)", position="header")
    return ZHeader(station, lat, lon, nch, nfreq, chans, i)


def output_channels(p: Path, head: ZHeader, n_lines: int) -> list[str]:
    """The predicted channels (after Hx, Hy); Ex and Ey must be among them and NFREQ plausible."""
    outs = [c for c, _ in head.channels[2:]]
    missing = [c for c in ("ex", "ey") if c not in outs]
    if missing:
        raise FileFormatError(
            p, f"channel table has no {' and '.join(missing)} output channel (outputs: {', '.join(outs) or 'none'})",
            position="channel table",
        )
    if head.nfreq <= 0 or head.nfreq > n_lines:
        raise FileFormatError(p, f"implausible number of frequencies {head.nfreq}", position="header")
    return outs


def read_period_block(p: Path, lines: list[str], i: int, k: int, nfreq: int, nout: int) -> tuple[PeriodBlock, int]:
    """The ``k``-th period block at or after line ``i``; returns it and the line after it."""
    while i < len(lines) and not lines[i].strip().lower().startswith("period"):
        i += 1
    if i >= len(lines):
        raise FileFormatError(p, f"file ends after {k} of {nfreq} periods", position=f"period block {k + 1}")
    head = lines[i]
    m = re.search(r"period\s*:\s*([-+0-9.eEdD]+)\s+decimation level\s+(\d+)", head)
    try:
        period = float(m.group(1).replace("D", "E").replace("d", "e")) if m else float("nan")
    except ValueError:
        period = float("nan")
    if not m or not np.isfinite(period):
        raise FileFormatError(p, "bad period line", position=f"line {i + 1}")
    dec = int(m.group(2))
    m2 = re.search(r"number of data point\s+(\d+)", lines[i + 1] if i + 1 < len(lines) else "")
    npts = int(m2.group(1)) if m2 else -1
    if dec >= 2**63 or npts >= 2**63:  # stored as int64
        raise FileFormatError(p, "decimation level or number of data points out of range", position=f"line {i + 1}")
    j = i + 2
    need = j + 1 + nout + 1 + 2 + 1 + nout
    if need > len(lines):
        raise FileFormatError(p, f"period block {k + 1} truncated", position=f"line {len(lines)}")
    if "transfer" not in lines[j].lower():
        raise FileFormatError(p, "expected 'Transfer Functions'", position=f"line {j + 1}")
    rows = [_floats(p, lines[j + 1 + r], j + 2 + r, 4) for r in range(nout)]
    b = np.array([[r[0] + 1j * r[1], r[2] + 1j * r[3]] for r in rows])
    j += 1 + nout
    if "inverse" not in lines[j].lower():
        raise FileFormatError(p, "expected 'Inverse Coherent Signal Power Matrix'", position=f"line {j + 1}")
    s1 = _floats(p, lines[j + 1], j + 2, 2)
    s2 = _floats(p, lines[j + 2], j + 3, 4)
    sdiag = np.array([s1[0], s2[2]])
    j += 3
    if "residual" not in lines[j].lower():
        raise FileFormatError(p, "expected 'Residual Covariance'", position=f"line {j + 1}")
    ndiag = []
    for r in range(nout):
        v = _floats(p, lines[j + 1 + r], j + 2 + r, 2 * (r + 1))
        ndiag.append(v[2 * r])
    j += 1 + nout
    return PeriodBlock(period, dec, npts, b, np.outer(np.array(ndiag), sdiag)), j


def assemble_tf(p: Path, head: ZHeader, outs: list[str], blocks: list[PeriodBlock]) -> Any:
    """The container from the period blocks: Z from the Ex/Ey rows, the tipper from Hz, errors = sqrt(variance)."""
    per = [blk.period_s for blk in blocks]
    b = np.array([blk.tf for blk in blocks])
    v = np.sqrt(np.abs(np.array([blk.var for blk in blocks])))
    iex, iey = outs.index("ex"), outs.index("ey")
    z = b[:, [iex, iey], :]
    ze = v[:, [iex, iey], :]
    t = te = None
    if "hz" in outs:
        ih = outs.index("hz")
        t, te = b[:, [ih], :], v[:, [ih], :]
    rot = head.channels[0][1]
    ds = make_tf(
        per, z, ze, t, te, station=head.station, lat_deg=head.lat_deg, lon_deg=head.lon_deg, rotation_deg=float(rot),
        source=f"EMTF Z-file {p.name}",
    )
    order = np.argsort(per)
    ds["n_points"] = ("period_s", np.asarray([blk.n_points for blk in blocks], np.int64)[order])
    ds["decimation_level"] = ("period_s", np.asarray([blk.decimation_level for blk in blocks], np.int64)[order])
    return ds


# -- format plug-in (geoexplore.core.formats) -----------------------------------------
NAME = "zfile"
EXTENSIONS = (".zss", ".zrr", ".zmm")


def can_read(path: str | os.PathLike[str]) -> bool:
    """True for a text file whose header has the ``number of channels ... number of frequencies`` line."""
    lines = head_lines(path, n_lines=40)
    if lines is None:
        return False
    return any(re.match(r"\s*number of channels\s+\d+\s+number of frequencies\s+\d+", ln.lower()) for ln in lines)


def read(path: str | os.PathLike[str], **kwargs: Any) -> Any:
    """Plug-in reader: :func:`read_zfile`."""
    return read_zfile(path, **kwargs)
