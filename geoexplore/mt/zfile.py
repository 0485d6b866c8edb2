"""Moved: the EMTF Z-file reader is in :mod:`geoexplore.mt.io.zfile` (a format plug-in of :data:`geoexplore.mt.io.TF_FORMATS`).

This module re-exports :func:`read_zfile` for one release; use ``geoexplore.mt.read``.
"""

from geoexplore.mt.io.zfile import read_zfile  # noqa: F401

__all__ = ["read_zfile"]
