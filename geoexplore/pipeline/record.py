"""What a run records: ``OUT/run.json`` (one :class:`ItemRecord` per item) and its results, written in groups.

* :class:`RunReport` is what :func:`geoexplore.pipeline.runner.run_workflow`
  returns and what ``run.json`` holds (rewritten atomically,
  :func:`atomic_write_text`); a failed item's error is one line
  (:func:`format_error`), its traceback goes to ``run.json`` only.
* :class:`ResultBuffer` holds finished results on the client until they are
  written into the project store in one atomic transaction
  (:meth:`ResultBuffer.due_in` says when).
"""

from __future__ import annotations

import contextlib
import json
import os
import time
import traceback
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from geoexplore.core.errors import GeoexploreError, StoreError
from geoexplore.core.store import ProjectStore, is_mapping_result

FLUSH_SPACING = 20.0  # results are written at most every FLUSH_SPACING x the store's fixed transaction cost
FLUSH_BYTES = 256 * 2**20  # ... or when this much waits in the client
FLUSH_MIN_FIXED_S = 0.005  # below this fixed cost (a store on a RAM disk) every batch is written at once


@dataclass
class ItemRecord:
    """Outcome of one task (one step on one item)."""

    step_id: str
    step: str
    item: str | None
    key: str
    status: str  # done | reused | failed | skipped
    elapsed_s: float = 0.0
    error: str | None = None
    figure: str | None = None
    cpu_s: float | None = None  # CPU time of the worker process during the item (s; one thread per worker, plus BLAS's)
    figure_cpu_s: float | None = None  # CPU time of drawing the figure (s; the report step's documents are its figure)
    figure_error: str | None = None  # why the figure could not be drawn (the result is stored all the same)
    attempts: int = 1  # tries of the item (1 + retries used)
    attempt_errors: list[str] = field(default_factory=list)  # why earlier tries failed (an item that recovered)
    traceback: str | None = None  # a failed item's traceback (run.json only, not the console)


@dataclass
class RunReport:
    """What a run did; also written to ``OUT/run.json``."""

    workflow: str
    out_dir: str
    started_utc: str
    finished_utc: str | None = None
    scheduler: str | None = None
    n_workers: int | None = None
    store_write_s: float = 0.0  # time the client spent writing results into the store
    encode_s: float = 0.0  # time the workers spent making results storable (HDF5 images, record-table rows)
    tasks: int = 0  # Dask tasks submitted (short items of a step are grouped into one task)
    store_commits: int = 0  # store transactions (results are written in groups, see ResultBuffer.due_in)
    items: list[ItemRecord] = field(default_factory=list)

    @property
    def failed(self) -> list[ItemRecord]:
        return [r for r in self.items if r.status in ("failed", "skipped")]

    @property
    def ok(self) -> bool:
        return not self.failed

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.items:
            out[r.status] = out.get(r.status, 0) + 1
        return out

    def to_json(self) -> str:
        d = asdict(self)
        d["counts"] = self.counts()
        d["failed"] = [asdict(r) for r in self.failed]
        return json.dumps(d, indent=2)


def now_utc() -> str:
    """The time now, UTC, ISO 8601 to the second (the times of ``run.json`` and of provenance)."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file renamed over it; :class:`StoreError` if that fails."""
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    try:
        tmp.write_text(text)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise StoreError(f"{path}: cannot write ({exc.strerror or exc})") from None


def format_error(exc: BaseException) -> str:
    """One line for a failed item: the error, and for an unexpected one the file and line it came from."""
    if isinstance(exc, GeoexploreError):
        return f"{type(exc).__name__}: {exc}"
    tb = traceback.extract_tb(exc.__traceback__)
    where = f" ({tb[-1].filename.rsplit('/', 1)[-1]}:{tb[-1].lineno})" if tb else ""
    return f"{type(exc).__name__}: {exc}{where}"


def result_nbytes(result: Any) -> int:
    """Bytes of a Dataset, a mapping of Datasets or an encoded result."""
    return sum(d.nbytes for d in result.values()) if is_mapping_result(result) else int(result.nbytes)


class ResultBuffer:
    """Finished results waiting on the client to be written into the store in one transaction.

    Parameters
    ----------
    store : ProjectStore
        Where the results go.
    report : RunReport
        Receives the time spent writing (``store_write_s``) and the number of
        transactions (``store_commits``).
    """

    def __init__(self, store: ProjectStore, report: RunReport) -> None:
        self.store = store
        self.report = report
        self.entries: dict[str, tuple[Any, Any, dict[str, Any], ItemRecord]] = {}  # key -> (step, result, provenance, record)
        self.nbytes = 0
        self.last_flush = time.monotonic()

    def __bool__(self) -> bool:
        return bool(self.entries)

    def add(self, key: str, ws: Any, result: Any, provenance: dict[str, Any], rec: ItemRecord) -> None:
        """Hold one result of the workflow step ``ws`` until :meth:`flush`."""
        self.entries[key] = (ws, result, provenance, rec)
        self.nbytes += result_nbytes(result)

    def due_in(self) -> float:
        """Seconds until the buffered results should be written (0: now).

        Every transaction copies the store and syncs it to disk, a cost that
        grows with the store (``ProjectStore.last_fixed_s``). Results are
        written at most every ``FLUSH_SPACING`` times that cost, so the
        copying stays a small part of the run however large the store gets,
        and at once when the buffer holds ``FLUSH_BYTES`` or a step finishes.
        The cost includes rewriting the record tables
        (:mod:`geoexplore.core.store.records`) the write adds rows to. Only
        where transactions cost under ``FLUSH_MIN_FIXED_S`` is every batch
        written at once.
        """
        if not self.entries:
            return float("inf")
        if self.nbytes >= FLUSH_BYTES or self.store.last_fixed_s < FLUSH_MIN_FIXED_S:
            return 0.0
        return max(0.0, self.last_flush + FLUSH_SPACING * self.store.last_fixed_s - time.monotonic())

    def flush(self) -> dict[str, tuple[Any, Any, dict[str, Any], ItemRecord]]:
        """Write the buffered results in one atomic transaction; returns what was written, by key.

        Raises :class:`StoreError` (the store is left as it was) on a full disk.
        """
        if not self.entries:
            return {}
        buf, self.entries, self.nbytes = self.entries, {}, 0
        t0 = time.perf_counter()
        self.store.write({k: v[1] for k, v in buf.items()}, {k: v[2] for k, v in buf.items()},  # atomic; StoreError on a full disk
                         rows=[k for k, v in buf.items() if v[0].spec.stack_items])
        self.report.store_write_s += time.perf_counter() - t0
        self.report.store_commits += 1
        self.last_flush = time.monotonic()
        return buf
