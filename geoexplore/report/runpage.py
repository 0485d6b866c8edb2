"""The run page: ``OUT/index.html``, what a run did, in one self-contained file that opens from the file system.

:func:`write_run_page` reads ``OUT/run.json``, the provenance in
``OUT/project.h5`` and the figures in ``OUT/figures/`` and writes one HTML
page (no server, no network, no script or style from elsewhere):

* summary numbers: items by status, wall time, tasks, store size, and the
  fault candidates when the run assessed them;
* every step with the status, time and attempts of each of its items, a
  failed item's error, and a link to each item's figure;
* key figures: thumbnails (small JPEGs inside the page) linking to the full
  figures beside it (the first few of each step);
* provenance: each step's settings, the input files with their SHA-256, the
  workflow file, and the versions of geoexplore and its main dependencies.

Written by the CLI at the end of ``geoexplore run`` / ``demo`` and by
``geoexplore figure``; callable on any run folder.
"""

from __future__ import annotations

import base64
import html
import io
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

#: thumbnails per step on the page (a step with thousands of items links the rest from its item table)
THUMBS_PER_STEP = 4
THUMB_PX = 320
VERSION_PACKAGES = ("numpy", "scipy", "xarray", "dask", "distributed", "h5py", "matplotlib", "obspy", "pygimli", "simpeg",
                    "mt_metadata", "pyproj")

CSS = """body{font-family:system-ui,'Noto Sans CJK SC','Microsoft YaHei',Arial,sans-serif;margin:1.5em auto;max-width:1200px;
font-size:14px;color:#222;padding:0 1em}h1{font-size:1.5em}h2{font-size:1.2em;border-bottom:1px solid #ccc;margin-top:1.6em}
table{border-collapse:collapse;margin:.4em 0 1em 0}td,th{border:1px solid #bbb;padding:2px 6px;text-align:left;vertical-align:top}
th{background:#eee}.num{text-align:right}.done,.reused{color:#176317}.failed,.skipped{color:#b00000;font-weight:bold}
.badge{display:inline-block;padding:2px 8px;margin-right:6px;border-radius:8px;background:#eee}
.thumbs{display:flex;flex-wrap:wrap;gap:8px;align-items:flex-start}.thumbs figure{margin:0;width:""" + str(THUMB_PX) + """px}
.thumbs img{width:100%;max-height:220px;object-fit:contain;border:1px solid #ccc}.thumbs figcaption{font-size:11px;word-break:break-all}
details{margin:.2em 0}summary{cursor:pointer}code{font-size:12px;word-break:break-all}#filter{margin:.5em 0}"""

#: the page's only script: filter the steps table by status (no network, no library)
SCRIPT = """(function(){var sel=document.getElementById('filter');function apply(){var v=sel.value;
document.querySelectorAll('tr.item').forEach(function(r){r.style.display=(v==='all'||r.dataset.status===v)?'':'none';});}
sel.addEventListener('change',apply);apply();document.body.dataset.ready='1';})();"""


def _e(x: Any) -> str:
    return html.escape(str(x), quote=True)


def thumbnail_uri(path: Path, px: int = THUMB_PX) -> str | None:
    """A small JPEG of an image as a ``data:`` URI (None if it cannot be read)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as im:
            im = im.convert("RGB")
            im.thumbnail((px, px * 2))
            buf = io.BytesIO()
            im.save(buf, "JPEG", quality=70, optimize=True)
    except (OSError, UnidentifiedImageError):
        return None
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode()


def versions() -> dict[str, str]:
    """Versions of geoexplore, Python and the main dependencies (``"-"``: not installed)."""
    import sys
    from importlib.metadata import PackageNotFoundError, version

    import geoexplore

    out = {"geoexplore": geoexplore.__version__, "python": sys.version.split()[0]}
    for p in VERSION_PACKAGES:
        try:
            out[p] = version(p)
        except PackageNotFoundError:
            out[p] = "-"
    return out


def _store_info(store_path: Path) -> tuple[dict[str, dict[str, Any]], list[list[str]]]:
    """Provenance by key, and the fault candidates' rows (empty when there are none) of a project store."""
    from geoexplore.core.errors import GeoexploreError
    from geoexplore.core.store import ProjectStore

    if not store_path.is_file():
        return {}, []
    try:
        store = ProjectStore(store_path)
        provs = store.provenances()
    except (GeoexploreError, OSError):
        return {}, []
    rows: list[list[str]] = []
    for key, p in provs.items():
        if p.get("step") != "fault.assess":
            continue
        try:
            c = store.read(key)["candidates"]
        except (GeoexploreError, OSError, KeyError, TypeError):
            continue
        rows += candidate_rows(c)
    return provs, rows


def candidate_rows(c: Any) -> list[list[str]]:
    """Fault candidates as page rows: id, position, upper breakpoint, activity, confidence, methods."""
    from geoexplore.report.rounding import fmt_pm

    rows = []
    for k in range(c.sizes.get("candidate", 0)):
        rows.append([str(c["candidate"].values[k]),
                     fmt_pm(float(c["chainage_m"].values[k]), float(c["chainage_sigma_m"].values[k]), "m"),
                     fmt_pm(float(c["upper_breakpoint_m"].values[k]), float(c["upper_breakpoint_sigma_m"].values[k]), "m"),
                     str(c["activity_label_en"].values[k]), f"{float(c['confidence'].values[k]):.2f}", str(c["methods"].values[k])])
    return rows


def _input_files(provs: Mapping[str, Mapping[str, Any]], input_dir: Path | None) -> list[tuple[str, str]]:
    """(file, sha256) of every input file the run read: named by a setting, matched by a glob setting, listed in
    a file, found by a step, or an item's own file (paths relative to the input folder)."""
    from geoexplore.core.store import file_digest

    found: dict[str, str] = {}
    for p in provs.values():
        settings = p.get("settings") or {}
        for name, dig in (p.get("files") or {}).items():
            if isinstance(dig, str):  # an InputFile setting: {setting: digest}
                found.setdefault(str(settings.get(name, name)), dig)
            elif isinstance(dig, Mapping) and "file" in dig and "lists" in dig:  # a file listing files
                found.setdefault(str(settings.get(name, name)), str(dig["file"]))
                found.update({str(k): str(v) for k, v in dig["lists"].items() if k not in found})
            elif isinstance(dig, Mapping):  # an InputGlob setting: {setting: {path: digest}}
                found.update({str(k): str(v) for k, v in dig.items() if k not in found})
        for f, dig in (p.get("item_files") or {}).items():
            found.setdefault(str(f), str(dig))
        v = p.get("item_value")
        if isinstance(v, str) and input_dir is not None and v not in found:
            f = input_dir / v
            if f.is_file():
                found[v] = file_digest(f)
    return sorted(found.items())


def write_run_page(out_dir: str | os.PathLike[str], *, input_dir: str | os.PathLike[str] | None = None,
                   path: str | os.PathLike[str] | None = None) -> Path:
    """Write the run page of a run folder.

    Parameters
    ----------
    out_dir : path-like
        The run's output folder (``run.json``, ``project.h5``, ``figures/``).
    input_dir : path-like, optional
        The workflow's input folder: item files found there are listed with
        their SHA-256 (files named by settings are listed from the store either way).
    path : path-like, optional
        Where to write (default ``OUT/index.html``).

    Returns
    -------
    Path
        The page written.
    """
    out = Path(out_dir)
    run = json.loads((out / "run.json").read_text(encoding="utf-8")) if (out / "run.json").is_file() else {}
    provs, cands = _store_info(out / "project.h5")
    page = Path(path) if path is not None else out / "index.html"
    figs = _figures(out, run)
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width,initial-scale=1">',
        f"<title>geoexplore run: {_e(Path(run.get('workflow', out.name)).stem)}</title>",
        f"<style>{CSS}</style></head><body>",
        *_summary_html(out, run, cands),
        *_figures_html(figs, page.parent),
        *_steps_html(run, figs, page.parent),
        *_provenance_html(run, provs, Path(input_dir) if input_dir else None),
        f"<script>{SCRIPT}</script></body></html>",
    ]
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text("\n".join(parts), encoding="utf-8")
    return page


def _figures(out: Path, run: Mapping[str, Any]) -> dict[str, Path]:
    """Figure file of each stored key: from run.json, else by name in ``figures/``."""
    figs: dict[str, Path] = {}
    for r in run.get("items", []):
        if r.get("figure"):
            figs[r["key"]] = out / r["figure"]
    fig_dir = out / "figures"
    if fig_dir.is_dir():
        for p in sorted(fig_dir.glob("*.png")):
            figs.setdefault(p.stem.replace("__", "/"), p)
    return {k: v for k, v in figs.items() if v.is_file()}


def _steps(run: Mapping[str, Any]) -> dict[str, list[Mapping[str, Any]]]:
    steps: dict[str, list[Mapping[str, Any]]] = {}
    for r in run.get("items", []):
        steps.setdefault(r["step_id"], []).append(r)
    return steps


def _summary_html(out: Path, run: Mapping[str, Any], cands: list[list[str]]) -> list[str]:
    from geoexplore.pipeline.progress import format_duration

    items = run.get("items", [])
    counts: dict[str, int] = {}
    for r in items:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    wall = _seconds_between(run.get("started_utc"), run.get("finished_utc"))
    store = out / "project.h5"
    ok = not (counts.get("failed") or counts.get("skipped"))
    p = [f"<h1>Run {_e(out.name)}: {'all items done' if ok else 'some items failed'}</h1>",
         "<p>" + "".join(f'<span class="badge {_e(k)}" id="count-{_e(k)}">{v} {_e(k)}</span>' for k, v in sorted(counts.items())) + "</p>",
         "<table id='summary'><tbody>"]
    rows = [("workflow", run.get("workflow", "-")), ("started (UTC)", run.get("started_utc", "-")),
            ("finished (UTC)", run.get("finished_utc") or "not finished"), ("wall time", format_duration(wall)),
            ("steps", len(_steps(run))), ("items", len(items)), ("Dask tasks", run.get("tasks", "-")),
            ("scheduler", f"{run.get('scheduler') or '-'} ({run.get('n_workers') or '?'} workers)"),
            ("project store", f"project.h5, {store.stat().st_size / 2**20:.1f} MiB" if store.is_file() else "-"),
            ("run record", "run.json")]
    p += [f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in rows]
    p.append("</tbody></table>")
    bad = [r for r in items if r["status"] in ("failed", "skipped")]
    if bad:  # what went wrong first, one line each (the tables below have every item)
        p.append("<h2>Failed and skipped items</h2><ul id='failed'>")
        p += [f"<li><span class='{_e(r['status'])}'>{_e(r['status'])}</span> <code>{_e(r['key'])}</code>: {_e(r.get('error') or '')}"
              f"{' (' + str(r.get('attempts')) + ' attempts)' if (r.get('attempts') or 1) > 1 else ''}</li>" for r in bad]
        p.append("</ul>")
    if cands:
        p.append("<h2>Fault candidates</h2><table id='candidates'><thead><tr>" + "".join(
            f"<th>{h}</th>" for h in ("id", "position (m)", "upper breakpoint (m)", "activity", "confidence", "methods"))
            + "</tr></thead><tbody>")
        p += ["<tr>" + "".join(f"<td>{_e(v)}</td>" for v in r) + "</tr>" for r in cands]
        p.append("</tbody></table>")
    for name in ("report/report-en.html", "report/report-zh.html"):
        if (out / name).is_file():
            p.append(f'<p>Report: <a href="{_e(name)}">{_e(name)}</a></p>')
    return p


def _seconds_between(a: str | None, b: str | None) -> float | None:
    from datetime import datetime

    if not a or not b:
        return None
    return (datetime.fromisoformat(b) - datetime.fromisoformat(a)).total_seconds()


def _rel(p: Path, base: Path) -> str:
    return Path(os.path.relpath(p, base)).as_posix()


def _figures_html(figs: Mapping[str, Path], base: Path) -> list[str]:
    """Key figures: the first few of each step as thumbnails linking to the full figure."""
    by_step: dict[str, list[tuple[str, Path]]] = {}
    for key, p in sorted(figs.items()):
        parts = key.split("/")
        by_step.setdefault(parts[2] if len(parts) > 2 else key, []).append((key, p))
    if not by_step:
        return ["<h2>Key figures</h2><p>No figures (the run was made with --no-figures, or no step draws one).</p>"]
    out = ["<h2>Key figures</h2><div class='thumbs'>"]
    for _step, figs_of in by_step.items():
        for key, p in figs_of[:THUMBS_PER_STEP]:
            uri = thumbnail_uri(p)
            if uri is None:
                continue
            out.append(f'<figure><a href="{_e(_rel(p, base))}"><img src="{uri}" alt="{_e(key)}"></a><figcaption>{_e(key)}</figcaption></figure>')
    out.append("</div>")
    return out


def _steps_html(run: Mapping[str, Any], figs: Mapping[str, Path], base: Path) -> list[str]:
    out = ["<h2>Steps and items</h2>",
           '<label>show <select id="filter"><option value="all">all items</option><option value="failed">failed</option>'
           '<option value="skipped">skipped</option><option value="done">done</option><option value="reused">reused</option>'
           "</select></label>",
           "<table id='steps'><thead><tr><th>step</th><th>item</th><th>status</th><th class='num'>time (s)</th>"
           "<th class='num'>attempts</th><th>error / figure</th></tr></thead><tbody>"]
    for step_id, recs in _steps(run).items():
        counts: dict[str, int] = {}
        for r in recs:
            counts[r["status"]] = counts.get(r["status"], 0) + 1
        total_s = sum(float(r.get("elapsed_s") or 0.0) for r in recs)
        out.append(f"<tr class='step' id='step-{_e(step_id)}'><th>{_e(step_id)} ({_e(recs[0].get('step', ''))})</th>"
                   f"<th>{len(recs)} item(s)</th><th>{_e(', '.join(f'{v} {k}' for k, v in sorted(counts.items())))}</th>"
                   f"<th class='num'>{total_s:.1f}</th><th></th><th></th></tr>")
        for r in recs:
            st = r["status"]
            extra = _e(r.get("error") or "")
            if r.get("figure_error"):
                extra += f" (figure: {_e(r['figure_error'])})"
            if r["key"] in figs:
                extra += f' <a href="{_e(_rel(figs[r["key"]], base))}">figure</a>'
            out.append(f"<tr class='item' data-status='{_e(st)}'><td>{_e(step_id)}</td><td>{_e(r.get('item') or '-')}</td>"
                       f"<td class='{_e(st)}'>{_e(st)}</td><td class='num'>{float(r.get('elapsed_s') or 0):.2f}</td>"
                       f"<td class='num'>{_e(r.get('attempts', 1))}</td><td>{extra}</td></tr>")
    out.append("</tbody></table>")
    return out


def _provenance_html(run: Mapping[str, Any], provs: Mapping[str, Mapping[str, Any]], input_dir: Path | None) -> list[str]:
    from geoexplore.core.store import file_digest

    out = ["<h2>Provenance</h2>", "<h3>Settings of each step</h3>"]
    seen: dict[str, Any] = {}
    for p in provs.values():
        seen.setdefault(str(p.get("step_id")), (p.get("step"), p.get("settings")))
    for sid, (name, settings) in seen.items():
        out.append(f"<details><summary>{_e(sid)} ({_e(name)})</summary><pre><code>"
                   f"{_e(json.dumps(settings, indent=1, sort_keys=True, default=str))}</code></pre></details>")
    wf = Path(str(run.get("workflow", "")))
    files = _input_files(provs, input_dir)
    out.append("<h3>Input files (SHA-256)</h3><table id='inputs'><thead><tr><th>file</th><th>sha256</th></tr></thead><tbody>")
    if wf.is_file():
        out.append(f"<tr><td>{_e(wf.name)} (workflow)</td><td><code>{file_digest(wf)}</code></td></tr>")
    out += [f"<tr><td>{_e(f)}</td><td><code>{_e(d)}</code></td></tr>" for f, d in files]
    out.append("</tbody></table><h3>Versions</h3><table id='versions'><tbody>")
    out += [f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in versions().items()]
    out.append("</tbody></table>")
    return out
