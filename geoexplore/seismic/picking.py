"""Moved to :mod:`geoexplore.seismic.refraction.picking` (the picker), :mod:`~geoexplore.seismic.refraction.detectors`
and :mod:`~geoexplore.seismic.refraction.consistency` (its kernels); this old path re-exports them for one release.

``PickParams`` is now :class:`geoexplore.seismic.refraction.settings.PickSettings` (same fields and defaults).
"""

from geoexplore.seismic.refraction.consistency import (
    consistency_outliers,
    reciprocity_outliers,
    slowness_jump_outliers,
)
from geoexplore.seismic.refraction.detectors import (
    aic_picker,
    auto_lowpass_hz,
    dominant_period,
    lowpass,
    modified_energy_ratio,
    sta_lta,
)
from geoexplore.seismic.refraction.picking import FLAGS, GatherPicks, pick_gather
from geoexplore.seismic.refraction.settings import PickSettings

#: old name of :class:`~geoexplore.seismic.refraction.settings.PickSettings`
PickParams = PickSettings

__all__ = [
    "FLAGS", "GatherPicks", "PickParams", "aic_picker", "auto_lowpass_hz", "consistency_outliers", "dominant_period",
    "lowpass", "modified_energy_ratio", "pick_gather", "reciprocity_outliers", "slowness_jump_outliers", "sta_lta",
]
