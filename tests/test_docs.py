"""The user guide and API reference build without warnings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_docs_build_without_warnings(tmp_path: Path) -> None:
    pytest.importorskip("sphinx")
    pytest.importorskip("myst_parser")
    r = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", str(ROOT / "docs"), str(tmp_path / "html")],
        capture_output=True, text=True, timeout=600,
    )
    assert r.returncode == 0, r.stderr[-4000:]
    assert (tmp_path / "html" / "index.html").exists()
    assert (tmp_path / "html" / "api.html").read_text().count("geoexplore.core.store") > 0


def test_readme_states_exactly_two_commands() -> None:
    text = (ROOT / "README.md").read_text()
    cmds = [line.strip() for line in text.splitlines() if line.startswith("    python3 -m venv")]
    assert len(cmds) == 2
    assert "geoexplore demo" in cmds[0] and "pytest" in cmds[1]
    assert "pytest" in (ROOT / ".ci" / "run").read_text()


def test_readme_notebook_examples_run(tmp_path: Path, shared_data: Path, monkeypatch) -> None:
    """The README's front-door examples run as written, on real files put under the names they use."""
    import re
    import shutil

    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert len(blocks) == 2
    files = {
        "STN11.miniseed": shared_data / "microtremor" / "UT.STN11.A2_C50.miniseed",
        "shot1.seg2": shared_data / "seismic" / "refraction-field01" / "2001.dat",
        "shot2.seg2": shared_data / "seismic" / "refraction-field01" / "2005.dat",
        "SP05.edi": ROOT / "data" / "siping" / "mt" / "edi" / "SP05.edi",
        "line1.bin": shared_data / "ert" / "instruments" / "syscal-bin.bin",
    }
    for name, src in files.items():
        shutil.copy(src, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})  # noqa: S102 - the README's own example
    for png in ("hv.png", "tomo.png", "mt1d.png", "ert.png"):
        assert (tmp_path / png).stat().st_size > 10_000, png
