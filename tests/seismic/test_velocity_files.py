"""Velocity-function files: Seismic Unix par files and CSV tables, with units; interval -> RMS by Dix."""

from __future__ import annotations

import numpy as np
import pytest

from geoexplore.core.errors import FileFormatError, GeoexploreError
from geoexplore.seismic.io.velocity import (
    read_su_par,
    read_velocity,
    read_velocity_table,
)


def test_su_par_file_in_feet_per_second(tmp_path) -> None:
    p = tmp_path / "vel.par"
    # the layout sunmo reads: cdp= then one tnmo=/vnmo= pair per cdp (continuation and comment allowed)
    p.write_text("# picks of line 7\ncdp=100,200 \\\ntnmo=0.0,1.0,3.0\nvnmo=5000,6000,8000\n"
                 "tnmo=0.0,2.0\nvnmo=5200,7000\n")
    v = read_velocity(p, velocity_units="ft/s")
    assert v["cdp"].tolist() == [100, 100, 100, 200, 200]
    assert np.allclose(v["vrms_m_s"], np.array([5000, 6000, 8000, 5200, 7000]) * 0.3048)
    assert np.allclose(v["time_s"], [0, 1, 3, 0, 2])
    assert v["attrs"]["velocity_units"] == "ft/s"


def test_su_par_needs_units_and_consistent_lists(tmp_path) -> None:
    p = tmp_path / "vel.par"
    p.write_text("cdp=1,2\ntnmo=0,1\nvnmo=1500,2000\n")
    with pytest.raises(GeoexploreError, match="velocity_units"):
        read_su_par(p)
    with pytest.raises(FileFormatError, match="one pair per cdp"):
        read_su_par(p, velocity_units="m/s")
    p.write_text("vnmo=1800\n")  # constant velocity
    v = read_su_par(p, velocity_units="m/s")
    assert v["vrms_m_s"].tolist() == [1800.0] and v["cdp"].tolist() == [-1]
    p.write_text("tnmo=0,1\nvnmo=1500,x\n")
    with pytest.raises(FileFormatError, match="line 2"):
        read_su_par(p, velocity_units="m/s")


def test_interval_velocity_table_to_rms_by_dix(tmp_path) -> None:
    # three layers: 1500 m/s for 0.4 s, 2500 m/s for 0.6 s, 3500 m/s below (two-way times)
    p = tmp_path / "vint.csv"
    p.write_text("chainage_m,time_ms,vint_m_s\n100,0,1500\n100,400,2500\n100,1000,3500\n")
    v = read_velocity_table(p)
    exact_1s = np.sqrt((1500**2 * 0.4 + 2500**2 * 0.6) / 1.0)  # Dix: t vrms^2 = sum vint^2 dt
    # 3500 m/s holds below 1 s: one more row, 60 s later, carries it
    assert np.allclose(v["time_s"], [0.0, 0.4, 1.0, 61.0])
    assert np.allclose(v["vrms_m_s"], [1500.0, 1500.0, exact_1s, np.sqrt((exact_1s**2 + 3500**2 * 60.0) / 61.0)])
    assert np.allclose(v["chainage_m"], 100.0) and (v["cdp"] == -1).all()
    # the interval above the first row has no velocity: refused, naming the line (was: the first velocity assumed)
    p.write_text("chainage_m,time_ms,vint_m_s\n100,400,2500\n100,1000,3500\n")
    with pytest.raises(FileFormatError, match="line 2"):
        read_velocity_table(p)


def test_rms_table_units_in_column_names_and_refusals(tmp_path) -> None:
    p = tmp_path / "vrms.csv"
    p.write_text("cdp,time_s,vrms_ft_s\n5,0.5,6000\n5,1.5,9000\n")
    v = read_velocity_table(p)
    assert np.allclose(v["vrms_m_s"], [6000 * 0.3048, 9000 * 0.3048])
    p.write_text("cdp,time_s,vrms\n5,0.5,1800\n")
    with pytest.raises(GeoexploreError, match="velocity unit"):
        read_velocity_table(p)
    assert read_velocity_table(p, velocity_units="m/s")["vrms_m_s"].tolist() == [1800.0]
    p.write_text("cdp,time_s,vrms_m_s\n5,0.5,1800\n5,0.5,1900\n")
    with pytest.raises(FileFormatError, match="times repeat"):
        read_velocity_table(p)
    p.write_text("cdp,twt,v\n5,0.5,1800\n")
    with pytest.raises(FileFormatError, match="location column"):
        read_velocity_table(p)
