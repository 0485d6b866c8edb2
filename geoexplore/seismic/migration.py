"""Moved to :mod:`geoexplore.seismic.reflection.migration`; this old path re-exports its public names for one release."""

from geoexplore.seismic.reflection.migration import *  # noqa: F403
from geoexplore.seismic.reflection.migration import __all__  # noqa: F401
