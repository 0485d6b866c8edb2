"""The report's content as a neutral list of blocks, rendered by the DOCX and HTML writers.

Blocks: ``("heading", level, text)``, ``("para", text, style)`` with style
'' / 'warning' / 'synthetic', ``("table", caption, header, rows)``,
``("image", path, caption)``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from geoexplore.viz.i18n import t

Block = tuple[Any, ...]


def _f(v: Any, fmt: str = "{:.0f}") -> str:
    try:
        x = float(v)
    except (TypeError, ValueError):
        return str(v) if v not in (None, "") else "-"
    return "-" if not math.isfinite(x) else fmt.format(x)


def report_blocks(
    bundle: dict[str, Any],
    *,
    lang: str = "en",
    composite_png: str | Path | None = None,
    method_figures: list[tuple[str, str | Path]] | None = None,
    provenance: dict[str, Any] | None = None,
    title: str | None = None,
) -> list[Block]:
    """Blocks of the report for an assessment bundle (see :func:`geoexplore.fault.steps.run_assessment`)."""
    c = bundle["candidates"]
    at = c.attrs
    synthetic = bool(int(at.get("synthetic", 0))) or any(int(bundle[k].attrs.get("synthetic", 0)) for k in bundle if k.startswith("img_"))
    b: list[Block] = [("heading", 0, title or t("report_title", lang))]
    if synthetic:
        b.append(("para", t("synthetic_notice", lang), "synthetic"))
    b.append(("para", t("editable_notice", lang), ""))
    # survey summary
    b.append(("heading", 1, t("survey_summary", lang)))
    rows = [
        [t("line", lang), str(at.get("line", ""))],
        [t("methods_used", lang), str(at.get("methods_used", "")) or "-"],
        [t("methods_missing", lang), str(at.get("methods_missing", "")) or "-"],
        [t("intensity", lang), str(at.get("design_intensity", "-")) if int(at.get("design_intensity", -1)) > 0 else "-"],
        [t("rules", lang), f"{at.get('rules', '')} v{at.get('rules_version', '')} ({at.get('rules_file', '')}, sha256 {str(at.get('rules_sha256', ''))[:12]})"],
    ]
    srcs = json.loads(str(at.get("image_sources_json", "{}")) or "{}")
    for m, s in srcs.items():
        test = int(bundle.get(f"img_{m}").attrs.get("test_image", 0)) if f"img_{m}" in bundle else 0
        rows.append([f"{t('source', lang)}: {m}", s + (f" - {t('test_image', lang)}" if test else "")])
    b.append(("table", t("survey_summary", lang), [t("key", lang), t("value", lang)], rows))
    warns = json.loads(str(at.get("warnings_json", "[]")) or "[]")
    if warns:
        b.append(("heading", 2, t("warnings", lang)))
        for w in warns:
            b.append(("para", w, "warning"))
    if composite_png:
        b.append(("image", str(composite_png), t("composite_title", lang)))
    # fault table
    n = c.sizes.get("candidate", 0)
    ids = [str(v) for v in c["candidate"].values]
    rows = []
    for k in range(n):
        ub = c["upper_breakpoint_m"].values[k]
        ubtxt = "-" if not math.isfinite(float(ub)) else (
            f"{float(ub):.0f} +- {_f(c['upper_breakpoint_sigma_m'].values[k])} ({_f(c['upper_breakpoint_min_m'].values[k])}-{_f(c['upper_breakpoint_max_m'].values[k])})")
        dip = c["dip_deg"].values[k]
        rows.append([
            ids[k], f"{float(c['chainage_m'].values[k]):.0f} +- {float(c['chainage_sigma_m'].values[k]):.0f}",
            _f(c["surface_chainage_m"].values[k]),
            "-" if not math.isfinite(float(dip)) else f"{float(dip):.0f} +- {_f(c['dip_sigma_deg'].values[k])} ({c['dips_toward'].values[k]})",
            ubtxt, str(c["methods"].values[k]), f"{float(c['confidence'].values[k]):.2f} ({c['confidence_level'].values[k]})",
        ])
    b.append(("heading", 1, t("fault_table", lang)))
    b.append(("table", t("fault_table", lang),
              [t("id", lang), t("position", lang), t("surface", lang), t("dip", lang), t("ub_depth", lang), t("methods", lang), t("confidence", lang)], rows))
    # activity and hazard
    rows = []
    zh_labels = None
    if lang == "zh":
        from geoexplore.report.reason_zh import class_labels, reason_zh

        zh_labels = class_labels(pairs=zip(c["activity_label_en"].values, c["activity_label_zh"].values) if n else ())
    for k in range(n):
        lab = str(c["activity_label_zh" if lang == "zh" else "activity_label_en"].values[k])
        reason = str(c["activity_reason"].values[k])
        rows.append([ids[k], lab, reason_zh(reason, zh_labels) if zh_labels is not None else reason, _f(c["overburden_m"].values[k])])
    b.append(("heading", 1, t("activity_table", lang)))
    b.append(("table", t("activity_table", lang), [t("id", lang), t("activity", lang), t("reason", lang), t("overburden", lang)], rows))
    details = [json.loads(str(v)) for v in c["detail_json"].values] if n else []
    rows = []
    for k, d in enumerate(details):
        rates = {s["horizon"]: s for s in d.get("slip_rates", [])}
        for r in d.get("throws", []):
            key = f"{r.get('tie', '')} ({float(r['depth_m']):.0f} m)"
            sr = rates.get(key)
            rows.append([ids[k], str(r.get("tie", "")), f"{float(r['depth_m']):.1f}", f"{float(r['throw_m']):+.1f} +- {float(r['sigma_m']):.1f}",
                         _f(r.get("age_ka"), "{:g}"), t(r["status"], lang) if r["status"] in ("offset", "unbroken") else r["status"],
                         f"{sr['vertical_mm_yr']:.3f} ({sr['vertical_p16']:.3f}-{sr['vertical_p84']:.3f})" if sr else "-"])
    if rows:
        b.append(("table", t("throw_table", lang),
                  [t("id", lang), t("horizon", lang), t("depth_m", lang), t("throw_m", lang), t("age_ka", lang), t("status", lang), t("slip_rate", lang)], rows))
    rows = []
    for k, d in enumerate(details):
        for m in d.get("magnitudes", []):
            rows.append([ids[k], m["relation"], m["quantity"], f"{m['value']:.1f} {m['unit']}",
                         f"{m['magnitude']:.2f}" + (f" ({m['sigma']:.2f})" if m.get("sigma") is not None else "")])
    if rows:
        b.append(("heading", 2, t("magnitude_table", lang)))
        srcs_len = {ids[k]: d.get("length_source", "") for k, d in enumerate(details) if d.get("length_source")}
        for cid, s in srcs_len.items():
            b.append(("para", f"{cid}: {s}", ""))
        b.append(("table", t("magnitude_table", lang), [t("id", lang), t("relation", lang), t("quantity", lang), t("value", lang), t("magnitude", lang)], rows))
    rows = []
    for k, d in enumerate(details):
        for s in d.get("setbacks", []):
            cat = s["category"] + (f" ({ {'A': '甲', 'B': '乙', 'C': '丙', 'D': '丁'}[s['category']]})" if lang == "zh" else "")
            hol = s.get("if_holocene_distance", "")
            if zh_labels is not None:
                hol = {"special study": "专门研究", "no requirement": "无要求", "n/a": "-"}.get(hol, hol)
            rows.append([ids[k], cat, str(s["intensity"]), reason_zh(s["reason"], zh_labels) if zh_labels is not None else s["reason"], hol])
    if rows:
        b.append(("heading", 2, t("setback_table", lang)))
        b.append(("table", t("setback_table", lang), [t("id", lang), t("category", lang), t("intensity", lang), t("setback", lang),
                                                     "if Holocene active" if lang == "en" else "若为全新世活动断层"], rows))
    # contradictions and notes
    lines = []
    for k in range(n):
        for s in json.loads(str(c["contradictions_json"].values[k])):
            lines.append(f"{ids[k]}: {s}")
        for s in json.loads(str(c["notes_json"].values[k])):
            lines.append(f"{ids[k]}: {s}")
        nsb = str(c["not_seen_by"].values[k])
        if nsb:
            lines.append(f"{ids[k]}: covered but not seen by {nsb}")
    if lines:
        b.append(("heading", 2, t("contradictions", lang)))
        for s in lines:
            b.append(("para", s, "warning"))
    if method_figures:
        b.append(("heading", 1, t("method_figures", lang)))
        for cap, p in method_figures:
            b.append(("image", str(p), cap))
    b.append(("heading", 1, t("settings_table", lang)))
    rows = [[k, str(v)] for k, v in sorted(at.items()) if k not in ("warnings_json",)]
    for k, v in sorted((provenance or {}).items()):
        rows.append([k, v if isinstance(v, str) else json.dumps(v, default=str)[:400]])
    b.append(("table", t("settings_table", lang), [t("key", lang), t("value", lang)], rows))
    return b
