"""Workflow fixtures: small real pipelines on the Siping model, in a temporary input folder."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def work(tmp_path: Path) -> Path:
    """An input folder with the Siping model and two alternative models (one broken)."""
    return make_work(tmp_path)


def make_work(tmp_path: Path) -> Path:
    inp = tmp_path / "input"
    (inp / "models").mkdir(parents=True)
    shutil.copy(ROOT / "data" / "siping" / "model.yaml", inp / "model.yaml")
    text = (ROOT / "data" / "siping" / "model.yaml").read_text()
    (inp / "models" / "a.yaml").write_text(text)
    (inp / "models" / "b.yaml").write_text(text.replace("dip_deg: 70", "dip_deg: 75"))
    (inp / "models" / "broken.yaml").write_text(text.replace("blocks:", "blocks: [oops"))
    return tmp_path


def write_workflow(tmp: Path, body: str, name: str = "wf.yaml") -> Path:
    p = tmp / name
    p.write_text(textwrap.dedent(body))
    return p


SMALL = """
workflow: small
input_dir: input
line: shallow
run: {retries: 1}
steps:
  - id: model
    step: model.build
  - id: alternatives
    step: model.load
    foreach: {glob: "models/*.yaml"}
  - id: section
    step: model.section
    foreach: {items: [mt, shallow]}
    inputs: {model: model}
    settings: {n_chainage: 201, n_depth: 101}
"""

# several slow-ish steps (a second or so each) so that processes can be killed mid-run
SLOW = """
workflow: slow
input_dir: input
line: shallow
steps:
  - id: model
    step: model.build
""" + "".join(
    f"""
  - id: s{i}
    step: model.section
    foreach: {{items: [mt, shallow]}}
    inputs: {{model: model}}
    settings: {{n_chainage: {121 + i}, n_depth: 81, supersample: 10}}
"""
    for i in range(6)
)


@pytest.fixture()
def small_body() -> str:
    return SMALL


@pytest.fixture()
def slow_body() -> str:
    return SLOW


@pytest.fixture()
def write_wf():
    return write_workflow


@pytest.fixture(scope="session")
def undisturbed(tmp_path_factory):
    """The slow workflow run once on a local cluster without disturbance: (workflow path, digests)."""
    from geoexplore.core.store import ProjectStore
    from geoexplore.pipeline.runner import run_workflow

    work = make_work(tmp_path_factory.mktemp("undisturbed"))
    wf = write_workflow(work, SLOW)
    report = run_workflow(wf, work / "ref", n_workers=2, figures=False, progress=lambda s: None)
    assert report.ok
    return wf, ProjectStore(work / "ref" / "project.h5").digests()
