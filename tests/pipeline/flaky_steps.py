"""A workflow step that fails its first attempts at each item, on purpose (for the retry tests).

Attempts are counted in a marker file per item (``<marker_dir>/<item>.attempts``), so the count
holds across worker processes. The module is sent to the workers with ``Client.upload_file``.
"""

from __future__ import annotations

from pathlib import Path

import xarray as xr
from pydantic import Field

from geoexplore.core.settings import Settings
from geoexplore.pipeline.step import StepContext, step


class FlakySettings(Settings):
    marker_dir: str = Field(description="folder of the attempt counters (absolute)")
    failures: int = Field(1, ge=0, description="attempts per item that fail before one succeeds")


def plot_attempt(result: xr.Dataset, path: str) -> None:
    """The figure of a result; fails for item 'b' on purpose."""
    import matplotlib.pyplot as plt

    if result.attrs["item"] == "b":
        raise ValueError("no figure for item b, on purpose")
    fig, ax = plt.subplots(figsize=(2, 2))
    ax.bar([0], [float(result["attempt"])])
    fig.savefig(path)
    plt.close(fig)


@step("flaky.item", settings=FlakySettings, fan_out="items", inputs=(), figure="flaky_steps:plot_attempt")
def flaky_item(ctx: StepContext, settings: FlakySettings) -> xr.Dataset:
    """Fail the first ``failures`` attempts at an item, then return the attempt number."""
    marker = Path(settings.marker_dir) / f"{ctx.item}.attempts"
    n = int(marker.read_text()) if marker.exists() else 0
    marker.write_text(str(n + 1))
    if n < settings.failures:
        raise RuntimeError(f"flaky item {ctx.item}: attempt {n + 1} fails on purpose")
    return xr.Dataset({"attempt": ((), n + 1)}, attrs={"item": str(ctx.item)})
