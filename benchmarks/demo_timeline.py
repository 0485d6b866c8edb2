"""The demo's per-worker timeline: which task ran where and when, the idle gaps, the critical path.

Runs ``workflows/siping-segment.yaml`` (what ``geoexplore demo`` runs) on a local cluster of
``--workers`` workers under Dask's task stream, then prints

* one line per task in start order per worker (start and end in s from the first task, step, item,
  figure or item), the longest ones marked;
* per worker: busy and idle seconds, and the idle gaps over 1 s;
* the chain of the three inversions (MT 2D, ERT, refraction tomography): when each became ready
  (its last input's task ended), when it started and ended, and what ran on its worker in between;
* CPU per group from ``run.json`` (items by step, figures by step).

Wall seconds on a shared machine follow its load: print ``uptime`` with them. CPU from run.json is
the robust figure. The run's outputs go to ``--out`` (default a temporary folder).

Usage::

    PYTHONPATH=$PWD python benchmarks/demo_timeline.py --out demo-tl [--workers 2] [--json tl.json]
    PYTHONPATH=$PWD python benchmarks/demo_timeline.py --from-json tl.json      # print a saved timeline again
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from collections import defaultdict
from pathlib import Path

INVERSIONS = ("mt", "ert", "refraction")  # step ids of the demo's three long inversions (one task each)


def run_demo(out: Path, workers: int) -> dict:
    """Run the demo under a task stream; returns ``{"tasks": [...], "run": run.json}``."""
    from distributed import get_task_stream

    from geoexplore.pipeline.cluster import open_client
    from geoexplore.pipeline.runner import run_workflow
    from geoexplore.pipeline.workflow import load_workflow

    wf = load_workflow(Path(__file__).resolve().parents[1] / "workflows" / "siping-segment.yaml")
    with open_client(n_workers=workers, cluster_config=dict(wf.cluster)) as client:
        with get_task_stream(client) as ts:
            run_workflow(wf, out, client=client, progress=lambda s: None)
        tasks = []
        for t in ts.data:
            comp = {s["action"]: (s["start"], s["stop"]) for s in t["startstops"]}
            if "compute" not in comp:
                continue
            tasks.append({"key": str(t["key"]), "worker": t["worker"], "start": comp["compute"][0], "stop": comp["compute"][1],
                          "status": t.get("status")})
    run = json.loads((out / "run.json").read_text())
    return {"tasks": tasks, "run": run}


def label(key: str) -> tuple[str, str]:
    """(kind, step id) of a Dask key the runner made: ``figure-<store key>-<ns>`` or ``<step id>-<item>-<hash>``."""
    if key.startswith("figure-"):
        parts = key[len("figure-"):].rsplit("-", 1)[0].split("-")
        return "figure", "-".join(parts)
    return "item", key.rsplit("-", 1)[0].removesuffix("-all")


def analyse(data: dict, gap_s: float = 1.0) -> str:
    tasks = sorted(data["tasks"], key=lambda t: t["start"])
    if not tasks:
        return "no tasks recorded"
    t0 = tasks[0]["start"]
    lines = []
    by_worker: dict[str, list[dict]] = defaultdict(list)
    for t in tasks:
        by_worker[t["worker"]].append(t)
    end = max(t["stop"] for t in tasks) - t0
    lines.append(f"{len(tasks)} tasks on {len(by_worker)} workers, first start to last end {end:.1f} s")
    names = {w: f"W{i}" for i, w in enumerate(sorted(by_worker))}
    for w, ts in sorted(by_worker.items()):
        busy = sum(t["stop"] - t["start"] for t in ts)
        gaps = []
        prev = 0.0
        for t in ts:
            if t["start"] - t0 - prev > gap_s:
                gaps.append((prev, t["start"] - t0))
            prev = max(prev, t["stop"] - t0)
        fig = sum(t["stop"] - t["start"] for t in ts if t["key"].startswith("figure-"))
        lines.append(f"{names[w]} {w}: busy {busy:.1f} s (figures {fig:.1f} s), idle {end - busy:.1f} s, "
                     f"last end {prev:.1f} s; gaps > {gap_s:g} s: "
                     + (", ".join(f"{a:.1f}-{b:.1f}" for a, b in gaps) or "none"))
    lines.append("")
    lines.append("per worker (start-end s, kind, key); tasks over 5 s marked *")
    for w, ts in sorted(by_worker.items()):
        lines.append(f"-- {names[w]}")
        for t in ts:
            d = t["stop"] - t["start"]
            kind, _ = label(t["key"])
            lines.append(f"  {t['start'] - t0:7.1f} {t['stop'] - t0:7.1f} {d:6.1f}{'*' if d > 5 else ' '} {kind:6s} {t['key'][:90]}")
    lines.append("")
    lines.append("the inversions:")
    for sid in INVERSIONS:
        mine = [t for t in tasks if label(t["key"]) == ("item", sid)]
        for t in mine:
            w = t["worker"]
            before = [u for u in by_worker[w] if u["stop"] <= t["start"]]
            lines.append(f"  {sid}: {names[w]} {t['start'] - t0:.1f}-{t['stop'] - t0:.1f} s ({t['stop'] - t['start']:.1f} s); "
                         f"on its worker before it: {len(before)} tasks, {sum(u['stop'] - u['start'] for u in before):.1f} s "
                         f"({sum(u['stop'] - u['start'] for u in before if u['key'].startswith('figure-')):.1f} s figures)")
    run = data.get("run")
    if run:
        lines.append("")
        lines.append(f"run.json: {run['started_utc']} - {run['finished_utc']}")
        item_cpu: dict[str, float] = defaultdict(float)
        fig_cpu: dict[str, float] = defaultdict(float)
        for r in run["items"]:
            item_cpu[r["step_id"]] += r.get("cpu_s") or 0.0
            fig_cpu[r["step_id"]] += r.get("figure_cpu_s") or 0.0
        lines.append(f"CPU items {sum(item_cpu.values()):.1f} s, figures {sum(fig_cpu.values()):.1f} s")
        lines.append("  items:   " + ", ".join(f"{k} {v:.1f}" for k, v in sorted(item_cpu.items(), key=lambda kv: -kv[1]) if v >= 0.5))
        lines.append("  figures: " + ", ".join(f"{k} {v:.1f}" for k, v in sorted(fig_cpu.items(), key=lambda kv: -kv[1]) if v >= 0.5))
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, help="output folder of the demo run (default: a temporary folder)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--json", type=Path, help="also save the timeline as JSON")
    ap.add_argument("--from-json", type=Path, help="print a saved timeline instead of running the demo")
    a = ap.parse_args()
    if a.from_json:
        data = json.loads(a.from_json.read_text())
    else:
        out = a.out or Path(tempfile.mkdtemp(prefix="demo-timeline-"))
        data = run_demo(out.resolve(), a.workers)
        if a.json:
            a.json.write_text(json.dumps(data))
    print(analyse(data))
    print("load:", " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
