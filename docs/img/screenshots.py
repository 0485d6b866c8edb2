"""Makes docs/img/progress.png and docs/img/run-page.png from a real run of the demo.

Run the demo on a terminal recorded by ``script``, then this, from the repository root::

    script -q -c "stty cols 150 rows 50; geoexplore demo --out out/demo" out/demo.typescript
    python docs/img/screenshots.py out/demo.typescript out/demo

The progress image is the recorded terminal output itself (a frame of the live
display part-way through the run, then the summary table at the end),
rendered by Rich and photographed by headless Chromium; the run-page image is
Chromium's screenshot of ``out/demo/index.html``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
REDRAW = re.compile(r"(?:\x1b\[2K\x1b\[1A)+\x1b\[2K")  # Rich's live display: erase the bars, draw them again


def browser() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return str(shutil.which(name))
    raise SystemExit("needs Chromium (Debian: apt-get install chromium)")


def shoot(page: Path, png: Path, size: str) -> None:
    with tempfile.TemporaryDirectory() as prof:
        subprocess.run([browser(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", f"--user-data-dir={prof}",
                        f"--window-size={size}", f"--screenshot={png}", page.resolve().as_uri()], check=True, capture_output=True)


def progress_png(typescript: Path, png: Path, fraction: float = 0.55) -> None:
    from rich.console import Console
    from rich.text import Text

    raw = typescript.read_bytes().decode("utf-8", "replace").replace("\r\n", "\n")
    body = raw.split("\n", 1)[1]  # drop script's own first line
    body = body[: body.rfind("\nScript done")] if "\nScript done" in body else body
    head = body.split("\x1b[?25l", 1)[0]  # the lines before the bars start (the demo's line, the Dask line)
    frames = REDRAW.split(body)
    k = int(len(frames) * fraction)
    frame = frames[k].replace("\r", "")
    tail = frames[-1]
    summary = tail[tail.find("run summary"):] if "run summary" in tail else ""
    summary = summary.replace("\x1b[?25h", "")
    con = Console(record=True, width=150, force_terminal=True, color_system="truecolor", file=open("/dev/null", "w"))  # noqa: SIM115
    con.print(Text.from_ansi(head.strip("\n")))
    con.print(Text.from_ansi(frame.strip("\n")))
    con.print(Text("  ... (the run goes on; at the end:)", style="dim"))
    con.print(Text.from_ansi(summary.strip("\n")))
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "progress.html"
        con.save_html(str(page))
        n_lines = head.count("\n") + frame.count("\n") + summary.count("\n") + 6
        shoot(page, png, f"1560,{min(2400, 26 * n_lines + 60)}")


def main() -> None:
    typescript, run_dir = Path(sys.argv[1]), Path(sys.argv[2])
    progress_png(typescript, HERE / "progress.png")
    shoot(run_dir / "index.html", HERE / "run-page.png", "1280,1500")
    for p in ("progress.png", "run-page.png"):
        print(HERE / p)


if __name__ == "__main__":
    main()
