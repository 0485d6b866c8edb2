"""Moved to :mod:`geoexplore.seismic.reflection.cli`; this old path re-exports its public names for one release."""

from geoexplore.seismic.reflection.cli import *  # noqa: F403
from geoexplore.seismic.reflection.cli import (
    __all__,  # noqa: F401
    cmd_velocity_picks,
)

#: old name of :func:`~geoexplore.seismic.reflection.cli.cmd_velocity_picks` (``seismic picks`` is now ``seismic velocity-picks``)
cmd_picks = cmd_velocity_picks
