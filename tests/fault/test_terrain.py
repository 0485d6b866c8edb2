"""Terrain analysis (geoexplore.fault.terrain) against analytic surfaces and the SYNTHETIC Siping DEM.

The Siping DEM's scarps are set by data/siping/model.yaml (heights per segment along strike); the done-when
target of issue 21 is scarp heights within 20 % of the model's on each trace.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from geoexplore.core.dem import dem_array


def _grid(f, cell=10.0, n=41):
    x = 1000.0 + cell * np.arange(n)
    y = 5000.0 - cell * np.arange(n)
    X, Y = np.meshgrid(x, y)
    return dem_array(f(X, Y), x, y, "EPSG:4551")


def test_plane_slope_aspect_hillshade():
    a, b = 0.03, -0.04  # dz/dx (east), dz/dy (north)
    dem = _grid(lambda X, Y: 100 + a * X + b * Y)
    from geoexplore.fault.terrain import aspect_deg, hillshade, slope_deg

    slope = math.atan(math.hypot(a, b))
    assert np.allclose(slope_deg(dem), math.degrees(slope), atol=1e-9)
    aspect = math.atan2(-a, -b)  # downslope direction, clockwise from north
    assert np.allclose(aspect_deg(dem), math.degrees(aspect) % 360, atol=1e-9)
    for az, alt in ((315.0, 45.0), (90.0, 30.0)):
        zen, azr = math.radians(90 - alt), math.radians(az)
        want = math.cos(zen) * math.cos(slope) + math.sin(zen) * math.sin(slope) * math.cos(azr - aspect)
        assert np.allclose(hillshade(dem, az, alt), max(want, 0.0), atol=1e-9)


def test_paraboloid_curvature():
    from geoexplore.fault.terrain import curvature

    k = 2e-4
    dem = _grid(lambda X, Y: k * ((X - 1200) ** 2 + (Y - 4800) ** 2))
    cv = curvature(dem)
    assert np.allclose(cv[2:-2, 2:-2], 4 * k, rtol=1e-9)  # Laplacian of k r^2 is 4k (interior: central differences exact)


def test_scarp_height_of_an_analytic_scarp():
    from scipy.special import erf

    from geoexplore.fault.terrain import scarp_height

    rng = np.random.default_rng(5)
    d = np.arange(-120.0, 120.01, 5.0)
    h = 2.4
    z = 150 + 0.01 * d + h * 0.5 * (1 + erf((d - 7.0) / (6.0 * math.sqrt(2)))) + 0.02 * rng.standard_normal(d.size)
    r = scarp_height(d, z)
    assert r["height_m"] == pytest.approx(h, rel=0.02)
    assert r["up_side"] == 1.0 and abs(r["offset_m"] - 7.0) <= 5.0
    assert r["sigma_m"] < 0.05


@pytest.fixture(scope="module")
def siping_dem(siping_dir):
    from geoexplore.core.dem import read_dem

    return read_dem(siping_dir / "dem" / "siping-dem.tif")


@pytest.fixture(scope="module")
def fmap(siping_model):
    from geoexplore.core.faultmap import fault_map

    return fault_map(siping_model)


def test_linear_scarps_detected(siping_dem, fmap):
    from geoexplore.fault.terrain import detect_scarps

    sc = detect_scarps(siping_dem)
    assert len(sc) == 3
    model = [g for f in fmap.faults.values() for g in f.scarps] + list(fmap.risers)
    for found in sc:
        s0, c0 = fmap.sc(found.x0, found.y0)
        s1, c1 = fmap.sc(found.x1, found.y1)
        lo, hi = sorted((float(s0), float(s1)))
        # the model scarp it lies on: within 15 m of its trace at both ends, strike within 2 deg, same down side
        hit = [m for m in model if abs(float(m.trace.chainage(np.clip(lo, *m.trace.s_m[[0, -1]]))) - float(c0 if s0 <= s1 else c1)) < 15
               and abs(float(m.trace.chainage(np.clip(hi, *m.trace.s_m[[0, -1]]))) - float(c1 if s0 <= s1 else c0)) < 15]
        assert len(hit) == 1, found
        m = hit[0]
        (xa, ya), (xb, yb) = (fmap.xy(v, float(m.trace.chainage(v))) for v in (lo + 100, hi - 100))
        strike = math.degrees(math.atan2(xb - xa, yb - ya)) % 180
        assert abs(found.strike_deg - strike) < 2.0
        # detected extent: the model scarp minus at most its 300 m taper at each end
        assert m.s_m[0] - 20 <= lo <= m.s_m[0] + 300 and m.s_m[-1] - 300 <= hi <= m.s_m[-1] + 20
        down = "decreasing" if abs((found.down_azimuth_deg - 315 + 180) % 360 - 180) < 30 else "increasing"
        assert down == m.down


def test_scarp_heights_within_20_percent(siping_dem, fmap):
    """Heights on profiles across F3 every 250 m of both segments (outside the end tapers) vs the model's."""
    from geoexplore.fault.terrain import profile_across, scarp_height

    errs = []
    for sc in fmap.faults["F3"].scarps:
        for s in np.arange(sc.s_m[0] + 300, sc.s_m[-1] - 300 + 1, 250.0):
            x, y = fmap.xy(s, float(sc.trace.chainage(s)))
            d, z = profile_across(siping_dem, float(x), float(y), 50.0)
            got = scarp_height(d, z)["height_m"]
            want = float(sc.height(s))
            errs.append(abs(got - want) / want)
    errs = np.array(errs)
    assert errs.size > 20
    assert errs.max() < 0.20, errs.max()
    assert np.median(errs) < 0.10
