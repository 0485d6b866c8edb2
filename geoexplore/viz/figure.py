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
        On a :class:`geoexplore.viz.canvas.SharedMathtextCanvas` (Agg; PNG, and PDF/SVG through matplotlib's
        usual canvas switch when saved).
    axes : Axes or numpy.ndarray of Axes
    """
    from matplotlib.figure import Figure

    from geoexplore.viz.canvas import SharedMathtextCanvas

    fig = Figure(figsize=figsize, layout=layout)
    SharedMathtextCanvas(fig)  # an Agg canvas whose renderers parse each mathtext label once a process
    return fig, fig.subplots(nrows, ncols, **subplots_kw)


def tight_layout(fig: Any, **kwargs: Any) -> Any:
    """``fig.tight_layout(**kwargs)``, leaving no layout engine on the figure; returns ``fig``.

    Matplotlib's ``tight_layout`` leaves a placeholder layout engine behind, and ``savefig`` draws a figure that
    has any layout engine twice: once without rendering (to run the engine), once for the file. The placeholder
    runs nothing, so without it the file comes from one draw and is the same. If the rcParams ask for a layout
    engine by default (``figure.autolayout``, ``figure.constrained_layout.use``), the placeholder is left.
    """
    import matplotlib as mpl

    fig.tight_layout(**kwargs)
    if not (mpl.rcParams["figure.autolayout"] or mpl.rcParams["figure.constrained_layout.use"]):
        fig.set_layout_engine(None)
    return fig


def save(fig: Any, path: str | os.PathLike[str], *, dpi: int = 150, **kwargs: Any) -> str:
    """Save a figure (PNG, PDF or SVG by suffix) and return the path as a string.

    Works for figures from :func:`new_figure` and from pyplot alike; a pyplot
    figure is left open (closing it is its owner's choice). Log axes get
    :func:`geoexplore.viz.ticks.trim_log_ticks` first (same ticks drawn, faster; a :func:`new_figure` figure's
    canvas does it on every save, a pyplot figure's does not).
    """
    from geoexplore.viz.ticks import trim_log_ticks

    trim_log_ticks(fig)
    fig.savefig(os.fspath(path), dpi=dpi, **kwargs)
    return os.fspath(path)


MARGIN_IN = 0.5  # inches drawn around the figure by save_tight, for artists and padding past its edge


def save_tight(fig: Any, paths: str | os.PathLike[str] | list[str | os.PathLike[str]], *, dpi: float | None = None) -> list[str]:
    """Save a figure cropped to its tight bounding box, in one draw per file, like ``savefig(bbox_inches="tight")``.

    ``savefig(path, bbox_inches="tight")`` draws the figure twice per file: once without rendering to measure
    the artists, once for the file. Here the figure is rendered once (Agg, at the save resolution) on a canvas
    :data:`MARGIN_IN` wider than the figure on every side, measured on that renderer
    (:meth:`~matplotlib.figure.Figure.get_tightbbox`, padded by ``savefig.pad_inches``), and the box is widened
    outwards to whole pixels. A PNG is that box cut out of the rendered pixels: the image
    ``savefig(path, bbox_inches=<that box>)`` writes (same pixels, same PNG metadata), shifted by less than a
    pixel from the unrounded tight box. Other formats (PDF, SVG...) are drawn once each into the same box. A box
    reaching past the margin is drawn again by ``savefig(bbox_inches=<box>)``; rcParams asking for a transparent
    or non-default face colour make every file ``savefig(bbox_inches="tight")``.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    paths : path or list of paths
        Output files; the format follows each suffix (``.png``, ``.pdf``, ``.svg``...).
    dpi : float, optional
        Dots per inch of raster output; default ``savefig.dpi`` (``"figure"``: the figure's own dpi).

    Returns
    -------
    list of str
        The paths written.
    """
    import matplotlib as mpl
    from matplotlib.image import imsave

    out = [os.fspath(p) for p in (paths if isinstance(paths, (list, tuple)) else [paths])]
    rc = mpl.rcParams
    dpi = rc["savefig.dpi"] if dpi is None else dpi
    dpi = float(fig.dpi if dpi == "figure" else dpi)
    pad = rc["savefig.pad_inches"]
    if (rc["savefig.transparent"] or not all(str(rc[f"savefig.{k}"]) == "auto" for k in ("facecolor", "edgecolor"))
            or not isinstance(pad, (int, float))):
        for p in out:
            fig.savefig(p, dpi=dpi, bbox_inches="tight")
        return out
    box, pixels = tight_render(fig, dpi, float(pad))
    for p in out:
        if pixels is not None and os.path.splitext(p)[1].lower() == ".png":
            imsave(p, pixels, format="png", origin="upper", dpi=dpi)
        else:
            fig.savefig(p, dpi=dpi, bbox_inches=box)
    return out


def tight_render(fig: Any, dpi: float, pad_inches: float) -> tuple[Any, Any]:
    """The tight box of a figure widened to whole pixels, and its pixels from one Agg draw (see :func:`save_tight`).

    Returns
    -------
    box : matplotlib.transforms.Bbox
        In inches from the figure's lower left corner; every edge times ``dpi`` is a whole number.
    pixels : numpy.ndarray of uint8, shape (rows, columns, 4), or None
        RGBA, top row first; None if the box reaches past :data:`MARGIN_IN` around the figure.
    """
    import io

    import numpy as np
    from matplotlib.layout_engine import PlaceHolderLayoutEngine
    from matplotlib.transforms import Bbox

    from geoexplore.viz.canvas import SharedMathtextCanvas

    m = int(np.ceil(MARGIN_IN * dpi))
    w, h = (int(np.ceil(v * dpi - 1e-6)) for v in fig.get_size_inches())
    wide = Bbox.from_extents(-m / dpi, -m / dpi, (w + m) / dpi, (h + m) / dpi)
    old_canvas, old_dpi, old_engine = fig.canvas, fig.dpi, fig.get_layout_engine()
    if isinstance(old_engine, PlaceHolderLayoutEngine):  # left by tight_layout: runs nothing, but savefig would draw for it
        fig.set_layout_engine(None)
    canvas = SharedMathtextCanvas(fig)
    buf = io.BytesIO()
    try:
        fig.savefig(buf, format="rgba", dpi=dpi, bbox_inches=wide)  # one draw of the wide box, kept as raw RGBA
        renderer = canvas.renderer  # the one that drew (get_renderer would make a new one: the figure's size is back)
        rows, cols = renderer.height, renderer.width
        fig.dpi = dpi
        tight = fig.get_tightbbox(renderer).padded(pad_inches)  # measured on the renderer that drew (its text cache)
    finally:
        fig.dpi = old_dpi
        fig.set_canvas(old_canvas)
        if isinstance(old_engine, PlaceHolderLayoutEngine):
            fig.set_layout_engine(old_engine)
    x0, y0 = (int(np.floor(v * dpi + 1e-6)) for v in (tight.x0, tight.y0))
    x1, y1 = (int(np.ceil(v * dpi - 1e-6)) for v in (tight.x1, tight.y1))
    box = Bbox(np.array([[x0, y0], [x1, y1]], float) / dpi)
    if x0 < -m or y0 < -m or x1 > cols - m or y1 > rows - m:
        return box, None
    pixels = np.frombuffer(buf.getbuffer(), np.uint8).reshape(rows, cols, 4)
    top = rows - m  # row of the figure's lower edge, counted from the top of the wide canvas
    return box, np.ascontiguousarray(pixels[top - y1:top - y0, x0 + m:x1 + m])


def stamp(ax: Any, text: str = "SYNTHETIC DATA") -> None:
    """Mark an axes as showing synthetic data (see :func:`geoexplore.viz.style.synthetic_stamp`)."""
    synthetic_stamp(ax, text)


def colormap(name: str) -> Any:
    """A registered colormap by name (no pyplot)."""
    import matplotlib

    return matplotlib.colormaps[name]


__all__ = ["colormap", "new_figure", "save", "save_tight", "stamp", "tight_layout", "tight_render"]
