"""Sample formats of SEG-Y (rev 0/1/2) and SU: decoding raw trace bytes to arrays and back."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from geoexplore.seismic.io.ibm import ibm2ieee, ieee2ibm


@dataclass(frozen=True)
class SampleFormat:
    """One SEG-Y data sample format code."""

    code: int
    name: str
    itemsize: int
    kind: str  # numpy kind+size ('i4', 'f4', ...) or 'ibm', 'i3', 'u3'

    @property
    def native_dtype(self) -> np.dtype:
        """The in-memory dtype that holds this format exactly."""
        return np.dtype({"ibm": "f4", "i3": "i4", "u3": "u4"}.get(self.kind, self.kind))


#: SEG-Y sample format code -> format (4, fixed point with gain, is obsolete and not supported)
SAMPLE_FORMATS: dict[int, SampleFormat] = {
    f.code: f
    for f in (
        SampleFormat(1, "ibm32", 4, "ibm"),
        SampleFormat(2, "int32", 4, "i4"),
        SampleFormat(3, "int16", 2, "i2"),
        SampleFormat(5, "ieee32", 4, "f4"),
        SampleFormat(6, "ieee64", 8, "f8"),
        SampleFormat(7, "int24", 3, "i3"),
        SampleFormat(8, "int8", 1, "i1"),
        SampleFormat(9, "int64", 8, "i8"),
        SampleFormat(10, "uint32", 4, "u4"),
        SampleFormat(11, "uint16", 2, "u2"),
        SampleFormat(12, "uint64", 8, "u8"),
        SampleFormat(15, "uint24", 3, "u3"),
        SampleFormat(16, "uint8", 1, "u1"),
    )
}


def sample_format(code: int) -> SampleFormat:
    """Look a format code up; KeyError for unknown codes."""
    return SAMPLE_FORMATS[int(code)]


def decode(raw: np.ndarray, fmt: SampleFormat, byte_order: str, out: np.ndarray) -> np.ndarray:
    """Decode raw sample bytes.

    Parameters
    ----------
    raw : ndarray of uint8, shape (n_traces, n_samples * itemsize)
    fmt : SampleFormat
    byte_order : {"big", "little"}
    out : ndarray, shape (n_traces, n_samples)
        Receives the values (cast unsafely to its dtype, e.g. float32).
    """
    e = ">" if byte_order == "big" else "<"
    if raw.strides[-1] != 1:
        raw = np.ascontiguousarray(raw)
    k, nbytes = raw.shape
    ns = nbytes // fmt.itemsize
    if fmt.kind == "ibm":
        ibm2ieee(raw.view(f"{e}u4"), out)  # rows may be strided (trace headers in between)
    elif fmt.kind in ("i3", "u3"):
        b = np.ascontiguousarray(raw).reshape(k, ns, 3).astype(np.int32)
        if e == "<":
            b = b[..., ::-1]
        v = (b[..., 0] << 16) | (b[..., 1] << 8) | b[..., 2]
        if fmt.kind == "i3":
            v = np.where(v >= 1 << 23, v - (1 << 24), v)
        np.copyto(out, v, casting="unsafe")
    else:
        dt = np.dtype(fmt.kind).newbyteorder(e) if fmt.itemsize > 1 else np.dtype(fmt.kind)
        np.copyto(out, raw.view(dt), casting="unsafe")
    return out


def encode(values: np.ndarray, fmt: SampleFormat, byte_order: str) -> np.ndarray:
    """Encode samples for writing.

    Parameters
    ----------
    values : ndarray, shape (n_traces, n_samples)
        Floats or integers. Integer formats take values that are whole
        numbers within the format's range (floats are rounded to the
        nearest integer; out-of-range or non-finite values raise ValueError).
    fmt : SampleFormat
    byte_order : {"big", "little"}

    Returns
    -------
    ndarray of uint8, shape (n_traces, n_samples * itemsize)
    """
    e = ">" if byte_order == "big" else "<"
    v = np.asarray(values)
    k, ns = v.shape
    if fmt.kind == "ibm":
        words = ieee2ibm(v).astype(f"{e}u4")
        return words.view(np.uint8).reshape(k, ns * 4)
    if fmt.kind.startswith("f"):
        return np.ascontiguousarray(v.astype(f"{e}{fmt.kind}")).view(np.uint8).reshape(k, ns * fmt.itemsize)
    # integer formats
    if fmt.kind == "i3":
        lo, hi = -(1 << 23), (1 << 23) - 1
    elif fmt.kind == "u3":
        lo, hi = 0, (1 << 24) - 1
    else:
        lo, hi = np.iinfo(fmt.kind).min, np.iinfo(fmt.kind).max
    if v.dtype.kind == "f":
        if not np.isfinite(v).all():
            raise ValueError(f"non-finite samples cannot be written as {fmt.name}")
        v = np.rint(v)
    if v.size and (v.min() < lo or v.max() > hi):
        raise ValueError(f"sample values {v.min()}..{v.max()} do not fit {fmt.name} ({lo}..{hi})")
    if fmt.kind in ("i3", "u3"):
        iv = v.astype(np.int64) & 0xFFFFFF
        b = np.stack([(iv >> 16) & 0xFF, (iv >> 8) & 0xFF, iv & 0xFF], axis=-1).astype(np.uint8)
        if e == "<":
            b = b[..., ::-1]
        return np.ascontiguousarray(b).reshape(k, ns * 3)
    dt = np.dtype(fmt.kind).newbyteorder(e) if fmt.itemsize > 1 else np.dtype(fmt.kind)
    return np.ascontiguousarray(v.astype(dt)).view(np.uint8).reshape(k, ns * fmt.itemsize)


__all__ = ["SAMPLE_FORMATS", "SampleFormat", "decode", "encode", "sample_format"]
