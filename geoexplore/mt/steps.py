"""Workflow steps of the MT package, gathered from their modules.

Each part registers its steps on import: ``steps_processing`` (time series ->
transfer functions, ``mt.tf``) and, when present, ``steps_inversion``
(analysis and inversion). Importing this module stays cheap: heavy libraries
are imported inside the step functions.
"""

from __future__ import annotations

import importlib

PARTS = ("geoexplore.mt.steps_processing", "geoexplore.mt.steps_inversion")

for _mod in PARTS:
    try:
        importlib.import_module(_mod)
    except ModuleNotFoundError as _exc:
        if _exc.name != _mod:
            raise
