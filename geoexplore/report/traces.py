"""The fault-trace report: map figure, a section per trace, GIS files (step ``report.traces``).

Writes into the run's ``report/`` folder (beside ``figures/``): ``fault-map-<lang>.png``,
``traces-<lang>.docx`` / ``.html`` and the GeoPackages and GeoJSON of
:mod:`geoexplore.fault.gis` (projected CGCS2000 and WGS84).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from geoexplore.core.settings import Settings
from geoexplore.pipeline.step import StepContext, step
from geoexplore.report.rounding import fmt_number

Block = tuple[Any, ...]

L: dict[str, tuple[str, str]] = {
    "title": ("Fault traces across the survey lines", "跨测线断层迹线"),
    "notice": ("All data are SYNTHETIC, computed from a documented reference model; nothing here is a measurement.",
               "全部数据均为依据参考模型计算的合成数据，并非实测数据。"),
    "map": ("Fault map: traces, candidates, scarps, setback zones", "断层平面图：迹线、候选点、陡坎、避让带"),
    "rule": ("Correlation rule", "对比规则"),
    "rule_text": ("Candidates of neighbouring lines join when the product of the geometry, dip, sense-of-throw, activity and "
                  "upper-breakpoint factors reaches {min_score}; a segment boundary is placed where a link turns by more than "
                  "{seg} deg or the trace changes DEM scarp (docs/assessment.md).",
                  "相邻测线的候选点在几何、倾角、断距方向、活动性和上断点因子乘积达到 {min_score} 时连接；连线方向变化超过 {seg}° "
                  "或迹线换到另一条 DEM 陡坎处划分段边界（见 docs/assessment.md）。"),
    "trace": ("Trace", "迹线"), "item": ("Item", "项目"), "value": ("Value", "数值"),
    "lines": ("Lines", "测线"), "strike": ("Strike (deg)", "走向 (°)"), "length_obs": ("Length observed (km)", "观测长度 (km)"),
    "length_ext": ("Length extrapolated (km)", "外推长度 (km)"), "which": ("Length used", "采用长度"),
    "boundaries": ("Segment boundaries", "分段边界"), "dip": ("Dip (deg)", "倾角 (°)"), "rake": ("Rake (deg)", "滑动角 (°)"),
    "activity": ("Activity class", "活动性"), "score": ("Mean link score", "平均连接得分"),
    "evidence": ("Per-line evidence", "各测线证据"), "line": ("Line", "测线"), "cand": ("Candidate", "候选"),
    "chainage": ("Surface position (chainage, m)", "地表位置（里程, m）"), "ub": ("Upper breakpoint (m)", "上断点埋深 (m)"),
    "methods": ("Methods", "方法"), "conf": ("Confidence", "可信度"), "scarps": ("DEM scarps on the trace", "迹线上的 DEM 陡坎"),
    "scarp_h": ("Scarp heights where the trace crosses the lines (DEM)", "测线处陡坎高度（DEM）"),
    "height": ("Height (m)", "高度 (m)"), "rate": ("Vertical slip rate from the scarp (mm/yr, 16-84 %)", "陡坎垂直滑动速率 (mm/a, 16-84 %)"),
    "mag": ("Potential magnitude (traced length)", "潜在震级（迹线长度）"), "relation": ("Relation", "经验关系"),
    "m": ("Magnitude (sigma)", "震级（标准差）"), "note": ("Note", "说明"),
    "setback": ("Setbacks (GB 50011-2010 4.1.7)", "避让（GB 50011-2010 第4.1.7条）"), "category": ("Category", "类别"),
    "isolated": ("Isolated findings (no trace)", "孤立异常（未成迹线）"),
    "lone": ("Scarps with no geophysical candidate", "无物探异常的陡坎"), "none": ("none", "无"),
}


def tr(key: str, lang: str) -> str:
    return L[key][0 if lang == "en" else 1]


_f = fmt_number  # '-' for missing values (geoexplore.report.rounding)


def trace_section(t: Any, hz: dict[str, Any], lang: str) -> list[Block]:
    """The blocks of one trace: summary table, per-line evidence, scarps, magnitudes, setbacks."""
    rows = [
        [tr("lines", lang), " - ".join(t.lines)],
        [tr("strike", lang), f"{t.strike_deg:.1f} +- {t.strike_sigma_deg:.1f}"],
        [tr("length_obs", lang), f"{t.length_observed_m / 1000:.2f} +- {t.length_observed_sigma_m / 1000:.2f}"],
        [tr("length_ext", lang), f"{t.length_extrapolated_m / 1000:.2f} +- {t.length_extrapolated_sigma_m / 1000:.2f} ({t.extrapolation_note})"
         if t.length_extrapolated_m else "-"],
        [tr("which", lang), t.length_which],
        [tr("boundaries", lang), "; ".join(f"{'-'.join(b['between'])}: {' / '.join(b['evidence'])}" for b in t.boundaries) or tr("none", lang)],
        [tr("dip", lang), f"{_f(t.dip_deg, '{:.1f}')} +- {_f(t.dip_sigma_deg, '{:.1f}')} towards {t.dips_toward or '-'} chainage"],
        [tr("rake", lang), f"{_f(t.rake_deg)} ({t.rake_source})"],
        [tr("activity", lang), t.activity_class],
        [tr("score", lang), f"{t.score:.2f}"],
    ]
    b: list[Block] = [("heading", 2, f"{tr('trace', lang)} {t.id}"), ("table", f"{tr('trace', lang)} {t.id}", [tr("item", lang), tr("value", lang)], rows)]
    ev = [[m.line, m.id, _f(m.chainage_m), _f(m.upper_breakpoint_m), _f(m.dip_deg, "{:.1f}"), m.activity_class, m.methods, _f(m.confidence, "{:.2f}")]
          for m in t.members]
    b.append(("table", tr("evidence", lang), [tr("line", lang), tr("cand", lang), tr("chainage", lang), tr("ub", lang), tr("dip", lang),
                                                tr("activity", lang), tr("methods", lang), tr("conf", lang)], ev))
    if t.scarps:
        b.append(("para", f"{tr('scarps', lang)}: " + ", ".join(f"{s['id']} ({s['line']}, {s['length_m']:.0f} m)" for s in t.scarps), ""))
    sh = hz.get("scarp_heights", [])
    if sh:
        def rate(r: dict[str, Any]) -> str:
            q = r.get("slip_rate")
            return f"{q['vertical_mm_yr']:.2f} ({q['vertical_p16']:.2f}-{q['vertical_p84']:.2f})" if q else "-"

        b.append(("table", tr("scarp_h", lang), [tr("line", lang), tr("height", lang), tr("rate", lang)],
                  [[r["line"], f"{r['height_m']:.2f} +- {r['height_sigma_m']:.2f}", rate(r)] for r in sh]))
    mags = hz.get("magnitudes", [])
    if mags:
        b.append(("table", tr("mag", lang), [tr("relation", lang), tr("item", lang), tr("value", lang), tr("m", lang), tr("note", lang)],
                  [[m["relation"], m["quantity"], f"{m['value']:.2f} {m['unit']}", f"{m['magnitude']:.2f} ({_f(m['sigma'], '{:.2f}')})",
                    m.get("sigma_note", "")] for m in mags]))
    sbs = hz.get("setbacks", [])
    if sbs:
        b.append(("table", tr("setback", lang), [tr("category", lang), tr("note", lang)], [[s["category"], s["reason"]] for s in sbs]))
    return b


def trace_report_blocks(st: dict[str, Any], lang: str, map_png: str | Path | None) -> list[Block]:
    """Blocks of the trace report from :func:`geoexplore.fault.tracestore.traces_from_dataset` output."""
    res = st["result"]
    b: list[Block] = [("heading", 0, tr("title", lang))]
    if st["synthetic"]:
        b.append(("para", tr("notice", lang), "synthetic"))
    if map_png:
        b.append(("image", str(map_png), tr("map", lang)))
    b += [("heading", 1, tr("rule", lang)),
          ("para", tr("rule_text", lang).format(min_score=res.rules.min_score, seg=res.rules.segment_strike_change_deg), "")]
    for t in res.traces:
        b += trace_section(t, st["hazard"].get(t.id, {}), lang)
    b.append(("heading", 1, tr("isolated", lang)))
    b.append(("para", "; ".join(f"{m.line}/{m.id} ({m.chainage_m:.0f} m, {m.methods})" for m in res.isolated) or tr("none", lang), ""))
    b.append(("heading", 1, tr("lone", lang)))
    b.append(("para", "; ".join(f"{s['id']} ({s['length_m']:.0f} m, strike {s['strike_deg']:.0f} deg)" for s in res.lone_scarps)
              or tr("none", lang), ""))
    return b


def traces_blocks(bundle: dict[str, Any], lang: str, out_dir: str | Path | None = None, *, figure_lang: str | None = None) -> list[Block]:
    """The traces section of the main report (nothing when the bundle has no ``traces``): the fault map (written
    into ``out_dir`` as ``fault-map-<lang>.png``), the correlation rule, a table per trace with its per-line
    evidence, isolated findings and scarps with no candidate.

    ``figure_lang``: the language of the map's labels (English when no CJK font is installed; default ``lang``).
    """
    if "traces" not in bundle:
        return []
    from geoexplore.fault.mapplot import plot_fault_map
    from geoexplore.fault.tracestore import traces_from_dataset

    st = traces_from_dataset(bundle["traces"])
    png = None
    if out_dir is not None:
        dem = bundle["traces_dem"]["elevation_m"] if "traces_dem" in bundle else None
        polys = {tid: h.get("setback_polygons", []) for tid, h in st["hazard"].items()}
        png = Path(out_dir) / f"fault-map-{lang}.png"
        png.parent.mkdir(parents=True, exist_ok=True)
        plot_fault_map(st["result"], png, lang=figure_lang or lang, dem=dem, lines=st["lines"], scarps=st["scarps"], setbacks=polys,
                       synthetic=st["synthetic"])
    body = trace_report_blocks(st, lang, png)
    # in the main report: one level down, and no second title or synthetic notice (the report's own are above)
    out: list[Block] = [("heading", 1, tr("title", lang))]
    for blk in body[1:]:
        if blk[0] == "heading":
            out.append(("heading", max(blk[1], 2), blk[2]))
        elif not (blk[0] == "para" and blk[2] == "synthetic"):
            out.append(blk)
    return out


def write_trace_outputs(result: dict[str, Any], out_dir: str | Path, *, languages: list[str], formats: list[str],
                        cjk_font: str | None = "auto") -> list[Path]:
    """Map figures, trace report documents and GIS files of a ``fault.traces`` result into ``out_dir``.

    ``cjk_font``: the font for Chinese map labels ("auto": the one installed; None: none, so the Chinese
    documents get a map with English labels and say why, as the assessment report does)."""
    from geoexplore.fault.gis import trace_layers, write_layers
    from geoexplore.fault.mapplot import plot_fault_map
    from geoexplore.fault.tracestore import traces_from_dataset
    from geoexplore.report.writers import write_docx, write_html
    from geoexplore.viz.i18n import figure_language

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    st = traces_from_dataset(result["traces"])
    dem = result["dem"]["elevation_m"] if "dem" in result else None
    polys = {tid: h.get("setback_polygons", []) for tid, h in st["hazard"].items()}
    written: list[Path] = []
    for lang in languages:
        png = out / f"fault-map-{lang}.png"
        # as the assessment report: Chinese text with English map labels when no CJK font exists, and the reason said
        fig_lang, font_note = figure_language(lang, cjk_font)
        plot_fault_map(st["result"], png, lang=fig_lang, dem=dem, lines=st["lines"], scarps=st["scarps"], setbacks=polys,
                       synthetic=st["synthetic"])
        written.append(png)
        blocks = trace_report_blocks(st, lang, png)
        if font_note:
            blocks.insert(1, ("para", font_note, "warning"))
        if "docx" in formats:
            written.append(write_docx(blocks, out / f"traces-{lang}.docx", lang=lang))
        if "html" in formats:
            written.append(write_html(blocks, out / f"traces-{lang}.html", lang=lang))
    layers = trace_layers(st["result"], st["crs"], setbacks=polys, scarps=st["scarps"], lines=st["lines"], synthetic=st["synthetic"])
    written += write_layers(layers, out)
    return written


class TraceReportSettings(Settings):
    """Settings of ``report.traces``."""

    languages: list[Literal["en", "zh"]] = Field(["en"], description="report languages (zh needs a CJK font)")
    formats: list[Literal["docx", "html"]] = Field(["docx", "html"], description="document formats")


@step("report.traces", settings=TraceReportSettings, inputs=("traces",), figure="geoexplore.report.traces:write_from_result")
def build_traces(ctx: StepContext, settings: TraceReportSettings) -> dict[str, Any]:
    """Bundle the traces with the report settings (documents, map and GIS files written by the figure function)."""
    res = ctx.require("traces")
    out = {k: v.copy() for k, v in res.items()}
    out["traces"].attrs["report_settings_json"] = settings.to_json()
    return out


def write_from_result(result: dict[str, Any], path: str | Path) -> None:
    """Figure function of ``report.traces``: writes into ``report/`` beside the run's ``figures/`` folder."""
    p = Path(path)
    st = json.loads(result["traces"].attrs.get("report_settings_json", "{}") or "{}")
    written = write_trace_outputs(result, p.parent.parent / "report", languages=st.get("languages", ["en"]),
                                  formats=st.get("formats", ["docx", "html"]))
    png = next((w for w in written if w.suffix == ".png"), None)
    if png is not None:
        shutil.copyfile(png, p)
