"""Moved to :mod:`geoexplore.viz.style`; this re-export is kept for one release."""

from geoexplore.viz.style import STYLE, figure_style, synthetic_stamp

__all__ = ["STYLE", "figure_style", "synthetic_stamp"]
