"""The project store itself: :class:`ProjectStore`, its reading and its atomic writing.

Layout and provenance: see :mod:`geoexplore.core.store`.

Writes are atomic: a transaction copies the file, writes the copy and
renames it over the original (``os.replace``). A process killed mid-write
leaves the previous file intact and readable. Datasets of numbers and
strings are written with h5py directly in the netCDF-4 layout, or copied in
from an HDF5 image a worker wrote (:mod:`geoexplore.core.store.ncwrite`; a small
H/V result: 130 ms through h5netcdf, 14 ms direct, 8 ms copied); anything
else through h5netcdf.
"""
from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from geoexplore.core.errors import StoreError
from geoexplore.core.store import records
from geoexplore.core.store.encoding import (
    COMMIT_ATTR,
    KIND_ATTR,
    MAX_DIMID_ATTR,
    PROVENANCE_ATTR,
    ROOT_ATTR,
    STORE_FORMAT,
    Result,
    is_mapping_result,
    result_digest,
)
from geoexplore.core.store.ncread import open_group, open_netcdf, read_group
from geoexplore.core.store.ncwrite import (
    EncodedResult,
    insert_image,
    open_netcdf_append,
    writable_parts,
    write_dataset,
    write_datasets,
    write_result_h5netcdf,
)
from geoexplore.core.store.testhooks import (
    READ_DELAY_ENV,
    WRITE_DELAY_ENV,
    delay_from_env,
)


def result_key(package: str, line: str, step_id: str, item: str | None = None) -> str:
    """The store key of a result."""
    parts = [package, line, step_id] + ([item] if item is not None else [])
    for p in parts:
        if not p or "/" in p or p.startswith("."):
            raise StoreError(f"invalid store key component {p!r} in {parts}")
    if item == records.TABLE_NAME:
        raise StoreError(f"invalid item name {item!r} in {parts}: the name of a step's record table")
    return "/".join(parts)


# -- the store -------------------------------------------------------------------
class ProjectStore:
    """An HDF5 project store (see module docstring).

    Parameters
    ----------
    path : str or os.PathLike
        The ``project.h5`` file. It need not exist until the first write.

    Examples
    --------
    >>> store = ProjectStore("out/project.h5")              # doctest: +SKIP
    >>> store.write({"model/profile/build": ds}, provenance={...})  # doctest: +SKIP
    >>> store.keys()                                        # doctest: +SKIP
    ['model/profile/build']
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        # seconds the last transaction spent on its fixed part (copying the store, syncing it to disk),
        # which grows with the store: the runner spaces its writes by it
        self.last_fixed_s = 0.0
        # test hooks (WRITE_DELAY_ENV, READ_DELAY_ENV): a slow shared file system; 0 in normal use
        self.write_delay_s = delay_from_env(WRITE_DELAY_ENV)
        self.read_delay_s = delay_from_env(READ_DELAY_ENV)
        # (before, after): the store versions (COMMIT_ATTR) the last transaction of this object went from and to
        self.last_commit: tuple[str | None, str | None] = (None, None)

    # -- checks -------------------------------------------------------------------
    def exists(self) -> bool:
        return self.path.exists()

    def check(self) -> None:
        """Raise :class:`StoreError` if the file exists but is not a readable store."""
        if not self.path.exists():
            return
        with self._open_h5("r") as f:
            if f.attrs.get(ROOT_ATTR) is None:
                raise StoreError(f"{self.path}: an HDF5 file but not a geoexplore project store (no '{ROOT_ATTR}' attribute)")

    def commit_id(self) -> str | None:
        """The id of the store version now at ``path`` (read from the file; None: no store, or one older than ids)."""
        if not self.path.exists():
            return None
        with self._open_h5("r") as f:
            return _commit_of(f)

    @contextlib.contextmanager
    def _open_h5(self, mode: str = "r", path: Path | None = None) -> Iterator[Any]:
        import h5py

        p = path or self.path
        try:
            f = h5py.File(p, mode)
        except FileNotFoundError:
            raise StoreError(f"{p}: no such project store") from None
        except OSError as exc:
            raise StoreError(f"{p}: not a readable HDF5 project store ({exc})") from None
        try:
            yield f
        finally:
            f.close()

    # -- reading ------------------------------------------------------------------
    def keys(self, prefix: str = "") -> list[str]:
        """Keys of all stored results (groups with provenance), sorted."""
        if not self.path.exists():
            return []
        out: list[str] = []
        with self._open_h5("r") as f:

            def visit(name: str, obj: Any) -> None:
                if PROVENANCE_ATTR in obj.attrs:
                    out.append(name)
                elif _is_table(obj):
                    out.extend(_table_keys(name, obj))

            f.visititems(visit)
        return sorted(k for k in set(out) if k.startswith(prefix))

    def missing(self, keys: Iterable[str]) -> list[str]:
        """The ``keys`` that the file as it is now does not hold, read afresh (nothing from this process's memory).

        What a reader in another process opening the store now would not find;
        the runner asks before it sends tasks that read ``keys``. One open of
        the file, one read of the item column of each record table concerned.
        """
        keys = list(keys)
        if not keys:
            return []
        if not self.path.exists():
            return keys
        out: list[str] = []
        items: dict[str, set[str]] = {}  # record table -> its items
        with self._open_h5("r") as f:
            for key in keys:
                if key in f and PROVENANCE_ATTR in f[key].attrs:
                    continue
                tp, item = records.split_key(key) if key.count("/") >= 3 else ("", "")
                if tp and tp not in items:
                    items[tp] = set(_table_column(f[tp], records.ITEM_DIM)) if tp in f and _is_table(f[tp]) else set()
                if not tp or item not in items[tp]:
                    out.append(key)
        return out

    def __contains__(self, key: str) -> bool:
        return key in self.keys()

    def provenance(self, key: str) -> dict[str, Any]:
        """The provenance record of ``key``."""
        with self._open_h5("r") as f:
            if key in f and PROVENANCE_ATTR in f[key].attrs:
                raw = f[key].attrs[PROVENANCE_ATTR]
                return json.loads(raw if isinstance(raw, str) else raw.decode())
            tp, item = records.split_key(key)
            if tp in f and _is_table(f[tp]):
                items = _table_column(f[tp], records.ITEM_DIM)
                if item in items:
                    return json.loads(_table_column(f[tp], records.PROVENANCE_VAR)[items.index(item)])
        raise StoreError(f"{self.path}: no result '{key}'")

    def provenances(self) -> dict[str, dict[str, Any]]:
        """Provenance of every result, by key (one pass over the file)."""
        if not self.path.exists():
            return {}
        out: dict[str, dict[str, Any]] = {}
        with self._open_h5("r") as f:

            def visit(name: str, obj: Any) -> None:
                raw = obj.attrs.get(PROVENANCE_ATTR)
                if raw is not None:
                    out[name] = json.loads(raw if isinstance(raw, str) else raw.decode())
                elif _is_table(obj):
                    for key, prov in zip(_table_keys(name, obj), _table_column(obj, records.PROVENANCE_VAR), strict=True):
                        out.setdefault(key, json.loads(prov))

            f.visititems(visit)
        return out

    def read(self, key: str) -> Result:
        """Load a result into memory (Dataset, or dict of Datasets)."""
        with self._open_h5("r") as f:
            commit = _commit_of(f)  # the version this read sees: a table held in memory counts only for it
            if key.count("/") >= 3:  # a row of a record table this process holds for this version
                table = records.cached(self.path, records.split_key(key)[0], commit)
                row = table.rows.get(key.rpartition("/")[2]) if table is not None else None
                if row is not None:
                    return records.row_dataset(row)
            if key not in f:
                tp, item = records.split_key(key)
                if tp in f and _is_table(f[tp]) and item in _table_column(f[tp], records.ITEM_DIM):
                    row = self._table(tp, item, commit=commit).rows.get(item)
                    if row is not None:
                        return records.row_dataset(row)
                raise StoreError(f"{self.path}: no result '{key}'; stored: {', '.join(self.keys()[:20])}")
            if _is_table(f[key]):  # the table itself is not a result; its rows are
                raise StoreError(f"{self.path}: no result '{key}' (a record table: read its items)")
            kind = f[key].attrs.get(KIND_ATTR, "dataset")
            kind = kind if isinstance(kind, str) else kind.decode()
            parts = list(f[key].keys()) if kind == "mapping" else []
            try:  # from the file already open: the version checked above
                with open_netcdf(f) as nc:
                    if kind == "mapping":
                        return {p: self._read_ds(nc, f"{key}/{p}") for p in parts}
                    return self._read_ds(nc, key)
            except StoreError:
                raise
            except Exception as exc:  # h5netcdf/xarray errors on a damaged group
                raise StoreError(f"{self.path}: result '{key}' cannot be read ({type(exc).__name__}: {exc})") from None

    @staticmethod
    def _read_ds(nc: Any, group: str) -> Any:
        out = read_group(nc, group)
        out.attrs.pop(PROVENANCE_ATTR, None)
        out.attrs.pop(KIND_ATTR, None)  # store bookkeeping, not part of the result
        return out

    def _table(self, group: str, item: str | None = None, commit: str | None = None) -> records.Table:
        """The rows of a record table (:mod:`geoexplore.core.store.records`), from memory if held for this store version.

        ``commit``: the store version the caller has open (read from the file if not given).
        With ``item``, a table larger than :data:`records.CACHE_MAX_BYTES` is
        not loaded whole: only that row is read (a worker reading one record
        of a large survey). A table read is kept in memory only when the
        store version is the same after the read as before it: a table read
        while the writer renamed a new version into place is used once, never
        kept as the content of the new version.
        """
        commit = commit or self.commit_id()
        table = records.cached(self.path, group, commit)
        if table is not None:
            return table
        try:
            with open_netcdf(self.path) as nc, open_group(nc, group) as ds:
                if item is not None and ds.nbytes > records.CACHE_MAX_BYTES:
                    items = [str(x) for x in ds[records.ITEM_DIM].values]
                    return records.rows_of_table(ds.isel({records.ITEM_DIM: [items.index(item)]}).load())
                table = records.rows_of_table(ds.load())
                if self.read_delay_s > 0:  # test hook: a slow read, the file open meanwhile
                    time.sleep(self.read_delay_s)
        except Exception as exc:  # noqa: BLE001 - h5netcdf/xarray/JSON errors on a damaged table
            raise StoreError(f"{self.path}: record table '{group}' cannot be read ({type(exc).__name__}: {exc})") from None
        if commit is not None and self.commit_id() == commit:  # versions are never reused: the read saw `commit`
            records.remember(self.path, group, table, commit)
        return table

    def digests(self) -> dict[str, str]:
        """Content digest of every result by key (from provenance)."""
        return {k: v.get("digest", "") for k, v in self.provenances().items()}

    # -- writing ------------------------------------------------------------------
    def write(self, results: Mapping[str, Result], provenance: Mapping[str, Mapping[str, Any]] | None = None,
              rows: Iterable[str] = ()) -> None:
        """Write several results in one atomic transaction.

        Parameters
        ----------
        results : mapping of key -> Dataset or mapping of Datasets
        provenance : mapping of key -> provenance dict, optional
            ``digest`` is filled in if absent.
        rows : keys of per-item results to keep as rows of their step's record
            table (:mod:`geoexplore.core.store.records`) rather than as groups of
            their own; a result the table cannot hold is written as a group.
        """
        provenance = provenance or {}
        provs = {key: dict(provenance.get(key, {})) for key in results}
        for key, res in results.items():
            if "digest" in provs[key]:  # the runner computed it on the worker
                continue
            if isinstance(res, (EncodedResult, records.Row)):
                raise StoreError(f"{self.path}: '{key}': a result encoded on a worker needs its digest in the provenance")
            provs[key]["digest"] = result_digest(res)
        row_keys = {k for k in rows if k in results and not isinstance(results[k], EncodedResult)
                    and not is_mapping_result(results[k]) and k.count("/") >= 3}
        for key, res in results.items():
            if isinstance(res, records.Row) and key.count("/") < 3:
                raise StoreError(f"{self.path}: '{key}': a table row needs a per-item key")
            if key.rpartition("/")[2] == records.TABLE_NAME:
                raise StoreError(f"{self.path}: '{key}': '{records.TABLE_NAME}' is the name of a step's record table")
        # room for the new results (HDF5 overhead included) is reserved before HDF5 writes a byte:
        # HDF5 failing half-way through a write (full disk, quota) can leave the library in a state
        # that crashes the interpreter, so a write that will not fit must fail before it starts
        nbytes = sum(sum(d.nbytes for d in r.values()) if is_mapping_result(r) else r.nbytes for r in results.values())
        tables: dict[str, records.Table] = {}
        with self.transaction(reserve_bytes=int(1.5 * nbytes) + 65536) as tmp:
            import h5py

            t_tables = time.perf_counter()
            tables, groups = self._plan_tables(tmp, results, provs, row_keys)
            t_tables = time.perf_counter() - t_tables
            slow: dict[str, Result] = {}

            def write_direct(f: Any) -> None:
                for key, res in groups.items():
                    if not _fast_write(f, key, res, provs[key], int(f.attrs[MAX_DIMID_ATTR]) + 1):
                        slow[key] = res

            with h5py.File(tmp, "a") as f:  # replaced results go first
                for key in _present(f, results):
                    del f[key]
                known_dimids = MAX_DIMID_ATTR in f.attrs
                if known_dimids:
                    write_direct(f)
                    t_tables += self._write_tables(f, tables)
            if not known_dimids:  # a store of an older version: h5netcdf finds the largest dimension id once
                with open_netcdf_append(tmp) as nc:
                    nc._h5file.attrs[MAX_DIMID_ATTR] = nc._max_dim_id
                with h5py.File(tmp, "a") as f:
                    write_direct(f)
                    t_tables += self._write_tables(f, tables)
            if slow:  # what the direct writer does not cover goes through h5netcdf
                with open_netcdf_append(tmp) as nc:  # one h5netcdf open per transaction
                    for key, res in slow.items():
                        write_result_h5netcdf(nc, key, res, provs[key])
                    nc._h5file.attrs[MAX_DIMID_ATTR] = nc._max_dim_id
        # rewriting a record table, like copying the store, costs with what is stored, not with what is new
        self.last_fixed_s += t_tables
        before, after = self.last_commit
        records.carry_over(self.path, before, after, set(tables))
        for group, table in tables.items():
            if table.rows:
                records.remember(self.path, group, table, after)

    def _plan_tables(self, tmp: Path, results: Mapping[str, Result], provs: Mapping[str, Mapping[str, Any]],
                     row_keys: set[str]) -> tuple[dict[str, records.Table], dict[str, Result]]:
        """The record tables this write changes (with their new rows), and the results written as groups."""
        tables = self._tables_without(tmp, results)  # replaced rows go: each new result goes where it fits
        groups: dict[str, Result] = {}
        for key, res in results.items():
            tp, item = records.split_key(key) if key.count("/") >= 3 else ("", "")
            if key in row_keys or isinstance(res, records.Row):
                row = res if isinstance(res, records.Row) else records.row_from_dataset(item, res)
                if row is not None:  # a new Row object: the caller's (one may stand under several keys) is left as it is
                    row = dataclasses.replace(row, item=item, provenance=json.dumps(dict(provs[key]), sort_keys=True, default=str))
                    if tables.setdefault(tp, records.Table()).add(row):
                        continue
                if isinstance(res, records.Row):  # made on a worker, does not fit the table: a group of its own
                    res = records.row_dataset(res)
            groups[key] = res
        return tables, groups

    def _tables_without(self, tmp: Path, keys: Iterable[str]) -> dict[str, records.Table]:
        """The record tables in ``tmp`` (a copy of the store) that hold any of ``keys``, as copies without those rows."""
        import h5py

        items = [records.split_key(k) for k in keys if k.count("/") >= 3]
        with h5py.File(tmp, "r") as f:
            present = {tp for tp in _present(f, {tp for tp, _ in items}) if _is_table(f[tp])}
        tables = {tp: self._table(tp).copy() for tp in present}
        for tp, item in items:
            if tp in tables:
                tables[tp].rows.pop(item, None)
        return tables

    @staticmethod
    def _write_tables(f: Any, tables: Mapping[str, records.Table]) -> float:
        """Rewrite the record tables into the open file ``f``; returns the seconds it took."""
        t0 = time.perf_counter()
        for group, table in tables.items():
            if group in f:
                del f[group]
            if not table.rows:
                continue
            ds = records.table_dataset(list(table.rows.values()), title=f"per-item results of {group.rpartition('/')[0]}")
            parent = f.require_group(group.rpartition("/")[0])
            g = parent.create_group(records.TABLE_NAME, track_order=True)
            last = write_dataset(g, ds, int(f.attrs[MAX_DIMID_ATTR]) + 1) - 1
            g.attrs[KIND_ATTR] = records.TABLE_KIND
            f.attrs[MAX_DIMID_ATTR] = max(last, int(f.attrs[MAX_DIMID_ATTR]))
        return time.perf_counter() - t0

    @contextlib.contextmanager
    def transaction(self, reserve_bytes: int = 0) -> Iterator[Path]:
        """Yield a private copy of the store to write; on success it replaces the store atomically.

        ``reserve_bytes``: check first that the copy can grow by this much (the space is allocated
        and released again), so a full disk or a file-size limit is a clean :class:`StoreError`.
        """
        import h5py

        parent = self.path.parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix=self.path.name + ".", suffix=".tmp", dir=parent)
            os.close(fd)
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot write in {parent} ({exc.strerror or exc})") from None
        tmp = Path(name)
        t0 = time.perf_counter()
        try:
            if self.path.exists():
                self.check()
                shutil.copyfile(self.path, tmp)
            else:
                with h5py.File(tmp, "w") as f:
                    f.attrs[ROOT_ATTR] = STORE_FORMAT
                    f.attrs[MAX_DIMID_ATTR] = -1  # no dimensions yet
            if reserve_bytes > 0:
                size = tmp.stat().st_size
                with open(tmp, "rb+") as fh:
                    os.posix_fallocate(fh.fileno(), 0, size + reserve_bytes)
                    fh.truncate(size)
            fixed = time.perf_counter() - t0
            yield tmp
            t1 = time.perf_counter()
            with h5py.File(tmp, "a") as f:  # a new version: a new id, so no reader takes it for an older one
                before = _commit_of(f)
                after = uuid.uuid4().hex
                f.attrs[COMMIT_ATTR] = after
            if self.write_delay_s > 0:  # test hook: the new version is written but not yet in place
                time.sleep(self.write_delay_s)
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
            with contextlib.suppress(OSError):
                dfd = os.open(parent, os.O_RDONLY)
                try:
                    os.fsync(dfd)
                finally:
                    os.close(dfd)
            self.last_fixed_s = fixed + time.perf_counter() - t1
            self.last_commit = (before, after)
        except (OSError, RuntimeError) as exc:  # h5py reports some failed writes as RuntimeError
            raise StoreError(f"{self.path}: write failed, previous store kept ({getattr(exc, 'strerror', None) or exc})") from None
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()

    def delete(self, keys: Iterable[str]) -> None:
        """Remove results (atomically)."""
        import h5py

        keys = list(keys)
        tables: dict[str, records.Table] = {}
        with self.transaction() as tmp:
            tables = self._tables_without(tmp, keys)
            with h5py.File(tmp, "a") as f:
                for k in keys:  # one by one: a key may repeat, or lie under another one
                    if k in f:
                        del f[k]
                self._write_tables(f, tables)  # a store holding tables has its largest dimension id
        records.carry_over(self.path, *self.last_commit, set(tables))


def _present(f: Any, keys: Iterable[str]) -> list[str]:
    """The keys that name an object in the open file ``f``.

    Each parent group is listed once: h5py's ``key in f`` costs about 0.15 ms
    on a nested path, and a write of a few hundred per-record results asked it
    for every key.
    """
    by_parent: dict[str, list[tuple[str, str]]] = {}
    for key in keys:
        parent, _, name = key.rpartition("/")
        by_parent.setdefault(parent, []).append((key, name))
    out = []
    for parent, entries in by_parent.items():
        g = f.get(parent) if parent else f
        if g is None or not hasattr(g, "keys"):
            continue
        names = set(g.keys())
        out += [key for key, name in entries if name in names]
    return out


def _commit_of(f: Any) -> str | None:
    """The version id of the open store ``f`` (None: written before stores had one)."""
    raw = f.attrs.get(COMMIT_ATTR)
    if raw is None:
        return None
    return raw if isinstance(raw, str) else raw.decode()


def _is_table(obj: Any) -> bool:
    kind = obj.attrs.get(KIND_ATTR)
    return (kind.decode() if isinstance(kind, bytes) else kind) == records.TABLE_KIND


def _table_keys(table_name: str, group: Any) -> list[str]:
    """The result keys of the rows of the record table ``group`` at path ``table_name``."""
    step_key = table_name.rpartition("/")[0]
    return [f"{step_key}/{item}" for item in _table_column(group, records.ITEM_DIM)]


def _table_column(group: Any, name: str) -> list[str]:
    """A string column of a record table (item names, provenance), read with h5py alone."""
    return [str(x) for x in group[name].asstr()[...]]


def _fast_write(f: Any, key: str, res: Result, prov: Mapping[str, Any], next_dimid: int) -> bool:
    """Write a result with h5py directly (:mod:`geoexplore.core.store.ncwrite`); False if it needs h5netcdf.

    ``res`` may be an :class:`~geoexplore.core.store.ncwrite.EncodedResult` (written by a worker): it is copied in.
    """
    if isinstance(res, EncodedResult):
        last = insert_image(f, key, res, next_dimid) - 1
        kind = res.kind
    else:
        parts = writable_parts(res, key)
        if parts is None:
            return False
        last = write_datasets(f, parts, next_dimid) - 1
        kind = "mapping" if is_mapping_result(res) else "dataset"
    g = f[key]
    g.attrs[KIND_ATTR] = kind
    g.attrs[PROVENANCE_ATTR] = json.dumps(dict(prov), sort_keys=True, default=str)
    f.attrs[MAX_DIMID_ATTR] = max(last, next_dimid - 1)
    return True


def warm_up() -> None:
    """Build and write a one-row table into an in-memory HDF5 file.

    The first table a process writes pays for imports xarray makes lazily
    (0.5-2 s). The runner calls this right after it has sent the first tasks,
    so that cost falls while the workers compute instead of holding up the
    first write (and, with it, the tasks the runner sends after it).
    """
    import h5py
    import xarray as xr

    ds = xr.Dataset({"v": (("x",), np.zeros(2), {"units": "1"}), "k": (("x",), np.array([True, False]))},
                    coords={"x": [0.0, 1.0]}, attrs={"a": 1.0, "s": "s"})
    row = records.row_from_dataset("warm-up", ds)
    assert row is not None
    table = records.table_dataset([row], title="warm-up")
    fapl = h5py.h5p.create(h5py.h5p.FILE_ACCESS)
    fapl.set_fapl_core(block_size=1 << 16, backing_store=False)
    fid = h5py.h5f.create(b"geoexplore-warm-up", h5py.h5f.ACC_TRUNC, fapl=fapl)
    with h5py.File(fid) as f:
        write_dataset(f.create_group("t"), table, 0)
    records.rows_of_table(table)
