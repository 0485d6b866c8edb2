"""Steps: plain functions with typed settings, registered by name.

A step wraps NumPy/xarray kernels. It knows nothing about Dask or the store:
it receives a :class:`StepContext` (its item, its inputs already loaded, the
input directory) and its validated :class:`~geoexplore.core.settings.Settings`,
and returns an :class:`xarray.Dataset` or a mapping of names to Datasets.
It must not mutate its inputs.

Registering::

    from geoexplore.pipeline.step import step, StepContext
    from geoexplore.core.settings import Settings

    class HvsrSettings(Settings):
        window_length_s: float = 60.0

    @step("microtremor.hvsr", settings=HvsrSettings, fan_out="files",
          figure="geoexplore.microtremor.plot:plot_hvsr_result")
    def hvsr(ctx: StepContext, settings: HvsrSettings) -> xr.Dataset:
        ...

``fan_out`` says how the runner spreads the step:

* ``"none"``: runs once;
* ``"files"``: once per file matched by the workflow's ``foreach: {glob: ...}``;
* ``"items"``: once per literal item or per item of an upstream step.

``inputs`` declares the upstream results a step reads, by name: ``"model"``
(required), ``"statics?"`` (optional), ``"*"`` (any further names, e.g. the
method images of ``fault.assess``). Workflow validation refuses other names
and a missing required input; a step without the declaration takes any.

Step modules are found lazily through :data:`STEP_MODULES`; importing one
must stay cheap (heavy libraries are imported inside the step functions).
"""

from __future__ import annotations

import contextlib
import importlib
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from geoexplore.core.errors import WorkflowError
from geoexplore.core.settings import NoSettings, Settings

FanOut = Literal["none", "files", "items"]

#: modules that register steps; searched lazily when a workflow names a step
STEP_MODULES: tuple[str, ...] = (
    "geoexplore.model.steps",
    "geoexplore.seismic.steps",
    "geoexplore.mt.steps",
    "geoexplore.ert.steps",
    "geoexplore.microtremor.steps",
    "geoexplore.fault.steps",
    "geoexplore.fault.hazard.steps",
    "geoexplore.report.steps",
)

_REGISTRY: dict[str, "StepSpec"] = {}


@dataclass(frozen=True)
class StepSpec:
    """A registered step."""

    name: str
    func: Callable[..., Any]
    settings: type[Settings]
    fan_out: FanOut
    package: str
    figure: str | None = None
    doc: str = ""
    inputs: tuple[str, ...] | None = None  # declared input names (see module docstring); None: any
    module: str = ""  # the module that registered the step (imported on a worker that lacks it)
    stack_items: bool = False  # per-item results kept as rows of one record table (geoexplore.core.store.records)
    item_files: Callable[[Any, Any, Path], Iterable[Any]] | None = None  # files an item reads that no setting names

    @property
    def required_inputs(self) -> list[str]:
        return [n for n in self.inputs or () if n != "*" and not n.endswith("?")]

    def takes_input(self, name: str) -> bool:
        """Whether the step reads an input of this name."""
        if self.inputs is None or "*" in self.inputs:
            return True
        return name in self.inputs or f"{name}?" in self.inputs

    def __call__(self, ctx: "StepContext", settings: Settings) -> Any:
        return self.func(ctx, settings)


@dataclass
class StepContext:
    """What a step receives besides its settings.

    Attributes
    ----------
    step_id : str
        The step's id in the workflow.
    item : str or None
        The item name for fanned-out steps (file stem, station, line).
    item_value : Any
        The item itself: an absolute file path for ``fan_out="files"``, the
        literal value for ``fan_out="items"``.
    inputs : dict
        Upstream results by input name: a Dataset, a mapping of Datasets, or
        for a fanned-out upstream step a dict ``{item: result}``.
    input_dir : Path
        The workflow's input directory (relative paths resolve here).
    line : str
        The survey line the step works on.
    """

    step_id: str
    item: str | None = None
    item_value: Any = None
    inputs: dict[str, Any] = field(default_factory=dict)
    input_dir: Path = Path(".")
    line: str = "profile"
    log: logging.Logger = field(default_factory=lambda: logging.getLogger("geoexplore.step"))

    def path(self, relative: str | Path) -> Path:
        """Resolve a path relative to the input directory.

        A relative path must stay inside the input directory (``../`` or a symbolic link out of it
        is refused with :class:`WorkflowError`); an absolute path is taken as meant.
        """
        p = Path(relative)
        if p.is_absolute():
            return p
        full = self.input_dir / p
        try:
            full.resolve().relative_to(Path(self.input_dir).resolve())
        except ValueError:
            raise WorkflowError(
                f"step '{self.step_id}': path '{relative}' leaves the input directory {self.input_dir}; "
                "use an absolute path to mean it"
            ) from None
        return full

    def require(self, name: str) -> Any:
        """An input that must be present (raises a clear error otherwise)."""
        if name not in self.inputs or self.inputs[name] is None:
            raise WorkflowError(f"step '{self.step_id}': input '{name}' is missing (have: {sorted(self.inputs)})")
        return self.inputs[name]


def step(
    name: str,
    *,
    settings: type[Settings] = NoSettings,
    fan_out: FanOut = "none",
    figure: str | None = None,
    inputs: tuple[str, ...] | None = None,
    stack_items: bool = False,
    item_files: Callable[[Any, Any, Path], Iterable[Any]] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a function as a workflow step (decorator).

    Parameters
    ----------
    name : str
        ``"<package>.<verb>"``, e.g. ``"ert.invert"``. The package part names
        the store group the results go to.
    settings : Settings subclass
        The step's settings model.
    fan_out : {"none", "files", "items"}
        How the runner fans the step out (see module docstring).
    figure : str, optional
        ``"module:function"`` that draws the stored result:
        ``function(result, path)``; used by the runner and by
        :func:`geoexplore.report.figures.render`.
    inputs : tuple of str, optional
        The input names the step reads: ``"name"`` required, ``"name?"``
        optional, ``"*"`` any further name. None: not declared (any name).
    stack_items : bool
        For a step that runs per item and returns a small Dataset per item
        (an H/V record, an MT station): store the results as the rows of one
        record table (:mod:`geoexplore.core.store.records`) instead of one group
        each. Reading them back is unchanged.
    item_files : callable, optional
        ``item_files(settings, item_value, input_dir) -> paths``: the files an item reads
        that neither its item value nor a path-typed setting names (files a
        step finds by itself, e.g. the neighbouring station ``mt.tf`` takes
        as remote reference). Their contents join the item's run key, so
        ``--resume`` reruns the item when one of them changes.
    """
    if "." not in name:
        raise ValueError(f"step name {name!r} must be '<package>.<verb>'")
    if fan_out not in ("none", "files", "items"):
        raise ValueError(f"fan_out must be none, files or items, got {fan_out!r}")

    def deco(func: Callable[..., Any]) -> Callable[..., Any]:
        _REGISTRY[name] = StepSpec(
            name=name,
            func=func,
            settings=settings,
            fan_out=fan_out,
            package=name.split(".", 1)[0],
            figure=figure,
            doc=(func.__doc__ or "").strip().split("\n")[0],
            inputs=tuple(inputs) if inputs is not None else None,
            module=getattr(func, "__module__", ""),
            stack_items=bool(stack_items) and fan_out != "none",
            item_files=item_files,
        )
        return func

    return deco


def _load_all() -> None:
    from geoexplore.core.plugins import present

    for _ in present(STEP_MODULES):
        pass


def get_step(name: str, module: str | None = None) -> StepSpec:
    """Look a step up by name, importing step modules as needed.

    ``module``: the module that registered the step, imported first when the
    name is unknown (a step defined outside geoexplore, on a Dask worker).
    """
    if name not in _REGISTRY and module:
        with contextlib.suppress(ImportError):
            importlib.import_module(module)
    if name not in _REGISTRY:
        pkg = name.split(".", 1)[0]
        mod = f"geoexplore.{pkg}.steps"
        if mod in STEP_MODULES:
            from geoexplore.core.plugins import import_if_present

            import_if_present(mod)
    if name not in _REGISTRY:
        _load_all()
    if name not in _REGISTRY:
        import difflib

        close = difflib.get_close_matches(name, list(_REGISTRY), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise WorkflowError(f"unknown step '{name}'{hint}; known steps: {', '.join(sorted(_REGISTRY))}")
    return _REGISTRY[name]


def all_steps() -> Mapping[str, StepSpec]:
    """Every registered step (imports all step modules)."""
    _load_all()
    return dict(sorted(_REGISTRY.items()))


def load_callable(spec: str) -> Callable[..., Any]:
    """Import ``"module:function"``."""
    mod, _, fn = spec.partition(":")
    return getattr(importlib.import_module(mod), fn)
