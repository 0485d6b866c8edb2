"""Moved to :mod:`geoexplore.seismic.reflection.filters`; this old path re-exports its public names for one release."""

from geoexplore.seismic.reflection.filters import *  # noqa: F403
from geoexplore.seismic.reflection.filters import __all__  # noqa: F401
