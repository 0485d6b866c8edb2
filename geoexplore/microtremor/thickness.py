"""Moved: f0 -> sediment thickness conversions are in :mod:`geoexplore.microtremor.depth_conversion`.

``geoexplore.microtremor.thickness`` is now the front door's conversion call
(:func:`~geoexplore.microtremor.depth_conversion.thickness`). This module
keeps the old import path of the kernels for one release; it is itself
callable like the front-door function, so ``mtr.thickness(...)`` works
whether or not an old notebook imported it.
"""

import sys
import types
from typing import Any

from geoexplore.microtremor.depth_conversion import (
    power_law,
    power_law_with_error,
    preset_sigma_ln,
    quarter_wavelength,
    sh_transfer_depth,
    step_fit,
    thickness_with_error,
)

__all__ = ["power_law", "power_law_with_error", "preset_sigma_ln", "quarter_wavelength", "sh_transfer_depth", "step_fit",
           "thickness_with_error"]


class _CallableModule(types.ModuleType):
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from geoexplore.microtremor.depth_conversion import thickness

        return thickness(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
