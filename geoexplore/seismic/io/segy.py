"""SEG-Y rev 0, 1 and 2: sniffing, scanning, reading (eager or lazy) and writing.

Reading
    Byte order from the rev 2 byte-order constant (bytes 3297-3300) when
    present, else from which order gives a valid sample format code, a
    plausible sample count and a trace layout that fits the file size.
    Textual header in EBCDIC or ASCII; extended textual headers (count in
    bytes 3505-3506, or -1 for a stanza list ending in ``((SEG: EndText))``);
    rev 2 extended sample count/interval, additional trace headers and
    byte offset of the first trace. Trace layout from :func:`tracefile.plan`:
    fixed-length files are read in chunks (or memory-mapped lazily);
    variable-length files trace by trace, NaN-padded.

Writing
    Rev 1 (rev 2 fields only when needed: sample interval not a whole
    number of microseconds, more than 65535 samples), any sample format,
    big-endian (default) or little-endian, EBCDIC (default) or ASCII text.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from geoexplore.core.errors import FileFormatError
from geoexplore.seismic.io import headers as H
from geoexplore.seismic.io import tracefile as T
from geoexplore.seismic.io.samples import SAMPLE_FORMATS, encode, sample_format

NAME = "segy"
EXTENSIONS = (".sgy", ".segy", ".seg-y", ".seg")
BYTE_ORDER_CONST = 16909060  # 0x01020304


def _score(binh: dict[str, Any], size: int, first_ns: int) -> int:
    score = 0
    fmt = binh["format"]
    if fmt in SAMPLE_FORMATS:
        score += 4
    else:
        return -10
    ns = binh["hns"]
    if 0 < ns < 65535:
        score += 1
        tsize = 240 + ns * SAMPLE_FORMATS[fmt].itemsize
        if (size - 3600) % tsize == 0:
            score += 2
    if first_ns == ns and ns > 0:
        score += 2
    if 0 < binh["hdt"] < 65535:
        score += 1
    return score


def file_headers(path: str | os.PathLike[str], byte_order: str | None = None) -> dict[str, Any]:
    """Decode the SEG-Y file headers (textual, binary, extended textual).

    Returns a dict with keys text, text_encoding, extended_text (list of str), binary (dict),
    byte_order, revision (float), fmt (SampleFormat), ns, dt_s, data_start, header_size.

    Raises
    ------
    FileFormatError
        If the file is too short or the headers are not SEG-Y.
    """
    path = os.fspath(path)
    size = os.path.getsize(path)
    if size < 3600:
        raise FileFormatError(path, f"too short for SEG-Y ({size} bytes; the file headers alone are 3600)",
                              byte_offset=size)
    with open(path, "rb") as f:
        text_block = f.read(3200)
        bin_block = f.read(400)
        first = f.read(240)
    first_ns = {o: (int(np.frombuffer(first[114:116], H.endian_char(o) + "u2")[0]) if len(first) >= 116 else 0)
                for o in ("big", "little")}
    if byte_order is None:
        const_big = int(np.frombuffer(bin_block[96:100], ">u4")[0])
        if const_big == BYTE_ORDER_CONST:
            byte_order = "big"
        elif const_big == 0x04030201:
            byte_order = "little"
        else:
            scores = {o: _score(H.unpack_binary(bin_block, o), size, first_ns[o]) for o in ("big", "little")}
            byte_order = "big" if scores["big"] >= scores["little"] else "little"
    binh = H.unpack_binary(bin_block, byte_order)
    code = binh["format"]
    if code not in SAMPLE_FORMATS:
        msg = "fixed-point-with-gain samples (format 4) are not supported" if code == 4 else \
            f"unknown sample format code {code} in the binary header (known: {sorted(SAMPLE_FORMATS)})"
        raise FileFormatError(path, msg, position="binary header byte 3225", byte_offset=3224)
    fmt = sample_format(code)
    # revision
    major, minor = binh["rev_major"], binh["rev_minor"]
    if major == 0 and minor in (1, 2):
        major, minor = minor, 0
    revision = float(f"{major}.{minor}") if 0 < major <= 2 else 0.0
    ns = binh["hns"]
    dt_us: float = binh["hdt"]
    if revision >= 2:
        if binh["ext_ns"] > 0 and (ns == 0 or binh["ext_ns"] > 65535):
            ns = binh["ext_ns"]
        if binh["ext_dt"] > 0 and np.isfinite(binh["ext_dt"]):
            dt_us = binh["ext_dt"]
    text, enc = H.decode_text(text_block)
    # extended textual headers
    ext: list[str] = []
    data_start = 3600
    n_ext = binh["n_ext_text"] if revision >= 1 else 0
    if n_ext > 0 and 3600 + 3200 * n_ext <= size:
        with open(path, "rb") as f:
            f.seek(3600)
            blob = f.read(3200 * n_ext)
        blocks = [blob[i * 3200:(i + 1) * 3200] for i in range(n_ext)]
        if _textlike(blocks[0]):
            ext = [H.decode_text(b)[0] for b in blocks]
            data_start += 3200 * n_ext
    elif n_ext == -1:
        with open(path, "rb") as f:
            f.seek(3600)
            while True:
                b = f.read(3200)
                if len(b) < 3200:
                    raise FileFormatError(path, "extended textual headers run past the end of the file "
                                                "(no ((SEG: EndText)) stanza)", byte_offset=data_start)
                t = H.decode_text(b)[0]
                ext.append(t)
                data_start += 3200
                if "((SEG:ENDTEXT))" in t.upper().replace(" ", ""):
                    break
    n_add = binh["max_add_headers"] if revision >= 2 and 0 < binh["max_add_headers"] < 1000 else 0
    if revision >= 2 and binh["first_trace_offset"] > 0:
        if binh["first_trace_offset"] > size:
            raise FileFormatError(path, f"binary header puts the first trace at byte {binh['first_trace_offset']}, "
                                        f"beyond the end of the file ({size} bytes)", byte_offset=3520)
        data_start = int(binh["first_trace_offset"])
    feet = binh["mfeet"] == 2
    return {
        "text": text, "text_encoding": enc, "extended_text": ext, "binary": binh, "byte_order": byte_order,
        "revision": revision, "fmt": fmt, "ns": int(ns), "dt_us": float(dt_us), "data_start": data_start,
        "header_size": 240 * (1 + n_add), "feet": feet, "size": size,
    }


# binary header bytes 3255-3256, measurement system: 1 metres, 2 feet; anything else states no unit
_LENGTH_UNIT = {1: "m", 2: "ft"}


def _textlike(block: bytes) -> bool:
    b = np.frombuffer(block, np.uint8)
    ebc = np.mean((b == 0x40) | ((b >= 0x81) & (b <= 0xE9)) | ((b >= 0xF0) & (b <= 0xF9)) | (b == 0x4B) | (b == 0x6B))
    asc = np.mean((b >= 0x20) & (b < 0x7F))
    return bool(max(ebc, asc) > 0.8)


def can_read(path: str | os.PathLike[str]) -> bool:
    """True if the file looks like SEG-Y (valid binary header and a trace layout that fits the file)."""
    try:
        fh = file_headers(path)
        with open(path, "rb") as f:
            text_ok = _textlike(f.read(3200))
        if not (text_ok or fh["revision"] > 0):
            # without a text header, insist on a layout that matches the file size exactly
            T.plan(os.fspath(path), fh["data_start"], fh["header_size"], fh["ns"], fh["fmt"], fh["byte_order"])
        return fh["ns"] > 0 or fh["size"] > 3600
    except (FileFormatError, OSError, ValueError):
        return False


def _layout(path: str, fh: dict[str, Any], max_check: int | None = None) -> T.Layout:
    return T.plan(path, fh["data_start"], fh["header_size"], fh["ns"], fh["fmt"], fh["byte_order"], max_check)


def _dt_s(path: str, fh: dict[str, Any], raw_first: np.ndarray | None) -> float:
    dt_us = fh["dt_us"]
    if dt_us <= 0 and raw_first is not None and len(raw_first):
        dt_us = float(H.unpack_trace_headers(raw_first[:1], fh["byte_order"], ("dt",))["dt"][0])
    if dt_us <= 0:
        raise FileFormatError(path, "sample interval is 0 in the binary header (bytes 3217-3218) and the first "
                                    "trace header (bytes 117-118)", byte_offset=3216)
    return dt_us * 1e-6


def scan(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Cheap summary: format, n_traces, n_samples, dt_s, byte_order, sample_format (code and name), revision."""
    path = os.fspath(path)
    fh = file_headers(path)
    lay = _layout(path, fh, max_check=1000)
    first = T.read_headers(T.Layout(path, lay.byte_order, lay.fmt, lay.trace_offset(0), lay.header_size, 1,
                                    lay.n_samples, True)) if lay.n_traces else None
    return {
        "format": NAME, "n_traces": lay.n_traces, "n_samples": lay.n_samples, "dt_s": _dt_s(path, fh, first),
        "byte_order": fh["byte_order"], "sample_format": fh["fmt"].code, "sample_format_name": fh["fmt"].name,
        "revision": fh["revision"], "fixed_length": lay.fixed,
    }


def read(
    path: str | os.PathLike[str],
    *,
    lazy: bool = False,
    dtype: Any = "float32",
    headers: str = "standard",
    byte_order: str | None = None,
) -> Any:
    """Read a SEG-Y file into a gather (see :mod:`geoexplore.seismic.gather`).

    Parameters
    ----------
    path : path-like
    lazy : bool
        Memory-map the samples as a Dask array (fixed-length files only), in chunks sized from
        the memory limit of the Dask worker it runs on (:func:`tracefile.lazy_chunk_bytes`).
    dtype : dtype or None
        Output sample dtype; None keeps the file's (int16, int32, float64, ...; IBM -> float32).
    headers : {"standard", "all"}
        "all" adds every raw trace header field as ``hdr_<name>``.
    byte_order : {"big", "little"}, optional
        Override the detected byte order.

    Returns
    -------
    xarray.Dataset
    """
    from geoexplore.seismic.gather import make_gather

    path = os.fspath(path)
    fh = file_headers(path, byte_order)
    lay = _layout(path, fh)
    out_dtype = fh["fmt"].native_dtype if dtype is None else np.dtype(dtype)
    if lazy and lay.fixed:
        raw_hdr = T.read_headers(lay)
        data = T.lazy_data(lay, out_dtype)
    else:
        data, raw_hdr = T.read_traces(lay, out_dtype)
    return _to_gather(path, fh, lay, data, raw_hdr, out_dtype, headers, make_gather)


def _to_gather(path, fh, lay, data, raw_hdr, out_dtype, headers, make_gather):
    fields = H.unpack_trace_headers(raw_hdr, lay.byte_order, None if headers == "all" else H.STANDARD_FIELDS)
    coords = H.fields_to_coords(fields, segy_rev1=True, feet=fh["feet"])
    if headers == "all":
        coords.update({f"hdr_{k}": v for k, v in fields.items()})
    dt_s = _dt_s(path, fh, raw_hdr)
    text = fh["text"] + ("\n" + "\n".join(fh["extended_text"]) if fh["extended_text"] else "")
    attrs = {
        "source_file": path, "format": NAME, "byte_order": lay.byte_order, "sample_format": fh["fmt"].code,
        "sample_format_name": fh["fmt"].name, "textual_header": text, "text_encoding": fh["text_encoding"],
        "n_extended_textual_headers": len(fh["extended_text"]), "segy_revision": fh["revision"],
        "binary_header": {k: v for k, v in fh["binary"].items() if v},
        "variable_length": int(not lay.fixed), "length_unit_in_file": _LENGTH_UNIT.get(int(fh["binary"]["mfeet"]), "unknown"),
        "keep_dtype": np.dtype(out_dtype).kind in "iu" or np.dtype(out_dtype) == np.float64,
    }
    return make_gather(data, dt_s, headers=coords, attrs=attrs)


def write(
    ds: Any,
    path: str | os.PathLike[str],
    *,
    sample_format: int = 5,
    byte_order: str = "big",
    textual_header: str | None = None,
    text_encoding: str = "ebcdic",
    revision: int = 1,
) -> None:
    """Write a gather as SEG-Y.

    Parameters
    ----------
    ds : xarray.Dataset
        A gather (``data`` (trace, time_s), header coordinates as in
        :mod:`geoexplore.seismic.gather`; missing headers are written as 0).
    path : path-like
    sample_format : int
        SEG-Y format code: 1 IBM float, 5 IEEE float (default), 2/3/8 int32/16/8, 6 float64,
        7 int24, 9 int64, 10/11/12/15/16 unsigned (codes above 5 except 8 are rev 2).
    byte_order : {"big", "little"}
    textual_header : str, optional
        Up to 40 lines of 80 characters (default: the gather's ``textual_header`` attribute if it
        came from SEG-Y, else a standard one).
    text_encoding : {"ebcdic", "ascii"}
    revision : {1, 2}
        Rev 2 fields (byte-order constant, extended sample interval/count) are also written when
        the data need them.
    """
    path = os.fspath(path)
    if byte_order not in ("big", "little"):
        raise ValueError(f"byte_order must be 'big' or 'little', got {byte_order!r}")
    fmt = sample_format_obj(sample_format)
    da = ds["data"].transpose("trace", "time_s")
    n, ns = da.shape
    from geoexplore.seismic.gather import sample_interval

    dt_s = sample_interval(ds)
    dt_us = dt_s * 1e6
    rev2 = revision >= 2 or fmt.code not in (1, 2, 3, 5, 8) or abs(dt_us - round(dt_us)) > 1e-6 * dt_us \
        or round(dt_us) > 65535 or ns > 65535
    if textual_header is None:
        textual_header = ds.attrs.get("textual_header") if ds.attrs.get("format") == NAME else None
        if textual_header:
            textual_header = "\n".join(textual_header.splitlines()[:40])
        else:
            src = os.path.basename(str(ds.attrs.get("source_file", "")))
            textual_header = H.default_text({1: "WRITTEN BY GEOEXPLORE", 2: f"SOURCE {ds.attrs.get('format', '')} {src}"[:75],
                                             3: f"TRACES {n} SAMPLES {ns} INTERVAL {dt_us:g} US FORMAT {fmt.name}",
                                             39: "SEG-Y REV2" if rev2 else "SEG-Y REV1"})
    binh: dict[str, Any] = {
        "jobid": 1, "lino": 1, "reno": 1, "ntrpr": min(n, 32767), "hdt": min(int(round(dt_us)), 65535),
        "hns": ns if ns <= 65535 else 0, "format": fmt.code, "mfeet": 1,
        "rev_major": 2 if rev2 else 1, "rev_minor": 0, "fixed_length": 1, "n_ext_text": 0,
    }
    if rev2:
        binh.update(ext_ns=ns, ext_dt=float(dt_us), byte_order_const=BYTE_ORDER_CONST)
    coords = {k: np.asarray(v.values) for k, v in ds.coords.items() if v.dims == ("trace",)}
    delay = coords.get("delay_ms")
    if delay is None or not np.isfinite(delay).all():
        coords["delay_ms"] = np.full(n, float(ds["time_s"].values[0]) * 1000.0 if ns else 0.0)
    fields = H.coords_to_fields(coords, n, segy_rev1=True)
    fields["ns"] = np.full(n, ns if ns <= 65535 else 0)
    fields["dt"] = np.full(n, binh["hdt"])
    if "tracl" not in fields or not np.any(fields["tracl"]):
        fields["tracl"] = np.arange(1, n + 1)
    if "tracr" not in fields or not np.any(fields["tracr"]):
        fields["tracr"] = np.arange(1, n + 1)
    if "trid" not in fields or not np.any(fields["trid"]):
        fields["trid"] = np.ones(n, np.int64)
    raw_hdr = H.pack_trace_headers(fields, n, byte_order)
    tmp = path + ".part"
    try:
        with open(tmp, "wb") as f:
            f.write(H.encode_text(textual_header, text_encoding))
            f.write(H.pack_binary(binh, byte_order))
            write_traces(f, raw_hdr, da, fmt, byte_order)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def sample_format_obj(code: int):
    """The :class:`SampleFormat` of a code; ValueError listing the known ones."""
    try:
        return sample_format(code)
    except KeyError:
        raise ValueError(f"unknown SEG-Y sample format {code!r}; known: "
                         + ", ".join(f"{c} ({f.name})" for c, f in SAMPLE_FORMATS.items())) from None


def write_traces(f: Any, raw_hdr: np.ndarray, da: Any, fmt: Any, byte_order: str, chunk_bytes: int = 16 * 2**20) -> None:
    """Write headers + encoded samples trace after trace, in chunks (works for Dask-backed data)."""
    n, ns = da.shape
    per = max(1, chunk_bytes // max(1, ns * 8))
    for i0 in range(0, n, per):
        i1 = min(n, i0 + per)
        vals = np.asarray(da[i0:i1].values)
        block = np.empty((i1 - i0, 240 + ns * fmt.itemsize), np.uint8)
        block[:, :240] = raw_hdr[i0:i1]
        block[:, 240:] = encode(vals, fmt, byte_order)
        f.write(block.tobytes())


__all__ = ["EXTENSIONS", "NAME", "can_read", "file_headers", "read", "scan", "write"]
