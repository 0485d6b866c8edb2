"""Workflow validation: every mistake gives an error naming the file, the step and the key."""

import textwrap

import pytest

from geoexplore.core.errors import WorkflowError
from geoexplore.pipeline.workflow import load_workflow


def test_valid_small_workflow(work, small_body, write_wf):
    wf = load_workflow(write_wf(work, small_body))
    assert [s.id for s in wf.steps] == ["model", "alternatives", "section"]
    assert wf.retries == 1
    items = wf.items_for(wf.step("alternatives"))
    assert [i for i, _ in items] == ["a", "b", "broken"]
    assert [s.cost_s for s in wf.steps] == [1.0, 1.0, 1.0]  # no hint: every step counts one second


@pytest.mark.parametrize(
    "change, message",
    [
        (("step: model.build", "step: model.biuld"), r"steps\[0\] \('model'\): unknown step 'model.biuld' \(did you mean 'model.build'\?\); known steps: .*model.section"),
        (("settings: {n_chainage: 201, n_depth: 101}", "settings: {n_chainage: 201, n_dpth: 101}"), r"unknown setting 'n_dpth' \(did you mean 'n_depth'\?\)"),
        (("settings: {n_chainage: 201, n_depth: 101}", "settings: {n_chainage: many}"), r"'n_chainage': Input should be a valid integer"),
        (("inputs: {model: model}", "inputs: {model: modle}"), r"inputs.model: 'modle' is not an earlier step \(did you mean 'model'\?\)"),
        (("foreach: {glob: \"models/*.yaml\"}", "foreach: {glob: \"nothing/*.yaml\"}"), r"no file matches 'nothing/\*.yaml'"),
        (("foreach: {glob: \"models/*.yaml\"}", "foreach: {glob: \"../../*.yaml\"}"), r"leaves the input directory"),
        (("run: {retries: 1}", "run: {retries: 1, retires: 2}"), r"run: unknown key 'retires' \(did you mean 'retries'\?\)"),
        (("run: {retries: 1}", "run: {retries: 1, batch_s: soon}"), r"run.batch_s must be a number of seconds"),
        (("run: {retries: 1}", "run: {batch_s: -1}"), r"run.batch_s must be a number of seconds 0-600"),
        (("line: shallow", "lines: shallow"), r"top level: unknown key 'lines' \(did you mean 'line'\?\)"),
        (("  - id: section", "  - id: model"), r"duplicate id 'model'"),
        (("    foreach: {items: [mt, shallow]}\n", ""), r"runs per item; give foreach"),
        (("    inputs: {model: model}\n", "    inputs: {model: model}\n    cost_s: soon\n"), r"cost_s must be a number of seconds"),
    ],
)
def test_validation_errors(work, change, message, small_body, write_wf):
    body = small_body.replace(*change)
    assert body != small_body
    path = write_wf(work, body)
    with pytest.raises(WorkflowError, match=message) as exc:
        load_workflow(path)
    assert str(exc.value).startswith(f"{path} at line {exc.value.line}: ")
    assert exc.value.path == str(path) and exc.value.line == _changed_line(body, change)


def _changed_line(body: str, change: tuple[str, str]) -> int:
    """The line of a workflow the error should name: where the changed text is (its last occurrence: a duplicate
    comes second); for a removal, its step's first line."""
    lines = textwrap.dedent(body).splitlines()
    new = change[1].strip("\n").splitlines()
    text = new[-1].strip() if new else "- id: section"
    return max(i for i, line in enumerate(lines, 1) if text in line)


def test_yaml_syntax_error_names_line(work, small_body, write_wf):
    path = write_wf(work, small_body.replace("steps:", "steps: [", 1))
    with pytest.raises(WorkflowError, match=r"wf.yaml at line \d+, column \d+: invalid YAML"):
        load_workflow(path)


def test_yaml_is_data_only(work, small_body, write_wf):
    body = small_body.replace("workflow: small", "workflow: !!python/object/apply:os.system ['echo pwned']")
    with pytest.raises(WorkflowError, match="invalid YAML"):
        load_workflow(write_wf(work, body))


@pytest.mark.parametrize(
    "change, message",
    [
        # settings that are not a mapping: a one-line error, not a TypeError
        (("settings: {n_chainage: 201, n_depth: 101}", "settings: [1, 2]"), r"steps\[2\] \('section'\).settings must be a mapping"),
        # input names are the ones the step declares
        (("inputs: {model: model}", "inputs: {mdl: model}"),
         r"steps\[2\] \('section'\).inputs.mdl: step 'model.section' takes no input 'mdl' \(did you mean 'model'\?\); its inputs: model"),
        (("    inputs: {model: model}\n", ""), r"steps\[2\] \('section'\).inputs: step 'model.section' needs the input 'model'"),
        (("foreach: {items: [mt, shallow]}", "foreach: {step: [model]}"), r"foreach.step: '\['model'\]' is not an earlier step"),
        (("run: {retries: 1}", "run: {retries: 1}\ncluster: {jobqueue: {system: condor}}"),
         r"cluster.jobqueue.system: unknown 'condor'; valid: slurm, pbs, sge, lsf"),
        (("run: {retries: 1}", "run: {retries: 1}\ncluster: {jobqueue: {system: slurm, jobs: -2}}"), r"cluster.jobqueue.jobs must be a whole number"),
        (("run: {retries: 1}", "run: {retries: 1}\ncluster: {security: {ca_file: certs/none.pem}}"), r"cluster.security.ca_file: no file .*certs/none.pem"),
        (("run: {retries: 1}", "run: {retries: 1}\ncluster: {security: {ca: x.pem}}"), r"cluster.security: unknown key 'ca'"),
    ],
)
def test_validation_errors_before_anything_runs(work, change, message, small_body, write_wf, capsys):
    """Each mistake is refused by `geoexplore validate` with one line naming the file and the key."""
    from geoexplore.cli import main

    body = small_body.replace(*change)
    assert body != small_body
    path = write_wf(work, body)
    with pytest.raises(WorkflowError, match=message) as exc:
        load_workflow(path)
    assert exc.value.line == _changed_line(body, change)
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"geoexplore: {path} at line {exc.value.line}: ") and err.count("\n") == 1, err


def test_optional_and_wildcard_inputs_are_taken(work, small_body, write_wf):
    """'<id>?' still names a declared input; a step declaring '*' (fault.assess) takes any name."""
    body = small_body.replace("inputs: {model: model}", 'inputs: {model: "model?"}') + """
  - id: fault
    step: fault.assess
    inputs: {model: model, whatever_image: "section?"}
"""
    wf = load_workflow(write_wf(work, body))
    assert set(wf.step("fault").inputs) == {"model", "whatever_image"}


def test_tls_files_resolve_relative_to_the_workflow_file(work, small_body, write_wf):
    certs = work / "certs"
    certs.mkdir()
    for name in ("ca.pem", "me.pem", "me.key"):
        (certs / name).write_text("-----BEGIN CERTIFICATE-----\n")  # existence is what validation checks
    body = small_body.replace("run: {retries: 1}", "run: {retries: 1}\ncluster:\n  security: {ca_file: certs/ca.pem, cert: certs/me.pem, key: certs/me.key}")
    wf = load_workflow(write_wf(work, body))
    assert wf.cluster["security"] == {"ca_file": str(certs / "ca.pem"), "cert": str(certs / "me.pem"), "key": str(certs / "me.key")}


def test_worker_count_is_refused_when_not_positive(work, small_body, write_wf, capsys):
    from geoexplore.cli import main
    from geoexplore.pipeline.runner import run_workflow

    wf = write_wf(work, small_body)
    for bad, shown in (("-1", "-1"), ("0", "0"), ("two", "'two'")):
        with pytest.raises(SystemExit) as exc:
            main(["run", str(wf), "--out", str(work / "o"), "--workers", bad])
        assert exc.value.code == 2  # a usage error, at once (Dask waited for ever on -1)
        assert f"argument --workers: must be a whole number of 1 or more, got {shown}" in capsys.readouterr().err
    with pytest.raises(WorkflowError, match="workers must be a whole number of 1 or more, got -1"):
        run_workflow(wf, work / "o", n_workers=-1)
    assert not (work / "o").exists()  # refused before anything was made


def test_workflow_error_keeps_its_position_across_processes(work, small_body, write_wf):
    """Errors travel pickled from Dask workers: path, line and position survive."""
    import pickle

    path = write_wf(work, small_body.replace("run: {retries: 1}", "run: {retries: 11}"))
    with pytest.raises(WorkflowError) as exc:
        load_workflow(path)
    back = pickle.loads(pickle.dumps(exc.value))
    assert type(back) is WorkflowError and str(back) == str(exc.value)
    assert (back.path, back.line, back.position) == (str(path), exc.value.line, f"line {exc.value.line}")
    assert exc.value.line == _changed_line(textwrap.dedent(small_body), ("", "run: {retries: 1}"))


def test_validate_refuses_a_symlink_out_of_the_input_folder(tmp_path):
    """Issue 26: a setting or a foreach glob reaching a file through a symbolic link whose target lies outside the
    input folder is refused by load_workflow / ``geoexplore validate`` (it used to pass validation and fail at run
    time, or for a glob be dropped without a word), naming the link; an unused link in the folder is no error."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    inp = tmp_path / "input"
    (inp / "models").mkdir(parents=True)
    model = (root / "data" / "siping" / "model.yaml").read_text()
    (inp / "model.yaml").write_text(model)
    (inp / "models" / "a.yaml").write_text(model)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text(model)
    (inp / "link.yaml").symlink_to(outside / "secret.yaml")
    (inp / "linkdir").symlink_to(outside, target_is_directory=True)
    head = "workflow: w\ninput_dir: input\nline: shallow\nsteps:\n  - id: model\n    step: model.build\n"

    def wf(extra: str, name: str) -> Path:
        p = tmp_path / f"{name}.yaml"
        p.write_text(head + extra)
        return p

    assert [s.id for s in load_workflow(wf("", "fine")).steps] == ["model"]  # the links are there, unused
    for name, extra, key in (
        ("file", "    settings: {model_file: link.yaml}\n", "steps[0] ('model').settings.model_file"),
        ("dir", "    settings: {model_file: linkdir/secret.yaml}\n", "steps[0] ('model').settings.model_file"),
    ):
        path = wf(extra, name)
        with pytest.raises(WorkflowError, match="leaves the input directory") as exc:
            load_workflow(path)
        msg = str(exc.value)
        assert key in msg and "through the symbolic link" in msg and str(outside) in msg, msg
        assert exc.value.line == 7  # the settings line
    (inp / "models" / "b.yaml").symlink_to(outside / "secret.yaml")
    glob_wf = wf("  - id: alt\n    step: model.load\n    foreach: {glob: \"models/*.yaml\"}\n", "glob")
    with pytest.raises(WorkflowError, match=r"matches .*b.yaml, which leaves the input directory .*\(through the "
                                            r"symbolic link .*b.yaml -> .*secret.yaml\)"):
        load_workflow(glob_wf)
    # the command line: validate fails with the one-line error (it used to print "valid workflow")
    r = subprocess.run([str(Path(sys.executable).parent / "geoexplore"), "validate", str(wf(
        "    settings: {model_file: link.yaml}\n", "cli"))], capture_output=True, text=True, timeout=300,
        env=dict(os.environ, PYTHONPATH=str(root)))
    assert r.returncode != 0 and "through the symbolic link" in r.stderr and "Traceback" not in r.stderr, r.stderr
