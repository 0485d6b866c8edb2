"""Safe YAML reading: data only, errors with file and line.

Workflow and model files are data. They are read with PyYAML's safe loader
(no Python objects, no code execution); a syntax error raises
:class:`~geoexplore.core.errors.FileFormatError` naming the file and line.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from geoexplore.core.errors import FileFormatError, SettingsError

#: refuse YAML files larger than this (a workflow or model is a few kB)
MAX_YAML_BYTES = 8 * 1024 * 1024


def load_yaml(path: str | os.PathLike[str]) -> Any:
    """Read a YAML file with the safe loader.

    Raises
    ------
    FileFormatError
        If the file is missing, too large, not UTF-8 or not valid YAML; the
        message names the file and the line.
    """
    import yaml

    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise FileFormatError(p, f"cannot open: {exc.strerror or exc}") from None
    if size > MAX_YAML_BYTES:
        raise FileFormatError(p, f"file is {size} bytes; a YAML file over {MAX_YAML_BYTES} bytes is refused")
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise FileFormatError(p, "not UTF-8 text", byte_offset=exc.start) from None
    except OSError as exc:
        raise FileFormatError(p, f"cannot read: {exc.strerror or exc}") from None
    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        pos = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        raise FileFormatError(p, f"invalid YAML: {exc.problem or exc}", position=pos) from None
    except yaml.reader.ReaderError as exc:
        raise FileFormatError(p, f"invalid YAML: {exc.reason}", position=f"character {exc.position}") from None
    except yaml.YAMLError as exc:
        raise FileFormatError(p, f"invalid YAML: {exc}", position="unknown position") from None
    except RecursionError:
        raise FileFormatError(p, "invalid YAML: nesting too deep", position="unknown position") from None


def key_position(path: str | os.PathLike[str], keys: "list[str | int] | tuple[str | int, ...]") -> str:
    """Where a key path (``["units", 3, "vp_m_s"]``) is in a YAML file, in words: ``"key units[3].vp_m_s (line 40)"``.

    The line is that of the deepest part of the path present in the file (the
    parent mapping of a missing key); it is left out if the file cannot be
    composed again. For positions in errors found after a file was parsed.
    """
    label = "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in keys).lstrip(".") or "(top level)"
    line = key_line(path, keys)
    return f"key {label}" if line is None else f"key {label} (line {line})"


def key_line(path: str | os.PathLike[str], keys: "list[str | int] | tuple[str | int, ...]") -> int | None:
    """The line (1-based) of a key path in a YAML file: of its deepest part present; None if the file cannot be composed."""
    import yaml

    try:
        node = yaml.compose(Path(path).read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (yaml.YAMLError, OSError, UnicodeDecodeError, RecursionError):
        return None
    line = node.start_mark.line + 1 if node is not None else 1
    for k in keys:
        nxt = None
        if isinstance(node, yaml.MappingNode):
            nxt = next((v for kn, v in node.value if isinstance(kn, yaml.ScalarNode) and kn.value == str(k)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(k, int) and 0 <= k < len(node.value):
            nxt = node.value[k]
        if nxt is None:
            break
        node = nxt
        line = node.start_mark.line + 1
    return line


def load_settings_file(path: str | os.PathLike[str] | None, cls: Any) -> Any:
    """Settings of class ``cls`` (a :class:`~geoexplore.core.settings.Settings`) from a YAML or JSON file.

    ``.json`` files are read as JSON, others as YAML (safe loader). No path
    (None or ``""``, a CLI option not given) gives the defaults, ``cls()``.

    Raises
    ------
    FileFormatError
        (a :class:`SettingsFileError`, also a SettingsError) naming the file and
        the line, or the key and its line for a setting that is unknown or invalid.
    """
    import json
    import re

    if not path:
        return cls()
    p = Path(path)
    if p.suffix.lower() == ".json":
        try:
            raw = p.read_bytes()
        except OSError as exc:
            raise FileFormatError(p, f"cannot read: {exc.strerror or exc}") from None
        try:
            data = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise FileFormatError(p, "not UTF-8 text", byte_offset=exc.start) from None
        except json.JSONDecodeError as exc:
            raise FileFormatError(p, f"invalid JSON: {exc.msg}", position=f"line {exc.lineno}, column {exc.colno}") from None
        except RecursionError:
            raise FileFormatError(p, "invalid JSON: nesting too deep", position="line 1") from None
    else:
        data = load_yaml(p)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise SettingsFileError(p, f"settings must be a mapping of names to values, got {type(data).__name__}", position="line 1")
    try:
        return cls.from_mapping(data)
    except SettingsError as exc:
        m = re.search(r"(?:unknown setting )?'([^']+)'", str(exc))
        keys: list[str | int] = [int(k) if k.isdigit() else k for k in m.group(1).split(".")] if m else []
        raise SettingsFileError(p, str(exc), position=key_position(p, keys)) from None


class SettingsFileError(FileFormatError, SettingsError):
    """A settings file with an unknown or invalid setting: names the file, the key and its line."""
