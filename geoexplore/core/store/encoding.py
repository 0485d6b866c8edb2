"""What every part of the project store shares: store attributes, digests, Datasets made ready for netCDF-4.

The leaf of :mod:`geoexplore.core.store`: the store (:mod:`.project`), the
direct netCDF-4 writer (:mod:`.ncwrite`) and the record tables
(:mod:`.records`) import from here, and this module imports none of them.

* the HDF5 attributes the store writes (:data:`PROVENANCE_ATTR`, ...);
* content digests (:func:`dataset_digest`, :func:`result_digest`,
  :func:`file_digest`): the bytes hashed are those of the first version, so
  digests in existing stores stay valid (``tests/core/test_store.py`` pins
  known values);
* attributes made storable (:func:`storable_attrs`,
  :func:`prepare_for_netcdf`) and the subset of Datasets the direct writer
  covers (:func:`fast_writable`).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Mapping
from typing import Any

import numpy as np

PROVENANCE_ATTR = "geoexplore_provenance"
# dataset attributes holding how long a computation took (s): run facts, not content (the MT 2D
# image's ``seconds``, the refraction tomogram's ``elapsed_s``); the run record has them per item too
TIMING_ATTRS = ("seconds", "elapsed_s")
_NOT_CONTENT = frozenset((PROVENANCE_ATTR, *TIMING_ATTRS))
KIND_ATTR = "geoexplore_kind"
ROOT_ATTR = "geoexplore_store"
MAX_DIMID_ATTR = "geoexplore_max_dimid"  # largest netCDF-4 dimension id in the file (see geoexplore.core.store.project)
STORE_FORMAT = "geoexplore-project/1"
# a random id written by every transaction: which version of the store a reader holds (record tables kept in
# memory are valid for that version only; see geoexplore.core.store.records)
COMMIT_ATTR = "geoexplore_commit"

Result = Any  # xr.Dataset | Mapping[str, xr.Dataset]


# -- digests --------------------------------------------------------------------
def _hash_array(h: Any, a: np.ndarray) -> None:
    a = np.asarray(a)
    text = a.dtype.kind in "OUS"
    h.update(_shape_text("str" if text else a.dtype.str, a.shape))
    if text:
        h.update(json.dumps([str(v) for v in a.ravel().tolist()]).encode())
        return
    a = np.ascontiguousarray(a)
    try:
        h.update(a)  # the array's own bytes, without a copy
    except (TypeError, ValueError, BufferError):  # a dtype without a buffer format (times)
        h.update(a.tobytes())


@functools.lru_cache(maxsize=1024)
def _shape_text(dtype: str, shape: tuple[int, ...]) -> bytes:
    return dtype.encode() + str(shape).encode()


def _dims_text(dims: tuple[Any, ...]) -> bytes:
    if all(type(d) is str for d in dims):  # the usual case, cached (1 and True are equal keys but not equal texts)
        return _str_dims_text(dims)
    return json.dumps(list(dims)).encode()


@functools.lru_cache(maxsize=1024)
def _str_dims_text(dims: tuple[str, ...]) -> bytes:
    return json.dumps(list(dims)).encode()


def _jsonable(v: Any) -> Any:
    if isinstance(v, np.ndarray):
        return v.tolist()
    if isinstance(v, np.generic):
        return v.item()
    return v


def _attrs_text(attrs: Mapping[Any, Any], skip: frozenset[str] = frozenset()) -> bytes:
    if not attrs:
        return b"{}"
    items = [(k, v) for k, v in sorted(attrs.items()) if k not in skip]
    return json.dumps({k: _jsonable(v) for k, v in items}, default=str).encode()


def dataset_digest(ds: Any) -> str:
    """SHA-256 of a Dataset's content: variables, coordinates and attributes.

    Provenance attributes and the wall-clock times a method records in its
    result (:data:`TIMING_ATTRS`) are excluded, so two runs that computed the
    same numbers give the same digest whatever the time and the load. Workers compute one per
    result: the texts of dimension names and shapes are cached, and arrays are
    hashed without a copy (the bytes hashed are those of the first version,
    so stored digests stay valid; ``tests/core/test_store.py`` holds known
    values).
    """
    h = hashlib.sha256()
    variables = ds.variables
    for name in sorted(variables, key=str):
        var = variables[name]
        h.update(str(name).encode())
        h.update(_dims_text(tuple(var.dims)))
        _hash_array(h, var.values)
        h.update(_attrs_text(var.attrs))
    h.update(_attrs_text(ds.attrs, skip=_NOT_CONTENT))
    return h.hexdigest()


def is_mapping_result(result: Result) -> bool:
    """True for a mapping of Datasets (an xarray Dataset is itself a Mapping)."""
    return isinstance(result, Mapping) and not hasattr(result, "data_vars")


def result_digest(result: Result) -> str:
    """Digest of a Dataset or of a mapping of Datasets."""
    if is_mapping_result(result):
        h = hashlib.sha256()
        for name in sorted(result):
            h.update(name.encode())
            h.update(dataset_digest(result[name]).encode())
        return h.hexdigest()
    return dataset_digest(result)


def file_digest(path: str | os.PathLike[str], chunk: int = 1 << 20) -> str:
    """SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while True:
            b = fh.read(chunk)
            if not b:
                break
            h.update(b)
    return h.hexdigest()



# -- Datasets made ready for netCDF-4 ---------------------------------------------
def storable_attrs(attrs: Mapping[Any, Any]) -> dict[str, Any]:
    """Attributes as netCDF-4 can hold them: None -> '', bool -> int, dict and other lists -> JSON."""
    out = {}
    for k, v in attrs.items():
        if v is None:
            v = ""
        elif isinstance(v, (bool, np.bool_)):
            v = int(v)
        elif isinstance(v, (dict, list, tuple)) and not (
            isinstance(v, (list, tuple)) and v and all(isinstance(x, (int, float)) for x in v)
        ):
            v = json.dumps(v, default=str)
        out[str(k)] = v
    return out


def prepare_for_netcdf(ds: Any) -> Any:
    """Make attributes storable (:func:`storable_attrs`)."""
    ds = ds.copy(deep=False)
    ds.attrs = storable_attrs(ds.attrs)
    for name in ds.variables:
        ds[name].attrs = storable_attrs(ds[name].attrs)
    return ds


#: encodings that ask HDF5 for compression or chunking: h5netcdf's business, not the direct writer's
_STORAGE_KEYS = ("zlib", "compression", "shuffle", "fletcher32", "chunksizes", "complevel", "szip", "zstd", "bzip2", "blosc")


def _plain_encoding(var: Any) -> bool:
    enc = var.encoding
    for k in _STORAGE_KEYS:
        v = enc.get(k)
        if v not in (None, False, 0):
            return False
    dtype = enc.get("dtype")
    return dtype is None or np.dtype(dtype).kind not in "SO"


def fast_writable(ds: Any) -> bool:
    """True if :func:`geoexplore.core.store.ncwrite.write_dataset` writes ``ds`` exactly as h5netcdf would."""
    if any(int(n) == 0 for n in ds.sizes.values()):
        return False
    for name, var in ds.variables.items():
        if not isinstance(name, str) or "/" in name:
            return False
        if var.dtype.kind not in "biufcUMm":
            return False
        if var.dtype.kind in "fc" and var.dtype.itemsize not in ((2, 4, 8) if var.dtype.kind == "f" else (8, 16)):
            return False  # long double: h5netcdf's business
        if name in ds.dims and var.dims != (name,):
            return False
        if not _plain_encoding(var):
            return False
    for name in ds.dims:
        if not isinstance(name, str) or "/" in name:
            return False
    return True
