"""Record tables: per-item results kept as the rows of one netCDF-4 group.

The reference is the store's ordinary layout, one netCDF-4 group per result
read back by xarray through h5netcdf: every row must read back identical to
it (values, dtypes, coordinates, attributes and their types), whether the
table was just written by this process or is read from the file.
"""

from __future__ import annotations

import h5py
import numpy as np
import pandas as pd
import pytest
import xarray as xr

from geoexplore.core.errors import StoreError
from geoexplore.core.store import ProjectStore, records, result_key
from geoexplore.testing.netcdf_cases import netcdf_cases

STEP = "microtremor/shallow/hvsr"


def _variants(ds: xr.Dataset) -> list[xr.Dataset]:
    """The case, a copy with other numbers and attributes, and (with a dimension) one shorter along it."""
    other = ds.copy(deep=True)
    for name, var in other.data_vars.items():
        if var.dtype.kind in "fc":
            other[name] = var * 2
    other.attrs = {**ds.attrs, "extra": "only in this row", "n": np.int32(3)}
    out = [ds, other]
    dims = [d for d, n in ds.sizes.items() if n > 1]
    if dims:
        out.append(ds.isel({dims[0]: slice(0, ds.sizes[dims[0]] - 1)}))
    return out


def _same(a: xr.Dataset, b: xr.Dataset) -> None:
    xr.testing.assert_identical(a, b)
    assert list(a.coords) == list(b.coords) or set(a.coords) == set(b.coords)
    for name in a.variables:
        assert a[name].dtype == b[name].dtype, name
        assert a[name].dims == b[name].dims, name
        for k, v in a[name].attrs.items():
            assert type(v) is type(b[name].attrs[k]), (name, k)
    for k, v in a.attrs.items():
        assert type(v) is type(b.attrs[k]), k
        if isinstance(v, np.ndarray):
            assert v.dtype == b.attrs[k].dtype, k


@pytest.mark.parametrize("name", sorted(netcdf_cases()))
def test_rows_read_back_as_their_own_groups_do(tmp_path, name):
    rows = {result_key("microtremor", "shallow", "hvsr", f"r{i}"): ds for i, ds in enumerate(_variants(netcdf_cases()[name]))}
    groups = ProjectStore(tmp_path / "groups.h5")
    groups.write(rows)
    table = ProjectStore(tmp_path / "table.h5")
    keys = list(rows)
    table.write({k: rows[k] for k in keys[:1]}, rows=keys)  # two transactions: the second extends the table
    table.write({k: rows[k] for k in keys[1:]}, rows=keys)
    with h5py.File(table.path) as f:
        if name == "times_and_booleans":  # times read back in a resolution xarray picks: each keeps its own group
            assert records.TABLE_NAME not in f[STEP] and len(f[STEP]) == len(keys)
        else:
            assert set(f[STEP]) == {records.TABLE_NAME}, "every variant fits the table"
    assert table.keys() == groups.keys() == sorted(keys)
    for fresh in (False, True):  # rows from this process's memory, then from the file
        if fresh:
            records._CACHE.clear()
        for k in keys:
            _same(groups.read(k), table.read(k))
    assert {k: p["digest"] for k, p in table.provenances().items()} == {k: p["digest"] for k, p in groups.provenances().items()}


def test_a_table_is_a_netcdf_group_with_columns(tmp_path):
    """The table opens with xarray (h5netcdf and netCDF-C); numeric attributes become columns."""
    base = netcdf_cases()["hv_like"]
    rows = {f"{STEP}/S{i}": base.assign_attrs(f0_hz=1.0 + i, station=f"S{i}") for i in range(3)}
    st = ProjectStore(tmp_path / "p.h5")
    st.write(rows, rows=list(rows))
    group = records.table_path(STEP)
    engines = ["h5netcdf"]
    try:
        import netCDF4  # noqa: F401

        engines.append("netcdf4")
    except ImportError:
        pass
    for engine in engines:
        with xr.open_dataset(st.path, group=group, engine=engine) as t:
            assert list(t["item"].values) == ["S0", "S1", "S2"]
            np.testing.assert_array_equal(t["attr_f0_hz"].values, [1.0, 2.0, 3.0])
            assert list(t["attr_station"].values) == ["S0", "S1", "S2"]
            assert t["hv"].dims == ("item", "window", "frequency_hz")
            np.testing.assert_array_equal(t["hv"].values[1], base["hv"].values)
            np.testing.assert_array_equal(t["frequency_hz"].values, base["frequency_hz"].values)  # shared: stored once


def test_replacing_deleting_and_rows_that_do_not_fit(tmp_path):
    base = netcdf_cases()["hv_like"]
    st = ProjectStore(tmp_path / "p.h5")
    keys = [f"{STEP}/S{i}" for i in range(3)]
    st.write({k: base for k in keys}, {k: {"run_key": k} for k in keys}, rows=keys)
    # a new version of one row replaces it in place
    st.write({keys[1]: base.assign(hv=base["hv"] * 3)}, {keys[1]: {"run_key": "new"}}, rows=keys)
    records._CACHE.clear()
    np.testing.assert_allclose(st.read(keys[1])["hv"].values, base["hv"].values * 3)
    assert st.provenance(keys[1])["run_key"] == "new" and st.provenance(keys[0])["run_key"] == keys[0]
    # a result the table cannot hold (another layout of 'hv', a reserved name) is a group of its own
    odd = base.assign(hv=("window", np.arange(4.0)))
    reserved = base.assign(geoexplore_row_layout=("window", np.arange(4.0)))
    st.write({f"{STEP}/odd": odd, f"{STEP}/reserved": reserved}, rows=[f"{STEP}/odd", f"{STEP}/reserved"])
    with h5py.File(st.path) as f:
        assert sorted(f[STEP]) == [records.TABLE_NAME, "odd", "reserved"]
    assert st.keys(STEP) == sorted([*keys, f"{STEP}/odd", f"{STEP}/reserved"])
    xr.testing.assert_identical(st.read(f"{STEP}/odd")["hv"], odd["hv"])
    # the same item written again as a row leaves its group
    st.write({f"{STEP}/odd": base}, rows=[f"{STEP}/odd"])
    with h5py.File(st.path) as f:
        assert "odd" not in f[STEP]
    # deleting rows; the last row takes the table with it
    st.delete([keys[0], f"{STEP}/odd"])
    assert st.keys(STEP) == sorted([keys[1], keys[2], f"{STEP}/reserved"])
    st.delete([keys[1], keys[2]])
    with h5py.File(st.path) as f:
        assert records.TABLE_NAME not in f[STEP]
    with pytest.raises(StoreError, match="no result"):
        st.read(keys[1])


def test_item_named_like_the_table_is_refused():
    with pytest.raises(StoreError, match="record table"):
        result_key("microtremor", "shallow", "hvsr", records.TABLE_NAME)


def test_damaged_table_is_a_store_error_naming_it(tmp_path):
    base = netcdf_cases()["hv_like"]
    st = ProjectStore(tmp_path / "p.h5")
    st.write({f"{STEP}/S0": base, f"{STEP}/S1": base}, rows=[f"{STEP}/S0", f"{STEP}/S1"])
    with h5py.File(st.path, "a") as f:
        f[records.table_path(STEP)][records.LAYOUT_VAR][0] = "{not json"
    records._CACHE.clear()
    with pytest.raises(StoreError, match=f"record table '{records.table_path(STEP)}' cannot be read"):
        st.read(f"{STEP}/S0")


def test_a_large_table_is_read_one_row_at_a_time(tmp_path, monkeypatch):
    """Past the cache limit a reader (a worker) loads only the row it asks for, and keeps nothing."""
    base = netcdf_cases()["hv_like"]
    keys = [f"{STEP}/S{i}" for i in range(3)]
    rows = {k: base.assign(hv=base["hv"] + i) for i, k in enumerate(keys)}
    st = ProjectStore(tmp_path / "p.h5")
    st.write(rows, rows=keys)
    reference = ProjectStore(tmp_path / "groups.h5")
    reference.write(rows)
    records._CACHE.clear()
    monkeypatch.setattr(records, "CACHE_MAX_BYTES", 1)
    for k in keys:
        _same(reference.read(k), st.read(k))
    assert not records._CACHE


def _cf_cases() -> dict[str, xr.Dataset]:
    """Results that xarray's CF decoding changes on reading: they must keep their own group."""
    t = pd.to_timedelta([1, 2], unit="s")
    enc = xr.Dataset({"v": ("x", [0.3, 1.3])})
    enc["v"].encoding.update({"_FillValue": 1.3})
    f32 = xr.Dataset({"v": ("x", [0.5, 1.5])})
    f32["v"].encoding["dtype"] = "float32"
    return {
        "timedelta": xr.Dataset({"d": ("x", t)}),
        "datetime_seconds": xr.Dataset({"t": ("x", np.array(["2020-01-01"], dtype="datetime64[s]"))}),
        "fill_value_attr": xr.Dataset({"v": ("x", [1.0, -1.0, 2.0], {"_FillValue": -1.0})}),
        "scale_factor_attr": xr.Dataset({"v": ("x", [1, 2], {"scale_factor": 2})}),
        "time_units_attr": xr.Dataset({"v": ("x", [1, 2], {"units": "days since 2000-01-01"})}),
        "fill_value_encoding": enc,
        "dtype_encoding": f32,
        "two_dimensional_attribute": xr.Dataset({"v": ("x", [1.0])}, attrs={"m": np.eye(2)}),
    }


@pytest.mark.parametrize("name", sorted(_cf_cases()))
def test_results_that_cf_decoding_changes_keep_their_own_group(tmp_path, name):
    ds = _cf_cases()[name]
    key = f"{STEP}/S0"
    groups, table = ProjectStore(tmp_path / "g.h5"), ProjectStore(tmp_path / "t.h5")
    groups.write({key: ds})
    table.write({key: ds}, rows=[key])
    assert records.row_from_dataset("S0", ds) is None
    with h5py.File(table.path) as f:
        assert list(f[STEP]) == ["S0"]
    _same(groups.read(key), table.read(key))


def test_rows_are_copies_and_bytes_attributes_read_as_text(tmp_path):
    """Changing a Dataset after writing it, or one read back, changes nothing stored (the table is kept in memory)."""
    ds = xr.Dataset({"hv": ("f", np.arange(3.0), {"units": b"Hz"})}, attrs={"station": b"S1", "arr": np.array([1.0, 2.0])})
    st = ProjectStore(tmp_path / "p.h5")
    st.write({f"{STEP}/a": ds}, rows=[f"{STEP}/a"])
    ds["hv"].values[:] = -7
    ds.attrs["arr"][1] = 99
    got = st.read(f"{STEP}/a")
    got.attrs["arr"][0] = 42
    st.write({f"{STEP}/b": ds}, rows=[f"{STEP}/b"])  # rewrites the table from memory
    records._CACHE.clear()
    for again in (st.read(f"{STEP}/a"), st.read(f"{STEP}/a")):
        np.testing.assert_array_equal(again["hv"].values, [0.0, 1.0, 2.0])
        np.testing.assert_array_equal(again.attrs["arr"], [1.0, 2.0])
        assert again.attrs["station"] == "S1" and again["hv"].attrs["units"] == "Hz"


def test_one_row_object_under_two_keys_and_the_table_name_as_a_key(tmp_path):
    ds = netcdf_cases()["hv_like"]
    row = records.row_from_dataset("x", ds)
    st = ProjectStore(tmp_path / "p.h5")
    st.write({f"{STEP}/a": row, f"{STEP}/b": row}, {f"{STEP}/a": {"digest": "1"}, f"{STEP}/b": {"digest": "2"}})
    assert st.keys(STEP) == [f"{STEP}/a", f"{STEP}/b"] and row.item == "x"
    assert st.provenance(f"{STEP}/a")["digest"] == "1"
    with pytest.raises(StoreError, match="record table"):
        st.write({records.table_path(STEP): ds})
    with pytest.raises(StoreError, match="no result"):
        st.read(records.table_path(STEP))


@pytest.mark.parametrize("value", [[[1, 2], [3, 4]], ((1.0, 2.0), (3.0, 4.0)), xr.DataArray(np.eye(2)), np.eye(2)[None]])
def test_any_attribute_of_more_than_one_dimension_keeps_the_result_a_group(value):
    """A row would flatten it: lists of lists, array-likes of any kind."""
    ds = xr.Dataset({"v": ("x", [1.0])}, attrs={"m": value})
    assert records.row_from_dataset("S0", ds) is None
    ds = xr.Dataset({"v": ("x", [1.0], {"m": value})})
    assert records.row_from_dataset("S0", ds) is None


def test_a_table_read_while_a_new_version_is_renamed_in_is_not_kept(tmp_path, monkeypatch):
    """Issue 23: a reader (a worker) that reads the record table while the writer renames a new version of
    the store into place must not keep what it read as the content of the new version.

    The reader's table read is slowed down by the store's test hook and the writer commits a new row
    in the middle of it. Before the fix the reader filed the old table under the new file's stat
    identity and then missed the new row for good ('no result'), on every later read.
    """
    import threading

    from geoexplore.core.store.testhooks import READ_DELAY_ENV

    base = netcdf_cases()["hv_like"]
    writer = ProjectStore(tmp_path / "p.h5")
    writer.write({f"{STEP}/S0": base}, rows=[f"{STEP}/S0"])
    records._CACHE.clear()
    monkeypatch.setenv(READ_DELAY_ENV, "0.6")
    reader = ProjectStore(tmp_path / "p.h5")  # reads slowly
    monkeypatch.delenv(READ_DELAY_ENV)
    got: dict[str, xr.Dataset] = {}
    t = threading.Thread(target=lambda: got.setdefault("S0", reader.read(f"{STEP}/S0")))
    t.start()
    import time

    time.sleep(0.3)  # the reader has the old version open and is still reading it
    writer.write({f"{STEP}/S1": base.assign(hv=base["hv"] + 1)}, rows=[f"{STEP}/S1"])
    t.join()
    np.testing.assert_array_equal(got["S0"]["hv"], base["hv"])
    reader.read_delay_s = 0.0
    np.testing.assert_array_equal(reader.read(f"{STEP}/S1")["hv"], base["hv"] + 1)


def test_every_transaction_is_a_new_store_version(tmp_path):
    base = netcdf_cases()["hv_like"]
    st = ProjectStore(tmp_path / "p.h5")
    assert st.commit_id() is None
    seen = []
    for i in range(3):
        st.write({f"{STEP}/S{i}": base}, rows=[f"{STEP}/S{i}"])
        seen.append(st.commit_id())
        assert st.last_commit == (seen[-2] if i else None, seen[-1])
    st.delete([f"{STEP}/S0"])
    seen.append(st.commit_id())
    assert None not in seen and len(set(seen)) == 4
