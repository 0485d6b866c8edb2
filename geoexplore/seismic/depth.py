"""Moved to :mod:`geoexplore.seismic.reflection.depth`; this old path re-exports its public names for one release."""

from geoexplore.seismic.reflection.depth import *  # noqa: F403
from geoexplore.seismic.reflection.depth import __all__  # noqa: F401
