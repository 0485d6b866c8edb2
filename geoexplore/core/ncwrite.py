"""Moved: the direct netCDF-4 writer now lives in :mod:`geoexplore.core.store.ncwrite`.

This module re-exports its public names for one release; import them from
:mod:`geoexplore.core.store.ncwrite` instead (``fast_writable`` is defined in
:mod:`geoexplore.core.store.encoding`).
"""

from geoexplore.core.store.encoding import fast_writable
from geoexplore.core.store.ncwrite import (
    NOT_A_VARIABLE,
    EncodedResult,
    encode_image,
    insert_image,
    link_dimensions,
    writable_parts,
    write_content,
    write_dataset,
    write_datasets,
)

__all__ = [
    "NOT_A_VARIABLE", "EncodedResult", "encode_image", "fast_writable", "insert_image", "link_dimensions",
    "writable_parts", "write_content", "write_dataset", "write_datasets",
]
