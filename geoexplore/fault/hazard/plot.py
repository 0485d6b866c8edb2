"""Hazard-curve figure: annual exceedance rate against ground motion, per site and intensity measure."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

LABELS = {
    "en": {"x": "ground motion (g)", "y": "annual rate of exceedance", "title": "Site hazard from the survey's fault sources",
           "p10": "10 % in 50 years", "p2": "2 % in 50 years", "synthetic": "SYNTHETIC data"},
    "zh": {"x": "地震动 (g)", "y": "年超越率", "title": "勘探断层震源的场地地震危险性曲线",
           "p10": "50年超越概率10%", "p2": "50年超越概率2%", "synthetic": "合成数据"},
}


def plot_curves(hc: Any, path: str | Path | None = None, *, lang: str = "en", synthetic: bool = False) -> Any:
    """One panel per site: the mean curve of every IMT, with the 10 % and 2 % in 50 years rates.

    Parameters
    ----------
    hc : HazardCurves or None
    path : path-like, optional
        Saved there when given.
    lang : {'en', 'zh'}
    synthetic : bool
        Label the figure as made from synthetic data.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib

    from geoexplore.viz.figure import new_figure, save
    from geoexplore.viz.i18n import font_rc

    lab = LABELS.get(lang, LABELS["en"])
    n = len(hc.sites) if hc is not None else 1
    with matplotlib.rc_context(font_rc(lang)):
        fig, axes = new_figure(1, n, figsize=(5.0 * n, 4.2), squeeze=False)
        axes = axes[0]
        if hc is None:
            axes[0].text(0.5, 0.5, "no hazard curves", ha="center", va="center", transform=axes[0].transAxes)
        else:
            for ax, s in zip(axes, hc.sites):
                for imt in hc.levels:
                    rate = hc.annual_rate(s.name, imt)
                    ok = rate > 0
                    ax.loglog(hc.levels[imt][ok], rate[ok], label=imt)
                for poe, ls, key in ((0.10, "--", "p10"), (0.02, ":", "p2")):
                    ax.axhline(-np.log1p(-poe) / 50.0, color="0.4", ls=ls, lw=0.8, label=lab[key])
                name = s.name_zh if (lang == "zh" and s.name_zh) else s.name
                ax.set_title(f"{name} ({s.lon:.3f}, {s.lat:.3f}), Vs30 {s.vs30_m_s:.0f} m/s", fontsize=9)
                ax.set_xlabel(lab["x"])
                ax.grid(True, which="both", alpha=0.3)
            axes[0].set_ylabel(lab["y"])
            axes[0].legend(fontsize=8)
        title = lab["title"] + (f" ({lab['synthetic']})" if synthetic else "")
        fig.suptitle(title, fontsize=10)
        if path is not None:
            save(fig, path)
    return fig
