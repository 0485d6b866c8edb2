"""``geoexplore hvsr ...``: batch H/V and f0-to-thickness.

Two forms share one parser (a positional list whose first word selects the mode)::

    geoexplore hvsr RECORD... --out DIR [--settings FILE]
    geoexplore hvsr thickness SUMMARY.json --out DIR [--a A --b B | --preset NAME]

The first writes ``DIR/<record>.hv`` (Geopsy format) per record (records
whose names clash, e.g. ``a/STN01.mseed`` and ``b/STN01.mseed``, are told
apart by their parent folders: ``a_STN01``, ``b_STN01``, then by a counter),
``DIR/summary.json`` and the table ``DIR/summary.csv``; a record that cannot be read or processed is listed
there with its error and the others still run (exit 3). The second reads a
summary and writes ``DIR/thickness.json`` and ``DIR/thickness.csv``.
A record literally named ``thickness`` can be given as ``./thickness``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from geoexplore.core.errors import EXIT_ERROR, EXIT_OK, EXIT_PARTIAL


def add_commands(sub: Any) -> None:
    p = sub.add_parser(
        "hvsr",
        help="single-station H/V of records (miniSEED, SAC, GCF, SAF, CityShark, PEER) -> Geopsy .hv + summary.json; 'hvsr thickness SUMMARY.json'",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("inputs", nargs="+", metavar="RECORD",
                   help="records (a quoted glob such as 'STN01.*.SAC' is one record from several files), or 'thickness SUMMARY.json'")
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument("--settings", help="JSON or YAML file with H/V settings (see docs/microtremor.md)")
    p.add_argument("--a", type=float, help="thickness: power-law coefficient a in h = a f0^(-b) (m)")
    p.add_argument("--b", type=float, help="thickness: power-law exponent b > 0 in h = a f0^(-b), as published "
                                           "(h = 88.631 f0^-1.683: --a 88.631 --b 1.683)")
    p.add_argument("--coef-sigma-ln", type=float, default=None,
                   help="thickness: uncertainty (sigma of ln h) of your own law; default none (a preset: the spread of the published laws)")
    p.add_argument("--preset", default="ibs-von_seht_1999", help="thickness: published coefficients")
    p.add_argument("--figures", action="store_true", help="also draw one H/V figure per record")
    p.add_argument("--expected-fs-hz", type=float, default=None,
                   help="reject records whose header sampling rate differs (the only rate check for single-piece SAC/SAF/miniSEED)")
    p.add_argument("--columns", default=None,
                   help="component of each column of a CityShark/MiniShark file, e.g. ZNE (the file does not state it)")
    p.set_defaults(func=cmd_hvsr)


def cmd_hvsr(args: argparse.Namespace) -> int:
    from geoexplore.core.errors import GeoexploreError

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    try:
        if args.inputs[0] == "thickness":
            return _thickness(args, out)
        from geoexplore.core.yamlio import load_settings_file
        from geoexplore.microtremor.settings import HvsrSettings

        settings = load_settings_file(args.settings, HvsrSettings)
        if args.expected_fs_hz is not None:
            settings = settings.model_copy(update={"expected_fs_hz": float(args.expected_fs_hz)})
    except (GeoexploreError, OSError, ValueError) as exc:
        print(f"geoexplore hvsr: {exc}", file=sys.stderr)
        return EXIT_ERROR
    return _batch(args.inputs, out, settings, figures=args.figures, columns=getattr(args, "columns", None))


def _batch(paths: list[str], out: Path, settings: Any, *, figures: bool = False, columns: str | None = None) -> int:
    from geoexplore.microtremor.io import read_record, write_hv
    from geoexplore.microtremor.process import process_record

    records: dict[str, Any] = {}
    n_bad = 0
    names = _record_names(paths)
    for p, name in zip(paths, names):
        try:
            rec = read_record(p, channels=settings.channels, expected_fs_hz=settings.expected_fs_hz, columns=columns)
            res = process_record(rec, settings)
        except Exception as exc:  # report and go on with the others
            n_bad += 1
            msg = str(exc) if str(exc).startswith(str(p)) or str(p) in str(exc) else f"{p}: {exc}"
            records[name] = {"file": str(p), "error": msg, "error_type": type(exc).__name__}
            print(f"geoexplore hvsr: {msg}", file=sys.stderr)
            continue
        hv = out / f"{name}.hv"
        write_hv(res, hv)  # Geopsy's "f0 from windows": mean, mean - std, mean + std of the window peaks (Hz)
        row = {"file": str(p), "hv_file": hv.name, **res.summary()}
        records[name] = row
        if figures:
            res.plot(out / f"{name}.png")
        print(f"{p}: f0 {res.f0_hz:.4g} Hz, A0 {res.a0:.3g}, {res.n_windows} windows, "
              f"SESAME reliability {res.sesame.n_reliability}/3, clarity {res.sesame.n_clarity}/6 -> {hv}")
    summary = {"settings": json.loads(settings.to_json()), "records": records,
               "n_ok": len(paths) - n_bad, "n_failed": n_bad}
    (out / "summary.json").write_text(json.dumps(summary, indent=1, default=float))
    _summary_csv(out / "summary.csv", records)
    print(f"summary: {out / 'summary.json'}, {out / 'summary.csv'}")
    if n_bad == len(paths):
        return EXIT_ERROR
    return EXIT_PARTIAL if n_bad else EXIT_OK


def _stem(p: str) -> str:
    # a quoted glob ("STN01.*.SAC") is one record made of several files
    return re.sub(r"[*?\[\]]+", "_", Path(p).stem).strip("._") or "record"


def _record_names(paths: list[str]) -> list[str]:
    """One unique output name per record: the file stem; clashing stems get their parent folders, then a counter."""
    stems = [_stem(p) for p in paths]
    names = []
    for p, st in zip(paths, stems):
        if stems.count(st) > 1:
            parent = re.sub(r"[^A-Za-z0-9.-]+", "_", Path(p).parent.name).strip("._")
            st = f"{parent}_{st}" if parent else st
        names.append(st)
    out: list[str] = []
    for nm in names:
        k, cand = 1, nm
        while cand in out:
            k += 1
            cand = f"{nm}_{k}"
        out.append(cand)
    return out


def _summary_csv(path: Path, records: dict[str, Any]) -> None:
    """The per-station summary table: one row per record (errors included)."""
    cols = ["record", "station", "f0_hz", "f0_sigma_ln", "a0", "f0_windows_hz", "f0_windows_sigma_ln", "f0_windows_mean_hz", "f0_windows_std_hz", "n_windows", "n_windows_total",
            "sesame_reliability", "sesame_clarity", "reliable", "clear", "error"]
    lines = [",".join(cols)]
    for name, r in records.items():
        ses = r.get("sesame", {})
        row = {"record": name, "sesame_reliability": ses.get("n_reliability", ""), "sesame_clarity": ses.get("n_clarity", ""), **r}
        vals = []
        for c in cols:
            v = row.get(c, "")
            v = f"{v:.6g}" if isinstance(v, float) else str(v)
            vals.append('"' + v.replace('"', "'") + '"' if ("," in v or '"' in v) else v)
        lines.append(",".join(vals))
    path.write_text("\n".join(lines) + "\n")


def _thickness(args: argparse.Namespace, out: Path) -> int:
    import numpy as np

    from geoexplore.core.errors import SettingsError
    from geoexplore.microtremor.depth_conversion import power_law_coefficients, power_law_with_error
    from geoexplore.microtremor.settings import POWER_LAW_DEFAULTS, ThicknessSettings

    if len(args.inputs) != 2:
        print("geoexplore hvsr thickness: give exactly one SUMMARY.json", file=sys.stderr)
        return EXIT_ERROR
    path = Path(args.inputs[1])
    try:
        summ = json.loads(path.read_text())
        recs = summ["records"]
    except (OSError, ValueError, KeyError) as exc:
        print(f"geoexplore hvsr thickness: {path}: not a summary.json from 'geoexplore hvsr' ({exc})", file=sys.stderr)
        return EXIT_ERROR
    if args.preset not in POWER_LAW_DEFAULTS:
        print(f"geoexplore hvsr thickness: unknown preset {args.preset!r}; choose from {', '.join(POWER_LAW_DEFAULTS)}", file=sys.stderr)
        return EXIT_ERROR
    try:
        settings = ThicknessSettings.from_mapping({"preset": args.preset, "a": args.a, "b": args.b,
                                                   "coef_sigma_ln": args.coef_sigma_ln}, source="--a/--b")
    except SettingsError as exc:
        print(f"geoexplore hvsr thickness: {exc}", file=sys.stderr)
        return EXIT_ERROR
    a, b, coef, ref = power_law_coefficients(settings)
    rows = []
    for name, r in recs.items():
        if "error" in r:
            rows.append({"record": name, "error": r["error"]})
            continue
        # ln f0 uncertainty: bootstrap over windows (summaries written before it: the standard error)
        sig = r.get("f0_sigma_ln", r["f0_windows_sigma_ln"] / np.sqrt(max(r["n_windows"], 1)))
        h, he, sh = power_law_with_error(np.array([r["f0_hz"]]), np.array([sig]), a, b, coef_sigma_ln=coef)
        rows.append({"record": name, "f0_hz": r["f0_hz"], "f0_sigma_ln": sig, "thickness_m": float(h[0]),
                     "thickness_err_m": float(he[0]), "thickness_sigma_ln": float(sh[0]), "reliable": r.get("reliable")})
    coef_text = "(spread of the published power laws in ln h at f0)^2" if coef is None else f"{coef:g}^2 (the user's coef_sigma_ln)"
    doc = {"method": f"power law h = {a:g} f0^-{b:g}",
           "error": f"thickness_err_m = h sinh(s), s^2 = (b f0_sigma_ln)^2 + {coef_text}", "reference": ref, "stations": rows}
    (out / "thickness.json").write_text(json.dumps(doc, indent=1))
    with (out / "thickness.csv").open("w") as fh:
        fh.write("record,f0_hz,thickness_m,thickness_err_m,reliable\n")
        for r in rows:
            if "error" not in r:
                fh.write(f"{r['record']},{r['f0_hz']:.6g},{r['thickness_m']:.2f},{r['thickness_err_m']:.2f},{r['reliable']}\n")
    print(f"{len(rows)} stations -> {out / 'thickness.json'} ({doc['method']})")
    return EXIT_OK
