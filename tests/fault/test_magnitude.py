"""Magnitude relations against the published test vectors (reference/fault-assessment.md) and OpenQuake's Leonard 2014."""

from __future__ import annotations

import math

import pytest

from geoexplore.core.errors import GeoexploreError
from geoexplore.fault.magnitude import leonard, magnitude_table, slip_type, wells_coppersmith


@pytest.mark.parametrize(
    "quantity, value, rake, expected",
    [
        ("srl", 10.0, 0.0, 6.28),     # strike-slip surface rupture length
        ("srl", 25.0, 180.0, 6.73),
        ("srl", 70.0, -10.0, 7.23),
        ("srl", 10.0, None, 6.24),    # all slip types
        ("srl", 70.0, None, 7.22),
        ("md", 3.2, 0.0, 7.20),       # maximum displacement, strike-slip
        ("md", 3.2, None, 7.06),      # all types
    ],
)
def test_wells_coppersmith_reference_vectors(rules, quantity, value, rake, expected):
    m = wells_coppersmith(quantity, value, rake, rules)
    assert round(m.magnitude, 2) == pytest.approx(expected, abs=1e-9)


def test_wells_coppersmith_sigma_and_reverse_displacement(rules):
    m = wells_coppersmith("srl", 10.0, 0.0, rules)
    assert m.sigma == pytest.approx(0.28)
    r = wells_coppersmith("md", 2.0, 90.0, rules)  # no reverse MD regression: W&C say use all
    assert r.slip_type == "all" and "all-types" in r.sigma_note
    assert r.magnitude == pytest.approx(6.69 + 0.74 * math.log10(2.0))


def test_rake_convention():
    assert slip_type(0) == slip_type(45) == slip_type(-45) == slip_type(135) == slip_type(-170) == "strike_slip"
    assert slip_type(90) == "reverse" and slip_type(-90) == "normal" and slip_type(None) == "all"


def test_leonard_matches_openquake_formula(rules):
    # OpenQuake Leonard2014_SCR.get_median_mag: log10(A) + 4.19 for dip slip, 4.18 strike slip
    assert leonard(1000.0, -90.0, rules).magnitude == pytest.approx(7.19)
    assert leonard(1000.0, 0.0, rules).magnitude == pytest.approx(7.18)
    assert leonard(1000.0, None, rules).magnitude == pytest.approx(7.185)
    assert leonard(1000.0, -90.0, rules, setting="interplate").magnitude == pytest.approx(7.00)


def test_bad_values(rules):
    with pytest.raises(GeoexploreError):
        wells_coppersmith("srl", -1.0, 0.0, rules)
    with pytest.raises(GeoexploreError):
        wells_coppersmith("volume", 1.0, 0.0, rules)


def test_magnitude_table_for_f3(siping_model, rules):
    f3 = siping_model.fault("F3")
    tab = magnitude_table(f3.length_km, f3.dip_deg, f3.rake_deg, rules)
    srl = [m for m in tab if m.quantity == "surface rupture length"][0]
    assert srl.slip_type == "normal"
    assert srl.magnitude == pytest.approx(4.86 + 1.32 * math.log10(50.0))
    area = [m for m in tab if m.quantity == "rupture area" and "Wells" in m.relation][0]
    w = rules.magnitude.seismogenic_depth_km / math.sin(math.radians(f3.dip_deg))
    assert area.value == pytest.approx(50.0 * w)


def test_unknown_dip_brackets_the_width_estimates(siping_model, rules):
    """Issue 23 audit: no 70 deg stand-in for an unknown dip. Width-dependent estimates are the mean of the table at
    30 and 90 deg with half their difference in the sigma; length-only estimates do not change."""
    f3 = siping_model.fault("F3")
    tab = magnitude_table(f3.length_km, None, f3.rake_deg, rules)
    at30 = magnitude_table(f3.length_km, 30.0, f3.rake_deg, rules)
    at90 = magnitude_table(f3.length_km, 90.0, f3.rake_deg, rules)
    assert len(tab) == len(at30) == 5
    for m, a, b in zip(tab, at30, at90):
        if m.quantity in ("surface rupture length", "subsurface rupture length"):
            assert m == a == b
            continue
        half = 0.5 * abs(a.magnitude - b.magnitude)
        assert half > 0.05
        assert m.magnitude == pytest.approx(0.5 * (a.magnitude + b.magnitude))
        assert m.sigma == pytest.approx(math.hypot(a.sigma, half))
        assert "dip unknown" in m.sigma_note and "90-30 deg" in m.sigma_note
    w = [m for m in tab if m.quantity == "rupture width"][0]
    d = rules.magnitude.seismogenic_depth_km
    assert w.value == pytest.approx(0.5 * (d + 2.0 * d))  # W = D / sin(dip): D at 90 deg, 2 D at 30 deg
