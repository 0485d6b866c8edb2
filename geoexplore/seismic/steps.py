"""The workflow steps of the seismic package: the one module the step registry imports.

Importing it registers the reflection steps (``seismic.*``,
:mod:`geoexplore.seismic.reflection.steps`) and the refraction steps
(``refraction.*``, :mod:`geoexplore.seismic.refraction.steps`). Their
settings are in :mod:`geoexplore.seismic.settings`.
"""

from __future__ import annotations

import geoexplore.seismic.reflection.steps  # noqa: F401
import geoexplore.seismic.refraction.steps  # noqa: F401
from geoexplore.seismic.reflection.steps import (
    depth_convert,
    migrate,
    reflection_gathers,
    stack,
    trace_qc,
    velocity_analysis,
)
from geoexplore.seismic.settings import (
    DepthSettings,
    GathersSettings,
    MigrateSettings,
    StackSettings,
    TraceQCSettings,
    VelocitySettings,
)

__all__ = [
    "DepthSettings", "GathersSettings", "MigrateSettings", "StackSettings", "TraceQCSettings", "VelocitySettings",
    "depth_convert", "migrate", "reflection_gathers", "stack", "trace_qc", "velocity_analysis",
]
