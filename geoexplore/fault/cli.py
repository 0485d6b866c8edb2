"""Command-line commands of the fault package: ``geoexplore assess`` and ``geoexplore report``.

Both read a project store (``project.h5`` of a run), find the geological
model and every method image in it (the :mod:`geoexplore.core.images`
contract), and assess whatever subset exists, saying what is missing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from geoexplore.core.errors import EXIT_ERROR, EXIT_OK


def _store_path(arg: str) -> Path:
    p = Path(arg)
    return p / "project.h5" if p.is_dir() else p


def _bundle_from_store(args: argparse.Namespace) -> tuple[dict[str, Any], Any]:
    from geoexplore.core.errors import GeoexploreError, StoreError
    from geoexplore.core.store import ProjectStore
    from geoexplore.fault.activity import Stratigraphy
    from geoexplore.fault.images import images_from_store, model_from_store
    from geoexplore.fault.rules import load_rules
    from geoexplore.fault.steps import AssessSettings, run_assessment

    sp = _store_path(args.store)
    if not sp.is_file():
        raise StoreError(f"{sp}: no project store")
    store = ProjectStore(sp)
    store.check()
    model = model_from_store(store)
    images, sources = images_from_store(store, args.line)
    if getattr(args, "test_images", False):
        if model is None:
            raise GeoexploreError("--test-images needs a model in the store")
        from geoexplore.fault.synth import test_images

        missing = tuple(m for m in ("reflection", "refraction", "ert", "mt", "microtremor") if m not in images)
        for m, ds in test_images(model, methods=missing).items():
            images[m], sources[m] = ds, "SYNTHETIC TEST IMAGE (geoexplore.fault.synth, not a method result)"
    if not images:
        raise GeoexploreError(f"{sp}: no method image (reflection, refraction, ert, mt, microtremor) in the store; nothing to assess")
    settings = AssessSettings(design_intensity=args.intensity)
    rules = load_rules(args.rules)
    strat = Stratigraphy.from_table(args.stratigraphy) if args.stratigraphy else None
    bundle = run_assessment(images, sources, model, settings, rules, strat, args.line)
    return bundle, model


def _print_summary(bundle: dict[str, Any]) -> None:
    c = bundle["candidates"]
    used = c.attrs.get("methods_used", "")
    miss = c.attrs.get("methods_missing", "")
    print(f"methods used: {used or 'none'}" + (f"; missing: {miss}" if miss else ""))
    for w in json.loads(c.attrs.get("warnings_json", "[]")):
        print(f"warning: {w}")
    for k in range(c.sizes.get("candidate", 0)):
        ub = float(c["upper_breakpoint_m"].values[k])
        print(f"{c['candidate'].values[k]}: {float(c['chainage_m'].values[k]):.0f} +- {float(c['chainage_sigma_m'].values[k]):.0f} m, "
              f"upper breakpoint {'n/a' if ub != ub else f'{ub:.0f} m'}, {c['activity_label_en'].values[k]}, "
              f"confidence {float(c['confidence'].values[k]):.2f}, methods {c['methods'].values[k]}")


def cmd_assess(args: argparse.Namespace) -> int:
    """geoexplore assess STORE --out DIR."""
    bundle, model = _bundle_from_store(args)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    _print_summary(bundle)
    c = bundle["candidates"]
    c.drop_vars([v for v in c.data_vars if v.endswith("_json")]).to_dataframe().to_csv(out / "candidates.csv")
    detail = {str(c["candidate"].values[k]): json.loads(str(c["detail_json"].values[k])) for k in range(c.sizes.get("candidate", 0))}
    (out / "assessment.json").write_text(json.dumps({"attrs": {k: v for k, v in c.attrs.items() if k != "model_json"},
                                                     "candidates": detail}, indent=1, ensure_ascii=False, default=str), encoding="utf-8")
    bundle["indicators"].drop_vars([v for v in bundle["indicators"].data_vars if v.endswith("_json")]).to_dataframe().to_csv(out / "indicators.csv")
    written = [out / "candidates.csv", out / "assessment.json", out / "indicators.csv"]
    if model is not None and model.profile_spec:
        from geoexplore.fault.geojson import write_geojson

        written += write_geojson(c, model.profile(), out, model=model)
    if not args.no_figures:
        from geoexplore.report.composite import save_composite

        written += save_composite(bundle, out / f"composite-{args.lang}", lang=args.lang)
    for p in written:
        print(p)
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    """geoexplore report STORE --out DIR."""
    from geoexplore.report.steps import write_outputs

    bundle, _ = _bundle_from_store(args)
    _print_summary(bundle)
    sp = _store_path(args.store)
    fig_dir = sp.parent / "figures"
    langs = args.lang if isinstance(args.lang, list) else [args.lang]
    for p in write_outputs(bundle, Path(args.out), languages=langs, formats=["docx", "html"], fig_dir=fig_dir if fig_dir.is_dir() else None,
                           provenance={"store": sp.name}):
        print(p)
    return EXIT_OK


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("store", help="project store (project.h5 or the run directory)")
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument("--rules", help="rules table YAML (default: GB 50011-2010 table)")
    p.add_argument("--line", default="shallow", help="survey line to assess (default: shallow)")
    p.add_argument("--stratigraphy", help="borehole stratigraphy CSV (default: the model's units)")
    p.add_argument("--intensity", type=int, choices=(6, 7, 8, 9), help="design intensity (default: model meta)")
    p.add_argument("--test-images", action="store_true", help="fill missing methods with labelled SYNTHETIC TEST IMAGES from the model")


def add_commands(sub: Any) -> None:
    """Add ``assess`` and ``report`` to the geoexplore CLI."""
    p = sub.add_parser("assess", help="fault candidates, activity, slip rate, magnitude, setback from a project store")
    _common(p)
    p.add_argument("--lang", choices=("en", "zh"), default="en", help="figure labels")
    p.add_argument("--no-figures", action="store_true")
    p.set_defaults(func=cmd_assess)
    p = sub.add_parser("report", help="editable DOCX/HTML report, composite figure and GeoJSON from a project store")
    _common(p)
    p.add_argument("--lang", choices=("en", "zh"), nargs="+", default=["en"], help="report language(s)")
    p.set_defaults(func=cmd_report)


if __name__ == "__main__":  # pragma: no cover
    from geoexplore.cli import main

    sys.exit(main(["assess", *sys.argv[1:]]))
