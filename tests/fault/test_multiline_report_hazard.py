"""Traces in the main report and hazard sources from traces (issue 21 items 2-3, issue 22 multi-line part).

Traces from ERT + refraction SYNTHETIC TEST IMAGES of the four Siping lines (labelled; the processed lines are
checked in test_multiline_workflow.py). Neither method dates an offset horizon, so the F3 trace has no slip rate:
the hazard must skip it with the reason and never invent one. The report's traces section is read back from
the DOCX (python-docx) and the HTML.
"""

from __future__ import annotations

import numpy as np
import pytest

LINES = ("S1", "shallow", "S3", "S4")


@pytest.fixture(scope="module")
def traced(line_bundles, rules):
    from geoexplore.fault.linesteps import run_traces

    fm, bundles, dem = line_bundles
    return fm, bundles, run_traces(fm, bundles, dem=dem, rules=rules, intensity=8)


def test_trace_without_dated_offset_is_skipped_with_the_reason(traced, rules):
    from geoexplore.fault.multiline import trace_sources

    fm, _, out = traced
    srcs, skipped = trace_sources(out["traces"], fm, rules)
    assert srcs == []
    assert len(skipped) == 1 and "no dated offset on any line and no slip rate given" in skipped[0], skipped


def test_trace_sources_use_the_members_dated_offsets(traced, rules):
    """A member's slip rate from a dated offset (the assessment's detail) becomes the source's slip rate."""
    import json

    from geoexplore.fault.linesteps import run_traces
    from geoexplore.fault.multiline import trace_sources

    fm, bundles, _ = traced
    b = {ln: {k: v.copy(deep=True) for k, v in bd.items()} for ln, bd in bundles.items()}
    # give the F3 candidate of line S3 a dated offset as the single-line assessment writes it
    c = b["S3"]["candidates"]
    k = [str(v) for v in c["model_fault"].values].index("F3")
    d = json.loads(str(c["detail_json"].values[k]))
    d["slip_rates"] = [{"horizon": "base of Q3u (test)", "dip_slip_mm_yr": 0.1, "dip_slip_p16": 0.08, "dip_slip_p84": 0.12}]
    vals = [str(v) for v in c["detail_json"].values]
    vals[k] = json.dumps(d)
    c["detail_json"] = (c["detail_json"].dims, np.array(vals))
    out = run_traces(fm, b, rules=rules, intensity=8)
    srcs, skipped = trace_sources(out["traces"], fm, rules)
    from geoexplore.fault.hazard.sources import slip_rate_percentiles

    want = slip_rate_percentiles(d)
    assert want is not None, "slip_rate_percentiles must read the detail written above"
    # ERT and refraction give no sense of throw, so no rake: still skipped, with that reason
    assert srcs == [] and len(skipped) == 1 and "dip or rake unknown" in skipped[0], skipped
    tid = str(out["traces"]["trace"].values[0])
    srcs, skipped = trace_sources(out["traces"], fm, rules, rakes={tid: -90.0})
    assert len(srcs) == 1 and skipped == []
    s = srcs[0]
    assert s.rake_deg == -90.0
    assert tuple(s.slip_rate_mm_yr) == pytest.approx(want[0])
    assert "S3" in s.sources["slip_rate"]
    assert s.length_km == pytest.approx(out["traces"]["length_m"].values[0] / 1e3)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_main_report_has_the_traces_section(traced, siping_assessment, lang, tmp_path):
    import docx

    from geoexplore.fault.assess import to_datasets
    from geoexplore.report.traces import tr
    from geoexplore.report.writers import write_report

    _, _, out = traced
    bundle = dict(to_datasets(siping_assessment))
    bundle["traces"], bundle["traces_dem"] = out["traces"], out["dem"]
    write_report(bundle, tmp_path, lang=lang, figure_formats=("png",), cjk_font=None if lang == "zh" else "auto")
    assert (tmp_path / f"fault-map-{lang}.png").read_bytes()[:4] == b"\x89PNG"
    html = (tmp_path / f"report-{lang}.html").read_text(encoding="utf-8")
    for key in ("title", "map", "evidence", "isolated"):
        assert tr(key, lang) in html, key
    d = docx.Document(str(tmp_path / f"report-{lang}.docx"))
    heads = [p.text for p in d.paragraphs if p.style.name.startswith("Heading")]
    assert tr("title", lang) in heads and any(h.startswith(tr("trace", lang) + " ") for h in heads)
    rows = [[c.text for c in row.cells] for tb in d.tables for row in tb.rows]
    ev = [r for r in rows if r and r[0] in LINES]
    assert sorted({r[0] for r in ev}) == sorted(LINES)  # per-line evidence: every line of the F3 trace


def test_report_without_traces_is_unchanged(siping_assessment):
    from geoexplore.fault.assess import to_datasets
    from geoexplore.report.content import report_blocks
    from geoexplore.report.traces import traces_blocks

    bundle = dict(to_datasets(siping_assessment))
    assert traces_blocks(bundle, "en") == []
    assert all(not (b[0] == "heading" and b[2] == "Fault traces across the survey lines") for b in report_blocks(bundle, lang="en"))
