"""Seismic hazard from the surveyed faults: rates from slip rate, OpenQuake fault sources, site hazard.

Front door::

    from geoexplore.fault.hazard import FaultSource, Site, fault_hazard
    res = fault_hazard([src], rules, sites=[Site("Siping", 124.3506, 43.1668)], out_dir="hazard")
    res.table(); res.poe_values(); res.plot("hazard.png")

Modules: :mod:`~.mfd` (moment-balanced magnitude-frequency distributions),
:mod:`~.sources` (fault sources from the assessment), :mod:`~.logic` (scaling
law x MFD branches, Monte Carlo rates), :mod:`~.nrml` (OpenQuake NRML export
and its validation by OpenQuake), :mod:`~.psha` (site hazard with
``openquake.hazardlib``), :mod:`~.run` (all of it), :mod:`~.plot`.
OpenQuake is the optional ``hazard`` extra; everything but the export
validation and the site hazard runs without it.
"""

from geoexplore.core.lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    "FaultSource": "geoexplore.fault.hazard.sources",
    "sources_from_candidates": "geoexplore.fault.hazard.sources",
    "Site": "geoexplore.fault.hazard.psha",
    "RateSettings": "geoexplore.fault.hazard.logic",
    "fault_hazard": "geoexplore.fault.hazard.run",
    "HazardResult": "geoexplore.fault.hazard.run",
})
