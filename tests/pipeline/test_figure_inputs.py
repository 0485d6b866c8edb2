"""The result a figure task is sent (the stored form the runner just wrote) reads back as the store's ``read`` gives it."""

from __future__ import annotations

import pytest

from geoexplore.core.ncwrite import EncodedResult, encode_image
from geoexplore.core.store import ProjectStore, result_digest
from geoexplore.pipeline.task import result_from_image
from geoexplore.testing.netcdf_cases import netcdf_cases

CASES = netcdf_cases()


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_worker_written_image_reads_back_as_the_store_reads_it(tmp_path, name):
    ds = CASES[name]
    enc = encode_image(ds)
    assert isinstance(enc, EncodedResult)
    store = ProjectStore(tmp_path / "project.h5")
    store.write({"a/l/first": encode_image(CASES["hv_like"]), "a/l/x": enc},
                {"a/l/first": {"digest": result_digest(CASES["hv_like"])}, "a/l/x": {"digest": result_digest(ds)}})
    got = result_from_image(enc)
    want = store.read("a/l/x")
    assert got.identical(want)
    assert list(got.dims) == list(want.dims) and {v: got[v].dtype for v in got.variables} == {v: want[v].dtype for v in want.variables}


def test_a_mapping_image_reads_back_part_by_part_in_order(tmp_path):
    res = {"curve": CASES["hv_like"], "z": CASES["complex_impedance"]}
    enc = encode_image(res)
    assert enc is not None and enc.kind == "mapping"
    store = ProjectStore(tmp_path / "project.h5")
    store.write({"a/l/m": enc}, {"a/l/m": {"digest": result_digest(res)}})
    got, want = result_from_image(enc), store.read("a/l/m")
    assert list(got) == list(want) == ["curve", "z"]
    assert all(got[k].identical(want[k]) for k in want)
