"""Command-line commands of the report package: ``geoexplore assess`` and ``geoexplore report``.

Both read a project store (``project.h5`` of a run), find the geological
model and every method image in it (the :mod:`geoexplore.core.images`
contract), and assess whatever subset exists, saying what is missing
(:func:`geoexplore.fault.steps.assess_store`). ``assess`` writes the tables,
GeoJSON and composite figure (:func:`geoexplore.report.writers.write_assessment`);
``report`` writes the editable documents (:func:`geoexplore.report.steps.write_outputs`).
They live here, above ``fault``, because they draw and write reports.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from geoexplore.core.errors import EXIT_OK


def _assess(args: argparse.Namespace) -> tuple[dict[str, Any], Any]:
    from geoexplore.fault.steps import assess_store

    return assess_store(args.store, line=args.line, rules_file=args.rules, stratigraphy_file=args.stratigraphy,
                        intensity=args.intensity, use_test_images=getattr(args, "test_images", False))


def summary(bundle: dict[str, Any]) -> dict[str, Any]:
    """The assessment as plain data (what ``--json`` prints): methods, warnings, candidates rounded as in the report."""
    from geoexplore.report.rounding import fmt_pm

    c = bundle["candidates"]
    cands = []
    for k in range(c.sizes.get("candidate", 0)):
        ub = float(c["upper_breakpoint_m"].values[k])
        cands.append({"id": str(c["candidate"].values[k]), "chainage_m": float(c["chainage_m"].values[k]),
                      "chainage_sigma_m": float(c["chainage_sigma_m"].values[k]),
                      "upper_breakpoint_m": None if ub != ub else ub,
                      "upper_breakpoint_sigma_m": float(c["upper_breakpoint_sigma_m"].values[k]),
                      "position": fmt_pm(float(c["chainage_m"].values[k]), float(c["chainage_sigma_m"].values[k]), "m"),
                      "activity_en": str(c["activity_label_en"].values[k]), "activity_zh": str(c["activity_label_zh"].values[k]),
                      "confidence": round(float(c["confidence"].values[k]), 2), "methods": str(c["methods"].values[k])})
    return {"methods_used": str(c.attrs.get("methods_used", "")), "methods_missing": str(c.attrs.get("methods_missing", "")),
            "warnings": json.loads(c.attrs.get("warnings_json", "[]")), "candidates": cands}


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
    from geoexplore.report.writers import write_assessment

    bundle, model = _assess(args)
    written = write_assessment(bundle, args.out, model=model, lang=args.lang, figures=not args.no_figures)
    if getattr(args, "json", False):
        print(json.dumps({"command": "assess", "exit_code": EXIT_OK, **summary(bundle), "files": [str(p) for p in written]},
                         indent=1, ensure_ascii=False))
        return EXIT_OK
    _print_summary(bundle)
    for p in written:
        print(p)
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    """geoexplore report STORE --out DIR."""
    from geoexplore.fault.steps import store_file
    from geoexplore.report.steps import write_outputs

    bundle, _ = _assess(args)
    sp = store_file(args.store)
    fig_dir = sp.parent / "figures"
    langs = args.lang if isinstance(args.lang, list) else [args.lang]
    written = write_outputs(bundle, Path(args.out), languages=langs, formats=["docx", "html"], fig_dir=fig_dir if fig_dir.is_dir() else None,
                            provenance={"store": sp.name})
    if getattr(args, "json", False):
        print(json.dumps({"command": "report", "exit_code": EXIT_OK, **summary(bundle), "languages": langs,
                          "files": [str(p) for p in written]}, indent=1, ensure_ascii=False))
        return EXIT_OK
    _print_summary(bundle)
    for p in written:
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
    p.add_argument("--lang", choices=("en", "zh"), nargs="+", default=["en", "zh"],
                   help="report language(s) (default: both; Chinese figures need a CJK font, else they get English labels)")
    p.set_defaults(func=cmd_report)
