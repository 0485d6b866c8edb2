"""Moved to :mod:`geoexplore.seismic.io.cli`; this old path re-exports its public names for one release."""

from geoexplore.seismic.io.cli import *  # noqa: F403
from geoexplore.seismic.io.cli import __all__  # noqa: F401
