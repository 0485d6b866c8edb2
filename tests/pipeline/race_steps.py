"""Steps for the ordering (race) tests: many tiny per-item results, a figure that reads each one, a step reading them all.

``race.tiny`` returns a small record per item (kept as a row of the step's
record table, like an H/V record); its figure reads the stored row back on a
worker while the client goes on committing later rows. ``race.gather`` reads
every row and checks it got them all. The module is importable on the workers
(the tests start them with ``tests/pipeline`` on ``PYTHONPATH``).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import xarray as xr
from pydantic import Field

from geoexplore.core.settings import NoSettings, Settings
from geoexplore.pipeline.step import StepContext, step


class TinySettings(Settings):
    n_samples: int = Field(400, ge=1, description="samples per record (sets the size of a row, bytes = 8 x n_samples)")


def touch_figure(result: xr.Dataset, path: str) -> None:
    """The 'figure' of a tiny record: its number of samples in a text file (the read of the result is the point)."""
    Path(path).write_text(str(result.sizes["f"]))


@step("race.tiny", settings=TinySettings, fan_out="items", inputs=(), figure="race_steps:touch_figure", stack_items=True)
def tiny(ctx: StepContext, settings: TinySettings) -> xr.Dataset:
    """One small record per item: a deterministic curve of ``n_samples`` values."""
    k = int(ctx.item_value)
    f = np.linspace(0.5, 20.0, settings.n_samples)
    return xr.Dataset({"amp": (("f",), 1.0 + np.sin(f * (k + 1) / 7.0) ** 2, {"units": "1"})},
                      coords={"f": ("f", f, {"units": "Hz"})}, attrs={"index": k})


@step("race.gather", settings=NoSettings, fan_out="items", inputs=("tiny",))
def gather(ctx: StepContext, settings: NoSettings) -> xr.Dataset:
    """Read every record of ``race.tiny`` (each item: all of them): their indices and the sum of their curves."""
    recs = ctx.inputs["tiny"]
    idx = np.array(sorted(int(r.attrs["index"]) for r in recs.values()))
    total = sum(float(r["amp"].sum()) for r in recs.values())
    return xr.Dataset({"index": (("n",), idx, {"units": "1"}), "total": ((), total, {"units": "1"})})


class NapSettings(Settings):
    seconds: float = Field(0.1, ge=0, description="how long the task sleeps (s)")


def _nap(ctx: StepContext, settings: NapSettings) -> xr.Dataset:
    import time

    t0 = time.time()
    time.sleep(settings.seconds)
    return xr.Dataset({"start": ((), t0, {"units": "s"}), "end": ((), time.time(), {"units": "s"})},
                      attrs={"worker_pid": os.getpid()})


@step("race.nap", settings=NapSettings, inputs=("after?",))
def nap(ctx: StepContext, settings: NapSettings) -> xr.Dataset:
    """One task that sleeps ``seconds``; records when it started and ended (epoch s) and on which process."""
    return _nap(ctx, settings)


@step("race.naps", settings=NapSettings, fan_out="items", inputs=("after?",))
def naps(ctx: StepContext, settings: NapSettings) -> xr.Dataset:
    """``race.nap`` per item."""
    return _nap(ctx, settings)
