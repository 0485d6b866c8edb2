"""The geological model in workflows: the ``model.*`` steps and the model section figure.

The model itself (units, faults, lines, CRS) and its Dataset codec live in
:mod:`geoexplore.core.geomodel` and :mod:`geoexplore.core.modelcodec`; this
package registers the steps (:mod:`.steps`) and draws sections (:mod:`.plot`).
"""

from geoexplore.core.geomodel import GeologicalModel, load_model
from geoexplore.core.modelcodec import model_from_dataset, model_to_dataset

__all__ = ["GeologicalModel", "load_model", "model_from_dataset", "model_to_dataset"]
