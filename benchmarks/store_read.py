"""Benchmark: reading results from the project store, geoexplore's reader against xarray's h5netcdf engine.

Every result of a store is read twice in one process, alternating: by
``ProjectStore.read`` (``geoexplore.core.store.ncread``: xarray's h5netcdf
backend with the dimension names taken from the netCDF-4 dimension ids) and by
``xr.open_dataset(path, group=..., engine="h5netcdf")`` for each group, as the
store read before. Both give identical Datasets (checked here for every
result). The ratio (xarray's CPU / geoexplore's CPU) is printed; h5netcdf's
cost per variable grows with the number of objects in the file, so the ratio
grows with the store.

Without ``--store`` a store of ``--results`` synthetic results (H/V-like
Datasets of 4 variables, and every tenth a mapping of two) is written to a
temporary folder. With ``--store`` an existing store is read (e.g. the
``project.h5`` of a demo run). The last line printed is one JSON object.

Usage: python benchmarks/store_read.py [--results N] [--store project.h5] [--reps R]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path


def build_store(path: Path, n: int):
    """A store of ``n`` results written by the store's own writer (SYNTHETIC values)."""
    import numpy as np
    import xarray as xr

    from geoexplore.core.store import ProjectStore

    rng = np.random.default_rng(0)
    store = ProjectStore(path)
    results = {}
    for i in range(n):
        ds = xr.Dataset(
            {"hv": (("window", "frequency_hz"), rng.random((8, 60))), "median": ("frequency_hz", rng.random(60)),
             "keep": ("window", rng.random(8) > 0.2), "start_s": ("window", np.arange(8) * 30.0)},
            coords={"window": np.arange(8), "frequency_hz": np.logspace(-1, 1.3, 60)},
            attrs={"station": f"S{i:04d}", "f0_hz": float(rng.random()), "synthetic": 1})
        results[f"microtremor/line/hvsr/S{i:04d}"] = {"curve": ds, "peaks": ds[["median"]]} if i % 10 == 0 else ds
    keys = sorted(results)
    for k in range(0, n, 50):  # several transactions, as a run commits its results
        store.write({key: results[key] for key in keys[k:k + 50]})
    return store


def xarray_read(store, key: str):
    """The peer: one ``xr.open_dataset`` per group (as ``ProjectStore.read`` did before)."""
    import h5py
    import xarray as xr

    from geoexplore.core.store.encoding import KIND_ATTR, PROVENANCE_ATTR

    with h5py.File(store.path, "r") as f:
        kind = f[key].attrs.get(KIND_ATTR, "dataset")
        kind = kind if isinstance(kind, str) else kind.decode()
        parts = list(f[key].keys()) if kind == "mapping" else []

    def one(group: str):
        with xr.open_dataset(store.path, group=group, engine="h5netcdf") as ds:
            out = ds.load()
        out.attrs.pop(PROVENANCE_ATTR, None)
        out.attrs.pop(KIND_ATTR, None)
        return out

    return {p: one(f"{key}/{p}") for p in parts} if kind == "mapping" else one(key)


def same(a, b) -> bool:
    if isinstance(a, dict):
        return list(a) == list(b) and all(a[p].identical(b[p]) for p in a)
    return a.identical(b)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", type=int, default=300)
    ap.add_argument("--store", default=None, help="an existing project.h5 to read instead of a synthetic one")
    ap.add_argument("--reps", type=int, default=2)
    a = ap.parse_args()
    from geoexplore.core.store import ProjectStore

    with tempfile.TemporaryDirectory() as tmp:
        store = ProjectStore(a.store) if a.store else build_store(Path(tmp) / "project.h5", a.results)
        import h5py

        with h5py.File(store.path, "r") as f:
            keys = [k for k in store.keys() if k in f]  # groups of their own (record-table rows are read the same way by both)
            n_objects = sum(1 for _ in _walk(f))
        t_ge, t_xr, identical = [], [], True
        for rep in range(a.reps):
            order = ("ge", "xr") if rep % 2 == 0 else ("xr", "ge")
            got = {}
            for who in order:
                c0 = time.process_time()
                got[who] = [store.read(k) if who == "ge" else xarray_read(store, k) for k in keys]
                (t_ge if who == "ge" else t_xr).append(time.process_time() - c0)
            identical &= all(same(x, y) for x, y in zip(got["ge"], got["xr"], strict=True))
            print(f"rep {rep}: geoexplore {t_ge[-1]:.2f} s, xarray h5netcdf {t_xr[-1]:.2f} s (CPU, {len(keys)} results)",
                  flush=True)
        out = {"name": "store_read", "results": len(keys), "hdf5_objects": n_objects,
               "cpu_geoexplore_s": [round(t, 3) for t in t_ge], "cpu_xarray_s": [round(t, 3) for t in t_xr],
               "ratio": round(min(t_xr) / min(t_ge), 2), "identical": bool(identical),
               "store": "given" if a.store else "synthetic"}
        print(json.dumps(out))


def _walk(f):
    stack = [f]
    while stack:
        g = stack.pop()
        for v in g.values():
            yield v
            if hasattr(v, "values"):
                stack.append(v)


if __name__ == "__main__":
    main()
