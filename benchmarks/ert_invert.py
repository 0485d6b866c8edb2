"""Benchmark: geoexplore's ERT inversion vs plain pyGIMLi with the same settings, same data, same process.

Cases: the real slagdump.ohm (38 electrodes, 222 data, topography) and the
96-electrode dipole-dipole SYNTHETIC Siping file (data/siping/ert). Both
sides get the same QC'd data (geometric factors, apparent resistivity,
errors), the same mesh parameters, lambda, zWeight and iteration limit,
and the same thread count (``set_threads``: all CPUs unless
GEOEXPLORE_BENCH_THREADS) on the forward operator (without it pyGIMLi
stalls on 2-CPU machines). DOI is off (plain pyGIMLi has none).

geoexplore runs its defaults: lambda control "auto" (a step overshooting the
target band is cut back by a line search: a few extra forward runs plain
pyGIMLi does not make) and the vectorised Jacobian
(:mod:`geoexplore.ert.sensitivity`). pyGIMLi stops at chi2 <= 1 or a dPhi
below 2 %. Where pyGIMLi overshoots, the two models differ by the overshoot,
not by the Jacobian; the Jacobian's own effect is checked in
tests/ert/test_sensitivity.py against ``jacobian="pygimli"``.

Equal result (issue 25: "at equal result"): after the timed runs, each case
is inverted once more, untimed, by today's reference path: geoexplore's
lambda control with every forward part pyGIMLi's own (``jacobian="pygimli"``:
``createSensitivityCol``, interpolated primary potentials, a solve for every
response) and the DOI on. "equal_result" holds when the timed geoexplore run
has the same final chi2 (within ``CHI2_ABS``) and its model is within 5 % in
log10 (max |dlog10| / |log10 ref|) of the reference inside the reference's
DOI mask (DOI index <= ``doi_threshold``). GEOEXPLORE_BENCH_REFERENCE=0 skips
the reference (slow on the Siping case: pyGIMLi's Jacobian).

Prints per case and, as the last line, one JSON object: "ratio" is
pyGIMLi time / geoexplore time (higher is better; target >= 1.5 per case,
issue 25), with the load average (``os.getloadavg``) before and after.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("GEOEXPLORE_SHARED_DATA", ROOT.parent / "shared" / "data"))
REPEAT = int(os.environ.get("GEOEXPLORE_BENCH_REPEAT", "2"))
THREADS = int(os.environ.get("GEOEXPLORE_BENCH_THREADS", "0")) or None
TARGET = 1.5
REFERENCE = os.environ.get("GEOEXPLORE_BENCH_REFERENCE", "1") != "0"
CHI2_ABS = 1e-3  # "same final chi2": thread summation order moves the 5th digit
MODEL_REL = 0.05  # model within 5 % in log10 inside the DOI mask


def equal_result(res, ref, threshold: float) -> dict:
    """chi2 and model of ``res`` against the reference run ``ref`` (DOI mask of ``ref``)."""
    import numpy as np

    inside = ref.doi_index <= threshold
    lf, lr = np.log10(res.resistivity_ohm_m), np.log10(ref.resistivity_ohm_m)
    rel = float(np.max(np.abs(lf - lr)[inside] / np.abs(lr[inside]))) if inside.any() else float("nan")
    out = {"chi2_reference": ref.chi2, "iterations_reference": ref.iterations,
           "cells_inside_doi_mask": int(inside.sum()), "max_rel_log10_difference_in_mask": rel,
           "max_abs_log10_difference_in_mask": float(np.max(np.abs(lf - lr)[inside])) if inside.any() else None}
    out["equal_result"] = bool(abs(res.chi2 - ref.chi2) <= CHI2_ABS and rel <= MODEL_REL)
    return out


def run_case(name: str, path: Path) -> dict:
    import numpy as np

    from geoexplore.core.gimli import import_pygimli, set_threads
    from geoexplore.ert import io
    from geoexplore.ert.inversion import invert_resistivity as invert
    from geoexplore.ert.qc import quality_control as run_qc
    from geoexplore.ert.settings import InversionSettings, QCSettings

    import_pygimli()
    from pygimli.physics import ert

    data, _ = run_qc(io.read(path), QCSettings())
    s = InversionSettings(doi=False, threads=THREADS)
    load0 = os.getloadavg()
    t_geo, t_pg, chi_geo, chi_pg, it_geo, it_pg = [], [], [], [], [], []
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        res = invert(data, s)
        t_geo.append(time.perf_counter() - t0)
        chi_geo.append(res.chi2)
        it_geo.append(res.iterations)

        t0 = time.perf_counter()
        dc = data.to_pygimli()
        mgr = ert.ERTManager(dc, verbose=False)
        n_threads = set_threads(THREADS, mgr.fop)
        mgr.invert(lam=s.lam, zWeight=s.z_weight, maxIter=s.max_iter, paraDX=s.para_dx, quality=s.quality,
                   verbose=False)
        t_pg.append(time.perf_counter() - t0)
        chi_pg.append(float(mgr.inv.chi2()))
        it_pg.append(len(mgr.inv.chi2History) - 1)
        model_pg = np.asarray(mgr.paraModel(mgr.fw.model))
    diff = float(np.max(np.abs(np.log10(res.resistivity_ohm_m) - np.log10(model_pg))))
    load1 = os.getloadavg()
    print(json.dumps({"case": name, "timed": True, "t_geoexplore_s": min(t_geo), "t_pygimli_s": min(t_pg),
                      "ratio": min(t_pg) / min(t_geo), "chi2_geoexplore": chi_geo[-1], "chi2_pygimli": chi_pg[-1],
                      "loadavg_before": load0, "loadavg_after": load1}), flush=True)  # before the slow reference
    check = {}
    if REFERENCE:
        ref = invert(data, InversionSettings(threads=THREADS, jacobian="pygimli"))
        check = equal_result(res, ref, s.doi_threshold)
    out = {"case": name, "n_data": data.n_data, "t_geoexplore_s": min(t_geo), "t_pygimli_s": min(t_pg),
           "chi2_geoexplore": chi_geo[-1], "chi2_pygimli": chi_pg[-1], "iterations_geoexplore": it_geo[-1],
           "iterations_pygimli": it_pg[-1], "max_abs_log10_model_difference": diff,
           "ratio": min(t_pg) / min(t_geo), "threads": n_threads, "lambda_control": s.lambda_control,
           "jacobian": s.jacobian, "jacobians_geoexplore": res.jacobians, "stop_reason_geoexplore": res.stop_reason,
           "loadavg_before": load0, "loadavg_after_timed_runs": load1, **check}
    print(json.dumps(out), flush=True)
    return out


def main() -> int:
    cases = [("slagdump.ohm", SHARED / "ert" / "slagdump.ohm"),
             ("siping-dd-96 (synthetic)", ROOT / "data" / "siping" / "ert" / "siping-ert-dd.dat")]
    only = os.environ.get("GEOEXPLORE_BENCH_CASES", "")  # comma-separated substrings of the case names
    if only:
        cases = [c for c in cases if any(w and w in c[0] for w in only.split(","))]
    results = [run_case(n, p) for n, p in cases if p.exists()]
    if not results:
        print("no benchmark data found", file=sys.stderr)
        return 1
    t_geo = sum(r["t_geoexplore_s"] for r in results)
    t_pg = sum(r["t_pygimli_s"] for r in results)
    summary = {"name": "ert_invert", "ratio": t_pg / t_geo, "target": TARGET,
               "target_met_every_case": all(r["ratio"] >= TARGET for r in results), "t_geoexplore_s": t_geo,
               "t_pygimli_s": t_pg, "repeat": REPEAT,
               "chi2": {r["case"]: [r["chi2_geoexplore"], r["chi2_pygimli"]] for r in results},
               "max_abs_log10_model_difference": max(r["max_abs_log10_model_difference"] for r in results),
               "equal_result_every_case": (all(r.get("equal_result", False) for r in results) if REFERENCE
                                           else None),
               "cases": results}
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
