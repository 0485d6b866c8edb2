"""The store's reader (``geoexplore.core.store.ncread``) against xarray's own h5netcdf engine.

Every case is written by the store's direct writer, by xarray's h5netcdf
writer and (when installed) by netCDF-C; each file is read by
``xr.open_dataset(engine="h5netcdf")`` (the reference) and by ``read_group``,
and the two must be identical, down to dtypes, variable order and the types
of attributes. Groups whose dimension ids are missing, unknown, ambiguous or
of the wrong length go through h5netcdf's own lookup and still read right.
"""

from __future__ import annotations

import h5py
import numpy as np
import pytest
import xarray as xr

from geoexplore.core.store import ProjectStore, prepare_for_netcdf
from geoexplore.core.store.ncread import open_group, open_netcdf, read_group
from geoexplore.testing.netcdf_cases import netcdf_cases

CASES = netcdf_cases()


def _reference(path, group=None) -> xr.Dataset:
    with xr.open_dataset(path, group=group, engine="h5netcdf") as ds:
        return ds.load()


def _assert_same(got: xr.Dataset, ref: xr.Dataset) -> None:
    xr.testing.assert_identical(got, ref)
    assert list(got.variables) == list(ref.variables) and list(got.coords) == list(ref.coords)
    assert {v: (got[v].dtype, got[v].dims) for v in got.variables} == {v: (ref[v].dtype, ref[v].dims) for v in ref.variables}
    assert {k: type(v) for k, v in got.attrs.items()} == {k: type(v) for k, v in ref.attrs.items()}
    for v in got.variables:
        assert {k: type(a) for k, a in got[v].attrs.items()} == {k: type(a) for k, a in ref[v].attrs.items()}


@pytest.mark.parametrize("name", sorted(CASES))
# the h5netcdf writer is asked for invalid_netcdf (complex values, as the store writes them) and says so
@pytest.mark.filterwarnings("ignore:You are writing invalid netcdf features:UserWarning")
def test_every_case_reads_as_xarray_reads_it_from_each_writer(tmp_path, name):
    ds = prepare_for_netcdf(CASES[name])
    store = ProjectStore(tmp_path / "project.h5")
    store.write({"model/line/step": ds, "model/line/other": CASES["hv_like"]})
    files = {"store": (store.path, "model/line/step")}
    ds.to_netcdf(tmp_path / "h5netcdf.nc", engine="h5netcdf", invalid_netcdf=True)
    files["h5netcdf"] = (tmp_path / "h5netcdf.nc", "/")
    try:
        import netCDF4  # noqa: F401
    except ImportError:
        pass
    else:
        if name != "complex_impedance":  # netCDF-C writes no complex numbers
            ds.to_netcdf(tmp_path / "netcdf4.nc", engine="netcdf4")
            files["netcdf-c"] = (tmp_path / "netcdf4.nc", "/")
    for path, group in files.values():
        with open_netcdf(path) as nc:
            _assert_same(read_group(nc, group), _reference(path, group))


def test_several_groups_from_one_open_file_and_an_open_h5py_file(tmp_path):
    store = ProjectStore(tmp_path / "project.h5")
    store.write({"model/line/a": CASES["hv_like"], "model/line/b": CASES["unicode_strings"]})
    with h5py.File(store.path, "r") as f:
        with open_netcdf(f) as nc:
            a, b = read_group(nc, "model/line/a"), read_group(nc, "model/line/b")
        assert f.id.valid  # the h5py file it was given stays open
    _assert_same(a, _reference(store.path, "model/line/a"))
    _assert_same(b, _reference(store.path, "model/line/b"))
    with open_netcdf(store.path) as nc, open_group(nc, "model/line/a") as lazy:
        one = lazy.isel(window=[1]).load()
    xr.testing.assert_identical(one, _reference(store.path, "model/line/a").isel(window=[1]))


@pytest.mark.parametrize("tamper", ["missing", "unknown", "wrong_length"])
def test_dimension_ids_that_do_not_fit_fall_back_to_h5netcdf(tmp_path, tamper):
    store = ProjectStore(tmp_path / "project.h5")
    store.write({"model/line/step": CASES["hv_like"]})
    ref = _reference(store.path, "model/line/step")
    with h5py.File(store.path, "r+") as f:
        var = f["model/line/step/hv"]  # dimensions (window: 4, frequency_hz: 30)
        ids = np.asarray(var.attrs["_Netcdf4Coordinates"])
        if tamper == "missing":
            del var.attrs["_Netcdf4Coordinates"]
        elif tamper == "unknown":
            var.attrs["_Netcdf4Coordinates"] = np.array([ids[0], 10_000], dtype=np.int32)
        else:  # the two ids swapped: 30 x 4 against the variable's 4 x 30
            var.attrs["_Netcdf4Coordinates"] = ids[::-1].astype(np.int32)
    with open_netcdf(store.path) as nc:
        got = read_group(nc, "model/line/step")
    _assert_same(got, ref)
    assert got["hv"].dims == ("window", "frequency_hz")


def test_project_store_reads_each_kind_of_result_as_xarray_does(tmp_path):
    """Through ``ProjectStore.read``: a Dataset, a mapping of Datasets (one file open for all parts) and a record-table
    row, against xarray's engine on the same groups."""
    store = ProjectStore(tmp_path / "project.h5")
    store.write({"model/line/ds": CASES["hv_like"],
                 "model/line/map": {"a": CASES["unicode_strings"], "b": CASES["dimension_without_coordinate"]}})
    ref = _reference(store.path, "model/line/ds")
    got = store.read("model/line/ds")
    ref.attrs.pop("geoexplore_provenance"), ref.attrs.pop("geoexplore_kind", None)
    _assert_same(got, ref)
    parts = store.read("model/line/map")
    assert sorted(parts) == ["a", "b"]
    for p, d in parts.items():
        r = _reference(store.path, f"model/line/map/{p}")
        _assert_same(d, r)
