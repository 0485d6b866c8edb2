"""The report's seismic-hazard section, from the ``fault.hazard`` step's Datasets (English and Chinese)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from geoexplore.report.rounding import round_sig

Block = tuple[Any, ...]

TEXT = {
    "en": {
        "heading": "Seismic hazard from the surveyed faults (site-specific supplement)",
        "intro": ("Each active fault with a slip rate becomes an OpenQuake simple fault source. Its seismic moment rate "
                  "mu A s (rigidity 3.0e10 Pa, area from length and seismogenic width) is carried by a truncated "
                  "Gutenberg-Richter or a Youngs-Coppersmith (1985) characteristic distribution, with the maximum "
                  "magnitude from Wells and Coppersmith (1994) or Leonard (2014); the four combinations are the branches "
                  "of the source-model logic tree. Rates below are the 16/50/84 % values of a seeded Monte Carlo."),
        "gmpe": ("Ground-motion models: PGA with Yu et al. (2013, eastern China; the model of GB 18306-2015) 0.5, "
                 "Boore et al. (2014) 0.25 and Chiou and Youngs (2014) 0.25; spectral accelerations with Boore et al. "
                 "(2014) and Chiou and Youngs (2014), 0.5 each. Reference site condition, no site amplification."),
        "zonation": ("The national seismic ground-motion parameter zonation map (GB 18306-2015) governs design values. "
                     "These curves hold the survey's fault sources only, without the regional background seismicity: "
                     "they are a site-specific supplement, not design values."),
        "src_table": "Fault sources and earthquake rates",
        "src_head": ["Fault", "Length (km)", "Width (km)", "Slip rate (mm/yr)", "Moment rate (N m/yr)",
                     "Rate M>=5 (1/yr)", "Rate M>=6 (1/yr)", "Mmax"],
        "poe_table": "Ground motion with 10 % and 2 % probability of exceedance in 50 years",
        "poe_head": ["Site", "Intensity measure", "10 % in 50 yr (g)", "2 % in 50 yr (g)"],
        "not_reached": "not reached by these faults",
        "fig": "Mean hazard curves of the survey's fault sources",
        "files": "OpenQuake files (NRML 0.5, read back by OpenQuake's parsers): ",
        "skipped": "Not a source: ",
    },
    "zh": {
        "heading": "勘探断层的地震危险性（场地补充分析）",
        "intro": ("每条具有滑动速率的活动断层建为 OpenQuake 简单断层震源。其地震矩率 μAs（剪切模量 3.0e10 Pa，面积由长度与"
                  "发震层宽度求得）由截断 Gutenberg-Richter 分布或 Youngs-Coppersmith（1985）特征地震分布承担，最大震级取自 "
                  "Wells 和 Coppersmith（1994）或 Leonard（2014）；四种组合构成震源模型逻辑树的分支。下表发生率为带固定随机种子的"
                  "蒙特卡洛模拟的 16/50/84 % 分位值。"),
        "gmpe": ("地震动预测方程：PGA 采用俞言祥等（2013，中国东部区，GB 18306-2015 所用模型）权重 0.5、Boore 等（2014）0.25、"
                 "Chiou 和 Youngs（2014）0.25；反应谱加速度采用 Boore 等（2014）与 Chiou 和 Youngs（2014），各 0.5。"
                 "参考场地条件，未考虑场地放大。"),
        "zonation": ("设计地震动参数以《中国地震动参数区划图》（GB 18306-2015）为准。本曲线仅含本次勘探的断层震源，未含区域背景地震活动，"
                     "是场地补充分析，不作为设计值。"),
        "src_table": "断层震源与地震发生率",
        "src_head": ["断层", "长度 (km)", "宽度 (km)", "滑动速率 (mm/a)", "地震矩率 (N·m/a)", "M≥5 年发生率", "M≥6 年发生率", "最大震级"],
        "poe_table": "50年超越概率10%与2%的地震动",
        "poe_head": ["场点", "地震动参数", "50年10% (g)", "50年2% (g)"],
        "not_reached": "本断层震源达不到",
        "fig": "勘探断层震源的平均地震危险性曲线",
        "files": "OpenQuake 文件（NRML 0.5，已由 OpenQuake 解析器回读）：",
        "skipped": "未建震源：",
    },
}


def _sig(v: float, n: int = 2) -> str:
    """``v`` with ``n`` significant digits (rates, moment rates)."""
    if v is None or not math.isfinite(v) or v <= 0:
        return "-"
    return f"{v:.{n - 1}e}" if (v < 1e-2 or v >= 1e4) else round_sig(v, n)


def _range(p: list[float], n: int = 2) -> str:
    return f"{_sig(p[1], n)} ({_sig(p[0], n)}-{_sig(p[2], n)})"


def hazard_blocks(bundle: dict[str, Any], lang: str, out_dir: str | Path | None = None, *, figure_lang: str | None = None) -> list[Block]:
    """The hazard section (nothing when the bundle has no ``hazard_sources``); writes its figure into ``out_dir``.

    ``figure_lang``: the language of the figure's labels (English when no CJK font is installed; default ``lang``).
    """
    if "hazard_sources" not in bundle:
        return []
    tx = TEXT.get(lang, TEXT["en"])
    hs = bundle["hazard_sources"]
    b: list[Block] = [("heading", 2, tx["heading"]), ("para", tx["intro"], ""), ("para", tx["gmpe"], ""),
                      ("para", tx["zonation"], "warning")]
    rows = []
    for js in hs["table_json"].values:
        r = json.loads(str(js))
        rows.append([r["name"], f"{r['length_km']:.0f}", f"{r['width_km']:.1f}", _range(r["slip_rate_mm_yr"]),
                     _range(r["moment_rate_nm_yr"]), _range(r["rate_m_min"]), _range(r["rate_m6"]),
                     f"{r['mmax'][1]:.1f} ({r['mmax'][0]:.1f}-{r['mmax'][2]:.1f})"])
        b.append(("para", f"{r['name']}: " + "; ".join(f"{k}: {v}" for k, v in r["sources"].items()), ""))
    if rows:
        b.append(("table", tx["src_table"], tx["src_head"], rows))
    for s in json.loads(hs.attrs.get("skipped_json", "[]") or "[]"):
        b.append(("para", tx["skipped"] + s, ""))
    if "hazard_curves" in bundle:
        hc = bundle["hazard_curves"]
        vals = json.loads(hc.attrs.get("poe_values_json", "[]") or "[]")
        table: dict[tuple[str, str], dict[float, Any]] = {}
        for v in vals:
            name = v["site_zh"] if (lang == "zh" and v.get("site_zh")) else v["site"]
            table.setdefault((name, v["imt"]), {})[float(v["poe"])] = v["value_g"]
        prow = [[site, imt, *(f"{d[p]:.2f}" if d.get(p) is not None else tx["not_reached"] for p in (0.1, 0.02))]
                for (site, imt), d in table.items()]
        b.append(("table", tx["poe_table"], tx["poe_head"], prow))
        if out_dir is not None:
            from geoexplore.fault.hazard.plot import plot_curves
            from geoexplore.fault.hazard.store import curves_from_dataset

            png = Path(out_dir) / f"hazard-{lang}.png"
            plot_curves(curves_from_dataset(hc), png, lang=figure_lang or lang, synthetic=bool(int(hs.attrs.get("synthetic", 0))))
            b.append(("image", str(png), tx["fig"]))
    files = sorted(json.loads(hs.attrs.get("nrml_json", "{}") or "{}"))
    if files:
        b.append(("para", tx["files"] + ", ".join(f"hazard/{f}" for f in files), ""))
    return b
