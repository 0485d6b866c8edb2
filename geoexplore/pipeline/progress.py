"""The progress display of a run: one bar per step on a terminal, plain periodic lines elsewhere.

:class:`RunProgress` is what the CLI passes as ``progress=`` to
:func:`geoexplore.pipeline.runner.run_workflow`. It is called with the
runner's text lines (as ``print`` would be) and, through :meth:`RunProgress.event`,
with what happened (a step started with N items, an item ended with a
status, a step finished), from which it keeps the counts:

* on a terminal (``stream.isatty()``): a live display (Rich) with one bar per
  step showing done/failed/total and the time left, the Dask dashboard
  address, and one line per failed item with its error above the bars;
* elsewhere (CI, batch jobs, ``nohup``): plain lines, one when a step starts
  and ends, one per failed item, and for running steps a status line every
  ``interval_s`` seconds;
* at the end, :meth:`RunProgress.close` prints a summary table (per step:
  items done, reused, failed, skipped, wall time and time spent in its items).

Per-item lines (``hvsr/hv_21075: done in 0.0 s``) are shown only with
``verbose``. The runner works without this class: any callable taking a
line will do (``progress=print``); events are sent only to a progress object
that has an ``event`` method.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import IO, Any

#: statuses an item ends with (see :class:`geoexplore.pipeline.record.ItemRecord`)
STATUSES = ("done", "reused", "failed", "skipped")


@dataclass
class StepCount:
    """What one step has done so far."""

    step_id: str
    label: str
    total: int
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    item_s: float = 0.0  # time spent in the items (on the workers), s

    @property
    def n_ended(self) -> int:
        return sum(self.counts.values())

    @property
    def wall_s(self) -> float:
        return (self.finished or time.monotonic()) - self.started

    def time_left_s(self) -> float | None:
        """Seconds left at the rate items ended so far (None before the first item ends)."""
        n = self.n_ended
        if n == 0 or self.finished is not None:
            return None if self.finished is None else 0.0
        return self.wall_s / n * max(0, self.total - n)


def format_duration(seconds: float | None) -> str:
    """``"1 h 02 min"``, ``"3 min 05 s"``, ``"12 s"``, ``"0.4 s"``; ``"-"`` for None."""
    if seconds is None:
        return "-"
    s = float(seconds)
    if s < 10:
        return f"{s:.1f} s"
    s = round(s)
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {s % 3600 // 60:02d} min"


class RunProgress:
    """A run's progress display (see the module docstring).

    Parameters
    ----------
    stream : file, optional
        Where to write (default ``sys.stdout``; the CLI passes ``sys.stderr``
        when ``--json`` takes stdout).
    verbose : bool
        Also show one line per item.
    live : bool, optional
        Bars (True) or plain lines (False); default: ``stream.isatty()``.
    interval_s : float
        Seconds between the plain status lines of running steps.
    """

    def __init__(self, stream: IO[str] | None = None, *, verbose: bool = False, live: bool | None = None,
                 interval_s: float = 30.0) -> None:
        self.stream = stream if stream is not None else sys.stdout
        self.verbose = verbose
        isatty = getattr(self.stream, "isatty", None)
        self.live = bool(isatty and isatty()) if live is None else live
        self.interval_s = interval_s
        self.steps: dict[str, StepCount] = {}
        self.failures: list[tuple[str, str | None, str]] = []  # (step, item, error)
        self.dashboard: str | None = None
        self.started = time.monotonic()
        self._last_status = time.monotonic()
        self._rich: Any = None  # rich.progress.Progress when live
        self._tasks: dict[str, Any] = {}
        self._closed = False

    # -- what the runner calls --------------------------------------------------
    def __call__(self, line: str) -> None:
        """A text line of the runner; per-item and step lines only when verbose (bars and events show them)."""
        if not self.verbose:
            if line.startswith("    ") and not any(w in line for w in ("FAILED", "failed", "skipped")):
                return  # a done item: counted on its bar
            if line.startswith("[") and any(line.startswith(s.label) for s in self.steps.values()):
                return  # a step started or finished: the bar or the plain step line says it
        self._print(line)
        self._tick()

    def event(self, kind: str, **data: Any) -> None:
        """What happened: ``run`` (dashboard, scheduler, n_workers), ``step`` (step, label, total),
        ``item`` (rec: an :class:`~geoexplore.pipeline.record.ItemRecord`), ``step_done`` (step)."""
        if kind == "run":
            self.dashboard = data.get("dashboard") or None
            where = f"Dask: {data.get('n_workers') or '?'} worker(s) at {data.get('scheduler') or '?'}"
            self._print(where + (f"; dashboard {self.dashboard}" if self.dashboard else "; no dashboard"))
        elif kind == "step":
            sc = self.steps[data["step"]] = StepCount(data["step"], data["label"], int(data.get("total") or 0))
            if self.live:
                self._start_rich()
                self._tasks[sc.step_id] = self._rich.add_task(sc.label, total=sc.total, done=0, failed=0)
            elif not self.verbose:  # verbose: the runner's own step line says it
                self._print(f"{sc.label}: started, {sc.total} item(s)")
        elif kind == "item":
            self._item(data["rec"])
        elif kind == "step_done":
            sc = self.steps.get(data["step"])
            if sc is not None:
                sc.finished = time.monotonic()
                if self.live:
                    if sc.step_id in self._tasks:
                        self._rich.update(self._tasks[sc.step_id], total=max(sc.total, sc.n_ended), completed=sc.n_ended)
                elif not self.verbose:
                    self._print(f"{sc.label}: finished in {format_duration(sc.wall_s)}: {self._count_text(sc)}")
        self._tick()

    def _item(self, rec: Any) -> None:
        sc = self.steps.get(rec.step_id)
        if sc is None:  # an item of a step never announced: count it all the same
            sc = self.steps[rec.step_id] = StepCount(rec.step_id, rec.step_id, 1)
        sc.counts[rec.status] = sc.counts.get(rec.status, 0) + 1
        sc.item_s += float(rec.elapsed_s or 0.0)
        sc.total = max(sc.total, sc.n_ended)
        if rec.status == "failed":  # its one line with the error comes from the runner
            self.failures.append((rec.step_id, rec.item, str(rec.error)))
        if self.live and rec.step_id in self._tasks:
            bad = sc.counts["failed"] + sc.counts["skipped"]
            self._rich.update(self._tasks[rec.step_id], completed=sc.n_ended, total=sc.total,
                              done=sc.counts["done"] + sc.counts["reused"], failed=bad)

    # -- output -----------------------------------------------------------------
    def _print(self, line: str) -> None:
        if self._rich is not None:
            style = "red" if "FAILED" in line or " failed" in line else None
            self._rich.console.print(line, style=style, markup=False, highlight=False)
        else:
            self.stream.write(line + "\n")
            self.stream.flush()

    def _start_rich(self) -> None:
        if self._rich is not None:
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        console = Console(file=self.stream, force_terminal=True)
        self._rich = Progress(
            TextColumn("{task.description}", markup=False),
            BarColumn(bar_width=30),
            TextColumn("{task.fields[done]}/{task.total:.0f} done"),
            TextColumn("[red]{task.fields[failed]} failed", markup=True),
            TimeElapsedColumn(),
            TextColumn("elapsed,"),
            TimeRemainingColumn(),
            TextColumn("left"),
            console=console,
            refresh_per_second=4,
            transient=False,
        )
        self._rich.start()

    @staticmethod
    def _count_text(sc: StepCount) -> str:
        return ", ".join(f"{v} {k}" for k, v in sc.counts.items() if v) or "nothing to do"

    def _tick(self) -> None:
        """Plain mode: a status line of the running steps every ``interval_s``."""
        if self.live or time.monotonic() - self._last_status < self.interval_s:
            return
        self._last_status = time.monotonic()
        for sc in self.steps.values():
            if sc.finished is None and sc.total > 1:
                self._print(f"{sc.label}: {sc.n_ended}/{sc.total} ({self._count_text(sc)}), "
                            f"{format_duration(sc.wall_s)} so far, about {format_duration(sc.time_left_s())} left")

    # -- the end ----------------------------------------------------------------
    def summary_rows(self) -> list[list[str]]:
        """One row per step: step, items, done, reused, failed, skipped, wall time, item time."""
        return [[sc.label, str(sc.total), *(str(sc.counts[s]) for s in STATUSES), format_duration(sc.wall_s),
                 format_duration(sc.item_s)] for sc in self.steps.values()]

    SUMMARY_HEADER = ("step", "items", "done", "reused", "failed", "skipped", "wall time", "item time")

    def close(self) -> None:
        """Stop the bars and print the summary table (once)."""
        if self._closed:
            return
        self._closed = True
        rows = self.summary_rows()
        total = f"{sum(int(r[1]) for r in rows)} item(s) in {format_duration(time.monotonic() - self.started)}"
        if self._rich is not None:
            from rich.table import Table

            self._rich.stop()
            table = Table(title=f"run summary: {total}", title_justify="left")
            for i, h in enumerate(self.SUMMARY_HEADER):
                table.add_column(h, justify="left" if i == 0 else "right")
            for r in rows:
                style = "red" if int(r[4]) or int(r[5]) else None
                table.add_row(*r, style=style)
            self._rich.console.print(table)
            self._rich = None
        else:
            self._print(f"run summary: {total}")
            for line in plain_table(list(self.SUMMARY_HEADER), rows):
                self._print(line)

    def __enter__(self) -> RunProgress:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def plain_table(header: list[str], rows: list[list[str]]) -> list[str]:
    """A table as aligned text lines (first column left, the others right)."""
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]

    def line(r: list[str]) -> str:
        return "  ".join(str(v).ljust(w) if i == 0 else str(v).rjust(w) for i, (v, w) in enumerate(zip(r, widths, strict=True)))

    return [line(header), "  ".join("-" * w for w in widths), *[line(r) for r in rows]]
