"""Benchmark: refraction tomography, geoexplore vs plain pyGIMLi, same settings, on koenigsee.sgt; picking throughput.

Both run pyGIMLi's TravelTimeManager with the settings of geoexplore's
defaults (secNodes 3, max cell area 5 m^2 = 5 spacings^2, zWeight 0.2,
gradient start 500 -> 5000 m/s, 3 % error, lambda and iteration limit
from :class:`geoexplore.seismic.settings.TomoSettings`), alternating in
one process, several repetitions each. geoexplore adds reading, checks,
coverage and the Jacobian check; the ratio (pyGIMLi time / geoexplore
time, higher is better) should be at least 1 / 1.05.

Picking throughput (traces/s) is measured on the synthetic Siping shots and
the real Geode shot wghs-shot1.seg2.

Usage: python benchmarks/refraction_tomo.py [--reps N] [--data DIR]
The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def plain_pygimli(path: Path, s) -> tuple[float, float, float, int]:
    """pyGIMLi alone: chi2, rrms (%), rms (ms), iterations."""
    from geoexplore.core.gimli import import_pygimli, set_threads

    pg = import_pygimli()
    from pygimli.physics import traveltime as tt

    data = tt.load(str(path))
    data["err"] = s.relative_error * np.asarray(data["t"])
    mgr = tt.TravelTimeManager(data)
    set_threads(None, mgr.fop)
    mgr.invert(data, secNodes=s.sec_nodes, paraMaxCellSize=5.0, paraDX=s.para_dx, zWeight=s.z_weight,
               vTop=s.v_top_m_s, vBottom=s.v_bottom_m_s, lam=s.lam, maxIter=s.max_iter, dPhi=s.min_dphi_percent,
               lambdaFactor=s.lambda_factor, verbose=False)
    return float(mgr.inv.chi2()), float(mgr.inv.relrms()), float(mgr.inv.absrms() * 1000), int(mgr.inv.inv.iter())


def ours(path: Path, s) -> tuple[float, float, float, int]:
    from geoexplore.seismic.io.sgt import read_sgt
    from geoexplore.seismic.refraction.tomography import invert

    r = invert(read_sgt(path), s)
    return r.chi2, r.rrms_percent, r.rms_ms, r.iterations


def picking_throughput(shots: list[Path], reps: int) -> float:
    from geoexplore.seismic import io
    from geoexplore.seismic.refraction.picking import pick_gather

    gathers = [io.read(p) for p in shots]
    n = sum(g.sizes["trace"] for g in gathers)
    pick_gather(gathers[0]["data"].values, float(gathers[0].attrs["dt_s"]), float(gathers[0]["time_s"][0]),
                gathers[0]["offset_m"].values)  # warm-up (SciPy import)
    best = np.inf
    for _ in range(reps):
        t0 = time.perf_counter()
        for g in gathers:
            pick_gather(g["data"].values, float(g.attrs["dt_s"]), float(g["time_s"][0]), g["offset_m"].values)
        best = min(best, time.perf_counter() - t0)
    return n / best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=2)
    ap.add_argument("--data", default=os.environ.get("GEOEXPLORE_SHARED_DATA", str(ROOT.parent / "shared" / "data")))
    a = ap.parse_args()
    from geoexplore.seismic.settings import TomoSettings

    s = TomoSettings()
    path = Path(a.data) / "seismic" / "koenigsee.sgt"
    t_pg, t_ge, r_pg, r_ge = [], [], None, None
    for k in range(a.reps):
        order = (("pg", plain_pygimli), ("ge", ours)) if k % 2 == 0 else (("ge", ours), ("pg", plain_pygimli))
        for name, fn in order:
            t0 = time.perf_counter()
            r = fn(path, s)
            dt = time.perf_counter() - t0
            if name == "pg":
                t_pg.append(dt)
                r_pg = r
            else:
                t_ge.append(dt)
                r_ge = r
            print(f"{name}: {dt:.1f} s chi2 {r[0]:.3f} rrms {r[1]:.2f} % rms {r[2]:.3f} ms iterations {r[3]}", flush=True)
    syn = sorted((ROOT / "data" / "siping" / "refraction").glob("shot*.seg2"))
    tps_syn = picking_throughput(syn, 2) if syn else float("nan")
    real = Path(a.data) / "seismic" / "wghs-shot1.seg2"
    tps_real = picking_throughput([real], 3) if real.is_file() else float("nan")
    out = {
        "name": "refraction_tomo",
        "ratio": float(np.median(t_pg) / np.median(t_ge)),
        "target": 1 / 1.05,
        "time_pygimli_s": [round(t, 2) for t in t_pg],
        "time_geoexplore_s": [round(t, 2) for t in t_ge],
        "chi2_pygimli": r_pg[0], "chi2_geoexplore": r_ge[0],
        "rrms_pygimli_percent": r_pg[1], "rrms_geoexplore_percent": r_ge[1],
        "rms_ms_pygimli": r_pg[2], "rms_ms_geoexplore": r_ge[2],
        "iterations_pygimli": r_pg[3], "iterations_geoexplore": r_ge[3],
        "picking_traces_per_s_synthetic": round(tps_syn, 1),
        "picking_traces_per_s_wghs": round(tps_real, 1),
        "data": "koenigsee.sgt (714 picks); picking: data/siping/refraction (SYNTHETIC), wghs-shot1.seg2",
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
