"""The Siping model in map view (data/siping/model.yaml, section along_strike; SYNTHETIC).

Checks against the model's own independent statements: the 2D profile model (unchanged along the existing
profile), the strike_deg the 2D model gives each fault, the projected CRS (pyproj) and plane geometry.
"""

from __future__ import annotations

import math

import numpy as np
import pytest


@pytest.fixture(scope="module")
def fmap(siping_model):
    from geoexplore.core.faultmap import fault_map

    return fault_map(siping_model)


def test_existing_profile_unchanged(fmap, siping_model):
    lm = fmap.line_model("shallow")
    assert np.array_equal(lm.base_depth_m, siping_model.base_depth_m)
    assert lm.faults == siping_model.faults
    x = np.linspace(21000, 23000, 201)
    z = np.linspace(0, 400, 81)
    a, b = lm.section(x, z), siping_model.section(x, z)
    for p in ("vp_m_s", "vs_m_s", "density_kg_m3", "resistivity_ohm_m", "unit_index"):
        assert np.array_equal(a[p].values, b[p].values, equal_nan=True), p
    p0, p1 = fmap.line_profile("shallow"), siping_model.profile()
    assert np.allclose(p0.xy(22400.0), p1.xy(22400.0), atol=1e-6)


def test_frame_round_trip_and_crs(fmap, siping_model):
    from pyproj import Transformer

    s = np.array([-2000.0, 0.0, 3500.0])
    c = np.array([21000.0, 22400.0, 23000.0])
    x, y = fmap.xy(s, c)
    s2, c2 = fmap.sc(x, y)
    assert np.allclose(s2, s, atol=1e-6) and np.allclose(c2, c, atol=1e-6)
    # the line at s = 0 starts where the model's profile starts (124.489 E, 43.316 N in CGCS2000)
    lon, lat = Transformer.from_crs("EPSG:4551", "EPSG:4490", always_xy=True).transform(*fmap.xy(0.0, 0.0))
    assert lon == pytest.approx(124.489, abs=1e-7) and lat == pytest.approx(43.316, abs=1e-7)
    # +s runs along grid azimuth 45 deg
    (xa, ya), (xb, yb) = fmap.xy(0.0, 0.0), fmap.xy(1000.0, 0.0)
    assert math.degrees(math.atan2(xb - xa, yb - ya)) == pytest.approx(45.0, abs=1e-9)


def test_traces_agree_with_the_2d_strikes(fmap, siping_model):
    # the 2D model states F2 strikes 45 and F3 50 deg at the profile
    for f in ("F2", "F3"):
        assert fmap.trace_azimuth_deg(f, -500.0, 500.0) == pytest.approx(siping_model.fault(f).strike_deg, abs=0.01)
    assert fmap.trace_azimuth_deg("F2", 2500.0, 4000.0) == pytest.approx(40.0, abs=0.01)  # after the bend
    # lengths: F1 straight along the axis; F3 oblique by 5 deg (arc = ds / cos 5 deg); the step-over jump is not length
    assert fmap.trace_length_m("F1", -1000.0, 2000.0) == pytest.approx(3000.0, rel=1e-9)
    assert fmap.trace_length_m("F3", -2000.0, 4000.0) == pytest.approx(6000.0 / math.cos(math.radians(5.0)), rel=1e-3)


def test_line_models_vary_along_strike(fmap):
    s3 = fmap.line_model("S3")
    f3 = s3.fault("F3")
    assert f3.chainage_m == pytest.approx(22069.99 + 1200.0 * math.tan(math.radians(5.0)), abs=0.02)  # on segment F3-NE
    assert f3.dip_deg == pytest.approx(68.0) and s3.fault("F2").dip_deg == pytest.approx(62.5)
    s4 = fmap.line_model("S4")
    # throws scaled by the factor (F3 x1.1 at s = 4 km): base of Q3u offset 3.3 m instead of 3 m
    assert s4.throws("F3")[1]["throw_m"] == pytest.approx(3.3)
    assert s4.youngest_offset_unit("F3").name == "Q3u" and s4.youngest_offset_unit("F2").name == "N2"


def test_overlap_of_a_step_over_is_refused(fmap):
    from geoexplore.core.errors import ModelError
    from geoexplore.core.faultmap import MapLine

    fmap.lines["inside-step"] = MapLine("inside-step", 1000.0, 21000.0, 23000.0, 400.0)
    try:
        with pytest.raises(ModelError, match="F3-SW.*F3-NE"):
            fmap.line_model("inside-step")
    finally:
        del fmap.lines["inside-step"]


def test_model_without_map_section(siping_model):
    import dataclasses

    from geoexplore.core.errors import ModelError
    from geoexplore.core.faultmap import fault_map

    with pytest.raises(ModelError, match="no along_strike section"):
        fault_map(dataclasses.replace(siping_model, along_strike={}))


def test_along_strike_survives_the_store_codec(siping_model):
    from geoexplore.core.modelcodec import model_from_dataset, model_to_dataset

    back = model_from_dataset(model_to_dataset(siping_model))
    assert back.along_strike == siping_model.along_strike
