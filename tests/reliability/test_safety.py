"""Safety: workflow files are data, nothing read from disk is unpickled or evaluated, paths stay inside.

These checks do not trust a list of known call sites: the source of every geoexplore module is parsed
with :mod:`ast` and every call that could run code from a file is refused.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from geoexplore.core.errors import FileFormatError, GeoexploreError, WorkflowError
from geoexplore.pipeline.workflow import load_workflow, resolve_path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "geoexplore"

# name of the called function -> why it is refused
BANNED_NAMES = {
    "eval": "evaluates a string as Python",
    "exec": "executes a string as Python",
    "compile": "compiles a string as Python",
    "__import__": "imports a module named at run time",
}
# (module alias, attribute) -> why
BANNED_ATTRS = {
    ("pickle", "load"): "unpickling runs arbitrary code",
    ("pickle", "loads"): "unpickling runs arbitrary code",
    ("pickle", "Unpickler"): "unpickling runs arbitrary code",
    ("cPickle", "load"): "unpickling runs arbitrary code",
    ("dill", "load"): "unpickling runs arbitrary code",
    ("dill", "loads"): "unpickling runs arbitrary code",
    ("cloudpickle", "load"): "unpickling runs arbitrary code",
    ("cloudpickle", "loads"): "unpickling runs arbitrary code",
    ("joblib", "load"): "joblib.load unpickles",
    ("marshal", "load"): "marshal loads code objects",
    ("marshal", "loads"): "marshal loads code objects",
    ("shelve", "open"): "shelve unpickles",
    ("yaml", "load"): "yaml.load without SafeLoader can build Python objects",
    ("yaml", "load_all"): "yaml.load_all without SafeLoader can build Python objects",
    ("yaml", "unsafe_load"): "builds Python objects",
    ("yaml", "full_load"): "builds Python objects",
    ("pd", "read_pickle"): "unpickling runs arbitrary code",
    ("pandas", "read_pickle"): "unpickling runs arbitrary code",
    ("torch", "load"): "unpickles",
    ("os", "system"): "runs a shell command",
    ("subprocess", "getoutput"): "runs a shell command",
}
UNSAFE_YAML_LOADERS = {"Loader", "FullLoader", "UnsafeLoader", "CLoader", "CFullLoader", "CUnsafeLoader"}


def _sources() -> list[Path]:
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 40, "the package source was not found"
    return files


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return "?"


def _violations(tree: ast.AST) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in ("pickle", "cPickle", "dill", "cloudpickle", "marshal", "shelve"):
            out.append((node.lineno, f"from {node.module} import ...: deserialisation that can run code"))
        if not isinstance(node, ast.Call):
            continue
        name = _dotted(node.func)
        last = name.rsplit(".", 1)[-1]
        if isinstance(node.func, ast.Name) and name in BANNED_NAMES:
            if name == "__import__" and node.args and isinstance(node.args[0], ast.Constant):
                continue  # __import__("struct"): a fixed module, nothing from a file
            out.append((node.lineno, f"{name}(): {BANNED_NAMES[name]}"))
        if isinstance(node.func, ast.Attribute):
            base = name.rsplit(".", 2)[-2] if "." in name else ""
            if (base, last) in BANNED_ATTRS:
                why = BANNED_ATTRS[(base, last)]
                if (base, last) in (("yaml", "load"), ("yaml", "load_all")):
                    loader = next((k.value for k in node.keywords if k.arg == "Loader"), node.args[1] if len(node.args) > 1 else None)
                    if loader is not None and _dotted(loader).rsplit(".", 1)[-1] in ("SafeLoader", "CSafeLoader", "BaseLoader"):
                        continue
                out.append((node.lineno, f"{name}(): {why}"))
        # numpy.load with allow_pickle=True
        if last == "load" and any(k.arg == "allow_pickle" and not (isinstance(k.value, ast.Constant) and k.value.value is False)
                                  for k in node.keywords):
            out.append((node.lineno, f"{name}(allow_pickle=...): unpickling runs arbitrary code"))
        for k in node.keywords:
            if k.arg == "Loader" and _dotted(k.value).rsplit(".", 1)[-1] in UNSAFE_YAML_LOADERS:
                out.append((node.lineno, f"{name}(Loader={_dotted(k.value)}): unsafe YAML loader"))
        # ObsPy's read() without a format guesses, and its guesses include the PICKLE plug-in
        if name in ("obspy.read", "obspy_read", "obspy.core.stream.read") and not any(k.arg == "format" for k in node.keywords):
            out.append((node.lineno, f"{name}() without format=: ObsPy's format guessing unpickles"))
        # subprocess with shell=True
        if any(k.arg == "shell" and isinstance(k.value, ast.Constant) and k.value.value is True for k in node.keywords):
            out.append((node.lineno, f"{name}(shell=True): runs a shell command"))
    return out


def test_the_scanner_catches_what_it_should():
    """The scanner itself finds each banned pattern (so an empty result means something)."""
    bad = textwrap.dedent(
        """
        import pickle, yaml, numpy as np, subprocess
        from marshal import loads
        pickle.load(open("f", "rb"))
        eval(text)
        __import__(name)
        exec(code)
        yaml.load(text, Loader=yaml.Loader)
        yaml.load(text)
        yaml.unsafe_load(text)
        np.load("a.npy", allow_pickle=True)
        subprocess.run(cmd, shell=True)
        obspy.read(path)
        """
    )
    found = _violations(ast.parse(bad))
    assert len(found) == 12, found
    good = "import yaml, numpy as np\nyaml.safe_load(t)\nyaml.load(t, Loader=yaml.SafeLoader)\nnp.load('a.npy')\nnp.load('b', allow_pickle=False)\n__import__('json')\nobspy.read(p, format='MSEED')\n"
    assert _violations(ast.parse(good)) == []


def test_no_code_from_disk_anywhere_in_geoexplore():
    problems = []
    for f in _sources():
        tree = ast.parse(f.read_text(encoding="utf-8"), filename=str(f))
        problems += [f"{f.relative_to(ROOT)}:{line}: {why}" for line, why in _violations(tree)]
    assert not problems, "\n".join(problems)


class _PickleBomb:
    """Unpickling this creates ``marker`` (what a hostile file could do instead)."""

    def __init__(self, marker: Path):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


@pytest.mark.parametrize("reader", ["microtremor", "mt"])
def test_a_pickle_named_mseed_is_refused_without_being_unpickled(tmp_path, reader):
    """A pickle dressed as a station file (ObsPy would unpickle it when guessing the format)."""
    import pickle

    marker = tmp_path / "code-from-the-file-ran"
    bomb = tmp_path / "station.mseed"
    # "obspy.core.stream" in the bytes is what ObsPy's pickle check looks for first
    bomb.write_bytes(pickle.dumps(("obspy.core.stream", _PickleBomb(marker)), protocol=0))
    if reader == "microtremor":
        from geoexplore.microtremor.io import read_record as read
    else:
        from geoexplore.mt.timeseries import read_miniseed as read
    with pytest.raises(FileFormatError) as err:
        read(bomb)
    assert "station.mseed" in str(err.value)
    assert not marker.exists(), "reading the file ran code from it"
    # the check is real: unpickling the same bytes does create the marker
    pickle.loads(bomb.read_bytes())
    assert marker.exists()


# -- workflows are data ------------------------------------------------------------------
MARKER_NAME = "geoexplore-yaml-code-ran"


@pytest.mark.parametrize(
    "payload",
    [
        "!!python/object/apply:os.system ['touch {marker}']",
        "!!python/object/apply:subprocess.check_output [['touch', '{marker}']]",
        "!!python/name:os.system ''",
        "!!python/object/new:os.system ['touch {marker}']",
    ],
)
def test_workflow_yaml_with_python_tags_is_refused(tmp_path, payload):
    marker = tmp_path / MARKER_NAME
    (tmp_path / "model.yaml").write_text((ROOT / "data" / "siping" / "model.yaml").read_text())
    wf = tmp_path / "wf.yaml"
    wf.write_text(
        "workflow: evil\nline: shallow\nsteps:\n  - id: model\n    step: model.build\n"
        f"    settings:\n      model_file: {payload.format(marker=marker)}\n"
    )
    with pytest.raises(GeoexploreError) as e:  # WorkflowError carrying the YAML error
        load_workflow(wf)
    assert "wf.yaml at line 7" in str(e.value) and "python/" in str(e.value)
    assert not marker.exists()


def test_model_yaml_with_python_tags_is_refused(tmp_path):
    from geoexplore.core.geomodel import load_model

    marker = tmp_path / MARKER_NAME
    text = (ROOT / "data" / "siping" / "model.yaml").read_text()
    bad = tmp_path / "model.yaml"
    bad.write_text(f"evil: !!python/object/apply:os.system ['touch {marker}']\n" + text)
    with pytest.raises(FileFormatError, match="model.yaml at line 1"):
        load_model(bad)
    assert not marker.exists()


def test_a_step_name_is_never_imported_as_code(tmp_path):
    """``step:`` must name a registered step; a module path is not imported."""
    (tmp_path / "model.yaml").write_text((ROOT / "data" / "siping" / "model.yaml").read_text())
    wf = tmp_path / "wf.yaml"
    wf.write_text("workflow: w\nline: shallow\nsteps:\n  - id: model\n    step: os:system\n")
    with pytest.raises(WorkflowError, match="wf.yaml"):
        load_workflow(wf)


# -- paths stay inside ---------------------------------------------------------------------
def _wf(tmp_path: Path, extra: str = "") -> Path:
    inp = tmp_path / "input"
    inp.mkdir()
    (inp / "model.yaml").write_text((ROOT / "data" / "siping" / "model.yaml").read_text())
    wf = tmp_path / "wf.yaml"
    wf.write_text("workflow: w\ninput_dir: input\nline: shallow\nsteps:\n  - id: model\n    step: model.build\n" + extra)
    return wf


def test_relative_paths_resolve_against_the_input_dir_and_stay_inside(tmp_path):
    wf = load_workflow(_wf(tmp_path))
    assert wf.input_dir == (tmp_path / "input").resolve()
    assert resolve_path(wf, "x", "model.yaml") == wf.input_dir / "model.yaml"
    for escape in ("../wf.yaml", "sub/../../wf.yaml", "../../../../etc/passwd"):
        with pytest.raises(WorkflowError, match="leaves the input directory"):
            resolve_path(wf, "steps[0]", escape)
    # an absolute path is taken as meant
    assert resolve_path(wf, "x", str(tmp_path / "wf.yaml")) == tmp_path / "wf.yaml"


def test_a_glob_never_reaches_outside_the_input_dir(tmp_path):
    (tmp_path / "outside.yaml").write_text("x: 1\n")
    body = "  - id: alt\n    step: model.load\n    foreach: {glob: '../*.yaml'}\n"
    with pytest.raises(WorkflowError, match="leaves the input directory"):
        load_workflow(_wf(tmp_path, body))


def test_a_symlink_out_of_the_input_dir_is_not_followed(tmp_path):
    wf_path = _wf(tmp_path)
    secret = tmp_path / "secret.yaml"
    secret.write_text((ROOT / "data" / "siping" / "model.yaml").read_text())
    (tmp_path / "input" / "link.yaml").symlink_to(secret)
    wf = load_workflow(wf_path)
    with pytest.raises(WorkflowError, match="leaves the input directory"):
        resolve_path(wf, "steps[0]", "link.yaml")


def test_step_settings_paths_stay_inside_the_input_dir(tmp_path):
    """A setting naming a file (model_file, picks_file, ...) is resolved by ``ctx.path`` inside the input dir."""
    from geoexplore.pipeline.step import StepContext

    inp = tmp_path / "input"
    inp.mkdir()
    (inp / "model.yaml").write_text("x: 1\n")
    (tmp_path / "secret.yaml").write_text("x: 2\n")
    (inp / "link.yaml").symlink_to(tmp_path / "secret.yaml")
    ctx = StepContext(step_id="model", input_dir=inp)
    assert ctx.path("model.yaml") == inp / "model.yaml"
    assert ctx.path("sub/../model.yaml").resolve() == (inp / "model.yaml").resolve()
    for escape in ("../secret.yaml", "link.yaml", "../../../etc/passwd"):
        with pytest.raises(WorkflowError, match="step 'model': path .* leaves the input directory"):
            ctx.path(escape)
    assert ctx.path(tmp_path / "secret.yaml") == tmp_path / "secret.yaml"  # absolute: taken as meant
