"""Moved: record tables now live in :mod:`geoexplore.core.store.records` (and ``warm_up`` in :mod:`geoexplore.core.store`).

This module re-exports their public names for one release; import them from
:mod:`geoexplore.core.store.records` instead. (The record-table cache itself,
and its size limit, belong to the new module.)
"""

from geoexplore.core.store.project import warm_up
from geoexplore.core.store.records import (
    ATTR_PREFIX,
    BY_ITEM_SUFFIX,
    CACHE_MAX_BYTES,
    ITEM_DIM,
    LAYOUT_VAR,
    PROVENANCE_VAR,
    RESERVED,
    TABLE_KIND,
    TABLE_NAME,
    Row,
    Table,
    cached,
    carry_over,
    remember,
    row_dataset,
    row_from_dataset,
    rows_of_table,
    split_key,
    table_dataset,
    table_path,
)

__all__ = [
    "ATTR_PREFIX", "BY_ITEM_SUFFIX", "CACHE_MAX_BYTES", "ITEM_DIM", "LAYOUT_VAR", "PROVENANCE_VAR", "RESERVED",
    "TABLE_KIND", "TABLE_NAME", "Row", "Table", "cached", "carry_over", "remember", "row_dataset",
    "row_from_dataset", "rows_of_table", "split_key", "table_dataset", "table_path", "warm_up",
]
