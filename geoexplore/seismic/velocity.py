"""Moved to :mod:`geoexplore.seismic.reflection.velocity`; this old path re-exports its public names for one release."""

from geoexplore.seismic.reflection.velocity import *  # noqa: F403
from geoexplore.seismic.reflection.velocity import __all__  # noqa: F401
