"""The package's structure, kept so: layers that point down, one shape per method, no backend switching.

The import graph is built with :mod:`ast` (no module is imported). Layers,
bottom to top (docs/architecture.md)::

    core < viz < pipeline < {seismic, mt, ert, microtremor, model} < fault < report < cli

A module may import its own package and the layers below it. Method
packages never import each other. Nothing imports a private name (``_x``)
of another module, geoexplore's or a third party's. Library code never
calls ``matplotlib.use`` nor imports pyplot. No module over 600 lines, no
function over 120 lines.
"""

from __future__ import annotations

import ast
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "geoexplore"

#: layer of each top-level part of the package (the package root holds only the version and errors)
LAYERS: dict[str, int] = {
    "": 0, "core": 0, "viz": 1, "pipeline": 2,
    "seismic": 3, "mt": 3, "ert": 3, "microtremor": 3, "model": 3,
    "fault": 4, "report": 5, "cli": 6, "__main__": 7, "testing": 7,
}
METHODS = ("seismic", "mt", "ert", "microtremor")
#: the shape every method package has
METHOD_SHAPE = ("io/__init__.py", "settings.py", "steps.py", "synth.py", "plot.py", "cli.py", "__init__.py")
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 120


@dataclass(frozen=True)
class Problem:
    kind: str
    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.where}: {self.what}"


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _part(module: str) -> str:
    """The top-level part of a geoexplore module name ('' for the package root)."""
    bits = module.split(".")
    return bits[1] if len(bits) > 1 else ""


def _imports(tree: ast.AST, module: str, is_package: bool) -> list[tuple[int, str, list[str]]]:
    """(line, imported module, imported names) for every import in a module, relative ones resolved."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name, []) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            out.append((node.lineno, target, [a.name for a in node.names]))
    return out


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def check_tree(root: Path) -> list[Problem]:
    """Every structural problem in the package at ``root`` (a folder named like the package)."""
    problems: list[Problem] = []
    for path in sorted(root.rglob("*.py")):
        module = _module_name(path, root)
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text, filename=str(path))
        where_file = str(path.relative_to(root.parent))
        part = _part(module)
        mine = LAYERS.get(part)
        if mine is None:
            problems.append(Problem("unknown part", where_file, f"'{part}' has no layer; add it to LAYERS and the docs"))
            continue
        for line, target, names in _imports(tree, module, path.name == "__init__.py"):
            where = f"{where_file}:{line}"
            if target.split(".")[0] == root.name:
                tpart = _part(target)
                theirs = LAYERS.get(tpart, 99)
                if tpart != part and theirs > mine:
                    problems.append(Problem("upward import", where, f"{module} ({part or 'root'}) imports {target} ({tpart})"))
                if tpart != part and part in METHODS and tpart in METHODS:
                    problems.append(Problem("method-to-method import", where, f"{module} imports {target}"))
                private_target = [n for n in names if _is_private(n)]
                if private_target and target != module:
                    problems.append(Problem("private import", where, f"{module} imports {target}.{', '.join(private_target)}"))
            else:
                private_target = [n for n in names if _is_private(n)]
                if private_target:
                    problems.append(Problem("private import", where, f"{module} imports {target}.{', '.join(private_target)}"))
                if target == "matplotlib.pyplot" or (target == "matplotlib" and "pyplot" in names):
                    problems.append(Problem("pyplot in library", where, "build figures with geoexplore.viz.figure.new_figure"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "use"
                    and isinstance(node.func.value, ast.Name) and node.func.value.id in ("matplotlib", "mpl")):
                problems.append(Problem("matplotlib.use", f"{where_file}:{node.lineno}", "library code never switches the backend"))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = node.end_lineno - node.lineno + 1
                if n > MAX_FUNCTION_LINES:
                    problems.append(Problem("long function", f"{where_file}:{node.lineno}", f"{node.name} has {n} lines (> {MAX_FUNCTION_LINES})"))
        n_lines = len(text.splitlines())
        if n_lines > MAX_MODULE_LINES:
            problems.append(Problem("long module", where_file, f"{n_lines} lines (> {MAX_MODULE_LINES})"))
    return problems


def _report(problems: list[Problem]) -> str:
    return "\n".join(str(p) for p in problems)


@pytest.mark.parametrize("kind", ["upward import", "method-to-method import", "private import", "pyplot in library",
                                  "matplotlib.use", "long function", "long module", "unknown part"])
def test_package_has_no(kind):
    found = [p for p in check_tree(PACKAGE) if p.kind == kind]
    assert not found, f"{len(found)} x {kind}:\n{_report(found)}"


@pytest.mark.parametrize("method", METHODS)
def test_every_method_package_has_the_same_shape(method):
    root = PACKAGE / method
    missing = [f for f in METHOD_SHAPE if not (root / f).is_file()]
    assert not missing, f"geoexplore/{method} lacks {missing}"


@pytest.mark.parametrize("method", METHODS)
def test_every_method_has_a_front_door(method):
    import importlib

    mod = importlib.import_module(f"geoexplore.{method}")
    assert callable(getattr(mod, "read", None)), f"geoexplore.{method}.read is missing"
    assert "read" in getattr(mod, "__all__", ()), f"geoexplore.{method}.__all__ does not list read"


def _plant(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "geoexplore"
    for rel, src in files.items():
        f = root / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(textwrap.dedent(src))
    for d in [root, *[p for p in root.rglob("*") if p.is_dir()]]:
        (d / "__init__.py").touch()
    return root


def test_checker_finds_a_planted_upward_import(tmp_path):
    root = _plant(tmp_path, {"core/store.py": "from geoexplore.report import writers\n", "report/writers.py": "X = 1\n"})
    kinds = [p.kind for p in check_tree(root)]
    assert kinds == ["upward import"]
    # the same import downward is fine
    root = _plant(tmp_path / "ok", {"report/writers.py": "from geoexplore.core import store\n", "core/store.py": "X = 1\n"})
    assert check_tree(root) == []


def test_checker_finds_planted_sideways_private_and_backend_problems(tmp_path):
    root = _plant(tmp_path, {
        "mt/timeseries.py": "from geoexplore.microtremor.io import _position\n",
        "microtremor/io.py": "def _position():\n    return 0\n",
        "ert/plot.py": "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n",
        "seismic/io/mseed.py": "from obspy.io.mseed.core import _is_mseed\n",
        "viz/big.py": "def f():\n" + "    x = 1\n" * 130,
    })
    kinds = sorted(p.kind for p in check_tree(root))
    assert kinds == sorted(["method-to-method import", "private import", "private import", "matplotlib.use",
                            "pyplot in library", "long function"])
