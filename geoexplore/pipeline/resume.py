"""Resume: the run key of each item, and what a run may skip.

Each result stores a hash of its step, settings, item, inputs and the
contents of the input files it reads (the item's file, and every file a
setting typed :data:`~geoexplore.core.settings.InputFile` or ``InputGlob``
names or matches, :func:`settings_file_digests`); with ``resume=True`` a
task whose hash matches the stored result is skipped (:func:`reusable`).
A fresh run moves the previous store aside (:func:`keep_previous`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from geoexplore.core.store import file_digest
from geoexplore.pipeline.workflow import WorkflowStep, is_inside


def settings_file_digests(settings: Any, input_dir: Path, digest: Callable[[str], str] | None = None) -> dict[str, Any]:
    """Content digests of the files a step's path-typed settings name or match.

    Returns ``{setting: digest}`` for an :data:`~geoexplore.core.settings.InputFile`
    (``"missing"`` if there is no such file: the step reports that itself),
    ``{setting: {path: digest}}`` for an ``InputGlob`` (paths relative to the
    input directory, sorted), and for a file that lists files (``lists``: a
    CSV column) ``{setting: {"file": digest, "lists": {path: digest}}}``.
    Settings left empty (None) are left out. Files a relative path reaches
    outside the input directory are not read (the step refuses the path).
    """
    import csv
    import glob as _glob

    read = digest or _file_digest_or_state
    out: dict[str, Any] = {}
    for name, marker in type(settings).path_fields().items():
        value = getattr(settings, name)
        if value is None or value == "":
            continue
        path = Path(str(value))
        full = path if path.is_absolute() else input_dir / path

        def hash_of(f: str, absolute: bool = path.is_absolute()) -> str:  # an absolute path is taken as meant, like ctx.path
            return read(f) if absolute or is_inside(input_dir, Path(f)) else "outside the input directory"

        def rel(f: str | Path) -> str:
            return os.path.relpath(f, input_dir)

        if marker.kind == "glob":
            files = sorted(f for f in _glob.glob(str(full)) if os.path.isfile(f))
            out[name] = {rel(f): hash_of(f) for f in files}
            continue
        d = hash_of(str(full))
        if not marker.lists:
            out[name] = d
            continue
        listed: dict[str, str] = {}
        was_read = len(d) == 64  # a SHA-256, not "missing", "unreadable:..." or "outside the input directory"
        with contextlib.suppress(OSError, UnicodeDecodeError, csv.Error):
            with open(full if was_read else os.devnull, newline="") as fh:
                for row in csv.DictReader(fh):
                    entry = (row.get(marker.lists) or "").strip()
                    if entry:
                        f = full.parent / entry
                        listed[rel(f)] = hash_of(str(f))
        out[name] = {"file": d, "lists": dict(sorted(listed.items()))}
    return out


def _file_digest_or_state(path: str) -> str:
    try:
        return file_digest(path)
    except FileNotFoundError:
        return "missing"
    except OSError as exc:
        return f"unreadable:{exc.strerror or exc}"


def keep_previous(store_path: Path) -> list[str]:
    """Move the store aside before a fresh run; no earlier generation is overwritten.

    ``project.h5`` becomes ``project.h5.prev``; a ``project.h5.prev`` already
    there (the generation before) is renamed ``project.h5.prev-<UTC time it
    was last written>``, e.g. ``project.h5.prev-20261129T101502Z``. Nothing
    is deleted: remove old generations by hand. Returns the names moved to.
    """
    prev = store_path.with_name(store_path.name + ".prev")
    moved = []
    if prev.exists():
        stamp = datetime.fromtimestamp(prev.stat().st_mtime, timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        older, n = prev.with_name(f"{prev.name}-{stamp}"), 1
        while older.exists():
            older, n = prev.with_name(f"{prev.name}-{stamp}-{n}"), n + 1
        os.replace(prev, older)
        moved.append(older.name)
    os.replace(store_path, prev)
    moved.insert(0, prev.name)
    return moved


def reusable(stored: Mapping[str, Any] | None, run_key: str) -> bool:
    """Whether a stored result (its provenance, or None) may stand for an item whose run key is ``run_key``."""
    return bool(stored) and stored.get("run_key") == run_key  # type: ignore[union-attr]


class RunKeys:
    """The run keys of a run's items, with the file digests and settings they are made of (each computed once per run).

    Parameters
    ----------
    input_dir : Path
        The workflow's input directory (paths in keys are relative to it).

    Attributes
    ----------
    digests : dict
        Store key -> content digest of every result known to the run (stored
        or done): the inputs of a run key.
    """

    def __init__(self, input_dir: Path) -> None:
        self.input_dir = input_dir
        self.digests: dict[str, str] = {}  # key -> content digest
        self._file_hash: dict[str, str] = {}
        self._settings_files: dict[str, dict[str, Any]] = {}  # step id -> digests of the files its settings name
        self._settings_json: dict[str, dict[str, Any]] = {}

    def file_digest(self, path: str | os.PathLike[str]) -> str:
        """SHA-256 of a file's contents, once per run."""
        key = str(path)
        if key not in self._file_hash:
            self._file_hash[key] = _file_digest_or_state(key)
        return self._file_hash[key]

    def item_hash(self, ws: WorkflowStep, value: Any) -> str:
        """What stands for the item in its run key: its file's digest for a per-file step, else its value as JSON."""
        if ws.spec.fan_out == "files" and value is not None:
            return self.file_digest(value)
        return json.dumps(value, sort_keys=True, default=str)

    def item_files(self, ws: WorkflowStep, value: Any) -> dict[str, str]:
        """Digests of the files an item reads that no setting names (``StepSpec.item_files``), by path.

        A path inside the input folder is given relative to it, so a moved
        input folder keeps its run keys.
        """
        if ws.spec.item_files is None:
            return {}
        try:
            paths = list(ws.spec.item_files(ws.settings, value, Path(self.input_dir)))
        except OSError as exc:  # the step itself will report the unreadable folder
            return {"?": f"unlisted ({exc.strerror or exc})"}
        out = {}
        for p in paths:
            p = Path(p) if os.path.isabs(p) else Path(self.input_dir) / p
            out[os.path.relpath(p, self.input_dir)] = self.file_digest(p)
        return out

    def settings_files(self, ws: WorkflowStep) -> dict[str, Any]:
        """Digests of the files a step's path-typed settings name or match (once per step and run)."""
        if ws.id not in self._settings_files:
            self._settings_files[ws.id] = settings_file_digests(ws.settings, self.input_dir, self.file_digest)
        return self._settings_files[ws.id]

    def run_key(self, ws: WorkflowStep, value: Any, keys: Mapping[str, Any]) -> tuple[str, dict[str, Any], dict[str, str]]:
        """The item's run key, the digests of its inputs, and those of the files it reads that no setting names."""
        from geoexplore import __version__

        in_digests: dict[str, Any] = {}
        for name, ref in keys.items():
            if isinstance(ref, dict):
                in_digests[name] = {i: self.digests.get(k, "") for i, k in sorted(ref.items())}
            else:
                in_digests[name] = self.digests.get(ref, "")
        payload = {
            "step": ws.spec.name,
            "settings": self.settings_of(ws),
            "item": self.item_hash(ws, value),
            "inputs": in_digests,
            "version": __version__,
        }
        files = self.settings_files(ws)
        if files:  # only for steps with file settings: other steps keep the run keys of earlier stores
            payload["files"] = files
        found = self.item_files(ws, value)
        if found:  # likewise only where a step reads files it finds itself
            payload["item_files"] = found
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest(), in_digests, found

    def settings_of(self, ws: WorkflowStep) -> dict[str, Any]:
        """A step's validated settings as plain JSON data (the same for all its items: made once)."""
        if ws.id not in self._settings_json:
            self._settings_json[ws.id] = json.loads(ws.settings.to_json())
        return self._settings_json[ws.id]
