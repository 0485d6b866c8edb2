"""Moved to :mod:`geoexplore.seismic.refraction.tomography`; this old path re-exports its public names for one release."""

from geoexplore.seismic.refraction.tomography import *  # noqa: F403
from geoexplore.seismic.refraction.tomography import __all__  # noqa: F401
