"""Moved: the step ``mt.tf`` is in :mod:`geoexplore.mt.steps`, its settings in :mod:`geoexplore.mt.settings`.

This module re-exports the public names for one release.
"""

from geoexplore.mt.settings import ProcessingSettings, TFStepSettings  # noqa: F401
from geoexplore.mt.steps import neighbour_reference, tf_step  # noqa: F401

__all__ = ["ProcessingSettings", "TFStepSettings", "neighbour_reference", "tf_step"]
