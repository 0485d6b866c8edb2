"""Terrain analysis of a DEM for fault scarps: hillshade, slope, curvature, linear scarps and their heights.

Kernels on the DEM DataArray of :mod:`geoexplore.core.dem` (y, x; metres;
square cells; north-up). NumPy/SciPy only.

* **Slope and aspect** from central differences (``numpy.gradient``) over
  the cell size; **hillshade** the Lambertian reflectance of a sun at
  azimuth/altitude: ``cos(zen) cos(slope) + sin(zen) sin(slope) cos(az - aspect)``,
  clipped at 0; **curvature** the Laplacian ``d2z/dx2 + d2z/dy2`` (1/m,
  positive concave-up).
* **Linear scarps**: cells steeper than ``min_slope_deg`` are grouped into
  8-connected components; a component's axis is its principal direction;
  collinear pieces (strike within ``merge_strike_deg``, gap below
  ``merge_gap_m``, lateral offset below ``merge_offset_m``) are merged; a
  scarp is kept if its length exceeds ``min_length_m`` and it is at least
  ``min_elongation`` times longer than wide.
* **Scarp height** on a profile across a scarp: straight lines fitted to the
  surfaces above and below (``inner_m`` to ``outer_m`` either side of the
  steepest point), the height their vertical separation at the steepest
  point (the classic far-field-offset measure of fault-scarp studies), with
  its standard error from the two fits.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np


def _grid(dem: Any) -> tuple[np.ndarray, float, np.ndarray, np.ndarray]:
    z = np.asarray(dem.values, float)
    x, y = np.asarray(dem["x"].values, float), np.asarray(dem["y"].values, float)
    return z, float(abs(x[1] - x[0])), x, y


def gradient(dem: Any) -> tuple[np.ndarray, np.ndarray]:
    """(dz/dx east, dz/dy north), dimensionless, by central differences."""
    z, cell, x, y = _grid(dem)
    gy, gx = np.gradient(z, y, x)
    return gx, gy


def slope_deg(dem: Any) -> np.ndarray:
    """Slope angle (deg) of every cell."""
    gx, gy = gradient(dem)
    return np.degrees(np.arctan(np.hypot(gx, gy)))


def aspect_deg(dem: Any) -> np.ndarray:
    """Downslope direction (deg clockwise from grid north) of every cell."""
    gx, gy = gradient(dem)
    return np.degrees(np.arctan2(-gx, -gy)) % 360.0


def hillshade(dem: Any, azimuth_deg: float = 315.0, altitude_deg: float = 45.0, *, z_factor: float = 1.0) -> np.ndarray:
    """Hillshade in [0, 1] for a sun at ``azimuth_deg`` (clockwise from north) and ``altitude_deg``;
    ``z_factor`` exaggerates the relief."""
    gx, gy = gradient(dem)
    gx, gy = gx * z_factor, gy * z_factor
    slope = np.arctan(np.hypot(gx, gy))
    aspect = np.arctan2(-gx, -gy)
    zen = math.radians(90.0 - altitude_deg)
    az = math.radians(azimuth_deg)
    hs = math.cos(zen) * np.cos(slope) + math.sin(zen) * np.sin(slope) * np.cos(az - aspect)
    return np.clip(hs, 0.0, 1.0)


def curvature(dem: Any) -> np.ndarray:
    """Laplacian curvature d2z/dx2 + d2z/dy2 (1/m) of every cell."""
    z, cell, x, y = _grid(dem)
    gy, gx = np.gradient(z, y, x)
    return np.gradient(gx, x, axis=1) + np.gradient(gy, y, axis=0)


@dataclass
class LinearScarp:
    """A linear scarp detected in a DEM (projected metres; strike 0-180 deg)."""

    id: str
    x0: float
    y0: float
    x1: float
    y1: float
    strike_deg: float
    length_m: float
    width_m: float
    n_cells: int
    down_azimuth_deg: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def distance_m(self, x: float, y: float) -> float:
        """Distance (m) of a point from the scarp's segment."""
        p, a, b = np.array([x, y]), np.array([self.x0, self.y0]), np.array([self.x1, self.y1])
        t = float(np.clip(np.dot(p - a, b - a) / max(np.dot(b - a, b - a), 1e-9), 0.0, 1.0))
        return float(np.linalg.norm(p - (a + t * (b - a))))


def principal_axis(px: np.ndarray, py: np.ndarray) -> tuple[np.ndarray, np.ndarray, float, float, np.ndarray, np.ndarray]:
    """Total-least-squares line through points: (centre, unit direction, min and max position along it,
    offsets across it, positions along it), all in the points' units."""
    c = np.array([px.mean(), py.mean()])
    d = np.stack([px - c[0], py - c[1]])
    w, v = np.linalg.eigh(d @ d.T)
    e = v[:, 1]
    along = e @ d
    across = np.array([-e[1], e[0]]) @ d
    return c, e, float(along.min()), float(along.max()), across, along


def detect_scarps(
    dem: Any, *, min_slope_deg: float = 2.5, min_length_m: float = 300.0, min_elongation: float = 5.0,
    merge_strike_deg: float = 10.0, merge_gap_m: float = 150.0, merge_offset_m: float = 30.0,
) -> list[LinearScarp]:
    """Linear scarps of a DEM (see module docstring), longest first."""
    from scipy.ndimage import label

    z, cell, x, y = _grid(dem)
    slope = slope_deg(dem)
    asp = aspect_deg(dem)
    lab, n = label(np.nan_to_num(slope) > min_slope_deg, structure=np.ones((3, 3)))
    X, Y = np.meshgrid(x, y)
    pieces = []
    for k in range(1, n + 1):
        m = lab == k
        if m.sum() < 3:
            continue
        pieces.append((X[m], Y[m], asp[m]))

    def strike_of(px: np.ndarray, py: np.ndarray) -> float:
        _, e, *_ = principal_axis(px, py)
        return math.degrees(math.atan2(e[0], e[1])) % 180.0

    merged = True
    while merged and len(pieces) > 1:
        merged = False
        for i in range(len(pieces)):
            for j in range(i + 1, len(pieces)):
                ai, aj = pieces[i], pieces[j]
                if ai[0].size < 5 or aj[0].size < 5:
                    continue
                si, sj = strike_of(ai[0], ai[1]), strike_of(aj[0], aj[1])
                if min(abs(si - sj), 180 - abs(si - sj)) > merge_strike_deg:
                    continue
                c, e, lo, hi, _, _ = principal_axis(ai[0], ai[1])
                dj = np.stack([aj[0] - c[0], aj[1] - c[1]])
                along, across = e @ dj, np.array([-e[1], e[0]]) @ dj
                gap = max(0.0, float(along.min()) - hi, lo - float(along.max()))
                if gap <= merge_gap_m and float(np.median(np.abs(across))) <= merge_offset_m:
                    pieces[i] = tuple(np.r_[a, b] for a, b in zip(ai, aj))
                    del pieces[j]
                    merged = True
                    break
            if merged:
                break
    out = []
    for px, py, pa in pieces:
        c, e, lo, hi, across, _ = principal_axis(px, py)
        length = hi - lo + cell
        width = float(across.max() - across.min()) + cell
        if length < min_length_m or length < min_elongation * width:
            continue
        a = np.radians(pa)
        down = math.degrees(math.atan2(np.sin(a).mean(), np.cos(a).mean())) % 360.0
        out.append(LinearScarp("", float(c[0] + lo * e[0]), float(c[1] + lo * e[1]), float(c[0] + hi * e[0]), float(c[1] + hi * e[1]),
                               math.degrees(math.atan2(e[0], e[1])) % 180.0, float(length), width, int(px.size), down))
    out.sort(key=lambda s: -s.length_m)
    for k, s in enumerate(out, 1):
        s.id = f"SC{k}"
    return out


def profile_across(dem: Any, x: float, y: float, strike_deg: float, *, half_length_m: float = 120.0,
                   step_m: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Elevations (bilinear) on a profile through (x, y) perpendicular to ``strike_deg``.

    Returns distance (m, positive towards strike + 90 deg) and elevation (m).
    """
    from scipy.ndimage import map_coordinates

    z, cell, xs, ys = _grid(dem)
    step = step_m or cell / 2
    d = np.arange(-half_length_m, half_length_m + step / 2, step)
    a = math.radians(strike_deg + 90.0)
    px, py = x + d * math.sin(a), y + d * math.cos(a)
    col = (px - xs[0]) / (xs[1] - xs[0])
    row = (py - ys[0]) / (ys[1] - ys[0])
    return d, map_coordinates(z, [row, col], order=1, mode="constant", cval=np.nan)


def scarp_height(d: np.ndarray, z: np.ndarray, *, inner_m: float = 25.0, outer_m: float = 100.0,
                 search_m: float = 40.0) -> dict[str, float]:
    """Height of a scarp on a profile (see module docstring).

    Returns height_m (positive; the side at negative distance higher gives
    ``up_side`` -1), sigma_m, offset_m (steepest point from the profile
    centre) and the slopes of the two surfaces.
    """
    ok = np.isfinite(z)
    d, z = d[ok], z[ok]
    near = np.abs(d) <= search_m
    if near.sum() < 3:
        return {"height_m": math.nan, "sigma_m": math.nan, "offset_m": math.nan, "up_side": 0.0}
    g = np.gradient(z, d)
    dc = float(d[near][np.argmax(np.abs(g[near]))])
    res = []
    for side in (-1, 1):
        m = (side * (d - dc) >= inner_m) & (side * (d - dc) <= outer_m)
        if m.sum() < 4:
            return {"height_m": math.nan, "sigma_m": math.nan, "offset_m": dc, "up_side": 0.0}
        A = np.stack([np.ones(m.sum()), d[m] - dc], axis=1)
        coef, *_ = np.linalg.lstsq(A, z[m], rcond=None)
        r = z[m] - A @ coef
        s2 = float(r @ r) / max(m.sum() - 2, 1)
        cov = s2 * np.linalg.inv(A.T @ A)
        res.append((float(coef[0]), float(math.sqrt(cov[0, 0])), float(coef[1])))
    (zl, sl, gl), (zr, sr, gr) = res
    return {"height_m": abs(zr - zl), "sigma_m": math.hypot(sl, sr), "offset_m": dc, "up_side": -1.0 if zl > zr else 1.0,
            "slope_low_side": gl if zl < zr else gr, "slope_high_side": gr if zl < zr else gl}


def heights_along(dem: Any, xy: np.ndarray, strike_deg: float, *, spacing_m: float = 50.0, half_length_m: float = 120.0,
                  **kw: Any) -> list[dict[str, float]]:
    """Scarp heights on profiles every ``spacing_m`` along a polyline ``xy`` (n, 2) across ``strike_deg``."""
    xy = np.asarray(xy, float)
    seg = np.hypot(*np.diff(xy, axis=0).T)
    cum = np.r_[0.0, np.cumsum(seg)]
    out = []
    for t in np.arange(0.0, cum[-1] + 1e-6, spacing_m):
        x, y = np.interp(t, cum, xy[:, 0]), np.interp(t, cum, xy[:, 1])
        d, z = profile_across(dem, float(x), float(y), strike_deg, half_length_m=half_length_m)
        h = scarp_height(d, z, **kw)
        out.append({"distance_m": float(t), "x": float(x), "y": float(y), **h})
    return out
