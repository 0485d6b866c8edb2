"""Activity classes from dated offset/unbroken horizons; stratigraphy tables."""

from __future__ import annotations

import pytest

from geoexplore.core.errors import FileFormatError
from geoexplore.fault.activity import Stratigraphy, StratigraphyError, StratUnit, classify_activity


def test_siping_model_classes(siping_model, rules):
    strat = Stratigraphy.from_model(siping_model)
    # F3: the base of Q3u (footwall, SE shoulder at 23 m) is offset, the base of Q4 (12 m) is not
    off = {**strat.age_at(23.0, 22600.0, rules), "depth_m": 23.0}
    unb = {**strat.age_at(12.0, 22600.0, rules), "depth_m": 12.0}
    assert off["tie"] == "base of Q3u" and off["age_ka"] == 50.0
    r = classify_activity(off, unb, rules)
    assert r.class_id == "late_pleistocene" and r.last_movement_min_ka == 11.7 and r.last_movement_max_ka == 50.0
    assert "not excluded" not in r.reason
    # F2: the base of N2 (footwall 165 m) offset, the base of Q12 (115 m) not
    off = {**strat.age_at(165.0, 21700.0, rules), "depth_m": 165.0}
    unb = {**strat.age_at(115.0, 21700.0, rules), "depth_m": 115.0}
    assert classify_activity(off, unb, rules).class_id == "pre_quaternary"


def test_model_truth_consistency(siping_model, rules):
    """The class from the model's own youngest offset unit agrees with the model documentation."""
    strat = Stratigraphy.from_model(siping_model)
    for name, expect in (("F3", "late_pleistocene"), ("F2", "pre_quaternary")):
        rows = siping_model.throws(name)
        k = next(i for i, r in enumerate(rows) if r["throw_m"] > 0)
        off = {"depth_m": rows[k]["depth_footwall_m"], "age_ka": rows[k]["age_ka"], "sigma_ka": 0.0, "tie": rows[k]["interface"]}
        unb = {"depth_m": rows[k - 1]["depth_footwall_m"], "age_ka": rows[k - 1]["age_ka"], "sigma_ka": 0.0, "tie": rows[k - 1]["interface"]}
        assert classify_activity(off, unb, rules).class_id == expect
    del strat


def test_bracket_spanning_boundary(rules):
    off = {"depth_m": 20.0, "age_ka": 50.0, "sigma_ka": 0.0, "tie": "h1"}
    unb = {"depth_m": 5.0, "age_ka": 4.0, "sigma_ka": 0.0, "tie": "h0"}
    r = classify_activity(off, unb, rules)
    assert r.class_id == "late_pleistocene" and "not excluded" in r.reason


def test_undetermined_without_unbroken_horizon(rules):
    off = {"depth_m": 8.0, "age_ka": 30.0, "sigma_ka": 0.0, "tie": "shallowest"}
    r = classify_activity(off, None, rules)
    assert r.class_id == "undetermined" and "cannot be excluded" in r.reason
    assert classify_activity(None, None, rules).class_id == "undetermined"


def test_inconsistent_ages_raise(rules):
    with pytest.raises(StratigraphyError):
        classify_activity({"depth_m": 20, "age_ka": 10, "tie": "a"}, {"depth_m": 10, "age_ka": 50, "tie": "b"}, rules)


def test_overlapping_ages_are_an_error():
    with pytest.raises(StratigraphyError, match="overlapping ages"):
        Stratigraphy([StratUnit("Q4", 0, 12), StratUnit("Q3", 10, 126), StratUnit("B", 126, None)])


def test_borehole_table(tmp_path, rules):
    p = tmp_path / "boreholes.csv"
    p.write_text(
        "borehole,chainage_m,unit,base_depth_m,age_top_ka,age_base_ka,age_sigma_ka\n"
        "ZK1,100,Q4,10,0,11.7,0.5\nZK1,100,Q3,40,11.7,126,10\nZK1,100,R,,126,,\n"
        "ZK2,900,Q4,14,0,11.7,0.5\nZK2,900,Q3,48,11.7,126,10\nZK2,900,R,,126,,\n"
    )
    s = Stratigraphy.from_table(p)
    assert s.names == ["Q4", "Q3", "R"]
    a = s.age_at(41.0, 150.0, rules)
    assert a["tie"] == "base of Q3" and a["age_ka"] == 126.0 and a["sigma_ka"] == 10.0
    mid = s.age_at(25.0, 120.0, rules)  # halfway through Q3 at ZK1
    assert mid["tie"] == "within Q3" and mid["age_ka"] == pytest.approx(11.7 + 0.5 * (126 - 11.7))
    assert s.base_depths(800.0)["Q4"] == 14.0


def test_borehole_table_overlap_and_bad_rows(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text("borehole,chainage_m,unit,base_depth_m,age_top_ka,age_base_ka\nZK1,0,Q4,10,0,20\nZK1,0,Q3,30,11.7,126\n")
    with pytest.raises(StratigraphyError, match="overlapping"):
        Stratigraphy.from_table(p)
    q = tmp_path / "bad2.csv"
    q.write_text("borehole,chainage_m,unit,base_depth_m,age_top_ka,age_base_ka\nZK1,zero,Q4,10,0,20\n")
    with pytest.raises(FileFormatError, match="line 2"):
        Stratigraphy.from_table(q)
    r = tmp_path / "bad3.csv"
    r.write_text("a,b\n1,2\n")
    with pytest.raises(FileFormatError):
        Stratigraphy.from_table(r)
