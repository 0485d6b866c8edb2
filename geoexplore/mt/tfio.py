"""Transfer-function files: one entry point for EDI, EMTF Z-files and EMTF-XML.

* ``.edi`` -> :mod:`geoexplore.mt.edi` (strict own parser; spectra EDIs via mt_metadata);
* ``.zss``, ``.zrr``, ``.zmm`` -> :mod:`geoexplore.mt.zfile`;
* ``.xml`` (EMTF-XML) -> mt_metadata (imported lazily, its loguru output disabled).

Every reader returns the :mod:`geoexplore.mt.tfdata` container; every error
is a :class:`~geoexplore.core.errors.FileFormatError` naming the file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from geoexplore.core.errors import FileFormatError
from geoexplore.core.quiet import quiet_loguru

READERS = {".edi": "edi", ".zss": "zfile", ".zrr": "zfile", ".zmm": "zfile", ".xml": "emtfxml"}


def read_tf(path: str | os.PathLike[str]) -> Any:
    """Read a transfer-function file by extension (see module docstring)."""
    p = Path(path)
    kind = READERS.get(p.suffix.lower())
    if kind is None:
        raise FileFormatError(p, f"unknown transfer-function format '{p.suffix}' (known: {', '.join(sorted(READERS))})")
    if not p.is_file():
        raise FileFormatError(p, "no such file")
    if kind == "edi":
        from geoexplore.mt.edi import read_edi

        return read_edi(p)
    if kind == "zfile":
        from geoexplore.mt.zfile import read_zfile

        return read_zfile(p)
    return read_emtfxml(p)


def write_tf(ds: Any, path: str | os.PathLike[str]) -> Path:
    """Write ``.edi`` (own writer) or ``.xml`` (EMTF-XML through mt_metadata)."""
    p = Path(path)
    if p.suffix.lower() == ".edi":
        from geoexplore.mt.edi import write_edi

        return write_edi(ds, p)
    if p.suffix.lower() == ".xml":
        return write_emtfxml(ds, p)
    raise FileFormatError(p, f"cannot write '{p.suffix}' (known: .edi, .xml)")


def to_mt_metadata(ds: Any) -> Any:
    """The container as an mt_metadata ``TF`` object (impedance, tipper, errors, location)."""
    quiet_loguru("mt_metadata")
    from mt_metadata.transfer_functions.core import TF

    tf = TF()
    a = ds.attrs
    station = str(a.get("station", "") or "station")
    tf.station = station
    tf.station_metadata.id = station
    tf.period = np.asarray(ds["period_s"].values, float)
    tf.impedance = np.asarray(ds["z"].values, complex)
    tf.impedance_error = np.nan_to_num(np.asarray(ds["z_err"].values, float), nan=0.0)
    t = np.asarray(ds["t"].values, complex)
    if np.isfinite(t).any():
        tf.tipper = t
        tf.tipper_error = np.nan_to_num(np.asarray(ds["t_err"].values, float), nan=0.0)
    loc = tf.station_metadata.location
    for attr, key in (("latitude", "lat_deg"), ("longitude", "lon_deg"), ("elevation", "elevation_m")):
        v = float(a.get(key, np.nan))
        if np.isfinite(v):
            setattr(loc, attr, v)
    return tf


def write_emtfxml(ds: Any, path: str | os.PathLike[str]) -> Path:
    """Write EMTF-XML through mt_metadata."""
    p = Path(path)
    tf = to_mt_metadata(ds)
    try:
        tf.write(fn=str(p), file_type="emtfxml")
    except Exception as exc:  # mt_metadata raises many types
        raise FileFormatError(p, f"mt_metadata could not write EMTF-XML ({type(exc).__name__}: {str(exc)[:120]})") from None
    return p


def read_emtfxml(path: str | os.PathLike[str]) -> Any:
    """Read EMTF-XML through mt_metadata into the container."""
    from geoexplore.mt.edi import _mt_metadata_tf, from_mt_metadata

    p = Path(path)
    return from_mt_metadata(_mt_metadata_tf(p), p)
