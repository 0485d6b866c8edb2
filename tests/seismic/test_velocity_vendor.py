"""Vendor ASCII velocity functions (HANDVEL cards, column tables in time or depth): hand-computed values, SU conventions, refusals."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from geoexplore.core.errors import FileFormatError, GeoexploreError
from geoexplore.seismic.io.velocity import read_su_par, read_velocity
from geoexplore.seismic.io.velocity_registry import VELOCITY_REGISTRY

DATA = Path(__file__).parent / "data"
FT = 0.3048


def test_handvel_equals_the_same_function_as_a_seismic_unix_par_file(tmp_path) -> None:
    # sunmo's convention: cdp= then one tnmo= (s) / vnmo= pair per cdp; HANDVEL holds the same picks in ms
    par = tmp_path / "v.par"
    par.write_text("cdp=101,141\ntnmo=0,0.4,0.9,1.5,2.2\nvnmo=1500,1650,2100,2600,3100\ntnmo=0,0.45,1.0\nvnmo=1520,1700,2200\n")
    su = read_su_par(par, velocity_units="m/s")
    hv = read_velocity(DATA / "velocity.handvel", velocity_units="m/s", velocity_kind="rms")
    assert hv["attrs"]["format"] == "handvel"
    for k in ("cdp", "time_s", "vrms_m_s"):
        assert np.allclose(hv[k], su[k]), k


def test_handvel_feet_and_landmark_header_keys(tmp_path) -> None:
    p = tmp_path / "v.txt"
    p.write_text("# FUNCTION_TYPE = TVint\n# LINEAR_UNITS = FEET\nHANDVEL 7\n0 5000 500 8000\n1000 10000\n")
    v = read_velocity(p, interval_at="top")  # unit and kind are read from the header comments
    assert v["attrs"]["velocity_units"] == "ft/s" and v["attrs"]["kind"].startswith("interval")
    v1, v2, v3 = 5000 * FT, 8000 * FT, 10000 * FT  # 5000 ft/s for 0-0.5 s, 8000 ft/s for 0.5-1.0 s, 10000 below
    # Dix by hand; the last interval velocity holds below the last row: a row 60 s later carries it
    assert np.allclose(v["time_s"], [0.0, 0.5, 1.0, 61.0])
    assert np.allclose(v["vrms_m_s"], [v1, v1, np.sqrt((v1**2 * 0.5 + v2**2 * 0.5) / 1.0),
                                       np.sqrt((v1**2 * 0.5 + v2**2 * 0.5 + v3**2 * 60.0) / 61.0)])
    with pytest.raises(GeoexploreError, match="velocity_units 'm/s' given, but the file states 'ft/s'"):
        read_velocity(p, velocity_units="m/s", interval_at="top")
    with pytest.raises(GeoexploreError, match="interval_at"):
        read_velocity(p)


def test_handvel_refuses_what_it_does_not_state_or_cannot_hold(tmp_path) -> None:
    p = DATA / "velocity.handvel"
    with pytest.raises(GeoexploreError, match="velocity_units"):
        read_velocity(p, velocity_kind="rms")
    with pytest.raises(GeoexploreError, match="velocity_kind"):
        read_velocity(p, velocity_units="m/s")
    bad = tmp_path / "bad.vel"
    bad.write_text("HANDVEL 5\n0 1500 400\n")
    with pytest.raises(FileFormatError, match=r"3 numbers, not time-velocity pairs.*line 1|line 1.*3 numbers"):
        read_velocity(bad, velocity_units="m/s", velocity_kind="rms")
    bad.write_text("HANDVEL 5 9\n0 1500\n")
    with pytest.raises(FileFormatError, match="line 1.*3-D|3-D.*line 1"):
        read_velocity(bad, velocity_units="m/s", velocity_kind="rms")
    bad.write_text("HANDVEL 5\n0 1500 400 x\n")
    with pytest.raises(FileFormatError, match="line 2"):
        read_velocity(bad, velocity_units="m/s", velocity_kind="rms")


def test_column_table_interval_in_time_at_interval_bases(tmp_path) -> None:
    p = tmp_path / "v.txt"
    p.write_text("CDP  TIME(ms)  VINT(m/s)\n12 400 1500\n12 1000 2500\n12 1600 3500\n")
    v = read_velocity(p, interval_at="base")
    exact = [1500.0, np.sqrt((1500**2 * 0.4 + 2500**2 * 0.6) / 1.0),
             np.sqrt((1500**2 * 0.4 + 2500**2 * 0.6 + 3500**2 * 0.6) / 1.6)]
    assert np.allclose(v["time_s"], [0.4, 1.0, 1.6]) and np.allclose(v["vrms_m_s"], exact)
    # the same rows read as interval tops: the interval above 400 ms has no velocity -> refused, naming the line
    with pytest.raises(FileFormatError, match="line 2"):
        read_velocity(p, interval_at="top")


def test_depth_table_interval_velocities_to_time_and_rms() -> None:
    v = read_velocity(DATA / "velocity-depth.txt", interval_at="top")
    assert v["attrs"]["format"] == "columns" and v["attrs"]["domain"] == "depth"
    a = v["chainage_m"] == 0
    # 1500 m/s for 0-300 m, 2000 m/s for 300-800 m, 3000 m/s below: two-way times 0.4 s and 0.4 + 1.0 / 2000 = 0.9 s
    # (and a row 60 s later carrying the 3000 m/s below 800 m)
    assert np.allclose(v["time_s"][a], [0.0, 0.4, 0.9, 60.9]) and np.allclose(v["depth_m"][a], [0, 300, 800, 800 + 90000])
    assert np.allclose(v["vrms_m_s"][a], [1500, 1500, np.sqrt((1500**2 * 0.4 + 2000**2 * 0.5) / 0.9),
                                          np.sqrt((1500**2 * 0.4 + 2000**2 * 0.5 + 3000**2 * 60.0) / 60.9)])
    b = v["chainage_m"] == 250
    t1, t2 = 2 * 350 / 1600, 2 * 350 / 1600 + 2 * 550 / 2100
    assert np.allclose(v["time_s"][b][:3], [0, t1, t2])
    assert np.allclose(v["vrms_m_s"][b][2], np.sqrt((1600**2 * t1 + 2100**2 * (t2 - t1)) / t2))


def test_depth_table_average_velocities_in_feet(tmp_path) -> None:
    p = tmp_path / "vavg.csv"
    p.write_text("cdp,depth_ft,vavg_ft_s\n3,1000,5000\n3,3000,6000\n")
    v = read_velocity(p)
    # t = 2 z / v_avg: 0.4 s and 1.0 s; interval between: 2 x 2000 ft / 0.6 s
    assert np.allclose(v["time_s"], [0.4, 1.0])
    vi1, vi2 = 5000 * FT, 2 * 2000 * FT / 0.6
    assert np.allclose(v["vrms_m_s"], [vi1, np.sqrt((vi1**2 * 0.4 + vi2**2 * 0.6) / 1.0)])
    with pytest.raises(GeoexploreError, match="velocity_kind 'rms' given"):
        read_velocity(p, velocity_kind="rms")


def test_column_table_refusals_name_the_column(tmp_path) -> None:
    p = tmp_path / "v.txt"
    p.write_text("CDP TIME VRMS(m/s)\n1 100 1500\n")
    with pytest.raises(FileFormatError, match="'TIME'.*unit None"):
        read_velocity(p)
    p.write_text("CDP TIME(ms) V\n1 100 1500\n")
    with pytest.raises(GeoexploreError, match="velocity unit"):
        read_velocity(p, velocity_kind="rms")
    with pytest.raises(GeoexploreError, match="velocity_kind"):
        read_velocity(p, velocity_units="m/s")
    assert read_velocity(p, velocity_units="km/s", velocity_kind="rms")["vrms_m_s"].tolist() == [1.5e6]
    p.write_text("X TIME(ms) VRMS(m/s)\n1 100 1500\n")
    with pytest.raises(FileFormatError, match="'X'"):
        read_velocity(p)
    p.write_text("CDP DEPTH(m) VRMS(m/s)\n1 100 1500\n")
    with pytest.raises(FileFormatError, match="RMS velocity against depth"):
        read_velocity(p)
    p.write_text("CDP TIME(ms) VRMS(m/s)\n1 100 1500\n1 200\n")
    with pytest.raises(FileFormatError, match="line 3"):
        read_velocity(p)


def test_registry_detects_each_format(tmp_path) -> None:
    par = tmp_path / "a.par"
    par.write_text("tnmo=0,1\nvnmo=1500,2000\n")
    csv = tmp_path / "b.csv"
    csv.write_text("cdp,time_s,vrms_m_s\n1,0,1500\n")
    assert VELOCITY_REGISTRY.detect(par) == "su-par"
    assert VELOCITY_REGISTRY.detect(csv) == "csv"
    assert VELOCITY_REGISTRY.detect(DATA / "velocity.handvel") == "handvel"
    assert VELOCITY_REGISTRY.detect(DATA / "velocity-depth.txt") == "columns"
    junk = tmp_path / "c.txt"
    junk.write_text("hello world\n")
    with pytest.raises(FileFormatError, match="velocity-function"):
        read_velocity(junk)
    with pytest.raises(GeoexploreError, match="RMS"):
        read_velocity(par, velocity_units="m/s", velocity_kind="interval")


def test_depth_table_drives_the_depth_conversion_of_a_real_section(shared_data, tmp_path) -> None:
    """The CLI end to end: the real F3 stack (crosslines 875-892 as CDP numbers) depth-converted with interval
    velocities in depth, 1800 m/s down to 200 m and 2200 m/s below: the depth section's interval velocity is the
    table's on each side of 200 m (away from the 0.04 s time smoothing)."""
    import xarray as xr

    from geoexplore.cli import main

    p = tmp_path / "vdepth.txt"
    p.write_text("CDP DEPTH(m) VINT(m/s)\n875 0 1800\n875 200 2200\n892 0 1800\n892 200 2200\n")
    out = tmp_path / "depth.nc"
    args = ["seismic", "migrate", str(shared_data / "seismic" / "f3.sgy"), "--inline", "120", "--velocity", str(p),
            "--depth", str(out), "--max-depth", "300"]
    assert main(args) == 1  # interval velocities: which interval a row belongs to is not stated
    assert main([*args, "--interval-at", "top"]) == 0
    with xr.open_dataset(out) as d:
        v = d["velocity_m_s"]
        assert np.allclose(v.sel(depth_m=slice(0, 170)).values, 1800.0, rtol=0.01)
        assert np.allclose(v.sel(depth_m=slice(235, 260)).values, 2200.0, rtol=0.01)
