"""Log-axis ticks inside the view only: the same ticks drawn, fewer tick objects made.

Matplotlib's :class:`~matplotlib.ticker.LogLocator` returns tick positions a decade past each view limit;
the axis makes a tick object (two lines, two texts, copied properties) for every position and then draws
only those inside the view. On a log axis spanning six decades that is a quarter of the minor ticks, and
making ticks is the largest part of drawing geoexplore's MT and H/V figures. :func:`trim_log_ticks` wraps
such locators so they return only the positions the axis would draw.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.ticker import Locator, LogFormatter, LogLocator, NullFormatter

#: tolerance kept around the view, as a fraction of its span in decades: far wider than the axis's own test
#: (1e-10 of the span), so every tick the axis would draw is still returned (a tick kept past the view is not drawn)
REL_TOL = 1e-3


class InViewLocator(Locator):
    """A locator returning its inner locator's positions inside the axis's view (log scale), nothing else.

    Importing this module imports matplotlib: only figure code imports it, inside functions.
    """

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def set_axis(self, axis: Any) -> None:
        super().set_axis(axis)
        self.inner.set_axis(axis)

    def __call__(self) -> Any:
        return in_view(self.inner(), self.axis.get_view_interval()) if self.axis is not None else self.inner()

    def tick_values(self, vmin: float, vmax: float) -> Any:
        return self.inner.tick_values(vmin, vmax)

    def nonsingular(self, v0: float, v1: float) -> Any:
        return self.inner.nonsingular(v0, v1)

    def view_limits(self, vmin: float, vmax: float) -> Any:
        return self.inner.view_limits(vmin, vmax)


def in_view(locs: Any, view: tuple[float, float]) -> Any:
    """Positions of ``locs`` (> 0) within the view interval, compared in log10 with :data:`REL_TOL` of its span."""
    locs = np.asarray(locs, float)
    lo, hi = sorted(float(v) for v in view)
    if not (lo > 0 and np.isfinite(hi)) or locs.size == 0:
        return locs
    a, b = np.log10(lo), np.log10(hi)
    tol = REL_TOL * max(b - a, 1e-12)
    with np.errstate(divide="ignore", invalid="ignore"):
        lg = np.log10(locs)
    return locs[(lg >= a - tol) & (lg <= b + tol)]


def trim_log_ticks(fig: Any) -> Any:
    """Make every log axis of ``fig`` return only the tick positions inside its view; returns ``fig``.

    Only a :class:`~matplotlib.ticker.LogLocator` whose formatter is a
    :class:`~matplotlib.ticker.LogFormatter` or :class:`~matplotlib.ticker.NullFormatter` is wrapped: those
    formatters label a tick from its value and the view alone, so the labels drawn are unchanged (a
    :class:`~matplotlib.ticker.ScalarFormatter` chooses its precision from all positions, so its axis is left
    alone). The ticks drawn, their labels and the image are the same; ``Axis.get_ticklocs`` no longer lists the
    positions outside the view. Zooming later still works: the view is read at each draw.
    """
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for which in (axis.major, axis.minor):
                loc = which.locator
                if type(loc) is LogLocator and isinstance(which.formatter, (LogFormatter, NullFormatter)):
                    new = InViewLocator(loc)
                    new.set_axis(axis)
                    which.locator = new
    return fig


__all__ = ["REL_TOL", "InViewLocator", "in_view", "trim_log_ticks"]
