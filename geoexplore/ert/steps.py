"""Workflow steps of the ERT package: read -> qc -> invert (image).

The step functions are named ``<verb>_step``; the step names (the store's
keys) are ``ert.read``, ``ert.qc`` and ``ert.invert`` as always.

* ``ert.read`` (one per file): any supported file -> data Dataset.
* ``ert.qc``: merge the files of one spread, checks, K, reciprocals,
  filters, error model -> data Dataset with the removed data and reasons.
* ``ert.invert``: pyGIMLi inversion with DOI -> the ``ert`` image of
  :mod:`geoexplore.core.images`.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import xarray as xr

from geoexplore.core.settings import NoSettings
from geoexplore.ert.settings import InvertStepSettings, QCStepSettings, ReadSettings
from geoexplore.pipeline.step import StepContext, step


def data_to_dataset(data: Any) -> xr.Dataset:
    """ERTData (with removed data and reasons) as a storable Dataset."""
    ds = data.to_dataset()
    topo = data.meta.get("topography")
    if isinstance(topo, np.ndarray) and topo.ndim == 2 and len(topo):
        ds["topography_x_m"] = ("topo_point", topo[:, 0])
        ds["topography_z_m"] = ("topo_point", topo[:, 1])
    rem = data.removed
    if len(rem):
        ds["removed_record"] = ("removed", rem["record"].to_numpy(np.int64))
        for c in ("a", "b", "m", "n"):
            ds[f"removed_{c}"] = ("removed", rem[c].to_numpy(np.int64))
        ds["removed_apparent_resistivity_ohm_m"] = ("removed", rem["apparent_resistivity_ohm_m"].to_numpy(float))
        ds["removed_reason"] = ("removed", rem["reason"].astype(str).to_numpy().astype("U"))
    ds.attrs["n_removed"] = int(len(rem))
    return ds


def data_from_dataset(ds: xr.Dataset) -> Any:
    """Inverse of :func:`data_to_dataset` (removed data included)."""
    import pandas as pd

    from geoexplore.ert.data import ERTData, empty_table

    d = ERTData.from_dataset(ds)
    if "topography_x_m" in ds:
        d.meta["topography"] = np.column_stack([ds["topography_x_m"].values, ds["topography_z_m"].values])
    if "removed_reason" in ds:
        n = ds.sizes["removed"]
        rem = empty_table(n)
        rem["record"] = ds["removed_record"].values
        for c in ("a", "b", "m", "n"):
            rem[c] = ds[f"removed_{c}"].values
        rem["apparent_resistivity_ohm_m"] = ds["removed_apparent_resistivity_ohm_m"].values
        rem["reason"] = pd.Series(ds["removed_reason"].values.astype(str))
        d.removed = rem
    return d


@step("ert.read", settings=ReadSettings, fan_out="files", inputs=(), figure="geoexplore.ert.plot:plot_data_result")
def read_step(ctx: StepContext, settings: ReadSettings) -> xr.Dataset:
    """Read one ERT file (any supported format) into the data table."""
    from geoexplore.ert import io

    data = io.read(ctx.item_value, settings.format)
    ds = data_to_dataset(data)
    ds.attrs["file"] = str(getattr(ctx.item_value, "name", ctx.item_value)).split("/")[-1]
    return ds


@step("ert.qc", settings=QCStepSettings, inputs=("data",), figure="geoexplore.ert.plot:plot_data_result")
def qc_step(ctx: StepContext, settings: QCStepSettings) -> xr.Dataset:
    """Merge the files of one spread and run QC (every removed datum kept with its reason)."""
    from geoexplore.ert.data import merge
    from geoexplore.ert.qc import quality_control

    raw = ctx.require("data")
    items = raw if isinstance(raw, dict) else {"data": raw}
    datasets = [data_from_dataset(items[k]) for k in sorted(items)]
    data = merge(datasets)
    clean, report = quality_control(data, settings)
    ds = data_to_dataset(clean)
    ds.attrs["qc_summary"] = json.dumps(report.summary())
    ds.attrs["settings"] = settings.to_json()
    synth = any(int(items[k].attrs.get("synthetic", 0)) or "SYNTHETIC" in str(items[k].attrs.get("title", ""))
                for k in items)
    ds.attrs["synthetic"] = int(synth)
    return ds


@step("ert.invert", settings=InvertStepSettings, inputs=("data",), figure="geoexplore.ert.plot:plot_image_result")
def invert_step(ctx: StepContext, settings: InvertStepSettings) -> xr.Dataset:
    """Invert the QC'd data with pyGIMLi (DOI-masked) and sample the ``ert`` image."""
    from geoexplore.core.images import check_image
    from geoexplore.ert.inversion import invert_resistivity, to_image

    dsq = ctx.require("data")
    data = data_from_dataset(dsq)
    result = invert_resistivity(data, settings.inversion)
    synth = bool(dsq.attrs.get("synthetic", 0)) if settings.synthetic is None else settings.synthetic
    img = to_image(result, settings.image, line=ctx.line, synthetic=synth)
    img.attrs["settings"] = settings.to_json()
    img.attrs["qc_summary"] = str(dsq.attrs.get("qc_summary", "{}"))
    # pseudosection data for the figure
    img["data_apparent_resistivity_ohm_m"] = ("datum", data.data["apparent_resistivity_ohm_m"].to_numpy(float))
    img["data_response_ohm_m"] = ("datum", np.asarray(result.response_ohm_m, float))
    for c in ("a", "b", "m", "n"):
        img[f"data_{c}"] = ("datum", data.data[c].to_numpy(np.int64))
    img["electrode_x_m"] = ("electrode", data.electrodes[:, 0])
    img["electrode_z_m"] = ("electrode", data.electrodes[:, 2])
    check_image(img, "ert")
    return img


__all__ = ["InvertStepSettings", "NoSettings", "QCStepSettings", "ReadSettings", "data_from_dataset", "data_to_dataset",
           "invert_step", "qc_step", "read_step"]
