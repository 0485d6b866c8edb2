"""A tomogram as a ``refraction`` image: the grid, the interpolation, the coverage mask, the fit as attributes.

Split from :mod:`.tomography` (which re-exports :func:`to_image`,
:func:`image_grid`, :func:`median_spacing` and :func:`fit_attrs`); works on
a :class:`~.tomography.TomoResult`.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from geoexplore.core.errors import GeoexploreError


def median_spacing(sensors: np.ndarray) -> float:
    """Median distance between neighbouring sensors along the line (m)."""
    x = np.unique(np.round(np.asarray(sensors, float)[:, 0], 6))
    dx = np.diff(x)
    dx = dx[dx > 0]
    if dx.size == 0:
        raise GeoexploreError("traveltime data need at least two distinct sensor positions")
    return float(np.median(dx))


def image_grid(result: Any, *, dx_m: float | None = None, dz_m: float | None = None,
               max_depth_m: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Default image grid: chainage over the sensors, depth below ground to the mesh bottom."""
    xs = result.data.sensors[:, 0]
    sp = median_spacing(result.data.sensors)
    dx = dx_m or sp / 2
    x = np.arange(xs.min(), xs.max() + 0.5 * dx, dx)
    ground = np.interp(result.cell_x_m, *_surface(result.data.sensors))
    zmax = max_depth_m or float(np.max(ground - result.cell_y_m))
    dz = dz_m or dx / 2
    z = np.arange(0.0, zmax + 0.5 * dz, dz)
    return x, z


def _surface(sensors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x, i = np.unique(sensors[:, 0], return_index=True)
    return x, sensors[i, 1]


def to_image(result: Any, *, line: str, synthetic: bool, chainage_offset_m: float = 0.0,
             dx_m: float | None = None, dz_m: float | None = None, max_depth_m: float | None = None,
             coverage_min: float | None = None) -> Any:
    """The tomogram as a ``refraction`` image (see :mod:`geoexplore.core.images`).

    Cell values are interpolated linearly between cell centres onto a grid
    of depth below the ground surface x chainage; ``mask`` is True where the
    grid point lies inside the mesh in a cell pyGIMLi's standardized
    coverage keeps (crossed by rays or next to such a cell; with
    ``coverage_min`` > 0 also above that coverage), the setting
    ``coverage_mask: pygimli`` (:mod:`.coverage_mask`); ``envelope`` is the
    rule before 0.5 (smoothed coverage above ``coverage_min`` and everything
    above the deepest covered point of each column).

    Parameters
    ----------
    result : TomoResult
    line : str
    synthetic : bool
    chainage_offset_m : float
        Added to the sensor x to give chainage (when the inversion ran in
        local coordinates).
    dx_m, dz_m, max_depth_m : float, optional
        Grid spacing and depth (default: half the sensor spacing, a quarter of it, mesh depth).
    coverage_min : float, optional
        Default: ``result.settings['coverage_min']``.
    """
    import xarray as xr
    from scipy.interpolate import LinearNDInterpolator, NearestNDInterpolator
    from scipy.spatial import Delaunay

    x, z = image_grid(result, dx_m=dx_m, dz_m=dz_m, max_depth_m=max_depth_m)
    sx, sy = _surface(result.data.sensors)
    elev = np.interp(x, sx, sy)
    X, Z = np.meshgrid(x, z)
    Y = elev[None, :] - Z
    pts = np.column_stack([result.cell_x_m, result.cell_y_m])
    tri = Delaunay(pts)  # one triangulation of the cell centres for every interpolated variable
    q = np.column_stack([X.ravel(), Y.ravel()])
    idx = NearestNDInterpolator(pts, np.arange(pts.shape[0]))(q).astype(int)

    def cells_to_grid(values: np.ndarray) -> np.ndarray:
        """Linear between cell centres, the nearest cell's value outside their hull; on the image grid."""
        v = LinearNDInterpolator(tri, values)(q)
        nan = ~np.isfinite(v)
        v[nan] = values[idx[nan]]
        return v.reshape(X.shape)

    vp = np.exp(cells_to_grid(np.log(result.velocity_m_s)))
    rel_sd = {} if result.velocity_rel_sd is None else {"vp_rel_sd": (("depth_m", "chainage_m"), cells_to_grid(
        np.asarray(result.velocity_rel_sd, float)), {"units": "1", "long_name": "relative standard uncertainty of Vp "
                                                     "from the pick errors",
                                                     "runs": int(result.settings.get("uncertainty_runs", 0))})}
    # coverage: shortest-path rays run along cell edges, so single cells inside the ray fan can have none;
    # interpolate linearly and smooth over about one cell size before masking
    from scipy.ndimage import uniform_filter

    cov = np.maximum(LinearNDInterpolator(tri, result.coverage, fill_value=0.0)(q).reshape(X.shape), 0.0)
    cell = float(np.sqrt(np.median(result.cell_area_m2)))
    dxg = float(x[1] - x[0]) if x.size > 1 else cell
    dzg = float(z[1] - z[0]) if z.size > 1 else cell
    cov = uniform_filter(cov, size=(max(1, int(round(cell / dzg))), max(1, int(round(cell / dxg)))), mode="nearest")
    cmin = result.settings.get("coverage_min", 0.0) if coverage_min is None else coverage_min
    ground_c = np.interp(result.cell_x_m, sx, sy)
    depth_c = ground_c - result.cell_y_m
    inside = Z <= float(depth_c.max())
    if result.settings.get("coverage_mask", "pygimli") == "pygimli" and result.standardized_coverage is not None:
        from geoexplore.seismic.refraction.coverage_mask import pygimli_mask

        mask = pygimli_mask(result, X, Y, cmin) & inside
    else:  # 'envelope': smoothed coverage, everything above the deepest covered point of each column
        covered = (cov > max(cmin, 1e-12 * float(cov.max(initial=0.0)))) & inside
        mask = np.zeros_like(covered)
        for j in range(covered.shape[1]):
            k = np.flatnonzero(covered[:, j])
            if k.size:
                mask[: k[-1] + 1, j] = True
    ds = xr.Dataset(
        {
            "vp_m_s": (("depth_m", "chainage_m"), vp, {"units": "m/s", "long_name": "P-wave velocity"}),
            **rel_sd,
            "coverage": (("depth_m", "chainage_m"), cov, {"units": "m/m^2", "long_name": "ray coverage (ray length per cell area)"}),
            "mask": (("depth_m", "chainage_m"), mask, {"long_name": "True where rays constrain the model"}),
            "elevation_m": (("chainage_m",), elev, {"units": "m"}),
        },
        coords={
            "depth_m": ("depth_m", z, {"units": "m", "long_name": "depth below ground"}),
            "chainage_m": ("chainage_m", x + chainage_offset_m, {"units": "m"}),
        },
        attrs={
            "method": "refraction", "line": str(line), "synthetic": int(bool(synthetic)),
            "algorithm": "first-arrival traveltime tomography (pyGIMLi TravelTimeManager, shortest path)",
            **fit_attrs(result), "settings_json": json.dumps(result.settings),
        },
    )
    return ds


def fit_attrs(result: Any) -> dict[str, Any]:
    """The fit as storable attributes: chi2, rrms_percent, rms_ms, iterations, chi2_history and lambda_history
    (per iteration, 0 = starting model), stop_reason, stop_message, iteration_table_json."""
    summ = result.summary()
    return {"chi2": summ["chi2"], "rrms": summ["rrms"], "rrms_percent": summ["rrms"], "rms_ms": summ["rms_ms"],
            "iterations": summ["iterations"], "chi2_history": summ["chi2_history"],
            "lambda_history": summ["lambda_history"], "stop_reason": summ["stop_reason"],
            "stop_message": summ["stop_message"], "iteration_table_json": json.dumps(summ["iteration_table"])}


__all__ = ["fit_attrs", "image_grid", "median_spacing", "to_image"]
