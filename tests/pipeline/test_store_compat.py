"""A project store written by geoexplore 0.1.0 before the restructure is read and resumed by today's code.

tests/data/store-v0.1/project.h5 was written by commit 608163f (the last one before the
restructure of issue 17) running tests/data/store-v0.1/workflow.yaml on the embedded Siping data
(tests/data/store-v0.1/model.yaml is the model file of that commit: an input that changed is recomputed, rightly).
Step names are store keys and the encoding did not change, so today's runner must find every
result, reuse it on --resume (nothing recomputed) and read each one back.
"""

import shutil
from pathlib import Path

import pytest

from geoexplore.core.store import ProjectStore
from geoexplore.pipeline.runner import run_workflow

HERE = Path(__file__).resolve().parents[1] / "data" / "store-v0.1"

pytestmark = pytest.mark.cluster


@pytest.fixture()
def old_run(tmp_path: Path) -> tuple[Path, Path]:
    wf_dir = tmp_path / "tests" / "data" / "store-v0.1"
    wf_dir.mkdir(parents=True)
    shutil.copy(HERE / "workflow.yaml", wf_dir / "workflow.yaml")
    # the workflow's input_dir is ../../../data/siping: the repository's data, except model.yaml, which has
    # grown since (issue 21: faults along strike); the model the old store was made from is kept beside it
    siping = tmp_path / "data" / "siping"
    shutil.copytree(HERE.parents[2] / "data" / "siping", siping)  # 17 MB; symlinks out of the input folder are refused
    shutil.copy(HERE / "model.yaml", siping / "model.yaml")
    out = tmp_path / "out"
    out.mkdir()
    shutil.copy(HERE / "project.h5", out / "project.h5")
    return wf_dir / "workflow.yaml", out


def test_old_store_is_read(old_run):
    _, out = old_run
    store = ProjectStore(out / "project.h5")
    keys = set(store.digests())
    assert {"model/shallow/model", "model/shallow/model-section/shallow", "microtremor/shallow/hvsr/hv_21025",
            "microtremor/shallow/hvsr/hv_21075", "refraction/shallow/refraction-pick/shot001", "mt/mt/mt-analyse/SP00",
            "ert/shallow/ert-qc"} <= keys
    for key in sorted(keys):
        result = store.read(key)
        parts = result.values() if isinstance(result, dict) else [result]  # a step may store several Datasets
        assert parts and all(len(ds.data_vars) or ds.attrs for ds in parts), key
        assert store.provenance(key)["run_key"], key


def test_old_store_is_resumed_without_recomputing(old_run):
    from distributed import Client

    from geoexplore.pipeline.runner import local_cluster

    wf, out = old_run
    before = ProjectStore(out / "project.h5").digests()
    with local_cluster(2) as cl, Client(cl) as client:
        report = run_workflow(wf, out, client=client, resume=True, figures=False, progress=lambda s: None)
    statuses = {r.key: r.status for r in report.items}
    assert len(statuses) == 11
    assert set(statuses.values()) == {"reused"}, [k for k, v in statuses.items() if v != "reused"]
    assert ProjectStore(out / "project.h5").digests() == before
