"""Profile geometry: chainage <-> coordinates, crooked lines, CGCS2000 through pyproj."""

import numpy as np
import pytest

from geoexplore.core.errors import GeoexploreError
from geoexplore.core.profile import CGCS2000, CGCS2000_GK_CM126E, Profile


def test_straight_line_round_trip():
    p = Profile.straight(500_000.0, 4_790_000.0, 135.0, 30_000.0)
    c = np.array([0.0, 1234.5, 15_000.0, 30_000.0])
    x, y = p.xy(c)
    # azimuth 135 deg: east and south by c / sqrt(2)
    np.testing.assert_allclose(x - 500_000.0, c / np.sqrt(2), atol=1e-6)
    np.testing.assert_allclose(y - 4_790_000.0, -c / np.sqrt(2), atol=1e-6)
    c2, off = p.chainage(x, y)
    np.testing.assert_allclose(c2, c, atol=1e-6)
    np.testing.assert_allclose(off, 0.0, atol=1e-6)
    assert p.length_m == pytest.approx(30_000.0)
    np.testing.assert_allclose(p.azimuth_deg([10.0]), 135.0)


def test_crooked_line_chainage_and_offset_sign():
    # an L-shaped line: 100 m east, then 100 m north
    p = Profile(np.array([0.0, 100.0, 100.0]), np.array([0.0, 0.0, 100.0]))
    assert p.length_m == pytest.approx(200.0)
    x, y = p.xy([50.0, 100.0, 150.0])
    np.testing.assert_allclose(x, [50, 100, 100])
    np.testing.assert_allclose(y, [0, 0, 50])
    # a point 10 m south of the first leg is to the right of the eastward direction
    c, off = p.chainage(50.0, -10.0)
    assert c == pytest.approx(50.0) and off == pytest.approx(10.0)
    # a point 10 m east of the second leg (heading north) is to the right as well
    c, off = p.chainage(110.0, 50.0)
    assert c == pytest.approx(150.0) and off == pytest.approx(10.0)
    c, off = p.chainage(90.0, 50.0)
    assert off == pytest.approx(-10.0)


def test_lonlat_round_trip_cgcs2000():
    pyproj = pytest.importorskip("pyproj")
    # Siping city centre (public figure) on a profile defined geographically
    p = Profile.from_lonlat([124.489, 124.754], [43.316, 43.128], crs=CGCS2000_GK_CM126E, geographic_crs=CGCS2000)
    lon, lat = p.lonlat([0.0, p.length_m])
    np.testing.assert_allclose(lon, [124.489, 124.754], atol=1e-9)
    np.testing.assert_allclose(lat, [43.316, 43.128], atol=1e-9)
    # an independent transformation of the first vertex agrees with the stored projected vertex
    t = pyproj.Transformer.from_crs("EPSG:4490", "EPSG:4551", always_xy=True)
    x0, y0 = t.transform(124.489, 43.316)
    assert p.x[0] == pytest.approx(x0) and p.y[0] == pytest.approx(y0)
    # GK CM 126E: false easting 500 km, points west of 126E have x < 500 km
    assert p.x[0] < 500_000.0
    c, off = p.chainage_from_lonlat(lon, lat)
    np.testing.assert_allclose(c, [0.0, p.length_m], atol=1e-6)


def test_station_table():
    p = Profile.straight(500_000.0, 4_790_000.0, 90.0, 1000.0, name="L1")
    st = p.stations([0.0, 500.0], elevation_m=[100.0, 101.0])
    assert list(st.station.values) == ["L1-000", "L1-001"]
    np.testing.assert_allclose(st.x_m.values, [500_000.0, 500_500.0])
    assert st.attrs["crs"] == CGCS2000_GK_CM126E


def test_bad_vertices():
    with pytest.raises(GeoexploreError, match="at least two"):
        Profile(np.array([0.0]), np.array([0.0]))
    with pytest.raises(GeoexploreError, match="repeated"):
        Profile(np.array([0.0, 0.0]), np.array([1.0, 1.0]))
