"""Figures of the geological model (imported only by figure makers, never by computing code).

:func:`plot_model_section` makes (or fills) a figure; :func:`draw_model_section`
draws on a given axes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np


def draw_model_section(ax: Any, ds: Any, *, prop: str = "resistivity_ohm_m") -> None:
    """Draw a model section on ``ax``: a property in colour, unit boundaries and faults.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    ds : xarray.Dataset
        Output of the ``model.section`` step (``chainage_m``, ``depth_m`` in m).
    prop : str
        Variable to colour (log scale for resistivity, ohm-m); axes in km
        beyond 5 km of chainage or 2 km of depth.
    """
    from matplotlib.colors import LogNorm

    from geoexplore.viz.style import synthetic_stamp

    fig = ax.figure
    x = ds["chainage_m"].values
    z = ds["depth_m"].values
    v = ds[prop].values
    norm = LogNorm(vmin=np.nanmin(v), vmax=np.nanmax(v)) if "resistivity" in prop else None
    km = x.max() - x.min() > 5000
    xs = x / 1000 if km else x
    zs = z / 1000 if z.max() > 2000 else z
    im = ax.pcolormesh(xs, zs, v, shading="auto", cmap="viridis" if "resistivity" not in prop else "turbo_r", norm=norm)
    ax.contour(xs, zs, ds["unit_index"].values, levels=np.arange(0.5, ds["unit_index"].max() + 0.5), colors="k", linewidths=0.6)
    for f in json.loads(ds.attrs.get("faults_json", "[]")):
        zz = np.linspace(max(f["tip_depth_m"], 0), z.max(), 50)
        sign = 1 if f["dips_toward"] == "increasing" else -1
        xx = f["chainage_m"] + sign * zz / np.tan(np.deg2rad(f["dip_deg"]))
        inside = (xx >= x.min()) & (xx <= x.max())
        if inside.any():
            ax.plot((xx / 1000 if km else xx)[inside], (zz / 1000 if z.max() > 2000 else zz)[inside], "r-", lw=1.5)
            ax.annotate(f["name"], ((xx / 1000 if km else xx)[inside][0], (zz / 1000 if z.max() > 2000 else zz)[inside][0]),
                        color="r", xytext=(3, -3), textcoords="offset points", fontsize=8)
    ax.set_ylim(zs.max(), zs.min())
    ax.set_xlabel("chainage (km)" if km else "chainage (m)")
    ax.set_ylabel("depth (km)" if z.max() > 2000 else "depth (m)")
    label = {"resistivity_ohm_m": "resistivity (ohm-m)", "vp_m_s": "Vp (m/s)", "vs_m_s": "Vs (m/s)", "density_kg_m3": "density (kg/m3)"}.get(prop, prop)
    fig.colorbar(im, ax=ax, label=label, shrink=0.9)
    ax.set_title(f"{ds.attrs.get('model', 'model')}: line {ds.attrs.get('line', '')}", fontsize=10)
    if int(ds.attrs.get("synthetic", 0)):
        synthetic_stamp(ax)


def plot_model_section(ds: Any, path: str | Path | None = None, *, prop: str = "resistivity_ohm_m", ax: Any = None) -> Any:
    """A model section figure (:func:`draw_model_section`); saved to ``path`` if given.

    Parameters
    ----------
    ds : xarray.Dataset
        Output of the ``model.section`` step.
    path : path-like, optional
        Save the figure here (PNG, PDF or SVG by suffix).
    prop : str
        Variable to colour (log scale for resistivity).
    ax : matplotlib.axes.Axes, optional
        Draw here (the figure is ``ax.figure``) instead of on a new figure.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from geoexplore.viz.figure import new_figure
    from geoexplore.viz.style import figure_style

    with figure_style():
        if ax is None:
            fig, ax = new_figure(figsize=(10, 4.2), layout="constrained")
        else:
            fig = ax.figure
        draw_model_section(ax, ds, prop=prop)
        if path is not None:
            fig.savefig(path, dpi=150)
    return fig
