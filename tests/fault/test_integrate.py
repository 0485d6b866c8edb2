"""Integration: agreement raises confidence, contradictions are reported (not averaged), ambiguity noted."""

from __future__ import annotations

import numpy as np

from geoexplore.fault.indicators import Indicator, indicators_from_table, indicators_table
from geoexplore.fault.integrate import Coverage, integrate


def _ind(method: str, x: float, s: float, z: float = 20.0, strength: float = 1.0, **kw) -> Indicator:
    return Indicator(method=method, kind="k", chainage_m=x, chainage_sigma_m=s, depth_top_m=z, depth_bottom_m=z + 50, strength=strength, **kw)


def test_agreement_raises_confidence(rules):
    one = integrate({"reflection": [_ind("reflection", 500, 5)]}, rules)
    three = integrate({"reflection": [_ind("reflection", 500, 5)], "ert": [_ind("ert", 505, 10)],
                       "microtremor": [_ind("microtremor", 510, 25)]}, rules)
    assert len(one) == len(three) == 1
    assert three[0].confidence > one[0].confidence
    assert three[0].methods == ["ert", "microtremor", "reflection"]
    assert three[0].chainage_m == 500  # the reflection location is kept, not averaged
    assert not three[0].contradictions


def test_same_group_counts_once(rules):
    ert_only = integrate({"ert": [_ind("ert", 500, 10)]}, rules)[0].confidence
    both = integrate({"ert": [_ind("ert", 500, 10)], "mt": [_ind("mt", 505, 10)]}, rules)[0].confidence
    refl = integrate({"ert": [_ind("ert", 500, 10)], "refraction": [_ind("refraction", 505, 10)]}, rules)[0].confidence
    assert both >= ert_only and refl > both  # ERT and MT are distinct groups here, but weights differ
    assert refl > ert_only


def test_contradiction_reported(rules):
    c = integrate({"reflection": [_ind("reflection", 500, 4)], "ert": [_ind("ert", 560, 5)]}, rules)
    assert len(c) == 1
    assert c[0].chainage_m == 500
    assert any("ert" in s and "not averaged" in s for s in c[0].contradictions)
    clean = integrate({"reflection": [_ind("reflection", 500, 4)], "ert": [_ind("ert", 505, 5)]}, rules)[0]
    assert c[0].confidence < clean.confidence


def test_far_apart_make_two_candidates_and_dip_projection(rules):
    refl = _ind("reflection", 1000, 5, z=20, dip_deg=45.0, dips_toward="increasing")
    deep = _ind("mt", 1480, 100, z=500)  # the plane at 500 m depth is at 1480 m
    c = integrate({"reflection": [refl, _ind("reflection", 3000, 5)], "mt": [deep]}, rules)
    assert [round(x.chainage_m) for x in c] == [1000, 3000]
    assert "mt" in c[0].methods


def test_covered_but_not_seen(rules):
    cov = {"ert": Coverage("ert", np.array([0.0, 2000.0]), np.array([60.0, 60.0]))}
    c = integrate({"reflection": [_ind("reflection", 500, 5, upper_breakpoint={"depth_m": 20.0})]}, rules, cov)
    assert c[0].not_seen_by == ["ert"]
    c = integrate({"reflection": [_ind("reflection", 500, 5, upper_breakpoint={"depth_m": 90.0}, )]}, rules, cov)
    assert c[0].not_covered_by == ["ert"]


def test_indicator_table_round_trip():
    i = _ind("reflection", 500, 5, dip_deg=70.0, dips_toward="decreasing", upper_breakpoint={"depth_m": 17.5}, throws=[{"throw_m": -3.0}])
    j = indicators_from_table(indicators_table([i, _ind("ert", 10, 2)]))
    assert j[0] == i and j[1].dip_deg is None


def test_shallow_anomaly_tops_an_unbounded_reflection_tip(rules):
    refl = _ind("reflection", 500, 30, z=28.0, dip_deg=70.0, dips_toward="decreasing",
                upper_breakpoint={"depth_m": 28.0, "bounded_above": False, "depth_min_m": 0.0, "depth_max_m": 28.0})
    ert = _ind("ert", 505, 8, z=15.0)
    c = integrate({"reflection": [refl], "ert": [ert]}, rules)[0]
    assert c.upper_breakpoint_m == 15.0 and c.upper_breakpoint_source.startswith("ert")
    assert c.chainage_m == 505 and any("reflection resolves no horizon" in n for n in c.notes)
