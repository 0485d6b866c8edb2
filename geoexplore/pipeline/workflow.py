"""Workflow files: YAML (data only) -> a validated, ordered list of steps.

Schema (see workflows/siping-segment.yaml)::

    workflow: siping-segment          # name
    description: text
    input_dir: ../data/siping         # relative to this file (default: its folder)
    line: shallow                     # default survey line of the steps
    run: {retries: 1, batch_s: 0.5}   # retries per task; items of short tasks grouped to about batch_s
    cluster:                          # optional
      jobqueue: {system: slurm, cores: 8, memory: 32GB, walltime: "02:00:00", jobs: 2}
      security: {ca_file: ..., cert: ..., key: ...}   # TLS to a remote scheduler; paths relative to this file
    steps:
      - id: model                     # unique, names the result in the store
        step: model.build             # a registered step
        settings: {model_file: model.yaml}
      - id: sections
        step: model.section
        line: mt                      # optional, overrides the default line
        foreach: {items: [mt, shallow]}   # or {glob: "mt/*.edi"} or {step: <id>}
        inputs: {model: model}        # name -> step id, "<id>[item]" for the same item, "<id>?" if optional (quote it);
                                      # the names a step takes are declared with the step (geoexplore steps --settings)
        settings: {...}
        cost_s: 90                    # optional: expected run time of the whole step on one worker (s), default 1;
                                      # only orders the ready tasks (longest remaining path first), never the results
      - lines: [S1, shallow]          # a fan-out block: its steps written once, expanded per line (${line}, ${<var>});
        vars: {dir: {S1: lines/S1/, shallow: ""}}   # see geoexplore.pipeline.fanout
        steps: [{id: "${line}-ert-read", step: ert.read, foreach: {glob: "${dir}ert/*.dat"}}]

Validation happens before anything runs; every error names the workflow
file, the step and the key, and lists the valid choices.
"""

from __future__ import annotations

import contextlib
import difflib
import glob as _glob
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geoexplore.core.errors import GeoexploreError, SettingsError, WorkflowError
from geoexplore.core.settings import Settings
from geoexplore.pipeline.fanout import StepEntry, expand_steps, workflow_error
from geoexplore.pipeline.step import StepSpec, get_step

TOP_KEYS = ("workflow", "description", "input_dir", "line", "run", "cluster", "steps", "version")
STEP_KEYS = ("id", "step", "settings", "inputs", "foreach", "line", "description", "cost_s")
RUN_KEYS = ("retries", "batch_s")
CLUSTER_KEYS = ("jobqueue", "security")
SECURITY_KEYS = ("ca_file", "cert", "key", "require_encryption")
SECURITY_FILES = ("ca_file", "cert", "key")
#: dask-jobqueue systems: workflow name -> cluster class
JOBQUEUE_SYSTEMS = {"slurm": "SLURMCluster", "pbs": "PBSCluster", "sge": "SGECluster", "lsf": "LSFCluster"}
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]*$")
_REF = re.compile(r"^(?P<id>[A-Za-z][A-Za-z0-9_\-]*)(?P<same>\[item\])?(?P<opt>\?)?$")


@dataclass(frozen=True)
class InputRef:
    """A reference to an upstream step's result."""

    step_id: str
    same_item: bool = False
    optional: bool = False  # "<id>?": the step runs without it when it failed


@dataclass
class WorkflowStep:
    id: str
    spec: StepSpec
    settings: Settings
    inputs: dict[str, InputRef] = field(default_factory=dict)
    foreach: dict[str, Any] = field(default_factory=dict)
    line: str = "profile"
    cost_s: float = 1.0  # expected run time of the step on one worker (s): orders ready tasks, never enters results

    @property
    def package(self) -> str:
        return self.spec.package


@dataclass
class Workflow:
    name: str
    path: Path
    input_dir: Path
    steps: list[WorkflowStep]
    description: str = ""
    retries: int = 1
    batch_s: float = 0.5
    cluster: dict[str, Any] = field(default_factory=dict)

    def step(self, step_id: str) -> WorkflowStep:
        for s in self.steps:
            if s.id == step_id:
                return s
        raise KeyError(step_id)

    def items_for(self, ws: WorkflowStep, upstream_items: dict[str, list[str]] | None = None) -> list[tuple[str, Any]]:
        """(item name, item value) pairs of a fanned-out step."""
        fe = ws.foreach
        if ws.spec.fan_out == "none":
            return [(None, None)]  # type: ignore[list-item]
        if "glob" in fe:
            return [(Path(p).stem, str(p)) for p in resolve_glob(self, ws, fe["glob"])]
        if "items" in fe:
            return [(str(v), v) for v in fe["items"]]
        if "step" in fe:
            names = (upstream_items or {}).get(fe["step"], [])
            return [(n, n) for n in names]
        raise WorkflowError(f"{self.path}: step '{ws.id}': foreach needs glob, items or step")


def _fail(path: Path, msg: str, at: tuple[str | int, ...] | None = None) -> WorkflowError:
    """The error for the workflow file ``path``; ``at``: the key path it is about (its line goes in the message)."""
    return workflow_error(path, msg, at)


def _check_keys(path: Path, where: str, data: dict[str, Any], valid: tuple[str, ...], at: tuple[str | int, ...] = ()) -> None:
    for k in data:
        if k not in valid:
            close = difflib.get_close_matches(str(k), valid, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise _fail(path, f"{where}: unknown key '{k}'{hint}; valid: {', '.join(valid)}", at=(*at, str(k)))


def is_inside(base: Path, p: Path) -> bool:
    """Whether the path ``p`` lies inside the folder ``base`` (both resolved: ``..`` and links followed)."""
    try:
        p.resolve().relative_to(base.resolve())
        return True
    except ValueError:
        return False


def escape_link(base: Path, p: Path) -> str:
    """Why ``p`` (under ``base``) resolves outside ``base``: the first symbolic link on its way that leads out
    (``" (through the symbolic link <link> -> <target>)"``), else ``""`` (``..`` or no link)."""
    try:
        rel = p.relative_to(base)
    except ValueError:
        return ""
    cur = base
    for part in rel.parts:
        cur = cur / part
        if cur.is_symlink() and not is_inside(base, cur):
            return f" (through the symbolic link {cur} -> {os.readlink(cur)})"
    return ""


def resolve_path(wf: Workflow, where: str, value: str, at: tuple[str | int, ...] | None = None) -> Path:
    """Resolve a relative path against the input directory, refusing escapes.

    Absolute paths are taken as given (an explicit choice); a relative path
    that leaves the input directory (``../..`` or a symbolic link whose target
    lies outside) is an error naming the link.
    """
    p = Path(value)
    if p.is_absolute():
        return p
    full = wf.input_dir / p
    if not is_inside(wf.input_dir, full):
        raise _fail(wf.path, f"{where}: path '{value}' leaves the input directory {wf.input_dir}"
                             f"{escape_link(wf.input_dir, full)}; use an absolute path to mean it", at=at)
    return full


def resolve_glob(wf: Workflow, ws: WorkflowStep, pattern: str, at: tuple[str | int, ...] | None = None,
                 where: str | None = None) -> list[Path]:
    """The files a pattern matches; for a relative pattern, a match that resolves outside the input directory (a
    symbolic link out of it) is an error naming the link, at validation as at run time (never dropped silently)."""
    where = where or f"steps[{ws.id}].foreach.glob"
    base = resolve_path(wf, where, pattern, at=at)
    files = sorted(Path(p) for p in _glob.glob(str(base)) if Path(p).is_file())
    if not Path(pattern).is_absolute():
        for f in files:
            if not is_inside(wf.input_dir, f):
                raise _fail(wf.path, f"{where}: '{pattern}' matches {f}, which leaves the input directory {wf.input_dir}"
                                     f"{escape_link(wf.input_dir, f)}; use an absolute path to mean it", at=at)
    return files


def _check_setting_paths(wf: Workflow, ws: WorkflowStep, where: str, at: tuple[str | int, ...]) -> None:
    """Path-typed settings (input files, globs, the files a table lists) stay inside the input directory, symbolic
    links followed: checked when the workflow is loaded (``geoexplore validate``), not first at run time."""
    import csv

    for name, marker in type(ws.settings).path_fields().items():
        value = getattr(ws.settings, name)
        if value is None or value == "" or Path(str(value)).is_absolute():
            continue
        w, a = f"{where}.settings.{name}", (*at, "settings", name)
        if marker.kind == "glob":
            resolve_glob(wf, ws, str(value), at=a, where=w)
            continue
        full = resolve_path(wf, w, str(value), at=a)
        if not (marker.lists and full.is_file()):
            continue
        with contextlib.suppress(OSError, UnicodeDecodeError, csv.Error), open(full, newline="") as fh:
            for row in csv.DictReader(fh):
                entry = (row.get(marker.lists) or "").strip()
                f = full.parent / entry
                if entry and not Path(entry).is_absolute() and not is_inside(wf.input_dir, f):
                    raise _fail(wf.path, f"{w}: {full.name} lists '{entry}', which leaves the input directory "
                                         f"{wf.input_dir}{escape_link(wf.input_dir, f)}", at=a)


def _check_cluster(path: Path, cluster: dict[str, Any]) -> dict[str, Any]:
    """Validate ``cluster``; returns it with the TLS file paths made absolute (relative to the workflow file)."""
    cluster = dict(cluster)
    jq = cluster.get("jobqueue")
    if jq is not None:
        if not isinstance(jq, dict):
            raise _fail(path, "cluster.jobqueue must be a mapping (system, cores, memory, walltime, jobs, ...)", at=("cluster", "jobqueue"))
        system = str(jq.get("system", "slurm")).lower()
        if system not in JOBQUEUE_SYSTEMS:
            close = difflib.get_close_matches(system, list(JOBQUEUE_SYSTEMS), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise _fail(path, f"cluster.jobqueue.system: unknown '{jq.get('system')}'{hint}; valid: {', '.join(JOBQUEUE_SYSTEMS)}",
                        at=("cluster", "jobqueue", "system"))
        jobs = jq.get("jobs", 1)
        if not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 0:
            raise _fail(path, f"cluster.jobqueue.jobs must be a whole number of jobs, 0 or more, got {jobs!r}", at=("cluster", "jobqueue", "jobs"))
    sec = cluster.get("security")
    if sec is not None:
        if not isinstance(sec, dict):
            raise _fail(path, f"cluster.security must be a mapping with {', '.join(SECURITY_KEYS)}", at=("cluster", "security"))
        _check_keys(path, "cluster.security", sec, SECURITY_KEYS, at=("cluster", "security"))
        sec = dict(sec)
        for k in SECURITY_FILES:
            if k in sec and sec[k] is not None:
                f = Path(str(sec[k])).expanduser()
                f = f if f.is_absolute() else (path.parent / f).resolve()
                if not f.is_file():
                    raise _fail(path, f"cluster.security.{k}: no file {f}", at=("cluster", "security", k))
                sec[k] = str(f)
        cluster["security"] = sec
    return cluster


def _check_inputs(path: Path, where: str, spec: StepSpec, inputs: dict[str, InputRef], at: tuple[str | int, ...] = ()) -> None:
    """The input names a step declares it takes (:func:`geoexplore.pipeline.step.step`)."""
    if spec.inputs is None:
        return
    valid = [n.rstrip("?") for n in spec.inputs if n != "*"]
    for name in inputs:
        if not spec.takes_input(name):
            close = difflib.get_close_matches(name, valid, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise _fail(path, f"{where}.inputs.{name}: step '{spec.name}' takes no input '{name}'{hint}; "
                              f"its inputs: {', '.join(valid) or '(none)'}", at=(*at, "inputs", name))
    for name in spec.required_inputs:
        if name not in inputs:
            raise _fail(path, f"{where}.inputs: step '{spec.name}' needs the input '{name}' (give inputs: {{{name}: <step id>}})",
                        at=(*at, "inputs"))


def load_workflow(path: str | os.PathLike[str], *, input_dir: str | os.PathLike[str] | None = None) -> Workflow:
    """Read and validate a workflow file.

    Parameters
    ----------
    path : path-like
        The YAML workflow.
    input_dir : path-like, optional
        Overrides the workflow's ``input_dir``.

    Raises
    ------
    WorkflowError
        Naming the file, the step and the key.
    """
    p = Path(path).resolve()
    data = _read_workflow_file(p)
    base = _input_dir(p, data, input_dir)
    retries, batch_s = _run_options(p, data)
    cluster = _cluster_section(p, data)
    wf = Workflow(
        name=str(data.get("workflow", p.stem)),
        path=p,
        input_dir=base,
        steps=[],
        description=str(data.get("description", "")),
        retries=retries,
        batch_s=float(batch_s),
        cluster=cluster,
    )
    default_line = str(data.get("line", "profile"))
    seen: dict[str, WorkflowStep] = {}
    for entry in expand_steps(p, data["steps"]):
        ws = _parse_step(wf, entry, seen, default_line)
        seen[ws.id] = ws
        wf.steps.append(ws)
    return wf


def _read_workflow_file(p: Path) -> dict[str, Any]:
    """The workflow file's mapping, its top-level keys checked and its steps a non-empty list."""
    from geoexplore.core.yamlio import load_yaml

    try:
        data = load_yaml(p)
    except GeoexploreError as exc:
        raise WorkflowError(str(exc)) from None
    if not isinstance(data, dict):
        raise _fail(p, "a workflow must be a mapping with 'workflow' and 'steps'", at=())
    _check_keys(p, "top level", data, TOP_KEYS, at=())
    if "steps" not in data or not isinstance(data["steps"], list) or not data["steps"]:
        raise _fail(p, "'steps' must be a non-empty list", at=("steps",))
    return data


def _input_dir(p: Path, data: dict[str, Any], input_dir: str | os.PathLike[str] | None) -> Path:
    """The input directory: given, or the file's ``input_dir`` relative to the file (default: its folder)."""
    base = Path(input_dir).resolve() if input_dir else (p.parent / str(data.get("input_dir", "."))).resolve()
    if not base.is_dir():
        raise _fail(p, f"input_dir {base} is not a directory", at=("input_dir",) if "input_dir" in data else None)
    return base


def _run_options(p: Path, data: dict[str, Any]) -> tuple[int, float]:
    """``run.retries`` (0-10) and ``run.batch_s`` (seconds, 0-600)."""
    run = data.get("run") or {}
    if not isinstance(run, dict):
        raise _fail(p, "'run' must be a mapping", at=("run",))
    _check_keys(p, "run", run, RUN_KEYS, at=("run",))
    retries = run.get("retries", 1)
    if not isinstance(retries, int) or isinstance(retries, bool) or not 0 <= retries <= 10:
        raise _fail(p, f"run.retries must be an integer 0-10, got {retries!r}", at=("run", "retries"))
    batch_s = run.get("batch_s", 0.5)
    if not isinstance(batch_s, (int, float)) or isinstance(batch_s, bool) or not 0 <= batch_s <= 600:
        raise _fail(p, f"run.batch_s must be a number of seconds 0-600 (0: one task per item), got {batch_s!r}", at=("run", "batch_s"))
    return retries, batch_s


def _cluster_section(p: Path, data: dict[str, Any]) -> dict[str, Any]:
    """The ``cluster`` section, validated (:func:`_check_cluster`)."""
    cluster = data.get("cluster") or {}
    if not isinstance(cluster, dict):
        raise _fail(p, "'cluster' must be a mapping", at=("cluster",))
    _check_keys(p, "cluster", cluster, CLUSTER_KEYS, at=("cluster",))
    return _check_cluster(p, cluster)


def _parse_step(wf: Workflow, entry: StepEntry, seen: dict[str, WorkflowStep], default_line: str) -> WorkflowStep:
    """One entry of ``steps`` (or a step of an expanded ``lines:`` block), validated against the steps before it (``seen``)."""
    p, raw = wf.path, entry.raw
    where, at = entry.label, entry.at
    if not isinstance(raw, dict):
        raise _fail(p, f"{where}: each step must be a mapping", at=at)
    _check_keys(p, where, raw, STEP_KEYS, at=at)
    sid = raw.get("id")
    if not isinstance(sid, str) or not _ID.match(sid):
        raise _fail(p, f"{where}: 'id' must be a name (letters, digits, _ or -), got {sid!r}", at=(*at, "id"))
    where = f"{entry.label} ('{sid}')"
    if sid in seen:
        raise _fail(p, f"{where}: duplicate id '{sid}'", at=(*at, "id"))
    spec, settings = _step_spec_and_settings(p, where, at, raw)
    inputs = _step_inputs(p, where, at, raw, seen)
    _check_inputs(p, where, spec, inputs, at=at)
    foreach = _step_foreach(p, where, at, raw, spec, seen)
    for name, ref in inputs.items():
        if ref.same_item and spec.fan_out == "none":
            raise _fail(p, f"{where}.inputs.{name}: '[item]' needs a fanned-out step", at=(*at, "inputs", name))
    cost = raw.get("cost_s", 1.0)
    if not isinstance(cost, (int, float)) or isinstance(cost, bool) or not 0 <= cost <= 1e6:
        raise _fail(p, f"{where}.cost_s must be a number of seconds 0-1e6 (the step's expected run time), got {cost!r}",
                    at=(*at, "cost_s"))
    ws = WorkflowStep(id=sid, spec=spec, settings=settings, inputs=inputs, foreach=foreach, line=str(raw.get("line", default_line)),
                      cost_s=float(cost))
    _check_setting_paths(wf, ws, where, at)
    if "glob" in foreach:
        if not resolve_glob(wf, ws, str(foreach["glob"]), at=(*at, "foreach", "glob")):
            raise _fail(p, f"{where}.foreach.glob: no file matches '{foreach['glob']}' in {wf.input_dir}", at=(*at, "foreach", "glob"))
    return ws


def _step_spec_and_settings(p: Path, where: str, at: tuple[str | int, ...], raw: dict[str, Any]) -> tuple[StepSpec, Settings]:
    """The registered step a workflow step names, and its settings validated."""
    if "step" not in raw:
        raise _fail(p, f"{where}: missing 'step'", at=at)
    if not isinstance(raw["step"], str):
        raise _fail(p, f"{where}.step must be a step name, got {raw['step']!r}", at=(*at, "step"))
    try:
        spec = get_step(raw["step"])
    except WorkflowError as exc:
        raise _fail(p, f"{where}: {exc}", at=(*at, "step")) from None
    if raw.get("settings") is not None and not isinstance(raw["settings"], dict):
        raise _fail(p, f"{where}.settings must be a mapping of setting names to values, got {type(raw['settings']).__name__}",
                    at=(*at, "settings"))
    try:
        settings = spec.settings.from_mapping(raw.get("settings"), source=f"{p}: {where}.settings")
    except SettingsError as exc:
        # the line of the setting to blame (or of the deepest part of that path the file has)
        keys = (*at, "settings", exc.key) if exc.key else (*at, "settings")
        raise _fail(p, str(exc).removeprefix(f"{p}: "), at=keys) from None
    return spec, settings


def _step_inputs(p: Path, where: str, at: tuple[str | int, ...], raw: dict[str, Any],
                 seen: dict[str, WorkflowStep]) -> dict[str, InputRef]:
    """A step's ``inputs``: each a reference to an earlier step."""
    inputs: dict[str, InputRef] = {}
    raw_inputs = raw.get("inputs") or {}
    if not isinstance(raw_inputs, dict):
        raise _fail(p, f"{where}.inputs must map names to step ids", at=(*at, "inputs"))
    for name, ref in raw_inputs.items():
        m = _REF.match(str(ref))
        if not m:
            raise _fail(p, f"{where}.inputs.{name}: '{ref}' is not a step id, '<id>[item]' or '<id>?'", at=(*at, "inputs", str(name)))
        if m["id"] not in seen:
            close = difflib.get_close_matches(m["id"], list(seen), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise _fail(
                p,
                f"{where}.inputs.{name}: '{m['id']}' is not an earlier step{hint}; earlier steps: {', '.join(seen) or '(none)'}",
                at=(*at, "inputs", str(name)),
            )
        inputs[str(name)] = InputRef(m["id"], bool(m["same"]), bool(m["opt"]))
    return inputs


def _step_foreach(p: Path, where: str, at: tuple[str | int, ...], raw: dict[str, Any], spec: StepSpec,
                  seen: dict[str, WorkflowStep]) -> dict[str, Any]:
    """A step's ``foreach``, checked against how the registered step fans out."""
    foreach = raw.get("foreach") or {}
    if not isinstance(foreach, dict):
        raise _fail(p, f"{where}.foreach must be a mapping with glob, items or step", at=(*at, "foreach"))
    _check_keys(p, f"{where}.foreach", foreach, ("glob", "items", "step"), at=(*at, "foreach"))
    if spec.fan_out == "none" and foreach:
        raise _fail(p, f"{where}: step '{spec.name}' runs once; remove 'foreach'", at=(*at, "foreach"))
    if spec.fan_out == "files" and "glob" not in foreach:
        raise _fail(p, f"{where}: step '{spec.name}' runs per file; give foreach: {{glob: PATTERN}}", at=(*at, "foreach"))
    if spec.fan_out == "items" and not ({"items", "step"} & set(foreach)):
        raise _fail(p, f"{where}: step '{spec.name}' runs per item; give foreach: {{items: [...]}} or {{step: ID}}", at=(*at, "foreach"))
    if "items" in foreach and (not isinstance(foreach["items"], list) or not foreach["items"]):
        raise _fail(p, f"{where}.foreach.items must be a non-empty list", at=(*at, "foreach", "items"))
    if "glob" in foreach and not isinstance(foreach["glob"], str):
        raise _fail(p, f"{where}.foreach.glob must be a pattern (text), got {foreach['glob']!r}", at=(*at, "foreach", "glob"))
    if "step" in foreach and (not isinstance(foreach["step"], str) or foreach["step"] not in seen):
        raise _fail(p, f"{where}.foreach.step: '{foreach['step']}' is not an earlier step", at=(*at, "foreach", "step"))
    return foreach
