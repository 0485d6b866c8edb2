"""Figures without pyplot: ``new_figure``, ``save`` and ``stamp``.

Library code never switches the matplotlib backend and never registers its
figures with pyplot, so drawing a figure in a notebook leaves the user's
backend and pyplot's figure list alone. A :class:`matplotlib.figure.Figure`
made here renders in Jupyter (it has a PNG representation), is saved with
:func:`save`, and is garbage collected when the caller drops it.

Where the caller passes an ``ax`` (from pyplot or anywhere), plot functions
draw into it: that is the one place pyplot figures appear, because the
caller asked for them.
"""

from __future__ import annotations

import os
from typing import Any

from geoexplore.viz.style import synthetic_stamp


def new_figure(nrows: int = 1, ncols: int = 1, *, figsize: tuple[float, float] | None = None,
               layout: str | None = None, **subplots_kw: Any) -> tuple[Any, Any]:
    """A figure and its axes, made without pyplot.

    Parameters
    ----------
    nrows, ncols : int
        Grid of axes, as :meth:`matplotlib.figure.Figure.subplots`.
    figsize : (float, float), optional
        Size in inches.
    layout : str, optional
        ``"constrained"``, ``"tight"`` or None.
    **subplots_kw
        Passed to :meth:`~matplotlib.figure.Figure.subplots` (``sharex``,
        ``squeeze``, ``gridspec_kw``, ``height_ratios``, ``width_ratios``...).

    Returns
    -------
    fig : matplotlib.figure.Figure
    axes : Axes or numpy.ndarray of Axes
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout=layout)
    return fig, fig.subplots(nrows, ncols, **subplots_kw)


def save(fig: Any, path: str | os.PathLike[str], *, dpi: int = 150, **kwargs: Any) -> str:
    """Save a figure (PNG, PDF or SVG by suffix) and return the path as a string.

    Works for figures from :func:`new_figure` and from pyplot alike; a pyplot
    figure is left open (closing it is its owner's choice).
    """
    fig.savefig(os.fspath(path), dpi=dpi, **kwargs)
    return os.fspath(path)


def stamp(ax: Any, text: str = "SYNTHETIC DATA") -> None:
    """Mark an axes as showing synthetic data (see :func:`geoexplore.viz.style.synthetic_stamp`)."""
    synthetic_stamp(ax, text)


def colormap(name: str) -> Any:
    """A registered colormap by name (no pyplot)."""
    import matplotlib

    return matplotlib.colormaps[name]


__all__ = ["colormap", "new_figure", "save", "stamp"]
