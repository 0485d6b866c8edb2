"""Geopsy H/V files (``# GEOPSY output version 1.1``): read and write.

Layout: ``#`` header lines (``Number of windows = N``, ``f0 from average``,
``Number of windows for f0``, ``f0 from windows  mean mean-std mean+std``
(arithmetic mean and standard deviation of the per-window peak
frequencies: symmetric in Geopsy's own files, e.g. 0.713548 0.593593
0.833503 for STN11), ``Peak
amplitude``, ``Position x y z``, ``Category``) then the column header
``# Frequency Average Min Max`` and tab-separated rows. ``Min`` and ``Max``
are the lognormal median divided / multiplied by exp(sigma_ln).

A format plug-in of :mod:`geoexplore.microtremor.io` (``geopsy-hv``): an
H/V *curve*, not a record, so the front door reads it with ``read_hv``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from geoexplore.core.errors import FileFormatError
from geoexplore.core.formats import head_lines

__all__ = ["NAME", "EXTENSIONS", "HvFile", "can_read", "read", "read_hv", "write", "write_hv"]

NAME = "geopsy-hv"
EXTENSIONS = (".hv",)


@dataclass
class HvFile:
    """A Geopsy H/V curve: frequencies (Hz), the average (lognormal median) and the Min / Max columns, and the header."""

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

    @classmethod
    def from_median(cls, frequency_hz: np.ndarray, median: np.ndarray, sigma_ln: np.ndarray, *, n_windows: int,
                    f0_average_hz: float, f0_windows_hz: tuple[float, float, float] | None = None,
                    peak_amplitude: float | None = None, position: tuple[float, float, float] = (0.0, 0.0, 0.0),
                    category: str = "Default") -> "HvFile":
        """A curve from its lognormal median and sigma_ln: Min / Max = median divided / multiplied by exp(sigma_ln).

        ``f0_windows_hz`` = (mean, mean - std, mean + std) of the window peak
        frequencies in Hz, as Geopsy writes it (not a lognormal median).
        """
        med = np.asarray(median, float)
        s = np.exp(np.asarray(sigma_ln, float))
        return cls(np.asarray(frequency_hz, float), med, med / s, med * s, n_windows=int(n_windows),
                   f0_average_hz=f0_average_hz, f0_windows_hz=f0_windows_hz,
                   n_windows_f0=int(n_windows) if f0_windows_hz is not None else None, peak_amplitude=peak_amplitude,
                   position=position, category=category)

    @classmethod
    def from_result(cls, res: Any) -> "HvFile":
        """The curve of an :class:`~geoexplore.microtremor.process.HvsrResult` as ``geoexplore hvsr`` writes it."""
        # Geopsy's "f0 from windows": mean, mean - std, mean + std of the window peaks (Hz)
        mean, std = res.f0_windows_mean_hz, res.f0_windows_std_hz
        return cls.from_median(res.frequency_hz, res.median, res.sigma_ln, n_windows=res.n_windows, f0_average_hz=res.f0_hz,
                               f0_windows_hz=(mean, mean - std, mean + std), peak_amplitude=res.a0)


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


def write_hv(curve: Any, path: Any, *args: Any, **kwargs: Any) -> Path:
    """Write a Geopsy-compatible .hv file (version 1.1 layout).

    Parameters
    ----------
    curve : HvFile or HvsrResult
        The curve (an :class:`~geoexplore.microtremor.process.HvsrResult` is
        written as :meth:`HvFile.from_result` gives it).
    path : str or PathLike

    Notes
    -----
    The old form ``write_hv(path, frequency_hz, median, sigma_ln, n_windows=...,
    f0_average_hz=..., ...)`` still works for one release (DeprecationWarning);
    use ``write_hv(HvFile.from_median(frequency_hz, median, sigma_ln, ...), path)``.
    """
    if isinstance(curve, (str, os.PathLike)) and not isinstance(path, (str, os.PathLike)):
        import warnings

        warnings.warn("write_hv(path, frequency_hz, median, sigma_ln, ...) is deprecated: "
                      "use write_hv(HvFile.from_median(frequency_hz, median, sigma_ln, ...), path)", DeprecationWarning, stacklevel=2)
        curve, path = HvFile.from_median(path, *args, **kwargs), curve
    elif args or kwargs:
        raise TypeError("write_hv(curve, path) takes no other arguments")
    hv = curve if isinstance(curve, HvFile) else HvFile.from_result(curve)
    p = Path(path)
    p.write_text("\n".join(_header_lines(hv) + _row_lines(hv)) + "\n")
    return p


def _header_lines(hv: HvFile) -> list[str]:
    lines = ["# GEOPSY output version 1.1", f"# Number of windows = {int(hv.n_windows or 0)}"]
    if hv.f0_average_hz is not None:
        lines.append(f"# f0 from average\t{hv.f0_average_hz:g}")
    if hv.f0_windows_hz is not None:
        lines.append(f"# Number of windows for f0 = {int(hv.n_windows_f0 if hv.n_windows_f0 is not None else hv.n_windows or 0)}")
        lines.append("# f0 from windows\t" + "\t".join(f"{v:g}" for v in hv.f0_windows_hz))
    if hv.peak_amplitude is not None:
        lines.append(f"# Peak amplitude\t{hv.peak_amplitude:g}")
    lines.append("# Position\t" + " ".join(f"{v:g}" for v in hv.position))
    lines.append(f"# Category\t{hv.category}")
    lines.append("# Frequency\tAverage\tMin\tMax")
    return lines


def _row_lines(hv: HvFile) -> list[str]:
    return [f"{f:.6g}\t{m:.6g}\t{lo:.6g}\t{hi:.6g}" for f, m, lo, hi in zip(hv.frequency_hz, hv.average, hv.min, hv.max)]


def can_read(path: str | os.PathLike[str]) -> bool:
    """True if the first line is a Geopsy output header (``# GEOPSY output version ...``)."""
    lines = head_lines(path, 1)
    return bool(lines) and lines[0].lstrip().startswith("#") and "GEOPSY" in lines[0].upper()


def read(path: str | os.PathLike[str]) -> HvFile:
    """The plug-in's reader: :func:`read_hv`."""
    return read_hv(path)


def write(curve: Any, path: str | os.PathLike[str]) -> Path:
    """The plug-in's writer: :func:`write_hv`."""
    return write_hv(curve, path)
