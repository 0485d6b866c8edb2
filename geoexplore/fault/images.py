"""Collect method images (the :mod:`geoexplore.core.images` contract) from step inputs or a project store."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from geoexplore.core.errors import GeoexploreError
from geoexplore.core.images import METHODS, check_image


def _walk(obj: Any, where: str) -> list[tuple[str, Any]]:
    if hasattr(obj, "data_vars"):
        return [(where, obj)]
    if isinstance(obj, Mapping):
        out = []
        for k, v in obj.items():
            out.extend(_walk(v, f"{where}/{k}" if where else str(k)))
        return out
    return []


def pick_images(candidates: list[tuple[str, Any]], line: str | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    """From (source, Dataset) pairs keep one valid image per method.

    Preference: an image on ``line`` (or, for MT, the image with the widest
    chainage range), else the first valid one. Datasets that are not images
    are ignored.
    """
    found: dict[str, list[tuple[str, Any]]] = {}
    for src, ds in candidates:
        m = str(ds.attrs.get("method", ""))
        if m not in METHODS:
            continue
        try:
            check_image(ds, m)
        except GeoexploreError:
            continue
        if "time_s" in ds.dims and "depth_m" not in ds.dims:
            continue
        found.setdefault(m, []).append((src, ds))
    images, sources = {}, {}
    for m, lst in found.items():
        on_line = [p for p in lst if line and str(p[1].attrs.get("line", "")) == line]
        src, ds = (on_line or lst)[0]
        if m == "mt" and not on_line:
            src, ds = max(lst, key=lambda p: float(p[1]["chainage_m"].max() - p[1]["chainage_m"].min()))
        images[m], sources[m] = ds, src
    return images, sources


def images_from_inputs(inputs: Mapping[str, Any], line: str | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    """Images among a step's inputs (any name; nested mappings of Datasets are searched)."""
    pairs: list[tuple[str, Any]] = []
    for name, v in inputs.items():
        if name == "model":
            continue
        pairs.extend(_walk(v, name))
    return pick_images(pairs, line)


def images_from_store(store: Any, line: str | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    """Every image in a project store (results whose datasets pass ``check_image``)."""
    pairs: list[tuple[str, Any]] = []
    for key in store.keys():
        if key.startswith("fault/") or key.startswith("report/"):
            continue
        try:
            res = store.read(key)
        except Exception:  # an unreadable result is not an image; the store reports it elsewhere
            continue
        pairs.extend(_walk(res, key))
    return pick_images(pairs, line)


def model_from_store(store: Any) -> Any:
    """The geological model stored by ``model.build`` (None if absent)."""
    from geoexplore.core.modelcodec import model_from_dataset

    for key in store.keys("model"):
        ds = store.read(key)
        if hasattr(ds, "attrs") and "model_json" in getattr(ds, "attrs", {}):
            return model_from_dataset(ds)
    return None


def thumbnail(ds: Any, max_cells: int = 300) -> Any:
    """A coarsened copy of an image for the report bundle (stride sampling, attrs kept)."""
    if "station" in ds.dims:
        return ds.copy()
    sz = ds.sizes
    sx = max(1, int(sz.get("chainage_m", 1)) // max_cells)
    sd = max(1, int(sz.get("depth_m", 1)) // max_cells)
    keep = [v for v in ds.data_vars if set(ds[v].dims) <= {"depth_m", "chainage_m"}]
    out = ds[keep].isel(chainage_m=slice(None, None, sx), depth_m=slice(None, None, sd))
    for v in out.data_vars:
        if out[v].dtype == bool:
            out[v] = out[v].astype("int8")
    out.attrs = dict(ds.attrs)
    return out
