"""The ``lines:`` fan-out of a workflow: one block of per-line steps written once, expanded per survey line.

An entry of ``steps`` may be a block instead of a step::

    steps:
      - id: model
        step: model.build
      - lines: [S1, shallow, S3, S4]        # the survey lines, in the order their steps are expanded
        vars:                               # optional: per-line values, substituted as ${name}
          dir: {S1: lines/S1/, shallow: "", S3: lines/S3/, S4: lines/S4/}
        steps:                              # written once; expanded for every line
          - id: ${line}-gathers
            step: seismic.reflection_gathers
            settings: {shots_glob: "${dir}seismic/shots/*.sg2"}
          - id: ${line}-stack
            step: seismic.stack
            inputs: {gathers: ${line}-gathers}

Expansion is line by line (all of S1's steps, then all of shallow's, ...), so the expanded list is what the
same steps written out by hand give. In every text (step ids, input references and names, settings,
``foreach``) ``${line}`` becomes the line's name and ``${<var>}`` the line's value of ``vars.<var>``; each
expanded step gets ``line: <line>`` (unless the template sets ``line`` itself), so its result is stored under
that line (``<package>/<line>/<id>``) in the one project store, and the lines' steps, which share no input
unless the template names one outside the block, are independent Dask work. A block's step id must contain
``${line}`` (else the lines' ids would collide).

Errors (an unknown block key, a line without a value of a var, an unknown ``${name}``, a template id without
``${line}``, and every step error of an expanded step) name the workflow file and the line of the template
in it.
"""

from __future__ import annotations

import copy
import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geoexplore.core.errors import WorkflowError

BLOCK_KEYS = ("lines", "vars", "steps", "description")
_LINE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]*$")
_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")


def workflow_error(path: Path, msg: str, at: tuple[str | int, ...] | None = None) -> WorkflowError:
    """The error for the workflow file ``path``; ``at``: the key path it is about (its line goes in the message)."""
    from geoexplore.core.yamlio import key_line

    line = key_line(path, at) if at is not None else None
    where = f"{path} at line {line}" if line is not None else str(path)
    return WorkflowError(f"{where}: {msg}", path=path, line=line)


@dataclass(frozen=True)
class StepEntry:
    """One step to parse: its mapping (expanded), where its text is in the file (``at``) and its label in errors."""

    raw: Any
    at: tuple[str | int, ...]
    label: str
    line: str | None = None  # the fan-out line it was expanded for (None: a step written out)


def is_block(raw: Any) -> bool:
    """Whether a ``steps`` entry is a ``lines:`` block."""
    return isinstance(raw, dict) and "lines" in raw and "step" not in raw


def expand_steps(path: Path, steps: list[Any]) -> list[StepEntry]:
    """The workflow's ``steps`` with every ``lines:`` block expanded (see the module docstring).

    Parameters
    ----------
    path : Path
        The workflow file (for the errors' line numbers).
    steps : list
        The ``steps`` list as read from YAML.

    Raises
    ------
    WorkflowError
        Naming the file and the line of the block or template at fault.
    """
    out: list[StepEntry] = []
    for i, raw in enumerate(steps):
        if is_block(raw):
            out.extend(_expand_block(path, i, raw))
        else:
            out.append(StepEntry(raw, ("steps", i), f"steps[{i}]"))
    return out


def _expand_block(path: Path, i: int, block: dict[str, Any]) -> list[StepEntry]:
    at = ("steps", i)
    where = f"steps[{i}] (lines block)"
    for k in block:
        if k not in BLOCK_KEYS:
            close = difflib.get_close_matches(str(k), BLOCK_KEYS, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise workflow_error(path, f"{where}: unknown key '{k}'{hint}; valid: {', '.join(BLOCK_KEYS)}", at=(*at, str(k)))
    lines = block["lines"]
    if not isinstance(lines, list) or not lines:
        raise workflow_error(path, f"{where}.lines must be a non-empty list of line names", at=(*at, "lines"))
    for j, ln in enumerate(lines):
        if not isinstance(ln, str) or not _LINE_NAME.match(ln):
            raise workflow_error(path, f"{where}.lines[{j}]: a line name (letters, digits, _ or -) is needed, got {ln!r}",
                                 at=(*at, "lines", j))
        if ln in lines[:j]:
            raise workflow_error(path, f"{where}.lines: line '{ln}' is listed twice", at=(*at, "lines", j))
    values = _block_vars(path, where, at, block.get("vars"), lines)
    templates = block.get("steps")
    if not isinstance(templates, list) or not templates:
        raise workflow_error(path, f"{where}.steps must be a non-empty list of steps", at=(*at, "steps") if "steps" in block else at)
    for j, t in enumerate(templates):
        t_at = (*at, "steps", j)
        if not isinstance(t, dict):
            raise workflow_error(path, f"{where}.steps[{j}]: each step must be a mapping", at=t_at)
        if is_block(t):
            raise workflow_error(path, f"{where}.steps[{j}]: a lines block cannot hold another one", at=t_at)
        if "${line}" not in str(t.get("id", "")):
            raise workflow_error(path, f"{where}.steps[{j}]: the id {t.get('id')!r} must contain ${{line}} (one step per line)",
                                 at=(*t_at, "id") if "id" in t else t_at)
        _check_placeholders(path, f"{where}.steps[{j}]", t_at, t, set(values) | {"line"})
    out = []
    for ln in lines:
        subst = {"line": ln, **{k: v[ln] for k, v in values.items()}}
        for j, t in enumerate(templates):
            raw = _substitute(copy.deepcopy(t), subst)
            raw.setdefault("line", ln)
            out.append(StepEntry(raw, (*at, "steps", j), f"steps[{i}].steps[{j}] (line '{ln}')", line=ln))
    return out


def _block_vars(path: Path, where: str, at: tuple[str | int, ...], raw: Any, lines: list[str]) -> dict[str, dict[str, str]]:
    """``vars``: name -> {line: text}, with a value for every line."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise workflow_error(path, f"{where}.vars must map names to {{line: value}}", at=(*at, "vars"))
    out: dict[str, dict[str, str]] = {}
    for name, per_line in raw.items():
        v_at = (*at, "vars", str(name))
        if not isinstance(name, str) or not _LINE_NAME.match(name) or name == "line":
            raise workflow_error(path, f"{where}.vars: {name!r} is not a usable name (letters, digits, _ or -; not 'line')", at=v_at)
        if not isinstance(per_line, dict):
            raise workflow_error(path, f"{where}.vars.{name} must map each line to a value", at=v_at)
        for ln in per_line:
            if ln not in lines:
                raise workflow_error(path, f"{where}.vars.{name}: '{ln}' is not one of the block's lines {lines}", at=(*v_at, str(ln)))
        missing = [ln for ln in lines if ln not in per_line]
        if missing:
            raise workflow_error(path, f"{where}.vars.{name}: no value for line(s) {', '.join(missing)}", at=v_at)
        for ln, v in per_line.items():
            if v is None or isinstance(v, (dict, list)):
                raise workflow_error(path, f"{where}.vars.{name}.{ln}: a text or number is needed, got {v!r}", at=(*v_at, str(ln)))
        out[name] = {ln: str(v) for ln, v in per_line.items()}
    return out


def _check_placeholders(path: Path, where: str, at: tuple[str | int, ...], node: Any, known: set[str]) -> None:
    """Every ``${name}`` in a template names ``line`` or a var (error at the key holding it)."""
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for k, v in items:
        for text in (k, v):
            if isinstance(text, str):
                for name in _PLACEHOLDER.findall(text):
                    if name not in known:
                        close = difflib.get_close_matches(name, sorted(known), n=1)
                        hint = f" (did you mean '${{{close[0]}}}'?)" if close else ""
                        raise workflow_error(path, f"{where}: unknown placeholder '${{{name}}}'{hint}; known: "
                                                   f"{', '.join('${' + n + '}' for n in sorted(known))}", at=(*at, k))
        if isinstance(v, (dict, list)):
            _check_placeholders(path, where, (*at, k), v, known)


def _substitute(node: Any, subst: dict[str, str]) -> Any:
    """``node`` with ``${name}`` replaced in every text, keys included."""
    if isinstance(node, str):
        return _PLACEHOLDER.sub(lambda m: subst[m.group(1)], node)
    if isinstance(node, dict):
        return {_substitute(k, subst): _substitute(v, subst) for k, v in node.items()}
    if isinstance(node, list):
        return [_substitute(v, subst) for v in node]
    return node


__all__ = ["BLOCK_KEYS", "StepEntry", "expand_steps", "is_block", "workflow_error"]
