"""The fault-trace report (report.traces): a section per trace, the map figure, GIS files."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def traced(siping_model, siping_dir):
    from geoexplore.core.dem import read_dem
    from geoexplore.core.faultmap import fault_map
    from geoexplore.fault.linesteps import run_traces
    from geoexplore.fault.multiline import assess_line

    fm = fault_map(siping_model)
    bundles = {ln: assess_line(fm, ln, methods=("ert", "refraction")) for ln in ("S1", "shallow", "S3", "S4")}
    return run_traces(fm, bundles, dem=read_dem(siping_dir / "dem" / "siping-dem.tif"), intensity=8)


def test_chinese_trace_report_without_a_cjk_font_has_an_english_map_and_says_why(traced, tmp_path):
    from geoexplore.report.traces import write_trace_outputs
    from geoexplore.viz.i18n import t

    written = write_trace_outputs(traced, tmp_path, languages=["zh"], formats=["html"], cjk_font=None)
    assert (tmp_path / "fault-map-zh.png") in written
    html = (tmp_path / "traces-zh.html").read_text(encoding="utf-8")
    assert t("figure_font_note", "zh") in html and "fonts-noto-cjk" in html


def test_trace_report_documents(traced, tmp_path):
    import docx

    from geoexplore.report.traces import write_trace_outputs

    written = write_trace_outputs(traced, tmp_path, languages=["en", "zh"], formats=["docx", "html"])
    names = {p.name for p in written}
    assert {"fault-map-en.png", "fault-map-zh.png", "traces-en.docx", "traces-zh.html", "fault_traces_cgcs2000.gpkg",
            "fault_traces_wgs84.gpkg"} <= names
    html = (tmp_path / "traces-en.html").read_text(encoding="utf-8")
    assert "Trace T1" in html and "Per-line evidence" in html and "<img" in html and "SYNTHETIC" in html
    assert "shallow-S3" in html  # the segment boundary of F3's step-over
    text = "\n".join(p.text for p in docx.Document(tmp_path / "traces-zh.docx").paragraphs)
    assert "迹线 T1" in text and "合成数据" in text
