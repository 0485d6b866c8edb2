"""Moved to :mod:`geoexplore.seismic.refraction.tomogram_statics`; this old path re-exports its public names for one release."""

from geoexplore.seismic.refraction.tomogram_statics import *  # noqa: F403
from geoexplore.seismic.refraction.tomogram_statics import (
    __all__,  # noqa: F401
    tomogram_statics,
)

#: old name of :func:`~geoexplore.seismic.refraction.tomogram_statics.tomogram_statics`
station_statics = tomogram_statics
