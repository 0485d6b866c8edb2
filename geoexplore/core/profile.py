"""Profile geometry: stations along a (possibly crooked) survey line.

A :class:`Profile` is a polyline in a projected CRS (metres). Chainage is the
distance along the polyline from its first vertex. Positions convert both
ways: chainage -> (x, y) and (x, y) -> (chainage, signed offset from the
line). Geographic coordinates (CGCS2000 by default, EPSG:4490) go through
pyproj, imported lazily.

Conventions: x = easting, y = northing (metres); the offset is positive to
the right of the direction of increasing chainage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from geoexplore.core.errors import GeoexploreError

#: CGCS2000 geographic (China's national datum)
CGCS2000 = "EPSG:4490"
#: CGCS2000 / 3-degree Gauss-Kruger CM 126E: metres near the Yitong graben (124.5-127.5 E)
CGCS2000_GK_CM126E = "EPSG:4551"


def transformer(src: str, dst: str) -> Any:
    """A :class:`pyproj.Transformer` from ``src`` to ``dst`` (CRS names such as ``"EPSG:4490"``), x/y (lon/lat) order.

    Parameters
    ----------
    src, dst : str
        Source and target coordinate reference systems.

    Returns
    -------
    pyproj.Transformer
        ``transform(x, y)`` takes and returns coordinates in the CRSs' units
        (degrees for a geographic CRS, metres for a projected one), always
        longitude/easting first.
    """
    from pyproj import Transformer  # lazy: pyproj loads PROJ data

    return Transformer.from_crs(src, dst, always_xy=True)


@dataclass(frozen=True)
class Profile:
    """A survey line in a projected CRS.

    Parameters
    ----------
    x, y : (n_vertices,) array_like
        Vertices of the polyline in metres (easting, northing), n >= 2.
    crs : str
        The projected CRS of ``x`` and ``y`` (default CGCS2000 / GK CM 126E).
    geographic_crs : str
        The geographic CRS for longitude and latitude (default CGCS2000).
    name : str
        Line name.
    chainage_start_m : float
        Chainage of the first vertex (default 0).
    """

    x: np.ndarray
    y: np.ndarray
    crs: str = CGCS2000_GK_CM126E
    geographic_crs: str = CGCS2000
    name: str = "profile"
    chainage_start_m: float = 0.0
    _cum: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        x = np.asarray(self.x, dtype=float).ravel()
        y = np.asarray(self.y, dtype=float).ravel()
        if x.shape != y.shape or x.size < 2:
            raise GeoexploreError(f"profile {self.name!r}: need at least two vertices with x and y of equal length")
        seg = np.hypot(np.diff(x), np.diff(y))
        if np.any(seg <= 0) or not np.all(np.isfinite(seg)):
            raise GeoexploreError(f"profile {self.name!r}: repeated or non-finite vertices")
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", y)
        object.__setattr__(self, "_cum", np.concatenate([[0.0], np.cumsum(seg)]) + self.chainage_start_m)

    # -- construction -------------------------------------------------------------
    @classmethod
    def from_lonlat(
        cls,
        lon: Any,
        lat: Any,
        *,
        crs: str = CGCS2000_GK_CM126E,
        geographic_crs: str = CGCS2000,
        **kwargs: Any,
    ) -> "Profile":
        """Build a profile from geographic vertices (degrees)."""
        x, y = transformer(geographic_crs, crs).transform(np.asarray(lon, float), np.asarray(lat, float))
        return cls(np.atleast_1d(x), np.atleast_1d(y), crs=crs, geographic_crs=geographic_crs, **kwargs)

    @classmethod
    def straight(
        cls,
        x0: float,
        y0: float,
        azimuth_deg: float,
        length_m: float,
        **kwargs: Any,
    ) -> "Profile":
        """A straight line from (x0, y0) along ``azimuth_deg`` (clockwise from grid north)."""
        az = np.deg2rad(azimuth_deg)
        return cls(
            np.array([x0, x0 + length_m * np.sin(az)]),
            np.array([y0, y0 + length_m * np.cos(az)]),
            **kwargs,
        )

    # -- properties ---------------------------------------------------------------
    @property
    def length_m(self) -> float:
        """Total length of the polyline in metres."""
        return float(self._cum[-1] - self._cum[0])

    @property
    def vertex_chainage_m(self) -> np.ndarray:
        """Chainage of each vertex (m)."""
        return self._cum.copy()

    # -- conversions --------------------------------------------------------------
    def xy(self, chainage_m: Any) -> tuple[np.ndarray, np.ndarray]:
        """Projected coordinates (x, y) in metres of points at ``chainage_m``.

        Chainages outside the line are extrapolated along the end segments.
        """
        c = np.asarray(chainage_m, dtype=float)
        i = np.clip(np.searchsorted(self._cum, c, side="right") - 1, 0, self._cum.size - 2)
        t = (c - self._cum[i]) / (self._cum[i + 1] - self._cum[i])
        return self.x[i] + t * (self.x[i + 1] - self.x[i]), self.y[i] + t * (self.y[i + 1] - self.y[i])

    def chainage(self, x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
        """Project points onto the line: (chainage, signed offset), metres.

        Each point goes to the nearest point of the polyline; the offset is
        positive to the right of the line direction.
        """
        px = np.atleast_1d(np.asarray(x, dtype=float))[..., None]
        py = np.atleast_1d(np.asarray(y, dtype=float))[..., None]
        ax, ay = self.x[:-1], self.y[:-1]
        dx, dy = np.diff(self.x), np.diff(self.y)
        seg2 = dx * dx + dy * dy
        t = np.clip(((px - ax) * dx + (py - ay) * dy) / seg2, 0.0, 1.0)
        qx, qy = ax + t * dx, ay + t * dy
        dist = np.hypot(px - qx, py - qy)
        k = np.argmin(dist, axis=-1)
        take = lambda a: np.take_along_axis(a, k[..., None], axis=-1)[..., 0]  # noqa: E731
        tk = take(t)
        ch = self._cum[k] + tk * np.sqrt(seg2[k])
        side = dx[k] * (py[..., 0] - ay[k]) - dy[k] * (px[..., 0] - ax[k])
        off = take(dist) * np.where(side > 0, -1.0, 1.0)
        shape = np.shape(x)
        return ch.reshape(shape), off.reshape(shape)

    def lonlat(self, chainage_m: Any) -> tuple[np.ndarray, np.ndarray]:
        """Geographic longitude and latitude (degrees) at ``chainage_m``."""
        x, y = self.xy(chainage_m)
        return transformer(self.crs, self.geographic_crs).transform(x, y)

    def chainage_from_lonlat(self, lon: Any, lat: Any) -> tuple[np.ndarray, np.ndarray]:
        """(chainage, offset) in metres of geographic points."""
        x, y = transformer(self.geographic_crs, self.crs).transform(np.asarray(lon, float), np.asarray(lat, float))
        return self.chainage(x, y)

    def azimuth_deg(self, chainage_m: Any) -> np.ndarray:
        """Grid azimuth of the line (degrees clockwise from north) at ``chainage_m``."""
        c = np.asarray(chainage_m, dtype=float)
        i = np.clip(np.searchsorted(self._cum, c, side="right") - 1, 0, self._cum.size - 2)
        return np.rad2deg(np.arctan2(np.diff(self.x)[i], np.diff(self.y)[i])) % 360.0

    def stations(self, chainage_m: Any, elevation_m: Any | None = None, names: list[str] | None = None) -> Any:
        """A station table (xarray Dataset, dimension ``station``).

        Variables: ``chainage_m``, ``x_m``, ``y_m``, ``lon_deg``, ``lat_deg``,
        ``elevation_m`` (NaN when not given). Attributes carry the CRSs.
        """
        import xarray as xr

        c = np.atleast_1d(np.asarray(chainage_m, dtype=float))
        x, y = self.xy(c)
        lon, lat = self.lonlat(c)
        z = np.full_like(c, np.nan) if elevation_m is None else np.broadcast_to(np.asarray(elevation_m, float), c.shape)
        names = names or [f"{self.name}-{k:03d}" for k in range(c.size)]
        return xr.Dataset(
            {
                "chainage_m": ("station", c),
                "x_m": ("station", np.asarray(x)),
                "y_m": ("station", np.asarray(y)),
                "lon_deg": ("station", np.asarray(lon)),
                "lat_deg": ("station", np.asarray(lat)),
                "elevation_m": ("station", np.array(z, dtype=float)),
            },
            coords={"station": names},
            attrs={"crs": self.crs, "geographic_crs": self.geographic_crs, "line": self.name},
        )
