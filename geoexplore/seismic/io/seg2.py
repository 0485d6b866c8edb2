"""SEG-2 (Pullan 1990) field-seismograph files: Geometrics, DMT, Geospace and others.

Layout: a file descriptor block (id 0x3A55, revision, size of the trace
pointer sub-block, trace count, string and line terminators), the trace
pointers, free-form strings; then per trace a descriptor block (id 0x4422,
block size, data size, sample count, data format code, strings) followed
by the samples. Data format codes: 1 int16, 2 int32, 3 20-bit SEG-D
(exponent word + four one's-complement mantissas per 10 bytes), 4 float32,
5 float64.

Strings are parsed by their 2-byte length prefixes, which every writer
sets, and the terminators are only stripped: this reads the variants whose
terminator fields are unusual, e.g. Geospace GEORES revision 0 files with a
terminator size of 0 (ObsPy rejects those with "Wrong size of string
terminator"), files with NUL padding or CR/LF in strings, and files whose
string list ends without the zero offset. A string length running outside
its block falls back to splitting at the terminator characters.

Geometry: ``RECEIVER_LOCATION``/``SOURCE_LOCATION`` hold 1 to 3 numbers
(x; x y; or x y z, z an elevation); they fill ``receiver_x_m``,
``receiver_y_m``, ``receiver_elevation_m`` and the source equivalents
in metres, converted from the unit the file's ``UNITS`` string states
(METERS, FEET, INCHES, CENTIMETERS, MILLIMETERS, KILOMETERS). Pullan (1990)
lists ``UNITS`` among the optional file descriptor strings and states no
default unit, so a file without it (or with ``UNITS NONE``) has coordinates
of unknown unit: they are left out (NaN, ``coordinate_unit`` attribute
``"unknown"``, the raw strings kept in ``seg2_trace_headers``) unless the
user gives the unit (``coordinate_unit="m"`` / ``"ft"`` ...); a step that
needs them then asks for it or for a geometry table. ``offset_m`` is the horizontal
source-receiver distance, negative where the receiver x is less than the
source x. Samples are kept as recorded (``DESCALING_FACTOR`` goes to the
``descaling_factor`` coordinate, not applied).
"""

from __future__ import annotations

import mmap
import os
import struct
from typing import Any

import numpy as np

from geoexplore.core.errors import FileFormatError

NAME = "seg2"
EXTENSIONS = (".seg2", ".sg2", ".dat")
DATA_FORMATS = {1: ("int16", 2), 2: ("int32", 4), 3: ("int20", 2.5), 4: ("float32", 4), 5: ("float64", 8)}
_FT = 0.3048
#: metres per unit of the SEG-2 ``UNITS`` string (and of ``coordinate_unit``)
LENGTH_UNITS = {
    **dict.fromkeys(("METERS", "METRES", "METER", "METRE", "M"), 1.0),
    **dict.fromkeys(("FEET", "FOOT", "FT"), _FT),
    **dict.fromkeys(("INCHES", "INCH", "IN"), 0.0254),
    **dict.fromkeys(("CENTIMETERS", "CENTIMETRES", "CENTIMETER", "CENTIMETRE", "CM"), 0.01),
    **dict.fromkeys(("MILLIMETERS", "MILLIMETRES", "MILLIMETER", "MILLIMETRE", "MM"), 0.001),
    **dict.fromkeys(("KILOMETERS", "KILOMETRES", "KILOMETER", "KILOMETRE", "KM"), 1000.0),
}


def coordinate_scale(path: str, stated: str | None, given: str | None) -> tuple[float, str]:
    """Metres per coordinate unit and the unit's source: the file's ``UNITS`` string, else the user's
    ``coordinate_unit``; NaN and ``"unknown"`` when neither states a length unit (never assumed).

    Raises
    ------
    FileFormatError
        ``coordinate_unit`` is not a length unit, or contradicts the unit the file states.
    """
    words = (stated or "").strip().upper().split()
    file_unit = words[0] if words else ""
    user = None
    if given is not None:
        user = LENGTH_UNITS.get(str(given).strip().upper())
        if user is None:
            raise FileFormatError(path, f"coordinate_unit={given!r} is not a length unit "
                                        f"(one of {', '.join(sorted(LENGTH_UNITS))})", position="file descriptor")
    if file_unit in LENGTH_UNITS:
        if user is not None and abs(user - LENGTH_UNITS[file_unit]) > 1e-12:
            raise FileFormatError(path, f"the file states UNITS {file_unit}; coordinate_unit={given!r} contradicts it",
                                  position="file descriptor")
        return LENGTH_UNITS[file_unit], f"{file_unit} (file UNITS)"
    if user is not None:
        return user, f"{str(given).strip()} (given; the file states {'UNITS ' + file_unit if file_unit else 'no UNITS'})"
    return float("nan"), "unknown"


def _order(path: str, head: bytes) -> str:
    if len(head) < 32:
        raise FileFormatError(path, f"too short for SEG-2 ({len(head)} bytes; the file descriptor is 32)", byte_offset=0)
    if head[:2] == b"\x55\x3a":
        return "little"
    if head[:2] == b"\x3a\x55":
        return "big"
    raise FileFormatError(path, f"not SEG-2: file descriptor block id is 0x{head[:2].hex()} (expected 0x3a55)",
                          byte_offset=0)


def can_read(path: str | os.PathLike[str]) -> bool:
    """True if the file starts with the SEG-2 file descriptor id 0x3A55 in either byte order."""
    try:
        with open(path, "rb") as f:
            head = f.read(32)
        _order(os.fspath(path), head)
        return True
    except (FileFormatError, OSError):
        return False


def parse_strings(block: bytes, e: str, term: bytes, base: int = 0, path: str = "") -> dict[str, str]:
    """Parse a SEG-2 free-form string list into KEY -> value (NOTE lines joined with newlines)."""
    out: dict[str, str] = {}
    strings: list[bytes] = []
    off = 0
    n = len(block)
    while off + 2 <= n:
        (length,) = struct.unpack_from(e + "H", block, off)
        if length == 0:
            break
        if length < 2 or off + length > n:
            # broken length prefix: split the rest at the terminator characters
            rest = block[off + 2:]
            seps = term if term else b"\x00"
            for ch in seps[:1]:
                strings.extend(s for s in rest.split(bytes([ch])) if s.strip(b"\x00 "))
            break
        strings.append(block[off + 2:off + length])
        off += length
    for s in strings:
        if term and term in s:
            s = s[: s.index(term)]
        s = s.replace(b"\x00", b"").strip()
        if not s:
            continue
        text = s.decode("latin-1")
        key, _, value = text.partition(" ")
        key = key.strip().upper()
        value = value.strip().replace("\r\n", "\n").replace("\r", "\n")
        if not key:
            continue
        out[key] = (out[key] + "\n" + value) if key in out and key == "NOTE" else value
    return out


def _numbers(s: str | None) -> list[float]:
    if not s:
        return []
    vals = []
    for tok in s.replace(",", " ").split():
        try:
            vals.append(float(tok))
        except ValueError:
            break
    return vals


def _decode_20bit(raw: bytes, ns: int, e: str) -> np.ndarray:
    words = np.frombuffer(raw, e + "i2").reshape(-1, 5)
    expo = words[:, 0].view(e + "u2").astype(np.int64)
    mant = words[:, 1:].astype(np.int64)
    mant = np.where(mant < 0, mant + 1, mant)  # one's complement -> value
    shifts = np.stack([(expo >> s) & 0xF for s in (0, 4, 8, 12)], axis=1)
    return (mant * (2 ** shifts)).reshape(-1)[:ns]


def _decode(raw: bytes, ns: int, code: int, e: str) -> np.ndarray:
    """The samples of one trace from its raw bytes."""
    if code == 3:
        return _decode_20bit(raw, ns, e)
    return np.frombuffer(raw, e + {1: "i2", 2: "i4", 4: "f4", 5: "f8"}[code], count=ns)


def _read_all(path: str, samples: bool = True) -> dict[str, Any]:
    """Parse a SEG-2 file: descriptors and strings, and each trace's samples (``samples=False``: only where they are).

    The file is memory-mapped, so without samples only the descriptor pages are read.
    """
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        buf: Any = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
    try:
        return _parse(path, buf, size, samples)
    finally:
        if isinstance(buf, mmap.mmap):
            buf.close()


def _parse(path: str, buf: Any, size: int, samples: bool) -> dict[str, Any]:
    head = buf[:32]
    order = _order(path, head)
    e = "<" if order == "little" else ">"
    rev, m, n = struct.unpack_from(e + "HHH", buf, 2)
    tsize = buf[8]
    term = buf[9:9 + min(tsize, 2)] if tsize in (1, 2) else b""
    if m < 4 * n:
        raise FileFormatError(path, f"file descriptor claims {n} traces but the pointer sub-block holds only {m // 4}",
                              position="file descriptor byte 6", byte_offset=6)
    if 32 + m > size:
        raise FileFormatError(path, f"trace pointer sub-block ({m} bytes) runs past the end of the file ({size} bytes)",
                              position="file descriptor byte 4", byte_offset=4)
    ptrs = np.frombuffer(buf[32:32 + 4 * n], e + "u4", count=n).astype(np.int64)
    for i, p in enumerate(ptrs):
        if p < 32 + m or p + 32 > size:
            raise FileFormatError(path, f"pointer of trace {i} is {p}, outside the file ({size} bytes)",
                                  position=f"trace pointer {i} (byte {32 + 4 * i})", byte_offset=32 + 4 * i)
    fstart = 32 + m
    fend = int(ptrs.min()) if n else size
    file_strings = parse_strings(buf[fstart:max(fstart, fend)], e, term, fstart, path)
    traces = []
    for i, p in enumerate(ptrs):
        p = int(p)
        (bid,) = struct.unpack_from(e + "H", buf, p)
        if bid != 0x4422:
            raise FileFormatError(path, f"trace {i}: descriptor block id is 0x{bid:04x}, expected 0x4422",
                                  position=f"trace {i} (byte {p})", byte_offset=p)
        x, y, ns = struct.unpack_from(e + "HII", buf, p + 2)
        code = buf[p + 12]
        if code not in DATA_FORMATS:
            raise FileFormatError(path, f"trace {i}: unknown data format code {code} (known: {sorted(DATA_FORMATS)})",
                                  position=f"trace {i} (byte {p + 12})", byte_offset=p + 12)
        if x < 32 or p + x > size:
            raise FileFormatError(path, f"trace {i}: descriptor block size {x} runs outside the file",
                                  position=f"trace {i} (byte {p + 2})", byte_offset=p + 2)
        if ns == 0:
            raise FileFormatError(path, f"trace {i} has zero samples", position=f"trace {i} (byte {p + 8})",
                                  byte_offset=p + 8)
        name, bps = DATA_FORMATS[code]
        need = int(np.ceil(ns * bps)) if code != 3 else 10 * ((ns + 3) // 4)
        start = p + x
        if start + need > size:
            raise FileFormatError(
                path, f"trace {i} is truncated: {ns} samples of {name} need {need} bytes, "
                      f"only {max(0, size - start)} remain", position=f"trace {i} (byte {start})",
                byte_offset=size,
            )
        strings = parse_strings(buf[p + 32:p + x], e, term, p + 32, path)
        vals = _decode(buf[start:start + need], ns, code, e) if samples else None
        traces.append({"strings": strings, "data": vals, "code": code, "offset": p, "ns": int(ns), "start": start,
                       "need": need})
    return {"order": order, "revision": rev, "file_strings": file_strings, "traces": traces, "size": size,
            "terminator_size": tsize}


def _dt(path: str, tr: dict[str, Any], file_strings: dict[str, str], i: int) -> float:
    v = _numbers(tr["strings"].get("SAMPLE_INTERVAL")) or _numbers(file_strings.get("SAMPLE_INTERVAL"))
    if not v or not v[0] > 0:
        raise FileFormatError(path, f"trace {i} has no valid SAMPLE_INTERVAL string",
                              position=f"trace {i} (byte {tr['offset']})", byte_offset=tr["offset"])
    return float(v[0])


def scan(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Cheap summary: format, n_traces, n_samples, dt_s, byte_order, sample_format."""
    path = os.fspath(path)
    info = _read_all(path, samples=False)
    trs = info["traces"]
    return {
        "format": NAME, "n_traces": len(trs), "n_samples": max((t["ns"] for t in trs), default=0),
        "dt_s": _dt(path, trs[0], info["file_strings"], 0) if trs else float("nan"), "byte_order": info["order"],
        "sample_format": trs[0]["code"] if trs else 0,
        "sample_format_name": DATA_FORMATS[trs[0]["code"]][0] if trs else "", "revision": float(info["revision"]),
    }


def read(path: str | os.PathLike[str], *, lazy: bool = False, dtype: Any = "float32", headers: str = "standard",
         byte_order: str | None = None, coordinate_unit: str | None = None) -> Any:
    """Read a SEG-2 file into a gather (see :mod:`geoexplore.seismic.gather`).

    ``coordinate_unit`` (``"m"``, ``"ft"``, ...) is the unit of the location strings of a file
    that states no ``UNITS`` (SEG-2 defines no default): without it such a file's coordinates are
    NaN and the gather's ``coordinate_unit`` attribute is ``"unknown"``.

    ``lazy=True`` gives a Dask array read trace by trace on demand, in chunks of whole traces sized
    like the SEG-Y/SU readers' (:func:`geoexplore.seismic.io.tracefile.lazy_chunk_bytes`), when all
    traces share their sample count and format (otherwise the file is read whole);
    ``dtype=None`` keeps the recorded sample type when all traces share it.
    """
    from geoexplore.seismic.gather import make_gather

    path = os.fspath(path)
    info = _read_all(path, samples=not lazy)
    fs = info["file_strings"]
    trs = info["traces"]
    n = len(trs)
    if n == 0:
        raise FileFormatError(path, "SEG-2 file holds no traces", position="file descriptor byte 6", byte_offset=6)
    dts = [_dt(path, t, fs, i) for i, t in enumerate(trs)]
    for i, d in enumerate(dts):
        if abs(d - dts[0]) > 1e-9 * dts[0]:
            raise FileFormatError(path, f"trace {i} has sample interval {d} s, trace 0 has {dts[0]} s; "
                                        "a gather needs one interval", position=f"trace {i} (byte {trs[i]['offset']})",
                                  byte_offset=trs[i]["offset"])
    ns = max(t["ns"] for t in trs)
    codes = {t["code"] for t in trs}
    if dtype is None:
        out_dtype = np.result_type(*[_NATIVE[t["code"]] for t in trs])
    else:
        out_dtype = np.dtype(dtype)
    if lazy and len(codes) == 1 and all(t["ns"] == ns for t in trs):
        data = _lazy_data(path, info, out_dtype)
    else:
        if lazy:  # mixed lengths or formats: read the samples after all
            info = _read_all(path)
            trs = info["traces"]
        data = np.full((n, ns), np.nan if out_dtype.kind == "f" else 0, dtype=out_dtype)
        for i, t in enumerate(trs):
            data[i, : t["ns"]] = t["data"]
    unit, unit_source = coordinate_scale(path, fs.get("UNITS"), coordinate_unit)

    def loc(key: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        xs, ys, zs = (np.full(n, np.nan) for _ in range(3))
        for i, t in enumerate(trs):
            v = _numbers(t["strings"].get(key) or fs.get(key))
            if len(v) >= 1:
                xs[i] = v[0] * unit
            if len(v) >= 2:
                ys[i] = v[1] * unit
            if len(v) >= 3:
                zs[i] = v[2] * unit
        return xs, ys, zs

    rx, ry, rz = loc("RECEIVER_LOCATION")
    sx, sy, sz = loc("SOURCE_LOCATION")
    dx = rx - sx
    dy = np.where(np.isfinite(ry) & np.isfinite(sy), ry - sy, 0.0)
    offset = np.sign(np.where(dx == 0, 1.0, dx)) * np.hypot(dx, dy)

    def num(key: str, default: float = np.nan, scale: float = 1.0) -> np.ndarray:
        out = np.full(n, default, dtype=np.float64)
        for i, t in enumerate(trs):
            v = _numbers(t["strings"].get(key) or fs.get(key))
            if v:
                out[i] = v[0] * scale
        return out

    chan = num("CHANNEL_NUMBER", 0)
    chan = np.where(chan == 0, np.arange(1, n + 1), chan)
    coords = {
        "tracl": np.arange(1, n + 1), "tracr": np.arange(1, n + 1), "tracf": chan,
        "fldr": num("SHOT_SEQUENCE_NUMBER", 0), "trid": np.ones(n),
        "offset_m": offset, "receiver_x_m": rx, "receiver_y_m": ry, "receiver_elevation_m": rz,
        "source_x_m": sx, "source_y_m": sy, "source_elevation_m": sz,
        "source_depth_m": num("SOURCE_DEPTH", np.nan, unit),
        "delay_ms": num("DELAY", 0.0, 1000.0), "n_samples_header": [t["ns"] for t in trs],
        "descaling_factor": num("DESCALING_FACTOR", 1.0),
        "receiver_station": num("RECEIVER_STATION_NUMBER", 0).astype(np.int32),
        "source_station": num("SOURCE_STATION_NUMBER", 0).astype(np.int32),
    }
    attrs = {
        "source_file": path, "format": NAME, "byte_order": info["order"], "sample_format": min(codes),
        "sample_format_name": DATA_FORMATS[min(codes)][0], "seg2_revision": int(info["revision"]),
        "textual_header": "\n".join(f"{k} {v}" for k, v in fs.items()),
        "seg2_file_header": dict(fs), "seg2_trace_headers": [dict(t["strings"]) for t in trs],
        "variable_length": int(len({t["ns"] for t in trs}) > 1),
        "keep_dtype": dtype is None, "coordinate_unit": unit_source,
    }
    if len(codes) > 1:
        attrs["seg2_sample_formats"] = [t["code"] for t in trs]
    return make_gather(data, dts[0], headers=coords, attrs=attrs)


_NATIVE = {1: np.dtype("int16"), 2: np.dtype("int32"), 3: np.dtype("int64"), 4: np.dtype("float32"),
           5: np.dtype("float64")}  # in-memory dtype of each data format code (20-bit: int64 from the decoder)


class _Seg2Array:
    """Array-like view of the samples of a SEG-2 file whose traces share length and format (for dask.array.from_array)."""

    def __init__(self, path: str, info: dict[str, Any], dtype: Any) -> None:
        trs = info["traces"]
        self.path = path
        self.e = "<" if info["order"] == "little" else ">"
        self.code, self.need = trs[0]["code"], trs[0]["need"]
        self.starts = np.array([t["start"] for t in trs], dtype=np.int64)
        self.dtype = np.dtype(dtype)
        self.shape = (len(trs), trs[0]["ns"])
        self.ndim = 2

    def __getitem__(self, key: Any) -> np.ndarray:
        if not isinstance(key, tuple):
            key = (key,)
        key = key + (slice(None),) * (2 - len(key))
        rows = np.arange(self.shape[0])[key[0]]
        scalar_row = np.ndim(rows) == 0
        rows = np.atleast_1d(rows)
        out = np.empty((rows.size, self.shape[1]), dtype=self.dtype)
        fd = os.open(self.path, os.O_RDONLY)
        try:
            for k, r in enumerate(rows):
                raw = os.pread(fd, self.need, int(self.starts[r]))
                if len(raw) != self.need:  # the file shrank since it was parsed
                    raise FileFormatError(self.path, f"trace {r} is truncated ({len(raw)} of {self.need} bytes)",
                                          position=f"trace {r} (byte {int(self.starts[r])})",
                                          byte_offset=int(self.starts[r]) + len(raw))
                np.copyto(out[k], _decode(raw, self.shape[1], self.code, self.e), casting="unsafe")
        finally:
            os.close(fd)
        out = out[:, key[1]]
        return out[0] if scalar_row else out


def _lazy_data(path: str, info: dict[str, Any], dtype: Any) -> Any:
    """A Dask array of the samples, read on demand in chunks of whole traces."""
    import dask.array as da

    from geoexplore.seismic.io.tracefile import lazy_chunk_bytes

    arr = _Seg2Array(path, info, dtype)
    per = max(1, lazy_chunk_bytes() // max(1, arr.shape[1] * arr.dtype.itemsize))
    token = abs(hash((path, os.path.getmtime(path), per, arr.dtype.str)))
    return da.from_array(arr, chunks=(per, arr.shape[1]), asarray=False, meta=np.empty((0, 0), dtype=arr.dtype),
                         name=f"seg2-{os.path.basename(path)}-{token}")


# -- writer ---------------------------------------------------------------------
def _string_list(items: dict[str, str], e: str) -> bytes:
    out = bytearray()
    for k, v in items.items():
        text = f"{k} {v}".encode("ascii", "replace") + b"\x00"
        out += struct.pack(e + "H", len(text) + 2) + text
    out += struct.pack(e + "H", 0)
    return bytes(out)


def _fmt(v: float) -> str:
    return f"{v:.10g}"


def check_samples(data: np.ndarray, data_format: int) -> tuple[np.ndarray, str]:
    """The samples as they will be written and their NumPy type; ValueError if integers cannot hold them."""
    npdt = {1: "i2", 2: "i4", 4: "f4", 5: "f8"}[data_format]
    if data_format in (1, 2):
        if not np.isfinite(data).all():
            raise ValueError("non-finite samples cannot be written as integers")
        r = np.rint(data)
        info = np.iinfo(npdt)
        if r.size and (r.min() < info.min or r.max() > info.max):
            raise ValueError(f"sample values {r.min()}..{r.max()} do not fit {npdt}")
        data = r
    return data, npdt


def file_descriptor_strings(ds: Any, file_strings: dict[str, str] | None) -> dict[str, str]:
    """The file descriptor strings: those of a SEG-2 gather, the defaults, then ``file_strings`` (UNITS is METERS)."""
    import json

    fs: dict[str, str] = {}
    if ds.attrs.get("format") == NAME:
        old_fs = ds.attrs.get("seg2_file_header", {})
        fs.update(json.loads(old_fs) if isinstance(old_fs, str) else dict(old_fs))
    fs.setdefault("UNITS", "METERS")
    fs["TRACE_SORT"] = fs.get("TRACE_SORT", "AS_ACQUIRED")
    fs.update(file_strings or {})
    fs["UNITS"] = "METERS"
    return fs


def trace_descriptor_strings(ds: Any, dt: float, trace_strings: list[dict[str, str]] | None) -> list[dict[str, str]]:
    """Each trace's descriptor strings from the gather's headers (see :func:`write`), then ``trace_strings``."""
    import json

    def c(name: str) -> np.ndarray | None:
        return np.asarray(ds.coords[name].values) if name in ds.coords else None

    def xyz(prefix: str, elev: str, i: int) -> str | None:
        x, y, z = c(f"{prefix}_x_m"), c(f"{prefix}_y_m"), c(elev)
        if x is None or not np.isfinite(x[i]):
            return None
        yy = y[i] if y is not None and np.isfinite(y[i]) else 0.0
        zz = z[i] if z is not None and np.isfinite(z[i]) else 0.0
        return f"{_fmt(x[i])} {_fmt(yy)} {_fmt(zz)}"

    old = ds.attrs.get("seg2_trace_headers") if ds.attrs.get("format") == NAME else None
    if isinstance(old, str):
        old = json.loads(old)
    n, ns = ds.sizes["trace"], ds.sizes["time_s"]
    delay = c("delay_ms")
    t0_ms = float(ds["time_s"].values[0]) * 1000.0 if ns else 0.0
    tstr = []
    for i in range(n):
        s: dict[str, str] = {}
        if old is not None and i < len(old):
            s.update(old[i])
        chan = c("tracf")
        s["CHANNEL_NUMBER"] = str(int(chan[i]) if chan is not None and chan[i] else i + 1)
        s["SAMPLE_INTERVAL"] = _fmt(dt)
        d = delay[i] if delay is not None and np.isfinite(delay[i]) else t0_ms
        s["DELAY"] = _fmt(d / 1000.0)
        dsc = c("descaling_factor")
        s["DESCALING_FACTOR"] = _fmt(dsc[i]) if dsc is not None and np.isfinite(dsc[i]) else "1"
        for key, prefix, elev in (("RECEIVER_LOCATION", "receiver", "receiver_elevation_m"),
                                  ("SOURCE_LOCATION", "source", "source_elevation_m")):
            v = xyz(prefix, elev, i)
            if v is not None:
                s[key] = v
        fl = c("fldr")
        if fl is not None and fl[i]:
            s["SHOT_SEQUENCE_NUMBER"] = str(int(fl[i]))
        for key, name in (("RECEIVER_STATION_NUMBER", "receiver_station"), ("SOURCE_STATION_NUMBER", "source_station")):
            v = c(name)
            if v is not None and v[i]:
                s[key] = str(int(v[i]))
        sd = c("source_depth_m")
        if sd is not None and np.isfinite(sd[i]):
            s["SOURCE_DEPTH"] = _fmt(sd[i])
        if trace_strings is not None and i < len(trace_strings):
            s.update(trace_strings[i])
        tstr.append(s)
    return tstr


def write_blocks(path: str, data: np.ndarray, npdt: str, data_format: int, e: str, fs: dict[str, str],
                 tstr: list[dict[str, str]]) -> None:
    """Lay out the file (header, trace pointers, file descriptor, trace blocks) and write it atomically (``.part``)."""
    n, ns = data.shape
    m = 4 * n
    head = struct.pack(e + "HHHH", 0x3A55, 1, m, n) + bytes([1, 0, 0, 1, 0x0A, 0]) + bytes(18)
    fblock = _string_list(fs, e)
    fblock += bytes(-len(fblock) % 4)
    pos = 32 + m + len(fblock)
    blocks, ptrs = [], []
    for i in range(n):
        sl = _string_list(tstr[i], e)
        x = 32 + len(sl)
        x += -x % 4
        body = np.ascontiguousarray(data[i].astype(e + npdt)).tobytes()
        desc = struct.pack(e + "HHII", 0x4422, x, len(body), ns) + bytes([data_format]) + bytes(19)
        blk = desc + sl + bytes(x - 32 - len(sl)) + body
        ptrs.append(pos)
        blocks.append(blk)
        pos += len(blk)
    if pos >= 2**32:
        raise ValueError("SEG-2 files are limited to 4 GiB")
    tmp = path + ".part"
    try:
        with open(tmp, "wb") as f:
            f.write(head)
            f.write(np.asarray(ptrs, dtype=e + "u4").tobytes())
            f.write(fblock)
            for b in blocks:
                f.write(b)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def write(
    ds: Any,
    path: str | os.PathLike[str],
    *,
    data_format: int = 4,
    byte_order: str = "little",
    file_strings: dict[str, str] | None = None,
    trace_strings: list[dict[str, str]] | None = None,
) -> None:
    """Write a gather as a SEG-2 revision 1 file.

    Parameters
    ----------
    ds : xarray.Dataset
        A gather. Each trace's descriptor gets CHANNEL_NUMBER (``tracf``),
        SAMPLE_INTERVAL, DELAY (``delay_ms``), DESCALING_FACTOR,
        RECEIVER_LOCATION / SOURCE_LOCATION ("x y elevation" in metres, y
        written as 0 when unknown), SHOT_SEQUENCE_NUMBER (``fldr``),
        RECEIVER_STATION_NUMBER / SOURCE_STATION_NUMBER when present, plus
        the gather's ``seg2_trace_headers`` strings not set here.
    path : path-like
    data_format : {1, 2, 4, 5}
        int16, int32, float32 (default) or float64 samples.
    byte_order : {"little", "big"}
        SEG-2 files from PC-based seismographs are little-endian.
    file_strings, trace_strings : optional
        Extra strings for the file descriptor (e.g. ``{"ACQUISITION_DATE": "11/JUN/2012",
        "NOTE": "SYNTHETIC"}``) and per trace; they override the defaults.
    """
    path = os.fspath(path)
    if data_format not in (1, 2, 4, 5):
        raise ValueError(f"SEG-2 data format must be 1 (int16), 2 (int32), 4 (float32) or 5 (float64), got {data_format!r}")
    if byte_order not in ("big", "little"):
        raise ValueError(f"byte_order must be 'big' or 'little', got {byte_order!r}")
    e = "<" if byte_order == "little" else ">"
    from geoexplore.seismic.gather import sample_interval

    data = np.asarray(ds["data"].transpose("trace", "time_s").values)
    n = data.shape[0]
    if n > 16383:  # the pointer sub-block size is a 16-bit byte count
        raise ValueError(f"SEG-2 files hold at most 16383 traces, got {n}")
    dt = sample_interval(ds)
    data, npdt = check_samples(data, data_format)
    fs = file_descriptor_strings(ds, file_strings)
    tstr = trace_descriptor_strings(ds, dt, trace_strings)
    write_blocks(path, data, npdt, data_format, e, fs, tstr)

__all__ = ["DATA_FORMATS", "EXTENSIONS", "NAME", "can_read", "parse_strings", "read", "scan", "write"]
