"""The data misfit of the 2D TE+TM inversion (:func:`geoexplore.mt.invert2d.invert`): serial or on Dask.

* serial (no client): ``L2DataMisfit(TE) + L2DataMisfit(TM)``, one SimPEG
  simulation per mode in this process (the inversion as it always was);
* on Dask: one ``L2DataMisfit`` of a :class:`simpeg.meta.DaskMetaSimulation`
  whose shards (one per worker) hold one simulation per (mode, frequency)
  (:mod:`geoexplore.mt.invert2d_dask`).

The data of a mode are in SimPEG's order (:func:`geoexplore.mt.simpeg2d.pack`);
missing data get the value 0 and a standard deviation of 1e30 (no weight).
"""

from __future__ import annotations

from typing import Any

import numpy as np


def mode_data(data: Any, mode: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(dobs, sd, ok) of one mode in SimPEG's order; missing data get 0 and an infinite error (no weight)."""
    from geoexplore.mt.simpeg2d import pack

    dobs = pack(data.rho[mode], data.phase[mode])
    sd = pack(data.rho_sd[mode], data.phase_sd[mode])
    ok = np.isfinite(dobs) & np.isfinite(sd)
    return np.where(ok, dobs, 0.0), np.where(ok, sd, 1e30), ok


def serial_misfit(data: Any, mesh: Any, act: np.ndarray) -> tuple[Any, dict[str, Any], dict[str, np.ndarray]]:
    """``L2DataMisfit(TE) + L2DataMisfit(TM)`` with one simulation per mode in this process."""
    from simpeg import data as sdata
    from simpeg import data_misfit

    from geoexplore.mt.simpeg2d import active_mapping, make_simulation

    mapping = active_mapping(mesh, act)
    misfits, sims, keep = [], {}, {}
    for mode in data.modes:
        sim = make_simulation(mesh, mode, 1.0 / data.period_s, data.chainage_m, mapping=mapping)
        dobs, sd, ok = mode_data(data, mode)
        misfits.append(data_misfit.L2DataMisfit(data=sdata.Data(sim.survey, dobs=dobs, standard_deviation=sd),
                                                simulation=sim))
        sims[mode] = sim
        keep[mode] = ok
    dmis = misfits[0]
    for m_ in misfits[1:]:
        dmis = dmis + m_
    return dmis, sims, keep


def dask_misfit(data: Any, mesh: Any, act: np.ndarray, client: Any,
                 workers: list[str] | None) -> tuple[Any, Any, Any, dict[str, np.ndarray]]:
    """One ``L2DataMisfit`` of a Dask meta simulation: one shard of (mode, frequency) tasks per worker."""
    from simpeg import data as sdata
    from simpeg import data_misfit

    from geoexplore.mt import invert2d_dask as dd
    from geoexplore.mt.invert2d_dask import ShardedSurvey, dask_simulation, workers_of

    workers = list(workers or workers_of(client))
    split = ShardedSurvey(tuple(data.modes), 1.0 / data.period_s, data.chainage_m.size, len(workers))
    meta = dask_simulation(client, mesh, act, split, data.chainage_m, workers)
    per = {mode: mode_data(data, mode) for mode in data.modes}
    d = sdata.Data(meta.survey, dobs=split.to_meta({k: v[0] for k, v in per.items()}),
                   standard_deviation=split.to_meta({k: v[1] for k, v in per.items()}))
    dmis = data_misfit.L2DataMisfit(data=d, simulation=meta)
    if dd.FUSE_HESSIAN:
        dmis = dd.fuse_hessian(dmis)  # the CG's J^T W^T W J v in one task per shard
    return dmis, meta, split, {k: v[2] for k, v in per.items()}


def serial_fit(data: Any, sims: dict[str, Any], keep: dict[str, np.ndarray],
                m: np.ndarray) -> tuple[dict[str, float], dict[str, Any], np.ndarray]:
    """chi2 and predicted data per mode, and sum (J/sd)^2 per parameter, of the final model."""
    from geoexplore.mt.simpeg2d import unpack

    chi2, pred, sens = {}, {}, np.zeros(m.size)
    for mode, sim in sims.items():
        dp = sim.dpred(m)
        dobs, sd, ok = mode_data(data, mode)
        chi2[mode] = float(np.mean(((dp - dobs)[ok] / sd[ok]) ** 2))
        pred[mode] = unpack(dp, data.period_s.size, data.chainage_m.size)
        J = sim.getJ(m)
        sens += np.sum((J[ok] / sd[ok, None]) ** 2, axis=0)
    return chi2, pred, sens


def dask_fit(data: Any, meta: Any, split: Any, keep: dict[str, np.ndarray], m: np.ndarray,
              dmis: Any) -> tuple[dict[str, float], dict[str, Any], np.ndarray]:
    """:func:`serial_fit` for the Dask meta simulation (missing data have weight 1e-30: no contribution)."""
    from geoexplore.mt.simpeg2d import unpack

    chi2, pred = {}, {}
    dp_all = split.from_meta(meta.dpred(m))
    for mode, dp in dp_all.items():
        dobs, sd, ok = mode_data(data, mode)
        chi2[mode] = float(np.mean(((dp - dobs)[ok] / sd[ok]) ** 2))
        pred[mode] = unpack(dp, data.period_s.size, data.chainage_m.size)
    sens = np.asarray(meta.getJtJdiag(m, W=dmis.W), float)
    return chi2, pred, sens

