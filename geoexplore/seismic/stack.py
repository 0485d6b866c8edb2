"""Moved to :mod:`geoexplore.seismic.reflection.stack`; this old path re-exports its public names for one release."""

from geoexplore.seismic.reflection.stack import *  # noqa: F403
from geoexplore.seismic.reflection.stack import __all__  # noqa: F401
