"""Moved to :mod:`geoexplore.seismic.io.sgt`; this old path re-exports its public names for one release."""

from geoexplore.seismic.io.sgt import *  # noqa: F403
from geoexplore.seismic.io.sgt import __all__  # noqa: F401
