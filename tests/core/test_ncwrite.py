"""The direct netCDF-4 writer of the project store against h5netcdf and netCDF-C.

Every Dataset is written twice: by xarray's own h5netcdf writer (the
reference) and by the store (``geoexplore.core.ncwrite``); both files are
read back by xarray through h5netcdf and through netCDF-C (the netCDF4
library), and must give identical Datasets.
"""

from __future__ import annotations

import h5py
import numpy as np
import pytest
import xarray as xr

from geoexplore.core.ncwrite import fast_writable
from geoexplore.core.store import MAX_DIMID_ATTR, ProjectStore, prepare_for_netcdf
from geoexplore.testing.netcdf_cases import netcdf_cases


CASES = netcdf_cases()


@pytest.mark.parametrize("name", sorted(CASES))
def test_store_writes_what_h5netcdf_writes(tmp_path, name):
    ds = CASES[name]
    assert fast_writable(prepare_for_netcdf(ds)), "the case must exercise the direct writer"
    store = ProjectStore(tmp_path / "project.h5")
    store.write({"model/line/step": ds, "model/line/other": CASES["hv_like"]})
    ref_path = tmp_path / "reference.h5"
    prepare_for_netcdf(ds).to_netcdf(ref_path, engine="h5netcdf", invalid_netcdf=True)
    engines = ["h5netcdf"] + (["netcdf4"] if _has_netcdf4() and name != "complex_impedance" else [])
    for engine in engines:
        with xr.open_dataset(store.path, group="model/line/step", engine=engine) as got, xr.open_dataset(ref_path, engine=engine) as ref:
            got = got.load()
            ref = ref.load()
        for k in ("geoexplore_provenance", "geoexplore_kind"):
            got.attrs.pop(k)
        xr.testing.assert_identical(got, ref)
        assert {v: got[v].dtype for v in got.variables} == {v: ref[v].dtype for v in ref.variables}
        assert {k: type(v) for k, v in got.attrs.items()} == {k: type(v) for k, v in ref.attrs.items()}
        assert list(got.dims) == list(ref.dims), engine
    assert store.read("model/line/step").identical(_roundtrip(ds, tmp_path))


def _roundtrip(ds: xr.Dataset, tmp_path) -> xr.Dataset:
    """What xarray reads back from a file written by h5netcdf (the reference)."""
    p = tmp_path / f"ref-{abs(hash(repr(ds)))}.h5"
    prepare_for_netcdf(ds).to_netcdf(p, engine="h5netcdf", invalid_netcdf=True)
    with xr.open_dataset(p, engine="h5netcdf") as r:
        return r.load()


def _has_netcdf4() -> bool:
    try:
        import netCDF4  # noqa: F401
    except ImportError:
        return False
    return True


def test_other_datasets_go_through_h5netcdf_and_dimension_ids_stay_unique(tmp_path):
    """Object strings and empty dimensions take the h5netcdf path; ids stay unique across both writers."""
    obj = xr.Dataset({"v": ("s", np.array(["a", "b"], dtype=object))}, coords={"s": np.array(["S1", "S2"], dtype=object)})
    empty = xr.Dataset({"v": ("x", np.array([], dtype=float))})
    assert not fast_writable(obj) and not fast_writable(empty)
    store = ProjectStore(tmp_path / "project.h5")
    store.write({"a/l/fast1": CASES["hv_like"], "a/l/slow": obj})
    store.write({"a/l/empty": empty, "a/l/fast2": CASES["complex_impedance"]})
    for key, ds in {"a/l/fast1": CASES["hv_like"], "a/l/slow": obj, "a/l/empty": empty, "a/l/fast2": CASES["complex_impedance"]}.items():
        assert store.read(key).identical(_roundtrip(ds, tmp_path)), key
    ids = []
    with h5py.File(store.path) as f:
        f.visititems(lambda n, o: ids.append(int(o.attrs["_Netcdf4Dimid"])) if "_Netcdf4Dimid" in o.attrs and o.attrs.get("CLASS") == b"DIMENSION_SCALE" else None)
        assert len(ids) == len(set(ids)) == 2 + 1 + 1 + 3
        assert int(f.attrs[MAX_DIMID_ATTR]) == max(ids)


def test_replacing_a_result_keeps_the_store_readable(tmp_path):
    store = ProjectStore(tmp_path / "project.h5")
    store.write({"a/l/x": CASES["hv_like"]})
    store.write({"a/l/x": CASES["scalars"]})
    assert store.read("a/l/x").identical(_roundtrip(CASES["scalars"], tmp_path))


def test_mapping_results_are_written_directly(tmp_path):
    store = ProjectStore(tmp_path / "project.h5")
    res = {"curve": CASES["hv_like"], "z": CASES["complex_impedance"]}
    store.write({"mt/l/S1": res})
    got = store.read("mt/l/S1")
    assert set(got) == {"curve", "z"}
    assert got["z"].identical(_roundtrip(CASES["complex_impedance"], tmp_path))
    with h5py.File(store.path) as f:
        assert f["mt/l/S1"].attrs["geoexplore_kind"] == "mapping"


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_result_encoded_on_a_worker_reads_back_the_same(tmp_path, name):
    """encode_image (worker) + copy into the store (client) == writing the Dataset in the store."""
    from geoexplore.core.ncwrite import EncodedResult, encode_image
    from geoexplore.core.store import result_digest

    ds = CASES[name]
    enc = encode_image(ds)
    assert isinstance(enc, EncodedResult) and enc.nbytes > 0
    direct = ProjectStore(tmp_path / "direct.h5")
    copied = ProjectStore(tmp_path / "copied.h5")
    direct.write({"a/l/first": CASES["hv_like"], "a/l/x": ds})
    copied.write({"a/l/first": encode_image(CASES["hv_like"]), "a/l/x": enc},
                 {"a/l/first": {"digest": result_digest(CASES["hv_like"])}, "a/l/x": {"digest": result_digest(ds)}})
    assert copied.read("a/l/x").identical(direct.read("a/l/x"))
    assert copied.digests() == direct.digests()
    engines = ["h5netcdf"] + (["netcdf4"] if _has_netcdf4() and name != "complex_impedance" else [])
    for engine in engines:
        with xr.open_dataset(copied.path, group="a/l/x", engine=engine) as a, xr.open_dataset(direct.path, group="a/l/x", engine=engine) as b:
            xr.testing.assert_identical(a.load(), b.load())
    with h5py.File(copied.path) as f:  # dimension ids unique in the file, as in the directly written one
        ids = []
        f.visititems(lambda n, o: ids.append(int(o.attrs["_Netcdf4Dimid"])) if o.attrs.get("CLASS") == b"DIMENSION_SCALE" else None)
        assert len(ids) == len(set(ids)) and int(f.attrs[MAX_DIMID_ATTR]) == max(ids)


def test_encoded_mapping_result_and_the_h5netcdf_fallback(tmp_path):
    from geoexplore.core.ncwrite import encode_image
    from geoexplore.core.store import result_digest

    res = {"curve": CASES["hv_like"], "z": CASES["complex_impedance"]}
    enc = encode_image(res)
    assert enc.kind == "mapping"
    store = ProjectStore(tmp_path / "project.h5")
    store.write({"mt/l/S1": enc}, {"mt/l/S1": {"digest": result_digest(res)}})
    got = store.read("mt/l/S1")
    assert got["curve"].identical(_roundtrip(CASES["hv_like"], tmp_path)) and got["z"].identical(_roundtrip(CASES["complex_impedance"], tmp_path))
    # object strings are not encoded on the worker: the store writes them through h5netcdf
    assert encode_image(xr.Dataset({"v": ("s", np.array(["a"], dtype=object))})) is None
    with pytest.raises(Exception, match="needs its digest"):
        store.write({"mt/l/S2": enc})


def test_a_store_of_an_older_version_gets_its_dimension_ids_counted(tmp_path):
    """Without the cached largest dimension id, the first write counts the ids once (h5netcdf) and goes on."""
    from geoexplore.core.ncwrite import encode_image
    from geoexplore.core.store import result_digest

    store = ProjectStore(tmp_path / "project.h5")
    store.write({"a/l/x": CASES["hv_like"]})
    with h5py.File(store.path, "a") as f:
        del f.attrs[MAX_DIMID_ATTR]
    store.write({"a/l/y": encode_image(CASES["scalars"].merge(CASES["integer_and_float32"]))},
                {"a/l/y": {"digest": result_digest(CASES["scalars"])}})
    with h5py.File(store.path) as f:
        assert int(f.attrs[MAX_DIMID_ATTR]) == 2  # window, frequency_hz, then x
    assert store.read("a/l/x").identical(_roundtrip(CASES["hv_like"], tmp_path))
