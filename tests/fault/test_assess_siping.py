"""The scoring on the Siping SYNTHETIC TEST IMAGES (reference model data/siping/model.yaml).

Position convention: a candidate's ``chainage_m`` is the fault-plane position at its upper breakpoint (the tip
chainage); the model's true tips are F2 130 m at 21539 m and F3 15 m at 22395 m.
"""

from __future__ import annotations

import pytest

from geoexplore.fault.assess import assess, to_datasets


def _match(a, fault):
    near = [ca for ca in a.candidates if abs(ca.candidate.chainage_m - fault.tip_chainage_m) <= 20.0]
    assert len(near) == 1, [(ca.candidate.id, ca.candidate.chainage_m) for ca in a.candidates]
    return near[0]


def test_f2_f3_position_depth_and_class(siping_assessment, siping_model):
    f2, f3 = siping_model.fault("F2"), siping_model.fault("F3")
    a2, a3 = _match(siping_assessment, f2), _match(siping_assessment, f3)
    assert abs(a2.candidate.upper_breakpoint_m - f2.tip_depth_m) <= 0.2 * f2.tip_depth_m
    assert abs(a3.candidate.upper_breakpoint_m - f3.tip_depth_m) <= 0.2 * f3.tip_depth_m
    assert a3.activity.class_id == "late_pleistocene"
    assert a2.activity.class_id in ("pre_quaternary", "undetermined")
    assert a2.activity.class_id == "pre_quaternary"
    # F3 is seen by every shallow method; the confidence rewards it
    assert {"reflection", "ert", "refraction", "microtremor"} <= set(a3.candidate.methods)
    assert a3.candidate.confidence_level == "high" and a3.candidate.confidence > a2.candidate.confidence
    # magnitudes from the model's mapped length (50 km) and setbacks at intensity VIII
    srl = [m for m in a3.magnitudes if m["quantity"] == "surface rupture length"][0]
    assert round(srl["magnitude"], 2) == 7.10  # normal faulting: 4.86 + 1.32 log10(50)
    assert {s["category"] for s in a3.setbacks} == {"A", "B", "C", "D"}
    assert all(s["exempt"] and "4.1.7-2" in s["reason"] for s in a3.setbacks)
    assert a3.slip_rates and a3.slip_rates[0]["vertical_mm_yr"] == pytest.approx(3.0 / 50.0, rel=0.2)


def test_subset_of_methods(siping_model, test_images, rules):
    a = assess({"reflection": test_images["reflection"]}, model=siping_model, rules=rules)
    assert a.methods_missing == ["refraction", "ert", "mt", "microtremor"]
    assert any("missing methods" in w for w in a.warnings)
    assert _match(a, siping_model.fault("F3")).activity.class_id == "late_pleistocene"
    b = assess({"ert": test_images["ert"]}, model=siping_model, rules=rules)
    c3 = _match(b, siping_model.fault("F3"))
    assert c3.candidate.upper_breakpoint_source.startswith("ert")


def test_datasets_are_storable(siping_assessment, tmp_path):
    from geoexplore.core.store import ProjectStore

    ds = to_datasets(siping_assessment)
    store = ProjectStore(tmp_path / "p.h5")
    store.write({"fault/shallow/assess": ds}, {"fault/shallow/assess": {"step": "fault.assess"}})
    back = store.read("fault/shallow/assess")
    assert list(back["candidates"]["candidate"].values) == list(ds["candidates"]["candidate"].values)
