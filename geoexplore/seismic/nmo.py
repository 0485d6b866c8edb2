"""Moved to :mod:`geoexplore.seismic.reflection.nmo`; this old path re-exports its public names for one release."""

from geoexplore.seismic.reflection.nmo import *  # noqa: F403
from geoexplore.seismic.reflection.nmo import __all__  # noqa: F401
