"""Redraw any stored result's figure from the project store with one call."""

from __future__ import annotations

import os
from pathlib import Path

from geoexplore.core.errors import StoreError
from geoexplore.core.store import ProjectStore


def render(store_path: str | os.PathLike[str], key: str = "", out_dir: str | os.PathLike[str] = "figures", fmt: str = "png") -> list[Path]:
    """Draw the figure of every stored result under ``key`` (a key or prefix).

    The figure function is the one the producing step registered
    (``figure=`` in :func:`geoexplore.pipeline.step.step`), found through the
    step name in the result's provenance.

    Returns
    -------
    list of Path
        The files written.
    """
    from geoexplore.pipeline.step import get_step, load_callable

    store = ProjectStore(store_path)
    provs = store.provenances()
    keys = [k for k in provs if k == key or k.startswith(key.rstrip("/") + "/" if key else "")]
    if not keys:
        raise StoreError(f"{store.path}: no result under '{key}'")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for k in sorted(keys):
        spec = get_step(provs[k]["step"])
        if not spec.figure:
            continue
        path = out / (k.replace("/", "__") + f".{fmt}")
        load_callable(spec.figure)(store.read(k), path)
        written.append(path)
    return written
