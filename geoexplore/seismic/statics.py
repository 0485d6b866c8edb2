"""Moved to :mod:`geoexplore.seismic.reflection.statics`; this old path re-exports its public names for one release.

``refraction_statics`` (delay-time statics of reflection processing) is now
``delay_time_statics``; statics from a refraction tomogram are in
:mod:`geoexplore.seismic.refraction.tomogram_statics`.
"""

from geoexplore.seismic.reflection.statics import *  # noqa: F403
from geoexplore.seismic.reflection.statics import (
    __all__,  # noqa: F401
    delay_time_statics,
)

#: old name of :func:`~geoexplore.seismic.reflection.statics.delay_time_statics`
refraction_statics = delay_time_statics
