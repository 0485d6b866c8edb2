"""trim_log_ticks and the shared mathtext parser: the same ticks, labels and pixels as matplotlib's defaults.

The reference is matplotlib's own drawing of the same figure without them.
"""

import io

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.image import imread
from matplotlib.ticker import LogLocator, ScalarFormatter

from geoexplore.viz.canvas import PARSER, SharedMathtextCanvas
from geoexplore.viz.figure import new_figure
from geoexplore.viz.ticks import InViewLocator, in_view, trim_log_ticks

# view limits (x, y) of a log-log axes: many decades, under one decade (minor ticks labelled), limits exactly on
# decades (the edge ticks must stay), an inverted axis (depth down), a view inside one decade
VIEWS = [((5.0e-4, 2.0e3), (1.0, 5.0e3)), ((2.0, 9.0), (30.0, 70.0)), ((1e-3, 1e3), (1e1, 1e4)),
         ((1e-2, 1e2), (1e4, 1e1)), ((1.5, 1.9), (0.11, 0.9))]


def _figure(xlim, ylim, canvas=SharedMathtextCanvas):
    fig = Figure(figsize=(6, 4))
    canvas(fig)
    ax, bx = fig.subplots(1, 2, sharex=True)
    for a in (ax, bx):
        a.loglog(np.logspace(-4, 4, 50), np.logspace(0, 4, 50), "o-")
        a.set_xlim(*xlim)
        a.set_ylim(*ylim)
    ax.grid(True, which="both")
    bx.set_title(r"$\rho_a$ and a title")
    return fig


def _drawn(fig):
    """Per axis: the (position, label) of every tick drawn (those the axis reports after a draw, inside its view)."""
    fig.canvas.draw()
    out = []
    for a in fig.axes:
        for axis in (a.xaxis, a.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            for minor in (False, True):
                locs = axis.get_ticklocs(minor=minor)
                labels = [t.get_text() for t in axis.get_ticklabels(minor=minor)]
                out.append(sorted((round(float(v), 12), s) for v, s in zip(locs, labels)
                                  if lo * (1 - 1e-9) <= v <= hi * (1 + 1e-9)))
    return out


def _pixels(fig):
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    buf.seek(0)
    return imread(buf)


@pytest.mark.parametrize("xlim, ylim", VIEWS)
def test_same_ticks_labels_and_pixels(xlim, ylim):
    plain = _figure(xlim, ylim, FigureCanvasAgg)
    trimmed = trim_log_ticks(_figure(xlim, ylim))
    assert _drawn(trimmed) == _drawn(plain)
    assert np.array_equal(_pixels(trimmed), _pixels(plain))
    for a in trimmed.axes:  # wrapped, and every position it returns is inside the view
        for axis in (a.xaxis, a.yaxis):
            assert isinstance(axis.get_major_locator(), InViewLocator)
            lo, hi = sorted(axis.get_view_interval())
            locs = axis.get_ticklocs(minor=True)
            assert np.all((locs >= lo * (1 - 1e-2)) & (locs <= hi * (1 + 1e-2)))


def test_fewer_tick_objects_over_many_decades():
    plain = _figure(*VIEWS[0], FigureCanvasAgg)
    trimmed = trim_log_ticks(_figure(*VIEWS[0]))
    plain.canvas.draw()
    trimmed.canvas.draw()
    n = [sum(len(ax.xaxis.minorTicks) + len(ax.yaxis.minorTicks) for ax in f.axes) for f in (plain, trimmed)]
    assert n[1] < 0.85 * n[0]


def test_zooming_after_trimming_gives_the_new_views_ticks():
    fig = trim_log_ticks(_figure(*VIEWS[0]))
    fig.canvas.draw()
    for a in fig.axes:
        a.set_xlim(2.0, 9.0)
        a.set_ylim(30.0, 70.0)
    assert _drawn(fig) == _drawn(_figure((2.0, 9.0), (30.0, 70.0), FigureCanvasAgg))


def test_scalar_formatter_axes_are_left_alone():
    """A ScalarFormatter picks its precision from every position, inside the view or not: such an axis keeps its locator."""
    fig, ax = new_figure()
    ax.semilogx(np.logspace(-1, 2, 20), np.arange(20))
    ax.xaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
    ax.xaxis.set_major_formatter(ScalarFormatter())
    trim_log_ticks(fig)
    assert type(ax.xaxis.get_major_locator()) is LogLocator
    assert isinstance(ax.xaxis.get_minor_locator(), InViewLocator)  # its minor formatter is the log one
    assert not isinstance(ax.yaxis.get_major_locator(), InViewLocator)  # linear axis


def test_in_view_keeps_the_edges_and_drops_the_rest():
    locs = np.array([1e-4, 9e-4, 1e-3, 2e-3, 1e3, 1.0000001e3, 2e3])
    assert in_view(locs, (1e3, 1e-3)).tolist() == [1e-3, 2e-3, 1e3, 1.0000001e3]
    assert in_view(locs, (-1.0, 1.0)).tolist() == locs.tolist()  # not a log view: unchanged


def test_shared_parser_same_pixels_and_parses_once():
    """Two renderers of the shared-parser canvas parse a label once; the pixels equal a plain Agg canvas's."""
    plain = _figure(*VIEWS[2], FigureCanvasAgg)
    shared = _figure(*VIEWS[2])
    assert np.array_equal(_pixels(shared), _pixels(plain))
    before = PARSER._parse_cached.cache_info()  # the cache is matplotlib's, keyed by parser, text, dpi and font
    _figure(*VIEWS[2]).canvas.draw()  # another figure, another renderer: every label found parsed
    after = PARSER._parse_cached.cache_info()
    assert after.hits > before.hits and after.misses == before.misses


def test_new_figure_is_on_the_shared_canvas_and_saves_every_format(tmp_path):
    fig, ax = new_figure()
    assert isinstance(fig.canvas, SharedMathtextCanvas)
    ax.loglog([1, 10, 100], [1, 100, 10])
    for ext in ("png", "pdf", "svg"):
        fig.savefig(tmp_path / f"a.{ext}")
        assert (tmp_path / f"a.{ext}").stat().st_size > 1000
    assert isinstance(fig.canvas, SharedMathtextCanvas)  # matplotlib switches back after PDF/SVG
    assert mpl.get_backend()  # no backend was switched to make it


@pytest.mark.parametrize("fmt", ["png", "pdf", "svg"])
def test_saving_through_the_shared_canvas_trims_the_log_ticks(fmt):
    """No plot function needs to ask: any save of a :func:`new_figure` figure (its canvas, any format) trims the
    log axes first, and the PNG is the untrimmed figure's."""
    xlim, ylim = VIEWS[0]
    fig = _figure(xlim, ylim)
    assert not isinstance(fig.axes[0].xaxis.get_major_locator(), InViewLocator)
    fig.savefig(io.BytesIO(), format=fmt)
    for a in fig.axes:
        for axis in (a.xaxis, a.yaxis):
            assert isinstance(axis.get_major_locator(), InViewLocator)
            assert isinstance(axis.get_minor_locator(), InViewLocator)
    assert np.array_equal(_pixels(_figure(xlim, ylim)), _pixels(_figure(xlim, ylim, FigureCanvasAgg)))
