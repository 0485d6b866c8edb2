"""Scaling of the per-station parts of the Siping workflow on Dask.

Runs the per-station steps (microtremor H/V per record, MT transfer functions
per station) for 1, 2 and 4 times the Siping stations on 1 and 2 worker
processes, through the real runner (LocalCluster, project store, provenance).
Prints, per case, wall time, the sum of task times measured inside the tasks,
and the per-task overhead: (wall x workers - sum of task times) / tasks,
as a fraction of the mean task time (target: below 5 %).

The peer is the same kernels called in a plain loop in this process (no Dask,
no store): "ratio" is loop time / geoexplore time on 2 workers for 4x the
stations (higher is better; 2 workers can give at most about 2).

    python benchmarks/dask_scaling.py [--reps 1]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIPING = ROOT / "data" / "siping"

PARTS = {
    "microtremor.hvsr": ("microtremor/hv_*.mseed", "microtremor"),
    "mt.tf": ("mt/timeseries/*.mseed", "mt/timeseries"),
}


def _settings_from_workflow(step_name: str) -> dict:
    import yaml

    wf = yaml.safe_load((ROOT / "workflows" / "siping-segment.yaml").read_text())
    for s in wf["steps"]:
        if s["step"] == step_name:
            return dict(s.get("settings") or {})
    return {}


def make_input(tmp: Path, factor: int) -> Path:
    """An input folder holding the Siping station files `factor` times (copies under new names)."""
    inp = tmp / f"x{factor}"
    for sub in ("microtremor", "mt/timeseries"):
        src = SIPING / sub
        dst = inp / sub
        dst.mkdir(parents=True, exist_ok=True)
        for f in src.iterdir():
            if f.is_file() and f.suffix != ".mseed":
                shutil.copy(f, dst / f.name)
        for k in range(factor):
            for f in sorted(src.glob("*.mseed")):
                name = f.name if k == 0 else f"{f.stem}-copy{k}{f.suffix}"
                shutil.copy(f, dst / name)  # copies: workflow inputs may not be links leaving the input folder
        if (src / "array").is_dir() and not (dst / "array").exists():
            shutil.copytree(src / "array", dst / "array")
    shutil.copy(SIPING / "model.yaml", inp / "model.yaml")
    return inp


def workflow_text(step_name: str, glob: str, settings: dict) -> str:
    import yaml

    return yaml.safe_dump({
        "workflow": f"scaling-{step_name}",
        "line": "shallow",
        "steps": [{"id": "part", "step": step_name, "foreach": {"glob": glob}, "settings": settings}],
    })


def run_case(tmp: Path, inp: Path, step_name: str, glob: str, settings: dict, workers: int) -> dict:
    from distributed import Client, LocalCluster

    from geoexplore.core.store import ProjectStore
    from geoexplore.pipeline.runner import run_workflow
    from geoexplore.pipeline.workflow import load_workflow

    wf_path = tmp / f"wf-{step_name}.yaml"
    wf_path.write_text(workflow_text(step_name, glob, settings))
    wf = load_workflow(wf_path, input_dir=inp)
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address="127.0.0.1:0") as cl, Client(cl) as c:
        c.run(lambda: __import__("geoexplore.pipeline.step", fromlist=["get_step"]).get_step(step_name))  # warm imports
        out = tmp / f"out-{step_name}-{workers}-{inp.name}"
        t0 = time.perf_counter()
        rep = run_workflow(wf, out, client=c, figures=False, progress=lambda s: None)
        wall = time.perf_counter() - t0
    provs = ProjectStore(out / "project.h5").provenances()
    task_times = [p["elapsed_s"] for p in provs.values()]
    n = len(task_times)
    busy = sum(task_times)
    overhead = (wall * workers - busy) / max(n, 1)
    return {
        "step": step_name, "stations": n, "workers": workers, "failed": len(rep.failed), "wall_s": round(wall, 3),
        "task_time_sum_s": round(busy, 3), "mean_task_s": round(busy / max(n, 1), 4),
        "overhead_per_task_s": round(overhead, 4), "overhead_fraction": round(overhead / max(busy / max(n, 1), 1e-9), 4),
    }


def plain_loop(inp: Path, step_name: str, glob: str, settings: dict) -> float:
    from geoexplore.pipeline.step import StepContext, get_step

    spec = get_step(step_name)
    s = spec.settings.from_mapping(settings)
    files = sorted(inp.glob(glob))
    t0 = time.perf_counter()
    for f in files:
        spec(StepContext(step_id="part", item=f.stem, item_value=str(f), input_dir=inp, line="shallow"), s)
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--factors", default="1,2,4")
    args = ap.parse_args()
    factors = [int(f) for f in args.factors.split(",")]
    rows = []
    with tempfile.TemporaryDirectory(prefix="ge-scaling-") as t:
        tmp = Path(t)
        inputs = {f: make_input(tmp, f) for f in factors}
        for step_name, (glob, _) in PARTS.items():
            settings = _settings_from_workflow(step_name)
            for f in factors:
                for w in (1, 2):
                    row = run_case(tmp, inputs[f], step_name, glob, settings, w)
                    row["factor"] = f
                    rows.append(row)
                    print(json.dumps(row), flush=True)
        big = max(factors)
        loop_s = sum(plain_loop(inputs[big], s, g, _settings_from_workflow(s)) for s, (g, _) in PARTS.items())
    ge_2 = sum(r["wall_s"] for r in rows if r["factor"] == big and r["workers"] == 2)
    ge_1 = sum(r["wall_s"] for r in rows if r["factor"] == big and r["workers"] == 1)
    worst_overhead = max(r["overhead_fraction"] for r in rows if r["factor"] == big)
    print(json.dumps({
        "name": "dask_scaling",
        "ratio": round(loop_s / ge_2, 3),
        "target": "overhead_fraction < 0.05; speedup_2_over_1 close to 2",
        "plain_loop_s": round(loop_s, 3),
        "geoexplore_2_workers_s": round(ge_2, 3),
        "geoexplore_1_worker_s": round(ge_1, 3),
        "speedup_2_over_1": round(ge_1 / ge_2, 3),
        "worst_overhead_fraction_at_largest": worst_overhead,
        "stations_largest": sum(r["stations"] for r in rows if r["factor"] == big and r["workers"] == 2),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
