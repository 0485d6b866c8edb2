"""Moved to :mod:`geoexplore.seismic.refraction.cli`; this old path re-exports its public names for one release."""

from geoexplore.seismic.refraction.cli import *  # noqa: F403
from geoexplore.seismic.refraction.cli import __all__  # noqa: F401
