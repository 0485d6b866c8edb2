"""2D MT inversion time of the Siping synthetic (lean workflow default, optionally the full run).

    python benchmarks/mt_invert2d.py [--full] [--repeat N]

Reads data/siping/mt/edi (SYNTHETIC), places the stations on the model
profile, runs the per-station analysis and Occam 1D inversions (the warm
start) and the joint TE+TM SimPEG 2D inversion with the same settings as the
workflow's ``mt`` step, and checks the recovery against model.yaml (graben
fill depth at the centre, conductor edges at 1 km depth against F1 and
F2/F3).

Peer: the reference run of docs/mt-inversion.md ("joint + sensitivity
weights + Jacobi", plain SimPEG 0.25.2, coarse mesh, 16 stations x 16
periods, 100 ohm-m start, Pardiso): 477 s to chi2 0.92. ``ratio`` is
477 s over the lean run's wall time (higher is better); ``target`` is the
ratio at which the lean run fits the MT share of the demo budget (180 s).
The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import glob
import json
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
REFERENCE_S = 477.0
BUDGET_S = 180.0


def run(full: bool) -> dict:
    from geoexplore.core.geomodel import load_model
    from geoexplore.mt.invert2d import graben_metrics, prepare_profile, run_invert2d
    from geoexplore.mt.settings import Invert2DSettings

    model = load_model(ROOT / "data" / "siping" / "model.yaml")
    if full:
        s = Invert2DSettings(station_step=1, per_decade=4.0, period_min_s=0.003, dx_m=250.0, max_iter=20)
        paths = glob.glob(str(ROOT / "data/siping/mt/edi/*.edi"))
    else:
        s = Invert2DSettings(station_step=1, per_decade=2.0, period_min_s=0.01, max_iter=6)
        paths = glob.glob(str(ROOT / "data/siping/mt/edi/SP[0-3][02468].edi"))
    t0 = time.perf_counter()
    c0 = time.process_time()
    tfs, pts, m1 = prepare_profile(paths, model, station_step=1, invert_1d=s.warm_start)
    t1 = time.perf_counter()
    img = run_invert2d(tfs, s, model=model, phase_tensors=pts, models1d=m1)
    t2 = time.perf_counter()
    met = graben_metrics(img)
    spacing = float(np.median(np.diff(img["station_chainage_m"].values)))
    f1 = model.fault("F1").position(1000.0)
    f2, f3 = model.fault("F2").position(1000.0), model.fault("F3").position(1000.0)
    right_err = 0.0 if f2 <= met["edge_right_m"] <= f3 else min(abs(met["edge_right_m"] - f2), abs(met["edge_right_m"] - f3))
    return {
        "seconds_total": round(t2 - t0, 1), "seconds_prepare_1d": round(t1 - t0, 1), "seconds_2d": round(t2 - t1, 1),
        "cpu_seconds": round(time.process_time() - c0, 1),
        "chi2": round(float(img.attrs["chi2"]), 3), "chi2_te": round(float(img.attrs["chi2_te"]), 3),
        "chi2_tm": round(float(img.attrs["chi2_tm"]), 3), "iterations": int(img.attrs["iterations"]),
        "n_data": int(img.attrs["n_data"]), "n_parameters": int(img.attrs["n_parameters"]),
        "strike_deg": float(img.attrs["strike_deg"]),
        "fill_depth_m": met["fill_depth_m"], "fill_depth_error_pct": round(100 * (met["fill_depth_m"] / 2800.0 - 1), 1),
        "edge_nw_m": met["edge_left_m"], "edge_nw_error_m": round(abs(met["edge_left_m"] - f1), 0),
        "edge_se_m": met["edge_right_m"], "edge_se_error_m": round(right_err, 0), "station_spacing_m": spacing,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--full", action="store_true", help="also run the full inversion (all stations, 4 periods/decade, 250 m cells)")
    ap.add_argument("--repeat", type=int, default=1, help="repetitions of the lean run")
    a = ap.parse_args()
    lean = [run(False) for _ in range(max(a.repeat, 1))]
    for r in lean:
        print("lean", json.dumps(r), flush=True)
    best = min(lean, key=lambda r: r["seconds_total"])
    out = {
        "name": "mt_invert2d", "ratio": round(REFERENCE_S / best["seconds_total"], 3),
        "target": round(REFERENCE_S / BUDGET_S, 3),
        "peer": "reference plain-SimPEG coarse joint run, 477 s (docs/mt-inversion.md)",
        "lean_seconds": best["seconds_total"], "lean": best,
    }
    if a.full:
        full = run(True)
        print("full", json.dumps(full), flush=True)
        out["full_seconds"] = full["seconds_total"]
        out["full"] = full
    print(json.dumps(out))


if __name__ == "__main__":
    main()
