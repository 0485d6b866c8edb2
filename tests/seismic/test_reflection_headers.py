"""Geometry from trace headers: any shot layout, coordinate units, the processing line, the report.

The real file is the Viking Graben marine line in ../shared/data (4 shots x 120 channels in one
SEG-Y file, header geometry); segyio, read next to it, is the independent reader of its headers.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from geoexplore.core.errors import GeoexploreError
from geoexplore.seismic import io
from geoexplore.seismic.gather import make_gather
from geoexplore.seismic.reflection import flow


@pytest.fixture(scope="module")
def viking(shared_data):
    return shared_data / "seismic" / "viking_small.segy"


def test_viking_shots_and_channels_per_trace_from_headers(viking) -> None:
    import segyio

    ds = flow.load_shots([viking], None, None, None)
    with segyio.open(str(viking), ignore_geometry=True) as f:
        fldr = f.attributes(segyio.TraceField.FieldRecord)[:]
        tracf = f.attributes(segyio.TraceField.TraceNumber)[:]
        offset = f.attributes(segyio.TraceField.offset)[:]
        sx = f.attributes(segyio.TraceField.SourceX)[:]
    # every trace its own shot and channel (not the first trace's ffid for all 480)
    assert np.array_equal(ds["ffid"].values, fldr) and np.unique(fldr).size == 4
    assert np.array_equal(ds["channel"].values, tracf)
    assert np.allclose(np.abs(ds["offset_m"].values), np.abs(offset))
    assert np.allclose(ds["source_chainage_m"].values, sx)
    rep = json.loads(ds.attrs["geometry_report"])
    assert rep["n_shots"] == 4 and rep["n_files"] == 1
    assert rep["line"]["kind"] == "straight"
    # 25 m groups -> 12.5 m CMP bins; shots 25 m apart move the spread one group: fold 4 in the middle
    assert ds.attrs["bin_m"] == 12.5 and ds["fold"].values.max() == 4
    notes = " ".join(rep["discrepancies"])
    assert "1500" in notes and "600" in notes  # the header sample count vs binary header and file size
    assert "decimal degrees" in notes  # unit code 3 contradicted by the values and the offsets


def test_one_shot_in_several_files_and_a_shot_number_reused(viking, tmp_path) -> None:
    g = io.read(viking)
    a, b = tmp_path / "a.sgy", tmp_path / "b.sgy"
    io.write(g.isel(trace=slice(0, 60)), a, format="segy")   # shot 3, channels 1-60
    io.write(g.isel(trace=slice(60, 480)), b, format="segy")  # shot 3, channels 61-120, and shots 4-6
    ds = flow.load_shots([a, b], None, None, None)
    assert np.array_equal(ds["ffid"].values, g["fldr"].values)
    assert (ds["ffid"].values == 3).sum() == 120
    # two records numbered 7 at different source positions are two shots, and the report says so
    g2 = g.copy()
    g2["fldr"] = ("trace", np.where(g["fldr"].values >= 5, 7, g["fldr"].values).astype(np.int32))
    c = tmp_path / "c.sgy"
    io.write(g2, c, format="segy")
    ds2 = flow.load_shots([c], None, None, None)
    assert np.unique(ds2["ffid"].values).size == 4
    assert "recur" in json.dumps(json.loads(ds2.attrs["geometry_report"]))


def _shot(sx, sy, gx, gy, *, counit=1, ffid=1):
    n = len(gx)
    hdr = {"fldr": np.full(n, ffid), "tracf": np.arange(1, n + 1), "source_x_m": np.full(n, sx),
           "source_y_m": np.full(n, sy), "receiver_x_m": gx, "receiver_y_m": gy,
           "offset_m": np.hypot(gx - sx, gy - sy), "counit": np.full(n, counit), "scalco": np.ones(n)}
    return make_gather(np.random.default_rng(ffid).normal(size=(n, 200)), 0.002, headers=hdr, attrs={"format": "segy"})


def test_map_coordinates_on_a_crooked_line_and_units_refused(tmp_path) -> None:
    # receivers every 10 m along an arc of radius 2 km (map coordinates, a crooked line)
    ang = np.arange(0, 96) * 10.0 / 2000.0
    gx, gy = 500000 + 2000 * np.sin(ang), 4800000 + 2000 * (1 - np.cos(ang))
    files = []
    for k, i in enumerate((0, 30, 60)):
        f = tmp_path / f"s{k}.sgy"
        io.write(_shot(gx[i], gy[i], gx[i + 1:i + 36], gy[i + 1:i + 36], ffid=k + 1), f, format="segy")
        files.append(f)
    ds = flow.load_shots(files, None, None, None)
    rep = json.loads(ds.attrs["geometry_report"])
    assert rep["line"]["kind"] == "crooked"
    assert abs(ds.attrs["bin_m"] - 5.0) < 0.01  # half the 10 m chord
    # midpoints lie on the arc: the fitted line passes within a fraction of a bin of them
    assert np.max(np.abs(ds["midpoint_offline_m"].values)) < 0.5 * ds.attrs["bin_m"]
    # chainage along the line = arc length between midpoints (analytic), within a bin
    mid_ang = 0.5 * (np.repeat([0, 30, 60], 35) + np.r_[np.arange(1, 36), np.arange(31, 66), np.arange(61, 96)]) * 10 / 2000
    arc = mid_ang * 2000.0
    assert np.max(np.abs((ds["midpoint_chainage_m"].values - ds["midpoint_chainage_m"].values.min()) - (arc - arc.min()))) < 5.0
    assert np.unique(ds["ffid"].values).tolist() == [1, 2, 3]
    # coordinates in degrees (unit code 3, values that can be angles) are refused with the way out named
    f = tmp_path / "deg.sgy"
    io.write(_shot(124.35, 43.16, 124.35 + np.arange(1, 11) * 1e-4, np.full(10, 43.16), counit=3), f, format="segy")
    with pytest.raises(GeoexploreError, match="coordinate_units"):
        flow.load_shots([f], None, None, None)


def test_no_positions_in_the_headers_is_refused(shared_data) -> None:
    # the Oz land shot: offsets and coordinates absent from its SU headers
    with pytest.raises(GeoexploreError, match="station table"):
        flow.load_shots([shared_data / "seismic" / "oz-ozdata16.su"], None, None, None)


def test_unstated_length_unit_is_refused_or_given(tmp_path) -> None:
    # SEG-Y states its length unit in the binary header (bytes 3255-3256: 1 metres, 2 feet); 0 states none,
    # and SU has no binary header at all: both are refused until the unit is given, never taken as metres
    gx = np.arange(1, 25) * 10.0
    stated = tmp_path / "m.sgy"
    io.write(_shot(0.0, 0.0, gx, np.zeros(24)), stated, format="segy")
    ref = flow.load_shots([stated], None, None, None)
    unstated = tmp_path / "none.sgy"
    raw = bytearray(stated.read_bytes())
    assert int.from_bytes(raw[3254:3256], "big") == 1  # our writer states metres
    raw[3254:3256] = (0).to_bytes(2, "big")
    unstated.write_bytes(bytes(raw))
    su = tmp_path / "s.su"
    io.write(io.read(stated), su, format="su")
    for f, where in ((unstated, "3255-3256"), (su, "SU has no binary header")):
        with pytest.raises(GeoexploreError, match=where):
            flow.load_shots([f], None, None, None)
        in_m = flow.load_shots([f], None, None, None, coordinate_units="m")
        np.testing.assert_array_equal(in_m["midpoint_chainage_m"].values, ref["midpoint_chainage_m"].values)
        assert in_m.attrs["bin_m"] == ref.attrs["bin_m"] == 5.0
        in_ft = flow.load_shots([f], None, None, None, coordinate_units="ft")
        assert in_ft.attrs["bin_m"] == pytest.approx(5.0 * 0.3048)
        assert "given by the user" in json.loads(in_ft.attrs["geometry_report"])["coordinate_units"]
    with pytest.raises(GeoexploreError, match="mix"):
        flow.load_shots([stated, unstated], None, None, None, coordinate_units="m")
