"""Rules tables are data (another table changes the answers); GeoJSON coordinates round-trip through the profile."""

from __future__ import annotations

import json

import pytest

from geoexplore.core.errors import SettingsError
from geoexplore.fault.activity import classify_activity
from geoexplore.fault.rules import DEFAULT_RULES, load_rules
from geoexplore.fault.setback import setback


def test_another_rules_file_changes_answers(tmp_path):
    text = DEFAULT_RULES.read_text(encoding="utf-8")
    text = text.replace("{id: late_pleistocene, max_age_ka: 126.0", "{id: late_pleistocene, max_age_ka: 30.0")
    text = text.replace('"8": {A: special, B: 200.0, C: 100.0, D: 0.0}', '"8": {A: special, B: 250.0, C: 120.0, D: 0.0}')
    p = tmp_path / "strict.yaml"
    p.write_text(text, encoding="utf-8")
    r = load_rules(p)
    assert r.sha256 != load_rules().sha256
    off = {"depth_m": 23.0, "age_ka": 50.0, "sigma_ka": 0.0, "tie": "base of Q3u"}
    unb = {"depth_m": 12.0, "age_ka": 11.7, "sigma_ka": 0.0, "tie": "base of Q4"}
    assert classify_activity(off, unb, load_rules()).class_id == "late_pleistocene"
    assert classify_activity(off, unb, r).class_id == "middle_early_pleistocene"  # the 30 ka criterion
    assert setback(8, "B", "holocene", r).distance_m == 250.0


def test_bad_rules_files(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text(DEFAULT_RULES.read_text(encoding="utf-8").replace("tie_tolerance_m: 3.0", "tie_tolerence_m: 3.0"), encoding="utf-8")
    with pytest.raises(SettingsError, match="tie_tolerence_m"):
        load_rules(p)
    with pytest.raises(SettingsError, match="not found"):
        load_rules(tmp_path / "none.yaml")


def test_geojson_round_trip(siping_assessment, siping_model, tmp_path):
    from pyproj import Transformer

    from geoexplore.fault.assess import to_datasets
    from geoexplore.fault.geojson import write_geojson

    cand = to_datasets(siping_assessment)["candidates"]
    prof = siping_model.profile()
    p1, p2 = write_geojson(cand, prof, tmp_path, model=siping_model)
    g1 = json.loads(p1.read_text())
    g2 = json.loads(p2.read_text())
    assert g1["crs"]["properties"]["name"].endswith("4551")
    back = Transformer.from_crs("EPSG:4326", prof.crs, always_xy=True)
    for f1, f2 in zip(g1["features"], g2["features"]):
        assert f1["properties"]["id"] == f2["properties"]["id"]
        if f1["geometry"]["type"] != "Point":
            continue
        e, n = f1["geometry"]["coordinates"]
        ch, off = prof.chainage(e, n)
        assert float(ch) == pytest.approx(f1["properties"]["chainage_m"], abs=1e-3) and abs(float(off)) < 1e-3
        lon, lat = f2["geometry"]["coordinates"]
        assert 124 < lon < 125 and 43 < lat < 44
        e2, n2 = back.transform(lon, lat)
        assert e2 == pytest.approx(e, abs=0.01) and n2 == pytest.approx(n, abs=0.01)
    traces = [f for f in g1["features"] if f["properties"]["role"] == "trace"]
    assert traces and all(f["properties"]["synthetic"] == 1 for f in traces)
