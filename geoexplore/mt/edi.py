"""Moved: EDI reading and writing are in :mod:`geoexplore.mt.io.edi` (a format plug-in of :data:`geoexplore.mt.io.TF_FORMATS`).

This module re-exports the public names for one release; use
``geoexplore.mt.read`` / ``geoexplore.mt.write`` or :mod:`geoexplore.mt.io.edi`.
The mt_metadata bridge (``from_mt_metadata``, ``read_mt_metadata_tf``, formerly
the private ``_mt_metadata_tf``) is in :mod:`geoexplore.mt.io.mtmetadata`;
``normalise_time_convention`` in :mod:`geoexplore.mt.tfdata`.
"""

from geoexplore.mt.io.edi import (  # noqa: F401
    EMPTY,
    T_BLOCKS,
    TVAR_BLOCKS,
    Z_BLOCKS,
    ZVAR_BLOCKS,
    Block,
    read_edi,
    split_blocks,
    write_edi,
)
from geoexplore.mt.io.mtmetadata import from_mt_metadata, read_mt_metadata_tf  # noqa: F401
from geoexplore.mt.tfdata import normalise_time_convention  # noqa: F401

__all__ = ["EMPTY", "T_BLOCKS", "TVAR_BLOCKS", "Z_BLOCKS", "ZVAR_BLOCKS", "Block", "from_mt_metadata",
           "normalise_time_convention", "read_edi", "read_mt_metadata_tf", "split_blocks", "write_edi"]
