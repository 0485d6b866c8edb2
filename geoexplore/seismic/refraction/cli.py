"""``geoexplore seismic pick`` and ``geoexplore seismic tomo``: refraction batch commands.

``pick SHOT... --out DIR [--geometry TABLE]`` picks first breaks on every
shot record and writes DIR/picks.csv (editable table, one row per trace)
and DIR/picks.sgt (pyGIMLi unified format, used picks only). A file that
cannot be read gets a one-line error naming the file and position; the
other files are still picked (exit code 3 when some failed, 1 when all did).

``tomo PICKS --out DIR [--settings FILE]`` inverts a ``.sgt`` file (or a
picks CSV) and writes DIR/model.vtk, DIR/model.csv, DIR/summary.json (chi2,
rrms in percent, rms_ms, iterations, settings) and DIR/tomogram.png.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from geoexplore.core.errors import EXIT_ERROR, EXIT_OK, EXIT_PARTIAL
from geoexplore.core.yamlio import load_settings_file


def cmd_pick(args: argparse.Namespace) -> int:
    import pandas as pd

    from geoexplore.core.errors import FileFormatError, GeoexploreError
    from geoexplore.seismic import io
    from geoexplore.seismic.io.sgt import write_sgt
    from geoexplore.seismic.refraction.pick_tables import (
        calibrate_errors,
        check_reciprocity,
        pick_file,
        read_geometry,
        table_to_traveltime,
        write_picks_csv,
    )
    from geoexplore.seismic.refraction.settings import PickSettings

    try:
        settings = load_settings_file(args.settings, PickSettings)
        geometry = read_geometry(args.geometry) if args.geometry else None
    except GeoexploreError as exc:
        print(f"ERROR {exc}", file=sys.stderr, flush=True)
        return EXIT_ERROR
    tables, failed, next_shot = [], 0, 1
    for path in args.shots:
        try:
            g = io.read(path, coordinate_unit=args.coordinate_unit or settings.coordinate_unit)
            t = pick_file(g, settings, geometry=geometry, first_shot=next_shot)
        except GeoexploreError as exc:
            failed += 1
            line = str(exc) if isinstance(exc, FileFormatError) else f"{path}: {exc}"
            print(f"ERROR {line}", file=sys.stderr, flush=True)
            continue
        tables.append(t)
        n_shots = int(t["shot"].nunique())
        next_shot += n_shots
        n_use = int(t["use"].sum())
        print(f"{path}: {n_shots} shot(s), {len(t)} traces, {n_use} picks used", flush=True)
    if not tables:
        return EXIT_ERROR
    methods = [m for t in tables for m in t.attrs.get("methods", [])]
    table = check_reciprocity(pd.concat(tables, ignore_index=True))
    table, info = calibrate_errors(table, methods, settings.calibrate_errors)
    if info:
        print(f"pick errors calibrated on {info['n']} {info['statistic']}: floor {info['floor_s'] * 1e3:.3f} ms", flush=True)
    out = Path(args.out)
    write_picks_csv(table, out / "picks.csv")
    try:
        write_sgt(table_to_traveltime(table), out / "picks.sgt")
    except GeoexploreError as exc:
        print(f"ERROR {out / 'picks.sgt'}: {exc}", file=sys.stderr, flush=True)
        return EXIT_ERROR
    print(f"wrote {out / 'picks.csv'} and {out / 'picks.sgt'} ({int(table['use'].sum())} picks used of {len(table)})", flush=True)
    return EXIT_OK if failed == 0 else EXIT_PARTIAL


def cmd_tomo(args: argparse.Namespace) -> int:
    from geoexplore.core.errors import GeoexploreError
    from geoexplore.seismic.io.sgt import read_sgt
    from geoexplore.seismic.refraction.tomography import (
        TomoSettings,
        invert,
        save,
        to_image,
    )

    try:
        settings = load_settings_file(args.settings, TomoSettings)
        if args.uncertainty_runs is not None:
            settings = TomoSettings.from_mapping({**settings.model_dump(), "uncertainty_runs": args.uncertainty_runs})
        p = Path(args.picks)
        if p.suffix.lower() == ".csv":
            from geoexplore.seismic.refraction.pick_tables import (
                read_picks_csv,
                table_to_traveltime,
            )

            data = table_to_traveltime(read_picks_csv(p))
        else:
            data = read_sgt(p)
        res = invert(data, settings, keep_manager=True)
    except GeoexploreError as exc:
        print(f"ERROR {exc}", file=sys.stderr, flush=True)
        return EXIT_ERROR
    files = save(res, args.out)
    try:
        from geoexplore.seismic.refraction.plot import plot_tomogram
        from geoexplore.seismic.refraction.tomography import result_to_dataset

        img = to_image(res, line=p.stem, synthetic=False)
        plot_tomogram({"image": img, "model": result_to_dataset(res)}, Path(args.out) / "tomogram.png")
    except Exception as exc:  # noqa: BLE001 - a figure must never lose a result
        print(f"warning: figure failed: {exc}", file=sys.stderr, flush=True)
    spread = res.summary()
    unc = (f"; velocity uncertainty from the pick errors ({spread['uncertainty_runs']} runs): median "
           f"{spread['velocity_rel_sd_median']:.1%}, {spread['cells_rel_sd_over_10pct']} crossed cells above 10 %"
           if res.velocity_rel_sd is not None else "")
    print(f"{args.picks}: chi2 {res.chi2:.2f}, rrms {res.rrms_percent:.2f} %, rms {res.rms_ms:.3f} ms, "
          f"{res.iterations} iterations{unc}; wrote {', '.join(sorted(files.values()))}", flush=True)
    return EXIT_OK


def add_subcommands(group: Any) -> None:
    """Add ``pick`` and ``tomo`` to the ``geoexplore seismic`` group."""
    p = group.add_parser("pick", help="automatic first-break picking: DIR/picks.csv and DIR/picks.sgt")
    p.add_argument("shots", nargs="+", metavar="SHOT", help="shot records (SEG-2, SEG-Y, SU)")
    p.add_argument("--out", required=True, metavar="DIR")
    p.add_argument("--geometry", metavar="TABLE",
                   help="CSV with trace, receiver_x_m, receiver_elevation_m, source_x_m, source_elevation_m [, file]")
    p.add_argument("--settings", metavar="FILE", help="YAML/JSON picking settings (see docs/refraction.md)")
    p.add_argument("--coordinate-unit", metavar="UNIT",
                   help="unit of SEG-2 location strings when a file states no UNITS (m, ft, ...); refused if it contradicts UNITS")
    p.set_defaults(func=cmd_pick)

    p = group.add_parser("tomo", help="refraction traveltime tomography of picks (.sgt or picks.csv)")
    p.add_argument("picks", metavar="PICKS")
    p.add_argument("--out", required=True, metavar="DIR")
    p.add_argument("--settings", metavar="FILE", help="YAML/JSON tomography settings (see docs/refraction.md)")
    p.add_argument("--uncertainty-runs", type=int, metavar="N",
                   help="velocity uncertainty from the pick errors: N perturbed re-inversions (each costs one inversion; "
                        "overrides the settings file's uncertainty_runs)")
    p.set_defaults(func=cmd_tomo)


__all__ = ["add_subcommands", "cmd_pick", "cmd_tomo"]
