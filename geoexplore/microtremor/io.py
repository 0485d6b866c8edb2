"""Reading 3-component microtremor records: miniSEED and SAC (via ObsPy), Geopsy SAF (own parser).

:func:`read_record` returns a :class:`Record` with the components in the
order north, east, vertical on one common time base. Problems are handled
so a batch can go on:

* unreadable / corrupt file, a missing component, a dead (constant) channel,
  channels with different sampling rates, or a rate that differs from the
  expected one: :class:`~geoexplore.core.errors.FileFormatError` naming the
  file and the channel;
* gaps inside a channel: filled with zeros and flagged ("gap"), windows that
  touch them are rejected and counted;
* unequal channel lengths: cut to the common time span; the note gives each
  channel's original span and the seconds lost (``Record.span_s``), and the
  windows lost are counted as ``unequal_lengths``;
* a near-dead channel (fewer than 8 distinct values, e.g. +-1 count of
  digitizer noise, or an RMS below 1e-3 of the other channels'):
  :class:`FileFormatError` naming the channel;
* a header sampling rate that contradicts the trace start times (a channel
  in >= 3 pieces whose start times all imply one other rate):
  :class:`FileFormatError`. A single-piece trace (SAC, SAF, continuous
  miniSEED) carries no such check: ``expected_fs_hz`` is then the guard;
* clipped samples (runs of >= 3 samples at the channel's extreme value):
  flagged ("clipped"); partially dead stretches (>= 1 s constant): flagged
  ("dead").

Orientation comes from the channel code's last letter (Z/N/E, or 1/2 for
north/east, noted) unless a ``channels`` mapping is given.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from geoexplore.core.errors import FileFormatError
from geoexplore.core.obspyfiles import mseed_problem_position, obspy_is_format, sac_problem_position

__all__ = ["Record", "read_record", "read_saf", "write_saf", "record_from_arrays", "write_miniseed"]

COMPONENTS = ("N", "E", "Z")


@dataclass
class Record:
    """A 3-component record.

    Attributes
    ----------
    data : ndarray, shape (3, nsamp)
        North, east, vertical (float64, counts or physical units).
    fs_hz : float
    station : str
    starttime : str
        ISO time of the first sample (UTC).
    path : str
    channels : dict
        Component letter -> source channel code.
    flags : dict
        Reason -> bool array (nsamp,) of bad samples.
    notes : list of str
        What was repaired (trimmed, gap-filled, renamed components).
    span_s : float
        Time span of the longest channel before the cut to the common span
        (equals ``duration_s`` when the channels agree); the windows lost to
        the cut are counted by :func:`~geoexplore.microtremor.process.process_record`.
    """

    data: np.ndarray
    fs_hz: float
    station: str = ""
    starttime: str = ""
    path: str = ""
    channels: dict[str, str] = field(default_factory=dict)
    flags: dict[str, np.ndarray] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    span_s: float | None = None

    @property
    def n_samples(self) -> int:
        return int(self.data.shape[1])

    @property
    def duration_s(self) -> float:
        return self.n_samples / self.fs_hz


def record_from_arrays(north: np.ndarray, east: np.ndarray, vertical: np.ndarray, fs_hz: float, station: str = "SYN") -> Record:
    """A :class:`Record` from three equal-length arrays."""
    d = np.stack([np.asarray(north, float), np.asarray(east, float), np.asarray(vertical, float)])
    return Record(d, float(fs_hz), station=station, channels={"N": "N", "E": "E", "Z": "Z"})


# -- SAF ------------------------------------------------------------------------
_SAF_MAGIC = "SESAME ASCII data format"


def read_saf(path: str | os.PathLike[str]) -> dict:
    """Parse a SESAME ASCII format (SAF) file.

    Returns a dict with ``header`` (key -> str), ``fs_hz``, ``starttime``
    (normalised to 'YYYY MM DD hh mm ss.ssssss', see :func:`_saf_start_time`),
    ``north_rot_deg`` (NORTH_ROT: azimuth of the N column, degrees clockwise
    from north; 0 when absent), ``station``, ``channels`` (ids in column
    order) and ``data`` (ncol, nsamp).
    """
    p = os.fspath(path)
    try:
        raw = Path(p).read_bytes()
    except OSError as exc:
        raise FileFormatError(p, f"cannot read: {exc.strerror}") from None
    text = raw.decode("latin-1")
    lines = text.splitlines()
    if not lines or _SAF_MAGIC.lower() not in lines[0].lower():
        raise FileFormatError(p, f"not a SAF file (first line must start with '{_SAF_MAGIC}')", position="line 1")
    header: dict[str, str] = {}
    key_line: dict[str, int] = {}
    k = 1
    while k < len(lines) and not lines[k].lstrip().startswith("####"):
        line = lines[k]
        if "=" in line:
            key, val = line.split("=", 1)
            header[key.strip().upper()] = val.strip()
            key_line[key.strip().upper()] = k + 1
        k += 1
    if k >= len(lines):
        raise FileFormatError(p, "no '####' line ending the header", position=f"line {len(lines)}")
    for key in ("SAMP_FREQ", "NDAT"):
        if key not in header:
            raise FileFormatError(p, f"header key {key} missing", position="header")
    try:
        fs = float(header["SAMP_FREQ"])
        ndat = int(float(header["NDAT"]))
    except ValueError:
        raise FileFormatError(p, f"SAMP_FREQ/NDAT not numbers: {header['SAMP_FREQ']!r}, {header['NDAT']!r}", position="header") from None
    if not fs > 0 or ndat <= 0:
        raise FileFormatError(p, f"SAMP_FREQ must be > 0 and NDAT > 0, got {fs}, {ndat}", position="header")
    chans = [header.get(f"CH{i}_ID", c) for i, c in enumerate(("V", "N", "E"))]
    body = lines[k + 1:]
    if len(body) < ndat:
        raise FileFormatError(p, f"NDAT = {ndat} but only {len(body)} data lines", position=f"line {len(lines)}")
    body = body[:ndat]
    try:
        arr = np.loadtxt(body, dtype=float, ndmin=2)
    except ValueError:
        for j, line in enumerate(body):
            try:
                v = [float(t) for t in line.split()]
                if len(v) != 3:
                    raise ValueError
            except ValueError:
                raise FileFormatError(p, f"data line is not 3 numbers: {line.strip()[:40]!r}", position=f"line {k + 2 + j}") from None
        raise FileFormatError(p, "bad data block", position=f"line {k + 2}") from None
    if arr.shape[1] != 3:
        raise FileFormatError(p, f"expected 3 data columns, got {arr.shape[1]}", position=f"line {k + 2}")
    st = _saf_start_time(p, header.get("START_TIME", ""), key_line.get("START_TIME", 0))
    north_rot = 0.0
    if header.get("NORTH_ROT", "").strip():
        try:
            north_rot = float(header["NORTH_ROT"].split()[0])
        except ValueError:
            raise FileFormatError(p, f"NORTH_ROT not a number of degrees: {header['NORTH_ROT']!r}",
                                  position=f"line {key_line['NORTH_ROT']}") from None
    return {"header": header, "north_rot_deg": north_rot, "fs_hz": fs, "starttime": st, "station": header.get("STA_CODE", Path(p).stem), "channels": chans, "data": arr.T}


_MONTHS = {m: i + 1 for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))}


def _saf_start_time(path: str, text: str, line: int) -> str:
    """START_TIME in the SAF layout 'YYYY MM DD hh mm ss.ssssss' from the variants Geopsy and SESAME files use.

    Accepted: 'YYYY MM DD hh mm ss.sss' (any of space - / : T as
    separators, ISO 8601 with a trailing Z), 'DDMonYYYY_hhmmss[.sss]'
    (e.g. '20May2019_131046'), 'YYYYMMDD[_T]hhmmss[.sss]'. Anything else is
    a :class:`FileFormatError` at the header line.
    """
    t = text.strip()
    if not t:
        return ""
    m = re.fullmatch(r"(\d{1,2})([A-Za-z]{3})(\d{4})[_T\s-]?(\d{2})(\d{2})(\d{2}(?:\.\d*)?)", t)
    if m and m.group(2).lower() in _MONTHS:
        v = [m.group(3), str(_MONTHS[m.group(2).lower()]), m.group(1), m.group(4), m.group(5), m.group(6)]
    elif m2 := re.fullmatch(r"(\d{4})(\d{2})(\d{2})[_T\s-]?(\d{2})(\d{2})(\d{2}(?:\.\d*)?)", t):
        v = list(m2.groups())
    else:
        v = re.split(r"[\sT:/_-]+", t.rstrip("Zz"))
    try:
        y, mo, d, h, mi = (int(x) for x in v[:5])
        sec = float(v[5]) if len(v) > 5 else 0.0
        if len(v) > 6 or not 0.0 <= sec < 61.0:
            raise ValueError
        from datetime import datetime

        datetime(y, mo, d, h, mi)  # validates the calendar values
    except (ValueError, IndexError, OverflowError):
        raise FileFormatError(path, f"START_TIME not understood: {text!r} (expected 'YYYY MM DD hh mm ss.sss', "
                              "'20May2019_131046' or ISO 8601)", position=f"line {line}" if line else "header") from None
    return f"{y:04d} {mo:02d} {d:02d} {h:02d} {mi:02d} {sec:09.6f}"


def write_saf(path: str | os.PathLike[str], record: Record, units: str = "counts", north_rot_deg: float = 0.0) -> Path:
    """Write a :class:`Record` as SAF (columns V N E); ``north_rot_deg`` is written as NORTH_ROT (the data are not rotated)."""
    p = Path(path)
    head = [
        f"{_SAF_MAGIC} (saf) v. 1   (this line must not be modified)",
        f"STA_CODE = {record.station}",
        f"START_TIME = {_saf_start_time(str(p), record.starttime, 0) if record.starttime else '1970 01 01 00 00 00.000'}",
        f"NORTH_ROT = {north_rot_deg:g}",
        f"SAMP_FREQ = {record.fs_hz:g}",
        f"NDAT = {record.n_samples}",
        "CH0_ID = V", "CH1_ID = N", "CH2_ID = E", f"UNITS = {units}",
        "####--------------------------------------------",
    ]
    d = record.data[[2, 0, 1]].T
    body = "\n".join(" ".join(f"{v:.7g}" for v in row) for row in d)
    p.write_text("\n".join(head) + "\n" + body + "\n")
    return p


# -- component handling -----------------------------------------------------------
def _component_of(code: str, mapping: dict[str, str] | None) -> str | None:
    if mapping:
        for comp, ch in mapping.items():
            if code == ch or code.endswith(ch):
                return comp
        return None
    last = code.strip()[-1:].upper() if code.strip() else ""
    return {"Z": "Z", "N": "N", "E": "E", "1": "N", "2": "E", "V": "Z"}.get(last)


def _flag_clipped(x: np.ndarray, run: int = 3) -> np.ndarray:
    amax = np.max(np.abs(x))
    if amax == 0:
        return np.zeros(x.shape, bool)
    at = np.abs(x) >= amax * (1 - 1e-9)
    if at.sum() < run:
        return np.zeros(x.shape, bool)
    c = np.convolve(at.astype(int), np.ones(run, int), mode="same")
    core = c >= run
    # grow the runs back to their full extent
    return np.convolve(core.astype(int), np.ones(run, int), mode="same") > 0 if core.any() else core


def _flag_dead(x: np.ndarray, n: int) -> np.ndarray:
    """Samples inside stretches of >= n equal consecutive values."""
    if x.size < n:
        return np.zeros(x.shape, bool)
    same = np.r_[False, np.diff(x) == 0]
    # run lengths of 'same'
    idx = np.flatnonzero(np.diff(np.r_[0, same.astype(np.int8), 0]))
    out = np.zeros(x.shape, bool)
    for a, b in zip(idx[::2], idx[1::2]):
        if b - a + 1 >= n:
            out[max(a - 1, 0):b] = True
    return out


def _implied_rate(pieces: list[tuple[str, float, float, np.ndarray]]) -> float | None:
    """The sampling rate the start times of >= 3 pieces of one channel imply, if they all agree (else None).

    A logger with a wrong header rate stamps each record with its clock time,
    so consecutive pieces leave gaps (rate too high) or overlap (too low) in
    proportion to their length; real gaps are not proportional.
    """
    if len(pieces) < 3:
        return None
    ps = sorted(pieces, key=lambda t: t[1])
    rates = np.array([len(a[3]) / (b[1] - a[1]) if b[1] > a[1] else np.nan for a, b in zip(ps[:-1], ps[1:])])
    if not np.all(np.isfinite(rates)) or np.ptp(rates) > 0.01 * np.median(rates):
        return None
    return float(np.median(rates))


def _near_dead(x: np.ndarray, others_rms: float) -> str | None:
    """Why a channel is (near) dead, or None: few distinct values or an RMS far below the other channels'."""
    nvals = np.unique(x).size
    if nvals < 8:
        return f"near-dead channel: only {nvals} distinct values ({x.min():g} to {x.max():g}) in {x.size} samples"
    rms = float(np.std(x))
    if others_rms > 0 and rms < 1e-3 * others_rms:
        return f"near-dead channel: RMS {rms:.3g} is {rms / others_rms:.1e} of the other channels' ({others_rms:.3g})"
    return None


def _assemble(path: str, traces: list[tuple[str, float, float, np.ndarray]], *, station: str,
              channels: dict[str, str] | None, expected_fs_hz: float | None) -> Record:
    """traces: (channel code, start epoch s, fs Hz, samples)."""
    notes: list[str] = []
    by: dict[str, list[tuple[str, float, float, np.ndarray]]] = {}
    for code, t0, fs, x in traces:
        comp = _component_of(code, channels)
        if comp is None:
            continue
        if code[-1:] in "12" and not channels:
            notes.append(f"channel {code} taken as {comp}")
        by.setdefault(comp, []).append((code, t0, fs, x))
    have = sorted({t[0] for t in traces})
    for comp in COMPONENTS:
        if comp not in by:
            raise FileFormatError(path, f"no {'north' if comp == 'N' else 'east' if comp == 'E' else 'vertical'} component (channels in file: {', '.join(have) or 'none'})", position=f"channel {comp}")
    rates = {comp: {round(t[2], 9) for t in by[comp]} for comp in COMPONENTS}
    for comp in COMPONENTS:
        if len(rates[comp]) > 1:
            raise FileFormatError(path, f"sampling rate changes within the channel: {sorted(rates[comp])} Hz", position=f"channel {by[comp][0][0]}")
    fs_set = {next(iter(rates[c])) for c in COMPONENTS}
    if len(fs_set) > 1:
        desc = ", ".join(f"{by[c][0][0]} {next(iter(rates[c])):g} Hz" for c in COMPONENTS)
        odd = [c for c in COMPONENTS if sum(next(iter(rates[c])) == next(iter(rates[o])) for o in COMPONENTS) == 1]
        where = by[odd[0]][0][0] if odd else by["N"][0][0]
        raise FileFormatError(path, f"channels have different sampling rates in their headers ({desc})", position=f"channel {where}")
    fs = float(fs_set.pop())
    if expected_fs_hz is not None and abs(fs - expected_fs_hz) > 1e-6 * expected_fs_hz:
        raise FileFormatError(path, f"header sampling rate {fs:g} Hz differs from the expected {expected_fs_hz:g} Hz", position=f"channel {by['Z'][0][0]}")
    for comp in COMPONENTS:
        imp = _implied_rate(by[comp])
        if imp is not None and abs(imp / fs - 1) > 0.01:
            raise FileFormatError(path, f"header sampling rate {fs:g} Hz contradicts the start times of its {len(by[comp])} "
                                  f"pieces, which imply {imp:.4g} Hz", position=f"channel {by[comp][0][0]}")
    dt = 1.0 / fs
    # common span
    starts = {c: min(t[1] for t in by[c]) for c in COMPONENTS}
    ends = {c: max(t[1] + (len(t[3]) - 1) * dt for t in by[c]) for c in COMPONENTS}
    t0, t1 = max(starts.values()), min(ends.values())
    if t1 <= t0:
        raise FileFormatError(path, "the three components do not overlap in time", position=f"channel {by['Z'][0][0]}")
    span = max(ends.values()) - min(starts.values()) + dt
    if t1 - t0 + dt < span - 0.5 * dt:
        ref = min(starts.values())
        spans = ", ".join(f"{by[c][0][0]} {starts[c] - ref:.2f}-{ends[c] + dt - ref:.2f} s" for c in COMPONENTS)
        notes.append(f"unequal channel spans ({spans}): cut to the common span {t0 - ref:.2f}-{t1 + dt - ref:.2f} s "
                     f"({t1 - t0 + dt:.2f} s), {span - (t1 - t0 + dt):.2f} s of the longest channel lost")
    n = int(np.floor((t1 - t0) * fs + 1e-6)) + 1
    data = np.zeros((3, n))
    gap = np.ones(n, bool)
    for i, c in enumerate(COMPONENTS):
        filled = np.zeros(n, bool)
        for code, ts, _, x in sorted(by[c], key=lambda t: t[1]):
            k0 = int(round((ts - t0) * fs))
            a, b = max(k0, 0), min(k0 + len(x), n)
            if b <= a:
                continue
            data[i, a:b] = np.asarray(x, float)[a - k0:b - k0]
            filled[a:b] = True
        gap &= filled
    gap = ~gap
    if gap.any():
        notes.append(f"gaps: {int(gap.sum())} samples missing ({gap.sum() / fs:.2f} s), windows touching them are rejected")
    flags: dict[str, np.ndarray] = {}
    if gap.any():
        flags["gap"] = gap
    clip = np.zeros(n, bool)
    dead = np.zeros(n, bool)
    for i, c in enumerate(COMPONENTS):
        x = data[i][~gap]
        code = by[c][0][0]
        if x.size and np.all(x == x[0]):
            raise FileFormatError(path, "dead channel: every sample has the same value", position=f"channel {code}")
        others = [float(np.std(data[j][~gap])) for j in range(3) if j != i]
        why = _near_dead(x, float(np.median(others)))
        if why:
            raise FileFormatError(path, why, position=f"channel {code}")
        cl = np.zeros(n, bool)
        cl[~gap] = _flag_clipped(x)
        if cl.any():
            notes.append(f"channel {code}: {int(cl.sum())} clipped samples")
        clip |= cl
        de = np.zeros(n, bool)
        de[~gap] = _flag_dead(x, max(int(fs), 10))
        if de.any():
            notes.append(f"channel {code}: {int(de.sum())} samples in dead (constant) stretches")
        dead |= de
    if clip.any():
        flags["clipped"] = clip
    if dead.any():
        flags["dead"] = dead
    from datetime import datetime, timezone

    iso = datetime.fromtimestamp(t0, tz=timezone.utc).isoformat().replace("+00:00", "Z")
    return Record(data, fs, station=station, starttime=iso, path=path,
                  channels={c: by[c][0][0] for c in COMPONENTS}, flags=flags, notes=notes, span_s=float(span))


def _rotate_to_north(rec: Record, north_rot_deg: float) -> Record:
    """Rotate horizontals recorded with the N sensor at ``north_rot_deg`` (clockwise from north) to north/east."""
    if not north_rot_deg:
        return rec
    a = np.deg2rad(north_rot_deg)
    n, e = rec.data[0].copy(), rec.data[1].copy()
    rec.data[0] = n * np.cos(a) - e * np.sin(a)
    rec.data[1] = n * np.sin(a) + e * np.cos(a)
    rec.notes.append(f"NORTH_ROT = {north_rot_deg:g} deg: horizontals rotated to north/east")
    return rec


def read_record(
    path: str | os.PathLike[str] | list,
    *,
    channels: dict[str, str] | None = None,
    expected_fs_hz: float | None = None,
    station: str | None = None,
) -> Record:
    """Read a 3-component record (miniSEED, SAC, SAF; by content, not by name).

    Parameters
    ----------
    path : str, PathLike or list of them
        A miniSEED or SAC file holding the three components, or a SAF file;
        or several files (a list, or a glob pattern such as
        ``"STN01.*.SAC"``) that together hold them (one SAC file per channel).
    channels : dict, optional
        ``{"N": "HH1", "E": "HH2", "Z": "HHZ"}`` to override orientation by channel code.
    expected_fs_hz : float, optional
        Raise if the header sampling rate differs.

    Raises
    ------
    FileFormatError
        Naming the file and the channel (see module docstring).
    """
    if isinstance(path, (list, tuple)) or (any(ch in os.fspath(path) for ch in "*?[") and not os.path.isfile(path)):
        return _read_many(path, channels=channels, expected_fs_hz=expected_fs_hz, station=station)
    p = os.fspath(path)
    if not os.path.isfile(p):
        raise FileFormatError(p, "no such file")
    with open(p, "rb") as fh:
        head = fh.read(64)
    if head.lower().startswith(_SAF_MAGIC.lower().encode()):
        saf = read_saf(p)
        traces = [(cid, _saf_epoch(p, saf["starttime"]), saf["fs_hz"], saf["data"][i]) for i, cid in enumerate(saf["channels"])]
        rec = _assemble(p, traces, station=station or saf["station"], channels=channels, expected_fs_hz=expected_fs_hz)
        return _rotate_to_north(rec, saf["north_rot_deg"])
    traces, sta = _obspy_traces(p)
    name = station or sta or Path(p).stem
    return _assemble(p, traces, station=name, channels=channels, expected_fs_hz=expected_fs_hz)


def _obspy_traces(p: str) -> tuple[list, str]:
    """(channel code, start epoch s, fs Hz, samples) of every trace ObsPy reads from ``p``, and the station code."""
    import warnings

    import obspy

    fmt = _obspy_format(p)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # The format is always named: ObsPy's guessing tries its PICKLE
            # plug-in, which unpickles (runs code from) whatever file it is given.
            st = obspy.read(p, format=fmt)
    except MemoryError:  # a resource limit, not a corrupt file: never turned into a file error
        raise
    except Exception as exc:  # obspy raises many types for corrupt files
        where = sac_problem_position(p) if fmt == "SAC" else mseed_problem_position(p)
        raise FileFormatError(p, f"not a readable {fmt} file ({type(exc).__name__}: {str(exc)[:200]})",
                              position=where) from None
    if len(st) == 0:
        raise FileFormatError(p, "no traces")
    traces = []
    for k, tr in enumerate(st):
        fs = float(tr.stats.sampling_rate)
        if not np.isfinite(fs) or fs <= 0:
            raise FileFormatError(p, f"invalid sampling rate {fs}", position=f"channel {tr.stats.channel} (trace {k})")
        code = tr.stats.channel or tr.stats.get("sac", {}).get("kcmpnm", "") or f"trace{k}"
        traces.append((code, float(tr.stats.starttime.timestamp), fs, np.asarray(tr.data, float)))
    return traces, str(st[0].stats.station or "")


def _obspy_format(p: str) -> str:
    """"MSEED" or "SAC" by the file's bytes (never ObsPy's own guessing: see :func:`_obspy_traces`)."""
    for name in ("MSEED", "SAC"):
        if obspy_is_format(p, name):
            return name
    raise FileFormatError(p, "not a miniSEED, SAC or SAF file (no valid miniSEED record header, no SAC header)",
                          position=mseed_problem_position(p))


def _read_many(paths, *, channels, expected_fs_hz, station) -> Record:
    """One record from several files (a list or a glob pattern), e.g. one SAC file per channel."""
    import glob

    if isinstance(paths, (list, tuple)):
        files = [os.fspath(x) for x in paths]
        label = ",".join(files)
    else:
        label = os.fspath(paths)
        files = sorted(glob.glob(label))
    if not files:
        raise FileFormatError(label, "no file matches")
    traces: list = []
    name = ""
    for f in files:
        if not os.path.isfile(f):
            raise FileFormatError(f, "no such file")
        tr, sta = _obspy_traces(f)
        traces += tr
        name = name or sta
    return _assemble(label, traces, station=station or name or Path(files[0]).stem, channels=channels,
                     expected_fs_hz=expected_fs_hz)


def _saf_epoch(path: str, text: str) -> float:
    """START_TIME as epoch seconds: SAF's 'YYYY MM DD hh mm ss.sss' or ISO 8601 (what a Record's starttime holds)."""
    if not text:
        return 0.0
    from datetime import datetime, timezone

    v = re.split(r"[\sT:/-]+", text.strip().rstrip("Zz"))
    try:
        y, mo, d, h, mi = (int(x) for x in v[:5])
        s = float(v[5]) if len(v) > 5 else 0.0
        if not 0.0 <= s < 61.0:
            raise ValueError(s)
        return datetime(y, mo, d, h, mi, tzinfo=timezone.utc).timestamp() + s
    except (ValueError, IndexError, OverflowError):
        raise FileFormatError(path, f"START_TIME not 'YYYY MM DD hh mm ss.sss' or ISO 8601: {text!r}",
                              position="header key START_TIME") from None


def write_miniseed(path: str | os.PathLike[str], record: Record, *, network: str = "XX", location: str = "",
                   band: str = "H", encoding: str = "FLOAT32") -> Path:
    """Write a :class:`Record` as one miniSEED file with channels <band>H{N,E,Z}."""
    import obspy

    st = obspy.Stream()
    t0 = obspy.UTCDateTime(record.starttime) if record.starttime else obspy.UTCDateTime(0)
    for i, c in enumerate(COMPONENTS):
        tr = obspy.Trace(record.data[i].astype(np.float32 if encoding == "FLOAT32" else np.int32))
        tr.stats.network, tr.stats.station, tr.stats.location = network, record.station[:5], location
        tr.stats.channel = f"{band}H{c}"
        tr.stats.sampling_rate = record.fs_hz
        tr.stats.starttime = t0
        st.append(tr)
    st.write(os.fspath(path), format="MSEED", encoding=encoding)
    return Path(path)
