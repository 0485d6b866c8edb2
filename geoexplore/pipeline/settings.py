"""Moved to :mod:`geoexplore.core.settings` (settings are a core type every layer may use).

This re-export keeps old imports working for one release (see docs/changelog.md).
"""

from geoexplore.core.settings import (
    InputFile,
    InputGlob,
    InputPath,
    NoSettings,
    Settings,
)

__all__ = ["InputFile", "InputGlob", "InputPath", "NoSettings", "Settings"]
