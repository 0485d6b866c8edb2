"""Figure helpers every plotting module shares: style, English/Chinese labels, figures without pyplot.

* :mod:`.style`: geoexplore's rcParams, applied inside a context only;
* :mod:`.i18n`: English and Chinese labels, the CJK font check;
* :mod:`.figure`: :func:`~.figure.new_figure`, :func:`~.figure.save`, :func:`~.figure.stamp`.

Nothing here switches the matplotlib backend. Computing code never imports
this package; only ``plot`` modules and the report do.
"""

from geoexplore.viz.figure import colormap, new_figure, save, stamp
from geoexplore.viz.style import figure_style, synthetic_stamp

__all__ = ["colormap", "figure_style", "new_figure", "save", "stamp", "synthetic_stamp"]
