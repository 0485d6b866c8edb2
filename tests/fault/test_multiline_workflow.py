"""workflows/siping-multiline.yaml end to end on a local Dask cluster (slow: tens of minutes on a loaded 2-core machine).

Run twice: as written (reflection, ERT, refraction and H/V per line) and with the ERT steps removed (the four ERT
inversions take most of the time). Four lines' SYNTHETIC reflection shots, ERT files, refraction shots and H/V
records (data/siping/lines/<line>, and the main line's data/siping/seismic, ert, refraction, microtremor; forward
modelled from data/siping/model.yaml) processed per line by the steps of the workflow's lines: block; candidates
assessed per line
(one store result per line), joined into traces and scored against the model's along-strike section (issue 21's
done-when targets); hazard sources from the traces (never an invented slip rate); the main report with the traces
section, the trace report, map and GeoPackages written.
"""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.cluster]

LINES = ["S1", "shallow", "S3", "S4"]


def reflection_only(path, out_path):
    """The workflow without its ERT steps (and ERT inputs), input_dir made absolute; the per-line steps are in its
    ``lines:`` block (docs/workflows.md)."""
    import yaml

    def keep(steps):
        return [s for s in steps if "-ert" not in str(s.get("id", ""))]

    wf = yaml.safe_load(path.read_text(encoding="utf-8"))
    wf["input_dir"] = str((path.parent / wf["input_dir"]).resolve())
    wf["steps"] = keep(wf["steps"])
    for s in wf["steps"]:
        if "lines" in s and "step" not in s:
            s["steps"] = keep(s["steps"])
            continue
        s["inputs"] = {k: v for k, v in (s.get("inputs") or {}).items() if not (isinstance(v, str) and "-ert" in v)}
        if s["id"] == "line-fault":
            s["settings"]["methods"] = [m for m in s["settings"]["methods"] if m != "ert"]
    out_path.write_text(yaml.safe_dump(wf, sort_keys=False), encoding="utf-8")
    return out_path


@pytest.fixture(scope="module", params=["all", "no-ert"])
def run(request, repo_root, tmp_path_factory):
    from geoexplore.pipeline.runner import run_workflow

    base = tmp_path_factory.mktemp("multiline")
    wf = repo_root / "workflows" / "siping-multiline.yaml"
    if request.param == "no-ert":
        wf = reflection_only(wf, base / "no-ert.yaml")
    rep = run_workflow(wf, base / "run", n_workers=2, progress=lambda s: None)
    return rep, base / "run", request.param


def test_every_line_is_processed_and_assessed(run):
    from geoexplore.core.store import ProjectStore

    rep, out, methods = run
    assert rep.ok
    keys = ProjectStore(out / "project.h5").keys()
    for ln in LINES:
        assert any(k.endswith(f"line-fault/{ln}") for k in keys), keys
        for package, m in (("seismic", "reflection"), ("refraction", "refraction"), ("microtremor", "microtremor")):
            assert f"{package}/{ln}/{ln}-{m}" in keys, (m, keys)
        assert any(k.endswith(f"/{ln}-ert") for k in keys) == (methods == "all"), keys


def test_traces_from_processed_lines_meet_the_targets(run, siping_model, request):
    from geoexplore.core.faultmap import fault_map
    from geoexplore.core.store import ProjectStore
    from geoexplore.fault.tracestore import traces_from_dataset

    _, out, methods = run
    if methods == "no-ert":
        # measured 2026-12-06: every target holds without ERT except F3 on S4, placed 43.8 m from the model's trace
        # by reflection + refraction (22306 m; with ERT 22342 m, -7.7 m); open in issue 21
        request.applymarker(pytest.mark.xfail(strict=True, reason="without ERT, F3 on line S4 lies 43.8 m off (target 30 m)"))
    st = ProjectStore(out / "project.h5")
    res = traces_from_dataset(st.read(next(k for k in st.keys() if k.endswith("/traces")))["traces"])["result"]
    fm = fault_map(siping_model)
    by_fault = {}
    for t in res.traces:
        names = {m.model_fault for m in t.members}
        assert len(names) == 1 and "" not in names, (t.id, names)  # no trace joins two model faults
        by_fault.setdefault(names.pop(), []).append(t)
    assert sorted(by_fault) == ["F2", "F3"] and all(len(v) == 1 for v in by_fault.values())  # one trace per fault
    s0, s1 = fm.lines["S1"].s_m, fm.lines["S4"].s_m
    for f, (t,) in by_fault.items():
        assert t.lines == LINES, (f, t.lines)
        pos = [m.chainage_m - fm.trace_chainage(f, fm.lines[m.line].s_m) for m in t.members]
        assert max(abs(p) for p in pos) <= 30.0, (f, pos)
        assert abs(t.strike_deg - fm.trace_azimuth_deg(f, s0, s1)) <= 5.0, (f, t.strike_deg)
        length = fm.trace_length_m(f, s0, s1)
        assert abs(t.length_observed_m - length) <= 0.2 * length, (f, t.length_observed_m)
    assert by_fault["F2"][0].boundaries == []  # a bend, not a boundary
    assert [b["between"] for b in by_fault["F3"][0].boundaries] == [["shallow", "S3"]]  # the step-over


def test_hazard_and_reports(run):
    import json

    import geopandas as gpd

    from geoexplore.core.store import ProjectStore

    _, out, _ = run
    st = ProjectStore(out / "project.h5")
    hz = st.read(next(k for k in st.keys() if k.endswith("/hazard")))
    rows = [json.loads(str(v)) for v in hz["hazard_sources"]["table_json"].values] if "table_json" in hz["hazard_sources"] else []
    skipped = json.loads(hz["hazard_sources"].attrs.get("skipped_json", "[]"))
    # every trace is either a source whose slip rate comes from dated offsets on the lines, or skipped with a reason
    assert len(rows) + len(skipped) == 2
    for r in rows:
        assert r["sources"]["slip_rate"].startswith("envelope of the dated offsets on lines")
    for s in skipped:
        assert ": " in s and s.split(": ", 1)[1]
    rd = out / "report"
    for lang in ("en", "zh"):
        html = (rd / f"report-{lang}.html").read_text(encoding="utf-8")
        assert ("Fault traces across the survey lines" if lang == "en" else "跨测线断层迹线") in html
        assert (rd / f"fault-map-{lang}.png").stat().st_size > 1000
        assert (rd / f"traces-{lang}.html").stat().st_size > 1000
    g = gpd.read_file(rd / "fault_traces_wgs84.gpkg", layer="traces")
    assert g.crs.to_epsg() == 4326 and len(g) == 2
