"""Fault traces from the candidates of several lines (geoexplore.fault.traces), scored against the model.

Per-line candidates come from SYNTHETIC TEST IMAGES (geoexplore.fault.synth, labelled; not method results)
computed from the 2D model along each line (FaultMap.line_model) and assessed by geoexplore.fault.assess;
the DEM is data/siping/dem/siping-dem.tif. Truth: data/siping/model.yaml (section along_strike): F2 (bend at
s = 2 km) and F3 (a 400 m step-over between s = 0.8 and 1.2 km, i.e. between lines 'shallow' and S3) are
crossed by the four shallow lines S1 (s = -2 km), shallow (0), S3 (2 km), S4 (4 km); F1 by none of them.
Done-when of issue 21: one trace per fault crossed by >= 2 lines; position within 30 m of the model at every
line; strike within 5 deg; length within 20 % of the model's between the outermost lines; the boundary
between the right lines; no trace joins two model faults.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

LINES = ("S1", "shallow", "S3", "S4")


@pytest.fixture(scope="module")
def fmap(siping_model):
    from geoexplore.core.faultmap import fault_map

    return fault_map(siping_model)


@pytest.fixture(scope="module")
def dem(siping_dir):
    from geoexplore.core.dem import read_dem

    return read_dem(siping_dir / "dem" / "siping-dem.tif")


def _check_traces(result, fmap, faults):
    by_fault = {}
    for t in result.traces:
        names = {m.model_fault for m in t.members}
        assert len(names) == 1 and "" not in names, (t.id, names)  # never two model faults in one trace
        by_fault.setdefault(names.pop(), []).append(t)
    assert set(by_fault) == set(faults)
    out = {}
    for f in faults:
        assert len(by_fault[f]) == 1  # one trace per fault
        t = by_fault[f][0]
        assert t.lines == list(LINES)
        pos = [m.chainage_m - fmap.trace_chainage(f, fmap.lines[m.line].s_m) for m in t.members]
        assert max(abs(p) for p in pos) <= 30.0, pos
        s0, s1 = fmap.lines[LINES[0]].s_m, fmap.lines[LINES[-1]].s_m
        strike = fmap.trace_azimuth_deg(f, s0, s1)
        assert abs(t.strike_deg - strike) <= 5.0
        L = fmap.trace_length_m(f, s0, s1)
        assert abs(t.length_observed_m - L) <= 0.2 * L
        out[f] = (t, pos, strike, L)
    return out


def test_traces_from_ert_and_refraction_images(fmap, dem):
    """Fast: ERT + refraction test images see F3 only (F2's tip at 125-135 m is below their reach)."""
    from geoexplore.fault.multiline import assess_line, trace_faults

    bundles = {ln: assess_line(fmap, ln, methods=("ert", "refraction")) for ln in LINES}
    r = trace_faults(fmap, bundles, dem=dem)
    got = _check_traces(r, fmap, ["F3"])
    t = got["F3"][0]
    assert [b["between"] for b in t.boundaries] == [["shallow", "S3"]]
    assert len(t.segments) == 2 and t.segments[0]["lines"] == ["S1", "shallow"]
    assert t.activity_class == "late_pleistocene"
    assert [s["note"] for s in r.lone_scarps] == ["no geophysical candidate under this scarp"]  # the terrace riser


@pytest.mark.slow
def test_traces_from_all_shallow_test_images(fmap, dem):
    """All four shallow methods' test images: F2 and F3 traced, F2's bend is no boundary, F3's step-over is."""
    from geoexplore.fault.multiline import assess_line, trace_faults

    bundles = {ln: assess_line(fmap, ln) for ln in LINES}
    r = trace_faults(fmap, bundles, dem=dem)
    got = _check_traces(r, fmap, ["F2", "F3"])
    t2, t3 = got["F2"][0], got["F3"][0]
    assert t2.boundaries == [] and [b["between"] for b in t3.boundaries] == [["shallow", "S3"]]
    assert any(e.startswith("terrain") for e in t3.boundaries[0]["evidence"])
    assert any(e.startswith("geometry") for e in t3.boundaries[0]["evidence"])
    assert t2.activity_class == "pre_quaternary" and t3.activity_class == "late_pleistocene"
    assert t2.rake_deg == -90.0 and t3.rake_deg == -90.0  # normal: hanging wall down on the reflection horizons
    # extrapolated to the DEM scarp ends: the model scarps reach 1.5 km beyond S1 and S4 (300 m tapers at the ends)
    ext = t3.length_extrapolated_m
    full = fmap.trace_length_m("F3", -3500.0, 5500.0)
    assert t3.length_which.startswith("extrapolated") and full - 2 * 300 - 60 <= ext <= full + 60
    assert t2.length_extrapolated_m is None and t2.length_which == "observed"
    assert r.isolated == []


def test_pair_score_rule():
    """The rule's hard vetoes and its monotony in the lateral misfit."""
    from geoexplore.fault.traces import CorrelationRules, LineCandidate, pair_score

    def cand(x, y, **kw):
        base = dict(line="a", id="c", x=x, y=y, chainage_m=0.0, sigma_m=10.0, dip_deg=70.0, dip_sigma_deg=2.0,
                    dips_toward="decreasing", upper_breakpoint_m=15.0, upper_breakpoint_sigma_m=3.0,
                    activity_class="late_pleistocene", down_side="decreasing", confidence=0.9, methods="reflection")
        return LineCandidate(**{**base, **kw})

    r = CorrelationRules()
    order = ["holocene", "late_pleistocene", "middle_early_pleistocene", "pre_quaternary"]
    a = cand(0.0, 0.0)
    along = 2000.0 / math.sqrt(2)
    scores = [pair_score(a, cand(along + e / math.sqrt(2), along - e / math.sqrt(2)), r, order)[0] for e in (0, 100, 300, 500)]
    assert scores[0] == pytest.approx(1.0) and all(np.diff(scores) < 0)
    assert pair_score(a, cand(along + 700 / math.sqrt(2), along - 700 / math.sqrt(2)), r, order)[0] == 0.0  # beyond max_lateral_m
    assert pair_score(a, cand(along, along, dips_toward="increasing"), r, order)[0] == 0.0
    assert pair_score(a, cand(along, along, down_side="increasing"), r, order)[0] == 0.0
    s_act = pair_score(a, cand(along, along, activity_class="pre_quaternary"), r, order)[0]
    assert s_act == pytest.approx(r.activity_mismatch_factor)
    assert pair_score(a, cand(along, along, upper_breakpoint_m=130.0), r, order)[0] < 0.01
    # an unknown dip weighs dip_unknown_factor: a dipless (ERT-only) candidate 97 m off the strike line does not
    # outscore one 225 m off whose dip agrees (line S3 of the processed Siping lines, reflection + ERT)
    s_nodip = pair_score(a, cand(along, along, dip_deg=None, dip_sigma_deg=None, dips_toward=None), r, order)
    assert s_nodip[0] == pytest.approx(r.dip_unknown_factor) and s_nodip[1]["dip"] == r.dip_unknown_factor
    near_nodip = cand(along + 97 / math.sqrt(2), along - 97 / math.sqrt(2), dip_deg=None, dip_sigma_deg=None, dips_toward=None)
    far_dip = cand(along + 225 / math.sqrt(2), along - 225 / math.sqrt(2), dip_deg=73.0)
    assert pair_score(a, far_dip, r, order)[0] > pair_score(a, near_nodip, r, order)[0]
    # a breakpoint known only as a bound (reflection, no unbroken horizon above its shallowest offset: min 0, max 88.65 m,
    # no sigma; the main line without ERT) is an interval: a 28 +- 7 m breakpoint on the next line lies inside it
    shallow = cand(0.0, 0.0, upper_breakpoint_m=28.0, upper_breakpoint_sigma_m=7.0)
    bound = dict(upper_breakpoint_m=88.65, upper_breakpoint_sigma_m=None, upper_breakpoint_min_m=0.0)
    assert pair_score(shallow, cand(along, along, **bound, upper_breakpoint_max_m=88.65), r, order)[1]["upper_breakpoint"] == 1.0
    # as a point the two depths would have scored exp(-0.5 (60.65 / t)^2), t = 7 + 0.3 x 58.3 + 5 = 29.5 m: 0.12
    as_point = pair_score(shallow, cand(along, along, upper_breakpoint_m=88.65, upper_breakpoint_sigma_m=None), r, order)[1]
    assert as_point["upper_breakpoint"] == pytest.approx(math.exp(-0.5 * (60.65 / (7 + 0.3 * 0.5 * (28 + 88.65) + 5)) ** 2))
    # a bound shallower than the other's breakpoint: the gap counts (28 - 10 m), with the same tolerance
    f = pair_score(shallow, cand(along, along, **{**bound, "upper_breakpoint_m": 10.0}, upper_breakpoint_max_m=10.0), r, order)[1]
    assert f["upper_breakpoint"] == pytest.approx(math.exp(-0.5 * (18.0 / (7 + 0.3 * 0.5 * (28 + 10) + 5)) ** 2))


def test_fit_strike_sigma_is_the_propagated_position_error():
    from geoexplore.fault.traces import fit_strike

    # two points 2 km apart on azimuth 30 deg, 10 m position sigma each: the direction error of the chord is
    # sqrt(s1^2 + s2^2) / L = 14.14 / 2000 rad
    a = math.radians(30.0)
    x, y = np.array([0.0, 2000 * math.sin(a)]), np.array([0.0, 2000 * math.cos(a)])
    strike, sig = fit_strike(x, y, np.array([10.0, 10.0]))
    assert strike == pytest.approx(30.0) and sig == pytest.approx(math.degrees(math.hypot(10.0, 10.0) / 2000.0))
