"""Figures of the seismic package: reflection (:mod:`.reflection.plot`) and refraction (:mod:`.refraction.plot`).

One naming scheme: ``plot_<noun>(result, path=None) -> Figure`` makes a
figure (saved when ``path`` is given; the step figures are of this form);
``draw_<noun>(ax, ...)`` draws into a caller's axes. Figures are built on
:func:`geoexplore.viz.figure.new_figure` (no pyplot, no backend switching).

The reflection figures were here before; their old names
(``plot_gathers_result``, ``plot_velocity_result``, ``plot_time_section_result``,
``plot_depth_section_result``, ``plot_fold``, ``plot_semblance``,
``variable_density``, ``wiggle``) stay importable from this module for one release.
"""

from __future__ import annotations

from geoexplore.seismic.reflection.plot import (
    draw_fold,
    draw_semblance,
    draw_variable_density,
    draw_wiggles,
    plot_depth_section,
    plot_gathers,
    plot_time_section,
    plot_velocity,
)
from geoexplore.seismic.refraction.plot import (
    draw_shot,
    draw_tomogram,
    draw_traveltimes,
    plot_first_breaks,
    plot_pick_table,
    plot_shot_picks,
    plot_tomogram,
)

# old names (deprecated, one release)
plot_gathers_result = plot_gathers
plot_velocity_result = plot_velocity
plot_time_section_result = plot_time_section
plot_depth_section_result = plot_depth_section
plot_fold = draw_fold
plot_semblance = draw_semblance
variable_density = draw_variable_density
wiggle = draw_wiggles

__all__ = [
    "draw_fold", "draw_semblance", "draw_shot", "draw_tomogram", "draw_traveltimes", "draw_variable_density",
    "draw_wiggles", "plot_depth_section", "plot_first_breaks", "plot_gathers", "plot_pick_table", "plot_shot_picks",
    "plot_time_section", "plot_tomogram", "plot_velocity",
]
