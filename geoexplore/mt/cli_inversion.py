"""``geoexplore mt invert1d EDI... --out DIR``: Occam 1D inversion of each station (a part of :mod:`geoexplore.mt.cli`).

Writes per station ``DIR/<station>_1d.nc`` (the model and data fit,
see :func:`geoexplore.mt.invert1d.result_dataset`), ``DIR/<station>_1d.csv``
(layer top depth and resistivity) and ``DIR/<station>_1d.png``; prints one
line per station (RMS, iterations, depth of investigation). A file that
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
    q.add_argument("--mode", choices=("det", "xy", "yx"), default="det", help="data: determinant (default), Zxy or -Zyx")
    q.add_argument("--n-layers", type=int, default=40, help="number of layers (default 40)")
    q.add_argument("--target-rms", type=float, default=1.0, help="target RMS (default 1)")
    q.add_argument("--no-figures", action="store_true", help="skip the PNG figures")
    q.set_defaults(func=cmd_invert1d)


def cmd_invert1d(args: argparse.Namespace) -> int:
    from pathlib import Path

    import numpy as np

    from geoexplore.core.errors import GeoexploreError
    from geoexplore.mt.settings import Invert1DSettings

    try:
        settings = Invert1DSettings(mode=args.mode, n_layers=args.n_layers, target_rms=args.target_rms)
    except Exception as exc:  # pydantic validation
        print(f"error: settings: {exc}", file=sys.stderr)
        return EXIT_ERROR
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    from geoexplore.mt.invert1d import data_from_tf, occam1d, result_dataset
    from geoexplore.mt.io import read_tf

    ok = failed = 0
    for f in args.files:
        try:
            tf = read_tf(f)
            data = data_from_tf(tf, mode=settings.mode, floor_rho=settings.floor_rho,
                                floor_phase_deg=settings.floor_phase_deg)
            res = occam1d(data, n_layers=settings.n_layers, target_rms=settings.target_rms, max_iter=settings.max_iter)
        except (GeoexploreError, ValueError, OSError) as exc:
            print(f"error: {f}: {exc}", file=sys.stderr)
            failed += 1
            continue
        name = str(tf.attrs.get("station") or Path(f).stem)
        attrs = {k: tf.attrs.get(k) for k in ("station", "lat_deg", "lon_deg", "elevation_m", "synthetic")}
        attrs["source_file"] = str(f)
        ds = result_dataset(res, data, attrs)
        ds.attrs["rms_history"] = ",".join(f"{x:.4g}" for x in res.rms_history)
        ds.to_netcdf(out / f"{name}_1d.nc", engine="h5netcdf")
        np.savetxt(out / f"{name}_1d.csv", np.c_[res.top_m, res.resistivity_ohm_m], delimiter=",",
                   header="top_m,resistivity_ohm_m", comments="", fmt="%.6g")
        if not args.no_figures:
            from geoexplore.mt.plot import plot_model1d

            plot_model1d(ds, out / f"{name}_1d.png")
        print(f"{name}: RMS {res.rms:.2f} after {res.iterations} iterations, DOI {res.doi_m / 1000:.1f} km, "
              f"{res.resistivity_ohm_m.size} layers -> {out / (name + '_1d.nc')}")
        ok += 1
    if failed and not ok:
        return EXIT_ERROR
    return EXIT_PARTIAL if failed else EXIT_OK
