"""``geoexplore ert ...``: file info and single-line inversion.

* ``ert info FILE...``: format, electrodes, data, arrays per file; an
  unreadable file prints one line naming the file and position, the others
  are still listed, and the exit code is 1 (3 if some files were read).
* ``ert invert FILE [FILE...] --out DIR [--settings FILE]``: QC, inversion,
  DOI; writes model.vtk, model.csv, image.nc, qc_removed.csv, figures and
  summary.json (chi2, rrms in percent, iterations, n_data_used).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from geoexplore.core.errors import EXIT_ERROR, EXIT_OK, EXIT_PARTIAL, EXIT_USAGE


def add_commands(sub: Any) -> None:
    p = sub.add_parser("ert", help="high-density resistivity (ERT): file info, QC and 2D inversion")
    group = p.add_subparsers(dest="ert_command", metavar="ERT_COMMAND")
    p.set_defaults(func=lambda args: (p.print_help(), EXIT_USAGE)[1])

    pi = group.add_parser("info", help="format, electrodes, data and arrays of ERT files")
    pi.add_argument("files", nargs="+")
    pi.add_argument("--format", help="force a format (default: detect)")
    pi.add_argument("--electrode-spacing", type=float, metavar="M",
                    help="electrode spacing (m) for formats that give electrode numbers only (OhmPi, BGS PRIME)")
    pi.set_defaults(func=cmd_info)

    pv = group.add_parser("invert", help="QC and 2D inversion of one spread (files are merged)")
    pv.add_argument("files", nargs="+", metavar="FILE")
    pv.add_argument("--out", required=True, help="output folder")
    pv.add_argument("--settings", help="YAML or JSON with sections qc, inversion, image")
    pv.add_argument("--line", default="profile", help="line name stored in the image")
    pv.add_argument("--synthetic", action="store_true", help="label the result as synthetic")
    pv.add_argument("--electrode-spacing", type=float, metavar="M",
                    help="electrode spacing (m) for formats that give electrode numbers only (OhmPi, BGS PRIME)")
    pv.set_defaults(func=cmd_invert)


def cmd_info(args: argparse.Namespace) -> int:
    from geoexplore.core.errors import GeoexploreError
    from geoexplore.ert import io

    bad = 0
    for f in args.files:
        try:
            d = io.read(f, args.format, **spacing_kwargs(f, args))
        except (GeoexploreError, OSError) as exc:
            print(f"geoexplore: {exc}", file=sys.stderr)
            bad += 1
            continue
        arrays = ", ".join(f"{k} {v}" for k, v in sorted(d.arrays().items(), key=lambda kv: -kv[1]))
        cols = [c for c in ("resistance_ohm", "apparent_resistivity_ohm_m", "current_a", "error", "ip_mrad",
                            "chargeability_mv_v", "stacking_error") if d.has(c)]
        x = d.electrodes[:, 0]
        print(f"{f}: format {d.meta.get('format')}, {d.n_electrodes} electrodes (x {x.min():.2f} to {x.max():.2f} m, "
              f"spacing {d.spacing():.2f} m{', topography' if d.has_topography else ''}), {d.n_data} data; "
              f"arrays: {arrays}; columns: {', '.join(cols)}")
    if bad == 0:
        return EXIT_OK
    return EXIT_PARTIAL if bad < len(args.files) else EXIT_ERROR


def spacing_kwargs(path: str, args: argparse.Namespace) -> dict[str, Any]:
    """``electrode_spacing_m`` for the formats without electrode positions, when ``--electrode-spacing`` is given."""
    from geoexplore.ert import io

    spacing = getattr(args, "electrode_spacing", None)
    if spacing is None:
        return {}
    fmt = getattr(args, "format", None) or io.detect(path)
    return {"electrode_spacing_m": spacing} if fmt in ("ohmpi", "prime") else {}


def load_settings(path: str | None) -> Any:
    """:class:`~geoexplore.ert.settings.ErtSettings` from a YAML/JSON file (sections qc, inversion, image); defaults without one."""
    from geoexplore.core.yamlio import load_settings_file
    from geoexplore.ert.settings import ErtSettings

    return load_settings_file(path, ErtSettings)


def cmd_invert(args: argparse.Namespace) -> int:
    from geoexplore.core.errors import GeoexploreError
    from geoexplore.ert import io
    from geoexplore.ert.data import merge
    from geoexplore.ert.inversion import (
        cells_table,
        export_vtk,
        invert_resistivity,
        to_image,
    )
    from geoexplore.ert.qc import quality_control

    out = Path(args.out)
    try:
        settings = load_settings(args.settings)
        datasets = []
        for f in args.files:
            datasets.append(io.read(f, **spacing_kwargs(f, args)))
        data = merge(datasets)
        clean, report = quality_control(data, settings.qc)
        result = invert_resistivity(clean, settings.inversion)
    except GeoexploreError as exc:
        print(f"geoexplore: {exc}", file=sys.stderr)
        return EXIT_ERROR
    out.mkdir(parents=True, exist_ok=True)
    synthetic = args.synthetic or any("SYNTHETIC" in str(d.meta.get("title", "")) for d in datasets)
    img = to_image(result, settings.image, line=args.line, synthetic=synthetic)
    export_vtk(result, str(out / "model.vtk"))
    cells_table(result).to_csv(out / "model.csv", index=False)
    report.removed.to_csv(out / "qc_removed.csv", index=False)
    img.to_netcdf(out / "image.nc", engine="h5netcdf")
    summary = {**result.summary(), "qc": report.summary(), "files": [str(f) for f in args.files],
               "settings": json.loads(settings.to_json()), "synthetic": bool(synthetic)}
    (out / "summary.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    (out / "settings.json").write_text(settings.to_json(), encoding="utf-8")
    try:
        write_figures(out, clean, report, img)
    except Exception as exc:  # figures never hide the numerical result
        print(f"geoexplore: figures failed: {exc}", file=sys.stderr)
    print(f"{out / 'summary.json'}: chi2 {result.chi2:.2f}, rrms {result.rrms_percent:.2f} %, "
          f"{result.iterations} iterations, {result.n_data_used} data used ({len(report.removed)} removed)")
    return EXIT_OK


def write_figures(out: Path, data: Any, report: Any, img: Any) -> None:
    """The figures of ``ert invert``: section.png, pseudosection.png (after QC) and reciprocals.png (if pairs)."""
    from geoexplore.ert.plot import (
        plot_image_result,
        plot_pseudosection,
        plot_reciprocal_errors,
    )

    plot_image_result(img, out / "section.png")
    plot_pseudosection(data, out / "pseudosection.png", title="pseudosection after QC (x: removed)",
                       synthetic=bool(int(img.attrs.get("synthetic", 0))))
    if report.reciprocals is not None and len(report.reciprocals.pairs):
        plot_reciprocal_errors(report.reciprocals, out / "reciprocals.png")
