"""Geopsy H/V files (``# GEOPSY output version 1.1``): read and write.

Layout: ``#`` header lines (``Number of windows = N``, ``f0 from average``,
``Number of windows for f0``, ``f0 from windows  mean mean-std mean+std``
(arithmetic mean and standard deviation of the per-window peak
frequencies: symmetric in Geopsy's own files, e.g. 0.713548 0.593593
0.833503 for STN11), ``Peak
amplitude``, ``Position x y z``, ``Category``) then the column header
``# Frequency Average Min Max`` and tab-separated rows. ``Min`` and ``Max``
are the lognormal median divided / multiplied by exp(sigma_ln).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from geoexplore.core.errors import FileFormatError

__all__ = ["HvFile", "read_hv", "write_hv"]


@dataclass
class HvFile:
    frequency_hz: np.ndarray
    average: np.ndarray
    min: np.ndarray
    max: np.ndarray
    n_windows: int | None = None
    f0_average_hz: float | None = None
    f0_windows_hz: tuple[float, float, float] | None = None
    n_windows_f0: int | None = None
    peak_amplitude: float | None = None
    position: tuple[float, float, float] = (0.0, 0.0, 0.0)
    category: str = "Default"
    header: dict = field(default_factory=dict)

    @property
    def sigma_ln(self) -> np.ndarray:
        """sigma_ln of the curve, from Max / Average."""
        return np.log(self.max / self.average)


def _num(path: str, lineno: int, text: str) -> list[float]:
    try:
        return [float(t) for t in text.replace("\t", " ").split()]
    except ValueError:
        raise FileFormatError(path, f"not a number in {text.strip()!r}", position=f"line {lineno}") from None


def _first(path: str, lineno: int, text: str) -> float:
    v = _num(path, lineno, text)
    if not v:
        raise FileFormatError(path, "a number is missing", position=f"line {lineno}")
    return v[0]


def read_hv(path: str | os.PathLike[str]) -> HvFile:
    """Read a Geopsy .hv file; raises :class:`FileFormatError` naming the line of a problem."""
    p = os.fspath(path)
    try:
        text = Path(p).read_text(encoding="latin-1")
    except OSError as exc:
        raise FileFormatError(p, f"cannot read: {exc.strerror}") from None
    lines = text.splitlines()
    if not lines or "GEOPSY" not in lines[0].upper():
        raise FileFormatError(p, "not a Geopsy H/V file (first line must be '# GEOPSY output version ...')", position="line 1")
    out: dict = {}
    rows = []
    row_lines = []
    for k, line in enumerate(lines, start=1):
        s = line.strip()
        if not s:
            continue
        if s.startswith("#"):
            body = s.lstrip("#").strip()
            out.setdefault("_raw", {})[body.split("\t")[0].split("=")[0].strip()] = body
            low = body.lower()
            if low.startswith("number of windows for f0"):
                out["n_windows_f0"] = int(_num(p, k, body.split("=")[-1])[0])
            elif low.startswith("number of windows"):
                nw = _first(p, k, body.split("=")[-1])
                if not (np.isfinite(nw) and nw >= 0 and nw == int(nw)):
                    raise FileFormatError(p, f"number of windows must be a whole number, got {nw}", position=f"line {k}")
                out["n_windows"] = int(nw)
            elif low.startswith("f0 from average"):
                out["f0_average_hz"] = _first(p, k, body[len("f0 from average"):])
            elif low.startswith("f0 from windows"):
                v = _num(p, k, body[len("f0 from windows"):])
                if len(v) != 3:
                    raise FileFormatError(p, "'f0 from windows' needs 3 numbers", position=f"line {k}")
                out["f0_windows_hz"] = tuple(v)
            elif low.startswith("peak amplitude"):
                out["peak_amplitude"] = _first(p, k, body[len("peak amplitude"):])
            elif low.startswith("position"):
                v = _num(p, k, body[len("position"):])
                out["position"] = tuple(v + [0.0] * (3 - len(v)))[:3]
            elif low.startswith("category"):
                out["category"] = body[len("category"):].strip()
            continue
        v = _num(p, k, s)
        if len(v) < 4:
            raise FileFormatError(p, f"expected 4 columns (Frequency Average Min Max), got {len(v)}", position=f"line {k}")
        rows.append(v[:4])
        row_lines.append(k)
    if not rows:
        raise FileFormatError(p, "no data rows", position=f"line {len(lines)}")
    a = np.asarray(rows)
    bad = ~(a[:, 0] > 0)
    bad[1:] |= ~(np.diff(a[:, 0]) > 0)
    if bad.any():
        i = int(np.argmax(bad))
        raise FileFormatError(p, f"frequencies must be positive and increasing (got {a[i, 0]:g} Hz"
                              + (f" after {a[i - 1, 0]:g} Hz)" if i else ")"), position=f"line {row_lines[i]}")
    raw = out.pop("_raw", {})
    return HvFile(a[:, 0], a[:, 1], a[:, 2], a[:, 3], header=raw, **out)


def write_hv(
    path: str | os.PathLike[str],
    frequency_hz: np.ndarray,
    median: np.ndarray,
    sigma_ln: np.ndarray,
    *,
    n_windows: int,
    f0_average_hz: float,
    f0_windows_hz: tuple[float, float, float] | None = None,
    peak_amplitude: float | None = None,
    position: tuple[float, float, float] = (0.0, 0.0, 0.0),
    category: str = "Default",
) -> Path:
    """Write a Geopsy-compatible .hv file (version 1.1 layout).

    ``f0_windows_hz`` = (mean, mean - std, mean + std) of the window peak
    frequencies in Hz, as Geopsy writes it (not a lognormal median).
    """
    p = Path(path)
    lines = ["# GEOPSY output version 1.1", f"# Number of windows = {int(n_windows)}", f"# f0 from average\t{f0_average_hz:g}"]
    if f0_windows_hz is not None:
        lines.append(f"# Number of windows for f0 = {int(n_windows)}")
        lines.append("# f0 from windows\t" + "\t".join(f"{v:g}" for v in f0_windows_hz))
    if peak_amplitude is not None:
        lines.append(f"# Peak amplitude\t{peak_amplitude:g}")
    lines.append("# Position\t" + " ".join(f"{v:g}" for v in position))
    lines.append(f"# Category\t{category}")
    lines.append("# Frequency\tAverage\tMin\tMax")
    med = np.asarray(median, float)
    s = np.exp(np.asarray(sigma_ln, float))
    for f, m, sf in zip(np.asarray(frequency_hz, float), med, s):
        lines.append(f"{f:.6g}\t{m:.6g}\t{m / sf:.6g}\t{m * sf:.6g}")
    p.write_text("\n".join(lines) + "\n")
    return p
