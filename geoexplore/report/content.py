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

from geoexplore.report.hazard import hazard_blocks
from geoexplore.report.rounding import (
    fmt_age_ka,
    fmt_interval,
    fmt_magnitude,
    fmt_number,
    fmt_pm,
    round_sig,
)
from geoexplore.report.traces import traces_blocks
from geoexplore.viz.i18n import t

Block = tuple[Any, ...]


def note(key: str, lang: str) -> Block:
    """The paragraph under a table saying what each of its rows is."""
    return ("para", t(key, lang), "note")


_f = fmt_number  # '-' for missing values (geoexplore.report.rounding)


def report_blocks(
    bundle: dict[str, Any],
    *,
    lang: str = "en",
    composite_png: str | Path | None = None,
    method_figures: list[tuple[str, str | Path]] | None = None,
    provenance: dict[str, Any] | None = None,
    title: str | None = None,
    out_dir: str | Path | None = None,
    figure_lang: str | None = None,
) -> list[Block]:
    """Blocks of the report for an assessment bundle (see :func:`geoexplore.fault.steps.run_assessment`).

    One function per section, in report order: :func:`title_blocks`,
    :func:`survey_blocks`, :func:`fault_table_blocks`, :func:`activity_blocks`,
    :func:`throw_blocks`, :func:`magnitude_blocks`, :func:`setback_blocks`,
    :func:`~geoexplore.report.hazard.hazard_blocks` (when the bundle has a hazard result),
    :func:`~geoexplore.report.traces.traces_blocks` (when the bundle has fault traces of several lines),
    :func:`contradiction_blocks`, :func:`method_figure_blocks`, :func:`settings_blocks`.
    """
    c = bundle["candidates"]
    n = c.sizes.get("candidate", 0)
    details = [json.loads(str(v)) for v in c["detail_json"].values] if n else []
    zh_labels = _zh_labels(c, n) if lang == "zh" else None
    return [
        *title_blocks(bundle, lang, title),
        *survey_blocks(bundle, lang, composite_png),
        *fault_table_blocks(c, lang),
        *activity_blocks(c, lang, zh_labels),
        *throw_blocks(c, details, lang),
        *magnitude_blocks(c, details, lang),
        *setback_blocks(c, details, lang, zh_labels),
        *hazard_blocks(bundle, lang, out_dir, figure_lang=figure_lang or lang),
        *traces_blocks(bundle, lang, out_dir, figure_lang=figure_lang or lang),
        *contradiction_blocks(c, lang),
        *method_figure_blocks(method_figures, lang),
        *settings_blocks(c, provenance, lang),
    ]


def _ids(c: Any) -> list[str]:
    return [str(v) for v in c["candidate"].values]


def _zh_labels(c: Any, n: int) -> Any:
    from geoexplore.report.reason_zh import class_labels

    return class_labels(pairs=zip(c["activity_label_en"].values, c["activity_label_zh"].values) if n else ())


def _reason(text: str, zh_labels: Any) -> str:
    """The reasoning text, in Chinese when ``zh_labels`` is given."""
    if zh_labels is None:
        return text
    from geoexplore.report.reason_zh import reason_zh

    return reason_zh(text, zh_labels)


def title_blocks(bundle: dict[str, Any], lang: str, title: str | None = None) -> list[Block]:
    """Title, the synthetic-data notice (if any input is synthetic) and the editable-document notice."""
    at = bundle["candidates"].attrs
    synthetic = bool(int(at.get("synthetic", 0))) or any(int(bundle[k].attrs.get("synthetic", 0)) for k in bundle if k.startswith("img_"))
    b: list[Block] = [("heading", 0, title or t("report_title", lang))]
    if synthetic:
        b.append(("para", t("synthetic_notice", lang), "synthetic"))
    b.append(("para", t("editable_notice", lang), ""))
    return b


def survey_blocks(bundle: dict[str, Any], lang: str, composite_png: str | Path | None = None) -> list[Block]:
    """Survey summary: line, methods, intensity, rules, image sources; warnings; the composite figure."""
    at = bundle["candidates"].attrs
    b: list[Block] = [("heading", 1, t("survey_summary", lang))]
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
    return b


def fault_table_blocks(c: Any, lang: str) -> list[Block]:
    """The fault table: position, surface chainage, dip, upper breakpoint, methods, confidence."""
    ids = _ids(c)
    rows = []
    for k in range(c.sizes.get("candidate", 0)):
        ub = float(c["upper_breakpoint_m"].values[k])
        ub_sigma = float(c["upper_breakpoint_sigma_m"].values[k])
        ubtxt = "-" if not math.isfinite(ub) else (
            f"{fmt_pm(ub, ub_sigma)} ({round_sig(float(c['upper_breakpoint_min_m'].values[k]), 2)}"
            f"-{round_sig(float(c['upper_breakpoint_max_m'].values[k]), 2)})")
        dip = float(c["dip_deg"].values[k])
        x_sigma = float(c["chainage_sigma_m"].values[k])
        rows.append([
            ids[k], fmt_pm(float(c["chainage_m"].values[k]), x_sigma),
            fmt_pm(float(c["surface_chainage_m"].values[k]), x_sigma).split(" ")[0],  # to the precision of the position
            "-" if not math.isfinite(dip) else f"{fmt_pm(dip, float(c['dip_sigma_deg'].values[k]))} ({c['dips_toward'].values[k]})",
            ubtxt, str(c["methods"].values[k]), f"{float(c['confidence'].values[k]):.2f} ({c['confidence_level'].values[k]})",
        ])
    return [("heading", 1, t("fault_table", lang)),
            ("table", t("fault_table", lang),
             [t("id", lang), t("position", lang), t("surface", lang), t("dip", lang), t("ub_depth", lang), t("methods", lang), t("confidence", lang)], rows),
            note("note_fault_table", lang)]


def activity_blocks(c: Any, lang: str, zh_labels: Any = None) -> list[Block]:
    """The activity table: class, reasoning (Chinese with ``zh_labels``), overburden."""
    ids = _ids(c)
    rows = []
    for k in range(c.sizes.get("candidate", 0)):
        lab = str(c["activity_label_zh" if lang == "zh" else "activity_label_en"].values[k])
        rows.append([ids[k], lab, _reason(str(c["activity_reason"].values[k]), zh_labels), _f(c["overburden_m"].values[k])])
    return [("heading", 1, t("activity_table", lang)),
            ("table", t("activity_table", lang), [t("id", lang), t("activity", lang), t("reason", lang), t("overburden", lang)], rows),
            note("note_activity_table", lang)]


def throw_blocks(c: Any, details: list[dict[str, Any]], lang: str) -> list[Block]:
    """Throws per dated horizon with their slip rates (nothing if no throw was measured)."""
    ids = _ids(c)
    rows = []
    for k, d in enumerate(details):
        rates = {s["horizon"]: s for s in d.get("slip_rates", [])}
        for r in d.get("throws", []):
            key = f"{r.get('tie', '')} ({float(r['depth_m']):.0f} m)"
            sr = rates.get(key)
            sigma = float(r["sigma_m"])
            age_sigma = float(sr["age_sigma_ka"]) if sr and sr.get("age_sigma_ka") else float(r.get("sigma_ka") or 0.0)
            rows.append([ids[k], str(r.get("tie", "")), fmt_pm(float(r["depth_m"]), sigma).split(" ")[0],  # picked as the throw
                         fmt_pm(float(r["throw_m"]), sigma), fmt_age_ka(_num(r.get("age_ka")), age_sigma),
                         t(r["status"], lang) if r["status"] in ("offset", "unbroken") else r["status"],
                         fmt_interval(sr["vertical_mm_yr"], sr["vertical_p16"], sr["vertical_p84"]) if sr else "-"])
    if not rows:
        return []
    return [("table", t("throw_table", lang),
             [t("id", lang), t("horizon", lang), t("depth_m", lang), t("throw_m", lang), t("age_ka", lang), t("status", lang), t("slip_rate", lang)], rows),
            note("note_throw_table", lang)]


def _num(v: Any) -> float:
    try:
        return float(v)
    except (TypeError, ValueError):
        return math.nan


def magnitude_blocks(c: Any, details: list[dict[str, Any]], lang: str) -> list[Block]:
    """Magnitudes per relation, with the source of each rupture length (nothing if none)."""
    ids = _ids(c)
    rows = []
    for k, d in enumerate(details):
        for m in d.get("magnitudes", []):
            rows.append([ids[k], m["relation"], m["quantity"], f"{round_sig(float(m['value']), 2)} {m['unit']}",
                         fmt_magnitude(m["magnitude"], m.get("sigma"))])
    if not rows:
        return []
    b: list[Block] = [("heading", 2, t("magnitude_table", lang))]
    srcs_len = {ids[k]: d.get("length_source", "") for k, d in enumerate(details) if d.get("length_source")}
    for cid, s in srcs_len.items():
        b.append(("para", f"{cid}: {s}", ""))
    b.append(("table", t("magnitude_table", lang), [t("id", lang), t("relation", lang), t("quantity", lang), t("value", lang), t("magnitude", lang)], rows))
    b.append(note("note_magnitude_table", lang))
    return b


def setback_blocks(c: Any, details: list[dict[str, Any]], lang: str, zh_labels: Any = None) -> list[Block]:
    """GB 50011 setbacks per building category (nothing if none)."""
    ids = _ids(c)
    rows = []
    for k, d in enumerate(details):
        for s in d.get("setbacks", []):
            cat = s["category"] + (f" ({ {'A': '甲类', 'B': '乙类', 'C': '丙类', 'D': '丁类'}[s['category']]})" if lang == "zh" else "")
            hol = s.get("if_holocene_distance", "")
            if zh_labels is not None:
                hol = {"special study": "专门研究", "no requirement": "无要求", "n/a": "-"}.get(hol, hol)
            rows.append([ids[k], cat, str(s["intensity"]), _reason(s["reason"], zh_labels), hol])
    if not rows:
        return []
    return [("heading", 2, t("setback_table", lang)),
            ("table", t("setback_table", lang), [t("id", lang), t("category", lang), t("intensity", lang), t("setback", lang),
                                                 t("if_holocene", lang)], rows),
            note("note_setback_table", lang)]


def contradiction_blocks(c: Any, lang: str) -> list[Block]:
    """Contradictions, notes and methods that cover a candidate but do not see it (nothing if none)."""
    ids = _ids(c)
    lines = []
    for k in range(c.sizes.get("candidate", 0)):
        for s in json.loads(str(c["contradictions_json"].values[k])):
            lines.append(f"{ids[k]}: {s}")
        for s in json.loads(str(c["notes_json"].values[k])):
            lines.append(f"{ids[k]}: {s}")
        nsb = str(c["not_seen_by"].values[k])
        if nsb:
            lines.append(f"{ids[k]}: covered but not seen by {nsb}")
    if not lines:
        return []
    return [("heading", 2, t("contradictions", lang)), *[("para", s, "warning") for s in lines]]


def method_figure_blocks(method_figures: list[tuple[str, str | Path]] | None, lang: str) -> list[Block]:
    """The method figures of the run, each with its caption (nothing if none)."""
    if not method_figures:
        return []
    return [("heading", 1, t("method_figures", lang)), *[("image", str(p), cap) for cap, p in method_figures]]


def settings_blocks(c: Any, provenance: dict[str, Any] | None, lang: str) -> list[Block]:
    """Settings and provenance: every attribute of the assessment and the caller's provenance."""
    rows = [[k, str(v)] for k, v in sorted(c.attrs.items()) if k not in ("warnings_json",)]
    for k, v in sorted((provenance or {}).items()):
        rows.append([k, v if isinstance(v, str) else json.dumps(v, default=str)[:400]])
    return [("heading", 1, t("settings_table", lang)), ("table", t("settings_table", lang), [t("key", lang), t("value", lang)], rows)]
