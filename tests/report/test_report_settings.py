"""``report.build`` settings deciding the composite formats and the documents' image size (issue 25, demo)."""

from __future__ import annotations

import json


def test_defaults_keep_every_deliverable_and_old_settings_load():
    from geoexplore.report.steps import ReportSettings

    st = ReportSettings()
    assert st.figure_formats == ["png", "pdf", "svg"] and st.image_max_px == 1600
    old = ReportSettings.model_validate({"languages": ["en"], "formats": ["html"]})  # stored before these fields
    assert old.figure_formats == ["png", "pdf", "svg"] and old.image_max_px == 1600


def test_figure_formats_decide_the_composite_files(bundle, tmp_path):
    from geoexplore.report.steps import ReportSettings, write_from_result

    for formats in (["png", "pdf", "svg"], ["png"]):
        run = tmp_path / "-".join(formats)
        (run / "figures").mkdir(parents=True)
        b = {k: v.copy() for k, v in bundle.items()}
        b["candidates"].attrs["report_settings_json"] = ReportSettings(languages=["en"], formats=["html"],
                                                                       figure_formats=formats).to_json()
        write_from_result(b, run / "figures" / "report__x.png")
        assert sorted(p.suffix for p in (run / "report").glob("composite-en.*")) == sorted(f".{f}" for f in formats)
        assert (run / "report" / "report-en.html").is_file() and (run / "figures" / "report__x.png").is_file()
    assert json.loads(ReportSettings(image_max_px=506).to_json())["image_max_px"] == 506


def test_the_demo_workflow_starts_the_image_search_at_506_px_and_keeps_every_composite_format():
    from pathlib import Path

    import yaml

    wf = yaml.safe_load((Path(__file__).parents[2] / "workflows" / "siping-segment.yaml").read_text())
    (rep,) = [s for s in wf["steps"] if s["id"] == "report"]
    assert rep["settings"]["image_max_px"] == 506 == int(int(int(int(1600 * 0.75) * 0.75) * 0.75) * 0.75)
    assert rep["settings"]["figure_formats"] == ["png", "pdf", "svg"]
