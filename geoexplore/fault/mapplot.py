"""The fault map: hillshade, survey lines, candidates, traces, segment boundaries, scarps and setback zones.

With a scale bar, a north arrow (grid north), projected coordinates (km)
and English or Chinese labels. Imported by nobody that computes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

LABELS: dict[str, tuple[str, str]] = {
    "title": ("Fault traces in map view", "断层迹线平面图"),
    "easting": ("Easting (km)", "东坐标 (km)"),
    "northing": ("Northing (km)", "北坐标 (km)"),
    "line": ("survey line", "测线"),
    "candidate": ("fault candidate", "断层候选点"),
    "isolated": ("isolated finding", "孤立异常"),
    "trace": ("fault trace", "断层迹线"),
    "boundary": ("segment boundary", "分段边界"),
    "scarp": ("DEM scarp", "DEM 陡坎"),
    "lone_scarp": ("scarp, no geophysical candidate", "陡坎（无物探异常）"),
    "setback": ("setback zone, category", "避让带，类别"),
    "synthetic": ("SYNTHETIC DATA", "合成数据"),
    "north": ("N", "北"),
}


def label(key: str, lang: str = "en") -> str:
    """The map label ``key`` in 'en' or 'zh'."""
    return LABELS[key][0 if lang == "en" else 1]


def _scale_bar(ax: Any, xlim: tuple[float, float], ylim: tuple[float, float]) -> None:
    span = xlim[1] - xlim[0]
    length = 10 ** np.floor(np.log10(span / 4))
    length *= 5 if span / length > 12 else (2 if span / length > 6 else 1)
    x0 = xlim[0] + 0.05 * span
    y0 = ylim[0] + 0.05 * (ylim[1] - ylim[0])
    ax.plot([x0, x0 + length], [y0, y0], "-", color="k", lw=4, solid_capstyle="butt")
    ax.plot([x0, x0 + length / 2], [y0, y0], "-", color="w", lw=2.4, solid_capstyle="butt")
    ax.text(x0 + length / 2, y0 + 0.015 * (ylim[1] - ylim[0]), f"{length:.0f} m" if length < 1000 else f"{length / 1000:.0f} km",
            ha="center", va="bottom", fontsize=8)


def _north_arrow(ax: Any, lang: str) -> None:
    ax.annotate(label("north", lang), xy=(0.95, 0.95), xytext=(0.95, 0.83), xycoords="axes fraction", ha="center", va="center",
                fontsize=11, arrowprops={"arrowstyle": "-|>", "color": "k", "lw": 1.5})


def draw_fault_map(ax: Any, result: Any, *, dem: Any = None, hillshade: np.ndarray | None = None, lines: dict[str, Any] | None = None,
                   scarps: list[Any] | None = None, setbacks: dict[str, list[dict[str, Any]]] | None = None, lang: str = "en",
                   synthetic: bool = True) -> None:
    """Draw the fault map on ``ax`` (projected metres, axis labels in km).

    ``lines``: name -> (x, y) vertices of each survey line (m); ``setbacks``:
    trace id -> polygons of :func:`geoexplore.fault.setback.setback_polygons`;
    the hillshade is drawn with 5x vertical exaggeration unless given.
    """
    from matplotlib.ticker import FuncFormatter

    if dem is not None:
        from geoexplore.fault.terrain import hillshade as hs_fn

        hs = hillshade if hillshade is not None else hs_fn(dem, z_factor=5.0)
        x, y = dem["x"].values, dem["y"].values
        c = float(dem.attrs.get("cell_m", abs(x[1] - x[0])))
        ax.imshow(hs, cmap="Greys_r", vmin=0, vmax=1, extent=(x[0] - c / 2, x[-1] + c / 2, y[-1] - c / 2, y[0] + c / 2),
                  origin="upper", interpolation="bilinear", alpha=0.9)
    colors = {"A": "#7f0000", "B": "#d62728", "C": "#ff7f0e", "D": "#ffd700"}
    done: set[str] = set()
    for tid, polys in (setbacks or {}).items():
        for p in sorted(polys, key=lambda q: -q["distance_m"]):
            xs, ys = p["geometry"].exterior.xy
            lab = f"{label('setback', lang)} {p['category']}" if p["category"] not in done else None
            done.add(p["category"])
            ax.fill(xs, ys, color=colors.get(p["category"], "r"), alpha=0.25, lw=0.5, label=lab)
    for k, (name, (lx, ly)) in enumerate((lines or {}).items()):
        ax.plot(lx, ly, "-", color="#1f77b4", lw=1.2, label=label("line", lang) if k == 0 else None)
        ax.text(lx[-1], ly[-1], f" {name}", fontsize=7, color="#1f77b4", va="center")
    lone = {s["id"] for s in result.lone_scarps}
    for sc in scarps or []:
        ls, col, key = ("--", "#8c564b", "lone_scarp") if sc.id in lone else ("-", "#2ca02c", "scarp")
        ax.plot([sc.x0, sc.x1], [sc.y0, sc.y1], ls, color=col, lw=2.5, alpha=0.8, label=label(key, lang) if key not in done else None)
        done.add(key)
    for k, t in enumerate(result.traces):
        xy = np.asarray(t.polyline_xy)
        ax.plot(xy[:, 0], xy[:, 1], "-", color="#d62728", lw=2, label=label("trace", lang) if k == 0 else None)
        ax.text(xy[-1, 0], xy[-1, 1], f"  {t.id}", color="#d62728", fontsize=9)
        ax.plot(xy[:, 0], xy[:, 1], "o", color="#d62728", mec="k", ms=5, label=label("candidate", lang) if k == 0 else None)
        for b in t.boundaries:
            ax.plot([b["x"]], [b["y"]], "X", color="k", ms=9, label=label("boundary", lang) if "bd" not in done else None)
            done.add("bd")
    for k, m in enumerate(result.isolated):
        ax.plot([m.x], [m.y], "o", mfc="none", mec="#9467bd", ms=7, label=label("isolated", lang) if k == 0 else None)
    ax.set_aspect("equal")
    if dem is not None:
        ax.set_xlim(x[0] - c / 2, x[-1] + c / 2)
        ax.set_ylim(y[-1] - c / 2, y[0] + c / 2)
    km = FuncFormatter(lambda v, _: f"{v / 1000:.1f}")
    ax.xaxis.set_major_formatter(km)
    ax.yaxis.set_major_formatter(km)
    ax.set_xlabel(label("easting", lang))
    ax.set_ylabel(label("northing", lang))
    ax.set_title(label("title", lang), loc="left")
    _scale_bar(ax, ax.get_xlim(), ax.get_ylim())
    _north_arrow(ax, lang)
    ax.legend(loc="lower right", fontsize=7, framealpha=0.8)
    if synthetic:
        from geoexplore.viz.style import synthetic_stamp

        synthetic_stamp(ax, label("synthetic", lang))


def plot_fault_map(result: Any, path: str | Path | None = None, *, lang: str = "en", figsize: tuple[float, float] = (8.0, 8.0),
                   **kw: Any) -> Any:
    """The fault map as a Figure (saved to ``path`` when given); ``kw`` as :func:`draw_fault_map`."""
    from matplotlib import rc_context

    from geoexplore.viz.figure import new_figure, save
    from geoexplore.viz.i18n import font_rc

    with rc_context(font_rc(lang)):
        fig, ax = new_figure(figsize=figsize, layout="constrained")
        draw_fault_map(ax, result, lang=lang, **kw)
        if path is not None:
            save(fig, path, dpi=150)
    return fig


def plot_traces_result(result: dict[str, Any], path: str | Path | None = None, *, lang: str = "en") -> Any:
    """Figure function of ``fault.traces``: the fault map from the stored Datasets (``traces``, ``dem``)."""
    from geoexplore.fault.tracestore import traces_from_dataset

    st = traces_from_dataset(result["traces"])
    dem = result["dem"]["elevation_m"] if "dem" in result else None
    polys = {tid: h.get("setback_polygons", []) for tid, h in st["hazard"].items()}
    return plot_fault_map(st["result"], path, lang=lang, dem=dem, lines=st["lines"], scarps=st["scarps"], setbacks=polys,
                          synthetic=st["synthetic"])
