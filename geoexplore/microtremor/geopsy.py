"""Moved: Geopsy .hv curves are read and written by :mod:`geoexplore.microtremor.io.geopsy`.

This module re-exports the public names for one release; new code uses
``geoexplore.microtremor.read_hv`` / ``write_hv`` (the front door) or
:mod:`geoexplore.microtremor.io`.
"""

from geoexplore.microtremor.io.geopsy import HvFile, read_hv, write_hv

__all__ = ["HvFile", "read_hv", "write_hv"]
