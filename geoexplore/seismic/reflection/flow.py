"""The reflection processing flow on xarray objects: shots -> CMP gathers -> stack -> migration -> depth.

Each function takes and returns :class:`xarray.Dataset` objects with
documented names and units, never mutates its input, and calls the NumPy
kernels of the sibling modules. The workflow steps in
:mod:`geoexplore.seismic.steps` are thin wrappers around these.

Pre-stack dataset ("CMP data"): dims ``trace``, ``time_s``; variable
``data`` (trace, time_s) float32; trace coordinates ``ffid``, ``channel``,
``offset_m`` (signed), ``source_station``, ``receiver_station``,
``source_chainage_m``, ``receiver_chainage_m``, ``source_x_m``,
``source_y_m``, ``receiver_x_m``, ``receiver_y_m``,
``source_elevation_m``, ``receiver_elevation_m``, ``midpoint_chainage_m``,
``midpoint_offline_m``, ``cdp`` (0-based bin), ``static_s`` (total static
applied so far); plus variables on dimension ``bin``: ``bin_chainage_m``,
``fold``, ``datum_m`` (datum elevation of each bin). Attributes ``dt_s``,
``line``, ``synthetic`` (0/1), ``bin_m``, ``datum`` ("floating" or "flat"),
``replacement_velocity_m_s``, ``bad_files`` (list of "file: error").

Time sections (stack, migrated): ``amplitude`` (time_s, chainage_m),
``elevation_m`` and ``datum_m`` (chainage_m), ``fold`` (chainage_m),
``vrms_m_s`` (time_s, chainage_m).
"""

from __future__ import annotations

from geoexplore.seismic.reflection.imaging import depth_section, migrate, stack
from geoexplore.seismic.reflection.preprocess import preprocess
from geoexplore.seismic.reflection.qc import QC_SLICE_SAMPLES, trace_statistics
from geoexplore.seismic.reflection.shots import (
    TRACE_COORDS,
    header_geometry,
    load_shots,
)
from geoexplore.seismic.reflection.statics import (
    apply_elevation_statics,
    apply_station_statics,
    first_break_statics,
)
from geoexplore.seismic.reflection.velocity import (
    picks_dataset,
    velocity_analysis,
    vrms_section,
)

__all__ = [
    "QC_SLICE_SAMPLES", "TRACE_COORDS", "apply_elevation_statics", "apply_station_statics", "depth_section",
    "first_break_statics", "header_geometry", "load_shots", "migrate", "picks_dataset", "preprocess", "stack",
    "trace_statistics", "velocity_analysis", "vrms_section",
]
