"""Ground-motion models for the PSHA: OpenQuake's, with Yu et al. (2013) evaluated on whole arrays.

OpenQuake's ``YuEtAl2013Mw*`` (the attenuation model behind GB 18306-2015, in its
moment-magnitude version after Cheng et al. 2017) finds the long axis of the
elliptical isoseismal of every rupture-site pair by a scalar bisection in a
Python loop: a quarter of the demo's hazard step. :func:`gsim` returns the same
model with that bisection run for all pairs at once: the same steps (start at
200 km, step 100 km halved each time, stop at a misfit of 1e-3 km or a step below
1e-3 km) on arrays, so each pair takes the path it takes in the loop, and the
same formulas for the median and sigma. Equal to OpenQuake's own class to 1e-12
(``tests/fault/test_hazard_gmpes.py``). Every other name is OpenQuake's model.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

#: OpenQuake's moment-magnitude Yu et al. (2013) variants (one ``compute``, different coefficient tables)
YU2013_MW = ("YuEtAl2013Mw", "YuEtAl2013MwTibet", "YuEtAl2013MwEastern", "YuEtAl2013MwStable")

#: the bisection of OpenQuake's ``get_ras`` (km): start, first step, misfit and step at which it stops
RAS_START_KM, RAS_STEP_KM, RAS_TOL_KM = 200.0, 100.0, 1e-3


def gsim(name: str) -> Any:
    """OpenQuake GSIM instance of ``name``; the Yu et al. (2013) Mw variants in their array form."""
    from openquake.hazardlib import valid

    if name in YU2013_MW:
        return yu2013_array_class(name)()
    return valid.gsim(name)


def yu_coefficients(coeff: Any, mag: np.ndarray) -> tuple[np.ndarray, ...]:
    """The ten coefficients of the long (a1*) and short (a2*) axes for Ms ``mag`` (the M > 6.5 set above 6.5)."""
    big = mag > 6.5
    return tuple(np.where(big, coeff[u], coeff[s]) for u, s in (
        ("ua", "a"), ("ub", "b"), ("uc", "c"), ("ud", "d"), ("ue", "e"),
        ("ia", "ma"), ("ib", "mb"), ("ic", "mc"), ("id", "md"), ("ie", "me")))


def short_axis_km(ra: np.ndarray, coeff: Any, mag: np.ndarray) -> np.ndarray:
    """Short axis of the isoseismal (km) with the same intensity as long axis ``ra`` (km), Ms ``mag``."""
    a1ca, a1cb, a1cc, a1cd, a1ce, a2ca, a2cb, a2cc, a2cd, a2ce = yu_coefficients(coeff, mag)
    term1 = a1ca + a1cb * mag + a1cc * np.log(ra + a1cd * np.exp(a1ce * mag))
    term2 = a2ca + a2cb * mag
    term3 = a2cd * np.exp(a2ce * mag)
    return np.exp((term1 - term2) / a2cc) - term3


def ellipse_misfit_km(ra: np.ndarray, repi: np.ndarray, theta: np.ndarray, mag: np.ndarray, coeff: Any) -> np.ndarray:
    """Radius of the ellipse with long axis ``ra`` at azimuth ``theta`` (deg) minus the epicentral distance (km)."""
    rb = short_axis_km(ra, coeff, mag)
    t1 = ra**2 * (np.sin(np.radians(theta)))**2
    t2 = rb**2 * (np.cos(np.radians(theta)))**2
    xx = ra * rb / (t1 + t2)**0.5
    return xx - repi


def long_axis_km(repi: np.ndarray, theta: np.ndarray, mag: np.ndarray, coeff: Any) -> np.ndarray:
    """Long axis (km) of the ellipse through each site: OpenQuake's bisection, run for all pairs at once.

    Parameters
    ----------
    repi : ndarray
        Epicentral distances (km).
    theta : ndarray
        Azimuths (deg).
    mag : ndarray
        Surface-wave magnitudes Ms.
    coeff : CoeffsTable row
        The model's coefficients for one intensity measure.
    """
    repi, theta, mag = (np.asarray(v, float) for v in (repi, theta, mag))
    ras = np.full(repi.shape, RAS_START_KM)
    dff = ellipse_misfit_km(ras, repi, theta, mag, coeff)
    rx = RAS_STEP_KM
    live = np.flatnonzero(np.abs(dff) > RAS_TOL_KM)
    while live.size:
        ras[live] = np.where(dff[live] > 0.0, ras[live] - rx, ras[live] + rx)
        dff[live] = ellipse_misfit_km(ras[live], repi[live], theta[live], mag[live], coeff)
        rx = rx / 2.0
        if rx < RAS_TOL_KM:
            break
        live = live[np.abs(dff[live]) > RAS_TOL_KM]
    return ras


def yu_mw_compute(self: Any, ctx: np.recarray, imts: Any, mean: np.ndarray, sig: np.ndarray, tau: np.ndarray,
                  phi: np.ndarray) -> None:
    """OpenQuake ``compute`` of ``YuEtAl2013Mw`` on arrays: ln median (g) into ``mean``, total sigma into ``sig``."""
    from scipy.constants import g

    mag = np.where(ctx.mag < 6.58, (ctx.mag - 0.59) / 0.86, (ctx.mag + 2.42) / 1.28)  # Mw -> Ms, Cheng et al. 2017
    for m, imt in enumerate(imts):
        coeff = self.COEFFS[imt]
        a1ca, a1cb, a1cc, a1cd, a1ce, a2ca, a2cb, a2cc, a2cd, a2ce = yu_coefficients(coeff, mag)
        ras = long_axis_km(ctx.repi, ctx.azimuth, mag, coeff)
        rbs = short_axis_km(ras, coeff, mag)
        # 225 km2: the model's hypocentral depth of 15 km, squared
        mean1 = a1ca + a1cb * mag + a1cc * np.log((ras**2 + 225)**0.5 + a1cd * np.exp(a1ce * mag))
        mean2 = a2ca + a2cb * mag + a2cc * np.log((rbs**2 + 225)**0.5 + a2cd * np.exp(a2ce * mag))
        x = (mean1 * np.sin(np.radians(ctx.azimuth)))**2
        y = (mean2 * np.cos(np.radians(ctx.azimuth)))**2
        mean_ = mean1 * mean2 / np.sqrt(x + y)
        if imt.string == "PGA":
            mean_ = np.exp(mean_) / g / 100
        elif imt.string == "PGV":
            mean_ = np.exp(mean_)
        else:
            raise ValueError(f"Yu et al. (2013) gives PGA and PGV only, not {imt.string}")
        mean[m] = np.log(mean_)
        sig[m] = coeff["sigma"]


@functools.lru_cache(maxsize=None)
def yu2013_array_class(name: str) -> type:
    """Subclass of OpenQuake's ``name`` (one of :data:`YU2013_MW`) whose ``compute`` works on arrays."""
    from openquake.hazardlib.gsim import yu_2013

    base = getattr(yu_2013, name)
    # OpenQuake's metaclass accepts a compute whose ctx is annotated np.recarray (the class itself, not the
    # string this module's postponed annotations give)
    yu_mw_compute.__annotations__["ctx"] = np.recarray
    return type(f"{name}Array", (base,), {"compute": yu_mw_compute, "__module__": __name__,
                                          "__doc__": f"{name} with the ellipse bisection on arrays (see {__name__})."})
