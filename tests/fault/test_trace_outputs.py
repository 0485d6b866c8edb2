"""Trace outputs: store round trip, GeoPackage/GeoJSON CRS, setback polygons, traced magnitudes, the map figure.

Independent references: pyproj for the WGS84 coordinates, the analytic buffer area of a segment, the Wells and
Coppersmith (1994) normal-fault SRL regression (M = 4.86 + 1.32 log10 L, sigma 0.34; Table 2A), GeoPandas/GDAL
reading the files back. Traces from ERT + refraction SYNTHETIC TEST IMAGES of the four Siping lines (labelled).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

LINES = ("S1", "shallow", "S3", "S4")


@pytest.fixture(scope="module")
def traced(line_bundles, rules):
    from geoexplore.fault.linesteps import run_traces

    fm, bundles, dem = line_bundles
    return fm, run_traces(fm, bundles, dem=dem, rules=rules, intensity=8, surface_age_ka=20.0, surface_age_sigma_ka=4.0)


def test_store_round_trip(traced, tmp_path):
    import xarray as xr

    from geoexplore.fault.tracestore import traces_from_dataset

    fm, out = traced
    p = tmp_path / "t.nc"
    out["traces"].to_netcdf(p, engine="h5netcdf")
    with xr.open_dataset(p, engine="h5netcdf") as ds:
        back = traces_from_dataset(ds.load())
    a = traces_from_dataset(out["traces"])
    assert [t.id for t in back["result"].traces] == [t.id for t in a["result"].traces] == ["T1"]
    t, u = back["result"].traces[0], a["result"].traces[0]
    assert t.strike_deg == u.strike_deg and t.boundaries == u.boundaries and [m.key() for m in t.members] == [m.key() for m in u.members]
    assert back["crs"] == "EPSG:4551" and back["synthetic"] and len(back["scarps"]) == 3
    assert back["result"].lone_scarps[0]["id"] == a["result"].lone_scarps[0]["id"]


def test_geopackage_and_geojson_crs(traced, tmp_path):
    import geopandas as gpd
    import pyogrio
    from pyproj import Transformer

    from geoexplore.fault.gis import trace_layers, write_layers
    from geoexplore.fault.tracestore import traces_from_dataset

    fm, out = traced
    st = traces_from_dataset(out["traces"])
    layers = trace_layers(st["result"], st["crs"], scarps=st["scarps"], lines=st["lines"], synthetic=True)
    paths = write_layers(layers, tmp_path)
    proj = gpd.read_file(tmp_path / "fault_traces_cgcs2000.gpkg", layer="traces")
    wgs = gpd.read_file(tmp_path / "fault_traces_wgs84.gpkg", layer="traces")
    assert proj.crs.to_epsg() == 4551 and wgs.crs.to_epsg() == 4326
    names = {n for n, _ in pyogrio.list_layers(tmp_path / "fault_traces_wgs84.gpkg")}
    assert {"traces", "segments", "boundaries", "candidates", "scarps", "lines"} <= names
    t = Transformer.from_crs("EPSG:4551", "EPSG:4326", always_xy=True)
    xy = np.array(proj.geometry.iloc[0].coords)
    ll = np.array(wgs.geometry.iloc[0].coords)
    assert np.allclose(np.column_stack(t.transform(xy[:, 0], xy[:, 1])), ll, atol=1e-9)
    assert proj["length_which"].iloc[0] == "extrapolated to the DEM scarp ends" and int(proj["synthetic"].iloc[0]) == 1
    gj = gpd.read_file(tmp_path / "fault_traces_candidates_wgs84.geojson")
    assert gj.crs.to_epsg() == 4326 and set(gj["line"]) == set(LINES)
    assert any(p.name == "fault_traces_scarps_cgcs2000.geojson" for p in paths)
    sc = gpd.read_file(tmp_path / "fault_traces_cgcs2000.gpkg", layer="scarps")
    assert list(sc["note"]).count("no geophysical candidate under this scarp") == 1


def test_setback_polygons_area_and_exemptions(rules):
    from geoexplore.fault.setback import setback, setback_polygons

    line = [[0.0, 0.0], [2000 * math.sin(math.radians(45)), 2000 * math.cos(math.radians(45))]]
    dec = [setback(8, c, "holocene", rules) for c in "ABCD"]
    polys = {p["category"]: p for p in setback_polygons(line, dec)}
    assert set(polys) == {"A", "B", "C"}  # D: no requirement at intensity 8
    for cat, d in (("B", 200.0), ("C", 100.0)):
        assert polys[cat]["distance_m"] == d
        assert polys[cat]["geometry"].area == pytest.approx(2 * d * 2000 + math.pi * d**2, rel=1e-3)  # a stadium
    assert polys["A"]["special_study"] and polys["A"]["distance_m"] == 200.0
    assert setback_polygons(line, [setback(7, c, "holocene", rules) for c in "ABCD"]) == []  # 4.1.7-1
    assert setback_polygons(line, [setback(8, c, "late_pleistocene", rules) for c in "ABCD"]) == []  # 4.1.7-2


def test_traced_magnitude_propagates_length_sigma(rules):
    from geoexplore.fault.magnitude import trace_magnitudes

    L, s = 8.77, 0.4
    est = trace_magnitudes(L, s, 68.0, -90.0, rules, length_source="traced")
    srl = next(e for e in est if e.quantity == "surface rupture length")
    assert srl.magnitude == pytest.approx(4.86 + 1.32 * math.log10(L), abs=1e-9)
    sl = 1.32 * math.log10((L + s) / (L - s)) / 2
    assert srl.sigma == pytest.approx(math.hypot(0.34, sl), abs=1e-9)
    fb = trace_magnitudes(None, None, 68.0, -90.0, rules, length_source="-", fallback_length_km=50.0, fallback_source="model F3")
    assert all("FALLBACK length: model F3" in e.sigma_note for e in fb)
    assert next(e for e in fb if e.quantity == "surface rupture length").value == 50.0


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_map_figure(traced, tmp_path, lang):
    from geoexplore.fault.mapplot import plot_traces_result

    fm, out = traced
    fig = plot_traces_result(out, tmp_path / f"map-{lang}.png", lang=lang)
    ax = fig.axes[0]
    assert ax.get_xlabel() == {"en": "Easting (km)", "zh": "东坐标 (km)"}[lang]
    assert len(ax.images) == 1  # the hillshade
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    want = {"en": ["survey line", "fault trace", "segment boundary", "scarp, no geophysical candidate"],
            "zh": ["测线", "断层迹线", "分段边界", "陡坎（无物探异常）"]}[lang]
    assert all(w in legend for w in want), legend
    assert any(t.get_text() in ("N", "北") for t in ax.texts)
    assert any(t.get_text().endswith(" km") or t.get_text().endswith(" m") for t in ax.texts)  # the scale bar
    assert (tmp_path / f"map-{lang}.png").stat().st_size > 50_000


def test_scarp_heights_and_slip_rate_on_the_trace(traced):
    """Scarp heights at the lines within 20 % of the model's; slip rate = height / surface age (20 ka) to first order."""
    from geoexplore.fault.tracestore import traces_from_dataset

    fm, out = traced
    st = traces_from_dataset(out["traces"])
    rows = st["hazard"]["T1"]["scarp_heights"]
    assert [r["line"] for r in rows] == list(LINES)
    for r in rows:
        s = fm.lines[r["line"]].s_m
        want = float(next(g for g in fm.faults["F3"].scarps if g.trace.covers(s)).height(s))
        assert abs(r["height_m"] - want) <= 0.2 * want, (r, want)
        v = r["slip_rate"]["vertical_mm_yr"]
        assert v == pytest.approx(r["height_m"] / 20.0, rel=0.1)  # m / ka = mm / yr; the MC median of h/age with 20 % age sigma


def test_trace_records_for_hazard(traced):
    from pyproj import Transformer

    from geoexplore.fault.tracestore import trace_records

    fm, out = traced
    (r,) = trace_records(out["traces"])
    t = Transformer.from_crs("EPSG:4551", "EPSG:4490", always_xy=True)
    lon, lat = t.transform(*np.array(r["polyline_xy"]).T)
    assert np.allclose(np.column_stack([lon, lat]), r["polyline_lonlat"], atol=1e-10)
    assert r["length_which"].startswith("extrapolated") and r["length_m"] == r["length_extrapolated_m"] > r["length_observed_m"]
    assert r["rake_deg"] is None or r["rake_deg"] == -90.0  # ERT + refraction measure no throw sense: rake stated unknown
    assert [e["line"] for e in r["evidence"]] == list(LINES) and r["activity_class"] == "late_pleistocene"
