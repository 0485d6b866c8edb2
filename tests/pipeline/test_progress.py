"""The progress display of a run: bars on a terminal (a real pty), plain lines elsewhere, a summary table at the end."""

from __future__ import annotations

import fcntl
import io
import os
import pty
import re
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from geoexplore.cli import main
from geoexplore.pipeline.progress import RunProgress, format_duration, plain_table
from geoexplore.pipeline.record import ItemRecord

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.cluster


def test_plain_lines_when_not_a_terminal(work, small_body, write_wf, capfd):
    """Output to a file or pipe (CI, nohup): step lines, one line per failed item, a summary table; no per-item lines."""
    out = work / "plain"
    code = main(["run", str(write_wf(work, small_body)), "--out", str(out), "--workers", "1", "--no-figures"])
    assert code == 3  # the broken alternative model
    shown = capfd.readouterr().out
    assert "\x1b[" not in shown  # no terminal control codes in a log file
    assert re.search(r"^Dask: 1 worker\(s\) at tcp://127\.0\.0\.1:\d+; (dashboard http://\S+|no dashboard)$", shown, re.M)
    assert "[2/3] alternatives (model.load): started, 3 item(s)\n" in shown
    assert re.search(r"^\[2/3\] alternatives \(model\.load\): finished in [\d.]+ s: 2 done, 1 failed$", shown, re.M)
    assert "done in" not in shown  # per-item lines only with -v
    failed = [ln for ln in shown.splitlines() if "broken" in ln]
    assert len(failed) == 1 and failed[0].startswith("    alternatives/broken: FAILED FileFormatError: ")
    table = shown[shown.index("run summary: 6 item(s) in "):].splitlines()
    assert table[1].split() == ["step", "items", "done", "reused", "failed", "skipped", "wall", "time", "item", "time"]
    rows = {ln.split()[1]: ln.split() for ln in table[3:6]}
    assert rows["model"][3:8] == ["1", "1", "0", "0", "0"]
    assert rows["alternatives"][3:8] == ["3", "2", "0", "1", "0"]
    assert rows["section"][3:8] == ["2", "2", "0", "0", "0"]
    assert f"run page: {out / 'index.html'}" in shown and (out / "index.html").is_file()


def test_verbose_adds_one_line_per_item_and_json_keeps_stdout_for_the_summary(work, small_body, write_wf, capfd):
    import json

    out = work / "verbose"
    code = main(["run", "-v", str(write_wf(work, small_body)), "--out", str(out), "--workers", "1", "--no-figures", "--json"])
    assert code == 3
    shown = capfd.readouterr()
    summary = json.loads(shown.out)  # stdout: the JSON summary and nothing else
    assert summary["exit_code"] == 3 and summary["ok"] is False and summary["counts"] == {"done": 5, "failed": 1}
    assert summary["failed"][0]["key"] == "model/shallow/alternatives/broken" and "FileFormatError" in summary["failed"][0]["error"]
    assert summary["run_page"] == str(out.resolve() / "index.html")
    done = [ln for ln in shown.err.splitlines() if ln.startswith("    ") and ": done in " in ln]
    assert len(done) == 5  # model, two alternatives, two sections: the progress went to stderr


def test_bars_on_a_terminal(work, small_body, write_wf):
    """On a real pseudo-terminal: live bars with done/failed/total and time left, then the summary table."""
    wf = write_wf(work, small_body)
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 150, 0, 0))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen([sys.executable, "-m", "geoexplore", "run", str(wf), "--out", str(work / "tty"), "--workers", "1",
                             "--no-figures"], stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, env=env, cwd=work)
    os.close(slave)
    chunks = []
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        try:
            b = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not b:
            break
        chunks.append(b)
    os.close(master)
    assert proc.wait(timeout=60) == 3
    text = b"".join(chunks).decode("utf-8", "replace")
    assert "\x1b[" in text  # a live display (cursor movement, colour)
    assert "━" in text  # the bars
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)
    assert re.search(r"\[2/3\] alternatives \(model\.load\)\s+━+\s+2/3 done\s+1 failed", plain)
    assert "left" in plain
    assert "alternatives/broken: FAILED FileFormatError" in plain
    assert "done in" not in plain
    assert "run summary: 6 item(s)" in plain and "┃ step" in plain  # the summary table, drawn as a table
    assert "run page:" in plain


def _rec(step: str, item: str, status: str, elapsed: float = 1.0, error: str | None = None) -> ItemRecord:
    return ItemRecord(step, "model.section", item, f"model/shallow/{step}/{item}", status, elapsed_s=elapsed, error=error)


def test_plain_status_lines_say_how_far_a_long_step_is():
    buf = io.StringIO()
    prog = RunProgress(buf, live=False, interval_s=0.0)
    prog.event("step", step="hvsr", label="[3/9] hvsr (microtremor.hvsr)", total=4)
    prog.event("item", rec=_rec("hvsr", "a", "done"))
    prog.event("item", rec=_rec("hvsr", "b", "failed", error="FileFormatError: b.mseed: truncated at byte 512"))
    lines = buf.getvalue().splitlines()
    status = [ln for ln in lines if ln.startswith("[3/9] hvsr (microtremor.hvsr): 2/4")]
    assert status and status[-1].endswith(" left") and "1 done, 1 failed" in status[-1]
    prog.event("item", rec=_rec("hvsr", "c", "reused", 0.0))
    prog.event("item", rec=_rec("hvsr", "d", "skipped", 0.0))
    prog.event("step_done", step="hvsr")
    prog.close()
    text = buf.getvalue()
    assert "[3/9] hvsr (microtremor.hvsr): finished in" in text and "1 done, 1 reused, 1 failed, 1 skipped" in text
    assert prog.summary_rows()[0][:7] == ["[3/9] hvsr (microtremor.hvsr)", "4", "1", "1", "1", "1", prog.summary_rows()[0][6]]
    assert prog.failures == [("hvsr", "b", "FileFormatError: b.mseed: truncated at byte 512")]


def test_durations_and_plain_tables():
    assert [format_duration(s) for s in (None, 0.42, 12.4, 185, 3725)] == ["-", "0.4 s", "12 s", "3 min 05 s", "1 h 02 min"]
    assert plain_table(["step", "n"], [["a", "1"], ["long step", "120"]]) == [
        "step         n", "---------  ---", "a            1", "long step  120"]
