"""Workflow validation: every mistake gives an error naming the file, the step and the key."""

import pytest

from geoexplore.core.errors import WorkflowError
from geoexplore.pipeline.workflow import load_workflow



def test_valid_small_workflow(work, small_body, write_wf):
    wf = load_workflow(write_wf(work, small_body))
    assert [s.id for s in wf.steps] == ["model", "alternatives", "section"]
    assert wf.retries == 1
    items = wf.items_for(wf.step("alternatives"))
    assert [i for i, _ in items] == ["a", "b", "broken"]


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
    ],
)
def test_validation_errors(work, change, message, small_body, write_wf):
    body = small_body.replace(*change)
    assert body != small_body
    path = write_wf(work, body)
    with pytest.raises(WorkflowError, match=message) as exc:
        load_workflow(path)
    assert str(path) in str(exc.value)


def test_yaml_syntax_error_names_line(work, small_body, write_wf):
    path = write_wf(work, small_body.replace("steps:", "steps: [", 1))
    with pytest.raises(WorkflowError, match=r"wf.yaml at line \d+, column \d+: invalid YAML"):
        load_workflow(path)


def test_yaml_is_data_only(work, small_body, write_wf):
    body = small_body.replace("workflow: small", "workflow: !!python/object/apply:os.system ['echo pwned']")
    with pytest.raises(WorkflowError, match="invalid YAML"):
        load_workflow(write_wf(work, body))
