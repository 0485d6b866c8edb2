"""Digital elevation models: GeoTIFF read/write (rasterio) and the SYNTHETIC DEM of a fault map.

A DEM is an ``xarray.DataArray`` ``elevation_m`` with dimensions (y, x):
cell-centre coordinates in metres of a projected CRS (``attrs['crs']``),
y decreasing (north-up), square cells (``attrs['cell_m']``), NaN for no data.
Only north-up rasters with square cells in a projected CRS are read; a
raster without a CRS, rotated or with geographic coordinates is refused
(naming the file), never guessed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from geoexplore.core.errors import FileFormatError, GeoexploreError


def dem_array(z: np.ndarray, x: np.ndarray, y: np.ndarray, crs: str, **attrs: Any) -> Any:
    """Wrap a (ny, nx) elevation grid with cell-centre coordinates as a DEM DataArray."""
    import xarray as xr

    cell = float(abs(x[1] - x[0]))
    return xr.DataArray(np.asarray(z, float), dims=("y", "x"), coords={"y": np.asarray(y, float), "x": np.asarray(x, float)},
                        name="elevation_m", attrs={"crs": str(crs), "cell_m": cell, "units": "m", **attrs})


def read_dem(path: str | os.PathLike[str]) -> Any:
    """Read a single-band GeoTIFF DEM (metres) into a DEM DataArray.

    Raises
    ------
    FileFormatError
        If the file is not a raster rasterio reads, has no CRS, a geographic
        CRS, rotation or non-square cells.
    """
    try:
        import rasterio
    except ImportError as exc:  # pragma: no cover - rasterio is in the gis extra
        raise GeoexploreError("reading a GeoTIFF DEM needs rasterio (pip install geoexplore[gis])") from exc
    p = Path(path)
    try:
        with rasterio.open(p) as src:
            if src.crs is None:
                raise FileFormatError(p, "the raster states no CRS; give a georeferenced DEM", position="header")
            if src.crs.is_geographic:
                raise FileFormatError(p, f"the raster is in a geographic CRS ({src.crs}); reproject it to a projected CRS in metres",
                                      position="header")
            t = src.transform
            if t.b != 0 or t.d != 0 or t.e >= 0:
                raise FileFormatError(p, f"only north-up rasters are read (transform {tuple(t)[:6]})", position="geotransform")
            if not np.isclose(t.a, -t.e):
                raise FileFormatError(p, f"cells are not square ({t.a} x {-t.e} m)", position="geotransform")
            z = src.read(1, masked=True).astype(float).filled(np.nan)
            epsg = src.crs.to_epsg()
            crs = f"EPSG:{epsg}" if epsg else src.crs.to_wkt()
            tags = src.tags()
    except rasterio.errors.RasterioIOError as exc:
        raise FileFormatError(p, f"not a readable raster: {exc}", position="start of file") from None
    x = t.c + t.a * (np.arange(z.shape[1]) + 0.5)
    y = t.f + t.e * (np.arange(z.shape[0]) + 0.5)
    return dem_array(z, x, y, crs, source=str(p), synthetic=int(tags.get("SYNTHETIC", "0")), note=tags.get("NOTE", ""))


def write_dem(dem: Any, path: str | os.PathLike[str]) -> Path:
    """Write a DEM DataArray as a float32 GeoTIFF (deflate, NaN as no data, SYNTHETIC tag kept)."""
    import rasterio
    from rasterio.transform import Affine

    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    x, y = np.asarray(dem["x"].values, float), np.asarray(dem["y"].values, float)
    cell = float(dem.attrs.get("cell_m", abs(x[1] - x[0])))
    tr = Affine(cell, 0.0, x[0] - cell / 2, 0.0, -cell, y[0] + cell / 2)
    z = np.asarray(dem.values, np.float32)
    with rasterio.open(p, "w", driver="GTiff", height=z.shape[0], width=z.shape[1], count=1, dtype="float32", crs=dem.attrs["crs"],
                       transform=tr, nodata=np.nan, compress="deflate", predictor=3, tiled=True) as dst:
        dst.write(z, 1)
        dst.update_tags(SYNTHETIC=str(int(dem.attrs.get("synthetic", 0))), NOTE=str(dem.attrs.get("note", "")))
    return p


def synth_dem(fmap: Any, *, cell_m: float | None = None, seed: int | None = None) -> Any:
    """The SYNTHETIC DEM of a :class:`~geoexplore.core.faultmap.FaultMap` (model section ``along_strike.dem``).

    Elevation = the profile topography at each point's chainage + a smooth
    Gaussian random terrain (``terrain_amplitude_m`` rms, Gaussian kernel
    of ``terrain_correlation_m``) + every scarp and riser as an error-function
    step of its (tapered) height, the down side lowered + white noise
    ``noise_m``. The grid is north-up, covering the (s, chainage) window.
    """
    from scipy.ndimage import gaussian_filter
    from scipy.special import erf

    spec = fmap.dem
    cell = float(cell_m or spec.get("cell_m", 10.0))
    s0, s1 = (float(v) for v in spec.get("s_m", fmap.extent_s_m))
    c0, c1 = (float(v) for v in spec["chainage_m"])
    cx, cy = fmap.xy(np.array([s0, s0, s1, s1]), np.array([c0, c1, c0, c1]))
    xmin, xmax = np.floor(cx.min() / cell) * cell, np.ceil(cx.max() / cell) * cell
    ymin, ymax = np.floor(cy.min() / cell) * cell, np.ceil(cy.max() / cell) * cell
    x = np.arange(xmin + cell / 2, xmax, cell)
    y = np.arange(ymax - cell / 2, ymin, -cell)
    X, Y = np.meshgrid(x, y)
    S, C = fmap.sc(X, Y)
    z = fmap.model.elevation(C)
    rng = np.random.default_rng(int(seed if seed is not None else spec.get("seed", 0)))
    amp = float(spec.get("terrain_amplitude_m", 0.0))
    if amp > 0:
        g = gaussian_filter(rng.standard_normal(z.shape), float(spec.get("terrain_correlation_m", 500.0)) / cell, mode="wrap")
        z = z + amp * g / g.std()
    for sc in [g for f in fmap.faults.values() for g in f.scarps] + list(fmap.risers):
        h = sc.height(S, taper=True)
        ct = np.interp(S, sc.trace.s_m, sc.trace.chainage_m)
        step = 0.5 * (1.0 + erf((C - ct) / (sc.width_m * np.sqrt(2.0))))  # 0 at lower chainage, 1 at higher
        down = (1.0 - step) if sc.down == "decreasing" else step
        z = z - np.nan_to_num(h) * down
    z = z + float(spec.get("noise_m", 0.0)) * rng.standard_normal(z.shape)
    return dem_array(z, x, y, fmap.crs, synthetic=1, note="SYNTHETIC DEM computed from the reference model (geoexplore.core.dem.synth_dem)")
