"""The data contracts between the method packages and the fault package.

The fault package reads method results only through these documented
xarray layouts, never through a method's internals. Every method's final
"image" step returns one of them (in addition to anything else it stores).
All images carry the attributes ``method`` (one of :data:`METHODS`),
``line`` and ``synthetic`` (1 when computed from synthetic data, else 0).

Sections (2D images along the profile), dimensions ``depth_m`` (metres
below the ground surface, positive down, increasing) and ``chainage_m``
(metres along the profile, increasing):

* ``reflection`` - seismic reflection depth section: ``amplitude``
  (depth_m, chainage_m). Optional: ``velocity_m_s`` (interval velocity used
  for depth conversion), and a time section as a separate result with
  dimension ``time_s`` instead of ``depth_m``.
* ``refraction`` - velocity tomogram: ``vp_m_s`` (depth_m, chainage_m),
  ``coverage`` (ray coverage, same dims, >= 0) and ``mask`` (bool, True
  where the model is constrained).
* ``ert`` and ``mt`` - resistivity section: ``resistivity_ohm_m``
  (depth_m, chainage_m), ``mask`` (bool, True above the depth of
  investigation / where sensitive). Optional ``doi_index``.

All sections also hold ``elevation_m`` (chainage_m): ground elevation.

Tables (one row per station), dimension ``station``:

* ``microtremor`` - ``chainage_m``, ``f0_hz``, ``f0_sigma_ln`` (lognormal
  standard deviation), ``thickness_m`` and ``thickness_err_m`` (sediment
  thickness from f0), ``a0`` (H/V peak amplitude), ``reliable`` (bool: SESAME
  reliability criteria passed).

:func:`check_image` validates a Dataset against these rules and names what
is wrong.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from geoexplore.core.errors import GeoexploreError

METHODS = ("reflection", "refraction", "ert", "mt", "microtremor")

REQUIRED: dict[str, tuple[str, ...]] = {
    "reflection": ("amplitude",),
    "refraction": ("vp_m_s", "coverage", "mask"),
    "ert": ("resistivity_ohm_m", "mask"),
    "mt": ("resistivity_ohm_m", "mask"),
    "microtremor": ("chainage_m", "f0_hz", "f0_sigma_ln", "thickness_m", "thickness_err_m", "a0", "reliable"),
}


def check_image(ds: Any, method: str | None = None) -> str:
    """Validate an image Dataset; return its method.

    Raises
    ------
    GeoexploreError
        Naming the missing variable, dimension or attribute.
    """
    m = method or str(ds.attrs.get("method", ""))
    if m not in METHODS:
        raise GeoexploreError(f"image: attribute 'method' must be one of {METHODS}, got {m!r}")
    for a in ("line", "synthetic"):
        if a not in ds.attrs:
            raise GeoexploreError(f"{m} image: missing attribute '{a}'")
    for v in REQUIRED[m]:
        if v not in ds:
            raise GeoexploreError(f"{m} image: missing variable '{v}' (have {sorted(ds.data_vars)})")
    if m == "microtremor":
        if ds["f0_hz"].dims != ("station",):
            raise GeoexploreError("microtremor image: variables must have the single dimension 'station'")
        return m
    main = REQUIRED[m][0]
    if set(ds[main].dims) != {"depth_m", "chainage_m"}:
        raise GeoexploreError(f"{m} image: '{main}' must have dimensions (depth_m, chainage_m), got {ds[main].dims}")
    for d in ("depth_m", "chainage_m"):
        c = np.asarray(ds[d].values, float)
        if c.size > 1 and not np.all(np.diff(c) > 0):
            raise GeoexploreError(f"{m} image: coordinate '{d}' must increase")
    if "elevation_m" not in ds:
        raise GeoexploreError(f"{m} image: missing variable 'elevation_m' (chainage_m)")
    return m
