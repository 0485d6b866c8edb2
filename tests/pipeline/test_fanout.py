"""The ``lines:`` fan-out block (geoexplore.pipeline.fanout): expansion, store keys, errors naming the YAML line."""

from __future__ import annotations

import textwrap

import pytest

from geoexplore.core.errors import WorkflowError
from geoexplore.core.store.project import result_key
from geoexplore.pipeline.workflow import load_workflow

FANOUT = """\
workflow: fan
input_dir: input
line: shallow
steps:
  - id: model
    step: model.build
  - lines: [mt, shallow]
    vars:
      n: {mt: 201, shallow: 101}
    steps:
      - id: ${line}-alternatives
        step: model.load
        foreach: {glob: "models/*.yaml"}
      - id: ${line}-section
        step: model.section
        foreach: {items: ["${line}"]}
        inputs: {model: model}
        settings: {n_chainage: "${n}", n_depth: 101}
  - id: after
    step: model.section
    foreach: {items: [shallow]}
    inputs: {model: model}
"""

HAND = """\
workflow: fan
input_dir: input
line: shallow
steps:
  - id: model
    step: model.build
  - id: mt-alternatives
    step: model.load
    line: mt
    foreach: {glob: "models/*.yaml"}
  - id: mt-section
    step: model.section
    line: mt
    foreach: {items: [mt]}
    inputs: {model: model}
    settings: {n_chainage: 201, n_depth: 101}
  - id: shallow-alternatives
    step: model.load
    line: shallow
    foreach: {glob: "models/*.yaml"}
  - id: shallow-section
    step: model.section
    line: shallow
    foreach: {items: [shallow]}
    inputs: {model: model}
    settings: {n_chainage: 101, n_depth: 101}
  - id: after
    step: model.section
    foreach: {items: [shallow]}
    inputs: {model: model}
"""


def described(wf) -> list[tuple]:
    """Everything of a loaded workflow's steps that enters a run: ids, steps, lines, settings, inputs, items and the
    store key of every result."""
    out = []
    for s in wf.steps:
        items = wf.items_for(s)
        out.append((s.id, s.spec.name, s.line, s.settings.model_dump(mode="json"),
                    {k: (v.step_id, v.same_item, v.optional) for k, v in s.inputs.items()}, s.foreach, s.cost_s,
                    [str(v) for _, v in items], [result_key(s.package, s.line, s.id, i) for i, _ in items]))
    return out


def test_block_expands_to_the_hand_written_steps(work, write_wf):
    fan = load_workflow(write_wf(work, FANOUT, "fan.yaml"))
    hand = load_workflow(write_wf(work, HAND, "hand.yaml"))
    assert [s.id for s in fan.steps] == ["model", "mt-alternatives", "mt-section", "shallow-alternatives", "shallow-section", "after"]
    assert described(fan) == described(hand)
    keys = [k for d in described(fan) for k in d[-1]]
    assert "model/mt/mt-section/mt" in keys and "model/shallow/shallow-alternatives/a" in keys  # results keyed by line


def test_siping_multiline_keeps_its_steps_and_store_keys(repo_root):
    """The fan-out rewrite of workflows/siping-multiline.yaml keeps every step of the hand-written file it replaced
    (kept in tests/pipeline/data): the same settings, inputs, items and store keys, except the steps that since take
    the added refraction and H/V images (same keys, more inputs); the added steps are those of the two methods."""
    data = repo_root / "data" / "siping"
    new = {d[0]: d for d in described(load_workflow(repo_root / "workflows" / "siping-multiline.yaml", input_dir=data))}
    old = {d[0]: d for d in described(load_workflow(repo_root / "tests" / "pipeline" / "data" / "siping-multiline-handwritten.yaml",
                                                    input_dir=data))}
    more_inputs = {"line-fault", "fault"}
    for sid, d in old.items():
        assert new[sid][-1] == d[-1], sid  # store keys
        if sid not in more_inputs:
            assert new[sid] == d, sid
        else:
            assert set(d[4].items()) < set(new[sid][4].items()), sid  # the old inputs and more
    added = sorted(set(new) - set(old))
    lines = ["S1", "shallow", "S3", "S4"]
    assert added == sorted(["microtremor-array"] + [f"{ln}-{s}" for ln in lines
                                                    for s in ("refraction-pick", "refraction-picks", "refraction", "hvsr", "microtremor")])
    assert {new[f"{ln}-refraction"][2] for ln in lines} == set(lines)  # each stored under its line
    assert new["S3-microtremor"][-1] == ["microtremor/S3/S3-microtremor"]


@pytest.mark.parametrize(
    "change, message, text",
    [
        (("    vars:", "    varz:"), r"lines block\): unknown key 'varz' \(did you mean 'vars'\?\)", "n: {mt: 201"),  # its value's line
        (("  - lines: [mt, shallow]", "  - lines: []"), r"lines must be a non-empty list", "- lines: []"),
        (("  - lines: [mt, shallow]", "  - lines: [mt, mt]"), r"line 'mt' is listed twice", "- lines: [mt, mt]"),
        (("n: {mt: 201, shallow: 101}", "n: {mt: 201}"), r"vars.n: no value for line\(s\) shallow", "n: {mt: 201}"),
        (("n: {mt: 201, shallow: 101}", "n: {mt: 201, shallow: 101, S9: 3}"), r"vars.n: 'S9' is not one of the block's lines",
         "S9: 3"),
        (("n_chainage: \"${n}\"", "n_chainage: \"${m}\""), r"unknown placeholder '\$\{m\}'; known: \$\{line\}, \$\{n\}", "${m}"),
        (("id: ${line}-section", "id: section"), r"the id 'section' must contain \$\{line\}", "id: section"),
        (("n_depth: 101}", "n_dpth: 101}"), r"steps\[1\].steps\[1\] \(line 'mt'\) \('mt-section'\).settings: SectionSettings: unknown setting 'n_dpth'",
         "n_dpth"),
        (("inputs: {model: model}\n        settings", "inputs: {model: modle}\n        settings"),
         r"\(line 'mt'\) \('mt-section'\).inputs.model: 'modle' is not an earlier step", "modle"),
        (('foreach: {glob: "models/*.yaml"}', 'foreach: {glob: "nothing/*.yaml"}'), r"no file matches 'nothing/\*.yaml'", "nothing/"),
    ],
)
def test_block_errors_name_the_template_line(work, write_wf, change, message, text):
    body = FANOUT.replace(*change)
    assert body != FANOUT
    path = write_wf(work, body, "fan.yaml")
    with pytest.raises(WorkflowError, match=message) as exc:
        load_workflow(path)
    lines = textwrap.dedent(body).splitlines()
    assert exc.value.line == next(i for i, line in enumerate(lines, 1) if text in line), str(exc.value)
    assert str(exc.value).startswith(f"{path} at line {exc.value.line}: ")


def test_block_runs_each_line_on_dask(work, write_wf):
    """The expanded steps run as separate Dask tasks on a local cluster; each line's results are in the one store."""
    from distributed import Client

    from geoexplore.core.store import ProjectStore
    from geoexplore.pipeline.runner import local_cluster, run_workflow

    body = FANOUT.replace('      - id: ${line}-alternatives\n        step: model.load\n        foreach: {glob: "models/*.yaml"}\n', "")
    assert body != FANOUT
    with local_cluster(2) as cl, Client(cl) as client:
        rep = run_workflow(write_wf(work, body, "fan.yaml"), work / "out", client=client, progress=lambda s: None)
    assert [r.step_id for r in rep.items if r.status == "done"].count("mt-section") == 1
    assert rep.ok
    keys = set(ProjectStore(work / "out" / "project.h5").keys())
    assert {"model/mt/mt-section/mt", "model/shallow/shallow-section/shallow"} <= keys
    st = ProjectStore(work / "out" / "project.h5")
    assert st.read("model/mt/mt-section/mt")["vp_m_s"].sizes["chainage_m"] == 201
    assert st.read("model/shallow/shallow-section/shallow")["vp_m_s"].sizes["chainage_m"] == 101
