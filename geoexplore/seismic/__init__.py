"""Active-source seismic: reading and writing (SEG-Y, SU, SEG-2), reflection processing, refraction picking and tomography.

The front door (imports are lazy; ``import geoexplore.seismic`` stays cheap)::

    import geoexplore.seismic as gs
    g = gs.read("shot.seg2")                 # SEG-Y, SU or SEG-2, format sniffed from the content
    picks = gs.pick_first_breaks(g)          # or a list of gathers / files
    tomo = gs.invert_traveltimes(picks)      # pyGIMLi traveltime tomography
    tomo.plot("tomo.png")

Reflection: ``gs.load_shots`` -> ``gs.apply_elevation_statics`` ->
``gs.preprocess`` -> ``gs.velocity_analysis`` -> ``gs.stack`` ->
``gs.migrate`` -> ``gs.depth_section``, with ``gs.plot_time_section`` and
``gs.plot_depth_section``. Pick files: ``gs.read_picks`` (``.sgt`` or
picks CSV). Settings: :mod:`geoexplore.seismic.settings`.

Packages: :mod:`.io` (file formats), :mod:`.reflection`, :mod:`.refraction`;
the gather layout: :mod:`.gather`; steps: :mod:`.steps`; figures: :mod:`.plot`;
synthetic data: :mod:`.synth`; commands: :mod:`.cli`.
"""

from __future__ import annotations

from geoexplore.core.lazy import lazy_exports

_LAZY = {
    # files
    "read": "geoexplore.seismic.io",
    "write": "geoexplore.seismic.io",
    "scan": "geoexplore.seismic.io",
    "detect": "geoexplore.seismic.io",
    "read_sgt": "geoexplore.seismic.io",
    "write_sgt": "geoexplore.seismic.io",
    "make_gather": "geoexplore.seismic.gather",
    # refraction
    "FirstBreakPicks": "geoexplore.seismic.refraction.first_breaks",
    "pick_first_breaks": "geoexplore.seismic.refraction.first_breaks",
    "read_picks": "geoexplore.seismic.refraction.first_breaks",
    "invert_traveltimes": "geoexplore.seismic.refraction.tomography",
    "TomoResult": "geoexplore.seismic.refraction.tomography",
    "PickSettings": "geoexplore.seismic.refraction.settings",
    "TomoSettings": "geoexplore.seismic.refraction.settings",
    # reflection
    "read_stations": "geoexplore.seismic.reflection.geometry",
    "read_observer_log": "geoexplore.seismic.reflection.geometry",
    "load_shots": "geoexplore.seismic.reflection.flow",
    "apply_elevation_statics": "geoexplore.seismic.reflection.flow",
    "preprocess": "geoexplore.seismic.reflection.flow",
    "velocity_analysis": "geoexplore.seismic.reflection.flow",
    "stack": "geoexplore.seismic.reflection.flow",
    "migrate": "geoexplore.seismic.reflection.flow",
    "depth_section": "geoexplore.seismic.reflection.flow",
    "read_velocity_picks": "geoexplore.seismic.reflection.velocity",
    "write_velocity_picks": "geoexplore.seismic.reflection.velocity",
    # figures
    "plot_gathers": "geoexplore.seismic.reflection.plot",
    "plot_velocity": "geoexplore.seismic.reflection.plot",
    "plot_time_section": "geoexplore.seismic.reflection.plot",
    "plot_depth_section": "geoexplore.seismic.reflection.plot",
}

__getattr__, __dir__, __all__ = lazy_exports(__name__, _LAZY)
