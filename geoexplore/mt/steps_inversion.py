"""Moved: the steps ``mt.analyse``, ``mt.invert1d`` and ``mt.invert2d`` are in :mod:`geoexplore.mt.steps`.

This module re-exports the public names for one release: the settings
(:mod:`geoexplore.mt.settings`), the steps (:mod:`geoexplore.mt.steps`),
``run_invert2d``, ``add_fit`` and ``prepare_profile``
(:mod:`geoexplore.mt.invert2d`) and ``read_tf`` (:mod:`geoexplore.mt.io`,
the one transfer-function reader).
"""

from geoexplore.mt.invert2d import add_fit, prepare_profile, run_invert2d  # noqa: F401
from geoexplore.mt.io import read_tf  # noqa: F401
from geoexplore.mt.settings import AnalyseSettings, Invert1DSettings, Invert2DSettings  # noqa: F401
from geoexplore.mt.steps import analyse, invert1d, invert2d  # noqa: F401

__all__ = ["AnalyseSettings", "Invert1DSettings", "Invert2DSettings", "add_fit", "analyse", "invert1d", "invert2d",
           "prepare_profile", "read_tf", "run_invert2d"]
