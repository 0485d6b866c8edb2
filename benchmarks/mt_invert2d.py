"""2D MT inversion time of the Siping synthetic (lean workflow default, optionally the full run).

    python benchmarks/mt_invert2d.py [--full] [--repeat N] [--workers N [N ...]]

With ``--solvers``: Pardiso against SuperLU in this process (forward and
getJ of the start model); with ``--contention``: one task alone against two
at once in separate processes (wall and CPU time).

With ``--workers``, the full setting (``--full``) or else the lean one is
also inverted on a LocalCluster of N worker processes for each N given
(the distributed inversion, :mod:`geoexplore.mt.invert2d_dask`; the 1D warm
start is prepared once, outside the timing). It prints per run the wall time of
the 2D inversion, the speed-up against 1 worker when 1 was among the N, the
largest model difference between the runs (log10 ohm-m), the per-(mode,
frequency) task-time table of the first run, and the speed-up projected on
2, 8 and 32 workers from that table: critical path = the largest per-worker
sum of task times with the tasks assigned longest first by their measured
times (:func:`geoexplore.mt.invert2d_dask.lpt_assign`; the inversion itself
assigns by modelled cost, equal per task), plus the measured
serial part (inversion wall time minus the busiest worker's task time).
Per task it also records the task thread's CPU time and run-queue wait
(:mod:`geoexplore.mt.invert2d_clock`), and per run the CPU of every thread
of the client process (with the LocalCluster's scheduler and nannies) and
of every worker; ``--variants`` runs other paths (unfused products, Dask's
profiler on, ...) in the same script run, each on every worker count. The
2-worker line ends with ``target met`` or ``target NOT met`` (1.8x).
The load average is printed with every timing: on a shared machine it is
not the idle figure.

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
import os
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
REFERENCE_S = 477.0
BUDGET_S = 180.0


def setting(full: bool) -> tuple:
    """(settings, EDI paths) of the full or the lean run."""
    from geoexplore.mt.settings import Invert2DSettings

    if full:
        s = Invert2DSettings(station_step=1, per_decade=4.0, period_min_s=0.003, dx_m=250.0, max_iter=20)
        return s, glob.glob(str(ROOT / "data/siping/mt/edi/*.edi"))
    s = Invert2DSettings(station_step=1, per_decade=2.0, period_min_s=0.01, max_iter=6)
    return s, glob.glob(str(ROOT / "data/siping/mt/edi/SP[0-3][02468].edi"))


def run(full: bool) -> dict:
    from geoexplore.core.geomodel import load_model
    from geoexplore.mt.invert2d import graben_metrics, prepare_profile, run_invert2d

    model = load_model(ROOT / "data" / "siping" / "model.yaml")
    s, paths = setting(full)
    s = s.model_copy(update={"distribute": "off"})
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


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg()) + f" on {os.cpu_count()} CPUs"


VARIANTS = {
    # name: (fused Hessian product, shards up to which the partial sums are added on the head, Dask's profiler
    # on the workers, how tasks go to shards)
    "fused": (True, 8, False, "lpt"),  # the inversion's default on geoexplore's LocalCluster
    "unfused": (False, 0, False, "lpt"),  # Jvec and Jtvec round trips, the partial sums added on the workers
    "fused-tree": (True, 0, False, "lpt"),  # fused, the partial sums still added on the workers
    "profiler": (True, 8, True, "lpt"),  # fused, with Dask's statistical profiler on the workers (Dask's default)
    "before": (False, 0, True, "contiguous"),  # the fourth session's path: unfused, profiler on, consecutive cut
    "contiguous": (True, 8, False, "contiguous"),  # fused, tasks cut into consecutive runs (the fifth session's cut)
}


def _pids(c) -> dict:
    """Worker address -> (worker pid, nanny pid or None)."""
    import psutil

    out = {}
    for addr, pid in c.run(os.getpid).items():
        parent = psutil.Process(pid).parent()
        out[addr] = (pid, parent.pid if parent is not None and parent.pid != os.getpid() else None)
    return out


def _clocks(pids: dict) -> dict:
    from geoexplore.mt.invert2d_clock import process_clock

    out = {"client, scheduler, nannies": process_clock()}  # a LocalCluster runs the last two in this process
    for addr, (w, n) in pids.items():
        out["worker " + addr] = process_clock(w)
        if n is not None:
            out["nanny " + addr] = process_clock(n)
    return out


def _one_run(tfs, pts, m1, s, model, n: int, variant: str) -> tuple:
    """One distributed inversion on a fresh LocalCluster of ``n`` workers; (row, image)."""
    from distributed import Client

    from geoexplore.mt import invert2d_dask as dd
    from geoexplore.mt.invert2d import run_invert2d
    from geoexplore.mt.invert2d_clock import clock_delta
    from geoexplore.pipeline.cluster import local_cluster

    fused, head_max, profiler, assign = VARIANTS[variant]
    dd.FUSE_HESSIAN, dd.REDUCE_ON_HEAD_MAX, dd.ASSIGN = fused, head_max, assign
    timings: list = []
    cl = local_cluster(n, memory_limit=0, worker_profile=profiler)
    c = Client(cl)
    try:
        pids = _pids(c)
        before = _clocks(pids)
        t0 = time.perf_counter()
        img = run_invert2d(tfs, s, model=model, phase_tensors=pts, models1d=m1, client=c, timings=timings)
        wall = time.perf_counter() - t0
        after = _clocks(pids)
    finally:
        try:  # a close that times out on a loaded machine must not lose the measurement
            c.close()
            cl.close(timeout=120)
        except (TimeoutError, OSError) as exc:
            print(f"warning: closing the LocalCluster: {type(exc).__name__} {exc}", flush=True)
    dd.FUSE_HESSIAN, dd.REDUCE_ON_HEAD_MAX, dd.ASSIGN = (VARIANTS["fused"][0], VARIANTS["fused"][1],
                                                         VARIANTS["fused"][3])
    per_worker: dict = {}
    for t in timings:
        t["total"] = sum(t[k] for k in OPS)
        t["total_cpu"] = sum(t["cpu"][k] for k in OPS)
        t["total_wait"] = sum(t["wait"][k] for k in OPS)
        acc = per_worker.setdefault(t["worker"], [0.0, 0.0, 0.0])
        for i, k in enumerate(("total", "total_cpu", "total_wait")):
            acc[i] += t[k]
    busiest = max(per_worker, key=lambda w: per_worker[w][0])
    inv_s = float(img.attrs["seconds"])
    procs = {k: {q: round(v, 1) for q, v in clock_delta(before[k], after[k]).items()} for k in before}
    row = {"variant": variant, "workers": n, "seconds_2d": round(wall, 1), "seconds_inversion": round(inv_s, 1),
           "busiest_worker_task_s": round(per_worker[busiest][0], 1),
           "busiest_worker_task_cpu_s": round(per_worker[busiest][1], 1),
           "busiest_worker_task_wait_s": round(per_worker[busiest][2], 1),
           "serial_part_s": round(inv_s - per_worker[busiest][0], 1),
           "per_worker_task_s": {w: [round(x, 1) for x in v] for w, v in per_worker.items()},
           "iterations": int(img.attrs["iterations"]), "chi2": round(float(img.attrs["chi2"]), 4),
           "processes": procs, "load": load(), "timings": timings}
    print(f"[{variant}] workers {n}: 2D inversion {wall:.1f} s (inversion proper {inv_s:.1f} s; busiest worker's tasks "
          f"{row['busiest_worker_task_s']} s wall = {row['busiest_worker_task_cpu_s']} s CPU + "
          f"{row['busiest_worker_task_wait_s']} s run-queue wait + the rest; serial part {row['serial_part_s']} s), "
          f"{row['iterations']} iterations, chi2 {row['chi2']}; {load()}", flush=True)
    for k, v in procs.items():
        print(f"    {k:>28s}: CPU {v['cpu_s']:7.1f} s (busiest thread {v['top_thread_cpu_s']:7.1f} s, other threads "
              f"{v['other_threads_cpu_s']:6.1f} s), run-queue wait {v['wait_s']:6.1f} s", flush=True)
    for w in sorted(per_worker):  # where each worker's task CPU went, by operation and mode
        mine = [t for t in timings if t["worker"] == w]
        ops = "  ".join(f"{k} {sum(t['cpu'][k] for t in mine):6.1f}" for k in OPS)
        modes = "  ".join(f"{m} {sum(t['total_cpu'] for t in mine if t['mode'] == m):6.1f} s "
                          f"({sum(t['mode'] == m for t in mine)} tasks)" for m in ("te", "tm"))
        print(f"    task CPU on {w}: {ops}; {modes}", flush=True)
    return row, img


OPS = ("fields", "dpred", "getJ", "Jvec", "Jtvec")


def run_workers(full: bool, counts: list[int], max_iter: int | None = None, variants: tuple = ("fused",)) -> dict:
    """The distributed 2D inversion on LocalClusters of each worker count (and variant); speed-ups, task table,
    projection, and where the CPU went (per task: wall, CPU, run-queue wait; per process: client, workers, nannies)."""
    from geoexplore.core.geomodel import load_model
    from geoexplore.mt.invert2d import prepare_profile

    model = load_model(ROOT / "data" / "siping" / "model.yaml")
    s, paths = setting(full)
    if max_iter:
        s = s.model_copy(update={"max_iter": int(max_iter)})
    tfs, pts, m1 = prepare_profile(paths, model, station_step=1, invert_1d=s.warm_start)
    runs, images = {}, {}
    for v in variants:
        for n in counts:  # 1 and N of one variant back to back: their ratio is taken under about the same load
            runs[v, n], images[v, n] = _one_run(tfs, pts, m1, s, model, n, v)
            print("run", json.dumps({k: x for k, x in runs[v, n].items() if k != "timings"}, default=str), flush=True)
    out: dict = {"runs": [{k: x for k, x in r.items() if k != "timings"} for r in runs.values()]}
    first = images[variants[0], counts[0]]
    for (v, n), r, row in zip(runs, runs.values(), out["runs"]):
        d = float(np.nanmax(np.abs(np.log10(images[v, n]["resistivity_ohm_m"].values / first["resistivity_ohm_m"].values))))
        row["max_dlog10_rho_vs_first"] = d
        if (v, 1) in runs and n != 1:
            sp = runs[v, 1]["seconds_2d"] / r["seconds_2d"]
            tasks = runs[v, 1]["busiest_worker_task_s"] / 2 / r["busiest_worker_task_s"]
            cpu = r["busiest_worker_task_cpu_s"] / (runs[v, 1]["busiest_worker_task_cpu_s"] / n)
            row["speedup_vs_1"] = round(sp, 3)
            met = "" if n != 2 else (", target met" if sp >= 1.8 else ", target NOT met")
            print(f"[{v}] speed-up {n} workers vs 1: {sp:.2f}x (target 1.8x for 2{met}); busiest worker's task CPU "
                  f"x{cpu:.3f} of 1/{n} of the 1-worker run's, task wall x{1 / tasks:.3f}; max |d log10 rho| against "
                  f"[{variants[0]}] {counts[0]} worker(s) {d:.2e}", flush=True)
    base = runs.get((variants[0], 1), runs[variants[0], counts[0]])
    _task_table(base)
    tasks = np.array([t["total"] for t in base["timings"]])  # one worker: one shard, the canonical task order
    serial = base["serial_part_s"] if base["workers"] == 1 else base["seconds_inversion"] - base["busiest_worker_task_s"]
    print(f"sum of tasks {tasks.sum():.1f} s, longest task {tasks.max():.1f} s, serial part {serial:.1f} s "
          f"({serial / max(base['iterations'], 1):.1f} s per iteration)")
    from geoexplore.mt.invert2d_dask import project_speedup

    out["projection"] = [project_speedup(tasks, serial, k) for k in (2, 8, 32)]
    for p in out["projection"]:
        print(f"projected on {p['n_workers']:>2} workers: {p['wall_s']:.1f} s, speed-up {p['speedup']:.2f}x, "
              f"efficiency {p['efficiency']:.2f}")
    out["task_table"] = [{k: (round(v, 3) if isinstance(v, float) else v) for k, v in t.items()} for t in base["timings"]]
    return out


def _task_table(base: dict) -> None:
    print(f"\nper-(mode, frequency) task seconds over the whole inversion ([{base['variant']}] {base['workers']} worker "
          f"run; {base['load']})")
    print(f"{'mode':>4} {'period_s':>10} {'fields':>8} {'dpred':>7} {'getJ':>8} {'Jvec':>7} {'Jtvec':>7} {'total':>8} "
          f"{'CPU':>8} {'wait':>6}  calls fields/getJ/Jvec/Jtvec")
    for t in sorted(base["timings"], key=lambda t: (t["mode"], -t["frequency_hz"])):
        n = t.get("calls", {})
        print(f"{t['mode']:>4} {1 / t['frequency_hz']:10.4g} {t['fields']:8.2f} {t['dpred']:7.2f} {t['getJ']:8.2f} "
              f"{t['Jvec']:7.2f} {t['Jtvec']:7.2f} {t['total']:8.2f} {t['total_cpu']:8.2f} {t['total_wait']:6.2f}  "
              + "/".join(str(n.get(k, "-")) for k in ("fields", "getJ", "Jvec", "Jtvec")))


def forward_solvers(full: bool) -> dict:
    """Pardiso against SuperLU in this process: one TE+TM forward (fields + dpred) and sensitivity (getJ) of
    the inversion's start model (the stitched 1D models) on the inversion mesh; times and rho_a/phase agreement."""
    from geoexplore.core.geomodel import load_model
    from geoexplore.mt.invert2d import (
        inversion_mesh,
        prepare_profile,
        profile_data,
        stitched_start,
    )
    from geoexplore.mt.mesh2d import active_cells
    from geoexplore.mt.simpeg2d import (
        SOLVER_ENV,
        active_mapping,
        blas_threads,
        make_simulation,
        unpack,
    )

    model = load_model(ROOT / "data" / "siping" / "model.yaml")
    s, paths = setting(full)
    tfs, _, m1 = prepare_profile(paths, model, station_step=1, invert_1d=True)
    data = profile_data(tfs, strike_deg=s.strike_deg or 0.0, period_min_s=s.period_min_s, period_max_s=s.period_max_s,
                        per_decade=s.per_decade, station_step=s.station_step, floor_rho=s.floor_rho,
                        floor_phase_deg=s.floor_phase_deg, modes=tuple(s.modes))
    mesh = inversion_mesh(data.chainage_m.min(), data.chainage_m.max(), dx_m=s.dx_m, dz_top_m=s.dz_top_m,
                          dz_max_m=s.dz_max_m, core_depth_m=s.core_depth_m)
    act = active_cells(mesh)
    ch = np.array([float(m.attrs["chainage_m"]) for m in m1])
    m = stitched_start(mesh, act, ch, [(x["top_m"].values, x["resistivity_ohm_m"].values) for x in m1])
    out: dict = {"setting": "full" if full else "lean", "n_cells": int(mesh.n_cells), "n_parameters": int(act.sum()),
                 "n_freq": int(data.period_s.size), "n_stations": int(data.chainage_m.size)}
    pred: dict = {}
    for name in ("splu", "pardiso"):
        os.environ[SOLVER_ENV] = name
        t_f = t_j = 0.0
        with blas_threads(1):
            for mode in ("te", "tm"):
                sim = make_simulation(mesh, mode, 1 / data.period_s, data.chainage_m, mapping=active_mapping(mesh, act))
                t0 = time.perf_counter()
                d = sim.dpred(m)
                t1 = time.perf_counter()
                sim.getJ(m)
                t_f += t1 - t0
                t_j += time.perf_counter() - t1
                pred[name, mode] = unpack(d, data.period_s.size, data.chainage_m.size)
                del sim
        out[name] = {"forward_s": round(t_f, 2), "getJ_s": round(t_j, 2), "solver": sim_solver(name).__name__}
        print(f"{name:8s} forward TE+TM {t_f:7.2f} s, getJ {t_j:7.2f} s; {load()}", flush=True)
    os.environ.pop(SOLVER_ENV, None)
    out["rho_max_rel_diff"] = max(float(np.max(np.abs(pred["pardiso", k][0] / pred["splu", k][0] - 1))) for k in ("te", "tm"))
    out["phase_max_abs_diff_deg"] = max(float(np.max(np.abs(pred["pardiso", k][1] - pred["splu", k][1])))
                                        for k in ("te", "tm"))
    out["ratio_forward"] = round(out["splu"]["forward_s"] / out["pardiso"]["forward_s"], 2)
    out["ratio_forward_getJ"] = round((out["splu"]["forward_s"] + out["splu"]["getJ_s"])
                                      / (out["pardiso"]["forward_s"] + out["pardiso"]["getJ_s"]), 2)
    print(f"Pardiso vs SuperLU ({out['setting']}): forward {out['ratio_forward']}x, forward+getJ "
          f"{out['ratio_forward_getJ']}x; max |rho_a ratio - 1| {out['rho_max_rel_diff']:.2e}, "
          f"max |d phase| {out['phase_max_abs_diff_deg']:.2e} deg", flush=True)
    return out


def _one_task(args: tuple) -> tuple:
    """In a fresh process: one (mode, frequency) task of the full setting's mesh (factorise + dpred + getJ),
    ``reps`` times; (wall s, CPU s) per repetition."""
    full, mode, freq, reps, solver = args
    os.environ[SOLVER_ENV_NAME] = solver
    from geoexplore.mt.invert2d import inversion_mesh
    from geoexplore.mt.mesh2d import active_cells
    from geoexplore.mt.simpeg2d import active_mapping, blas_threads, make_simulation

    s, _ = setting(full)
    x = np.arange(0.0, 30001.0, 1000.0)
    mesh = inversion_mesh(x.min(), x.max(), dx_m=s.dx_m, dz_top_m=s.dz_top_m, dz_max_m=s.dz_max_m,
                          core_depth_m=s.core_depth_m)
    act = active_cells(mesh)
    m = np.full(int(act.sum()), np.log(1 / 100.0))
    out = []
    with blas_threads(1):
        for r in range(reps):
            sim = make_simulation(mesh, mode, [freq], x, mapping=active_mapping(mesh, act))
            t0, c0 = time.perf_counter(), time.process_time()
            sim.dpred(m + 1e-3 * r)
            sim.getJ(m + 1e-3 * r)
            out.append((time.perf_counter() - t0, time.process_time() - c0))
    return out


SOLVER_ENV_NAME = "GEOEXPLORE_MT2D_SOLVER"


def contention(full: bool, reps: int = 3) -> dict:
    """Per-task wall and CPU time of one process alone against two processes at once (no Dask)."""
    import multiprocessing as mp

    res: dict = {}
    for solver in ("splu", "pardiso"):
        ctx = mp.get_context("spawn")
        with ctx.Pool(1) as p:
            alone = p.map(_one_task, [(full, "tm", 1.0, reps, solver)])[0]
        with ctx.Pool(2) as p:
            pair = p.map(_one_task, [(full, "tm", 1.0, reps, solver), (full, "te", 1.0, reps, solver)])
        both = [t for run in pair for t in run]
        a_w, a_c = np.median([t[0] for t in alone]), np.median([t[1] for t in alone])
        b_w, b_c = np.median([t[0] for t in both]), np.median([t[1] for t in both])
        res[solver] = {"alone_wall_s": round(a_w, 2), "alone_cpu_s": round(a_c, 2), "pair_wall_s": round(b_w, 2),
                       "pair_cpu_s": round(b_c, 2), "wall_ratio": round(b_w / a_w, 3), "cpu_ratio": round(b_c / a_c, 3)}
        print(f"{solver:8s} one task alone {a_w:.2f} s wall / {a_c:.2f} s CPU; two at once {b_w:.2f} s / {b_c:.2f} s "
              f"(wall x{b_w / a_w:.2f}, CPU x{b_c / a_c:.2f}); {load()}", flush=True)
    return res


def sim_solver(name: str) -> object:
    from geoexplore.mt.simpeg2d import solver_class

    return solver_class(name)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--full", action="store_true", help="also run the full inversion (all stations, 4 periods/decade, 250 m cells)")
    ap.add_argument("--repeat", type=int, default=1, help="repetitions of the lean run")
    ap.add_argument("--workers", type=int, nargs="+", help="run the distributed inversion on a LocalCluster of each "
                    "worker count (of the full setting with --full, else the lean one) instead of the serial runs")
    ap.add_argument("--variants", nargs="+", default=["fused"], choices=sorted(VARIANTS),
                    help="with --workers: the distributed variants to run, each on every worker count (fused: the "
                    "default; unfused: Jvec and Jtvec round trips; fused-tree: fused, partial sums added on the workers; "
                    "profiler: fused with Dask's worker profiler on; before: unfused with the profiler on, consecutive cut; "
                    "contiguous: fused, tasks cut into consecutive runs instead of longest first)")
    ap.add_argument("--max-iter", type=int, help="with --workers: stop after this many Gauss-Newton iterations "
                    "(a shorter measurement of the same per-iteration work)")
    ap.add_argument("--solvers", action="store_true", help="compare Pardiso with SuperLU in this process (forward "
                    "and getJ of the start model, lean setting, and the full one with --full) instead of inverting")
    ap.add_argument("--contention", action="store_true", help="time one (mode, frequency) task alone and two at "
                    "once in separate processes (wall and CPU; full setting's mesh with --full)")
    a = ap.parse_args()
    if a.contention:
        print(json.dumps({"name": "mt_invert2d_contention", "full": a.full, "runs": contention(a.full)}))
        return
    if a.solvers:
        res = [forward_solvers(False)] + ([forward_solvers(True)] if a.full else [])
        print(json.dumps({"name": "mt_invert2d_solvers", "runs": res}))
        return
    if a.workers:
        res = run_workers(a.full, a.workers, a.max_iter, tuple(a.variants))
        print(json.dumps({"name": "mt_invert2d_dask", "full": a.full, "max_iter": a.max_iter, **res}, default=str))
        return
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
