"""Resistivity/velocity and microtremor indicators on sections with known anomalies; masks respected."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from geoexplore.fault.indicators.microtremor import microtremor_indicators
from geoexplore.fault.indicators.resistivity import resistivity_indicators
from geoexplore.fault.indicators.velocity import velocity_indicators


def _res_section(x_band: float = 612.0, *, mask_depth: float = 100.0, band_top: float = 10.0) -> xr.Dataset:
    x = np.arange(0, 1200.0 + 1e-9, 5.0)
    z = np.arange(0, 100.0 + 1e-9, 2.0)
    X, Z = np.meshgrid(x, z)
    logr = np.full(X.shape, 2.0) - 0.6 * np.exp(-0.5 * ((X - x_band) / 12.0) ** 2) * (Z >= band_top)
    return xr.Dataset(
        {"resistivity_ohm_m": (("depth_m", "chainage_m"), 10**logr), "mask": (("depth_m", "chainage_m"), Z <= mask_depth),
         "elevation_m": (("chainage_m",), np.zeros(x.size))},
        coords={"depth_m": z, "chainage_m": x}, attrs={"method": "ert", "line": "t", "synthetic": 1})


def test_conductive_band_located(rules):
    inds = resistivity_indicators(_res_section(), rules)
    bands = [i for i in inds if i.kind == "conductive band"]
    assert len(bands) == 1
    assert bands[0].chainage_m == pytest.approx(612.0, abs=5.0)
    assert bands[0].depth_top_m == pytest.approx(10.0, abs=2.5)
    assert not [i for i in inds if i.kind == "lateral gradient" and abs(i.chainage_m - 612) < 40]  # flanks absorbed


def test_mask_respected(rules):
    # the band exists only below 60 m but the image is constrained only above 50 m: nothing may be reported
    assert resistivity_indicators(_res_section(band_top=60.0, mask_depth=50.0), rules) == []


def test_edge_effects_at_a_trapezoidal_mask_ignored(rules):
    """An inverted section brightens towards the lateral ends of its (trapezoidal) mask in every row:
    no fault there. A real step in the middle is still found."""
    x = np.arange(0, 950.0 + 1e-9, 5.0)
    z = np.arange(0, 80.0 + 1e-9, 2.5)
    X, Z = np.meshgrid(x, z)
    left, right = 10.0 + 1.5 * Z, 940.0 - 1.5 * Z  # mask ends move inwards with depth
    dist = np.minimum(X - left, right - X)
    logr = 1.8 + 0.4 * np.exp(-np.clip(dist, 0, None) / 6.0) + 0.3 * (X > 470.0)  # edge brightening + a step
    mask = (dist >= 0) & (Z <= 60.0)
    ds = xr.Dataset({"resistivity_ohm_m": (("depth_m", "chainage_m"), 10**logr), "mask": (("depth_m", "chainage_m"), mask),
                     "elevation_m": (("chainage_m",), np.zeros(x.size))},
                    coords={"depth_m": z, "chainage_m": x}, attrs={"method": "ert", "line": "t", "synthetic": 1})
    edges = [i for i in resistivity_indicators(ds, rules) if i.kind == "lateral gradient"]
    assert len(edges) == 1, [(i.chainage_m, i.depth_top_m) for i in edges]
    assert edges[0].chainage_m == pytest.approx(470.0, abs=10.0)


def _velocity_step() -> xr.Dataset:
    x = np.arange(0, 1000.0 + 1e-9, 5.0)
    z = np.arange(0, 60.0 + 1e-9, 2.0)
    X, Z = np.meshgrid(x, z)
    v = np.where(X < 400.0, 1500.0, 2400.0) * np.ones_like(Z)
    return xr.Dataset({"vp_m_s": (("depth_m", "chainage_m"), v), "coverage": (("depth_m", "chainage_m"), np.ones_like(v)),
                       "mask": (("depth_m", "chainage_m"), np.ones_like(v, bool)), "elevation_m": (("chainage_m",), np.zeros(x.size))},
                      coords={"depth_m": z, "chainage_m": x}, attrs={"method": "refraction", "line": "t", "synthetic": 1})


def test_velocity_step_edge(rules):
    inds = velocity_indicators(_velocity_step(), rules)
    edges = [i for i in inds if i.kind == "lateral gradient"]
    assert len(edges) == 1 and edges[0].chainage_m == pytest.approx(400.0, abs=5.0)
    assert "increases" in edges[0].details


def test_velocity_uncertainty_from_the_pick_errors_limits_the_evidence(rules):
    """With ``vp_rel_sd`` (the tomography's uncertainty runs): where twice the uncertainty exceeds the smallest
    contrast the rules count (band_min_contrast_log 0.08, i.e. a relative uncertainty above 9.2 %), the cells are
    not used; a well-determined tomogram gives the same indicators as one without the variable."""
    plain = [(i.kind, i.chainage_m) for i in velocity_indicators(_velocity_step(), rules)]
    ds = _velocity_step()
    limit = rules.indicators.property_for("refraction").band_min_contrast_log * np.log(10.0) / 2.0
    assert limit == pytest.approx(0.0921, abs=1e-4)
    ds["vp_rel_sd"] = (("depth_m", "chainage_m"), np.full(ds["vp_m_s"].shape, 0.03))
    assert [(i.kind, i.chainage_m) for i in velocity_indicators(ds, rules)] == plain
    loose = np.where(np.abs(ds["chainage_m"].values - 400.0)[None, :] < 150.0, 0.12, 0.03) * np.ones(ds["vp_m_s"].shape)
    ds["vp_rel_sd"] = (("depth_m", "chainage_m"), loose)
    assert not [i for i in velocity_indicators(ds, rules) if abs(i.chainage_m - 400.0) < 150.0]


def _stations(step_at: float | None) -> xr.Dataset:
    ch = np.arange(0, 1000.0 + 1e-9, 50.0)
    rng = np.random.default_rng(0)
    h = np.where(ch < (step_at if step_at is not None else 1e9), 40.0, 30.0) * np.exp(0.02 * rng.standard_normal(ch.size))
    f0 = 250.0 / (4 * h)
    return xr.Dataset({"chainage_m": ("station", ch), "f0_hz": ("station", f0), "f0_sigma_ln": ("station", np.full(ch.size, 0.03)),
                       "thickness_m": ("station", h), "thickness_err_m": ("station", 0.03 * h), "a0": ("station", np.full(ch.size, 4.0)),
                       "reliable": ("station", np.ones(ch.size, bool))},
                      coords={"station": [f"S{i}" for i in range(ch.size)]}, attrs={"method": "microtremor", "line": "t", "synthetic": 1})


def test_thickness_step(rules):
    inds = microtremor_indicators(_stations(525.0), rules)
    assert len(inds) == 1 and inds[0].chainage_m == pytest.approx(525.0)
    assert inds[0].depth_top_m == pytest.approx(30.0, rel=0.05) and inds[0].depth_bottom_m == pytest.approx(40.0, rel=0.05)
    assert microtremor_indicators(_stations(None), rules) == []


def test_unreliable_stations_dropped(rules):
    ds = _stations(525.0)
    rel = np.ones(ds.sizes["station"], bool)
    rel[8:14] = False  # the stations around the step
    ds["reliable"] = ("station", rel)
    for i in microtremor_indicators(ds, rules):
        assert i.chainage_sigma_m > 25.0  # the gap is wider: the location is less certain


def test_siping_test_images(siping_model, test_images, rules):
    f3 = siping_model.fault("F3")
    ert = [i for i in resistivity_indicators(test_images["ert"], rules) if i.kind == "conductive band"]
    assert any(abs(i.chainage_m - f3.tip_chainage_m) <= 20 for i in ert)
    ref = [i for i in velocity_indicators(test_images["refraction"], rules) if i.kind == "low-velocity band"]
    assert any(abs(i.chainage_m - f3.tip_chainage_m) <= 20 for i in ref)
    mt = microtremor_indicators(test_images["microtremor"], rules)
    assert any(abs(i.chainage_m - f3.position(20.0)) <= 50 for i in mt)


def test_mt_scale_rules_find_the_graben_edges(rules):
    """An MT section (kilometre cells, a smoothly bounded conductive graben 8-22 km wide, mild inversion ripples):
    the MT entry of property_by_method finds the two edges and nothing inside the fill."""
    assert rules.indicators.property_for("mt").smooth_m >= 1000.0
    assert rules.indicators.property_for("ert") == rules.indicators.property
    x = np.arange(0.0, 30000.0 + 1e-9, 100.0)
    z = np.arange(0.0, 6000.0 + 1e-9, 50.0)
    X, Z = np.meshgrid(x, z)
    inside = 1 / (1 + np.exp(-(X - 8000.0) / 400.0)) * 1 / (1 + np.exp((X - 22000.0) / 400.0))
    fill = inside * 1 / (1 + np.exp((Z - 2800.0) / 300.0))
    logr = 3.0 - 2.2 * fill + 0.05 * np.sin(X / 900.0) * np.exp(-Z / 3000.0)
    ds = xr.Dataset({"resistivity_ohm_m": (("depth_m", "chainage_m"), 10**logr), "mask": (("depth_m", "chainage_m"), Z <= 5000.0),
                     "elevation_m": (("chainage_m",), np.zeros(x.size))},
                    coords={"depth_m": z, "chainage_m": x}, attrs={"method": "mt", "line": "mt", "synthetic": 1})
    inds = resistivity_indicators(ds, rules)
    assert sorted(round(i.chainage_m, -3) for i in inds) == [8000.0, 22000.0], [(i.kind, i.chainage_m) for i in inds]
