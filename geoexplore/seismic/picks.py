"""Moved to :mod:`geoexplore.seismic.refraction.pick_tables`; this old path re-exports its public names for one release.

``picks`` said two things; the first-break picker is
:mod:`geoexplore.seismic.refraction.picking`, the tables of picks are
:mod:`geoexplore.seismic.refraction.pick_tables`.
"""

from geoexplore.seismic.refraction.pick_tables import *  # noqa: F403
from geoexplore.seismic.refraction.pick_tables import __all__  # noqa: F401
