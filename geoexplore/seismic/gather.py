"""The seismic gather container: an :class:`xarray.Dataset` with documented names and units.

Every seismic reader in :mod:`geoexplore.seismic.io` (SEG-Y, SU, SEG-2)
returns this layout, the writers take it, and processing code (reflection,
refraction picking) builds on it. Keep to these names.

Layout
------
Dimensions
    ``trace`` (one per trace, in file order) and ``time_s``.

Data variable
    ``data`` (trace, time_s), ``float32`` amplitudes as recorded (no gain,
    no scaling other than the sample format's own conversion). Readers can
    keep the file's native sample type with ``read(..., dtype=None)`` (used
    for bit-exact round trips of integer formats). Large SEG-Y / SU files
    opened with ``read(path, lazy=True)`` hold a Dask array backed by a
    memory map: nothing is loaded until computed.

Coordinates
    ``time_s`` (time_s): two-way time of each sample in seconds,
    ``delay_ms[0] / 1000 + arange(n_samples) * dt_s``.

    ``trace`` (trace): 0-based trace index in the file.

    Trace headers, one value per trace (dimension ``trace``), always present
    (see :data:`HEADER_COORDS` for dtypes, units and where each comes from in
    SEG-Y / SU / SEG-2). Lengths are in metres with the SEG-Y coordinate
    scalar (bytes 71-72) and elevation scalar (bytes 69-70) applied, and
    converted from feet when the SEG-Y binary header says feet:

    ========================== ======= ==================================================
    name                       units   meaning
    ========================== ======= ==================================================
    ``tracl``                  --      trace sequence number within line
    ``tracr``                  --      trace sequence number within file/reel
    ``fldr``                   --      field record (shot) number
    ``tracf``                  --      trace (channel) number within the field record
    ``ep``                     --      energy source point number
    ``cdp``                    --      CMP / CDP ensemble number
    ``cdpt``                   --      trace number within the CMP ensemble
    ``trid``                   --      trace identification code (1 = seismic data)
    ``offset_m``               m       source-receiver distance (signed as recorded)
    ``receiver_elevation_m``   m       receiver group elevation (positive up)
    ``source_elevation_m``     m       surface elevation at the source
    ``source_depth_m``         m       source depth below surface (positive)
    ``source_x_m``             m       source X (easting, or chainage for SEG-2 lines)
    ``source_y_m``             m       source Y (northing)
    ``receiver_x_m``           m       receiver group X
    ``receiver_y_m``           m       receiver group Y
    ``cdp_x_m``                m       CDP X (SEG-Y rev 1 bytes 181-184; NaN if absent)
    ``cdp_y_m``                m       CDP Y (SEG-Y rev 1 bytes 185-188; NaN if absent)
    ``inline``                 --      inline number (SEG-Y rev 1 bytes 189-192)
    ``crossline``              --      crossline number (SEG-Y rev 1 bytes 193-196)
    ``shot_point``             --      shot point number (SEG-Y rev 1 bytes 197-200)
    ``delay_ms``               ms      recording delay (time of the first sample)
    ``source_static_ms``       ms      source static correction
    ``receiver_static_ms``     ms      receiver group static correction
    ``n_samples_header``       --      number of samples the trace header claims
    ========================== ======= ==================================================

    Integer headers the file does not carry are 0; float headers it does not
    carry are NaN (for example ``cdp_x_m`` of an SU file, ``source_y_m`` of
    a SEG-2 file without a y coordinate). For coordinate-unit codes other
    than length (SEG-Y ``counit`` 2/3/4: arc seconds, degrees, DMS) the
    ``*_x_m``/``*_y_m`` values are the scaled numbers as recorded, not
    metres; the raw code is in ``counit``.

    SEG-2 gathers also carry ``descaling_factor`` (float, the SEG-2
    DESCALING_FACTOR, not applied to ``data``), ``receiver_station`` and
    ``source_station`` (int, RECEIVER/SOURCE_STATION_NUMBER, 0 if absent);
    the SEG-2 writer writes them back. Geometry tables and processing may
    add more per-trace coordinates (e.g. ``chainage_m``); writers ignore
    names they do not know.

    Raw SEG-Y values kept next to the scaled ones: ``scalco`` and
    ``scalel`` (the scalars), ``counit``. With ``read(..., headers="all")``
    every standard 240-byte trace header field is also present as a raw
    integer coordinate ``hdr_<su name>`` (``hdr_sx``, ``hdr_gelev``, ...);
    the SEG-Y and SU writers start from these and then overwrite the fields
    of the named coordinates above, so edits of ``offset_m`` etc. win.

Attributes
    ``source_file`` (str), ``format`` ("segy", "su" or "seg2"),
    ``byte_order`` ("big" or "little"), ``sample_format`` (int: the SEG-Y
    sample format code; for SU 5; for SEG-2 the SEG-2 data format code),
    ``sample_format_name`` (e.g. "ibm32", "int16", "ieee32"), ``dt_s``
    (sample interval, s), ``n_samples``, ``textual_header`` (str, the
    3200-byte SEG-Y textual header decoded from EBCDIC or ASCII, plus the
    extended textual headers; for SEG-2 the file descriptor strings),
    ``segy_revision`` (float, SEG-Y only), ``binary_header`` (dict of the
    non-zero binary header fields, SEG-Y only), ``seg2_file_header`` /
    ``seg2_trace_headers`` (SEG-2 descriptor strings), ``variable_length``
    (1 if traces had different lengths and were padded with NaN).

Use :func:`make_gather` to build a gather from arrays and
:func:`check_gather` to validate one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import xarray as xr

from geoexplore.core.errors import GeoexploreError

#: name -> (dtype, units, description). Integer headers default to 0, floats to NaN.
HEADER_COORDS: dict[str, tuple[str, str, str]] = {
    "tracl": ("int32", "", "trace sequence number within line (SEG-Y bytes 1-4)"),
    "tracr": ("int32", "", "trace sequence number within file (SEG-Y bytes 5-8)"),
    "fldr": ("int32", "", "field record number (SEG-Y bytes 9-12; SEG-2 SHOT_SEQUENCE_NUMBER)"),
    "tracf": ("int32", "", "trace number within field record (SEG-Y bytes 13-16; SEG-2 CHANNEL_NUMBER)"),
    "ep": ("int32", "", "energy source point number (SEG-Y bytes 17-20)"),
    "cdp": ("int32", "", "CDP ensemble number (SEG-Y bytes 21-24)"),
    "cdpt": ("int32", "", "trace number within CDP ensemble (SEG-Y bytes 25-28)"),
    "trid": ("int32", "", "trace identification code (SEG-Y bytes 29-30)"),
    "offset_m": ("float64", "m", "source-receiver offset (SEG-Y bytes 37-40)"),
    "receiver_elevation_m": ("float64", "m", "receiver group elevation (SEG-Y bytes 41-44 x elevation scalar)"),
    "source_elevation_m": ("float64", "m", "surface elevation at source (SEG-Y bytes 45-48 x elevation scalar)"),
    "source_depth_m": ("float64", "m", "source depth below surface (SEG-Y bytes 49-52 x elevation scalar)"),
    "source_x_m": ("float64", "m", "source X (SEG-Y bytes 73-76 x coordinate scalar; SEG-2 SOURCE_LOCATION)"),
    "source_y_m": ("float64", "m", "source Y (SEG-Y bytes 77-80 x coordinate scalar)"),
    "receiver_x_m": ("float64", "m", "receiver X (SEG-Y bytes 81-84 x coordinate scalar; SEG-2 RECEIVER_LOCATION)"),
    "receiver_y_m": ("float64", "m", "receiver Y (SEG-Y bytes 85-88 x coordinate scalar)"),
    "cdp_x_m": ("float64", "m", "CDP X (SEG-Y rev1 bytes 181-184 x coordinate scalar)"),
    "cdp_y_m": ("float64", "m", "CDP Y (SEG-Y rev1 bytes 185-188 x coordinate scalar)"),
    "inline": ("int32", "", "inline number (SEG-Y rev1 bytes 189-192)"),
    "crossline": ("int32", "", "crossline number (SEG-Y rev1 bytes 193-196)"),
    "shot_point": ("int32", "", "shot point number (SEG-Y rev1 bytes 197-200)"),
    "delay_ms": ("float64", "ms", "delay recording time (SEG-Y bytes 109-110; SEG-2 DELAY)"),
    "source_static_ms": ("float64", "ms", "source static correction (SEG-Y bytes 99-100)"),
    "receiver_static_ms": ("float64", "ms", "receiver group static correction (SEG-Y bytes 101-102)"),
    "n_samples_header": ("int32", "", "number of samples claimed by the trace header (SEG-Y bytes 115-116)"),
    "scalco": ("int32", "", "raw SEG-Y coordinate scalar (bytes 71-72)"),
    "scalel": ("int32", "", "raw SEG-Y elevation scalar (bytes 69-70)"),
    "counit": ("int32", "", "raw SEG-Y coordinate units code (bytes 89-90): 1 length, 2 arcsec, 3 degrees, 4 DMS"),
}

#: Attributes every gather carries.
REQUIRED_ATTRS = ("source_file", "format", "byte_order", "sample_format", "dt_s", "n_samples")


def _default(dtype: str, n: int) -> np.ndarray:
    if dtype.startswith("float"):
        return np.full(n, np.nan, dtype=dtype)
    return np.zeros(n, dtype=dtype)


def make_gather(
    data: Any,
    dt_s: float,
    *,
    delay_s: float | None = None,
    headers: Mapping[str, Any] | None = None,
    attrs: Mapping[str, Any] | None = None,
) -> xr.Dataset:
    """Build a gather Dataset in the documented layout.

    Parameters
    ----------
    data : array_like or dask array, shape (n_traces, n_samples)
        Amplitudes. NumPy input is cast to float32 unless it already has an
        integer or float64 dtype and ``attrs`` asks to keep it
        (``attrs["keep_dtype"]``); Dask input is used as is.
    dt_s : float
        Sample interval in seconds (> 0).
    delay_s : float, optional
        Time of the first sample in seconds. Default: ``headers["delay_ms"][0] / 1000``
        or 0.
    headers : mapping of str -> array_like (n_traces,), optional
        Trace headers by name (see :data:`HEADER_COORDS`; ``hdr_*`` raw
        fields are accepted too). Missing standard headers get their default
        (0 or NaN).
    attrs : mapping, optional
        Dataset attributes (``source_file``, ``format``, ...). Missing
        required ones get neutral defaults.

    Returns
    -------
    xarray.Dataset
        The gather.
    """
    if not (np.isfinite(dt_s) and dt_s > 0):
        raise GeoexploreError(f"sample interval must be > 0 s, got {dt_s!r}")
    attrs = dict(attrs or {})
    keep = bool(attrs.pop("keep_dtype", False))
    if hasattr(data, "dask"):
        arr = data
    else:
        arr = np.asarray(data)
        if not keep or arr.dtype.kind not in "iuf":
            arr = arr.astype(np.float32, copy=False)
    if arr.ndim != 2:
        raise GeoexploreError(f"gather data must be 2-D (trace, time_s), got shape {arr.shape}")
    n_tr, ns = arr.shape
    headers = dict(headers or {})
    coords: dict[str, Any] = {}
    for name, (dtype, units, desc) in HEADER_COORDS.items():
        v = headers.pop(name, None)
        v = _default(dtype, n_tr) if v is None else np.asarray(v).astype(dtype, copy=False)
        if v.shape != (n_tr,):
            raise GeoexploreError(f"header {name!r} has shape {v.shape}, expected ({n_tr},)")
        a = {"description": desc}
        if units:
            a["units"] = units
        coords[name] = ("trace", v, a)
    for name, v in headers.items():  # raw hdr_* fields and any extra per-trace values
        v = np.asarray(v)
        if v.shape != (n_tr,):
            raise GeoexploreError(f"header {name!r} has shape {v.shape}, expected ({n_tr},)")
        coords[name] = ("trace", v)
    if delay_s is None:
        d0 = coords["delay_ms"][1][0] if n_tr else np.nan
        delay_s = float(d0) / 1000.0 if np.isfinite(d0) else 0.0
    coords["time_s"] = ("time_s", delay_s + np.arange(ns) * float(dt_s), {"units": "s", "description": "two-way time"})
    coords["trace"] = ("trace", np.arange(n_tr, dtype=np.int64), {"description": "0-based trace index in the file"})
    attrs.setdefault("source_file", "")
    attrs.setdefault("format", "")
    attrs.setdefault("byte_order", "big")
    attrs.setdefault("sample_format", 5)
    attrs["dt_s"] = float(dt_s)
    attrs["n_samples"] = int(ns)
    ds = xr.Dataset(
        {"data": (("trace", "time_s"), arr, {"description": "trace amplitudes as recorded"})},
        coords=coords,
        attrs=attrs,
    )
    return ds


def check_gather(ds: Any) -> None:
    """Validate a gather against the documented layout; raise GeoexploreError naming what is wrong."""
    if not isinstance(ds, xr.Dataset):
        raise GeoexploreError(f"a gather is an xarray.Dataset, got {type(ds).__name__}")
    if "data" not in ds or ds["data"].dims != ("trace", "time_s"):
        raise GeoexploreError("a gather needs a variable 'data' with dims ('trace', 'time_s')")
    for name in ("time_s", *HEADER_COORDS):
        if name not in ds.coords:
            raise GeoexploreError(f"gather lacks the coordinate {name!r}")
        if name != "time_s" and ds.coords[name].dims != ("trace",):
            raise GeoexploreError(f"gather coordinate {name!r} must be on the 'trace' dimension")
    for a in REQUIRED_ATTRS:
        if a not in ds.attrs:
            raise GeoexploreError(f"gather lacks the attribute {a!r}")
    t = np.asarray(ds["time_s"].values)
    if t.size > 1 and not np.all(np.diff(t) > 0):
        raise GeoexploreError("gather time_s must increase")


def sample_interval(ds: xr.Dataset) -> float:
    """Sample interval in seconds of a gather."""
    if "dt_s" in ds.attrs:
        return float(ds.attrs["dt_s"])
    t = np.asarray(ds["time_s"].values)
    if t.size < 2:
        raise GeoexploreError("cannot infer the sample interval of a gather with fewer than 2 samples")
    return float(t[1] - t[0])


__all__ = ["HEADER_COORDS", "REQUIRED_ATTRS", "check_gather", "make_gather", "sample_interval"]
