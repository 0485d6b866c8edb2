"""geoexplore: raw geophysical field data to subsurface images and active-fault assessments.

Importing the package is cheap and has no side effects: heavy libraries
(pyGIMLi, SimPEG, mtpy, obspy) are imported inside the functions that need
them, and the library logs to a :class:`logging.NullHandler` only.
"""

from __future__ import annotations

import logging
from importlib.metadata import PackageNotFoundError, version as _version

try:
    __version__ = _version("geoexplore")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

logging.getLogger("geoexplore").addHandler(logging.NullHandler())

from geoexplore.core.errors import (  # noqa: E402
    FileFormatError,
    GeoexploreError,
    SettingsError,
    StoreError,
    WorkflowError,
)

__all__ = [
    "__version__",
    "GeoexploreError",
    "FileFormatError",
    "SettingsError",
    "StoreError",
    "WorkflowError",
]
