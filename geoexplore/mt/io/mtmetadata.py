"""The bridge to mt_metadata's ``TF`` object: read any file it knows, map it to and from the container.

Used by the EDI reader (spectra EDIs) and the EMTF-XML plug-in. mt_metadata
is imported inside the functions (its loguru output silenced), so importing
this module stays cheap.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from geoexplore.core.errors import FileFormatError
from geoexplore.core.quiet import quiet_loguru
from geoexplore.mt.tfdata import make_tf, normalise_time_convention


def read_mt_metadata_tf(path: str | os.PathLike[str], position: str | None = None) -> Any:
    """Read a file with mt_metadata's ``TF``, its loguru output silenced.

    Parameters
    ----------
    path : path-like
        Any transfer-function file mt_metadata reads (EDI, EMTF-XML, ...).
    position : str, optional
        Where the part mt_metadata parses starts (our own checks of the file
        have passed; its errors carry no position of their own).

    Raises
    ------
    FileFormatError
        Naming the file and ``position`` when mt_metadata fails.
    """
    p = Path(path)
    quiet_loguru("mt_metadata")
    from mt_metadata.transfer_functions.core import TF

    try:
        tf = TF(str(p))
        tf.read()
    except MemoryError:  # a resource limit, not a corrupt file
        raise
    except Exception as exc:  # mt_metadata raises many types
        raise FileFormatError(p, f"mt_metadata cannot read it ({type(exc).__name__}: {str(exc)[:120]})",
                              position=position or "whole file (parsed by mt_metadata)") from None
    return tf


def from_mt_metadata(tf: Any, path: str | os.PathLike[str] = "") -> Any:
    """Map an mt_metadata ``TF`` object to the transfer-function container."""
    period = np.asarray(tf.period, float)
    if period.size == 0:
        raise FileFormatError(path, "no periods", position="transfer function")
    z = np.asarray(tf.impedance.values, complex) if tf.has_impedance() else np.full((period.size, 2, 2), np.nan + 0j)
    ze = np.asarray(tf.impedance_error.values, float) if tf.has_impedance() else None
    t = te = None
    if tf.has_tipper():
        t = np.asarray(tf.tipper.values, complex).reshape(period.size, 1, 2)
        te = np.asarray(tf.tipper_error.values, float).reshape(period.size, 1, 2)
    loc = tf.station_metadata.location

    def num(v: Any) -> float:
        try:
            return float(v)
        except (TypeError, ValueError):
            return float("nan")

    z, t, conv = normalise_time_convention(z, t)
    return make_tf(
        period,
        z,
        ze,
        t,
        te,
        station=str(tf.station or Path(path).stem),
        lat_deg=num(loc.latitude),
        lon_deg=num(loc.longitude),
        elevation_m=num(loc.elevation),
        source=f"mt_metadata {Path(path).name}" + (f" ({conv})" if conv else ""),
    )


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


__all__ = ["from_mt_metadata", "read_mt_metadata_tf", "to_mt_metadata"]
