"""Moved: the per-window H/V spectral ratios are in :mod:`geoexplore.microtremor.spectral_ratio`.

``geoexplore.microtremor.hvsr`` is now the front door's processing call
(``mtr.hvsr(record)`` = :func:`~geoexplore.microtremor.process.process_record`).
This module keeps the old import path of the kernels for one release; it is
itself callable like the front-door function, so ``mtr.hvsr(record)`` works
whether or not an old notebook imported it.
"""

import sys
import types
from typing import Any

from geoexplore.microtremor.spectral_ratio import (
    COMBINATIONS,
    HvsrCurves,
    combine_horizontals,
    hvsr_azimuthal,
    hvsr_windows,
    tukey,
    window_spectra,
)

__all__ = ["COMBINATIONS", "HvsrCurves", "combine_horizontals", "hvsr_azimuthal", "hvsr_windows", "tukey", "window_spectra"]


class _CallableModule(types.ModuleType):
    def __call__(self, record: Any, settings: Any = None) -> Any:
        from geoexplore.microtremor.process import process_record

        return process_record(record, settings)


sys.modules[__name__].__class__ = _CallableModule
