"""Microtremor: H/V with SESAME criteria, sediment thickness, array dispersion and Vs profiles.

Facade (imports are lazy; ``import geoexplore.microtremor`` stays cheap)::

    from geoexplore.microtremor import read_record, process_record, HvsrSettings
    res = process_record(read_record("STN11.miniseed"), HvsrSettings(window_length_s=60))
    res.f0_hz, res.a0, res.sesame.to_dict()

Kernels: :mod:`.smoothing` (Konno-Ohmachi), :mod:`.hvsr`, :mod:`.windows`,
:mod:`.rejection`, :mod:`.stats`, :mod:`.sesame`, :mod:`.transfer`,
:mod:`.thickness`, :mod:`.spac`, :mod:`.fk`, :mod:`.dispersion`; files:
:mod:`.io` (miniSEED/SAC/SAF), :mod:`.geopsy` (.hv); synthetic data:
:mod:`.synth`; workflow steps: :mod:`.steps`; figures: :mod:`.plot`.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "read_record": "geoexplore.microtremor.io",
    "Record": "geoexplore.microtremor.io",
    "process_record": "geoexplore.microtremor.process",
    "HvsrResult": "geoexplore.microtremor.process",
    "HvsrSettings": "geoexplore.microtremor.settings",
    "read_hv": "geoexplore.microtremor.geopsy",
    "write_hv": "geoexplore.microtremor.geopsy",
    "invert_dispersion": "geoexplore.microtremor.dispersion",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'geoexplore.microtremor' has no attribute {name!r}")
