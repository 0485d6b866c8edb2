"""The assess/report commands on a project store, and the fault.assess / report.build steps."""

from __future__ import annotations

import json

import pytest


@pytest.fixture(scope="module")
def store_with_images(tmp_path_factory, siping_dir):
    from geoexplore.core.geomodel import load_model
    from geoexplore.core.modelcodec import model_to_dataset
    from geoexplore.core.store import ProjectStore
    from geoexplore.fault.synth import test_images

    model = load_model(siping_dir / "model.yaml")
    ims = test_images(model, methods=("reflection", "ert", "microtremor"))
    d = tmp_path_factory.mktemp("run")
    store = ProjectStore(d / "project.h5")
    res = {"model/shallow/model": model_to_dataset(model)}
    res.update({f"x/shallow/{m}-image": ds for m, ds in ims.items()})
    store.write(res, {k: {"step": "test"} for k in res})
    return d


def test_assess_command(store_with_images, tmp_path, capsys):
    from geoexplore.cli import main

    rc = main(["assess", str(store_with_images), "--out", str(tmp_path), "--no-figures"])
    out = capsys.readouterr().out
    assert rc == 0
    assert "missing: refraction,mt" in out and "missing methods: refraction, mt" in out
    assert "Late Pleistocene active" in out
    data = json.loads((tmp_path / "assessment.json").read_text())
    assert data["attrs"]["methods_missing"] == "refraction,mt"
    assert (tmp_path / "fault_candidates_wgs84.geojson").is_file()
    assert (tmp_path / "candidates.csv").read_text().count("\n") >= 3


def test_assess_without_images_fails_clearly(tmp_path, capsys, siping_dir):
    from geoexplore.cli import main
    from geoexplore.core.geomodel import load_model
    from geoexplore.core.modelcodec import model_to_dataset
    from geoexplore.core.store import ProjectStore

    store = ProjectStore(tmp_path / "project.h5")
    store.write({"model/shallow/model": model_to_dataset(load_model(siping_dir / "model.yaml"))}, {"model/shallow/model": {"step": "t"}})
    assert main(["assess", str(tmp_path / "project.h5"), "--out", str(tmp_path / "o")]) == 1
    assert "no method image" in capsys.readouterr().err
    assert main(["assess", str(tmp_path / "nothing.h5"), "--out", str(tmp_path / "o")]) == 1


def test_report_command(store_with_images, tmp_path):
    from geoexplore.cli import main

    assert main(["report", str(store_with_images), "--out", str(tmp_path), "--lang", "en"]) == 0
    assert (tmp_path / "report-en.docx").is_file() and (tmp_path / "report-en.html").is_file()
    assert (tmp_path / "composite-en.pdf").is_file() and (tmp_path / "fault_candidates.geojson").is_file()


def test_steps_directly(siping_dir, tmp_path):
    from geoexplore.core.geomodel import load_model
    from geoexplore.core.modelcodec import model_to_dataset
    from geoexplore.fault.steps import AssessSettings, assess_step
    from geoexplore.fault.synth import test_images
    from geoexplore.pipeline.step import StepContext
    from geoexplore.report.steps import ReportSettings, build, write_from_result

    model = load_model(siping_dir / "model.yaml")
    ims = test_images(model, methods=("ert",))
    ctx = StepContext(step_id="assess", inputs={"model": model_to_dataset(model), "ert": {"img": ims["ert"]}}, input_dir=siping_dir, line="shallow")
    res = assess_step(ctx, AssessSettings(thumbnail_cells=100))
    assert set(res) >= {"candidates", "indicators", "img_ert"}
    assert res["candidates"].attrs["methods_used"] == "ert"
    rep = build(StepContext(step_id="report", inputs={"assessment": res}), ReportSettings(formats=["html"]))
    figs = tmp_path / "figures"
    figs.mkdir()
    write_from_result(rep, figs / "report__shallow__report.png")
    assert (tmp_path / "report" / "report-en.html").is_file()
    assert (figs / "report__shallow__report.png").read_bytes()[:4] == b"\x89PNG"


def test_report_command_writes_both_languages_by_default_and_json(store_with_images, tmp_path, capsys):
    from geoexplore.cli import main

    assert main(["report", str(store_with_images), "--out", str(tmp_path), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)  # nothing but the JSON on stdout
    assert summary["exit_code"] == 0 and summary["languages"] == ["en", "zh"]
    for lang in ("en", "zh"):
        assert (tmp_path / f"report-{lang}.docx").is_file() and (tmp_path / f"report-{lang}.html").is_file()
        assert str(tmp_path / f"report-{lang}.html") in summary["files"]
    assert summary["methods_missing"] == "refraction,mt"
    c = summary["candidates"][0]
    assert c["position"].endswith(" m") and "±" in c["position"] and c["activity_zh"]
