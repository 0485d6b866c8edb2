"""GB 50011-2010 clause 4.1.7 setbacks (all exemptions) and clause 4.1.4 overburden thickness."""

from __future__ import annotations

import numpy as np
import pytest

from geoexplore.core.errors import GeoexploreError
from geoexplore.fault.setback import overburden_thickness, setback


def test_table_distances(rules):
    assert setback(8, "B", "holocene", rules).distance_m == 200.0
    assert setback(8, "C", "holocene", rules).distance_m == 100.0
    assert setback(9, "B", "holocene", rules).distance_m == 400.0
    assert setback(9, "C", "holocene", rules).distance_m == 200.0
    assert setback(9, "D", "holocene", rules).distance_m == 0.0
    a = setback(8, "A", "holocene", rules)
    assert a.special_study and a.distance_m is None and not a.exempt


def test_exemptions(rules):
    e1 = setback(7, "B", "holocene", rules)
    assert e1.exempt and "4.1.7-1" in e1.reason
    e2 = setback(8, "B", "late_pleistocene", rules)
    assert e2.exempt and "4.1.7-2" in e2.reason and e2.if_holocene_distance == "200 m"
    e3 = setback(8, "B", "holocene", rules, cover_m=65.0)
    assert e3.exempt and "4.1.7-3" in e3.reason
    assert not setback(8, "B", "holocene", rules, cover_m=55.0).exempt
    assert not setback(9, "B", "holocene", rules, cover_m=65.0).exempt  # 90 m at intensity 9
    assert setback(9, "B", "holocene", rules, cover_m=95.0).exempt


def test_undetermined_is_not_exempt(rules):
    s = setback(8, "B", "undetermined", rules)
    assert not s.exempt and s.distance_m == 200.0 and "conservative" in s.reason


def test_bad_category(rules):
    with pytest.raises(GeoexploreError):
        setback(8, "E", "holocene", rules)


def test_overburden_clause_rock(rules):
    # first layer with Vs > 500 whose underlying layers are all >= 500
    assert overburden_thickness([5, 10, 20, 0], [150, 300, 450, 600], rules) == 35.0
    # a fast layer over a slower one does not count (its underlying layer < 500)
    assert overburden_thickness([5, 10, 20, 0], [150, 550, 450, 600], rules) == 35.0


def test_overburden_clause_ratio(rules):
    # a layer below 5 m faster than 2.5 x every layer above, with all below >= 400
    assert overburden_thickness([6, 4, 0], [120, 160, 420], rules) == 10.0
    # not below 5 m: the ratio clause does not apply, so the total of the finite layers is a lower bound
    assert overburden_thickness([3, 0], [100, 420], rules) == 3.0


def test_overburden_siping_model(siping_model, rules):
    # units: Q4 170, Q3u 280, Q3l 380, Q12 500 (not > 500), N2 850 -> the top of N2 (base of Q12)
    col = siping_model.column(21800.0, max_depth_m=600.0)
    expect = float(siping_model.interface_depth("Q12", 21800.0))
    assert overburden_thickness(col["thickness_m"], col["vs_m_s"], rules) == pytest.approx(expect)
    col = siping_model.column(22800.0, max_depth_m=600.0)
    assert overburden_thickness(col["thickness_m"], col["vs_m_s"], rules) == pytest.approx(float(siping_model.interface_depth("Q12", 22800.0)))


def test_overburden_bad_input(rules):
    with pytest.raises(GeoexploreError):
        overburden_thickness(np.ones(3), np.ones(2), rules)
