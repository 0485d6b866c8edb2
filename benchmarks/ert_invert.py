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
    out = {"case": name, "n_data": data.n_data, "t_geoexplore_s": min(t_geo), "t_pygimli_s": min(t_pg),
           "chi2_geoexplore": chi_geo[-1], "chi2_pygimli": chi_pg[-1], "iterations_geoexplore": it_geo[-1],
           "iterations_pygimli": it_pg[-1], "max_abs_log10_model_difference": diff,
           "ratio": min(t_pg) / min(t_geo), "threads": n_threads, "lambda_control": s.lambda_control,
           "jacobian": s.jacobian, "loadavg_before": load0, "loadavg_after": os.getloadavg()}
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
               "cases": results}
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
