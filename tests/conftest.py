"""Shared fixtures: the real field files in ../shared/data, the embedded Siping data."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def shared_data_dir() -> Path:
    return Path(os.environ.get("GEOEXPLORE_SHARED_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of real field files (../shared/data, or $GEOEXPLORE_SHARED_DATA); skip if absent."""
    d = shared_data_dir()
    if not d.is_dir():
        pytest.skip(f"real field data folder not found at {d} (set GEOEXPLORE_SHARED_DATA)")
    return d


@pytest.fixture(scope="session")
def shared_data_path() -> Path:
    """Where the real field files would be (may not exist: for tests that also run without them)."""
    return shared_data_dir()


@pytest.fixture(scope="session")
def siping_dir() -> Path:
    """The embedded synthetic Siping survey (data/siping)."""
    return ROOT / "data" / "siping"


@pytest.fixture(scope="session")
def siping_model():
    from geoexplore.core.geomodel import load_model

    return load_model(ROOT / "data" / "siping" / "model.yaml")


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


# --- a small real workflow on the Siping model (pipeline, progress and run-page tests) ---

SMALL_WORKFLOW = """
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


def _make_workflow_input(folder: Path) -> Path:
    """FOLDER/input with the Siping model and three alternative models (b with another dip, one broken); FOLDER."""
    inp = folder / "input"
    (inp / "models").mkdir(parents=True)
    shutil.copy(ROOT / "data" / "siping" / "model.yaml", inp / "model.yaml")
    text = (ROOT / "data" / "siping" / "model.yaml").read_text()
    (inp / "models" / "a.yaml").write_text(text)
    (inp / "models" / "b.yaml").write_text(text.replace("dip_deg: 70", "dip_deg: 75"))
    (inp / "models" / "broken.yaml").write_text(text.replace("blocks:", "blocks: [oops"))
    return folder


def _write_workflow(folder: Path, body: str, name: str = "wf.yaml") -> Path:
    p = folder / name
    p.write_text(textwrap.dedent(body))
    return p


@pytest.fixture(scope="session")
def make_workflow_input():
    """The function (folder) -> folder that fills folder/input for the small workflow."""
    return _make_workflow_input


@pytest.fixture()
def work(tmp_path: Path) -> Path:
    """A temporary folder whose input/ holds the Siping model and alternative models (one broken)."""
    return _make_workflow_input(tmp_path)


@pytest.fixture(scope="session")
def small_body() -> str:
    """The small workflow's YAML: model.build, model.load over models/*.yaml, model.section for two lines."""
    return SMALL_WORKFLOW


@pytest.fixture(scope="session")
def write_wf():
    """The function (folder, yaml body, name='wf.yaml') -> path of the written workflow."""
    return _write_workflow
