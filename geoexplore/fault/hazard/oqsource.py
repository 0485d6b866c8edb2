"""FaultSource + branch -> OpenQuake ``SimpleFaultSource`` (hazardlib objects, for computing hazard).

Rupture floating: the branch's magnitude-scaling relation, aspect ratio 1.5
(OpenQuake's common default for crustal faults) and a rupture mesh of
``mesh_spacing_km`` (default 2 km: OpenQuake refuses a mesh coarser than the
smallest rupture, about 2.2 km wide at Mw 5.05 with Leonard 2014).
"""

from __future__ import annotations

from typing import Any

from geoexplore.fault.hazard.logic import Branch
from geoexplore.fault.hazard.sources import FaultSource

RUPTURE_ASPECT_RATIO = 1.5
RUPTURE_MESH_SPACING_KM = 2.0


def oq_mfd(branch: Branch) -> Any:
    """OpenQuake ``EvenlyDiscretizedMFD`` of a branch (first bin centre, width, rates)."""
    from openquake.hazardlib.mfd import EvenlyDiscretizedMFD

    m = branch.mfd
    return EvenlyDiscretizedMFD(m.min_mag + 0.5 * m.bin_width, m.bin_width, [float(r) for r in m.rates])


def oq_scaling(law: str) -> Any:
    from openquake.hazardlib import valid

    return valid.mag_scale_rel(law)


def oq_source(src: FaultSource, branch: Branch, *, trt: str, mesh_spacing_km: float = RUPTURE_MESH_SPACING_KM) -> Any:
    """An OpenQuake ``SimpleFaultSource`` for one fault on one branch."""
    from openquake.hazardlib.geo import Line, Point
    from openquake.hazardlib.source import SimpleFaultSource
    from openquake.hazardlib.tom import PoissonTOM

    trace = Line([Point(lon, lat) for lon, lat in src.trace_lonlat])
    return SimpleFaultSource(
        source_id=src.id, name=src.name, tectonic_region_type=trt, mfd=oq_mfd(branch),
        rupture_mesh_spacing=mesh_spacing_km, magnitude_scaling_relationship=oq_scaling(branch.law),
        rupture_aspect_ratio=RUPTURE_ASPECT_RATIO, temporal_occurrence_model=PoissonTOM(1.0),
        upper_seismogenic_depth=src.upper_depth_km, lower_seismogenic_depth=src.lower_depth_km,
        fault_trace=trace, dip=src.dip_deg, rake=src.rake_deg)
