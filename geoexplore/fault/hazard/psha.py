"""Classical probabilistic seismic hazard at sites, computed with OpenQuake's hazardlib.

The ground-motion models (GMPEs) for north-east China, by intensity measure:

* **PGA**: Yu et al. (2013), the attenuation model behind China's fifth-generation
  seismic zonation map (GB 18306-2015), eastern-China region, in OpenQuake's
  moment-magnitude version (``YuEtAl2013MwEastern``; Mw -> Ms after Cheng et al.
  2017); weight 0.5. Boore, Stewart, Seyhan and Atkinson (2014, Earthquake
  Spectra 30(3)) ``BooreEtAl2014`` and Chiou and Youngs (2014, Earthquake
  Spectra 30(3)) ``ChiouYoungs2014``, weight 0.25 each.
* **SA(0.2 s), SA(1.0 s)**: Yu et al. (2013) gives PGA and PGV only, so
  ``BooreEtAl2014`` and ``ChiouYoungs2014``, weight 0.5 each.

These are choices of this module, stated in the settings and the report; a user
gives others by OpenQuake name. Hazard is on a reference site condition (Vs30 given
by the user, default 760 m/s): no site amplification is applied.

The mean hazard curve is the weighted mean of the probabilities of exceedance of
every branch (source model x GMPE), as OpenQuake's ``mean`` statistic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from geoexplore.core.errors import GeoexploreError

#: OpenQuake tectonic region type of the sources (north-east China is intraplate)
TRT = "Stable Continental Crust"

#: default GMPE weights per intensity measure (see module docstring)
DEFAULT_GMPES: dict[str, dict[str, float]] = {
    "PGA": {"YuEtAl2013MwEastern": 0.5, "BooreEtAl2014": 0.25, "ChiouYoungs2014": 0.25},
    "SA(0.2)": {"BooreEtAl2014": 0.5, "ChiouYoungs2014": 0.5},
    "SA(1.0)": {"BooreEtAl2014": 0.5, "ChiouYoungs2014": 0.5},
}

#: intensity levels (g) of the curves
DEFAULT_LEVELS = tuple(float(v) for v in np.geomspace(0.005, 2.0, 30))


@dataclass
class Site:
    """A site for hazard: name, longitude, latitude (deg), Vs30 (m/s)."""

    name: str
    lon: float
    lat: float
    vs30_m_s: float = 760.0
    name_zh: str = ""


@dataclass
class HazardCurves:
    """Mean hazard curves per site and intensity measure.

    Attributes
    ----------
    levels : dict imt -> ndarray (g)
    poe : dict site -> imt -> ndarray
        Mean probability of exceedance in ``investigation_time_yr``.
    branches : dict site -> imt -> list of (weight, label, poe array)
    """

    sites: list[Site]
    levels: dict[str, np.ndarray]
    poe: dict[str, dict[str, np.ndarray]]
    investigation_time_yr: float
    branches: dict[str, dict[str, list[tuple[float, str, np.ndarray]]]] = field(default_factory=dict)
    gmpes: dict[str, dict[str, float]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def annual_rate(self, site: str, imt: str) -> np.ndarray:
        """Annual rate of exceedance from the mean probability (Poisson)."""
        p = np.clip(self.poe[site][imt], 0.0, 1.0 - 1e-15)
        return -np.log1p(-p) / self.investigation_time_yr

    def value_at_poe(self, site: str, imt: str, poe: float, years: float) -> float:
        """Ground motion (g) with probability ``poe`` of exceedance in ``years`` (log-log interpolation; NaN off the curve)."""
        target = -math.log1p(-poe) / years
        rate = self.annual_rate(site, imt)
        lv = self.levels[imt]
        ok = rate > 0
        if not ok.any() or target > rate[ok].max() or target < rate[ok].min():
            return math.nan
        lr, ll = np.log(rate[ok]), np.log(lv[ok])
        order = np.argsort(lr)
        return float(np.exp(np.interp(math.log(target), lr[order], ll[order])))


def imt_object(name: str) -> Any:
    """OpenQuake IMT object of 'PGA' or 'SA(T)'."""
    from openquake.hazardlib import imt

    return imt.from_string(name)


def site_collection(sites: list[Site]) -> Any:
    """OpenQuake SiteCollection of ``sites`` (Vs30 measured = False, z1.0 from Vs30 by the GMPE's default)."""
    from openquake.hazardlib.geo import Point
    from openquake.hazardlib.site import Site as OQSite
    from openquake.hazardlib.site import SiteCollection

    return SiteCollection([OQSite(Point(s.lon, s.lat), vs30=s.vs30_m_s, vs30measured=False, z1pt0=-999.0, z2pt5=-999.0)
                           for s in sites])


def annual_rates_for(sources: list[Any], sites: list[Site], imt: str, levels: np.ndarray, gmpe: str,
                     *, truncation_level: float = 3.0) -> np.ndarray:
    """Annual rate of exceedance (n_sites, n_levels) for OpenQuake sources (one-year Poisson model), one GMPE, one IMT."""
    from openquake.hazardlib import valid
    from openquake.hazardlib.calc.hazard_curve import calc_hazard_curves

    gsim = valid.gsim(gmpe)
    cur = calc_hazard_curves(sources, site_collection(sites), {imt: list(levels)}, {TRT: gsim},
                             truncation_level=truncation_level)
    poe1 = np.clip(np.asarray(cur[imt], float).reshape(len(sites), len(levels)), 0.0, 1.0 - 1e-15)
    return -np.log1p(-poe1)


def exceedance_probability(mean: np.ndarray, sigma: np.ndarray, levels: np.ndarray, truncation_level: float) -> np.ndarray:
    """P(ln Y > ln level) under a normal truncated at +-``truncation_level`` sigma, shape (n_rows, n_levels)."""
    from scipy.special import ndtr

    eps = (np.log(levels)[None, :] - mean[:, None]) / sigma[:, None]
    t = truncation_level
    return np.clip((ndtr(t) - ndtr(np.clip(eps, -t, t))) / (ndtr(t) - ndtr(-t)), 0.0, 1.0)


def context_maker_params(levels: dict[str, np.ndarray], truncation_level: float, maximum_distance_km: float) -> dict[str, Any]:
    """OpenQuake ``ContextMaker`` parameters of the first intensity measure (one-year, Poisson)."""
    from openquake.hazardlib.calc.filters import IntegrationDistance

    first = next(iter(levels))
    return {"imtls": {first: list(levels[first])}, "truncation_level": truncation_level, "investigation_time": 1.0,
            "maximum_distance": IntegrationDistance.new(f"{maximum_distance_km:g}")}


def rupture_contexts(sources: list[Any], sites: list[Site], gmpes: dict[str, dict[str, float]], params: dict[str, Any]) -> Any:
    """OpenQuake's rupture contexts (a recarray: one row per rupture and site in range) for every GMPE of ``gmpes``."""
    from openquake.hazardlib.contexts import ContextMaker

    from geoexplore.fault.hazard.gmpes import gsim

    names = list(dict.fromkeys(g for w in gmpes.values() for g in w))
    return ContextMaker(TRT, [gsim(g) for g in names], params).from_srcs(sources, site_collection(sites))


def exceedance_by_gmpe(ctx: Any, levels: dict[str, np.ndarray], gmpes: dict[str, dict[str, float]], params: dict[str, Any],
                       truncation_level: float) -> dict[tuple[str, str], np.ndarray]:
    """P(Y > level | rupture, site) per context row, {(imt, gmpe): (n_rows, n_levels)}."""
    from openquake.hazardlib.contexts import ContextMaker

    from geoexplore.fault.hazard.gmpes import gsim

    out: dict[tuple[str, str], np.ndarray] = {}
    for imt, gw in gmpes.items():
        g_names = list(gw)
        cm = ContextMaker(TRT, [gsim(g) for g in g_names], {**params, "imtls": {imt: list(levels[imt])}})
        ms = cm.get_mean_stds([ctx])  # (4, G, 1, N): mean, total sigma, tau, phi
        for k, g in enumerate(g_names):
            out[(imt, g)] = exceedance_probability(ms[0, k, 0], ms[1, k, 0], np.asarray(levels[imt], float), truncation_level)
    return out


def rates_at_sites(p: np.ndarray, rupture_rate: np.ndarray, sids: np.ndarray, n_sites: int) -> np.ndarray:
    """Annual exceedance rates (n_sites, n_levels): sum over rows of rate x P(exceedance); rows of rate 0 left out."""
    rows = np.flatnonzero(rupture_rate > 0)
    rate = np.zeros((n_sites, p.shape[1]))
    np.add.at(rate, np.asarray(sids, int)[rows], p[rows] * rupture_rate[rows, None])
    return rate


def annual_rates_by_gmpe(sources: list[Any], sites: list[Site], levels: dict[str, np.ndarray], gmpes: dict[str, dict[str, float]],
                         *, truncation_level: float = 3.0, maximum_distance_km: float = 300.0) -> dict[tuple[str, str], np.ndarray]:
    """Annual exceedance rates {(imt, gmpe): (n_sites, n_levels)} with the rupture contexts built once.

    The classical sum for Poissonian sources, ``lambda(x) = sum_r rate_r P(Y > x | r)``,
    over OpenQuake's rupture contexts (floating ruptures, distances) and GMPE
    means and sigmas; :func:`annual_rates_for` (OpenQuake's own
    ``calc_hazard_curves``) gives the same numbers (tested) at several times the
    cost, because it rebuilds the contexts for every GMPE.
    """
    params = context_maker_params(levels, truncation_level, maximum_distance_km)
    ctx = rupture_contexts(sources, sites, gmpes, params)
    occ = np.asarray(ctx.occurrence_rate, float)
    return {key: rates_at_sites(p, occ, ctx.sids, len(sites))
            for key, p in exceedance_by_gmpe(ctx, levels, gmpes, params, truncation_level).items()}


def annual_rates_by_branch(branches: list[list[Any]], sites: list[Site], levels: dict[str, np.ndarray],
                           gmpes: dict[str, dict[str, float]], *, truncation_level: float = 3.0,
                           maximum_distance_km: float = 300.0, share: bool = True) -> list[dict[tuple[str, str], np.ndarray]]:
    """:func:`annual_rates_by_gmpe` of every source-model branch (a list of sources each).

    With ``share`` the branches that float the same ruptures (the same scaling
    relation, geometry and magnitude grid: :mod:`geoexplore.fault.hazard.ruptures`)
    share one set of contexts and GMPE evaluations; each branch only weights the
    rows by its own rates.
    """
    from geoexplore.fault.hazard.ruptures import (
        branch_rupture_rates,
        share_groups,
        unit_rate_sources,
    )

    if not share:
        return [annual_rates_by_gmpe(b, sites, levels, gmpes, truncation_level=truncation_level,
                                     maximum_distance_km=maximum_distance_km) for b in branches]
    params = context_maker_params(levels, truncation_level, maximum_distance_km)
    out: list[dict[tuple[str, str], np.ndarray]] = [{} for _ in branches]
    for group in share_groups(branches):
        if len(group) == 1:
            out[group[0]] = annual_rates_by_gmpe(branches[group[0]], sites, levels, gmpes, truncation_level=truncation_level,
                                                 maximum_distance_km=maximum_distance_km)
            continue
        units = unit_rate_sources([branches[b] for b in group])
        ctx = rupture_contexts(units, sites, gmpes, params)
        probs = exceedance_by_gmpe(ctx, levels, gmpes, params, truncation_level)
        for b in group:
            rr = branch_rupture_rates(ctx, units, branches[b])
            out[b] = {key: rates_at_sites(p, rr, ctx.sids, len(sites)) for key, p in probs.items()}
    return out


def site_hazard(branches: list[tuple[float, str, list[Any]]], sites: list[Site], *,
                gmpes: dict[str, dict[str, float]] | None = None, levels: dict[str, tuple[float, ...]] | None = None,
                truncation_level: float = 3.0, investigation_time_yr: float = 50.0, share_contexts: bool = True) -> HazardCurves:
    """Mean hazard curves over a logic tree of source models and GMPEs.

    Parameters
    ----------
    branches : list of (weight, label, sources)
        Source-model branches (weights sum to 1), each a list of OpenQuake sources
        with a one-year Poisson model (see :func:`geoexplore.fault.hazard.oqsource.oq_source`).
    sites : list of Site
    gmpes : dict imt -> {OpenQuake GMPE name: weight}
        Default :data:`DEFAULT_GMPES`.
    levels : dict imt -> levels (g)
    share_contexts : bool
        Build the rupture contexts once for branches that float the same ruptures
        (:func:`annual_rates_by_branch`); False builds them per branch (the old path, same numbers).
    """
    gmpes = gmpes or DEFAULT_GMPES
    wsum = sum(w for w, _, _ in branches)
    if not branches or abs(wsum - 1.0) > 1e-6:
        raise GeoexploreError(f"hazard: source-model branch weights must sum to 1, got {wsum}")
    lv = {imt: np.asarray(levels.get(imt, DEFAULT_LEVELS) if levels else DEFAULT_LEVELS, float) for imt in gmpes}
    mean = {s.name: {imt: np.zeros(len(lv[imt])) for imt in gmpes} for s in sites}
    br: dict[str, dict[str, list[tuple[float, str, np.ndarray]]]] = {s.name: {imt: [] for imt in gmpes} for s in sites}
    for imt, gw in gmpes.items():
        gsum = sum(gw.values())
        if abs(gsum - 1.0) > 1e-6:
            raise GeoexploreError(f"hazard: GMPE weights for {imt} must sum to 1, got {gsum}")
    all_rates = annual_rates_by_branch([srcs for _, _, srcs in branches], sites, lv, gmpes, truncation_level=truncation_level,
                                       share=share_contexts)
    for (w_s, label, _), rates in zip(branches, all_rates):
        for imt, gw in gmpes.items():
            for g, w_g in gw.items():
                poe = -np.expm1(-rates[(imt, g)] * investigation_time_yr)
                for i, s in enumerate(sites):
                    mean[s.name][imt] += w_s * w_g * poe[i]
                    br[s.name][imt].append((w_s * w_g, f"{label} | {g}", poe[i]))
    return HazardCurves(sites=list(sites), levels=lv, poe=mean, investigation_time_yr=investigation_time_yr,
                        branches=br, gmpes={k: dict(v) for k, v in gmpes.items()})
