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

from geoexplore.core.lazy import lazy_exports

# each stage is imported on first use: a worker that runs only the trace QC never loads the
# numba kernels of velocity analysis and stacking (tests/reliability/test_memory.py keeps it so)
_R = "geoexplore.seismic.reflection."
__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    "depth_section": _R + "imaging", "migrate": _R + "imaging", "stack": _R + "imaging",
    "preprocess": _R + "preprocess",
    "QC_SLICE_SAMPLES": _R + "qc", "trace_statistics": _R + "qc",
    "TRACE_COORDS": _R + "shots", "header_geometry": _R + "shots", "load_shots": _R + "shots",
    "apply_elevation_statics": _R + "statics", "apply_station_statics": _R + "statics", "first_break_statics": _R + "statics",
    "picks_dataset": _R + "velocity", "velocity_analysis": _R + "velocity", "vrms_section": _R + "velocity",
})
