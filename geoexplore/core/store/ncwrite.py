"""Write xarray Datasets into an open HDF5 file in the netCDF-4 layout, fast.

The project store keeps every result as a netCDF-4 group, read back with
xarray's h5netcdf engine. h5netcdf's writer costs about 7 ms per variable
in Python bookkeeping (dimension lookups through the whole group tree),
100-140 ms for a small H/V result: for tasks of a few tens of milliseconds
the store, not the computing, set the pace of a run.

This module writes the same layout directly with h5py:

* variables are encoded by xarray's own CF encoder
  (:func:`xarray.conventions.cf_encoder`: times, booleans, fill values);
* every dimension is an HDF5 dimension scale: the coordinate variable of the
  same name, or, for a dimension without one, an empty ``>f4`` dataset whose
  ``NAME`` is the netCDF-4 marker "This is a netCDF dimension but not a
  netCDF variable." followed by the length (the netCDF-4 format
  specification); scales carry ``_Netcdf4Dimid``, variables
  ``_Netcdf4Coordinates``;
* attributes follow netCDF-4: numeric scalars become one-element arrays,
  strings variable-length UTF-8.

:func:`~geoexplore.core.store.encoding.fast_writable` says whether a Dataset is in the subset written here
(numbers, complex numbers, unicode strings; no compression or chunking
encodings, no empty dimensions, no variable named like a dimension it is
not the coordinate of); anything else goes through h5netcdf as before. The
tests compare, for every kind of Dataset the pipeline produces, what xarray
reads back through h5netcdf and through netCDF-C from both writers.

Workers use :func:`encode_image` to write a result into an in-memory HDF5
file; the store copies it in with :func:`insert_image`.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from geoexplore.core.store.encoding import (
    KIND_ATTR,
    MAX_DIMID_ATTR,
    PROVENANCE_ATTR,
    Result,
    fast_writable,
    is_mapping_result,
    prepare_for_netcdf,
)

__all__ = ["NOT_A_VARIABLE", "EncodedResult", "encode_image", "fast_writable", "insert_image", "link_dimensions",
           "open_netcdf_append", "writable_parts", "write_content", "write_dataset", "write_datasets", "write_result_h5netcdf"]

NOT_A_VARIABLE = "This is a netCDF dimension but not a netCDF variable."
_COMPLEX_TYPE_NAMES = {8: "_PFNC_FLOAT_COMPLEX_TYPE", 16: "_PFNC_DOUBLE_COMPLEX_TYPE"}


def _encode(ds: Any) -> tuple[dict[Hashable, Any], dict[Hashable, Any]]:
    from xarray import conventions

    variables, attrs = conventions.encode_dataset_coordinates(ds)
    return conventions.cf_encoder(variables, attrs)


def _set_attr(attrs: Any, key: str, value: Any) -> None:
    """One attribute, as netCDF-4 (and h5netcdf) stores it."""
    dtype = value.dtype if hasattr(value, "dtype") else np.asarray(value).dtype
    if np.isscalar(value) and dtype.kind not in "SU":
        value = np.atleast_1d(value)
    attrs[key] = value


def write_dataset(group: Any, ds: Any, next_dimid: int) -> int:
    """Write ``ds`` into the (new, empty) h5py ``group``; returns the next free dimension id.

    The caller has checked :func:`fast_writable`. Dimension ids are numbered
    from ``next_dimid`` so they stay unique in the file, as netCDF-4 wants.
    """
    return link_dimensions(group, write_content(group, ds), next_dimid)


def write_content(group: Any, ds: Any) -> dict[str, Any]:
    """Variables, attributes and dimension scales of ``ds``, not yet attached to each other.

    Returns the layout :func:`link_dimensions` needs: the dimension names in
    order and the dimensions of every variable. The two halves exist so a
    worker can write the content into an in-memory file (:func:`encode_image`)
    and the store, after copying it in, only attaches the scales.
    """
    import h5py

    variables, attrs = _encode(ds)
    for k, v in attrs.items():
        _set_attr(group.attrs, str(k), v)
    sizes = {str(d): int(n) for d, n in ds.sizes.items()}
    for dim, n in sizes.items():  # dimensions without a coordinate variable first, as h5netcdf does
        if dim not in variables:
            sc = group.create_dataset(dim, shape=(n,), dtype=">f4", track_order=True)
            sc.make_scale(f"{NOT_A_VARIABLE}{n:10d}")
    for dt in sorted({np.dtype(v.dtype) for v in variables.values() if v.dtype.kind == "c"}, key=str):
        # the named type netCDF-C's complex-number support (nc-complex) looks for, as h5netcdf writes it
        group[_COMPLEX_TYPE_NAMES[dt.itemsize]] = dt
    for name, var in variables.items():
        name = str(name)
        vattrs = dict(var.attrs)
        fill = vattrs.pop("_FillValue", None)
        data = np.asarray(var.data)
        if data.dtype.kind == "U":
            dtype: Any = h5py.string_dtype("utf-8")
            data = data.astype(object)
        else:
            dtype = data.dtype
        kwargs: dict[str, Any] = {}
        if fill is not None:
            kwargs["fillvalue"] = fill
        dset = group.create_dataset(name, data=data, dtype=dtype, track_order=True, **kwargs)
        if fill is not None:
            _set_attr(dset.attrs, "_FillValue", np.asarray(fill, dtype=data.dtype if data.dtype.kind != "O" else None))
        if name in sizes:  # the coordinate variable of a dimension: it is the scale
            dset.make_scale(name)
        for k, v in vattrs.items():
            _set_attr(dset.attrs, str(k), v)
    return {
        "dims": list(sizes),
        "coords": [d for d in sizes if d in variables],  # dimensions whose scale is their coordinate variable
        "vars": {str(n): [str(d) for d in v.dims] for n, v in variables.items() if v.dims and str(n) not in sizes},
    }


def link_dimensions(group: Any, layout: Mapping[str, Any], next_dimid: int) -> int:
    """Attach the dimension scales written by :func:`write_content` and number the dimensions."""
    from h5py import h5ds

    dimids = {d: next_dimid + i for i, d in enumerate(layout["dims"])}
    scales = {d: group[d] for d in layout["dims"]}
    for d, sc in scales.items():
        sc.attrs["_Netcdf4Dimid"] = np.int32(dimids[d])
    for name, dims in layout["vars"].items():
        dset = group[name]
        for i, d in enumerate(dims):
            h5ds.attach_scale(dset.id, scales[d].id, i)
        dset.attrs["_Netcdf4Coordinates"] = np.array([dimids[d] for d in dims], dtype=np.int32)
    for d in layout["coords"]:
        scales[d].attrs["_Netcdf4Coordinates"] = np.array([dimids[d]], dtype=np.int32)
    return next_dimid + len(dimids)


def write_datasets(f: Any, items: Mapping[str, Any], next_dimid: int) -> int:
    """Write several ``{group path: Dataset}`` into the h5py file ``f``; returns the next free dimension id."""
    for path, ds in items.items():
        g = _make_group(f, path)
        next_dimid = write_dataset(g, ds, next_dimid)
    return next_dimid


@dataclass
class EncodedResult:
    """A result written by a worker into an in-memory HDF5 file, ready to be copied into the store.

    ``image`` holds the group ``r`` (a Dataset) or ``r/<part>`` (a mapping of
    Datasets); ``layouts`` maps those group paths to what
    :func:`link_dimensions` needs. Writing the HDF5 objects (the bulk of the
    cost of storing a small result) thus happens on the workers, in
    parallel; the store copies the group in one HDF5 call
    (``H5Ocopy``) and attaches the dimension scales, which cannot be copied
    between files.
    """

    image: bytes
    kind: str
    layouts: dict[str, dict[str, Any]]

    @property
    def nbytes(self) -> int:
        return len(self.image)


def writable_parts(result: Any, root: str) -> dict[str, Any] | None:
    """``{group path under root: prepared Dataset}`` of a result, or None if h5netcdf must write it."""
    if is_mapping_result(result):
        parts = {f"{root}/{p}": prepare_for_netcdf(ds) for p, ds in result.items()}
    else:
        parts = {root: prepare_for_netcdf(result)}
    return parts if parts and all(fast_writable(ds) for ds in parts.values()) else None


def encode_image(result: Any) -> EncodedResult | None:
    """Write a Dataset or mapping of Datasets into an :class:`EncodedResult`; None if h5netcdf must write it."""
    import h5py

    parts = writable_parts(result, "r")
    if parts is None:
        return None
    mapping = is_mapping_result(result)
    fapl = h5py.h5p.create(h5py.h5p.FILE_ACCESS)
    fapl.set_fapl_core(block_size=1 << 16, backing_store=False)
    fid = h5py.h5f.create(f"geoexplore-result-{id(result)}".encode(), h5py.h5f.ACC_TRUNC, fapl=fapl)
    with h5py.File(fid) as f:
        layouts = {path: write_content(_make_group(f, path), ds) for path, ds in parts.items()}
        f.flush()
        image = f.id.get_file_image()
    return EncodedResult(image=image, kind="mapping" if mapping else "dataset", layouts=layouts)


def insert_image(f: Any, key: str, enc: EncodedResult, next_dimid: int) -> int:
    """Copy an :class:`EncodedResult` into the open store ``f`` as group ``key``; returns the next free dimension id."""
    import h5py

    parent, _, leaf = key.rpartition("/")
    pg = _make_group(f, parent) if parent else f
    fapl = h5py.h5p.create(h5py.h5p.FILE_ACCESS)
    fapl.set_fapl_core(backing_store=False)
    fapl.set_file_image(enc.image)
    src = h5py.h5f.open(f"geoexplore-image-{key}".encode(), h5py.h5f.ACC_RDONLY, fapl=fapl)
    try:
        h5py.h5o.copy(src, b"r", pg.id, leaf.encode())
    finally:
        src.close()
    for path, layout in enc.layouts.items():
        next_dimid = link_dimensions(f[key + path[1:]], layout, next_dimid)
    return next_dimid


def _make_group(f: Any, path: str) -> Any:
    g = f
    for part in path.split("/"):
        g = g[part] if part in g else g.create_group(part, track_order=True)
    return g


# -- the h5netcdf path, for what the direct writer does not cover (used by ProjectStore.write) ----
def open_netcdf_append(path: Any) -> Any:
    """An h5netcdf file open for appending that does not walk the whole store.

    h5netcdf's writable ``File`` visits every object of the file on opening,
    to find the largest netCDF-4 dimension id (new dimensions must get larger
    ones): a write would cost time growing with the whole store, a run time
    quadratic in its number of results. The store keeps that maximum in a
    root attribute (written with every transaction); when present it is used
    instead of the walk, when absent (a store from an older version) the walk
    runs once and the attribute is written.
    """
    import h5netcdf

    class _StoreFile(h5netcdf.File):
        def _get_maximum_dimension_id(self) -> int:  # noqa: D102 (h5netcdf hook)
            cached = self._h5file.attrs.get(MAX_DIMID_ATTR)
            return int(cached) if cached is not None else super()._get_maximum_dimension_id()

    return _StoreFile(path, "a", invalid_netcdf=True)


def write_result_h5netcdf(nc: Any, key: str, res: Result, prov: Mapping[str, Any]) -> None:
    """Write one result into the open store ``nc`` (its group must not exist)."""
    from xarray.backends import H5NetCDFStore

    def group(path: str) -> Any:
        g = nc
        for part in path.split("/"):
            g = g[part] if part in g.groups else g.create_group(part)
        return g

    def dump(ds: Any, path: str) -> None:
        prepare_for_netcdf(ds).dump_to_store(H5NetCDFStore(group(path), mode="a"))

    if is_mapping_result(res):
        for part, ds in res.items():
            dump(ds, f"{key}/{part}")
        kind = "mapping"
    else:
        dump(res, key)
        kind = "dataset"
    attrs = group(key)._h5group.attrs
    attrs[KIND_ATTR] = kind
    attrs[PROVENANCE_ATTR] = json.dumps(dict(prov), sort_keys=True, default=str)
