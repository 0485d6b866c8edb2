"""The geological model as an xarray Dataset and back (what the ``model.build`` step stores).

The Dataset holds the unit and fault tables for people and tools, and the
full model as JSON in ``attrs["model_json"]``, from which
:func:`model_from_dataset` rebuilds the :class:`~geoexplore.core.geomodel.GeologicalModel`.
"""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from geoexplore.core.geomodel import GeologicalModel, model_from_dict


def model_to_dataset(model: GeologicalModel) -> xr.Dataset:
    """The model as a Dataset: unit and fault tables plus the full model as JSON."""
    u = model.units
    f = model.faults
    ds = xr.Dataset(
        {
            "unit_label": ("unit", [x.label for x in u]),
            "age_top_ka": ("unit", [x.age_top_ka for x in u]),
            "age_base_ka": ("unit", [np.nan if x.age_base_ka is None else x.age_base_ka for x in u]),
            "vp_m_s": ("unit", [x.vp_m_s for x in u]),
            "vs_m_s": ("unit", [x.vs_m_s for x in u]),
            "density_kg_m3": ("unit", [x.density_kg_m3 for x in u]),
            "resistivity_ohm_m": ("unit", [x.resistivity_ohm_m for x in u]),
            "fault_chainage_m": ("fault", [x.chainage_m for x in f]),
            "fault_dip_deg": ("fault", [x.dip_deg for x in f]),
            "fault_tip_depth_m": ("fault", [x.tip_depth_m for x in f]),
            "fault_tip_chainage_m": ("fault", [x.tip_chainage_m for x in f]),
        },
        coords={"unit": [x.name for x in u], "fault": [x.name for x in f]},
        attrs={"model_name": model.name, "synthetic": int(model.synthetic), "model_json": json.dumps(model.to_dict())},
    )
    return ds


def model_from_dataset(ds: xr.Dataset) -> GeologicalModel:
    """Rebuild the :class:`GeologicalModel` stored by ``model.build``."""
    return model_from_dict(json.loads(ds.attrs["model_json"]), source=f"stored model {ds.attrs.get('model_name', '')}")


__all__ = ["model_from_dataset", "model_to_dataset"]
