"""An Agg canvas whose renderers share one mathtext parser (tick labels like ``10^3`` parsed once a process) and whose
saves trim log-axis ticks to the view.

Matplotlib's :class:`~matplotlib.backends.backend_agg.RendererAgg` makes its own
:class:`~matplotlib.mathtext.MathTextParser`, whose parse cache is keyed by the parser. Every new renderer
(each figure, each saved size) therefore parses every mathtext label again with pyparsing, about 15 ms a
label: a fifth of the drawing of a log-axis figure (the labels ``$\\mathdefault{10^{3}}$``). The parse is
a function of (text, dpi, font properties, antialiasing, hinting), all of which key the cache, so sharing one
parser gives the same glyphs.

Importing this module imports matplotlib: figure code imports it inside functions.
"""

from __future__ import annotations

from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.mathtext import MathTextParser

#: the parser every :class:`SharedMathtextCanvas` renderer uses (the kind RendererAgg makes: "path" output)
PARSER = MathTextParser("path")


class SharedMathtextCanvas(FigureCanvasAgg):
    """:class:`~matplotlib.backends.backend_agg.FigureCanvasAgg` with :data:`PARSER` in each renderer it makes.

    Every save through it (any format: ``savefig`` prints through the figure's canvas) first trims the log
    axes' ticks to the view (:func:`geoexplore.viz.ticks.trim_log_ticks`: the same ticks drawn, fewer made),
    so every figure of :func:`geoexplore.viz.figure.new_figure` gets it without its plot function asking.
    """

    def get_renderer(self) -> Any:
        renderer = super().get_renderer()
        renderer.mathtext_parser = PARSER
        return renderer

    def print_figure(self, *args: Any, **kwargs: Any) -> Any:
        """Matplotlib's ``print_figure`` (what ``savefig`` calls), the log ticks trimmed to the view first."""
        from geoexplore.viz.ticks import trim_log_ticks

        trim_log_ticks(self.figure)
        return super().print_figure(*args, **kwargs)


__all__ = ["PARSER", "SharedMathtextCanvas"]
