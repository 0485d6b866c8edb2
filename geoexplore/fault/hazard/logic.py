"""The source-model logic tree: scaling law x magnitude-frequency distribution, balanced on slip rate.

Branches (weights are choices of this module, equal unless the user gives others):

* scaling law for the maximum magnitude from the fault area, with the rupture
  scaling OpenQuake floats ruptures with: Wells and Coppersmith (1994) rupture
  area ``WC1994``, or Leonard (2014) stable continental ``Leonard2014_SCR``;
* MFD: truncated Gutenberg-Richter (upper edge at the scaling-law magnitude) or
  Youngs and Coppersmith (1985) characteristic (box centred on it).

Each branch carries the fault's moment rate ``mu A s`` at the median slip rate;
:func:`rates_mc` gives the 16/50/84 % spread of the rates by Monte Carlo over
slip rate, length, dip, rigidity, b-value and the scaling-law scatter (seeded).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from geoexplore.core.errors import GeoexploreError
from geoexplore.fault.hazard.mfd import (
    CHAR_BOX_WIDTH,
    IncrementalMFD,
    align_magnitude,
    batch_summaries,
    moment_rate_nm_yr,
    truncated_gr,
    youngs_coppersmith,
)
from geoexplore.fault.hazard.sources import (
    FaultSource,
    lognormal_from_percentiles,
    point_sample,
)
from geoexplore.fault.magnitude import leonard, wells_coppersmith

#: scaling-law branch -> OpenQuake magnitude-scaling relation used to float ruptures
SCALING_LAWS = {"WC1994": "WC1994", "Leonard2014_SCR": "Leonard2014_SCR"}
MFD_KINDS = ("truncated_gr", "youngs_coppersmith_1985")


@dataclass(frozen=True)
class RateSettings:
    """Parameters of the rate model (defaults with their sources).

    b_value, b_sigma : Gutenberg-Richter b and its spread (1.0 +- 0.1: the usual crustal value; a
        regional catalogue fit replaces it when available).
    min_mag : smallest magnitude of the sources (Mw 5.0: below it, ground motions are not damaging
        to engineered buildings; OpenQuake's common minimum).
    bin_width : MFD bin (0.1).
    rigidity_pa, rigidity_sigma_fraction : 3.0e10 Pa +- 10 %.
    n_samples, seed : Monte Carlo size and seed.
    weights : scaling law x MFD branch weights (equal).
    """

    b_value: float = 1.0
    b_sigma: float = 0.1
    min_mag: float = 5.0
    bin_width: float = 0.1
    rigidity_pa: float = 3.0e10
    rigidity_sigma_fraction: float = 0.1
    n_samples: int = 2000
    seed: int = 20261206
    weights: tuple[tuple[str, str, float], ...] = (
        ("WC1994", "truncated_gr", 0.25), ("WC1994", "youngs_coppersmith_1985", 0.25),
        ("Leonard2014_SCR", "truncated_gr", 0.25), ("Leonard2014_SCR", "youngs_coppersmith_1985", 0.25),
    )


def scaling_magnitude(law: str, area_km2: float, rake_deg: float, rules: Any) -> tuple[float, float]:
    """(Mw, sigma) of the whole fault area from the scaling law of a branch."""
    if law == "WC1994":
        e = wells_coppersmith("ra", area_km2, rake_deg, rules)
    elif law == "Leonard2014_SCR":
        e = leonard(area_km2, rake_deg, rules, setting="scr")
    else:
        raise GeoexploreError(f"unknown scaling law {law!r}; choose from {sorted(SCALING_LAWS)}")
    return float(e.magnitude), float(e.sigma or 0.0)


def branch_mfd(kind: str, moment_rate: float, mmax: float, st: RateSettings) -> IncrementalMFD:
    """The MFD of one branch, with limits aligned to the bin grid."""
    top = aligned_top(kind, mmax, st)
    if kind == "truncated_gr":
        if top <= st.min_mag:
            raise GeoexploreError(f"maximum magnitude {mmax:.2f} is not above the minimum {st.min_mag}")
        return truncated_gr(moment_rate, st.b_value, st.min_mag, top, st.bin_width)
    return youngs_coppersmith(moment_rate, st.b_value, st.min_mag, top, st.bin_width)


def aligned_top(kind: str, mmax: float, st: RateSettings) -> float:
    """The MFD's upper magnitude on the bin grid: the G-R ``max_mag``, or the centre of the characteristic box."""
    if kind == "truncated_gr":
        return align_magnitude(mmax, st.bin_width, st.min_mag)
    if kind == "youngs_coppersmith_1985":
        half = CHAR_BOX_WIDTH / 2
        return align_magnitude(mmax - half, st.bin_width, st.min_mag) + half
    raise GeoexploreError(f"unknown MFD {kind!r}; choose from {MFD_KINDS}")


@dataclass
class Branch:
    """One source-model branch for one fault."""

    law: str
    mfd_kind: str
    weight: float
    mmax: float
    mmax_sigma: float
    moment_rate: float
    mfd: IncrementalMFD

    @property
    def label(self) -> str:
        return f"{self.law} + {self.mfd_kind}"


def branches_for(src: FaultSource, rules: Any, st: RateSettings | None = None) -> list[Branch]:
    """The logic-tree branches of one fault at its median slip rate and central geometry."""
    st = st or RateSettings()
    mdot = moment_rate_nm_yr(src.slip_rate_mm_yr[1], src.length_km, src.width_km, st.rigidity_pa)
    out = []
    for law, kind, w in st.weights:
        m, s = scaling_magnitude(law, src.area_km2, src.rake_deg, rules)
        out.append(Branch(law, kind, w, m, s, mdot, branch_mfd(kind, mdot, m, st)))
    return out


def rates_mc(src: FaultSource, rules: Any, st: RateSettings | None = None) -> dict[str, Any]:
    """Monte Carlo of the moment rate and the event rates of one fault (16/50/84 %).

    Samples: slip rate (lognormal through the given percentiles), length
    (normal, clipped at 10 % of the median), dip (normal in 10-90 deg), rigidity,
    b-value, the scaling-law magnitude scatter, and the branch (by weight).

    Returns
    -------
    dict
        ``moment_rate_nm_yr``, ``rate_m_min``, ``rate_m6``, ``rate_mmax`` (rate of events within 0.5 of the
        branch maximum), ``recurrence_mmax_yr``, ``mmax``, each ``(p16, p50, p84)``, plus ``n_samples``, ``seed``.
    """
    st = st or RateSettings()
    rng = np.random.default_rng(st.seed)
    n = st.n_samples
    med, sln = lognormal_from_percentiles(*src.slip_rate_mm_yr)
    slip = med * np.exp(rng.normal(0.0, sln, n)) if sln > 0 else np.full(n, med)
    length = point_sample(rng, src.length_km, src.length_sigma_km, n, 0.1 * src.length_km)
    dip = point_sample(rng, src.dip_deg, src.dip_sigma_deg, n, 10.0, 90.0)
    mu = point_sample(rng, st.rigidity_pa, st.rigidity_pa * st.rigidity_sigma_fraction, n, 0.5 * st.rigidity_pa)
    b = point_sample(rng, st.b_value, st.b_sigma, n, 0.5, 1.5)
    wts = np.array([w for _, _, w in st.weights], float)
    pick = rng.choice(len(st.weights), size=n, p=wts / wts.sum())
    eps = rng.normal(0.0, 1.0, n)
    depth = src.lower_depth_km - src.upper_depth_km
    width = depth / np.sin(np.radians(dip))
    area = length * width
    law_of = [law for law, _, _ in st.weights]
    mmax = np.empty(n)
    for i in range(n):  # the scaling laws are scalar functions of the rules table (cheap); the MFDs go in one batch
        m0, msig = scaling_magnitude(law_of[pick[i]], float(area[i]), src.rake_deg, rules)
        mmax[i] = max(m0 + msig * eps[i], st.min_mag + 0.6)
    try:
        mdot = moment_rate_nm_yr(slip, length, width, mu)
    except GeoexploreError as e:
        raise GeoexploreError(f"rates of {src.id}: a Monte Carlo sample: {e}") from None
    kind = np.array([MFD_KINDS.index(k) for _, k, _ in st.weights])[pick]
    top = np.array([aligned_top(MFD_KINDS[k], m, st) for m, k in zip(mmax, kind)])
    summ = batch_summaries(kind, mdot, b, top, st.min_mag, st.bin_width, mag_above=6.0)
    vals = {"moment_rate_nm_yr": mdot, "rate_m_min": summ["rate_m_min"], "rate_m6": summ["rate_above"],
            "rate_mmax": summ["rate_mmax"], "mmax": summ["max_mag"]}
    keys = tuple(vals)
    out: dict[str, Any] = {k: tuple(float(v) for v in np.percentile(vals[k], [16, 50, 84])) for k in keys}
    r = out["rate_mmax"]
    out["recurrence_mmax_yr"] = tuple(1.0 / v if v > 0 else math.inf for v in (r[2], r[1], r[0]))
    out["n_samples"], out["seed"] = n, st.seed
    return out
