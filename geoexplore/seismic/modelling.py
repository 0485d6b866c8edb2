"""Moved to :mod:`geoexplore.seismic.reflection.modelling`; this old path re-exports its public names for one release."""

from geoexplore.seismic.reflection.modelling import *  # noqa: F403
from geoexplore.seismic.reflection.modelling import __all__  # noqa: F401
