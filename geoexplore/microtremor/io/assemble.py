"""Traces of any reader -> one checked :class:`~geoexplore.microtremor.record.Record` (shared by every record format).

Every record reader hands its traces ``(channel code, start epoch s,
sampling rate Hz, samples)`` to :func:`assemble_record`, which finds the
components, checks the rates, cuts the channels to their common span, fills
gaps and flags bad samples (the rules are listed in
:mod:`geoexplore.microtremor.io`). :func:`rotate_to_north` turns horizontals
recorded with a rotated sensor to north/east.
"""

from __future__ import annotations

import numpy as np

from geoexplore.core.errors import FileFormatError
from geoexplore.core.rotation import rotate_components
from geoexplore.microtremor.record import COMPONENTS, Record

__all__ = ["Trace", "assemble_record", "rotate_to_north"]

#: one piece of one channel as a reader gives it: (channel code, start epoch s, sampling rate Hz, samples)
Trace = tuple[str, float, float, np.ndarray]


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


def assemble_record(path: str, traces: list[Trace], *, station: str,
                    channels: dict[str, str] | None, expected_fs_hz: float | None) -> Record:
    """One checked record from the traces of one or several files.

    Parameters
    ----------
    path : str
        The file (or the files, comma-separated) named in errors and kept in ``Record.path``.
    traces : list of (str, float, float, ndarray)
        (channel code, start epoch s, sampling rate Hz, samples) of every piece of every channel.
    station : str
    channels : dict, optional
        Component letter -> channel code (overrides the orientation from the code's last letter).
    expected_fs_hz : float, optional
        Raise if the header sampling rate (Hz) differs.

    Raises
    ------
    FileFormatError
        Naming the file and the channel.
    """
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



def rotate_to_north(rec: Record, north_rot_deg: float) -> Record:
    """Rotate horizontals recorded with the N sensor at ``north_rot_deg`` (degrees clockwise from north) to north/east.

    The sensor frame is the geographic frame turned clockwise by
    ``north_rot_deg``; going back to north/east is the rotation by
    ``-north_rot_deg`` (:func:`geoexplore.core.rotation.rotate_components`).
    """
    if not north_rot_deg:
        return rec
    rec.data[0], rec.data[1] = rotate_components(rec.data[0].copy(), rec.data[1].copy(), -north_rot_deg)
    rec.notes.append(f"NORTH_ROT = {north_rot_deg:g} deg: horizontals rotated to north/east")
    return rec
