"""Plain ASCII MT time series: whitespace-separated columns of counts, one sample per line, with a side-car.

A column file holds numbers only: the channel order, the sampling rate, the
orientation and the calibration come from a side-car ``<file>.yaml``
(:mod:`geoexplore.mt.io.sidecar`), ``metadata=`` or the arguments; none is
assumed: what is missing is named in a
:class:`~geoexplore.core.errors.FileFormatError`.
:data:`EMTF_SYNTHETIC_METADATA` describes EMTF's synthetic test files.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from geoexplore.core.errors import FileFormatError
from geoexplore.core.formats import head_lines
from geoexplore.mt.io.sidecar import channels_from, read_sidecar, sidecar_path
from geoexplore.mt.tsdata import CHANNELS, TimeSeries

#: metadata of EMTF's synthetic ASCII files (test1.asc, test2.asc): columns Hx Hy Hz Ex Ey at 1 Hz,
#: already nT and mV/km, electric polarity reversed. Worked out from the data: with scale +1 the
#: impedance over the 100 ohm-m half-space comes out as -Z (Zxy at -135 deg, Zyx at +45 deg), which no
#: passive earth gives for exp(+i omega t); mth5 flips the electric channels of these files likewise
#: (mth5.data.make_mth5_from_asc). With the flip, rho_a = 100 ohm-m and Zxy = 45 deg.
EMTF_SYNTHETIC_METADATA: dict[str, Any] = {
    "columns": ["hx", "hy", "hz", "ex", "ey"],
    "sample_rate_hz": 1.0,
    "synthetic": 1,
    "channels": {"ex": {"azimuth_deg": 0.0, "dipole_length_m": 0.0, "scale_factor": -1.0},
                 "ey": {"azimuth_deg": 90.0, "dipole_length_m": 0.0, "scale_factor": -1.0},
                 "hx": {"azimuth_deg": 0.0, "scale_factor": 1.0}, "hy": {"azimuth_deg": 90.0, "scale_factor": 1.0},
                 "hz": {"azimuth_deg": 0.0, "scale_factor": 1.0}},
}


def read_ascii(
    path: str | os.PathLike[str],
    *,
    columns: tuple[str, ...] | None = None,
    sample_rate_hz: float | None = None,
    station: str | None = None,
    metadata: dict[str, Any] | None = None,
) -> TimeSeries:
    """Read whitespace-separated columns of counts (one sample per line).

    Bare columns state neither their channel order nor their sampling rate:
    both come from a side-car, ``metadata`` or the arguments, else the file is
    refused with a message naming what is missing (no rate is assumed: a 16 Hz
    record read as 1 Hz gives every period 16 times too long).
    :data:`EMTF_SYNTHETIC_METADATA` describes the EMTF synthetic files. A side-car YAML
    ``<file>.yaml`` (or ``metadata``) may give ``station``,
    ``sample_rate_hz``, ``columns``, ``lat_deg``, ``lon_deg``,
    ``elevation_m``, ``start_time_s`` and per-channel ``azimuth_deg``,
    ``dipole_length_m``, ``scale_factor``. Lines starting with ``#`` are comments.
    """
    p = Path(path)
    meta = dict(read_sidecar(p)) if metadata is None else dict(metadata)
    missing = [what for what, key, arg in (("the channel order ('columns', e.g. [hx, hy, hz, ex, ey])", "columns", columns),
                                            ("the sampling rate ('sample_rate_hz')", "sample_rate_hz", sample_rate_hz))
               if meta.get(key) is None and arg is None]
    if missing:
        raise FileFormatError(p, f"bare ASCII columns do not state {' nor '.join(missing)}: give them in a side-car "
                                 f"{p.stem}.yaml, in metadata=, or as arguments (geoexplore mt tf: --columns, --sample-rate-hz)",
                              position="side-car (none found)" if metadata is None and not meta else "metadata")
    cols = [c.lower() for c in (meta["columns"] if meta.get("columns") is not None else columns)]
    rate = float(meta["sample_rate_hz"] if meta.get("sample_rate_hz") is not None else sample_rate_hz)
    if not rate > 0:
        raise FileFormatError(p, f"sample rate must be positive, got {rate}", position="metadata")
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise FileFormatError(p, f"cannot read: {exc.strerror}") from None
    rows = []
    for lineno, line in enumerate(raw.decode("latin-1").splitlines(), 1):
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        parts = s.split()
        if len(parts) != len(cols):
            raise FileFormatError(p, f"expected {len(cols)} columns ({' '.join(cols)}), found {len(parts)}", position=f"line {lineno}")
        try:
            rows.append([float(v) for v in parts])
        except ValueError:
            raise FileFormatError(p, f"not a number in '{s[:60]}'", position=f"line {lineno}") from None
    if len(rows) < 2:
        raise FileFormatError(p, "fewer than two samples", position=f"line {len(rows)}")
    data = np.asarray(rows, float).T
    order = [cols.index(c) for c in CHANNELS if c in cols]
    chans = channels_from([cols[i] for i in order], meta, str(p), sidecar=sidecar_path(p) if metadata is None else None)
    return TimeSeries(
        data=data[order],
        channels=chans,
        sample_rate_hz=rate,
        station=str(meta.get("station", station or p.stem)),
        start_time_s=float(meta.get("start_time_s", 0.0)),
        lat_deg=float(meta.get("lat_deg", np.nan)),
        lon_deg=float(meta.get("lon_deg", np.nan)),
        elevation_m=float(meta.get("elevation_m", np.nan)),
        source=str(p),
        synthetic=int(meta.get("synthetic", 0)),
        extra={k: meta[k] for k in ("chainage_m",) if k in meta},
    )


# -- format plug-in (geoexplore.core.formats) -----------------------------------------
NAME = "ascii"
EXTENSIONS = (".asc", ".txt", ".dat", ".csv")


def can_read(path: str | os.PathLike[str]) -> bool:
    """True for a text file whose first data lines (``#`` comments skipped) are 2 to 5 numbers each, the same count."""
    lines = head_lines(path, n_lines=60)
    if lines is None:
        return False
    counts = set()
    n = 0
    for ln in lines[:-1]:  # the last line of the head may be cut
        s = ln.strip()
        if not s or s.startswith("#"):
            continue
        parts = s.split()
        try:
            [float(v) for v in parts]
        except ValueError:
            return False
        counts.add(len(parts))
        n += 1
    return n >= 2 and len(counts) == 1 and 2 <= counts.pop() <= len(CHANNELS)


def read(path: str | os.PathLike[str], *, metadata: dict[str, Any] | None = None, **kwargs: Any) -> TimeSeries:
    """Plug-in reader: :func:`read_ascii`, refusing to guess the layout of a bare column file.

    Parameters
    ----------
    path : path-like
    metadata : dict, optional
        The side-car's content (e.g. :data:`EMTF_SYNTHETIC_METADATA`); else
        ``<file>.yaml`` is read.
    **kwargs
        ``columns``, ``sample_rate_hz``, ``station`` (see :func:`read_ascii`).

    Raises
    ------
    FileFormatError
        When neither a side-car, ``metadata=`` nor ``columns`` and
        ``sample_rate_hz`` say which column is which channel and at what rate.
    """
    p = Path(path)
    told = metadata is not None or sidecar_path(p) is not None or {"columns", "sample_rate_hz"} <= set(kwargs)
    if not told:
        raise FileFormatError(
            p, "a plain column file does not say which column is which channel, at what sampling rate, nor the "
               f"calibration: missing side-car {p.with_suffix('.yaml').name} (station, sample_rate_hz, columns, "
               "channels) or metadata= (for EMTF's synthetic test files: geoexplore.mt.io.EMTF_SYNTHETIC_METADATA)",
            position="whole file",
        )
    return read_ascii(p, metadata=metadata, **kwargs)


__all__ = ["EMTF_SYNTHETIC_METADATA", "EXTENSIONS", "NAME", "can_read", "read", "read_ascii"]
