"""The MT front door: ``geoexplore.mt.read`` sniffs every MT file, ``write`` round-trips, results plot themselves."""

from __future__ import annotations

import shutil
import subprocess
import sys

import numpy as np
import pytest

import geoexplore.mt as mt
from geoexplore.core.errors import FileFormatError

TF_FILES = {
    "tf_edi_empower.edi": "edi", "tf_edi_metronix.edi": "edi", "tf_edi_phoenix.edi": "edi", "tf_edi_quantec.edi": "edi",
    "emtf-result-test1.zss": "zfile", "emtf-result-test2.zss": "zfile", "emtf-result-test2r1.zrr": "zfile",
}
ASC_FILES = ("emtf-synthetic-test1.asc", "emtf-synthetic-test2.asc")


def test_every_shared_mt_file_is_known(shared_data):
    """No file of the shared MT folder is left out of this test."""
    assert {p.name for p in (shared_data / "mt").iterdir()} == set(TF_FILES) | set(ASC_FILES)


@pytest.mark.parametrize("name", sorted(TF_FILES))
def test_read_sniffs_transfer_function_files(shared_data, name):
    p = shared_data / "mt" / name
    assert mt.detect(p) == ("tf", TF_FILES[name])
    tf = mt.read(p)
    ref = mt.TF_FORMATS.plugin(TF_FILES[name]).read(p)  # the format's own reader
    assert tf["z"].dims == ("period_s", "out", "in")
    np.testing.assert_array_equal(tf["z"].values, ref["z"].values)
    assert np.isfinite(tf["z"].values[:, 0, 1]).all()


@pytest.mark.parametrize("name", ASC_FILES)
def test_bare_ascii_columns_are_refused_not_guessed(shared_data, name):
    """EMTF's synthetic .asc files are five columns of numbers: the layout, rate and polarity are not in the file."""
    p = shared_data / "mt" / name
    assert mt.detect(p) == ("ts", "ascii")
    with pytest.raises(FileFormatError, match="side-car") as err:
        mt.read(p)
    assert name in str(err.value) and "sampling rate" in str(err.value)
    ts = mt.read(p, metadata=mt.EMTF_SYNTHETIC_METADATA)
    raw = np.loadtxt(p, max_rows=50)
    assert ts.data.shape == (5, 40000) and ts.sample_rate_hz == 1.0
    np.testing.assert_array_equal(ts.channel("hx")[:50], raw[:, 0])
    np.testing.assert_array_equal(ts.channel("ex")[:50], raw[:, 3])
    assert ts.channels[0].scale_factor == -1.0  # the EMTF polarity flip travels with the metadata


def test_ascii_with_a_sidecar_reads(shared_data, tmp_path):
    p = tmp_path / "st.txt"
    p.write_text("".join(f"{i} {2 * i} {3 * i} {4 * i} {5 * i}\n" for i in range(10)))
    p.with_suffix(".yaml").write_text("station: ST\nsample_rate_hz: 8.0\ncolumns: [ex, ey, hx, hy, hz]\n")
    with pytest.raises(FileFormatError, match="orientation and units.*channels.ex.azimuth_deg"):
        mt.read(p)  # the side-car gives the layout but not the orientation and units: none is assumed (issue 19)
    cal = "".join(f"  {c}: {{azimuth_deg: {az}, scale_factor: 1.0, dipole_length_m: 0.0}}\n"
                  for c, az in (("ex", 0), ("ey", 90), ("hx", 0), ("hy", 90), ("hz", 0)))
    p.with_suffix(".yaml").write_text("station: ST\nsample_rate_hz: 8.0\ncolumns: [ex, ey, hx, hy, hz]\nchannels:\n" + cal)
    ts = mt.read(p)
    assert ts.station == "ST" and ts.sample_rate_hz == 8.0
    np.testing.assert_array_equal(ts.channel("hy"), 4.0 * np.arange(10))


def test_read_sniffs_content_not_the_name(shared_data, tmp_path):
    edi = tmp_path / "renamed.dat"
    shutil.copy(shared_data / "mt" / "tf_edi_metronix.edi", edi)
    z = tmp_path / "renamed.txt"
    shutil.copy(shared_data / "mt" / "emtf-result-test1.zss", z)
    assert mt.detect(edi) == ("tf", "edi") and mt.detect(z) == ("tf", "zfile")
    assert mt.read(edi).attrs["station"] == mt.read(shared_data / "mt" / "tf_edi_metronix.edi").attrs["station"]


def test_miniseed_and_write_round_trips(siping_dir, tmp_path):
    src = siping_dir / "mt" / "timeseries" / "MT03.mseed"
    assert mt.detect(src) == ("ts", "miniseed")
    ts = mt.read(src)
    assert ts.components == ("ex", "ey", "hx", "hy", "hz") and ts.synthetic == 1
    short = mt.TimeSeries(ts.data[:, :2000], ts.channels, ts.sample_rate_hz, station=ts.station,
                          start_time_s=ts.start_time_s, synthetic=1)
    mt.write(short, tmp_path / "short.mseed")
    back = mt.read(tmp_path / "short.mseed")
    np.testing.assert_array_equal(back.data, np.round(short.data))
    tf = mt.read(siping_dir / "mt" / "edi" / "SP05.edi")
    for name in ("copy.edi", "copy.xml"):
        mt.write(tf, tmp_path / name)
        again = mt.read(tmp_path / name)
        np.testing.assert_allclose(again["z"].values, tf["z"].values, rtol=1e-6)


def test_unknown_files_name_the_file(tmp_path):
    p = tmp_path / "noise.bin"
    p.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(FileFormatError, match="noise.bin.*not a recognised MT file"):
        mt.read(p)
    with pytest.raises(FileFormatError, match="cannot write"):
        mt.write(object(), tmp_path / "x.png")


def test_invert_station_result_plots_itself(tmp_path):
    from matplotlib.figure import Figure

    from geoexplore.mt.forward1d import mt1d_tf
    from geoexplore.mt.invert1d import data_from_tf, occam1d, result_dataset

    tf = mt1d_tf([100.0, 10.0, 1000.0], [500.0, 2000.0], np.logspace(-2, 3, 21), station="S1", synthetic=1)
    s = mt.Invert1DSettings(n_layers=20, max_iter=4)
    res = mt.invert_station(tf, s)
    fig = res.plot(tmp_path / "model.png")
    assert isinstance(fig, Figure) and (tmp_path / "model.png").stat().st_size > 0
    # the same numbers as the step's chain
    d = data_from_tf(tf, mode=s.mode, floor_rho=s.floor_rho, floor_phase_deg=s.floor_phase_deg)
    ref = result_dataset(occam1d(d, n_layers=20, max_iter=4), d)
    np.testing.assert_array_equal(res.to_dataset()["resistivity_ohm_m"].values, ref["resistivity_ohm_m"].values)
    assert res.to_dataset().attrs["station"] == "S1"


def test_front_door_import_is_cheap():
    code = ("import sys, geoexplore.mt as mt; mt.__all__; "
            "print([m for m in ('xarray', 'obspy', 'mth5', 'simpeg', 'mt_metadata', 'matplotlib') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"
    assert {"read", "write", "estimate_tf", "invert_station", "invert_profile", "phase_tensor_dataset"} <= set(mt.__all__)
