"""Reflection indicators: time->depth against the analytic constant-velocity case; horizon tracking on
sections with known offsets; the Siping SYNTHETIC TEST IMAGE (convolutional model)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import xarray as xr

from geoexplore.fault.indicators.reflection import reflection_indicators
from geoexplore.seismic.depth import time_to_depth
from geoexplore.seismic.modelling import ricker


def test_time_to_depth_constant_and_two_layer():
    t = np.arange(0, 0.2, 1e-4)
    a = np.zeros((t.size, 2))
    i0 = 1000  # spike at 0.1 s two-way time
    a[i0, :] = 1.0
    z = np.arange(0, 150, 0.5)
    out = time_to_depth(a.T, 1e-4, np.full(t.size, 2000.0), z).T
    assert z[np.nanargmax(out[:, 0])] == pytest.approx(2000.0 * 0.1 / 2, abs=0.5)
    # two layers: 1500 m/s for 0.04 s twt (30 m), then 3000 m/s: the spike at 0.1 s is at 30 + 3000*0.06/2 = 120 m
    v = np.where(t < 0.04, 1500.0, 3000.0)
    out = time_to_depth(a.T, 1e-4, v, z).T
    assert z[np.nanargmax(out[:, 1])] == pytest.approx(120.0, abs=1.0)


def _section(throw_m: float, x_fault: float, *, dip_deg: float = 90.0, seed: int = 0) -> xr.Dataset:
    """Three flat reflectors at 20, 50, 80 m; the lower two offset by ``throw_m`` at a plane; Ricker in depth, noise."""
    x = np.arange(0.0, 1000.0 + 1e-9, 5.0)
    z = np.arange(0.0, 120.0 + 1e-9, 0.25)
    _, w = ricker(1.0 / 8.0, 0.25)  # wavelength about 8 m in depth
    a = np.zeros((z.size, x.size))
    cot = 1.0 / math.tan(math.radians(dip_deg))
    for j, xx in enumerate(x):
        refl = np.zeros(z.size)
        for z0, amp, faulted in ((20.0, 1.0, False), (50.0, 0.8, True), (80.0, 0.7, True)):
            zz = z0 + (throw_m if faulted and xx > x_fault + cot * z0 else 0.0)
            refl[int(round(zz / 0.25))] += amp
        a[:, j] = np.convolve(refl, w, mode="same")
    a += 0.03 * np.random.default_rng(seed).standard_normal(a.shape)
    return xr.Dataset({"amplitude": (("depth_m", "chainage_m"), a), "elevation_m": (("chainage_m",), np.zeros(x.size))},
                      coords={"depth_m": z, "chainage_m": x}, attrs={"method": "reflection", "line": "t", "synthetic": 1})


def test_known_offset_vertical_fault(rules):
    inds = reflection_indicators(_section(6.0, 502.5), rules)
    assert len(inds) == 1
    i = inds[0]
    assert abs(i.chainage_m - 502.5) <= 10.0
    offs = [r for r in i.throws if r["status"] == "offset"]
    assert [round(r["depth_m"]) for r in offs] == [50, 80]
    for r in offs:
        assert r["throw_m"] == pytest.approx(6.0, abs=0.5)
    ub = i.upper_breakpoint
    assert ub["bounded_above"] and ub["depth_min_m"] == pytest.approx(20.0, abs=0.5) and ub["depth_max_m"] == pytest.approx(50.0, abs=0.5)
    assert ub["depth_m"] == pytest.approx(35.0, abs=1.0)


def test_dip_from_several_breakpoints(rules):
    inds = reflection_indicators(_section(8.0, 480.0, dip_deg=60.0), rules)
    assert len(inds) == 1
    i = inds[0]
    assert i.dips_toward == "increasing"
    assert i.dip_deg == pytest.approx(60.0, abs=8.0)


def test_no_fault_no_indicator(rules):
    assert reflection_indicators(_section(0.0, 500.0), rules) == []


def test_siping_test_image_finds_f2_and_f3(siping_model, test_images, rules):
    inds = reflection_indicators(test_images["reflection"], rules)
    for name in ("F2", "F3"):
        f = siping_model.fault(name)
        near = [i for i in inds if abs(i.chainage_m - f.tip_chainage_m) <= 20.0]
        assert len(near) == 1, (name, [(i.chainage_m, i.depth_top_m) for i in inds])
        i = near[0]
        assert abs(i.depth_top_m - f.tip_depth_m) <= 0.2 * f.tip_depth_m
        assert i.dips_toward == f.dips_toward
        assert i.dip_deg == pytest.approx(f.dip_deg, abs=10.0)
    # the F3 throws on the late Pleistocene bases equal the model's (3 m and 6 m)
    f3 = [i for i in inds if abs(i.chainage_m - 22395) < 20][0]
    truth = {round(r["depth_footwall_m"]): r["throw_m"] for r in siping_model.throws("F3")}
    for r in f3.throws:
        if r["status"] == "offset" and round(r["depth_m"]) in truth:
            assert abs(r["throw_m"]) == pytest.approx(truth[round(r["depth_m"])], abs=1.0)


def _gap_section(throw_m: float, x_fault: float, gap_m: float, depths=(50.0, 60.0, 80.0), seed: int = 1) -> xr.Dataset:
    """Flat reflectors, all offset by ``throw_m`` (negative: the right side is up) at a vertical fault with a
    ``gap_m`` wide disturbed zone (no coherent reflections, only noise) around it, as migrated fault zones look."""
    x = np.arange(0.0, 1400.0 + 1e-9, 5.0)
    z = np.arange(0.0, 140.0 + 1e-9, 0.25)
    _, w = ricker(1.0 / 8.0, 0.25)
    a = np.zeros((z.size, x.size))
    for j, xx in enumerate(x):
        if abs(xx - x_fault) < gap_m / 2:
            continue
        refl = np.zeros(z.size)
        for k, z0 in enumerate(depths):
            refl[int(round((z0 + (throw_m if xx > x_fault else 0.0)) / 0.25))] += (1.0, -0.8, 0.7)[k]
        a[:, j] = np.convolve(refl, w, mode="same")
    a += 0.03 * np.random.default_rng(seed).standard_normal(a.shape)
    return xr.Dataset({"amplitude": (("depth_m", "chainage_m"), a), "elevation_m": (("chainage_m",), np.zeros(x.size))},
                      coords={"depth_m": z, "chainage_m": x}, attrs={"method": "reflection", "line": "t", "synthetic": 1})


@pytest.mark.parametrize(("throw", "gap"), [(-15.0, 60.0), (-15.0, 200.0), (12.0, 240.0)])
def test_reflectors_matched_across_a_wide_fault_zone(rules, throw, gap):
    """Across a wide disturbed zone the reflector sequence is matched by one common throw, not each reflector to
    the nearest in depth (50 m would join the 60 m reflector's continuation at 45 m, with the wrong sense)."""
    inds = reflection_indicators(_gap_section(throw, 702.5, gap), rules)
    assert len(inds) == 1, [(i.chainage_m, i.details) for i in inds]
    offs = [r for r in inds[0].throws if r["status"] == "offset"]
    assert len(offs) >= 2
    for r in offs:
        assert r["throw_m"] == pytest.approx(throw, abs=1.5)
    assert not [r for r in inds[0].throws if r["status"] == "opposite sense"]
    assert abs(inds[0].chainage_m - 702.5) <= max(20.0, gap / 4)
