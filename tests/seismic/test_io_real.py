"""The real files in ../shared/data/seismic against segyio and obspy (peers we did not write)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from geoexplore.seismic import io
from geoexplore.seismic.gather import check_gather


@pytest.fixture(scope="module")
def seis(shared_data):
    return shared_data / "seismic"


def test_f3_matches_segyio_trace_by_trace(seis):
    segyio = pytest.importorskip("segyio")
    ds = io.read(seis / "f3.sgy")
    check_gather(ds)
    with segyio.open(str(seis / "f3.sgy")) as f:
        assert ds.sizes["trace"] == f.tracecount == 414
        for i in range(f.tracecount):
            np.testing.assert_array_equal(ds["data"].values[i], f.trace[i])
        tf = segyio.TraceField
        np.testing.assert_array_equal(ds["inline"].values, f.attributes(tf.INLINE_3D)[:])
        np.testing.assert_array_equal(ds["crossline"].values, f.attributes(tf.CROSSLINE_3D)[:])
        np.testing.assert_array_equal(ds["cdp"].values, f.attributes(tf.CDP)[:])
        scal = f.attributes(tf.SourceGroupScalar)[:].astype(float)
        cdpx = f.attributes(tf.CDP_X)[:] / np.abs(scal)  # scalar -10 in this file: divide
        np.testing.assert_allclose(ds["cdp_x_m"].values, cdpx)
        np.testing.assert_allclose(ds["time_s"].values, np.asarray(f.samples) / 1000.0)
        assert sorted(set(ds["inline"].values)) == list(f.ilines)
        assert sorted(set(ds["crossline"].values)) == list(f.xlines)
    assert ds.attrs["sample_format"] == 3 and ds.attrs["byte_order"] == "big"
    assert ds.attrs["dt_s"] == pytest.approx(0.004)
    assert ds["data"].dtype == np.float32


def test_f3_lazy_equals_eager_and_native_dtype(seis):
    eager = io.read(seis / "f3.sgy")
    lazy = io.read(seis / "f3.sgy", lazy=True)
    assert hasattr(lazy["data"].data, "dask")
    np.testing.assert_array_equal(lazy["data"].values, eager["data"].values)
    np.testing.assert_array_equal(lazy["data"][37:41, 5:9].values, eager["data"][37:41, 5:9].values)
    native = io.read(seis / "f3.sgy", dtype=None)
    assert native["data"].dtype == np.int16
    np.testing.assert_array_equal(native["data"].values, eager["data"].values)


@pytest.mark.parametrize("name", ["su-329.seg2", "wghs-shot1.seg2", "wghs-shot10.seg2", "wghs-shot20.seg2"])
def test_seg2_matches_obspy(seis, name):
    obspy = pytest.importorskip("obspy")
    ds = io.read(seis / name)
    check_gather(ds)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        st = obspy.read(str(seis / name))
    assert ds.sizes["trace"] == len(st)
    for i, tr in enumerate(st):
        np.testing.assert_array_equal(ds["data"].values[i], tr.data)
        assert ds.attrs["dt_s"] == pytest.approx(tr.stats.delta)
        assert float(ds["receiver_x_m"][i]) == pytest.approx(float(tr.stats.seg2["RECEIVER_LOCATION"].split()[0]))


def test_wghs_geometry(seis):
    """README: 24 geophones at 2 m; shot 1 at -2 m, shot 10 at -5 m, shot 20 at -20 m."""
    for name, src in (("wghs-shot1.seg2", -2.0), ("wghs-shot10.seg2", -5.0), ("wghs-shot20.seg2", -20.0)):
        ds = io.read(seis / name)
        np.testing.assert_allclose(np.diff(ds["receiver_x_m"].values), 2.0)
        np.testing.assert_allclose(ds["source_x_m"].values, src)
        np.testing.assert_allclose(ds["offset_m"].values, ds["receiver_x_m"].values - src)


def test_oz_su_matches_obspy_big_endian(seis):
    obspy = pytest.importorskip("obspy")
    ds = io.read(seis / "oz-ozdata16.su")
    check_gather(ds)
    assert ds.attrs["format"] == "su" and ds.attrs["byte_order"] == "big"
    assert ds.sizes == {"trace": 48, "time_s": 1325}
    assert ds.attrs["dt_s"] == pytest.approx(0.004)
    assert set(ds["fldr"].values) == {10016}
    st = obspy.read(str(seis / "oz-ozdata16.su"), format="SU", byteorder=">")
    for i, tr in enumerate(st):
        np.testing.assert_array_equal(ds["data"].values[i], tr.data)
        assert int(ds["tracf"][i]) == tr.stats.su.trace_header.trace_number_within_the_original_field_record


def test_geospace_seg2_reads(seis):
    """obspy rejects this Geospace GEORES rev-0 file (string terminator size 0); we read it."""
    ds = io.read(seis / "geospace-File010690.seg2")
    check_gather(ds)
    assert ds.attrs["format"] == "seg2" and ds.attrs["seg2_revision"] == 0
    assert ds.sizes == {"trace": 96, "time_s": 2000}
    assert ds.attrs["dt_s"] == pytest.approx(0.00025)
    assert ds.attrs["seg2_file_header"]["INSTRUMENT"] == "GEOSPACE GEORES 52"
    data = ds["data"].values
    assert np.isfinite(data).all()
    # every trace is a live recording (non-constant), amplitudes of a geophone in volts
    assert (data.std(axis=1) > 0).all() and np.abs(data).max() < 10
    # the samples are where the descriptor says: float32 right after each trace descriptor block
    import struct

    raw = (seis / "geospace-File010690.seg2").read_bytes()
    (p0,) = struct.unpack_from("<I", raw, 32)
    (x,) = struct.unpack_from("<H", raw, p0 + 2)
    np.testing.assert_array_equal(data[0], np.frombuffer(raw, "<f4", count=2000, offset=p0 + x))
    assert np.isfinite(ds["receiver_x_m"].values).all()
    assert (ds["tracf"].values == np.arange(1, 97)).all() or len(set(ds["tracf"].values)) > 1


def test_scan_is_consistent_with_read(seis):
    for p in sorted(seis.iterdir()):
        if p.suffix not in (".sgy", ".su", ".seg2"):
            continue
        s = io.scan(p)
        ds = io.read(p)
        assert (s["n_traces"], s["n_samples"]) == (ds.sizes["trace"], ds.sizes["time_s"])
        assert s["dt_s"] == pytest.approx(ds.attrs["dt_s"])
        assert s["byte_order"] == ds.attrs["byte_order"] and s["format"] == ds.attrs["format"]


def test_seg2_units_read_given_or_unknown(seis, tmp_path):
    """SEG-2 (Pullan 1990) lists UNITS as an optional string with no default: a file without it has locations of
    unknown unit (NaN, attribute "unknown") until the user gives the unit; a stated unit converts; a given unit that
    contradicts the file's is refused; the refraction geometry asks for the unit."""
    from geoexplore.core.errors import FileFormatError, GeoexploreError
    from geoexplore.seismic.refraction.pick_tables import gather_geometry

    raw = (seis / "wghs-shot1.seg2").read_bytes()
    assert raw.count(b"UNITS METERS") == 1
    ref = io.read(seis / "wghs-shot1.seg2")
    assert ref.attrs["coordinate_unit"] == "METERS (file UNITS)"
    none = tmp_path / "nounits.seg2"
    none.write_bytes(raw.replace(b"UNITS METERS", b"NOTES METERS"))  # same length: the string is no longer UNITS
    g = io.read(none)
    assert g.attrs["coordinate_unit"] == "unknown"
    assert np.isnan(g["source_x_m"].values).all() and np.isnan(g["receiver_x_m"].values).all()
    assert np.isnan(g["offset_m"].values).all()
    with pytest.raises(GeoexploreError, match="states no UNITS for its locations and SEG-2 has no default"):
        gather_geometry(g)
    gm = io.read(none, coordinate_unit="m")
    np.testing.assert_array_equal(gm["receiver_x_m"].values, ref["receiver_x_m"].values)
    assert gm.attrs["coordinate_unit"].startswith("m (given; the file states no UNITS")
    gf = io.read(none, coordinate_unit="ft")
    np.testing.assert_allclose(gf["source_x_m"].values, ref["source_x_m"].values * 0.3048, rtol=1e-12)
    feet = tmp_path / "feet.seg2"
    feet.write_bytes(raw.replace(b"UNITS METERS", b"UNITS FEET  "))
    np.testing.assert_allclose(io.read(feet)["receiver_x_m"].values, ref["receiver_x_m"].values * 0.3048, rtol=1e-12)
    with pytest.raises(FileFormatError, match="states UNITS METERS; coordinate_unit='ft' contradicts"):
        io.read(seis / "wghs-shot1.seg2", coordinate_unit="ft")
    with pytest.raises(FileFormatError, match="not a length unit"):
        io.read(none, coordinate_unit="furlongs")
