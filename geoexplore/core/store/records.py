"""Record tables: the per-item results of a step stored together, one row per item.

A step that runs once per record (an H/V station, an MT station) makes many
small results. Written as one netCDF-4 group each, a result costs HDF5 some
3-5 ms of object creation (about 60 us per attribute and 200 us per dataset
in HDF5 itself), as long as computing a short H/V record. A step registered
with ``stack_items=True`` keeps its results instead as the rows of one
netCDF-4 group, ``<package>/<line>/<step id>/_records``, rewritten with each
store transaction: a few dozen HDF5 objects for the whole step.

The table is an ordinary netCDF-4 group (``xr.open_dataset(store,
group=".../_records", engine="h5netcdf")`` opens it):

* dimension ``item`` with the item names as coordinate;
* every variable of the results, with ``item`` prepended to its dimensions,
  padded to the longest row (NaN / 0 / False / "");
* a dimension coordinate that is the same in every row (the H/V frequency
  grid) once, as the table's coordinate; one that differs between rows as
  ``<name>__by_item``;
* every dataset attribute that is a number or a string in every row as a
  column ``attr_<name>`` (f0 of every station in one array);
* ``geoexplore_provenance`` (the provenance JSON of each row) and
  ``geoexplore_row_layout`` (JSON: the row's own dimension lengths, its
  variables and coordinates, and the attributes not held in columns).

:func:`row_dataset` gives a row back exactly as the result would read back
from its own netCDF group (the same values, dimensions, coordinates and
attributes, with the same types); :mod:`geoexplore.core.store` uses it for
``ProjectStore.read``. A result that does not fit the table (another
variable layout or type than the rows before it, a name the table reserves,
a mapping of Datasets), or that xarray's CF decoding would change on reading
(times, ``_FillValue``/``scale_factor`` attributes, packing encodings), is
written as its own group, as results of other steps are.
"""

from __future__ import annotations

import json
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from geoexplore.core.store.encoding import fast_writable, storable_attrs

TABLE_NAME = "_records"  # the table's group, under the step's group
TABLE_KIND = "records"
ITEM_DIM = "item"
PROVENANCE_VAR = "geoexplore_provenance"
LAYOUT_VAR = "geoexplore_row_layout"
ATTR_PREFIX = "attr_"
BY_ITEM_SUFFIX = "__by_item"
RESERVED = frozenset({ITEM_DIM, PROVENANCE_VAR, LAYOUT_VAR})


@dataclass
class Row:
    """One result as the table holds it (variables as NumPy arrays, attributes as stored)."""

    item: str
    provenance: str  # JSON
    dims: dict[str, int]
    variables: dict[str, tuple[tuple[str, ...], np.ndarray, dict[str, Any]]]  # name -> (dims, data, attrs)
    coords: list[str]
    attrs: dict[str, Any]

    @property
    def nbytes(self) -> int:
        return sum(v[1].nbytes for v in self.variables.values())


@dataclass
class Table:
    """The rows of one step's table, in order, with the layout they share."""

    rows: dict[str, Row] = field(default_factory=dict)
    # variable name -> (dimensions, dtype) over all rows ever added (a superset after rows are removed)
    schema: dict[str, tuple[tuple[str, ...], np.dtype]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for r in self.rows.values():
            self._learn(r)

    def _learn(self, row: Row) -> None:
        for name, (dims, data, _) in row.variables.items():
            self.schema.setdefault(name, (dims, data.dtype))

    def fits(self, row: Row) -> bool:
        """Whether ``row`` can join the table: the same dimensions and type for every name it shares."""
        dims_of_vars = {d for dims, _ in self.schema.values() for d in dims}
        for name, (dims, data, _) in row.variables.items():
            if name in self.schema:
                sdims, sdtype = self.schema[name]
                if sdims != dims or (sdtype != data.dtype and not sdtype.kind == data.dtype.kind == "U"):
                    return False
            elif name in dims_of_vars and dims != (name,):
                return False  # a new variable named like a dimension of the table, not its coordinate
        return all(not (d in self.schema and self.schema[d][0] != (d,)) for d in row.dims)

    def add(self, row: Row) -> bool:
        """Add (or replace) ``row`` if it fits; False if it does not."""
        if not self.fits(row):
            return False
        self.rows[row.item] = row
        self._learn(row)
        return True

    def copy(self) -> "Table":
        return Table(dict(self.rows), dict(self.schema))


def table_path(step_key: str) -> str:
    return f"{step_key}/{TABLE_NAME}"


def split_key(key: str) -> tuple[str, str]:
    """``(table group path, item)`` of a per-item result key."""
    step_key, _, item = key.rpartition("/")
    return table_path(step_key), item


#: variable attributes and encodings xarray acts on when it decodes netCDF (masking, scaling, times): a result
#: carrying them reads back from its own group changed, so it stays a group and keeps that behaviour
_DECODED_ATTRS = frozenset({"_FillValue", "missing_value", "scale_factor", "add_offset", "calendar", "coordinates",
                            "_Unsigned", "dtype"})


def _plain_variable(var: Any) -> bool:
    """Whether a variable reads back from netCDF-4 exactly as it is (no CF decoding acts on it)."""
    if var.dtype.kind in "mM":  # times: xarray picks their resolution (and cftime) from the encoding
        return False
    if not _DECODED_ATTRS.isdisjoint(var.attrs) or " since " in str(var.attrs.get("units", "")):
        return False
    for k, v in var.encoding.items():
        if k == "dtype" and np.dtype(v) != var.dtype:
            return False
        if k in ("_FillValue", "missing_value") and not (var.dtype.kind in "fc" and v is not None and np.isnan(v)):
            return False
        if k in ("scale_factor", "add_offset", "units", "calendar"):
            return False
    return not _has_2d_attr(var.attrs)


def _has_2d_attr(attrs: Any) -> bool:
    """An attribute of more than one dimension: netCDF keeps its shape, a row would flatten it."""
    for v in attrs.values():
        if isinstance(v, (str, bytes, dict, int, float)):  # the usual attributes, without NumPy's look
            continue
        if np.ndim(v) > 1:
            return True
    return False


def row_from_dataset(item: str, ds: Any, provenance: str = "") -> Row | None:
    """The row of a result Dataset; None if it cannot be a row (what then stores it as a group of its own).

    Cheap (plain NumPy arrays and dicts, no xarray objects kept): the runner
    makes rows on the workers. The row holds copies, so the caller may change
    its Dataset afterwards. Attributes are made storable as for any result
    (:func:`geoexplore.core.store.encoding.storable_attrs`) and take the types they read
    back with from netCDF-4. Results with times, or with attributes or
    encodings xarray's CF decoding acts on, are not rows: they keep their own
    group, whose reading applies that decoding.
    """
    if not fast_writable(ds) or ITEM_DIM in ds.dims or "coordinates" in ds.attrs:
        return None
    if _has_2d_attr(ds.attrs):
        return None
    variables: dict[str, tuple[tuple[str, ...], np.ndarray, dict[str, Any]]] = {}
    for name, var in ds.variables.items():
        name = str(name)
        if name in RESERVED or name.startswith(ATTR_PREFIX) or name.endswith(BY_ITEM_SUFFIX) or name == TABLE_NAME:
            return None
        dims = tuple(str(d) for d in var.dims)
        if any(d.endswith(BY_ITEM_SUFFIX) for d in dims) or not _plain_variable(var):
            return None
        data = _tight(np.array(var.values, copy=True))
        variables[name] = (dims, data, {k: _attr_value(v) for k, v in storable_attrs(var.attrs).items()})
    return Row(item=item, provenance=provenance, dims={str(d): int(n) for d, n in ds.sizes.items()},
               variables=variables, coords=[str(c) for c in ds.coords],
               attrs={k: _attr_value(v) for k, v in storable_attrs(ds.attrs).items()})


# -- attributes: stored exactly as netCDF-4 stores them, read back with the same types -------------
def _attr_value(v: Any) -> Any:
    """An attribute as it reads back from netCDF-4 (numbers as NumPy scalars, one-element lists as scalars, text as str), a copy."""
    if isinstance(v, (bytes, np.bytes_)):
        return bytes(v).decode("utf-8", errors="replace")
    if isinstance(v, str):
        return v
    if type(v) is float:  # the common cases, as np.array(v) would give them
        return np.float64(v)
    if type(v) is int and -2**63 <= v < 2**63:
        return np.int64(v)
    a = np.array(v, copy=True)
    return a.reshape(-1)[0] if a.size == 1 else a.reshape(-1)


def _copy_attrs(attrs: dict[str, Any]) -> dict[str, Any]:
    return {k: v.copy() if isinstance(v, np.ndarray) else v for k, v in attrs.items()}


def _attr_to_json(v: Any) -> Any:
    if isinstance(v, str):
        return v
    a = np.asarray(v)
    if a.dtype.kind == "c":
        return {"dtype": a.dtype.str, "re": a.real.reshape(-1).tolist(), "im": a.imag.reshape(-1).tolist()}
    return {"dtype": a.dtype.str, "values": a.reshape(-1).tolist()}


def _attr_from_json(v: Any) -> Any:
    if isinstance(v, str):
        return v
    if "re" in v:
        a = np.asarray(v["re"], dtype=float) + 1j * np.asarray(v["im"], dtype=float)
        a = a.astype(np.dtype(v["dtype"]))
    else:
        a = np.asarray(v["values"], dtype=np.dtype(v["dtype"]))
    return a[0] if a.size == 1 else a


def _column_dtype(values: list[Any]) -> np.dtype | None:
    """The dtype of an attribute column, if every row holds a string or a number of one type."""
    if all(isinstance(v, str) for v in values):
        return np.dtype(str)
    dtypes = set()
    for v in values:
        if isinstance(v, str):
            return None
        a = np.asarray(v)
        if a.size != 1 or a.dtype.kind not in "iuf":
            return None
        dtypes.add(a.dtype)
    return dtypes.pop() if len(dtypes) == 1 else None


def _same_attrs(a: dict[str, Any], b: dict[str, Any]) -> bool:
    if a.keys() != b.keys():
        return False
    for k, va in a.items():
        vb = b[k]
        if isinstance(va, str) or isinstance(vb, str):
            if not (isinstance(va, str) and isinstance(vb, str) and va == vb):
                return False
            continue
        if not _same_array(np.asarray(va), np.asarray(vb)):
            return False
    return True


def _tight(a: np.ndarray) -> np.ndarray:
    """Strings in the narrowest dtype that holds them (a wider table column pads them)."""
    if a.dtype.kind not in "OU" or a.size == 0:
        return a
    return np.array(a.tolist(), dtype=str).reshape(a.shape)


def _fill(dtype: np.dtype) -> Any:
    return {"f": np.nan, "c": np.nan, "U": "", "b": False}.get(dtype.kind, 0)  # rows hold no times


def _same_array(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")


# -- building the table ------------------------------------------------------------------------
def table_dataset(rows: list[Row], title: str) -> Any:
    """The table of ``rows`` as an xarray Dataset, ready for the netCDF-4 writer."""
    import xarray as xr

    n = len(rows)
    names: dict[str, tuple[str, ...]] = {}
    dtypes: dict[str, np.dtype] = {}
    for r in rows:
        for name, (dims, data, _) in r.variables.items():
            names.setdefault(name, dims)
            dt = dtypes.get(name)
            dtypes[name] = data.dtype if dt is None else (np.result_type(dt, data.dtype) if dt.kind == "U" else dt)
    sizes: dict[str, int] = {}
    for r in rows:
        for d, k in r.dims.items():
            sizes[d] = max(sizes.get(d, 0), k)
    out_vars: dict[str, Any] = {}
    coords: dict[str, Any] = {ITEM_DIM: (ITEM_DIM, np.array([r.item for r in rows], dtype=str))}
    per_row_var_attrs: dict[str, bool] = {}
    for name, dims in names.items():
        holders = [r for r in rows if name in r.variables]
        attrs0 = holders[0].variables[name][2]
        uniform_attrs = all(_same_attrs(attrs0, r.variables[name][2]) for r in holders[1:])
        per_row_var_attrs[name] = not uniform_attrs
        var_attrs = dict(attrs0) if uniform_attrs else {}
        is_dim_coord = dims == (name,)
        if is_dim_coord:
            first = holders[0].variables[name][1]
            if all(_same_array(first, r.variables[name][1]) for r in holders[1:]) and len(first) == sizes[name]:
                coords[name] = xr.Variable((name,), first, var_attrs)
                continue
            target = f"{name}{BY_ITEM_SUFFIX}"
        else:
            target = name
        dtype = dtypes[name]
        shape = (n, *(sizes[d] for d in dims))
        arr = np.full(shape, _fill(dtype), dtype=dtype)
        for i, r in enumerate(rows):
            if name in r.variables:
                data = r.variables[name][1]
                arr[(i, *(slice(0, k) for k in data.shape))] = data
        out_vars[target] = xr.Variable((ITEM_DIM, *dims), arr, var_attrs)
    # dataset attributes: a number or a string in every row -> a column; the rest per row, in the layout
    keys: dict[str, None] = {}
    for r in rows:
        keys.update(dict.fromkeys(r.attrs))
    columns: dict[str, np.dtype] = {}
    for k in keys:
        if all(k in r.attrs for r in rows) and f"{ATTR_PREFIX}{k}" not in out_vars:
            dt = _column_dtype([r.attrs[k] for r in rows])
            if dt is not None:
                columns[k] = dt
    for k, dt in columns.items():
        vals = [r.attrs[k] if dt.kind == "U" else np.asarray(r.attrs[k]).reshape(-1)[0] for r in rows]
        out_vars[f"{ATTR_PREFIX}{k}"] = xr.Variable((ITEM_DIM,), np.array(vals, dtype=dt))
    layouts = []
    for r in rows:
        layouts.append(json.dumps({
            "dims": r.dims,
            "vars": list(r.variables),
            "coords": r.coords,
            "attrs_order": list(r.attrs),
            "attrs": {k: _attr_to_json(v) for k, v in r.attrs.items() if k not in columns},
            "var_attrs": {name: {k: _attr_to_json(v) for k, v in r.variables[name][2].items()}
                          for name in r.variables if per_row_var_attrs[name]},
        }, separators=(",", ":")))
    out_vars[PROVENANCE_VAR] = xr.Variable((ITEM_DIM,), np.array([r.provenance for r in rows], dtype=str))
    out_vars[LAYOUT_VAR] = xr.Variable((ITEM_DIM,), np.array(layouts, dtype=str))
    return xr.Dataset(out_vars, coords=coords, attrs={
        "title": title,
        "geoexplore_note": "one row per item; ProjectStore.read('<step key>/<item>') gives a row as its own Dataset",
    })


# -- reading the table back ----------------------------------------------------------------
def rows_of_table(ds: Any) -> Table:
    """The rows of a table read with xarray (the inverse of :func:`table_dataset`)."""
    items = [str(x) for x in ds[ITEM_DIM].values]
    provs = ds[PROVENANCE_VAR].values
    layouts = ds[LAYOUT_VAR].values
    rows: dict[str, Row] = {}
    arrays = {name: ds[name].values for name in ds.variables}
    for i, item in enumerate(items):
        lay = json.loads(str(layouts[i]))
        variables: dict[str, tuple[tuple[str, ...], np.ndarray, dict[str, Any]]] = {}
        for name in lay["vars"]:
            if name in ds.coords and ds[name].dims == (name,) and name != ITEM_DIM:  # shared dimension coordinate
                src, dims, data = ds[name], (name,), arrays[name][: lay["dims"][name]]
            else:
                tname = f"{name}{BY_ITEM_SUFFIX}" if f"{name}{BY_ITEM_SUFFIX}" in ds.variables else name
                src = ds[tname]
                dims = tuple(str(d) for d in src.dims[1:])
                data = arrays[tname][(i, *(slice(0, lay["dims"][d]) for d in dims))]
            if data.dtype.kind in "OU":  # strings: as narrow as the row's own, as they read back from netCDF-4
                data = _tight(data)
            if name in lay["var_attrs"]:
                attrs = {k: _attr_from_json(v) for k, v in lay["var_attrs"][name].items()}
            else:
                attrs = dict(src.attrs)
            variables[name] = (dims, data, attrs)
        attrs = {}
        for k in lay["attrs_order"]:
            if k in lay["attrs"]:
                attrs[k] = _attr_from_json(lay["attrs"][k])
            else:
                col = arrays[f"{ATTR_PREFIX}{k}"]
                attrs[k] = str(col[i]) if col.dtype.kind in "UO" else col[i]
        rows[item] = Row(item=item, provenance=str(provs[i]), dims=dict(lay["dims"]), variables=variables,
                         coords=list(lay["coords"]), attrs=attrs)
    return Table(rows)


def row_dataset(row: Row) -> Any:
    """A row as the Dataset it was."""
    import xarray as xr

    def var(dims: tuple[str, ...], data: np.ndarray, attrs: dict[str, Any]) -> Any:
        return xr.Variable(dims, data.copy(), _copy_attrs(attrs))  # copies: the table stays as stored

    coords = {n: var(*row.variables[n]) for n in row.coords if n in row.variables}
    data_vars = {n: var(*v) for n, v in row.variables.items() if n not in coords}
    return xr.Dataset(data_vars, coords=coords, attrs=_copy_attrs(row.attrs))


# -- a small cache of tables read or written, by store version -------------------------------------
# A table is kept with the commit id (COMMIT_ATTR) of the store version it was read from or written to.
# The id is read from the file itself, never inferred from os.stat: inode numbers are reused by the
# transactions' temporary files, modification times are coarse (a few ms on ext4), and a file system
# shared over the network caches attributes; a table read while the writer renamed a new version into
# place must never pass for the new version (issue 23: a worker kept the H/V table without its last rows
# under the new file's identity, and the step reading them all failed on every attempt).
_CACHE: OrderedDict[tuple[str, str], tuple[str, Table]] = OrderedDict()
_CACHE_SIZE = 8
_LOCK = threading.Lock()  # a worker may read from several threads
CACHE_MAX_BYTES = 128 * 2**20  # a larger table is not kept in memory: a worker reads only the row it needs


def cached(path: os.PathLike[str] | str, group: str, commit: str | None) -> Table | None:
    """The table of ``group`` in the store file ``path`` if this process holds it for the store version ``commit``."""
    if not commit:
        return None
    key = (os.path.abspath(path), group)
    with _LOCK:
        hit = _CACHE.get(key)
        if hit is None or hit[0] != commit:
            return None
        _CACHE.move_to_end(key)
        return hit[1]


def carry_over(path: os.PathLike[str] | str, before: str | None, after: str | None, keep: set[str]) -> None:
    """After a transaction from version ``before`` to ``after``: the tables it did not rewrite are still valid."""
    if not before or not after:
        return
    ap = os.path.abspath(path)
    with _LOCK:
        for (p, group), (commit, table) in list(_CACHE.items()):
            if p == ap and commit == before and group not in keep:
                _CACHE[(p, group)] = (after, table)


def remember(path: os.PathLike[str] | str, group: str, table: Table, commit: str | None) -> None:
    """Keep ``table`` as the content of ``group`` in the version ``commit`` of the store file ``path``."""
    if not commit or sum(r.nbytes for r in table.rows.values()) > CACHE_MAX_BYTES:
        return
    key = (os.path.abspath(path), group)
    with _LOCK:
        _CACHE[key] = (commit, table)
        _CACHE.move_to_end(key)
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
