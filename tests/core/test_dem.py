"""DEM GeoTIFF reading/writing (rasterio) and the SYNTHETIC Siping DEM."""

from __future__ import annotations

import numpy as np
import pytest


def _write(path, crs, transform, z):
    import rasterio

    with rasterio.open(path, "w", driver="GTiff", height=z.shape[0], width=z.shape[1], count=1, dtype="float32",
                       crs=crs, transform=transform) as dst:
        dst.write(z.astype("float32"), 1)


def test_round_trip_keeps_grid_crs_and_tag(tmp_path):
    import rasterio

    from geoexplore.core.dem import dem_array, read_dem, write_dem

    x = 390000.0 + 5.0 + 10.0 * np.arange(7)
    y = 4780000.0 - 5.0 - 10.0 * np.arange(5)
    z = np.arange(35, dtype=float).reshape(5, 7)
    z[2, 3] = np.nan
    p = write_dem(dem_array(z, x, y, "EPSG:4551", synthetic=1), tmp_path / "d.tif")
    with rasterio.open(p) as src:  # what GDAL sees
        assert src.crs.to_epsg() == 4551 and src.transform.c == 390000.0 and src.transform.f == 4780000.0
        assert src.res == (10.0, 10.0)
    d = read_dem(p)
    assert d.attrs["crs"] == "EPSG:4551" and d.attrs["synthetic"] == 1
    assert np.array_equal(d["x"].values, x) and np.array_equal(d["y"].values, y)
    assert np.array_equal(d.values, z, equal_nan=True)


def test_refuses_rasters_it_cannot_represent(tmp_path):
    from rasterio.transform import Affine

    def from_origin(x0, y0, dx, dy):
        return Affine(dx, 0.0, x0, 0.0, -dy, y0)

    from geoexplore.core.dem import read_dem
    from geoexplore.core.errors import FileFormatError

    z = np.zeros((4, 4))
    _write(tmp_path / "nocrs.tif", None, from_origin(0, 40, 10, 10), z)
    with pytest.raises(FileFormatError, match="nocrs.tif.*no CRS"):
        read_dem(tmp_path / "nocrs.tif")
    _write(tmp_path / "geo.tif", "EPSG:4490", from_origin(124.0, 43.0, 1e-4, 1e-4), z)
    with pytest.raises(FileFormatError, match="geographic CRS"):
        read_dem(tmp_path / "geo.tif")
    _write(tmp_path / "rot.tif", "EPSG:4551", Affine(7.07, 7.07, 0.0, 7.07, -7.07, 0.0), z)
    with pytest.raises(FileFormatError, match="north-up"):
        read_dem(tmp_path / "rot.tif")
    (tmp_path / "junk.tif").write_bytes(b"II*\x00garbage")
    with pytest.raises(FileFormatError, match="junk.tif"):
        read_dem(tmp_path / "junk.tif")


def test_committed_dem_is_the_model_dem(siping_dir, siping_model):
    """data/siping/dem/siping-dem.tif is what make_dem.py writes from model.yaml (float32 rounding only)."""
    from geoexplore.core.dem import read_dem, synth_dem
    from geoexplore.core.faultmap import fault_map

    d = read_dem(siping_dir / "dem" / "siping-dem.tif")
    s = synth_dem(fault_map(siping_model))
    assert d.attrs["synthetic"] == 1 and d.attrs["crs"] == "EPSG:4551"
    assert np.array_equal(d["x"].values, s["x"].values) and np.array_equal(d["y"].values, s["y"].values)
    assert np.nanmax(np.abs(d.values - s.values)) < 1e-4
