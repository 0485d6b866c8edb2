"""The Dask runner on a real LocalCluster (worker processes): fan-out, failure isolation, resume, bad input."""

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from geoexplore.cli import main
from geoexplore.core.errors import StoreError
from geoexplore.core.store import ProjectStore, file_digest
from geoexplore.pipeline.runner import run_workflow

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.cluster


@pytest.fixture(scope="module")
def client():
    from distributed import Client

    from geoexplore.pipeline.runner import local_cluster

    with local_cluster(2) as cl, Client(cl) as c:
        yield c


def test_run_isolates_failures_and_resumes(work, small_body, write_wf, client):
    wf = write_wf(work, small_body)
    out = work / "out"
    lines = []
    report = run_workflow(wf, out, client=client, progress=lines.append)
    st = {(r.step_id, r.item): r for r in report.items}
    assert st[("model", None)].status == "done"
    assert st[("alternatives", "a")].status == "done" and st[("alternatives", "b")].status == "done"
    broken = st[("alternatives", "broken")]
    assert broken.status == "failed"
    assert "broken.yaml" in broken.error and "line" in broken.error  # names the file and where
    assert st[("section", "mt")].status == "done" and st[("section", "shallow")].status == "done"
    assert not report.ok and len(report.failed) == 1
    run = json.loads((out / "run.json").read_text())
    assert run["counts"] == {"done": 5, "failed": 1}
    assert run["failed"][0]["key"] == "model/shallow/alternatives/broken"
    # figures for the section step, progress lines per stage, and a summary
    assert (out / "figures" / "model__shallow__section__mt.png").exists()
    assert any(line.startswith("[3/3] section") for line in lines)
    # steps that do not depend on each other start together: 'alternatives' does not wait for 'model'
    first_launch = lines.index("[2/3] alternatives (model.load): 3 item(s)")
    model_done = next(i for i, line in enumerate(lines) if line.startswith("[1/3] model (model.build) finished"))
    section_start = next(i for i, line in enumerate(lines) if line.startswith("[3/3] section"))
    assert first_launch < model_done < section_start
    store = ProjectStore(out / "project.h5")
    digests = store.digests()
    assert len(digests) == 5
    prov = store.provenance("model/shallow/section/mt")
    assert prov["settings"] == {"max_depth_m": None, "n_chainage": 201, "n_depth": 101, "supersample": 1}
    assert prov["inputs"]["model"] == digests["model/shallow/model"]
    assert prov["geoexplore_version"] and prov["time_utc"] and prov["run_key"]

    # resume: nothing recomputed, the broken file fails again, the store is identical
    report2 = run_workflow(wf, out, client=client, resume=True, progress=lines.append)
    statuses = sorted((r.key, r.status) for r in report2.items)
    assert [s for k, s in statuses if "broken" not in k] == ["reused"] * 5
    assert store.digests() == digests
    assert {k: v["time_utc"] for k, v in store.provenances().items()} == {k: v["time_utc"] for k, v in ProjectStore(out / "project.h5").provenances().items()}

    # a changed setting invalidates just that step and what depends on it
    wf2 = write_wf(work, small_body.replace("n_depth: 101", "n_depth: 51"), name="wf2.yaml")
    report3 = run_workflow(wf2, out, client=client, resume=True, progress=lines.append)
    by = {(r.step_id, r.item): r.status for r in report3.items}
    assert by[("model", None)] == "reused" and by[("section", "mt")] == "done"


def _hv_workflow(write_wf, tmp_path, siping_dir, names, name):
    """A one-step H/V workflow over the named SYNTHETIC Siping stations, copied to ``tmp_path/input``."""
    inp = tmp_path / "input" / "microtremor"
    inp.mkdir(parents=True)
    shutil.copy(siping_dir / "microtremor" / "stations.json", inp)
    for n in names:
        shutil.copy(siping_dir / "microtremor" / f"{n}.mseed", inp)
    return write_wf(tmp_path, f"""
        workflow: {name}
        input_dir: input
        line: shallow
        steps:
          - id: hvsr
            step: microtremor.hvsr
            foreach: {{glob: "microtremor/hv_*.mseed"}}
            settings: {{window_length_s: 30.0, peak_freq_min_hz: 0.5, peak_freq_max_hz: 1.8,
                       stations_file: microtremor/stations.json, synthetic: true}}
        """)


def test_missing_input_file_skips_dependents(work, small_body, write_wf, client):
    body = small_body.replace("    step: model.build\n", "    step: model.build\n    settings: {model_file: nowhere.yaml}\n")
    report = run_workflow(write_wf(work, body), work / "out2", client=client, progress=lambda s: None)
    st = {(r.step_id, r.item): r for r in report.items}
    assert st[("model", None)].status == "failed" and "nowhere.yaml" in st[("model", None)].error
    assert st[("section", "mt")].status == "skipped"
    assert st[("alternatives", "a")].status == "done"  # independent items still finish


def test_corrupt_store_with_resume_is_refused(work, small_body, write_wf, client):
    out = work / "out3"
    out.mkdir()
    (out / "project.h5").write_bytes(b"not hdf5 at all")
    with pytest.raises(StoreError, match="project.h5: not a readable HDF5"):
        run_workflow(write_wf(work, small_body), out, client=client, resume=True)
    assert (out / "project.h5").read_bytes() == b"not hdf5 at all"


def test_fresh_run_keeps_the_previous_stores(work, small_body, write_wf, client):
    """Fresh runs never overwrite an earlier store: project.h5.prev is the last one, older ones get their time in the name."""
    out = work / "out4"
    generations = []
    for depth in (101, 51, 31):
        wf = write_wf(work, small_body.replace("n_depth: 101", f"n_depth: {depth}"), name=f"gen{depth}.yaml")
        lines = []
        run_workflow(wf, out, client=client, figures=False, progress=lines.append)
        generations.append(ProjectStore(out / "project.h5").digests())
    assert len({d["model/shallow/section/mt"] for d in generations}) == 3  # three different results
    assert "previous store moved to project.h5.prev (the one before to project.h5.prev-" in lines[0]
    assert ProjectStore(out / "project.h5.prev").digests() == generations[1]
    older = sorted(out.glob("project.h5.prev-*"))
    assert len(older) == 1 and re.fullmatch(r"project\.h5\.prev-\d{8}T\d{6}Z", older[0].name)
    assert ProjectStore(older[0]).digests() == generations[0]


def test_read_only_output_is_a_clear_error(work, small_body, write_wf, client):
    target = work / "afile"
    target.write_text("x")
    with pytest.raises(StoreError, match="cannot create the output directory"):
        run_workflow(write_wf(work, small_body), target / "out", client=client)


def test_cli_exit_codes(work, small_body, write_wf, capfd):
    """Exit codes; a failed item is one line on the console (its traceback is in run.json), the workers print nothing."""
    assert main(["validate", str(write_wf(work, small_body))]) == 0
    shown = capfd.readouterr().out
    assert "valid workflow 'small', 3 steps" in shown
    assert '  section: model.section (line shallow) foreach {"items": ["mt", "shallow"]} inputs model <- model\n' in shown
    bad = write_wf(work, small_body.replace("model.build", "model.bild"), name="bad.yaml")
    assert main(["validate", str(bad)]) == 1
    err = capfd.readouterr().err
    assert err.startswith("geoexplore: ") and "bad.yaml" in err and "did you mean 'model.build'" in err
    assert err.count("\n") == 1  # one line
    code = main(["run", str(write_wf(work, small_body)), "--out", str(work / "cli-out"), "--workers", "2", "--no-figures"])
    assert code == 3  # the broken alternative model is a partial failure
    out = capfd.readouterr()  # file descriptors: the local cluster's worker processes write to the same stderr
    assert "summary: 5 done, 1 failed" in out.out
    assert out.err == f"geoexplore: 1 item(s) failed; see {work / 'cli-out' / 'run.json'}\n", out.err
    broken = [ln for ln in out.out.splitlines() if "broken" in ln]
    assert len(broken) == 1 and broken[0].startswith("    alternatives/broken: FAILED FileFormatError: ") and "line 45" in broken[0]
    assert "Traceback" not in out.out
    failed = json.loads((work / "cli-out" / "run.json").read_text())["failed"]
    assert failed[0]["traceback"].startswith("Traceback") and "yamlio.py" in failed[0]["traceback"]
    assert failed[0]["attempts"] == 1  # a malformed file is not tried again (run.retries is 1)


def test_cli_version_and_info(capsys):
    with pytest.raises(SystemExit) as e:
        main(["--version"])
    assert e.value.code == 0
    assert capsys.readouterr().out.startswith("geoexplore ")
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    assert "pygimli" in out and "cpus" in out and "memory" in out
    assert os.cpu_count()


def test_optional_input_lets_a_step_run_on_what_exists(work, small_body, write_wf, client):
    # the 'model' step fails (missing file); 'section' takes it as optional and so runs (and fails on its own terms),
    # while a required input would have skipped it
    body = small_body.replace("    step: model.build\n", "    step: model.build\n    settings: {model_file: nowhere.yaml}\n")
    opt = body.replace("inputs: {model: model}", 'inputs: {model: "model?"}')
    report = run_workflow(write_wf(work, opt, name="opt.yaml"), work / "out-opt", client=client, progress=lambda s: None)
    st = {(r.step_id, r.item): r for r in report.items}
    assert st[("section", "mt")].status == "failed"
    assert "input 'model' is missing" in st[("section", "mt")].error


MANY = """
workflow: many
input_dir: input
line: shallow
run: {retries: 0, batch_s: BATCH}
steps:
  - id: alternatives
    step: model.load
    foreach: {glob: "models/*.yaml"}
"""


def _many_models(work, write_wf, batch_s: float, name: str):
    """A workflow over 33 short items: models a, b, broken and 30 copies with other dips."""
    text = (work / "input" / "models" / "a.yaml").read_text()
    for i in range(30):
        (work / "input" / "models" / f"m{i:02d}.yaml").write_text(text.replace("dip_deg: 70", f"dip_deg: {70 + i % 6}"))
    return write_wf(work, MANY.replace("BATCH", str(batch_s)), name)


def test_short_items_are_grouped_into_tasks_without_changing_results(work, write_wf, client):
    """Many short items: sent as groups (fewer Dask tasks), a failing item stays isolated, same store as one task per item.

    Grouping follows the measured item times: batch_s 30 s keeps these items (0.05 s idle, about 1 s at load 20)
    short enough to be grouped on a loaded machine too (with 0.5 s the test failed at load 22)."""
    grouped = run_workflow(_many_models(work, write_wf, 30, "g.yaml"), work / "grouped", client=client,
                           figures=False, progress=lambda s: None)
    single = run_workflow(_many_models(work, write_wf, 0, "s.yaml"), work / "single", client=client,
                          figures=False, progress=lambda s: None)
    n_items = 33  # a, b, broken and 30 copies
    assert len(grouped.items) == len(single.items) == n_items
    assert single.tasks == n_items
    assert grouped.tasks < n_items  # short items went several to a task
    for rep in (grouped, single):
        failed = [r for r in rep.items if r.status == "failed"]
        assert [r.item for r in failed] == ["broken"] and "broken.yaml" in failed[0].error
        assert sum(r.status == "done" for r in rep.items) == n_items - 1
    assert ProjectStore(work / "grouped" / "project.h5").digests() == ProjectStore(work / "single" / "project.h5").digests()
    run = json.loads((work / "grouped" / "run.json").read_text())
    assert run["tasks"] == grouped.tasks and run["counts"] == {"done": n_items - 1, "failed": 1}


def test_writes_are_spaced_out_when_the_store_is_large(work, write_wf, client):
    """Each transaction copies and syncs the whole store: on a large store the runner writes results in fewer, larger groups."""
    import numpy as np
    import xarray as xr

    wf = _many_models(work, write_wf, 0.5, "many.yaml")
    big = work / "big"
    big.mkdir()
    ballast = xr.Dataset({"v": ("x", np.random.default_rng(0).random(25_000_000))})  # 200 MB already in the store
    ProjectStore(big / "project.h5").write({"model/shallow/ballast": ballast}, {"model/shallow/ballast": {"run_key": "-"}})
    spaced = run_workflow(wf, big, client=client, resume=True, figures=False, progress=lambda s: None)
    fresh = run_workflow(wf, work / "fresh", client=client, figures=False, progress=lambda s: None)
    assert sum(r.status == "done" for r in spaced.items) == 32
    assert spaced.store_commits <= 3 < spaced.tasks  # results of many tasks went into few transactions
    assert fresh.store_commits > spaced.store_commits  # on a small store they are written as they come
    big_digests = ProjectStore(big / "project.h5").digests()
    assert {k: v for k, v in big_digests.items() if "ballast" not in k} == ProjectStore(work / "fresh" / "project.h5").digests()
    assert json.loads((big / "run.json").read_text())["store_commits"] == spaced.store_commits


def test_changed_input_file_named_in_settings_is_recomputed_on_resume(work, small_body, write_wf, client):
    """model.build reads settings.model_file: a changed file reruns it and what depends on it; unchanged, all is reused."""
    from geoexplore.core.modelcodec import model_from_dataset

    wf = write_wf(work, small_body)
    out = work / "out-files"
    run_workflow(wf, out, client=client, figures=False, progress=lambda s: None)
    store = ProjectStore(out / "project.h5")
    first = store.digests()
    assert model_from_dataset(store.read("model/shallow/model")).faults[2].dip_deg == 70  # F3
    model_yaml = work / "input" / "model.yaml"
    model_yaml.write_text(model_yaml.read_text().replace("dip_deg: 70", "dip_deg: 75"))
    report = run_workflow(wf, out, client=client, resume=True, figures=False, progress=lambda s: None)
    by = {(r.step_id, r.item): r.status for r in report.items}
    assert by == {("model", None): "done", ("section", "mt"): "done", ("section", "shallow"): "done",
                  ("alternatives", "a"): "reused", ("alternatives", "b"): "reused", ("alternatives", "broken"): "failed"}
    assert model_from_dataset(store.read("model/shallow/model")).faults[2].dip_deg == 75
    assert store.digests()["model/shallow/section/shallow"] != first["model/shallow/section/shallow"]
    assert store.provenance("model/shallow/model")["files"] == {"model_file": file_digest(model_yaml)}
    # nothing changed: everything is reused
    report = run_workflow(wf, out, client=client, resume=True, figures=False, progress=lambda s: None)
    assert sorted(r.status for r in report.items) == ["failed"] + ["reused"] * 5


FLAKY = """
workflow: flaky
input_dir: input
run: {{retries: {retries}}}
steps:
  - id: flaky
    step: flaky.item
    foreach: {{items: [a, b, c]}}
    settings: {{marker_dir: "{markers}", failures: {failures}}}
"""


@pytest.fixture()
def flaky_step(client, monkeypatch):
    """The test step of flaky_steps.py, registered here and sent to the cluster's workers."""
    import importlib

    from geoexplore.pipeline import step as step_module

    here = Path(__file__).parent
    monkeypatch.syspath_prepend(str(here))
    importlib.import_module("flaky_steps")
    client.upload_file(str(here / "flaky_steps.py"))
    yield
    step_module._REGISTRY.pop("flaky.item", None)


@pytest.mark.parametrize("retries, failures, status, attempts", [(2, 1, "done", 2), (0, 1, "failed", 1), (2, 3, "failed", 3)])
def test_retries_on_a_flaky_item(work, write_wf, client, flaky_step, retries, failures, status, attempts):
    """run.retries: an item failing its first attempt recovers with retries=2 and run.json says so; with retries=0 it fails."""
    markers = work / "markers"
    markers.mkdir()
    wf = write_wf(work, FLAKY.format(retries=retries, failures=failures, markers=markers), name="flaky.yaml")
    out = work / "flaky-out"
    lines: list[str] = []
    report = run_workflow(wf, out, client=client, figures=status == "done", progress=lines.append)
    run = json.loads((out / "run.json").read_text())
    assert run["counts"] == {status: 3}
    for rec in run["items"]:
        assert rec["attempts"] == attempts
        assert (markers / f"{rec['item']}.attempts").read_text() == str(attempts)  # the step really ran that often
        said = [e.split(" (")[0] for e in rec["attempt_errors"] + ([rec["error"]] if rec["error"] else [])]
        assert said == [f"RuntimeError: flaky item {rec['item']}: attempt {i} fails on purpose" for i in range(1, min(attempts, failures) + 1)]
    if status == "done":
        assert all(float(ProjectStore(out / "project.h5").read(f"flaky/profile/flaky/{i}")["attempt"]) == 2 for i in "abc")
        assert sum("done in" in ln and "(attempt 2; earlier: RuntimeError" in ln for ln in lines) == 3
        # a figure that fails is one line and a note in run.json; the result stays stored
        figs = {r["item"]: (r["figure"], r["figure_error"]) for r in run["items"]}
        assert figs["a"] == ("figures/flaky__profile__flaky__a.png", None) and (out / figs["a"][0]).exists()
        assert figs["b"][0] is None and figs["b"][1].startswith("ValueError: no figure for item b, on purpose")
        assert [ln for ln in lines if "figure for" in ln] == [f"    figure for flaky/profile/flaky/b failed: {figs['b'][1]}"]
    else:
        assert not report.ok and sorted(f["item"] for f in run["failed"]) == ["a", "b", "c"]
        assert all("flaky_steps.py" in f["traceback"] for f in run["failed"])


def test_per_record_results_go_to_one_record_table(tmp_path, write_wf, client, siping_dir):
    """microtremor.hvsr keeps its records as rows of one table; they read back as the step made them; --resume reuses them."""
    import shutil

    import h5py
    import numpy as np
    import xarray as xr

    from geoexplore.core.records import TABLE_NAME, table_path
    from geoexplore.core.store import result_digest
    from geoexplore.pipeline.step import StepContext, get_step

    names = ["hv_21025", "hv_21475", "hv_22975"]
    wf = _hv_workflow(write_wf, tmp_path, siping_dir, names, "hv-table")
    inp = tmp_path / "input" / "microtremor"
    out = tmp_path / "out"
    rep = run_workflow(wf, out, client=client, figures=False, progress=lambda s: None)
    assert rep.ok and len(rep.items) == 3
    store = ProjectStore(out / "project.h5")
    with h5py.File(store.path) as f:
        assert list(f["microtremor/shallow/hvsr"]) == [TABLE_NAME]  # no group per record
    spec = get_step("microtremor.hvsr")
    settings = spec.settings.from_mapping({"window_length_s": 30.0, "peak_freq_min_hz": 0.5, "peak_freq_max_hz": 1.8,
                                           "stations_file": "microtremor/stations.json", "synthetic": True})
    for n in names:
        key = f"microtremor/shallow/hvsr/{n}"
        direct = spec(StepContext(step_id="hvsr", item=n, item_value=str(inp / f"{n}.mseed"), input_dir=tmp_path / "input",
                                  line="shallow"), settings)
        assert store.provenance(key)["digest"] == result_digest(direct)  # computed on the worker from the same result
        got = store.read(key)
        for v in direct.variables:
            np.testing.assert_array_equal(got[v].values, direct[v].values)
        assert got.attrs["f0_hz"] == direct.attrs["f0_hz"] and got.attrs["station"] == direct.attrs["station"]
    with xr.open_dataset(store.path, group=table_path("microtremor/shallow/hvsr"), engine="h5netcdf") as t:
        assert sorted(t["item"].values) == names and t["attr_f0_hz"].shape == (3,)
    # resume reuses every row; a changed record is recomputed alone and replaces its row
    rep2 = run_workflow(wf, out, client=client, resume=True, figures=False, progress=lambda s: None)
    assert {r.status for r in rep2.items} == {"reused"}
    shutil.copy(siping_dir / "microtremor" / "hv_22025.mseed", inp / "hv_21475.mseed")
    before = ProjectStore(out / "project.h5").digests()
    rep3 = run_workflow(wf, out, client=client, resume=True, figures=False, progress=lambda s: None)
    assert {r.item: r.status for r in rep3.items} == {"hv_21025": "reused", "hv_21475": "done", "hv_22975": "reused"}
    after = ProjectStore(out / "project.h5").digests()
    changed = {k for k in after if after[k] != before[k]}
    assert changed == {"microtremor/shallow/hvsr/hv_21475"}


def test_station_reruns_when_its_metadata_or_remote_reference_changes(tmp_path, write_wf, client):
    """mt.tf reads files no setting names (side-car metadata, the neighbour taken as remote reference):
    their contents are in each station's run key, so --resume reruns exactly the stations that read a changed file."""
    src = ROOT / "data" / "siping" / "mt" / "timeseries"
    inp = tmp_path / "input" / "ts"
    inp.mkdir(parents=True)
    for name in ("MT03", "MT12", "MT22"):
        for suffix in (".mseed", ".yaml"):
            shutil.copy(src / f"{name}{suffix}", inp / f"{name}{suffix}")
    wf = write_wf(tmp_path, """
        workflow: remotes
        input_dir: input
        line: mt
        steps:
          - id: tf
            step: mt.tf
            foreach: {glob: "ts/*.mseed"}
            settings: {remote_neighbour: true}
        """)
    out = tmp_path / "out"

    def statuses(resume: bool) -> dict[str, str]:
        report = run_workflow(wf, out, client=client, resume=resume, figures=False, progress=lambda s: None)
        return {r.item: r.status for r in report.items}

    assert statuses(False) == {"MT03": "done", "MT12": "done", "MT22": "done"}
    store = ProjectStore(out / "project.h5")
    assert store.read("mt/mt/tf/MT12").attrs["remote_station"] == "MT22"  # MT03 -> MT12 -> MT22 -> MT03
    assert store.provenance("mt/mt/tf/MT12")["item_files"] == {
        f"ts/{n}": file_digest(inp / n) for n in ("MT22.mseed", "MT12.yaml", "MT22.yaml")}
    assert statuses(True) == dict.fromkeys(("MT03", "MT12", "MT22"), "reused")
    shutil.copy(src / "MT27.mseed", inp / "MT22.mseed")  # other data in MT22: MT22 itself and MT12, its user, rerun
    assert statuses(True) == {"MT03": "reused", "MT12": "done", "MT22": "done"}
    side = inp / "MT03.yaml"
    side.write_text(side.read_text() + "\n# checked in the field again\n")  # MT03's metadata: MT03 and MT22 (its user) rerun
    assert statuses(True) == {"MT03": "done", "MT12": "reused", "MT22": "done"}


def test_longest_remaining_chain_runs_first(work, write_wf):
    """Issue 25: ready tasks run longest remaining path first (cost_s), not in the order the steps are listed.

    One worker; five independent steps become ready together when the model is built, listed short ones
    first. The last one carries a long expected run time: its items run before those of the steps listed
    above it (except what the worker was already given), and the results are those of a run without hints.
    """
    from distributed import Client

    from geoexplore.pipeline.runner import local_cluster
    from geoexplore.pipeline.schedule import remaining_path_s
    from geoexplore.pipeline.workflow import load_workflow

    steps = "".join(f"""
  - id: s{i}
    step: model.section
    foreach: {{items: [mt, shallow]}}
    inputs: {{model: model}}
    settings: {{n_chainage: {61 + i}, n_depth: 41}}{chr(10) + '    cost_s: 500' if i == 4 else ''}
""" for i in range(5))
    body = "workflow: prio\ninput_dir: input\nline: shallow\nrun: {batch_s: 0}\nsteps:\n  - id: model\n    step: model.build\n" + steps
    wf = write_wf(work, body, name="prio.yaml")
    assert remaining_path_s(load_workflow(wf)) == {"model": 501.0, "s0": 1.0, "s1": 1.0, "s2": 1.0, "s3": 1.0, "s4": 500.0}
    plain = write_wf(work, body.replace("    cost_s: 500\n", ""), name="plain.yaml")
    with local_cluster(1) as cl, Client(cl) as c:
        report = run_workflow(wf, work / "prio", client=c, figures=False, progress=lambda s: None)
        ref = run_workflow(plain, work / "plain", client=c, figures=False, progress=lambda s: None)
    assert report.ok and ref.ok
    done = [it.step_id for it in report.items if it.step_id != "model"]  # in the order they finished
    # the worker may hold up to two tasks of s0 already; s4 comes next, before s1-s3
    assert max(i for i, s in enumerate(done) if s == "s4") < min(i for i, s in enumerate(done) if s in ("s1", "s2", "s3"))
    assert ProjectStore(work / "prio" / "project.h5").digests() == ProjectStore(work / "plain" / "project.h5").digests()


@pytest.mark.parametrize("send_max", [None, 0])
def test_figure_of_a_record_row_is_drawn_from_the_row_and_equals_the_one_drawn_from_the_store(tmp_path, write_wf, client, siping_dir,
                                                                                                 monkeypatch, send_max):
    """A microtremor.hvsr result (a row of its record table) goes to its figure task with the task; the PNG equals,
    byte for byte, the figure a worker draws after reading the result back from the store file. With a send limit
    of 0 bytes the figure task reads the store (the path of large results) and draws the same."""

    from geoexplore.pipeline import runner
    from geoexplore.pipeline.task import draw_figure

    if send_max is not None:
        monkeypatch.setattr(runner, "FIGURE_SEND_MAX_BYTES", send_max)

    wf = _hv_workflow(write_wf, tmp_path, siping_dir, ["hv_21025", "hv_22975"], "hv-figures")
    out = tmp_path / "out"
    rep = run_workflow(wf, out, client=client, figures=True, progress=lambda s: None)
    assert rep.ok and all(r.figure and r.figure_cpu_s > 0 for r in rep.items)
    for r in rep.items:
        again = tmp_path / f"{r.item}-from-store.png"
        res = client.submit(draw_figure, "geoexplore.microtremor.plot:plot_hvsr", str(out / "project.h5"), r.key, str(again),
                            pure=False).result()
        assert "error" not in res, res
        assert (out / r.figure).read_bytes() == again.read_bytes(), r.key
