"""Moved: the transfer-function figure is :func:`geoexplore.mt.plot.plot_tf` (into a caller's axes: :func:`geoexplore.mt.plot.draw_tf`).

``plot_tf_result`` is kept for one release with its old signature.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from geoexplore.mt.plot import draw_tf, plot_tf


def plot_tf_result(ds: Any, path: str | Path | None = None, *, axes: Any = None, fold_phase: bool = True) -> Any:
    """Old name of :func:`geoexplore.mt.plot.plot_tf` (``axes=`` given: :func:`geoexplore.mt.plot.draw_tf`)."""
    if axes is None:
        return plot_tf(ds, path, fold_phase=fold_phase)
    from geoexplore.viz.style import figure_style

    with figure_style():
        draw_tf(axes, ds, fold_phase=fold_phase)
    fig = axes[0].figure
    if path is not None:
        fig.savefig(path)
    return fig


__all__ = ["plot_tf_result"]
