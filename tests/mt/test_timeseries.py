"""Time-series readers: ASCII (EMTF synthetic), miniSEED (obspy as peer), MTH5 (mth5), calibration, checks."""

from __future__ import annotations

import numpy as np
import pytest

from geoexplore.core.errors import FileFormatError
from geoexplore.mt.timeseries import (
    EMTF_SYNTHETIC_METADATA,
    Channel,
    TimeSeries,
    check_timeseries,
    read_ascii,
    read_miniseed,
    read_timeseries,
    write_miniseed,
)


def test_read_emtf_ascii(shared_data):
    p = shared_data / "mt" / "emtf-synthetic-test1.asc"
    # bare columns state neither rate nor channel order: refused, naming both (issue 19: no 1 Hz default)
    with pytest.raises(FileFormatError, match=r"sampling rate.*side-car emtf-synthetic-test1.yaml") as err:
        read_ascii(p)
    assert "channel order" in str(err.value) and err.value.position
    with pytest.raises(FileFormatError, match=r"sampling rate"):
        read_ascii(p, columns=("hx", "hy", "hz", "ex", "ey"))
    # rate and order given, but not the orientation and units: refused, naming every missing key (issue 19)
    with pytest.raises(FileFormatError, match=r"channels.ex.azimuth_deg.*channels.ex.scale_factor.*channels.ex.dipole_length_m") as err:
        read_ascii(p, metadata={"columns": ["hx", "hy", "hz", "ex", "ey"], "sample_rate_hz": 1.0})
    assert "channels.hz.scale_factor" in str(err.value) and err.value.position == "channel ex"
    cal = {c: {"azimuth_deg": az, "scale_factor": 1.0, "dipole_length_m": 0.0}
           for c, az in (("hx", 0.0), ("hy", 90.0), ("hz", 0.0), ("ex", 0.0), ("ey", 90.0))}
    ts = read_ascii(p, metadata={"columns": ["hx", "hy", "hz", "ex", "ey"], "sample_rate_hz": 1.0, "channels": cal})
    raw = np.loadtxt(p)
    assert ts.data.shape == (5, 40000) and ts.sample_rate_hz == 1.0
    assert ts.components == ("ex", "ey", "hx", "hy", "hz")
    # file columns are Hx Hy Hz Ex Ey
    np.testing.assert_array_equal(ts.channel("hx"), raw[:, 0])
    np.testing.assert_array_equal(ts.channel("ey"), raw[:, 4])
    cal = ts.calibrated()  # already mV/km and nT: scale 1, no dipole length
    np.testing.assert_array_equal(cal["ex"], raw[:, 3])


def test_ascii_errors_name_the_line(tmp_path):
    p = tmp_path / "bad.asc"
    p.write_text("1 2 3 4 5\n1 2 3 4 5\n1 2 3 4\n")
    cal = {c: {"azimuth_deg": 0.0, "scale_factor": 1.0, "dipole_length_m": 0.0} for c in ("hx", "hy", "hz", "ex", "ey")}
    cal["hy"]["azimuth_deg"] = cal["ey"]["azimuth_deg"] = 90.0
    layout = {"metadata": {"columns": ["hx", "hy", "hz", "ex", "ey"], "sample_rate_hz": 16.0, "channels": cal}}
    with pytest.raises(FileFormatError, match="line 3"):
        read_ascii(p, **layout)
    p.write_text("1 2 3 4 5\n1 2 x 4 5\n")
    with pytest.raises(FileFormatError, match="line 2"):
        read_ascii(p, **layout)
    p.write_text("1 2 3 4 5\n6 7 8 9 10\n")
    assert read_ascii(p, **layout).sample_rate_hz == 16.0  # the rate given is the rate used
    other = p.with_suffix(".xyz")
    other.write_text("1 2 3 4 5\n")
    with pytest.raises(FileFormatError, match="unknown time-series format"):
        read_timeseries(other)


def _series(n=4000, az=0.0, gap=None):
    rng = np.random.default_rng(0)
    d = np.round(rng.standard_normal((5, n)) * 1000)
    if gap:
        d[:, gap[0] : gap[1]] = np.nan
    chans = (
        Channel("ex", az, 50.0, 0.001),
        Channel("ey", az + 90, 60.0, 0.001),
        Channel("hx", az, 0.0, 0.01),
        Channel("hy", az + 90, 0.0, 0.01),
        Channel("hz", 0.0, 0.0, 0.01),
    )
    return TimeSeries(d, chans, 8.0, station="S01", start_time_s=1.7e9, lat_deg=43.2, lon_deg=124.5, elevation_m=190.0, extra={"chainage_m": 1500.0})


def test_miniseed_round_trip_with_gap_and_obspy_peer(tmp_path):
    from obspy import read

    ts = _series(gap=(1000, 1100))
    p = tmp_path / "S01.mseed"
    write_miniseed(ts, p)
    st = read(str(p))  # the peer: obspy sees the gap as two traces per channel
    assert len(st.select(channel="BQN")) == 2
    back = read_miniseed(p)
    assert back.components == ts.components and back.sample_rate_hz == 8.0
    np.testing.assert_array_equal(np.isnan(back.data), np.isnan(ts.data))
    np.testing.assert_array_equal(back.data[np.isfinite(back.data)], ts.data[np.isfinite(ts.data)])
    assert back.lat_deg == pytest.approx(43.2) and back.extra["chainage_m"] == 1500.0
    assert back.channels[1].dipole_length_m == 60.0
    q = check_timeseries(back)
    assert q.n_gap_samples == 100 and not q.valid[1000:1100].any()


def test_calibration_dipole_and_rotation():
    ts = _series()
    cal = ts.calibrated()
    # Ex: counts * 0.001 mV / 0.05 km
    np.testing.assert_allclose(cal["ex"], ts.channel("ex") * 0.001 / 0.05)
    np.testing.assert_allclose(cal["hy"], ts.channel("hy") * 0.01)
    rot = _series(az=30.0)
    c = rot.calibrated()
    a = np.radians(30.0)
    # sensor x along 30 deg: north = x cos a - y sin a
    np.testing.assert_allclose(c["hx"], (rot.channel("hx") * np.cos(a) - rot.channel("hy") * np.sin(a)) * 0.01, atol=1e-9)


def test_spikes_and_zero_variance_are_found():
    ts = _series()
    d = ts.data.copy()
    d[0, 500] += 1e6
    d[3, 2000] -= 1e6
    d[4] = 3.0
    q = check_timeseries(TimeSeries(d, ts.channels, ts.sample_rate_hz))
    assert q.spikes[0, 500] and q.spikes[3, 2000] and q.n_spike_samples == 2
    assert q.zero_variance == ("hz",)


def test_corrupt_miniseed_is_a_file_format_error(tmp_path):
    p = tmp_path / "x.mseed"
    p.write_bytes(b"\x00" * 1000)
    with pytest.raises(FileFormatError, match="x.mseed"):
        read_miniseed(p)


def test_mth5_reader_matches_ascii(shared_data, tmp_path):
    pytest.importorskip("mth5")
    from mth5.data.make_mth5_from_asc import create_test1_h5

    h5 = create_test1_h5(target_folder=tmp_path, force_make_mth5=True)
    ts = read_timeseries(h5)
    asc = read_ascii(shared_data / "mt" / "emtf-synthetic-test1.asc", metadata=EMTF_SYNTHETIC_METADATA)
    assert ts.station == "test1" and ts.sample_rate_hz == 1.0
    assert set(ts.components) == set(asc.components)
    assert ts.channels[ts.components.index("ey")].azimuth_deg == 90.0
    # mth5 flips the electric polarity of these files, as our EMTF_SYNTHETIC_METADATA does
    a, m = asc.calibrated(), ts.calibrated()
    for c in ("ex", "ey", "hx", "hy", "hz"):
        np.testing.assert_allclose(m[c], a[c])
