"""Moved to :mod:`geoexplore.seismic.reflection.decon`; this old path re-exports its public names for one release."""

from geoexplore.seismic.reflection.decon import *  # noqa: F403
from geoexplore.seismic.reflection.decon import __all__  # noqa: F401
