"""The 3-component microtremor record: the container every reader returns and every processing call takes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["COMPONENTS", "Record", "record_from_arrays"]

#: order of the components in :attr:`Record.data`
COMPONENTS = ("N", "E", "Z")


@dataclass
class Record:
    """A 3-component record.

    Attributes
    ----------
    data : ndarray, shape (3, nsamp)
        North, east, vertical (float64, counts or physical units).
    fs_hz : float
        Sampling rate (Hz).
    station : str
    starttime : str
        ISO time of the first sample (UTC).
    path : str
    channels : dict
        Component letter -> source channel code.
    flags : dict
        Reason -> bool array (nsamp,) of bad samples.
    notes : list of str
        What was repaired (trimmed, gap-filled, renamed components).
    span_s : float
        Time span (s) of the longest channel before the cut to the common span
        (equals ``duration_s`` when the channels agree); the windows lost to
        the cut are counted by :func:`~geoexplore.microtremor.process.process_record`.
    """

    data: np.ndarray
    fs_hz: float
    station: str = ""
    starttime: str = ""
    path: str = ""
    channels: dict[str, str] = field(default_factory=dict)
    flags: dict[str, np.ndarray] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    span_s: float | None = None

    @property
    def n_samples(self) -> int:
        """Number of samples per component."""
        return int(self.data.shape[1])

    @property
    def duration_s(self) -> float:
        """Length of the record (s)."""
        return self.n_samples / self.fs_hz

    def write(self, path: str | Path, format: str | None = None, **kwargs: Any) -> Path:  # noqa: A002
        """Write the record (``format`` None: from the file ending; see :func:`geoexplore.microtremor.io.write`)."""
        from geoexplore.microtremor.io import write

        return write(self, path, format=format, **kwargs)


def record_from_arrays(north: np.ndarray, east: np.ndarray, vertical: np.ndarray, fs_hz: float, station: str = "SYN") -> Record:
    """A :class:`Record` from three equal-length arrays (sampling rate ``fs_hz`` in Hz)."""
    d = np.stack([np.asarray(north, float), np.asarray(east, float), np.asarray(vertical, float)])
    return Record(d, float(fs_hz), station=station, channels={"N": "N", "E": "E", "Z": "Z"})
