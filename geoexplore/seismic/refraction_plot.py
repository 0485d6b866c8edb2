"""Moved to :mod:`geoexplore.seismic.refraction.plot`; this old path keeps the old names for one release.

Renamed: ``plot_shot`` -> ``draw_shot``, ``plot_traveltimes`` -> ``draw_traveltimes``, ``plot_tomogram(ax, ...)``
-> ``draw_tomogram``, ``plot_pick_result`` -> ``plot_shot_picks``, ``plot_picks_result`` -> ``plot_pick_table``,
``plot_tomo_result`` -> ``plot_tomogram(result, path=None)``.
"""

from geoexplore.seismic.refraction.plot import (
    draw_shot as plot_shot,
)
from geoexplore.seismic.refraction.plot import (
    draw_tomogram as plot_tomogram,
)
from geoexplore.seismic.refraction.plot import (
    draw_traveltimes as plot_traveltimes,
)
from geoexplore.seismic.refraction.plot import (
    plot_pick_table as plot_picks_result,
)
from geoexplore.seismic.refraction.plot import (
    plot_shot_picks as plot_pick_result,
)
from geoexplore.seismic.refraction.plot import plot_tomogram as plot_tomo_result

__all__ = ["plot_pick_result", "plot_picks_result", "plot_shot", "plot_tomo_result", "plot_tomogram", "plot_traveltimes"]
