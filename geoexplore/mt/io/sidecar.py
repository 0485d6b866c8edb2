"""Side-car metadata of time-series files: ``<file>.yaml`` next to an ASCII or miniSEED file.

The side-car carries what the samples do not: station, sampling rate and
column order (ASCII), coordinates, ``chainage_m``, ``synthetic``, SEED
``channel_codes`` and per channel ``azimuth_deg``, ``dipole_length_m``,
``scale_factor`` (required: no orientation or units are assumed, see
:func:`channels_from`). Errors name the YAML file and the key (with its line).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from geoexplore.core.errors import FileFormatError
from geoexplore.mt.tsdata import CHANNELS, Channel


def sidecar_path(p: str | os.PathLike[str]) -> Path | None:
    """The side-car metadata file of a miniSEED file (``<name>.yaml``, else ``<name>.mseed.yaml``), if there is one."""
    p = Path(p)
    for cand in (p.with_suffix(".yaml"), p.with_suffix(p.suffix + ".yaml")):
        if cand.is_file():
            return cand
    return None


def read_sidecar(p: Path) -> dict[str, Any]:
    """The side-car metadata ``<file>.yaml`` of a time-series file ({} when there is none), checked; errors name the YAML file and the key."""
    cand = sidecar_path(p)
    if cand is None:
        return {}
    from geoexplore.core.yamlio import load_yaml

    d = load_yaml(cand)  # positioned FileFormatError on bad bytes or bad YAML
    if not isinstance(d, dict):
        raise FileFormatError(cand, "side-car metadata must be a mapping", position="line 1")
    check_sidecar(cand, d)
    return d


def check_sidecar(path: Path, d: dict[str, Any]) -> None:
    """Types of the side-car keys the readers use (numbers are numbers, mappings are mappings)."""
    from geoexplore.core.yamlio import key_position

    def bad(keys: list[str | int], msg: str) -> FileFormatError:
        return FileFormatError(path, msg, position=key_position(path, keys))

    def number(keys: list[str | int], v: Any) -> None:
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise bad(keys, f"{keys[-1]} must be a number, got {v!r}"[:200])

    for k in ("lat_deg", "lon_deg", "elevation_m", "chainage_m"):
        if k in d:
            number([k], d[k])
    if "synthetic" in d and not isinstance(d["synthetic"], (bool, int)):
        raise bad(["synthetic"], f"synthetic must be 0 or 1, got {d['synthetic']!r}"[:200])
    if "station" in d and not isinstance(d["station"], (str, int)):
        raise bad(["station"], f"station must be a name, got {d['station']!r}"[:200])
    codes = d.get("channel_codes")
    if codes is not None:
        if not isinstance(codes, dict):
            raise bad(["channel_codes"], "channel_codes must map SEED channel codes to components")
        for code, comp in codes.items():
            if not isinstance(code, str) or comp not in CHANNELS:
                raise bad(["channel_codes", str(code)], f"channel_codes: {code!r} -> {comp!r}: components are {', '.join(CHANNELS)}"[:200])
    chans = d.get("channels")
    if chans is not None:
        if not isinstance(chans, dict):
            raise bad(["channels"], "channels must map components to their calibration")
        for comp, m in chans.items():
            if m is None:
                continue
            if not isinstance(m, dict):
                raise bad(["channels", str(comp)], f"channels.{comp} must be a mapping"[:200])
            for k in ("azimuth_deg", "dipole_length_m", "scale_factor"):
                if k in m:
                    number(["channels", str(comp), k], m[k])


def channels_from(columns: list[str], meta: dict[str, Any] | None, path: str, *,
                  code_azimuth: dict[str, float] | None = None, sidecar: Path | None = None) -> tuple[Channel, ...]:
    """The :class:`Channel` of each column from the metadata; nothing is assumed.

    Per channel the metadata (side-car ``channels.<c>``) must state
    ``azimuth_deg`` (unless ``code_azimuth`` has it: a SEED orientation code
    N/E/Z states north/east/vertical), ``scale_factor`` (physical units per
    count: mV for electric, nT for magnetic; 1 when the samples already are
    mV/km and nT) and, for electric channels, ``dipole_length_m`` (0 when the
    samples already are a field in mV/km). ``sidecar``: the side-car file the
    metadata came from; a missing key is then reported against it.

    Raises
    ------
    FileFormatError
        For an unknown channel name, a value that is not a number, or
        metadata that do not state the orientation or units of a channel
        (the message lists every missing key).
    """
    meta = meta or {}
    chmeta = meta.get("channels", {}) or {}
    out, missing = [], []
    for c in columns:
        c = c.lower()
        if c not in CHANNELS:
            raise FileFormatError(path, f"unknown channel '{c}' (expected some of {', '.join(CHANNELS)})", position="header")
        m = chmeta.get(c, {}) or {}
        az = m.get("azimuth_deg", (code_azimuth or {}).get(c))
        need = {"azimuth_deg": az, "scale_factor": m.get("scale_factor")}
        if c.startswith("e"):
            need["dipole_length_m"] = m.get("dipole_length_m")
        missing += [f"{c}.{k}" for k, v in need.items() if v is None]
        if any(v is None for v in need.values()):
            continue
        try:
            out.append(Channel(component=c, azimuth_deg=float(az), dipole_length_m=float(m.get("dipole_length_m", 0.0)),
                               scale_factor=float(m["scale_factor"])))
        except (TypeError, ValueError) as exc:
            raise FileFormatError(path, f"bad metadata for channel {c}: {exc}", position=f"channel {c}") from None
    if missing:
        where = sidecar if sidecar is not None else path
        raise FileFormatError(where, (f"(side-car of {path}) " if sidecar is not None else "") + "the orientation and units of the channels are not stated: missing "
                                    f"{', '.join('channels.' + k for k in missing)} in the side-car or metadata= "
                                    "(azimuth_deg clockwise from north; scale_factor in mV or nT per count, 1 for data "
                                    "already in mV/km and nT; dipole_length_m, 0 for a field already in mV/km); none is assumed",
                              position=f"channel {missing[0].split('.')[0]}")
    return tuple(out)


__all__ = ["channels_from", "check_sidecar", "read_sidecar", "sidecar_path"]
