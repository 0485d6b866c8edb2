"""From fault sources to rates, an OpenQuake export and site hazard curves (the hazard front door).

>>> from geoexplore.fault.hazard import fault_hazard, Site        # doctest: +SKIP
>>> res = fault_hazard(sources, rules, sites=[Site("Siping", 124.3506, 43.1668)], out_dir="hazard")  # doctest: +SKIP
>>> res.table()                                                    # doctest: +SKIP
>>> res.plot("hazard.png")                                         # doctest: +SKIP
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geoexplore.fault.hazard.logic import Branch, RateSettings, branches_for, rates_mc
from geoexplore.fault.hazard.psha import (
    DEFAULT_GMPES,
    DEFAULT_LEVELS,
    TRT,
    HazardCurves,
    Site,
    site_hazard,
)
from geoexplore.fault.hazard.sources import FaultSource

#: probabilities of exceedance in 50 years reported (GB 18306 uses 10 % and 2 % in 50 years)
REPORTED_POES = ((0.10, 50.0), (0.02, 50.0))


@dataclass
class HazardResult:
    """Fault sources, their rates and branches, the OpenQuake export and the site hazard."""

    sources: list[FaultSource]
    branches: dict[str, list[Branch]]
    rates: dict[str, dict[str, Any]]
    curves: HazardCurves | None
    export_dir: Path | None = None
    exported: list[Path] = field(default_factory=list)
    validation: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def poe_values(self) -> list[dict[str, Any]]:
        """Rows (site, imt, poe, years, value_g) for the reported probabilities; NaN where the faults alone never reach it."""
        rows = []
        if self.curves is None:
            return rows
        for s in self.curves.sites:
            for imt in self.curves.levels:
                for poe, years in REPORTED_POES:
                    rows.append({"site": s.name, "site_zh": s.name_zh, "imt": imt, "poe": poe, "years": years,
                                 "value_g": self.curves.value_at_poe(s.name, imt, poe, years)})
        return rows

    def table(self) -> list[dict[str, Any]]:
        """One row per fault: geometry, slip rate, moment rate and rates with 16/50/84 %."""
        out = []
        for s in self.sources:
            r = self.rates[s.id]
            out.append({"id": s.id, "name": s.name, "length_km": s.length_km, "width_km": s.width_km, "dip_deg": s.dip_deg,
                        "slip_rate_mm_yr": s.slip_rate_mm_yr, "moment_rate_nm_yr": r["moment_rate_nm_yr"],
                        "rate_m_min": r["rate_m_min"], "rate_m6": r["rate_m6"], "mmax": r["mmax"],
                        "recurrence_mmax_yr": r["recurrence_mmax_yr"], "sources": s.sources, "synthetic": s.synthetic})
        return out

    def plot(self, path: str | Path | None = None, *, lang: str = "en") -> Any:
        """Hazard curves per site and intensity measure (see :func:`geoexplore.fault.hazard.plot.plot_curves`)."""
        from geoexplore.fault.hazard.plot import plot_curves

        return plot_curves(self.curves, path, lang=lang, synthetic=any(s.synthetic for s in self.sources))


def source_model_branches(sources: list[FaultSource], branches: dict[str, list[Branch]], *, trt: str = TRT,
                          mesh_spacing_km: float | None = None) -> list[tuple[float, str, list[Any]]]:
    """(weight, label, OpenQuake sources) per logic-tree branch (the same branch for every fault)."""
    from geoexplore.fault.hazard.oqsource import RUPTURE_MESH_SPACING_KM, oq_source

    mesh = mesh_spacing_km or RUPTURE_MESH_SPACING_KM
    if not sources:
        return []
    n = len(branches[sources[0].id])
    out = []
    for k in range(n):
        b0 = branches[sources[0].id][k]
        out.append((b0.weight, b0.label, [oq_source(s, branches[s.id][k], trt=trt, mesh_spacing_km=mesh) for s in sources]))
    return out


def export_nrml(sources: list[FaultSource], branches: dict[str, list[Branch]], out_dir: str | Path, *, sites: list[Site],
                gmpes: dict[str, dict[str, float]], levels: dict[str, Any], investigation_time_yr: float,
                truncation_level: float, title: str, trt: str = TRT) -> list[Path]:
    """Write the NRML source models, logic trees and ``job.ini`` (see :mod:`geoexplore.fault.hazard.nrml`)."""
    from geoexplore.fault.hazard.nrml import (
        branch_slug,
        write_gmpe_logic_tree,
        write_job_ini,
        write_source_logic_tree,
        write_source_model,
    )

    d = Path(out_dir)
    d.mkdir(parents=True, exist_ok=True)
    written, files = [], []
    n = len(branches[sources[0].id])
    for k in range(n):
        b0 = branches[sources[0].id][k]
        f = write_source_model([(s, branches[s.id][k]) for s in sources], d / f"source_model_{branch_slug(b0)}.xml",
                               name=f"{title}: {b0.label}", trt=trt)
        written.append(f)
        files.append((f.name, b0.weight))
    written.append(write_source_logic_tree(files, d / "source_model_logic_tree.xml"))
    written.append(write_gmpe_logic_tree(gmpes, d / "gmpe_logic_tree.xml", trt=trt))
    vs30 = sites[0].vs30_m_s if sites else 760.0
    written.append(write_job_ini(d / "job.ini", sites=sites, levels=levels, investigation_time_yr=investigation_time_yr,
                                 truncation_level=truncation_level, vs30_m_s=vs30, title=title))
    return written


def fault_hazard(sources: list[FaultSource], rules: Any, *, sites: list[Site], out_dir: str | Path | None = None,
                 rate_settings: RateSettings | None = None, gmpes: dict[str, dict[str, float]] | None = None,
                 levels: tuple[float, ...] = DEFAULT_LEVELS, investigation_time_yr: float = 50.0,
                 truncation_level: float = 3.0, compute_curves: bool = True, validate: bool = True,
                 title: str = "geoexplore fault sources") -> HazardResult:
    """Rates, OpenQuake export and site hazard of fault sources.

    Parameters
    ----------
    sources : list of FaultSource
    rules : Rules
        For the scaling laws (magnitude section).
    sites : list of Site
    out_dir : path-like, optional
        Where the NRML files go (none written when None).
    rate_settings : RateSettings, optional
    gmpes : dict imt -> {GMPE: weight}, optional
        Default :data:`geoexplore.fault.hazard.psha.DEFAULT_GMPES`.
    levels : tuple of float
        Intensity levels (g).
    compute_curves : bool
        Run the PSHA (needs OpenQuake's hazardlib, the ``hazard`` extra).
    validate : bool
        Parse the export with OpenQuake's own readers.
    """
    if (compute_curves or (validate and out_dir is not None)) and sources:
        require_openquake()
    st = rate_settings or RateSettings()
    gm = gmpes or DEFAULT_GMPES
    res = HazardResult(sources=list(sources), branches={}, rates={}, curves=None)
    for s in sources:
        res.branches[s.id] = branches_for(s, rules, st)
        res.rates[s.id] = rates_mc(s, rules, st)
    if not sources:
        res.notes.append("no active fault with a slip rate: no fault source, no hazard from the survey's faults")
        return res
    lv = {imt: tuple(levels) for imt in gm}
    if out_dir is not None:
        res.export_dir = Path(out_dir)
        res.exported = export_nrml(sources, res.branches, out_dir, sites=sites, gmpes=gm, levels=lv,
                                   investigation_time_yr=investigation_time_yr, truncation_level=truncation_level, title=title)
        if validate:
            from geoexplore.fault.hazard.nrml import validate_export

            v = validate_export(out_dir)
            res.validation = {"source_files": {k: len(x) for k, x in v["sources"].items()},
                              "source_branches": len(v["source_branches"]), "gmpe_branches": len(v["gmpe_branches"]),
                              "job_ini": "job" in v}
    if compute_curves:
        res.curves = site_hazard(source_model_branches(sources, res.branches), sites, gmpes=gm, levels=lv,
                                 truncation_level=truncation_level, investigation_time_yr=investigation_time_yr)
        for row in res.poe_values():
            if not math.isfinite(row["value_g"]):
                res.notes.append(f"{row['site']} {row['imt']}: the survey's faults alone do not reach {row['poe']:.0%} in "
                                 f"{row['years']:.0f} years above {min(levels):g} g (the regional background governs)")
    res.notes.append("site-specific supplement: the national zonation map GB 18306-2015 governs design ground motions; "
                     "these curves hold the survey's fault sources only, without the regional background seismicity")
    return res


def openquake_installed() -> bool:
    """True when OpenQuake's hazardlib can be imported (found without importing it: its import compiles kernels)."""
    import importlib.util

    return importlib.util.find_spec("openquake") is not None and importlib.util.find_spec("openquake.hazardlib") is not None


def require_openquake() -> None:
    """Raise a clear error when OpenQuake's hazardlib is not installed."""
    from geoexplore.core.errors import GeoexploreError

    if not openquake_installed():
        raise GeoexploreError('site hazard and the NRML check need OpenQuake: pip install -e ".[hazard]" && '
                              'pip install --no-deps "openquake.engine==3.26.2" (docs/install.md)')

