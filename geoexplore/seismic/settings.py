"""Every Settings class of the seismic package (units in the field names).

Reflection: :mod:`geoexplore.seismic.reflection.settings`; refraction:
:mod:`geoexplore.seismic.refraction.settings`. This module re-exports them
so one import finds any of them.
"""

from __future__ import annotations

from geoexplore.seismic.reflection.settings import (
    DepthSettings,
    GathersSettings,
    MigrateSettings,
    StackSettings,
    TraceQCSettings,
    VelocitySettings,
)
from geoexplore.seismic.refraction.settings import (
    PickSettings,
    PicksSettings,
    RefractionTomoSettings,
    StaticsSettings,
    TomoSettings,
)

__all__ = [
    "DepthSettings", "GathersSettings", "MigrateSettings", "PickSettings", "PicksSettings", "RefractionTomoSettings",
    "StackSettings", "StaticsSettings", "TomoSettings", "TraceQCSettings", "VelocitySettings",
]
