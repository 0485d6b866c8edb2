"""Refraction statics (analytic two-layer column), picks tables, the pick step and the `seismic pick` CLI."""

from __future__ import annotations

import numpy as np
import pytest

from geoexplore.seismic.refraction.tomogram_statics import tomogram_statics


def test_statics_two_layer_column():
    """500 m/s for 10 m over 2000 m/s; v_rep 2000; datum at the surface: static = -10/500 + 10/2000 = -15 ms."""
    z = np.arange(0.0, 40.01, 0.5)
    v = np.where(z < 10.0, 500.0, 2000.0)[:, None] * np.ones((1, 3))
    e = np.array([100.0, 102.0, 98.0])
    r = tomogram_statics(z, v, e, v_replacement_m_s=2000.0, datum_elevation_m=100.0)
    np.testing.assert_allclose(r["weathering_thickness_m"], 10.0, atol=0.5)
    # exact: -T_w + (E_d - E + d_w) / v_rep with the crossing interpolated inside the 9.5-10 m interval
    d = r["weathering_thickness_m"]
    np.testing.assert_allclose(r["weathering_time_s"], 10.0 / 500.0, rtol=0.03)  # sampled at 0.5 m
    np.testing.assert_allclose(r["static_s"], -r["weathering_time_s"] + (100.0 - (e - d)) / 2000.0)
    assert r["static_s"][0] == pytest.approx(-0.015, abs=0.001)
    # a station 2 m higher needs 1 ms more correction (2 m of replacement velocity)
    assert r["static_s"][1] - r["static_s"][0] == pytest.approx(-0.001, abs=1e-6)


def test_statics_fast_surface_has_no_weathering():
    z = np.linspace(0, 20, 41)
    v = np.full((41, 2), 2500.0)
    r = tomogram_statics(z, v, np.array([50.0, 50.0]), v_replacement_m_s=2000.0, datum_elevation_m=40.0)
    np.testing.assert_allclose(r["weathering_thickness_m"], 0.0)
    np.testing.assert_allclose(r["static_s"], -10.0 / 2000.0)


def test_pick_table_round_trip_and_sgt(tmp_path, siping_dir):
    from geoexplore.seismic import io
    from geoexplore.seismic.io.sgt import read_sgt, write_sgt
    from geoexplore.seismic.refraction.pick_tables import (
        pick_shot,
        read_picks_csv,
        table_to_traveltime,
        write_picks_csv,
    )

    f = sorted((siping_dir / "refraction").glob("shot*.seg2"))[5]
    g = io.read(f)
    t = pick_shot(g)
    assert len(t) == g.sizes["trace"] and t["use"].sum() > 0.9 * len(t)
    np.testing.assert_allclose(t["receiver_elevation_m"], g["receiver_elevation_m"].values)
    p = write_picks_csv(t, tmp_path / "picks.csv")
    back = read_picks_csv(p)
    np.testing.assert_allclose(back["t_s"], t["t_s"], rtol=1e-6)
    # a person edits the table: reject one pick
    back.loc[3, "use"] = 0
    d = table_to_traveltime(back)
    assert d.n_data == int(back["use"].sum())
    s = read_sgt(write_sgt(d, tmp_path / "p.sgt"))
    # one sensor per station (shot on a receiver station), elevations from the headers
    used = back[back["use"] == 1]
    assert len(s.sensors) == len(np.unique(np.r_[used["receiver_x_m"], used["source_x_m"]]))
    np.testing.assert_allclose(s.t_s, d.t_s, rtol=1e-6)


def test_missing_geometry_is_a_clear_error(shared_data, tmp_path):
    from geoexplore.core.errors import GeoexploreError
    from geoexplore.seismic import io
    from geoexplore.seismic.refraction.pick_tables import gather_geometry, read_geometry

    g = io.read(shared_data / "seismic" / "su-329.seg2")
    g = g.assign_coords(receiver_x_m=("trace", np.full(g.sizes["trace"], np.nan)))
    with pytest.raises(GeoexploreError, match="missing geometry"):
        gather_geometry(g)
    geo = tmp_path / "geo.csv"
    geo.write_text("trace,receiver_x_m,receiver_elevation_m,source_x_m,source_elevation_m\n"
                   + "".join(f"{i},{2.0 * i},1.0,-2.0,1.0\n" for i in range(1, g.sizes["trace"] + 1)))
    out = gather_geometry(g, read_geometry(geo))
    np.testing.assert_allclose(out["receiver_x_m"], 2.0 * np.arange(1, g.sizes["trace"] + 1))


def test_cli_pick_real_shot_and_bad_file(shared_data, tmp_path, capsys):
    from geoexplore.cli import main
    from geoexplore.seismic.io.sgt import read_sgt

    bad = tmp_path / "broken.seg2"
    bad.write_bytes((shared_data / "seismic" / "wghs-shot1.seg2").read_bytes()[:3000])
    rc = main(["seismic", "pick", str(shared_data / "seismic" / "wghs-shot1.seg2"), str(bad), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert rc == 3 and "broken.seg2" in err
    d = read_sgt(tmp_path / "o" / "picks.sgt")
    assert d.n_data >= 6 and np.all(np.diff(d.t_s[np.argsort(d.offset_m)]) > 0)
    assert (tmp_path / "o" / "picks.csv").read_text().startswith("shot,trace,")


def test_cli_tomo_writes_model_and_summary(shared_data, tmp_path, capsys):
    """`seismic tomo` on the real Koenigsee picks with a coarse, quick settings file (two uncertainty runs)."""
    import json

    from geoexplore.cli import main

    st = tmp_path / "fast.yaml"
    st.write_text("max_cell_area_spacings2: 40.0\nsec_nodes: 1\nmax_iter: 2\nuncertainty_runs: 2\n")
    out = tmp_path / "tomo"
    rc = main(["seismic", "tomo", str(shared_data / "seismic" / "koenigsee.sgt"), "--out", str(out), "--settings", str(st)])
    assert rc == 0
    summ = json.loads((out / "summary.json").read_text())
    assert {"chi2", "rrms", "rms_ms", "iterations"} <= set(summ)
    assert 0 < summ["iterations"] <= 2 and summ["settings"]["max_iter"] == 2
    assert summ["chi2"] < 157.0  # better than the gradient starting model
    assert (out / "model.vtk").read_text().startswith("# vtk")
    rows = (out / "model.csv").read_text().splitlines()
    assert rows[0].startswith("x_m,elevation_m") and len(rows) == summ["n_cells"] + 1
    assert rows[0].endswith(",velocity_rel_sd") and summ["uncertainty_runs"] == 2 and summ["velocity_rel_sd_median"] > 0
    # the flag overrides the file; the printed line names the spread
    assert main(["seismic", "tomo", str(shared_data / "seismic" / "koenigsee.sgt"), "--out", str(out), "--settings", str(st),
                 "--uncertainty-runs", "3"]) == 0
    assert json.loads((out / "summary.json").read_text())["uncertainty_runs"] == 3
    assert "velocity uncertainty from the pick errors (3 runs)" in capsys.readouterr().out
    assert main(["seismic", "tomo", str(shared_data / "seismic" / "koenigsee.sgt"), "--out", str(out),
                 "--uncertainty-runs", "1"]) == 1
    bad = tmp_path / "bad.yaml"
    bad.write_text("z_weigth: 0.3\n")
    assert main(["seismic", "tomo", str(shared_data / "seismic" / "koenigsee.sgt"), "--out", str(out), "--settings", str(bad)]) == 1


def test_multi_shot_segy_is_split(siping_dir, tmp_path):
    """Two synthetic shots in one SEG-Y file: picked as two shots, same picks as from their SEG-2 files."""
    import xarray as xr

    from geoexplore.seismic import io
    from geoexplore.seismic.refraction.pick_tables import (
        pick_file,
        pick_shot,
        split_shots,
    )

    files = sorted((siping_dir / "refraction").glob("shot*.seg2"))[4:6]
    gs = [io.read(f) for f in files]
    both = xr.concat([g.drop_vars("trace") for g in gs], dim="trace", data_vars="all", coords="different",
                     compat="equals", combine_attrs="override")
    p = tmp_path / "two.sgy"
    io.write(both, p, format="segy")
    g2 = io.read(p)
    assert len(split_shots(g2)) == 2
    t = pick_file(g2)
    assert sorted(t["shot"].unique()) == [1, 2]
    ref = pick_shot(gs[1])
    np.testing.assert_allclose(t[t["shot"] == 2]["t_s"].to_numpy(), ref["t_s"].to_numpy(), atol=1e-9, equal_nan=True)
