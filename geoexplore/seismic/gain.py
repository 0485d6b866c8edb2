"""Moved to :mod:`geoexplore.seismic.reflection.gain`; this old path re-exports its public names for one release."""

from geoexplore.seismic.reflection.gain import *  # noqa: F403
from geoexplore.seismic.reflection.gain import __all__  # noqa: F401
