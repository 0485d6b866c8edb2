"""The HDF5 project store: one file holding every result with its provenance.

Layout: ``/<package>/<line>/<step id>[/<item>]``, e.g.
``/model/shallow/section/mt``. Package groups are named after the
packages that wrote them (model, seismic, mt, ert, microtremor, fault).
A result is an :class:`xarray.Dataset` (written through h5netcdf) or a mapping
of names to Datasets (sub-groups). Tables are Datasets with one dimension.
Steps registered with ``stack_items=True`` (H/V per record, MT transfer
functions per station) keep their per-item results as the rows of one
record table, ``/<package>/<line>/<step id>/_records``
(:mod:`geoexplore.core.store.records`); their keys, reading and provenance are
per item all the same.

Every result group carries the attribute ``geoexplore_provenance``: JSON with
the geoexplore version, step name and id, item, settings, the hashes of its
inputs, the hash that decides whether ``--resume`` may reuse it, the digest
of its content and the time.

Writes are atomic: a transaction copies the file, writes the copy and
renames it over the original (``os.replace``). A process killed mid-write
leaves the previous file intact and readable. Datasets of numbers and
strings are written with h5py directly in the netCDF-4 layout, or copied in
from an HDF5 image a worker wrote (:mod:`geoexplore.core.store.ncwrite`; a small
H/V result: 130 ms through h5netcdf, 14 ms direct, 8 ms copied); anything
else through h5netcdf.

The package (``from geoexplore.core.store import ProjectStore`` as before)::

    store/encoding.py   the leaf: store attributes, digests, Datasets made ready for netCDF-4
    store/ncwrite.py    the direct netCDF-4 writer (h5py), HDF5 images made on workers
    store/ncread.py     the reader: xarray's h5netcdf backend without its whole-file name searches
    store/records.py    record tables: per-item results as the rows of one group
    store/project.py    ProjectStore: reading, atomic transactions, writing
    store/testhooks.py  test hooks: a slow shared file system, from the environment

Imports point one way: ``project`` imports the others, ``ncwrite``
and ``records`` import only ``encoding``, which imports none of them
(nor do ``ncread`` and ``testhooks``).
"""

from geoexplore.core.store.encoding import (
    KIND_ATTR,
    MAX_DIMID_ATTR,
    PROVENANCE_ATTR,
    ROOT_ATTR,
    STORE_FORMAT,
    dataset_digest,
    file_digest,
    is_mapping_result,
    prepare_for_netcdf,
    result_digest,
    storable_attrs,
)
from geoexplore.core.store.project import (
    ProjectStore,
    result_key,
    warm_up,
)

__all__ = [
    "ProjectStore",
    "result_key",
    "dataset_digest",
    "result_digest",
    "file_digest",
    "is_mapping_result",
    "storable_attrs",
    "prepare_for_netcdf",
    "warm_up",
    "PROVENANCE_ATTR",
    "KIND_ATTR",
    "ROOT_ATTR",
    "MAX_DIMID_ATTR",
    "STORE_FORMAT",
]
