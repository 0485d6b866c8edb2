"""Typed, validated settings for processing steps.

Every step takes a :class:`Settings` subclass: a frozen pydantic model whose
field names carry their units (``window_length_s``, ``dx_m``,
``freq_min_hz``). Unknown keys are errors with a suggestion; settings
serialise to JSON and are stored with every result.

Examples
--------
>>> class Smooth(Settings):
...     bandwidth_b: float = 40.0
>>> Smooth.from_mapping({"bandwith_b": 30})  # doctest: +SKIP
SettingsError: Smooth: unknown setting 'bandwith_b' (did you mean 'bandwidth_b'?); valid: bandwidth_b

Settings that name input files are typed :data:`InputFile` (one file) or
:data:`InputGlob` (a pattern); ``InputFile | None`` for an optional file. The
runner hashes the contents of every file they name or match into the step's
run key, so ``--resume`` recomputes a step whose input files changed::

    class BuildSettings(Settings):
        model_file: InputFile = Field("model.yaml", description="model YAML")
"""

from __future__ import annotations

import difflib
import json
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from geoexplore.core.errors import SettingsError


@dataclass(frozen=True)
class InputPath:
    """Marks a setting as naming input files (relative to the input directory).

    ``kind="file"``: one file; ``kind="glob"``: a pattern. ``lists`` names a
    CSV column holding further files, relative to the CSV (an array table
    listing its records); those files are hashed too.
    """

    kind: Literal["file", "glob"] = "file"
    lists: str | None = None


#: a setting naming one input file
InputFile = Annotated[str, InputPath("file")]
#: a setting naming input files by a glob pattern
InputGlob = Annotated[str, InputPath("glob")]


def _input_path_of(annotation: Any, metadata: list[Any]) -> InputPath | None:
    for m in metadata:
        if isinstance(m, InputPath):
            return m
    if typing.get_origin(annotation) is Annotated:
        return _input_path_of(None, list(typing.get_args(annotation)[1:]))
    for arg in typing.get_args(annotation):  # Optional[InputFile], InputFile | None
        found = _input_path_of(arg, [])
        if found:
            return found
    return None


class Settings(BaseModel):
    """Base class of all step settings (frozen, no unknown keys)."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)

    #: short name used in messages; defaults to the class name
    label: ClassVar[str | None] = None

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None, *, source: str | None = None) -> "Settings":
        """Build settings from a plain mapping, with clear errors.

        Parameters
        ----------
        data : mapping or None
            Keys and values, e.g. from a workflow YAML file.
        source : str, optional
            Where the mapping came from (``"siping.yaml: steps[2].settings"``),
            put at the start of every error message.

        Raises
        ------
        SettingsError
            Naming the source, the key, what is wrong and the valid choices.
        """
        name = cls.label or cls.__name__
        where = f"{source}: " if source else ""
        if data is not None and not isinstance(data, Mapping):
            raise SettingsError(f"{where}{name}: settings must be a mapping of names to values, got {type(data).__name__} {data!r}"[:300])
        data = dict(data or {})
        valid = list(cls.model_fields)
        for key in data:
            if key not in cls.model_fields:
                close = difflib.get_close_matches(str(key), valid, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                raise SettingsError(
                    f"{where}{name}: unknown setting '{key}'{hint}; valid: {', '.join(valid) or '(none)'}", key=str(key)
                )
        try:
            return cls(**data)
        except ValidationError as exc:
            msgs = []
            for err in exc.errors():
                loc = ".".join(str(p) for p in err["loc"])
                msgs.append(f"'{loc}': {err['msg']} (got {err.get('input')!r})")
            first = exc.errors()[0]["loc"] if exc.errors() else ()
            raise SettingsError(f"{where}{name}: " + "; ".join(msgs), key=str(first[0]) if first else None) from None

    @classmethod
    def path_fields(cls) -> dict[str, InputPath]:
        """Settings typed :data:`InputFile` / :data:`InputGlob`: name -> :class:`InputPath`."""
        out = {}
        for name, f in cls.model_fields.items():
            marker = _input_path_of(f.annotation, list(f.metadata))
            if marker:
                out[name] = marker
        return out

    def to_json(self) -> str:
        """Settings as canonical JSON (sorted keys), as stored with results.

        A field added after results were first stored is declared with
        :func:`added_field` (``json_schema_extra={"added_in": version}``). While it
        holds its default, which reproduces the behaviour before it existed,
        it is left out of the JSON: the settings of a stored result, and so its
        run key, stay what they were, and ``--resume`` reuses the result. Set to
        any other value, it is written like every field.
        """
        data = self.model_dump(mode="json")
        for name, f in type(self).model_fields.items():
            extra = f.json_schema_extra if isinstance(f.json_schema_extra, dict) else {}
            if "added_in" in extra and name in data and getattr(self, name) == f.get_default(call_default_factory=True):
                del data[name]
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "Settings":
        """Rebuild settings from :meth:`to_json` output."""
        return cls.from_mapping(json.loads(text))


def added_field(default: Any, *, added_in: str, **kwargs: Any) -> Any:
    """A pydantic ``Field`` for a setting added after results were stored (see :meth:`Settings.to_json`).

    ``added_in`` names the version that added it; ``default`` must reproduce
    the behaviour of the versions before.
    """
    from pydantic import Field

    extra = dict(kwargs.pop("json_schema_extra", None) or {})
    extra["added_in"] = added_in
    return Field(default, json_schema_extra=extra, **kwargs)


class NoSettings(Settings):
    """For steps that take no settings."""
