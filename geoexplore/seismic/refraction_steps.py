"""Moved to :mod:`geoexplore.seismic.refraction.steps`; this old path re-exports its public names for one release."""

from geoexplore.seismic.refraction.steps import *  # noqa: F403
from geoexplore.seismic.refraction.steps import __all__  # noqa: F401
