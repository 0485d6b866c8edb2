"""QC figures of the fault indicators (imported by nobody that computes).

* :func:`plot_reflection_qc` -- the reflection section with the tracked
  horizons, the breakpoints and the fitted fault planes (axes-level:
  :func:`draw_reflection_qc`).
* :func:`plot_indicators` -- every indicator on (chainage, depth), by method,
  with its chainage uncertainty (axes-level: :func:`draw_indicators`).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

MARKERS = {"reflection": "*", "refraction": "^", "ert": "s", "mt": "D", "microtremor": "o"}


def draw_reflection_qc(ax: Any, ds: Any, rules: Any, *, lang: str = "en") -> None:
    """Draw a reflection depth section, its tracked horizons, breakpoints and fault planes on ``ax``.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    ds : xarray.Dataset
        Reflection image: ``amplitude`` on (depth_m, chainage_m) in m.
    rules : Rules
        The rules the indicators are found with (:func:`geoexplore.fault.rules.load_rules`).
    lang : {"en", "zh"}
        Labels.
    """
    from geoexplore.fault.indicators.reflection import (
        horizons_for_plot,
        reflection_indicators,
    )
    from geoexplore.viz.i18n import t
    from geoexplore.viz.style import synthetic_stamp

    a = ds["amplitude"].transpose("depth_m", "chainage_m").values
    x, z = ds["chainage_m"].values, ds["depth_m"].values
    v = np.nanpercentile(np.abs(a), 98) or 1.0
    ax.imshow(a, cmap="Greys", vmin=-v, vmax=v, aspect="auto", extent=(x[0], x[-1], z[-1], z[0]), interpolation="nearest")
    for hx, hz in horizons_for_plot(ds, rules):
        ax.plot(hx, hz, "-", color="#1f77b4", lw=0.6)
    for ind in reflection_indicators(ds, rules):
        pts = np.array(ind.plane_points)
        ax.plot(pts[:, 0], pts[:, 1], "o", color="#d62728", ms=3)
        zz = np.array([ind.depth_top_m, z[-1]])
        s = 1.0 if ind.dips_toward == "increasing" else -1.0
        ax.plot(ind.chainage_m + s * (zz - ind.depth_top_m) / math.tan(math.radians(ind.dip_deg or 90.0)), zz, "-", color="#d62728", lw=1)
        ax.plot([ind.chainage_m], [ind.depth_top_m], "*", color="#d62728", ms=10, mec="k")
    ax.set_xlabel(t("chainage_m", lang))
    ax.set_ylabel(t("depth_m", lang))
    ax.set_title(t("reflection", lang), loc="left")
    if int(ds.attrs.get("synthetic", 0)):
        synthetic_stamp(ax, t("test_image" if int(ds.attrs.get("test_image", 0)) else "synthetic", lang))


def plot_reflection_qc(ds: Any, rules: Any, path: str | Path | None = None, *, lang: str = "en") -> Any:
    """Section + tracked horizons + breakpoints + planes (:func:`draw_reflection_qc`); saved to ``path`` if given.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from geoexplore.viz.figure import new_figure
    from geoexplore.viz.i18n import font_rc
    from geoexplore.viz.style import figure_style

    with figure_style(**font_rc(lang)):
        fig, ax = new_figure(figsize=(9, 4.5))
        draw_reflection_qc(ax, ds, rules, lang=lang)
        if path is not None:
            fig.savefig(path)
    return fig


def draw_indicators(ax: Any, result: dict[str, Any], *, lang: str = "en") -> None:
    """Draw the indicators of an assessment bundle on (chainage, depth) in m, one marker per method, on ``ax``."""
    from geoexplore.viz.i18n import t
    from geoexplore.viz.style import synthetic_stamp

    ind = result["indicators"]
    for m in MARKERS:
        sel = np.asarray(ind["method"].values) == m
        if not sel.any():
            continue
        ax.errorbar(ind["chainage_m"].values[sel], ind["depth_top_m"].values[sel], xerr=ind["chainage_sigma_m"].values[sel],
                    fmt=MARKERS[m], ms=6, capsize=2, lw=0.8, label=m)
    ax.invert_yaxis()
    ax.set_xlabel(t("chainage_m", lang))
    ax.set_ylabel(t("depth_m", lang))
    ax.legend(loc="lower left", fontsize=7)
    if int(result["candidates"].attrs.get("synthetic", 0)):
        synthetic_stamp(ax, t("synthetic", lang))


def plot_indicators(result: dict[str, Any], path: str | Path | None = None, *, lang: str = "en") -> Any:
    """Indicators of an assessment bundle (:func:`draw_indicators`); saved to ``path`` if given.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from geoexplore.viz.figure import new_figure
    from geoexplore.viz.i18n import font_rc
    from geoexplore.viz.style import figure_style

    with figure_style(**font_rc(lang)):
        fig, ax = new_figure(figsize=(8, 3.5))
        draw_indicators(ax, result, lang=lang)
        if path is not None:
            fig.savefig(path)
    return fig
