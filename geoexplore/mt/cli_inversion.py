"""``geoexplore mt invert1d EDI... --out DIR``: Occam 1D inversion of each station (a part of :mod:`geoexplore.mt.cli`).

Writes per station ``DIR/<station>_1d.nc`` (the model and data fit,
see :func:`geoexplore.mt.invert1d.result_dataset`), ``DIR/<station>_1d.csv``
(layer top depth and resistivity) and ``DIR/<station>_1d.png``; prints the
summary of each station (:func:`geoexplore.mt.invert1d.summary`: RMS and
status, why a target was missed, DOI, excluded data, static shift). Options
set :class:`geoexplore.mt.settings.Invert1DSettings` fields (period window,
error floors, iteration limit, bounds, hygiene, static shift). A file that
cannot be read or inverted prints one line naming it and the batch goes on:
exit 0 all ok, 3 some failed, 1 all failed.

The 2D inversion runs through a workflow (step ``mt.invert2d``).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from geoexplore.core.errors import EXIT_ERROR, EXIT_OK, EXIT_PARTIAL


def add_subcommands(group: Any) -> None:
    q = group.add_parser("invert1d", help="Occam 1D inversion of EDI files (one model per station)")
    q.add_argument("files", nargs="+", metavar="EDI", help="transfer-function files (EDI, Z-file, EMTF-XML)")
    q.add_argument("--out", required=True, help="output directory")
    q.add_argument("--settings", help="YAML/JSON file of Invert1DSettings (options given here override it)")
    q.add_argument("--mode", choices=("det", "xy", "yx"), help="data: determinant (default), Zxy or -Zyx")
    q.add_argument("--n-layers", type=int, help="number of layers (default 40)")
    q.add_argument("--target-rms", type=float, help="target RMS (default 1)")
    q.add_argument("--max-iter", type=int, help="Occam iteration limit (default 12)")
    q.add_argument("--period-min", type=float, dest="period_min_s", help="shortest period used (s)")
    q.add_argument("--period-max", type=float, dest="period_max_s", help="longest period used (s)")
    q.add_argument("--floor-rho", type=float, help="relative error floor on apparent resistivity (default 0.05)")
    q.add_argument("--floor-phase", type=float, dest="floor_phase_deg", help="error floor on phase, deg (default 1.43)")
    q.add_argument("--rho-min", type=float, dest="rho_min_ohm_m", help="lower resistivity bound, ohm-m (default 0.1)")
    q.add_argument("--rho-max", type=float, dest="rho_max_ohm_m", help="upper resistivity bound, ohm-m (default 1e5)")
    q.add_argument("--outlier-mad", type=float, help="outlier rule threshold in robust scales (default 5; 0: off)")
    q.add_argument("--keep-out-of-quadrant", action="store_true", help="do not exclude phases outside 0-90 deg")
    q.add_argument("--exclude-period", type=float, action="append", dest="exclude_periods_s", metavar="S",
                   help="exclude this period (s, matched to 1 %%); repeatable")
    q.add_argument("--keep-period", type=float, action="append", dest="keep_periods_s", metavar="S",
                   help="keep this period whatever the hygiene rules say; repeatable")
    q.add_argument("--static-shift", choices=("none", "phase", "reference"), help="static-shift correction (default none: reported)")
    q.add_argument("--reference-ohm-m", type=float, action="append", dest="reference_ohm_m", metavar="OHM_M",
                   help="near-surface resistivity from ERT/TEM (repeat for a layered column, top first)")
    q.add_argument("--reference-thickness", type=float, action="append", dest="reference_thickness_m", metavar="M",
                   help="thickness of a reference layer (m); repeat, one fewer than --reference-ohm-m")
    q.add_argument("--reference-depth", type=float, dest="reference_depth_m", help="depth to which the reference is known (m)")
    q.add_argument("--no-figures", action="store_true", help="skip the PNG figures")
    q.set_defaults(func=cmd_invert1d)


_OPTIONS = ("mode", "n_layers", "target_rms", "max_iter", "period_min_s", "period_max_s", "floor_rho", "floor_phase_deg",
            "rho_min_ohm_m", "rho_max_ohm_m", "outlier_mad", "exclude_periods_s", "keep_periods_s", "static_shift",
            "reference_ohm_m", "reference_thickness_m", "reference_depth_m")


def settings_from_args(args: argparse.Namespace) -> Any:
    """Invert1DSettings from ``--settings`` (if given) updated by the options given on the command line."""
    from geoexplore.core.yamlio import load_settings_file
    from geoexplore.mt.settings import Invert1DSettings

    base = load_settings_file(getattr(args, "settings", None), Invert1DSettings).model_dump()
    for k in _OPTIONS:
        v = getattr(args, k, None)
        if v is not None:
            base[k] = v
    if getattr(args, "keep_out_of_quadrant", False):
        base["drop_out_of_quadrant"] = False
    return Invert1DSettings(**base)


def cmd_invert1d(args: argparse.Namespace) -> int:
    from pathlib import Path

    import numpy as np

    from geoexplore.core.errors import GeoexploreError

    try:
        settings = settings_from_args(args)
    except Exception as exc:  # pydantic validation, unreadable settings file
        print(f"error: settings: {exc}", file=sys.stderr)
        return EXIT_ERROR
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    from geoexplore.mt.invert1d import invert_station
    from geoexplore.mt.io import read_tf

    ok = failed = 0
    for f in args.files:
        try:
            tf = read_tf(f)
            res = invert_station(tf, settings)
        except (GeoexploreError, ValueError, OSError) as exc:
            print(f"error: {f}: {exc}", file=sys.stderr)
            failed += 1
            continue
        name = str(tf.attrs.get("station") or Path(f).stem)
        res.attrs["source_file"] = str(f)
        ds = res.to_dataset()
        ds.attrs["rms_history"] = ",".join(f"{x:.4g}" for x in res.rms_history)
        ds.to_netcdf(out / f"{name}_1d.nc", engine="h5netcdf")
        np.savetxt(out / f"{name}_1d.csv", np.c_[res.top_m, res.resistivity_ohm_m], delimiter=",",
                   header="top_m,resistivity_ohm_m", comments="", fmt="%.6g")
        if not args.no_figures:
            from geoexplore.mt.plot import plot_model1d

            plot_model1d(ds, out / f"{name}_1d.png")
        print(f"{res.summary()} -> {out / (name + '_1d.nc')}")
        ok += 1
    if failed and not ok:
        return EXIT_ERROR
    return EXIT_PARTIAL if failed else EXIT_OK
