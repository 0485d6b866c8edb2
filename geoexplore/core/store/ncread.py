"""Read the store's netCDF-4 groups with xarray's h5netcdf backend, without its searches through the whole file.

h5netcdf names the dimensions of a variable from its ``DIMENSION_LIST``: for
each dimension it dereferences the HDF5 object reference and asks for the
object's path (``H5Iget_name``). An object opened by reference has no path,
so HDF5 searches the whole file for it, and the cost of every variable read
grows with the number of objects in the store: 6 ms per dimension on the
demo's 50 MB store, 5.8 s of the 15.6 s the 2D MT inversion spent reading its
33 inputs. h5netcdf also looks every HDF5 object up again from the file's
root at every access (``_h5ds``).

Here the same backend reads through subclasses that

* take a variable's dimensions from its ``_Netcdf4Coordinates`` attribute (the
  netCDF-4 dimension ids, in order; written by :mod:`~geoexplore.core.store.ncwrite`
  and by h5netcdf for every variable), matched to the ``_Netcdf4Dimid`` of the
  dimensions visible from its group. Where that attribute is missing, an id
  matches no dimension or more than one, or the lengths do not match the
  variable's shape, h5netcdf's own lookup runs;
* keep the h5py object of a variable or group once looked up (the file is
  open read-only, so the object cannot change under it).

Decoding stays xarray's (:class:`xarray.backends.H5NetCDFStore`, the same
defaults as ``engine="h5netcdf"``). The tests read every result of a demo
store both ways and compare them (values, dtypes, attributes and their types).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from typing import Any

__all__ = ["open_group", "open_netcdf", "read_group"]


@functools.cache
def _classes() -> tuple[type, type, type]:
    """The h5netcdf subclasses (made on first use: h5netcdf is imported only by a process that reads)."""
    import h5netcdf

    hooks = (h5netcdf.Variable, "_lookup_dimensions"), (h5netcdf.Variable, "_h5ds"), (h5netcdf.Group, "_h5group")
    if not all(hasattr(cls, name) for cls, name in hooks):  # another h5netcdf: its own lookups, slower but right
        return h5netcdf.File, h5netcdf.Group, h5netcdf.Variable

    def cached_h5ds(self: Any) -> Any:  # the h5py object of a variable or group, looked up from the root once
        ds = self.__dict__.get("_geoexplore_h5")
        if ds is None:
            ds = self.__dict__["_geoexplore_h5"] = self._root._h5file[self._h5path]
        return ds

    def dimension_ids(group: Any) -> dict[int, list[str]]:  # netCDF-4 id -> names visible from the group, once a group
        by_id = group.__dict__.get("_geoexplore_dimids")
        if by_id is None:
            by_id = {}
            for name, dim in group._all_dimensions.items():
                by_id.setdefault(int(dim._dimid), []).append(name)
            group.__dict__["_geoexplore_dimids"] = by_id
        return by_id

    class Variable(h5netcdf.Variable):
        _h5ds = property(cached_h5ds)

        def _lookup_dimensions(self) -> tuple[str, ...]:  # h5netcdf hook
            h5 = self._h5ds
            ids = h5.attrs.get("_Netcdf4Coordinates")
            if ids is not None and "DIMENSION_LIST" in h5.attrs:
                by_id = dimension_ids(self._parent)
                names = [by_id.get(int(i), []) for i in ids]
                if all(len(n) == 1 for n in names) and len(names) == len(h5.shape):
                    dims = tuple(n[0] for n in names)
                    sizes = self._parent._all_dimensions
                    if all(len(sizes[d]) == n for d, n in zip(dims, h5.shape, strict=True)):
                        return dims
            return super()._lookup_dimensions()

    class Group(h5netcdf.Group):
        _variable_cls = Variable
        _h5group = property(cached_h5ds)

        @property
        def _group_cls(self) -> type:
            return Group

    class File(h5netcdf.File):
        _variable_cls = Variable

        @property
        def _group_cls(self) -> type:
            return Group

    return File, Group, Variable


def open_netcdf(source: Any) -> Any:
    """An h5netcdf file open for reading (a path or an open h5py File), with the fast lookups; use as a context."""
    import os

    # the arguments xarray's h5netcdf engine opens a file with (phony_dims: its default since 2025)
    return _classes()[0](os.fspath(source) if isinstance(source, os.PathLike) else source, "r",
                         decode_vlen_strings=True, phony_dims="access")


@contextlib.contextmanager
def open_group(nc: Any, group: str) -> Iterator[Any]:
    """The netCDF-4 group ``group`` of the open file ``nc`` (:func:`open_netcdf`) as a lazy xarray Dataset.

    A context: its data can be read inside it. Leaving it does not close ``nc``
    (the caller's context does), so several groups can be read from one open file.
    """
    import xarray as xr
    from xarray.backends import H5NetCDFStore

    ds = xr.open_dataset(H5NetCDFStore(nc[group.strip("/")] if group.strip("/") else nc))
    ds.set_close(None)  # closing the Dataset would close the whole file (xarray's store owns the root)
    yield ds


def read_group(nc: Any, group: str) -> Any:
    """The netCDF-4 group ``group`` of the open file ``nc`` (:func:`open_netcdf`) as an xarray Dataset in memory."""
    with open_group(nc, group) as ds:
        return ds.load()
