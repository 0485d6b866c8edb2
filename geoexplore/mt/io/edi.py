"""EDI (SEG MT/EMAP Electrical Data Interchange) reading, validation and writing.

Reading is strict: the file is split into its blocks (``>HEAD``, ``>=MTSECT``,
``>FREQ``, ``>ZXYR`` ...), every data block's declared count (``//N``) is
checked against the numbers it actually holds and against ``NFREQ``, and
the impedance blocks must exist and not be all zeros. A truncated or
malformed file raises :class:`~geoexplore.core.errors.FileFormatError`
naming the file and the block (``block >ZXYR (line 212)``); it is never read
as zeros.

* Impedance EDIs (``>=MTSECT`` with ``>ZXXR``... blocks) are read here
  directly (fast, no third-party import).
* Spectra EDIs (``>=SPECTRASECT``, Phoenix/Quantec style) are validated
  here, then converted to impedances by mt_metadata (imported lazily).

Conventions: EDI impedances are in mV/km/nT with exp(+i omega t) time
dependence (Zxy in the first quadrant, Zyx in the third over a
half-space); the reader checks the quadrants and conjugates files that are
clearly exp(-i omega t). ``.VAR`` blocks are variances; the container's
``z_err``/``t_err`` are their square roots. ``ZROT`` becomes the attribute
``rotation_deg`` (per-frequency rotations that differ are undone so that
all periods share the first one). Empty values (``1.0E32``) become NaN.

:func:`write_edi` writes an impedance EDI (with tipper blocks when the
tipper is present) that this reader and mt_metadata both read back.

Format plug-in ``edi`` of :data:`geoexplore.mt.io.TF_FORMATS` (``NAME``,
``EXTENSIONS``, :func:`can_read`, :func:`read`, :func:`write`).
"""

from __future__ import annotations

import datetime as _dt
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from geoexplore.core.errors import FileFormatError
from geoexplore.core.formats import head_lines
from geoexplore.core.rotation import rotate_row_vector, rotate_tensor
from geoexplore.mt.io.mtmetadata import from_mt_metadata, read_mt_metadata_tf
from geoexplore.mt.tfdata import make_tf, normalise_time_convention

log = logging.getLogger(__name__)

EMPTY = 1.0e32
Z_BLOCKS = ("ZXXR", "ZXXI", "ZXYR", "ZXYI", "ZYXR", "ZYXI", "ZYYR", "ZYYI")
ZVAR_BLOCKS = ("ZXX.VAR", "ZXY.VAR", "ZYX.VAR", "ZYY.VAR")
T_BLOCKS = ("TXR.EXP", "TXI.EXP", "TYR.EXP", "TYI.EXP")
TVAR_BLOCKS = ("TXVAR.EXP", "TYVAR.EXP")


@dataclass
class Block:
    """One ``>NAME`` block of an EDI file."""

    name: str
    line: int
    options: dict[str, str] = field(default_factory=dict)
    count: int | None = None
    lines: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"block >{self.name} (line {self.line})"


_OPT = re.compile(r"([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(\"[^\"]*\"|\S+)")


def split_blocks(path: str | os.PathLike[str], text: str) -> list[Block]:
    """Split EDI text into blocks; ``>!`` comment lines are skipped."""
    blocks: list[Block] = []
    for i, raw in enumerate(text.splitlines(), 1):
        s = raw.strip()
        if not s:
            continue
        if s.startswith(">"):
            if s.startswith(">!"):
                continue
            body = s[1:].strip()
            m = re.match(r"(=?[A-Za-z][A-Za-z0-9_.]*)", body)
            if not m:
                raise FileFormatError(path, f"unreadable block header '{s[:40]}'", position=f"line {i}")
            name = m.group(1).upper()
            rest = body[m.end():]
            count = None
            cm = re.search(r"//\s*(\d+)", rest)
            if cm:
                count = int(cm.group(1))
                rest = rest[: cm.start()]
            opts = {k.upper(): v.strip('"') for k, v in _OPT.findall(rest)}
            blocks.append(Block(name, i, opts, count))
        else:
            if not blocks:
                continue  # text before the first block
            blocks[-1].lines.append(s)
    return blocks


def _numbers(path: str | os.PathLike[str], b: Block) -> np.ndarray:
    try:
        v = np.array([float(t) for ln in b.lines for t in ln.replace(",", " ").split()], float)
    except ValueError as exc:
        raise FileFormatError(path, f"non-numeric value ({exc})", position=b.where) from None
    if b.count is not None and v.size != b.count:
        raise FileFormatError(path, f"block declares {b.count} values but holds {v.size} (truncated?)", position=b.where)
    return v


def _keyvals(b: Block) -> dict[str, str]:
    d = dict(b.options)
    for ln in b.lines:
        for k, v in _OPT.findall(ln):
            d.setdefault(k.upper(), v.strip('"'))
    return d


def _angle(path: str | os.PathLike[str], s: str, what: str) -> float:
    """Decimal degrees from ``DD:MM:SS.ss`` or a decimal string."""
    try:
        if ":" in s:
            parts = [float(p) for p in s.split(":")]
            sign = -1.0 if s.strip().startswith("-") else 1.0
            parts[0] = abs(parts[0])
            while len(parts) < 3:
                parts.append(0.0)
            return sign * (parts[0] + parts[1] / 60.0 + parts[2] / 3600.0)
        return float(s)
    except ValueError:
        raise FileFormatError(path, f"bad {what} '{s}'", position="block >HEAD") from None


def _clean(v: np.ndarray) -> np.ndarray:
    v = v.astype(float)
    v[np.abs(v) >= 1e30] = np.nan
    return v


def read_edi(path: str | os.PathLike[str]) -> Any:
    """Read an EDI file into the transfer-function container (see module docstring).

    Raises
    ------
    FileFormatError
        Unreadable file, missing ``>HEAD``/``>END``/NFREQ/frequency or
        impedance blocks, a block holding fewer or more values than declared
        or than NFREQ, all-zero impedances.
    """
    p = Path(path)
    try:
        text = p.read_bytes().decode("latin-1")
    except OSError as exc:
        raise FileFormatError(p, f"cannot read: {exc.strerror}") from None
    blocks = split_blocks(p, text)
    names = [b.name for b in blocks]
    if "HEAD" not in names:
        raise FileFormatError(p, "not an EDI file (no >HEAD block)", position="line 1")
    for b in blocks:  # every block that declares a count must hold exactly that many numbers
        if b.count is not None and b.name not in ("HEAD", "INFO", "=DEFINEMEAS", "=MTSECT", "=SPECTRASECT"):
            _numbers(p, b)
    head = _keyvals(blocks[names.index("HEAD")])
    info = _keyvals(blocks[names.index("INFO")]) if "INFO" in names else {}
    lat = _angle(p, head["LAT"], "LAT") if "LAT" in head else np.nan
    lon = _angle(p, head.get("LONG", head.get("LON", "nan")), "LONG") if ("LONG" in head or "LON" in head) else np.nan
    try:
        elev = float(head.get("ELEV", "nan"))
    except ValueError:
        raise FileFormatError(p, f"bad ELEV '{head.get('ELEV')}'", position="block >HEAD") from None
    station = head.get("DATAID", p.stem)
    attrs: dict[str, Any] = dict(station=station, lat_deg=lat, lon_deg=lon, elevation_m=elev, source=f"EDI {p.name}")
    for key, conv in (("GEOEXPLORE.CHAINAGE_M", float), ("GEOEXPLORE.SYNTHETIC", int)):
        if key in info:
            try:
                attrs[key.split(".", 1)[1].lower()] = conv(info[key])
            except ValueError:
                raise FileFormatError(p, f"bad {key} '{info[key]}'", position="block >INFO") from None
    if "=SPECTRASECT" in names:
        _require_end(p, blocks)
        return _read_spectra_edi(p, blocks, attrs)
    if "=MTSECT" not in names:
        raise FileFormatError(p, "no >=MTSECT or >=SPECTRASECT data section", position=f"after {blocks[names.index('HEAD')].where}")
    sect = _keyvals(blocks[names.index("=MTSECT")])
    by = {b.name: b for b in blocks}
    if "NFREQ" in sect:
        try:
            nfreq = int(float(sect["NFREQ"]))
        except ValueError:
            raise FileFormatError(p, f"bad NFREQ '{sect['NFREQ']}'", position=blocks[names.index("=MTSECT")].where) from None
    elif "FREQ" in by and by["FREQ"].count is not None:
        nfreq = by["FREQ"].count
    else:
        raise FileFormatError(p, "NFREQ missing", position=blocks[names.index("=MTSECT")].where)
    if nfreq <= 0:
        raise FileFormatError(p, f"NFREQ = {nfreq}", position=blocks[names.index("=MTSECT")].where)

    def get(name: str, required: bool) -> np.ndarray | None:
        if name not in by:
            if required:
                raise FileFormatError(p, f"missing block >{name}", position=f"data section (NFREQ={nfreq})")
            return None
        b = by[name]
        v = _numbers(p, b)
        if v.size != nfreq:
            raise FileFormatError(p, f"holds {v.size} values, NFREQ is {nfreq} (truncated?)", position=b.where)
        return _clean(v)

    freq = get("FREQ", True)
    assert freq is not None
    if not np.all(np.isfinite(freq) & (freq > 0)):
        raise FileFormatError(p, "frequencies must be positive numbers", position=by["FREQ"].where)
    zp = {n: get(n, True) for n in Z_BLOCKS}
    z = np.empty((nfreq, 2, 2), complex)
    for k, comp in enumerate(("XX", "XY", "YX", "YY")):
        z[:, k // 2, k % 2] = zp[f"Z{comp}R"] + 1j * zp[f"Z{comp}I"]  # type: ignore[operator]
    for comp in ("ZXYR", "ZYXR"):
        v = zp[comp]
        w = zp[comp[:-1] + "I"]
        if np.all(np.nan_to_num(v) == 0) and np.all(np.nan_to_num(w) == 0):
            raise FileFormatError(p, "off-diagonal impedance is all zeros", position=by[comp].where)
    zvar = np.full((nfreq, 2, 2), np.nan)
    for k, comp in enumerate(("ZXX.VAR", "ZXY.VAR", "ZYX.VAR", "ZYY.VAR")):
        v = get(comp, False)
        if v is not None:
            zvar[:, k // 2, k % 2] = v
    _require_end(p, blocks)
    rot = get("ZROT", False)
    t = tvar = None
    tp = {n: get(n, False) for n in T_BLOCKS}
    if all(v is not None for v in tp.values()):
        t = np.empty((nfreq, 1, 2), complex)
        t[:, 0, 0] = tp["TXR.EXP"] + 1j * tp["TXI.EXP"]  # type: ignore[operator]
        t[:, 0, 1] = tp["TYR.EXP"] + 1j * tp["TYI.EXP"]  # type: ignore[operator]
        tvar = np.full((nfreq, 1, 2), np.nan)
        for k, comp in enumerate(TVAR_BLOCKS):
            v = get(comp, False)
            if v is not None:
                tvar[:, 0, k] = v
    elif any(v is not None for v in tp.values()):
        miss = [n for n, v in tp.items() if v is None]
        raise FileFormatError(p, f"incomplete tipper: missing {', '.join('>' + m for m in miss)}", position="data section")
    rotation = 0.0
    if rot is not None and np.any(np.isfinite(rot)):
        r = np.where(np.isfinite(rot), rot, rot[np.isfinite(rot)][0])
        rotation = float(r[0])
        if np.ptp(r) > 1e-6:
            z, zvar, t = _unrotate(z, zvar, t, r - rotation)
    zerr = np.sqrt(zvar)
    terr = None if tvar is None else np.sqrt(tvar)
    z, t, conv = normalise_time_convention(z, t)
    if conv:
        attrs["source"] = attrs["source"] + f" ({conv})"
    attrs["rotation_deg"] = rotation
    return make_tf(1.0 / freq, z, zerr, t, terr, **attrs)


def _require_end(p: Path, blocks: list[Block]) -> None:
    if blocks[-1].name != "END":
        raise FileFormatError(p, "no >END block after the last block: file truncated", position=f"after {blocks[-1].where}")


def _unrotate(z: np.ndarray, zvar: np.ndarray, t: np.ndarray | None, dtheta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Rotate each frequency by -dtheta (deg) so all share one frame; variances rotated approximately (max)."""
    z2, _ = rotate_tensor(z, -dtheta)
    zv = np.repeat(np.nanmax(zvar.reshape(-1, 4), axis=1)[:, None], 4, axis=1).reshape(zvar.shape) if np.isfinite(zvar).any() else zvar
    t2 = None if t is None else rotate_row_vector(t, -dtheta)[0]
    return z2, zv, t2


def _read_spectra_edi(p: Path, blocks: list[Block], attrs: dict[str, Any]) -> Any:
    """Validate a spectra EDI's blocks, then convert it with mt_metadata."""
    names = [b.name for b in blocks]
    sect_b = blocks[names.index("=SPECTRASECT")]
    sect = _keyvals(sect_b)
    spec = [b for b in blocks if b.name == "SPECTRA"]
    if not spec:
        raise FileFormatError(p, "spectra section without >SPECTRA blocks", position=sect_b.where)
    for b in spec:
        v = _numbers(p, b)
        nch = int(round(np.sqrt(v.size)))
        if nch * nch != v.size or nch < 4:
            raise FileFormatError(p, f"spectra matrix of {v.size} values is not square", position=b.where)
        if "FREQ" not in b.options:
            raise FileFormatError(p, "SPECTRA block without FREQ=", position=b.where)
    if "NFREQ" in sect:
        try:
            nfreq = int(float(sect["NFREQ"]))
        except ValueError:
            raise FileFormatError(p, f"bad NFREQ '{sect['NFREQ']}'", position=sect_b.where) from None
        if nfreq != len(spec):
            raise FileFormatError(p, f"NFREQ is {nfreq} but {len(spec)} >SPECTRA blocks found (truncated?)", position=spec[-1].where)
    tf = read_mt_metadata_tf(p, position=sect_b.where)
    ds = from_mt_metadata(tf, p)
    for k in ("station", "lat_deg", "lon_deg", "elevation_m"):
        if isinstance(attrs.get(k), str) or np.isfinite(attrs.get(k, np.nan)):
            ds.attrs[k] = attrs[k]
    ds.attrs["source"] = attrs["source"] + " (spectra converted by mt_metadata)"
    return ds


# -- writing ------------------------------------------------------------------------
def _dms(value: float) -> str:
    if not np.isfinite(value):
        return "0:00:00.000"
    sign = "-" if value < 0 else ""
    v = abs(value)
    d = int(v)
    m = int((v - d) * 60)
    s = (v - d - m / 60.0) * 3600.0
    if s >= 59.99995:
        s = 0.0
        m += 1
    if m >= 60:
        m -= 60
        d += 1
    return f"{sign}{d}:{m:02d}:{s:09.6f}"


def _block(name: str, values: np.ndarray, extra: str = "") -> list[str]:
    v = np.where(np.isfinite(values), values, EMPTY)
    out = [f">{name}{(' ' + extra) if extra else ''} //{v.size}"]
    for i in range(0, v.size, 6):
        out.append(" " + " ".join(f"{x:.8E}" for x in v[i : i + 6]))
    return out


def write_edi(ds: Any, path: str | os.PathLike[str]) -> Path:
    """Write a transfer-function Dataset as an impedance EDI file.

    Frequencies are written from high to low; errors as variances
    (``.VAR``); NaN as ``1.0E32``; the tipper only when it has finite
    values; ``ZROT``/``TROT`` from ``rotation_deg``. ``chainage_m`` and
    ``synthetic`` go into ``>INFO`` as ``GEOEXPLORE.*`` keys.
    """
    p = Path(path)
    period = np.asarray(ds["period_s"].values, float)
    order = np.argsort(period)  # increasing period = decreasing frequency
    period = period[order]
    z = np.asarray(ds["z"].values)[order]
    ze = np.asarray(ds["z_err"].values)[order]
    t = np.asarray(ds["t"].values)[order]
    te = np.asarray(ds["t_err"].values)[order]
    a = ds.attrs
    n = period.size
    station = str(a.get("station", "") or p.stem)
    lat, lon = float(a.get("lat_deg", np.nan)), float(a.get("lon_deg", np.nan))
    elev = float(a.get("elevation_m", np.nan))
    rot = float(a.get("rotation_deg", 0.0) or 0.0)
    today = _dt.date.today().strftime("%m/%d/%y")
    lines = [
        ">HEAD",
        f'  DATAID="{station}"',
        '  ACQBY="geoexplore"',
        f"  FILEDATE={today}",
        *([f"  LAT={_dms(lat)}"] if np.isfinite(lat) else []),
        *([f"  LONG={_dms(lon)}"] if np.isfinite(lon) else []),
        *([f"  ELEV={elev:.2f}"] if np.isfinite(elev) else []),
        '  STDVERS="SEG 1.0"',
        '  PROGVERS="geoexplore"',
        "  EMPTY=1.0E32",
        "",
        ">INFO",
        f"  GEOEXPLORE.SOURCE=\"{str(a.get('source', ''))[:200]}\"",
        f"  GEOEXPLORE.SYNTHETIC={int(a.get('synthetic', 0))}",
    ]
    if np.isfinite(float(a.get("chainage_m", np.nan))):
        lines.append(f"  GEOEXPLORE.CHAINAGE_M={float(a['chainage_m']):.3f}")
    if int(a.get("synthetic", 0)):
        lines.append("  SYNTHETIC DATA: computed from a model, not measured")
    lines += [
        "",
        ">=DEFINEMEAS",
        "  MAXCHAN=5",
        "  MAXRUN=999",
        "  MAXMEAS=9999",
        "  UNITS=M",
        "  REFTYPE=CART",
        f"  REFLAT={_dms(lat)}",
        f"  REFLONG={_dms(lon)}",
        f"  REFELEV={0.0 if not np.isfinite(elev) else elev:.2f}",
        "",
        f">HMEAS ID=1001.001 CHTYPE=HX X=0.0 Y=0.0 Z=0.0 AZM={rot:.2f}",
        f">HMEAS ID=1002.001 CHTYPE=HY X=0.0 Y=0.0 Z=0.0 AZM={rot + 90:.2f}",
        f">HMEAS ID=1003.001 CHTYPE=HZ X=0.0 Y=0.0 Z=0.0 AZM={0.0:.2f}",
        f">EMEAS ID=1004.001 CHTYPE=EX X=-50.0 Y=0.0 Z=0.0 X2=50.0 Y2=0.0 AZM={rot:.2f}",
        f">EMEAS ID=1005.001 CHTYPE=EY X=0.0 Y=-50.0 Z=0.0 X2=0.0 Y2=50.0 AZM={rot + 90:.2f}",
        "",
        ">=MTSECT",
        f'  SECTID="{station}"',
        f"  NFREQ={n}",
        "  HX=1001.001",
        "  HY=1002.001",
        "  HZ=1003.001",
        "  EX=1004.001",
        "  EY=1005.001",
        "",
    ]
    lines += _block("FREQ", 1.0 / period, "ORDER=DEC")
    lines += _block("ZROT", np.full(n, rot))
    for i, comp in enumerate(("XX", "XY", "YX", "YY")):
        zz = z[:, i // 2, i % 2]
        lines += _block(f"Z{comp}R", zz.real, "ROT=ZROT")
        lines += _block(f"Z{comp}I", zz.imag, "ROT=ZROT")
        lines += _block(f"Z{comp}.VAR", ze[:, i // 2, i % 2] ** 2, "ROT=ZROT")
    if np.isfinite(t).any():
        lines += _block("TROT", np.full(n, rot))
        for k, c in enumerate(("X", "Y")):
            lines += _block(f"T{c}R.EXP", t[:, 0, k].real, "ROT=TROT")
            lines += _block(f"T{c}I.EXP", t[:, 0, k].imag, "ROT=TROT")
            lines += _block(f"T{c}VAR.EXP", te[:, 0, k] ** 2, "ROT=TROT")
    lines += [">END", ""]
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text("\n".join(lines))
    return p


# -- format plug-in (geoexplore.core.formats) -----------------------------------------
NAME = "edi"
EXTENSIONS = (".edi",)


def can_read(path: str | os.PathLike[str]) -> bool:
    """True if the first block of a text file is ``>HEAD`` (``>!`` comments and blank lines skipped)."""
    lines = head_lines(path, n_lines=200)
    if lines is None:
        return False
    for ln in lines:
        s = ln.strip()
        if not s or s.startswith(">!"):
            continue
        return s.upper().startswith(">HEAD")
    return False


def read(path: str | os.PathLike[str], **kwargs: Any) -> Any:
    """Plug-in reader: :func:`read_edi`."""
    return read_edi(path, **kwargs)


def write(obj: Any, path: str | os.PathLike[str], **kwargs: Any) -> Path:
    """Plug-in writer: :func:`write_edi`."""
    return write_edi(obj, path, **kwargs)
