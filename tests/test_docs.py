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
