"""``geoexplore mt ...``: the magnetotelluric command group.

* ``mt tf LOCAL [--remote REMOTE] --out DIR [--settings FILE]``: robust
  transfer functions from a time-series file, written as ``DIR/<station>.edi``;
* ``mt info FILE...``: station, coordinates, periods, components and apparent
  resistivity/phase at a few periods of EDI / Z-file / EMTF-XML files; a
  malformed file gives one line naming the file and the block, the others
  are still listed (exit 3 if some failed, 1 if all failed);
* ``mt invert1d EDI... --out DIR``: Occam 1D inversion of each station
  (:mod:`geoexplore.mt.cli_inversion`: ``DIR/<station>_1d.nc``, ``.csv``, ``.png``).

The 2D inversion runs through a workflow (step ``mt.invert2d``).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from geoexplore.core.errors import EXIT_ERROR, EXIT_OK, EXIT_PARTIAL
from geoexplore.mt.cli_inversion import add_subcommands


def cmd_tf(args: argparse.Namespace) -> int:
    from pathlib import Path

    from geoexplore.core.yamlio import load_settings_file
    from geoexplore.mt.io import read_timeseries
    from geoexplore.mt.io.edi import write_edi
    from geoexplore.mt.processing import estimate_tf
    from geoexplore.mt.settings import ProcessingSettings

    settings = load_settings_file(args.settings, ProcessingSettings)
    layout = {k: v for k, v in (("sample_rate_hz", args.sample_rate_hz),
                                ("columns", tuple(c.strip() for c in args.columns.split(",")) if args.columns else None))
              if v is not None}  # for bare ASCII columns only: the other formats state these themselves
    local_layout = dict(layout)
    if getattr(args, "sidecar", None):  # the local station's side-car kept elsewhere; the remote reads its own
        from geoexplore.core.yamlio import load_yaml
        from geoexplore.mt.io.sidecar import check_sidecar

        local_layout["metadata"] = load_yaml(args.sidecar)
        check_sidecar(Path(args.sidecar), local_layout["metadata"])
    local = read_timeseries(args.local, **local_layout)
    remote = read_timeseries(args.remote, **layout) if args.remote else None
    ds = estimate_tf(local, remote, settings)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    name = ds.attrs.get("station") or Path(args.local).stem
    p = write_edi(ds, out / f"{name}.edi")
    per = ds["period_s"].values
    dropped = ds.attrs.get("dropped_period_s", [])
    print(
        f"{args.local}: station {name}, {per.size} periods {per.min():.4g}-{per.max():.4g} s"
        f"{' (remote ' + str(ds.attrs.get('remote_station')) + ')' if remote is not None else ''}, "
        f"{len(dropped)} band(s) dropped for lack of data -> {p}",
        flush=True,
    )
    return EXIT_OK


def _info_lines(path: str, n_show: int) -> list[str]:
    import numpy as np

    from geoexplore.mt.io import read_tf
    from geoexplore.mt.tfdata import apparent_resistivity, phase_deg

    ds = read_tf(path)
    a = ds.attrs
    per = ds["period_s"].values
    z = ds["z"].values
    comps = [f"z{o[1]}{i[1]}" for o in ("ex", "ey") for i in ("hx", "hy")]
    comps = [c for c, v in zip(comps, np.isfinite(z).reshape(z.shape[0], 4).any(axis=0)) if v]
    if np.isfinite(ds["t"].values).any():
        comps += ["tzx", "tzy"]
    lines = [
        f"{path}: station {a.get('station', '')} lat {a.get('lat_deg', float('nan')):.6f} lon {a.get('lon_deg', float('nan')):.6f} "
        f"elev {a.get('elevation_m', float('nan')):.1f} m, {per.size} periods {per.min():.4g}-{per.max():.4g} s, "
        f"components {' '.join(comps)}" + (", SYNTHETIC" if int(a.get("synthetic", 0) or 0) else "")
    ]
    idx = np.unique(np.round(np.linspace(0, per.size - 1, min(n_show, per.size))).astype(int))
    for i in idx:
        rxy = apparent_resistivity(z[i, 0, 1], per[i])
        ryx = apparent_resistivity(z[i, 1, 0], per[i])
        lines.append(
            f"    T={per[i]:10.4g} s  rho_xy={float(rxy):10.4g} ohm-m phi_xy={float(phase_deg(z[i, 0, 1])):7.1f} deg"
            f"  rho_yx={float(ryx):10.4g} ohm-m phi_yx={float(phase_deg(z[i, 1, 0])):7.1f} deg"
        )
    return lines


def cmd_info(args: argparse.Namespace) -> int:
    from geoexplore.core.errors import FileFormatError, GeoexploreError

    failed = 0
    for path in args.files:
        try:
            lines = _info_lines(path, args.periods)
        except GeoexploreError as exc:
            failed += 1
            msg = str(exc) if isinstance(exc, FileFormatError) else f"{path}: {exc}"
            print(f"ERROR {msg}", file=sys.stderr, flush=True)
            continue
        print("\n".join(lines), flush=True)
    if failed == 0:
        return EXIT_OK
    return EXIT_ERROR if failed == len(args.files) else EXIT_PARTIAL


def add_commands(sub: Any) -> None:
    """Create the ``mt`` group with ``tf``, ``info`` and ``invert1d``."""
    p = sub.add_parser("mt", help="magnetotellurics: transfer functions from time series, EDI files, inversion")
    group = p.add_subparsers(dest="mt_command", metavar="MT_COMMAND")
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])

    q = group.add_parser("tf", help="robust transfer functions from 5-channel time series -> DIR/<station>.edi")
    q.add_argument("local", metavar="LOCAL", help="time series of the station (.asc/.txt, .mseed, .h5/.mth5)")
    q.add_argument("--remote", metavar="REMOTE", help="remote-reference station (same sampling rate)")
    q.add_argument("--out", required=True, metavar="DIR", help="output folder")
    q.add_argument("--settings", metavar="FILE", help="YAML or JSON with ProcessingSettings fields")
    q.add_argument("--sample-rate-hz", type=float, default=None,
                   help="ASCII columns without a side-car: their sampling rate (Hz); never assumed")
    q.add_argument("--columns", default=None,
                   help="ASCII columns without a side-car: their channel order, e.g. hx,hy,hz,ex,ey; never assumed")
    q.add_argument("--sidecar", default=None, metavar="YAML",
                   help="ASCII columns: a side-car YAML kept elsewhere (rate, columns, per-channel azimuth_deg, "
                        "scale_factor, dipole_length_m); none of these is assumed")
    q.set_defaults(func=cmd_tf)

    q = group.add_parser("info", help="station, coordinates, periods, components, rho_a/phase of EDI/Z/XML files")
    q.add_argument("files", nargs="+", metavar="FILE")
    q.add_argument("--periods", type=int, default=5, help="how many periods to show per file (default 5)")
    q.set_defaults(func=cmd_info)

    add_subcommands(group)


__all__ = ["add_commands", "cmd_info", "cmd_tf"]
