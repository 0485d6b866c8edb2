"""A hazard result as storable Datasets, and back (what the step stores and the report reads)."""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from geoexplore.fault.hazard.psha import HazardCurves, Site


def _jsonable(v: Any) -> Any:
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, (tuple, list)):
        return [_jsonable(x) for x in v]
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    if isinstance(v, float) and not np.isfinite(v):
        return None
    return v


def to_datasets(res: Any, *, nrml_texts: dict[str, str] | None = None) -> dict[str, Any]:
    """``hazard_sources`` (one row per fault, details as JSON) and ``hazard_curves`` (site x imt x level)."""
    import xarray as xr

    rows = res.table()
    src = xr.Dataset(
        {"table_json": ("fault", np.array([json.dumps(_jsonable(r), ensure_ascii=False) for r in rows], dtype=str)),
         "length_km": ("fault", np.array([r["length_km"] for r in rows], float)),
         "slip_rate_p50_mm_yr": ("fault", np.array([r["slip_rate_mm_yr"][1] for r in rows], float)),
         "moment_rate_p50_nm_yr": ("fault", np.array([r["moment_rate_nm_yr"][1] for r in rows], float)),
         "mmax_p50": ("fault", np.array([r["mmax"][1] for r in rows], float))},
        coords={"fault": np.array([r["id"] for r in rows], dtype=str)},
        attrs={"notes_json": json.dumps(res.notes, ensure_ascii=False), "skipped_json": json.dumps(res.skipped, ensure_ascii=False),
               "branches_json": json.dumps({k: [{"label": b.label, "weight": b.weight, "mmax": b.mmax, "mfd_min_mag": b.mfd.min_mag,
                                                 "bin_width": b.mfd.bin_width, "rates": b.mfd.rates.tolist(),
                                                 "moment_rate_nm_yr": b.moment_rate} for b in v]
                                            for k, v in res.branches.items()}),
               "validation_json": json.dumps(_jsonable(res.validation)),
               "nrml_json": json.dumps(nrml_texts or {}, ensure_ascii=False),
               "synthetic": int(any(s.synthetic for s in res.sources))})
    out = {"hazard_sources": src}
    hc = res.curves
    if hc is not None:
        sites = [s.name for s in hc.sites]
        imts = list(hc.levels)
        levels = np.asarray(hc.levels[imts[0]], float)
        poe = np.array([[hc.poe[s][i] for i in imts] for s in sites], float)
        out["hazard_curves"] = xr.Dataset(
            {"poe": (("site", "imt", "level"), poe),
             "lon": ("site", np.array([s.lon for s in hc.sites], float)),
             "lat": ("site", np.array([s.lat for s in hc.sites], float)),
             "vs30_m_s": ("site", np.array([s.vs30_m_s for s in hc.sites], float)),
             "name_zh": ("site", np.array([s.name_zh for s in hc.sites], dtype=str))},
            coords={"site": np.array(sites, dtype=str), "imt": np.array(imts, dtype=str), "level": levels},
            attrs={"investigation_time_yr": hc.investigation_time_yr, "units": "level in g; poe: mean probability of exceedance",
                   "gmpes_json": json.dumps(hc.gmpes), "poe_values_json": json.dumps(_jsonable(res.poe_values()), ensure_ascii=False),
                   "synthetic": int(any(s.synthetic for s in res.sources))})
    return out


def curves_from_dataset(ds: Any) -> HazardCurves:
    """The :class:`HazardCurves` (mean curves only) of a stored ``hazard_curves`` Dataset."""
    sites = [Site(str(n), float(lo), float(la), float(v), str(z)) for n, lo, la, v, z in
             zip(ds["site"].values, ds["lon"].values, ds["lat"].values, ds["vs30_m_s"].values, ds["name_zh"].values)]
    imts = [str(i) for i in ds["imt"].values]
    lv = np.asarray(ds["level"].values, float)
    poe = {s.name: {imt: np.asarray(ds["poe"].values[k, j], float) for j, imt in enumerate(imts)} for k, s in enumerate(sites)}
    return HazardCurves(sites=sites, levels={imt: lv for imt in imts}, poe=poe,
                        investigation_time_yr=float(ds.attrs["investigation_time_yr"]), gmpes=json.loads(ds.attrs.get("gmpes_json", "{}")))
