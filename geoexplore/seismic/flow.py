"""Moved to :mod:`geoexplore.seismic.reflection.flow`; this old path re-exports its public names for one release."""

from geoexplore.seismic.reflection.flow import *  # noqa: F403
from geoexplore.seismic.reflection.flow import __all__  # noqa: F401
