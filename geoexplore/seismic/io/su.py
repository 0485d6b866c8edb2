"""Seismic Unix (SU) files: 240-byte SEG-Y trace headers + IEEE float32 samples, no file header.

Byte order (big-endian "XDR" or little-endian native) is detected from the
sample count at bytes 115-116 of the first trace header: the order whose
count gives a trace layout that fits the file size wins, with the sample
interval and the plausibility of the first samples as tie-breakers. Bytes
181-240 hold SU's own fields (d1, f1, ...), so the SEG-Y rev 1 fields there
(cdp_x, inline, ...) are not read or written.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from geoexplore.core.errors import FileFormatError
from geoexplore.seismic.io import headers as H
from geoexplore.seismic.io import tracefile as T
from geoexplore.seismic.io.samples import sample_format

NAME = "su"
EXTENSIONS = (".su",)
FMT = sample_format(5)


def _fits(path: str, order: str, size: int) -> tuple[int, str]:
    """(score, reason) of reading the file as SU in this byte order."""
    with open(path, "rb") as f:
        h = f.read(240)
        first = f.read(4 * 64)
    if len(h) < 240:
        return -1, "shorter than one 240-byte trace header"
    e = H.endian_char(order)
    ns = int(np.frombuffer(h[114:116], e + "u2")[0])
    dt = int(np.frombuffer(h[116:118], e + "u2")[0])
    if ns == 0:
        return 0, "first trace header says 0 samples"
    score = 1
    if (size % (240 + 4 * ns)) == 0:
        score += 3
    elif 240 + 4 * ns > size:
        return 0, f"first trace header claims {ns} samples, more than the file holds"
    if 0 < dt < 65535:
        score += 1
    v = np.frombuffer(first[: (len(first) // 4) * 4], e + "f4")
    if v.size:
        with np.errstate(all="ignore"):
            a = np.abs(v[np.isfinite(v)])
        if np.isfinite(v).all() and (a[a > 0].size == 0 or (1e-30 < a[a > 0].min() and a.max() < 1e30)):
            score += 2
    return score, ""


def detect_byte_order(path: str) -> str:
    """'big' or 'little' (FileFormatError if neither gives a plausible SU layout)."""
    size = os.path.getsize(path)
    sb, rb = _fits(path, "big", size)
    sl, rl = _fits(path, "little", size)
    if max(sb, sl) <= 0:
        raise FileFormatError(path, f"not an SU file: {rb or rl}", position="trace 0 (byte 114)", byte_offset=114)
    return "big" if sb >= sl else "little"


def can_read(path: str | os.PathLike[str]) -> bool:
    """True if the file has a trace layout of SU traces that fits the file size exactly."""
    path = os.fspath(path)
    try:
        order = detect_byte_order(path)
        score, _ = _fits(path, order, os.path.getsize(path))
        if score < 4 and os.path.getsize(path) > 64 * 2**20:
            return False  # no fixed trace length fits; do not walk a large foreign file trace by trace
        T.plan(path, 0, 240, 0, FMT, order, max_check=1000)
        return True
    except (FileFormatError, OSError, ValueError):
        return False


def _dt(path: str, raw: np.ndarray, order: str) -> float:
    dt = int(H.unpack_trace_headers(raw[:1], order, ("dt",))["dt"][0]) if len(raw) else 0
    if dt <= 0:
        raise FileFormatError(path, "sample interval is 0 in the first trace header (bytes 117-118)",
                              position="trace 0 (byte 116)", byte_offset=116)
    return dt * 1e-6


def scan(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Cheap summary: format, n_traces, n_samples, dt_s, byte_order, sample_format."""
    path = os.fspath(path)
    order = detect_byte_order(path)
    lay = T.plan(path, 0, 240, 0, FMT, order, max_check=1000)
    with open(path, "rb") as f:
        raw = np.frombuffer(f.read(240), np.uint8).reshape(1, 240)
    return {"format": NAME, "n_traces": lay.n_traces, "n_samples": lay.n_samples, "dt_s": _dt(path, raw, order),
            "byte_order": order, "sample_format": 5, "sample_format_name": FMT.name, "fixed_length": lay.fixed}


def read(path: str | os.PathLike[str], *, lazy: bool = False, dtype: Any = "float32", headers: str = "standard",
         byte_order: str | None = None) -> Any:
    """Read an SU file into a gather (same parameters as :func:`geoexplore.seismic.io.segy.read`)."""
    from geoexplore.seismic.gather import make_gather

    path = os.fspath(path)
    order = byte_order or detect_byte_order(path)
    lay = T.plan(path, 0, 240, 0, FMT, order)
    out_dtype = np.float32 if dtype is None else np.dtype(dtype)
    if lazy and lay.fixed:
        raw = T.read_headers(lay)
        data = T.lazy_data(lay, out_dtype)
    else:
        data, raw = T.read_traces(lay, out_dtype)
    names = H.SU_FIELDS if headers == "all" else tuple(k for k in H.STANDARD_FIELDS if k in H.SU_FIELDS)
    fields = H.unpack_trace_headers(raw, order, names)
    coords = H.fields_to_coords(fields, segy_rev1=False)
    if headers == "all":
        coords.update({f"hdr_{k}": v for k, v in fields.items()})
    attrs = {"source_file": path, "format": NAME, "byte_order": order, "sample_format": 5,
             "sample_format_name": FMT.name, "textual_header": "", "variable_length": int(not lay.fixed),
             "length_unit_in_file": "unknown"}  # SU has no binary header: nothing states metres or feet
    return make_gather(data, _dt(path, raw, order), headers=coords, attrs=attrs)


def write(ds: Any, path: str | os.PathLike[str], *, byte_order: str = "little") -> None:
    """Write a gather as SU (float32 samples; ``byte_order`` "little" (native SU on PCs) or "big" (XDR))."""
    from geoexplore.seismic.gather import sample_interval
    from geoexplore.seismic.io.segy import write_traces

    path = os.fspath(path)
    if byte_order not in ("big", "little"):
        raise ValueError(f"byte_order must be 'big' or 'little', got {byte_order!r}")
    da = ds["data"].transpose("trace", "time_s")
    n, ns = da.shape
    if ns > 65535:
        raise ValueError(f"SU traces hold at most 65535 samples, got {ns}")
    dt_us = sample_interval(ds) * 1e6
    if round(dt_us) < 1 or round(dt_us) > 65535 or abs(dt_us - round(dt_us)) > 1e-6 * dt_us:
        raise ValueError(f"sample interval {dt_us:g} us does not fit the SU dt field (whole microseconds, 1..65535)")
    coords = {k: np.asarray(v.values) for k, v in ds.coords.items() if v.dims == ("trace",)}
    delay = coords.get("delay_ms")
    if delay is None or not np.isfinite(delay).all():
        coords["delay_ms"] = np.full(n, float(ds["time_s"].values[0]) * 1000.0 if ns else 0.0)
    fields = H.coords_to_fields(coords, n, segy_rev1=False)
    fields["ns"] = np.full(n, ns)
    fields["dt"] = np.full(n, int(round(dt_us)))
    for k in ("tracl", "tracr"):
        if k not in fields or not np.any(fields[k]):
            fields[k] = np.arange(1, n + 1)
    if "trid" not in fields or not np.any(fields["trid"]):
        fields["trid"] = np.ones(n, np.int64)
    raw = H.pack_trace_headers(fields, n, byte_order)
    tmp = path + ".part"
    try:
        with open(tmp, "wb") as f:
            write_traces(f, raw, da, FMT, byte_order)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


__all__ = ["EXTENSIONS", "NAME", "can_read", "detect_byte_order", "read", "scan", "write"]
