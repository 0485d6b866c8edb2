"""Synthetic seismic data: reflection shot records (:mod:`.reflection.synth`) and refraction shots (:mod:`.refraction.synth`).

``python -m geoexplore.seismic.synth --out DIR`` writes the reflection
survey of a model (as before the split); ``python -m
geoexplore.seismic.refraction.synth`` the refraction shots. The wavelets
and forward modelling are in :mod:`geoexplore.seismic.reflection.modelling`.
"""

from __future__ import annotations

from geoexplore.seismic.reflection.synth import (
    SurveyDesign,
    design_shots,
    design_stations,
    first_arrivals,
    ground_roll,
    interface_facets,
    main,
    model_survey,
    write_survey,
)
from geoexplore.seismic.refraction.synth import SynthGeometry
from geoexplore.seismic.refraction.synth import generate as write_refraction_survey

__all__ = [
    "SurveyDesign", "SynthGeometry", "design_shots", "design_stations", "first_arrivals", "ground_roll",
    "interface_facets", "main", "model_survey", "write_refraction_survey", "write_survey",
]

if __name__ == "__main__":
    raise SystemExit(main())
