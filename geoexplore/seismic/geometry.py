"""Moved to :mod:`geoexplore.seismic.reflection.geometry`; this old path re-exports its public names for one release."""

from geoexplore.seismic.reflection.geometry import *  # noqa: F403
from geoexplore.seismic.reflection.geometry import __all__  # noqa: F401
