"""SEG-Y header layouts (rev 0, 1, 2) and vectorised header (un)packing.

Trace header fields use Seismic Unix names; offsets are 0-based byte
positions within the 240-byte trace header (the SEG-Y standard counts from
1). SU files share bytes 0-179 with SEG-Y; bytes 180-239 differ (SU keeps
its own d1/f1/... fields there), so the rev 1 fields below are read only
from SEG-Y files.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

#: (name, byte offset, size in bytes, signed)
TRACE_FIELDS: tuple[tuple[str, int, int, bool], ...] = (
    ("tracl", 0, 4, True), ("tracr", 4, 4, True), ("fldr", 8, 4, True), ("tracf", 12, 4, True),
    ("ep", 16, 4, True), ("cdp", 20, 4, True), ("cdpt", 24, 4, True), ("trid", 28, 2, True),
    ("nvs", 30, 2, True), ("nhs", 32, 2, True), ("duse", 34, 2, True), ("offset", 36, 4, True),
    ("gelev", 40, 4, True), ("selev", 44, 4, True), ("sdepth", 48, 4, True), ("gdel", 52, 4, True),
    ("sdel", 56, 4, True), ("swdep", 60, 4, True), ("gwdep", 64, 4, True), ("scalel", 68, 2, True),
    ("scalco", 70, 2, True), ("sx", 72, 4, True), ("sy", 76, 4, True), ("gx", 80, 4, True),
    ("gy", 84, 4, True), ("counit", 88, 2, True), ("wevel", 90, 2, True), ("swevel", 92, 2, True),
    ("sut", 94, 2, True), ("gut", 96, 2, True), ("sstat", 98, 2, True), ("gstat", 100, 2, True),
    ("tstat", 102, 2, True), ("laga", 104, 2, True), ("lagb", 106, 2, True), ("delrt", 108, 2, True),
    ("muts", 110, 2, True), ("mute", 112, 2, True), ("ns", 114, 2, False), ("dt", 116, 2, False),
    ("gain", 118, 2, True), ("igc", 120, 2, True), ("igi", 122, 2, True), ("corr", 124, 2, True),
    ("sfs", 126, 2, True), ("sfe", 128, 2, True), ("slen", 130, 2, True), ("styp", 132, 2, True),
    ("stas", 134, 2, True), ("stae", 136, 2, True), ("tatyp", 138, 2, True), ("afilf", 140, 2, True),
    ("afils", 142, 2, True), ("nofilf", 144, 2, True), ("nofils", 146, 2, True), ("lcf", 148, 2, True),
    ("hcf", 150, 2, True), ("lcs", 152, 2, True), ("hcs", 154, 2, True), ("year", 156, 2, True),
    ("day", 158, 2, True), ("hour", 160, 2, True), ("minute", 162, 2, True), ("sec", 164, 2, True),
    ("timbas", 166, 2, True), ("trwf", 168, 2, True), ("grnors", 170, 2, True), ("grnofr", 172, 2, True),
    ("grnlof", 174, 2, True), ("gaps", 176, 2, True), ("otrav", 178, 2, True),
    # SEG-Y rev 1 additions (not in SU)
    ("cdpx", 180, 4, True), ("cdpy", 184, 4, True), ("iline", 188, 4, True), ("xline", 192, 4, True),
    ("sp", 196, 4, True), ("scalsp", 200, 2, True), ("trunit", 202, 2, True), ("tdcm", 204, 4, True),
    ("tdcp", 208, 2, True), ("tdunit", 210, 2, True), ("devid", 212, 2, True), ("scalt", 214, 2, True),
    ("stype", 216, 2, True), ("sdir1", 218, 2, True), ("sdir2", 220, 2, True), ("sdir3", 222, 2, True),
    ("smm", 224, 4, True), ("smp", 228, 2, True), ("smunit", 230, 2, True),
)
SU_LAST_BYTE = 180
FIELD = {f[0]: f for f in TRACE_FIELDS}
#: the fields the named gather coordinates are made from
STANDARD_FIELDS = (
    "tracl", "tracr", "fldr", "tracf", "ep", "cdp", "cdpt", "trid", "offset", "gelev", "selev", "sdepth",
    "scalel", "scalco", "sx", "sy", "gx", "gy", "counit", "sstat", "gstat", "delrt", "ns", "dt",
    "cdpx", "cdpy", "iline", "xline", "sp", "scalt",
)
SU_FIELDS = tuple(k for k, v in FIELD.items() if v[1] < SU_LAST_BYTE)

#: Binary header fields: (name, offset within the 400-byte block, size, kind) kind: i signed, u unsigned, f float
BINARY_FIELDS: tuple[tuple[str, int, int, str], ...] = (
    ("jobid", 0, 4, "i"), ("lino", 4, 4, "i"), ("reno", 8, 4, "i"), ("ntrpr", 12, 2, "i"),
    ("nart", 14, 2, "i"), ("hdt", 16, 2, "u"), ("dto", 18, 2, "u"), ("hns", 20, 2, "u"),
    ("nso", 22, 2, "u"), ("format", 24, 2, "i"), ("fold", 26, 2, "i"), ("tsort", 28, 2, "i"),
    ("vscode", 30, 2, "i"), ("hsfs", 32, 2, "i"), ("hsfe", 34, 2, "i"), ("hslen", 36, 2, "i"),
    ("hstyp", 38, 2, "i"), ("schn", 40, 2, "i"), ("hstas", 42, 2, "i"), ("hstae", 44, 2, "i"),
    ("htatyp", 46, 2, "i"), ("hcorr", 48, 2, "i"), ("bgrcv", 50, 2, "i"), ("rcvm", 52, 2, "i"),
    ("mfeet", 54, 2, "i"), ("polyt", 56, 2, "i"), ("vpol", 58, 2, "i"),
    # rev 2
    ("ext_ntrpr", 60, 4, "i"), ("ext_nart", 64, 4, "i"), ("ext_ns", 68, 4, "u"), ("ext_dt", 72, 8, "f"),
    ("ext_dto", 80, 8, "f"), ("ext_nso", 88, 4, "u"), ("ext_fold", 92, 4, "i"), ("byte_order_const", 96, 4, "u"),
    ("rev_major", 300, 1, "u"), ("rev_minor", 301, 1, "u"), ("fixed_length", 302, 2, "i"),
    ("n_ext_text", 304, 2, "i"), ("max_add_headers", 306, 4, "i"), ("time_basis", 310, 2, "i"),
    ("ext_ntraces", 312, 8, "u"), ("first_trace_offset", 320, 8, "u"), ("n_trailer", 328, 4, "i"),
)


def endian_char(byte_order: str) -> str:
    """``'>'`` for ``"big"``, ``'<'`` for ``"little"``."""
    return ">" if byte_order == "big" else "<"


def unpack_binary(block: bytes, byte_order: str) -> dict[str, int | float]:
    """Decode the 400-byte SEG-Y binary header."""
    e = endian_char(byte_order)
    out: dict[str, int | float] = {}
    for name, off, size, kind in BINARY_FIELDS:
        dt = np.dtype(f"{e}{kind}{size}") if size > 1 else np.dtype(f"{kind}1")
        v = np.frombuffer(block, dtype=dt, count=1, offset=off)[0]
        out[name] = float(v) if kind == "f" else int(v)
    return out


def pack_binary(values: Mapping[str, int | float], byte_order: str) -> bytes:
    """Encode a SEG-Y binary header (fields not given are 0)."""
    e = endian_char(byte_order)
    buf = bytearray(400)
    for name, off, size, kind in BINARY_FIELDS:
        if name in values:
            dt = np.dtype(f"{e}{kind}{size}") if size > 1 else np.dtype(f"{kind}1")
            buf[off:off + size] = np.array([values[name]], dtype=dt).tobytes()
    return bytes(buf)


def unpack_trace_headers(raw: np.ndarray, byte_order: str, names: tuple[str, ...] | None = None) -> dict[str, np.ndarray]:
    """Decode trace headers.

    Parameters
    ----------
    raw : ndarray of uint8, shape (n_traces, >= 240)
        The raw header bytes, one row per trace.
    byte_order : {"big", "little"}
    names : tuple of str, optional
        Fields to decode (default: all).

    Returns
    -------
    dict of str -> ndarray (n_traces,) of int32 (or int64 for none)
    """
    e = endian_char(byte_order)
    names = tuple(names or FIELD)
    raw = np.asarray(raw)
    if raw.ndim != 2 or raw.shape[1] < 240:
        raise ValueError(f"trace headers must be an (n, >=240) byte array, got shape {raw.shape}")
    if not raw.flags.c_contiguous:
        raw = np.ascontiguousarray(raw)
    sdt = np.dtype({
        "names": list(names),
        "formats": [f"{e}{'i' if FIELD[k][3] else 'u'}{FIELD[k][2]}" for k in names],
        "offsets": [FIELD[k][1] for k in names],
        "itemsize": raw.shape[1],
    })
    rec = raw.view(sdt).reshape(-1)
    return {name: rec[name].astype(np.int32) for name in names}


def pack_trace_headers(fields: Mapping[str, np.ndarray], n: int, byte_order: str) -> np.ndarray:
    """Encode trace headers into an (n, 240) uint8 array; values must fit the field sizes."""
    e = endian_char(byte_order)
    raw = np.zeros((n, 240), dtype=np.uint8)
    for name, values in fields.items():
        if name not in FIELD:
            continue
        _, off, size, signed = FIELD[name]
        v = np.broadcast_to(np.asarray(values), (n,)).astype(np.int64)
        info = np.iinfo(f"{'i' if signed else 'u'}{size}")
        if v.size and (v.min() < info.min or v.max() > info.max):
            raise ValueError(f"trace header {name!r} value out of range for {size}-byte field: {v.min()}..{v.max()}")
        raw[:, off:off + size] = v.astype(f"{e}{'i' if signed else 'u'}{size}").view(np.uint8).reshape(n, size)
    return raw


# EBCDIC (cp037) text helpers -------------------------------------------------
def decode_text(block: bytes) -> tuple[str, str]:
    """Decode a 3200-byte textual header; returns (text, encoding) with encoding 'ebcdic' or 'ascii'.

    The text is split in 40 card lines of 80 characters, trailing blanks kept off.
    """
    ebcdic_score = sum(1 for b in block if b in (0x40, 0xC3))  # EBCDIC space and 'C'
    ascii_score = sum(1 for b in block if b in (0x20, 0x43))
    enc = "ebcdic" if ebcdic_score > ascii_score else "ascii"
    text = block.decode("cp037" if enc == "ebcdic" else "latin-1")
    text = text.replace("\x00", " ")
    lines = [text[i:i + 80].rstrip() for i in range(0, len(text), 80)]
    return "\n".join(lines).rstrip("\n"), enc


def encode_text(text: str, encoding: str = "ebcdic") -> bytes:
    """Encode text as a 3200-byte textual header (40 lines x 80 characters, padded with blanks)."""
    lines = text.splitlines()[:40]
    card = "".join(line[:80].ljust(80) for line in lines).ljust(3200)[:3200]
    card = "".join(c if 32 <= ord(c) < 127 else " " for c in card)
    return card.encode("cp037" if encoding == "ebcdic" else "ascii")


def default_text(lines: Mapping[int, str] | None = None) -> str:
    """A standard 40-card textual header ('C 1 ...' .. 'C40 END TEXTUAL HEADER')."""
    lines = dict(lines or {})
    out = []
    for i in range(1, 41):
        body = lines.get(i, "")
        if i == 39 and not body:
            body = "SEG-Y REV1"
        if i == 40 and not body:
            body = "END TEXTUAL HEADER"
        out.append(f"C{i:2d} {body}"[:80])
    return "\n".join(out)


__all__ = [
    "BINARY_FIELDS", "FIELD", "SU_LAST_BYTE", "TRACE_FIELDS", "decode_text", "default_text", "encode_text",
    "endian_char", "pack_binary", "pack_trace_headers", "unpack_binary", "unpack_trace_headers",
]


# -- raw SEG-Y/SU fields <-> named gather coordinates ----------------------------
FT = 0.3048


def apply_scalar(values: np.ndarray, scalar: np.ndarray) -> np.ndarray:
    """SEG-Y scalar rule: positive multiplies, negative divides, 0 means 1."""
    s = np.asarray(scalar, dtype=np.float64)
    v = np.asarray(values, dtype=np.float64)
    return np.where(s > 0, v * s, np.where(s < 0, v / np.where(s == 0, 1.0, -s), v))


def fields_to_coords(f: Mapping[str, np.ndarray], *, segy_rev1: bool, feet: bool = False) -> dict[str, np.ndarray]:
    """Named gather coordinates (see :mod:`geoexplore.seismic.gather`) from raw trace header fields."""
    length = FT if feet else 1.0
    n = len(f["tracl"])
    scalel, scalco = f["scalel"], f["scalco"]
    counit = f["counit"]
    coord_len = np.where((counit == 0) | (counit == 1), length, 1.0)
    out: dict[str, np.ndarray] = {k: f[k] for k in ("tracl", "tracr", "fldr", "tracf", "ep", "cdp", "cdpt", "trid")}
    out["offset_m"] = f["offset"] * length
    out["receiver_elevation_m"] = apply_scalar(f["gelev"], scalel) * length
    out["source_elevation_m"] = apply_scalar(f["selev"], scalel) * length
    out["source_depth_m"] = apply_scalar(f["sdepth"], scalel) * length
    out["source_x_m"] = apply_scalar(f["sx"], scalco) * coord_len
    out["source_y_m"] = apply_scalar(f["sy"], scalco) * coord_len
    out["receiver_x_m"] = apply_scalar(f["gx"], scalco) * coord_len
    out["receiver_y_m"] = apply_scalar(f["gy"], scalco) * coord_len
    scalt = f["scalt"] if segy_rev1 and "scalt" in f else np.zeros(n, np.int32)
    out["delay_ms"] = apply_scalar(f["delrt"], scalt)
    out["source_static_ms"] = apply_scalar(f["sstat"], scalt)
    out["receiver_static_ms"] = apply_scalar(f["gstat"], scalt)
    out["n_samples_header"] = f["ns"]
    out["scalco"], out["scalel"], out["counit"] = scalco, scalel, counit
    if segy_rev1:
        out["cdp_x_m"] = apply_scalar(f["cdpx"], scalco) * coord_len
        out["cdp_y_m"] = apply_scalar(f["cdpy"], scalco) * coord_len
        out["inline"], out["crossline"], out["shot_point"] = f["iline"], f["xline"], f["sp"]
    return out


_SCALARS = (1, 10, 100, 1000, 10000)


def _pick_scalar(arrays: list[np.ndarray], preferred: np.ndarray | None) -> tuple[np.ndarray, list[np.ndarray]]:
    """Choose a SEG-Y scalar per trace so that the scaled integers reproduce the values; return (scalar, ints)."""
    vals = [np.nan_to_num(np.asarray(a, dtype=np.float64)) for a in arrays]
    n = len(vals[0])
    if preferred is not None:
        s = np.asarray(preferred, dtype=np.int64)
        ints = [np.rint(np.where(s > 0, v / np.where(s > 0, s, 1), np.where(s < 0, v * -s, v))) for v in vals]
        back = [apply_scalar(i, s) for i in ints]
        if all(np.allclose(b, v, rtol=0, atol=1e-9 * max(1.0, np.abs(v).max(initial=0))) for b, v in zip(back, vals)) \
                and all(np.abs(i).max(initial=0) < 2**31 for i in ints):
            return s.astype(np.int32), ints
    for m in _SCALARS:
        ints = [np.rint(v * m) for v in vals]
        if all(np.abs(i).max(initial=0) >= 2**31 for i in ints):
            break
        if all(np.abs(i).max(initial=0) < 2**31 for i in ints) and all(
            np.allclose(i / m, v, rtol=0, atol=1e-6) for i, v in zip(ints, vals)
        ):
            return np.full(n, 1 if m == 1 else -m, np.int32), ints
    # not exactly representable: the finest scalar that fits
    for m in reversed(_SCALARS):
        ints = [np.rint(v * m) for v in vals]
        if all(np.abs(i).max(initial=0) < 2**31 for i in ints):
            return np.full(n, 1 if m == 1 else -m, np.int32), ints
    raise ValueError("coordinates too large for SEG-Y 4-byte header fields")


def coords_to_fields(coords: Mapping[str, np.ndarray], n: int, *, segy_rev1: bool) -> dict[str, np.ndarray]:
    """Raw trace header fields from named gather coordinates (inverse of :func:`fields_to_coords`, in metres).

    Raw ``hdr_<name>`` entries are the starting point; named coordinates overwrite them.
    """
    f: dict[str, np.ndarray] = {}
    for name in FIELD:
        if f"hdr_{name}" in coords:
            f[name] = np.asarray(coords[f"hdr_{name}"]).astype(np.int64)

    def get(name: str, default: float = 0.0) -> np.ndarray:
        v = coords.get(name)
        return np.full(n, default) if v is None else np.asarray(v)

    for k in ("tracl", "tracr", "fldr", "tracf", "ep", "cdp", "cdpt", "trid"):
        if k in coords:
            f[k] = np.asarray(coords[k]).astype(np.int64)
    if "offset_m" in coords:
        f["offset"] = np.rint(np.nan_to_num(get("offset_m")))
    el_names = ("receiver_elevation_m", "source_elevation_m", "source_depth_m")
    if any(k in coords for k in el_names):
        s, ints = _pick_scalar([get(k) for k in el_names], coords.get("scalel"))
        f["scalel"] = s
        f["gelev"], f["selev"], f["sdepth"] = ints
    xy = ["source_x_m", "source_y_m", "receiver_x_m", "receiver_y_m"]
    xy_raw = ["sx", "sy", "gx", "gy"]
    if segy_rev1:
        xy += ["cdp_x_m", "cdp_y_m"]
        xy_raw += ["cdpx", "cdpy"]
    if any(k in coords for k in xy):
        s, ints = _pick_scalar([get(k) for k in xy], coords.get("scalco"))
        f["scalco"] = s
        for r, i in zip(xy_raw, ints):
            f[r] = i
        if "counit" in coords:
            f["counit"] = np.asarray(coords["counit"]).astype(np.int64)
        f.setdefault("counit", np.ones(n, np.int64))
        f["counit"] = np.where(f["counit"] == 0, 1, f["counit"])
    if "delay_ms" in coords:
        f["delrt"] = np.rint(np.nan_to_num(get("delay_ms")))
    if "source_static_ms" in coords:
        f["sstat"] = np.rint(np.nan_to_num(get("source_static_ms")))
    if "receiver_static_ms" in coords:
        f["gstat"] = np.rint(np.nan_to_num(get("receiver_static_ms")))
    if segy_rev1:
        f["scalt"] = np.zeros(n, np.int64)
        for k, r in (("inline", "iline"), ("crossline", "xline"), ("shot_point", "sp")):
            if k in coords:
                f[r] = np.asarray(coords[k]).astype(np.int64)
    else:
        for name in list(f):
            if FIELD[name][1] >= SU_LAST_BYTE:
                del f[name]
    return f
