"""The run page (OUT/index.html) of a real run, opened in a real headless browser (Chromium) from the file system."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.cluster

def browser() -> str | None:
    """A Chromium-family browser on this machine (Debian: apt-get install chromium; CI installs it)."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def open_in_browser(page: Path, tmp: Path, screenshot: Path | None = None) -> tuple[str, list[str]]:
    """The DOM after the page's script ran, and the console messages (errors included), from headless Chromium."""
    exe = browser()
    if exe is None:
        pytest.skip("no Chromium on this machine (Debian: apt-get install chromium; .ci/run installs it)")
    args = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", f"--user-data-dir={tmp / 'profile'}",
            "--enable-logging=stderr", "--v=0", "--allow-file-access-from-files"]
    if screenshot is not None:
        subprocess.run([*args, f"--screenshot={screenshot}", "--window-size=1280,1600", page.as_uri()], capture_output=True,
                       timeout=180, check=False)
    res = subprocess.run([*args, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=180, check=False)
    console = [ln for ln in res.stderr.splitlines() if ":CONSOLE" in ln]
    return res.stdout, console


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory, make_workflow_input, small_body, write_wf):
    """The small workflow (tests/conftest.py) run once without retries: one of its six items fails."""
    from geoexplore.pipeline.runner import run_workflow

    work = make_workflow_input(tmp_path_factory.mktemp("runpage"))
    wf = write_wf(work, small_body.replace("retries: 1", "retries: 0"))
    report = run_workflow(wf, work / "out", n_workers=1, progress=lambda s: None)
    assert [r.status for r in report.items].count("failed") == 1
    return work


def test_the_browser_check_sees_a_script_error(tmp_path):
    """The check itself: a page with a script error is caught (so a clean page means something)."""
    bad = tmp_path / "bad.html"
    bad.write_text("<!DOCTYPE html><html><body><script>undefinedFunction();</script></body></html>")
    _dom, console = open_in_browser(bad, tmp_path)
    assert any("undefinedFunction is not defined" in c for c in console)


def test_run_page_opens_without_errors_and_shows_every_step_and_item(run_dir, tmp_path):
    from geoexplore.report.runpage import write_run_page

    out = run_dir / "out"
    page = write_run_page(out, input_dir=run_dir / "input")
    assert page == out / "index.html"
    html = page.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["'](https?:)?//""", html)  # nothing from a network
    shot = tmp_path / "runpage.png"
    dom, console = open_in_browser(page, tmp_path, screenshot=shot)
    assert console == []  # no console output at all: no errors, no warnings
    assert 'data-ready="1"' in dom  # the page's script ran to its end
    run = json.loads((out / "run.json").read_text())
    for step in {r["step_id"] for r in run["items"]}:
        assert f'id="step-{step}"' in dom, step
    assert dom.count("class=\"item\"") == len(run["items"]) == 6
    assert 'id="count-failed">1 failed' in dom and 'id="count-done">5 done' in dom
    assert "FileFormatError" in dom and "broken.yaml" in dom  # the failed item's error
    failed = dom[dom.index("<ul id=\"failed\">"):].split("</ul>")[0]  # listed at the top, too
    assert failed.count("<li>") == 1 and "model/shallow/alternatives/broken" in failed
    # key figures: thumbnails inside the page, linking to the full figures beside it
    thumbs = re.findall(r'<a href="(figures/[^"]+\.png)"><img src="data:image/jpeg;base64,', dom)
    assert thumbs and all((out / t).is_file() for t in thumbs)
    # provenance: settings of each step, input files with their SHA-256, versions
    from geoexplore.core.store import file_digest

    for f in ("model.yaml", "models/a.yaml"):  # the files of the stored results
        assert f"<td>{f}</td><td><code>{file_digest(run_dir / 'input' / f)}</code>" in dom, f
    assert "n_chainage" in dom and "geoexplore" in dom and "numpy" in dom
    assert shot.is_file() and shot.read_bytes()[:4] == b"\x89PNG"


def test_the_figure_command_writes_the_run_page(run_dir, capsys):
    from geoexplore.cli import main

    out = run_dir / "out"
    (out / "index.html").unlink(missing_ok=True)
    assert main(["figure", str(out / "project.h5"), "model/shallow/section", "--out", str(out / "figures"), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["run_page"] == str(out / "index.html") and (out / "index.html").is_file()
    assert len(summary["figures"]) == 2
