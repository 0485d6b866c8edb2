"""Geometry, CMP binning on a crooked line, and static corrections against exact answers."""

from __future__ import annotations

import numpy as np
import pytest

from geoexplore.core.profile import Profile
from geoexplore.seismic.reflection import geometry, statics
from geoexplore.seismic.reflection.modelling import add_wavelet

DT = 0.001


def test_cmp_binning_on_a_crooked_line() -> None:
    # an L-shaped line: 500 m east, then 500 m north
    prof = Profile(np.array([0.0, 500.0, 500.0]), np.array([0.0, 0.0, 500.0]))
    st_ch = np.arange(0.0, 1001.0, 10.0)
    sx, sy = prof.xy(st_ch)
    # all pairs of stations 100 m apart in chainage, both on the same leg
    i = np.arange(st_ch.size - 10)
    j = i + 10
    b = geometry.cmp_bins((sx[i], sy[i]), (sx[j], sy[j]), prof, 5.0, origin_m=0.0)
    mid_true = 0.5 * (st_ch[i] + st_ch[j])
    same_leg = (st_ch[j] <= 500) | (st_ch[i] >= 500)
    assert np.allclose(b["midpoint_chainage_m"][same_leg], mid_true[same_leg], atol=1e-6)
    assert np.array_equal(b["cdp"][same_leg], np.round(mid_true[same_leg] / 5.0).astype(int))
    # across the corner the straight-line midpoint lies off the line
    assert np.all(np.abs(b["midpoint_offline_m"][~same_leg]) > 1.0)
    assert b["fold"].sum() == i.size


def test_trace_geometry_and_tables(tmp_path) -> None:
    st = {"station": np.arange(100, 111), "chainage_m": np.arange(11) * 10.0, "x_m": np.arange(11) * 6.0,
          "y_m": np.arange(11) * 8.0, "elevation_m": np.full(11, 100.0)}
    geometry.write_table(st, tmp_path / "st.csv", geometry.STATION_COLUMNS, comment="stations")
    back = geometry.read_stations(tmp_path / "st.csv")
    assert np.allclose(back["x_m"], st["x_m"])
    g = geometry.trace_geometry(back, {"source_station": 105, "first_channel_station": 101,
                                       "station_increment": 2, "n_channels": 5, "file": "a"}, 5)
    assert g["receiver_station"].tolist() == [101, 103, 105, 107, 109]
    assert np.allclose(g["offset_m"], [-40, -20, 0, 20, 40])
    (tmp_path / "bad.csv").write_text("station,chainage_m,x_m,y_m,elevation_m\n1,0,0,zero,5\n")
    from geoexplore.core.errors import FileFormatError

    with pytest.raises(FileFormatError, match="line 2"):
        geometry.read_stations(tmp_path / "bad.csv")
    counts, centres = geometry.offset_map([0, 0, 1], [10.0, 30.0, 30.0], 2, 20.0)
    assert counts.tolist() == [[1, 1], [0, 1]]


def test_apply_statics_is_exact_fractional_shift() -> None:
    d = add_wavelet(400, DT, np.array([[0.1], [0.1]]), np.ones((2, 1)), 40.0)
    out = statics.apply_statics(d, [0.0025, -0.0013], DT)
    ref = add_wavelet(400, DT, np.array([[0.1025], [0.0987]]), np.ones((2, 1)), 40.0)
    assert np.max(np.abs(out - ref)) < 1e-3 * np.abs(ref).max()


def test_elevation_statics() -> None:
    s = statics.elevation_statics([110.0], [105.0], 100.0, 2000.0)
    assert np.isclose(s[0], -(10 + 5) / 2000.0)
    fd = statics.floating_datum([5.0], [0.0, 10.0], [100.0, 110.0], 0.0)
    assert np.isclose(fd[0], 105.0)


def test_delay_time_statics_recover_weathering() -> None:
    # weathering V1 = 600 m/s over V2 = 1800 m/s, thickness varying 4-12 m; stations every 10 m
    v1, v2 = 600.0, 1800.0
    stn = np.arange(60)
    h = 8 + 4 * np.sin(stn / 6.0)
    delay = h * np.sqrt(v2**2 - v1**2) / (v1 * v2)
    ss, rs, x, t = [], [], [], []
    for s in range(0, 60, 4):
        for r in stn:
            off = abs(r - s) * 10.0
            if off < 60:  # beyond the crossover only
                continue
            ss.append(s), rs.append(r), x.append(off), t.append(delay[s] + delay[r] + off / v2)
    d, v = statics.delay_time_solve(ss, rs, x, t, damping=1e-6)
    assert abs(v - v2) / v2 < 0.01
    est = np.array([d[s] for s in stn])
    # delays are determined up to a trade-off with nothing: exact data, exact answer
    assert np.max(np.abs(est - delay)) < 5e-4
    st = statics.delay_time_statics(d, {int(s): 100.0 for s in stn}, v1, v2, datum_m=80.0)
    exact = -(h / v1 + (100.0 - h - 80.0) / v2)
    assert np.max(np.abs(np.array([st[s] for s in stn]) - exact)) < 1e-3


def test_residual_statics_increase_stack_power_and_recover_shifts() -> None:
    rng = np.random.default_rng(7)
    ns, nst = 300, 80
    # split-spread fixed geometry: sources every 2 stations, 24 receivers each side
    src, rec = [], []
    for s in range(0, nst, 2):
        for r in range(max(0, s - 24), min(nst, s + 25)):
            src.append(s), rec.append(r)
    src, rec = np.array(src), np.array(rec)
    cdp = src + rec
    # NMO-corrected data: three flat reflectors with a slow dip
    t0 = np.stack([0.08 + 0.0002 * cdp, 0.15 + 0.0 * cdp, 0.22 - 0.0001 * cdp], axis=1)
    clean = add_wavelet(ns, DT, t0, np.array([1.0, -0.7, 0.5]), 50.0)
    s_true = rng.uniform(-0.004, 0.004, nst)
    r_true = rng.uniform(-0.004, 0.004, nst)
    shifted = statics.apply_statics(clean, s_true[src] + r_true[rec], DT) + 0.05 * rng.standard_normal(clean.shape)
    ss, rr, tr = statics.residual_statics(shifted, cdp, src, rec, DT, max_shift_s=0.01, n_iter=5)
    err = tr + (s_true[src] + r_true[rec])
    # the solution is unique up to a per-CMP constant (and its split): compare after removing CMP means
    cm = np.bincount(cdp, err) / np.bincount(cdp)
    resid = err - cm[cdp]
    assert np.sqrt(np.mean(resid**2)) < 0.0005
    def power(d):
        st = np.zeros((cdp.max() + 1, ns))
        np.add.at(st, cdp, d)
        return np.sum(st**2)
    assert power(statics.apply_statics(shifted, tr, DT)) > 1.5 * power(shifted)


def test_first_break_statics_from_a_refraction_picks_table() -> None:
    # the refraction picks layout (geoexplore.seismic.refraction.pick_tables): positions, elevations, offset, t_s, use
    import xarray as xr

    from geoexplore.seismic.reflection.flow import first_break_statics

    v1, v2 = 500.0, 1800.0
    x_st = np.arange(0.0, 400.0, 5.0)
    h = 6 + 3 * np.cos(x_st / 40.0)
    elev = 100 + 0.01 * x_st
    delay = h * np.sqrt(v2**2 - v1**2) / (v1 * v2)
    rows = {k: [] for k in ("source_x_m", "receiver_x_m", "source_elevation_m", "receiver_elevation_m", "offset_m", "t_s")}
    for i in range(0, x_st.size, 8):
        for j in range(x_st.size):
            off = x_st[j] - x_st[i]
            if off == 0:
                continue
            direct = abs(off) / v1
            headw = delay[i] + delay[j] + abs(off) / v2
            t = min(direct, headw) if abs(off) < 30 else headw  # the first arrival (crossover about 16 m)
            for k, v in zip(rows, (x_st[i], x_st[j], elev[i], elev[j], off, t)):
                rows[k].append(v)
    fb = xr.Dataset({k: ("pick", np.asarray(v)) for k, v in rows.items()})
    out = first_break_statics(fb, min_offset_m=30.0, datum_m=80.0, direct_max_offset_m=7.5)  # crossover >= 8 m
    assert abs(out.attrs["v_refractor_m_s"] - v2) / v2 < 0.01
    assert abs(out.attrs["v_weathering_m_s"] - v1) / v1 < 0.01
    exact = -(h / v1 + (elev - h - 80.0) / v2) * 1000
    assert np.allclose(out["chainage_m"].values, x_st)
    assert np.max(np.abs(out["static_ms"].values - exact)) < 1.0


def test_geometry_from_headers_matches_the_field_tables(siping_dir, siping_model) -> None:
    # the SEG-2 descriptors hold line positions (m from the first station) and station numbers
    from geoexplore.seismic.reflection import flow

    d = siping_dir / "seismic"
    files = sorted((d / "shots").glob("*.sg2"))[10:14]
    st = geometry.read_stations(d / "stations.csv")
    log = geometry.read_observer_log(d / "observer_log.csv")
    a = flow.load_shots(files, st, log, siping_model.profile())
    b = flow.load_shots(files, None, None, siping_model.profile(), x_origin_m=float(st["chainage_m"][0]))
    assert np.array_equal(a["receiver_station"].values, b["receiver_station"].values)
    # the field tables know the line is crooked (up to 6 m); the headers only know positions along it
    assert np.max(np.abs(a["midpoint_chainage_m"].values - b["midpoint_chainage_m"].values)) < 0.5
    assert np.max(np.abs(np.abs(a["offset_m"].values) - np.abs(b["offset_m"].values))) < 0.5
    assert np.mean(a["cdp"].values == b["cdp"].values) > 0.9
