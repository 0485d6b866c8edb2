"""Refraction figures: shot gathers with picks, traveltime curves (observed and modelled), tomogram with ray coverage.

Imported by nobody that computes. Every figure of synthetic data carries the
synthetic stamp.

Naming (the whole seismic package): ``plot_<noun>(result, path=None) ->
Figure`` makes a figure (saved when ``path`` is given; these are also the
step figures); ``draw_<noun>(ax, ...)`` draws into a caller's axes.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from geoexplore.viz.style import UNCERTAIN_REL_SD, figure_style, hatch_uncertain, synthetic_stamp


def _flags(ds: Any) -> list[str]:
    import json

    return json.loads(ds.attrs.get("flags_json", "[]")) or [""] * ds.sizes.get("pick", 0)


def draw_shot(ax: Any, data: np.ndarray, time_s: np.ndarray, x_m: np.ndarray, picks_s: np.ndarray | None = None,
              use: np.ndarray | None = None, *, t_max_s: float | None = None, scale: float = 0.8) -> None:
    """Wiggle plot of a shot gather (traces normalised each) with picks.

    Parameters
    ----------
    ax : matplotlib Axes
    data : ndarray (n_traces, n_samples)
    time_s : ndarray (n_samples,)
    x_m : ndarray (n_traces,)
        Trace positions (receiver x or offset, m).
    picks_s : ndarray (n_traces,), optional
    use : ndarray of bool (n_traces,), optional
        Used picks are drawn red, rejected ones grey crosses.
    """
    d = np.asarray(data, float)
    t = np.asarray(time_s, float)
    x = np.asarray(x_m, float)
    m = t <= (t_max_s if t_max_s is not None else t[-1])
    dxs = np.diff(np.sort(x))
    dx = float(np.median(dxs[dxs > 0])) if np.any(dxs > 0) else 1.0
    tm = t[m] * 1000
    fills = []  # (times, baseline, positive lobe) of every trace, NaN-separated: one fill_betweenx for the shot
    for i in range(d.shape[0]):
        tr = d[i, m]
        a = np.max(np.abs(tr))
        tr = tr / a * scale * dx if a > 0 else tr
        ax.plot(x[i] + tr, tm, color="k", lw=0.4)
        fills.append(np.stack([np.r_[tm, np.nan], np.full(tm.size + 1, x[i]), np.r_[x[i] + np.clip(tr, 0, None), np.nan]]))
    if fills:
        # the same polygons as one fill_betweenx per trace (a NaN ends a region), drawn in the same order (a
        # collection's zorder is below the lines'), made in one call instead of one collection per trace
        ty, x1, x2 = np.concatenate(fills, axis=1)
        ax.fill_betweenx(ty, x1, x2, color="k", lw=0)
    if picks_s is not None:
        u = np.ones(x.size, bool) if use is None else np.asarray(use, bool)
        ax.plot(x[u], np.asarray(picks_s)[u] * 1000, "_", color="#d62728", ms=10, mew=2, label="pick")
        if (~u).any():
            ax.plot(x[~u], np.asarray(picks_s)[~u] * 1000, "x", color="0.5", ms=5, label="rejected")
    ax.set_ylim(t[m][-1] * 1000, t[m][0] * 1000)
    ax.set_xlabel("position (m)")
    ax.set_ylabel("time (ms)")


def plot_shot_picks(result: Any, path: str | os.PathLike[str] | None = None) -> Any:
    """Figure of a ``refraction.pick`` result: the shot gather with its picks (reads the source file when present)."""
    from geoexplore.viz.figure import new_figure, tight_layout

    ds = result
    rx = np.asarray(ds["receiver_x_m"].values, float)
    t = np.asarray(ds["t_s"].values, float)
    use = np.asarray(ds["use"].values, int) == 1
    src = ds.attrs.get("source_path", "")
    with figure_style():
        fig, ax = new_figure(figsize=(7, 5))
        tmax = float(np.nanmax(t)) * 1.5 if np.isfinite(t).any() else None
        if src and Path(src).is_file():
            from geoexplore.seismic import io

            g = io.read(src)
            draw_shot(ax, g["data"].values, g["time_s"].values, rx, t, use, t_max_s=tmax)
        else:
            ax.plot(rx[use], t[use] * 1000, "_", color="#d62728", ms=10, mew=2)
            ax.invert_yaxis()
            ax.set_xlabel("position (m)")
            ax.set_ylabel("time (ms)")
        ax.set_title(f"first breaks: {Path(str(ds.attrs.get('source_file', ''))).name} ({int(use.sum())}/{use.size} used)")
        if int(ds.attrs.get("synthetic", 1)):
            synthetic_stamp(ax)
        tight_layout(fig)  # no placeholder engine left: savefig draws once
        if path is not None:
            fig.savefig(path)
    return fig


def draw_traveltimes(ax: Any, shot_x: np.ndarray, rec_x: np.ndarray, t_obs_s: np.ndarray, t_model_s: np.ndarray | None = None) -> None:
    """Traveltime curves: observed picks (dots) per shot and modelled times (lines)."""
    from geoexplore.viz.figure import colormap

    sx = np.asarray(shot_x, float)
    shots = np.unique(sx)
    cmap = colormap("viridis")
    for k, s in enumerate(shots):
        i = np.flatnonzero(sx == s)
        i = i[np.argsort(rec_x[i])]
        c = cmap(k / max(1, shots.size - 1))
        ax.plot(rec_x[i], t_obs_s[i] * 1000, ".", color=c, ms=3)
        if t_model_s is not None:
            for side in (rec_x[i] < s, rec_x[i] > s):
                j = i[side]
                ax.plot(rec_x[j], t_model_s[j] * 1000, "-", color=c, lw=0.8)
    ax.set_xlabel("position (m)")
    ax.set_ylabel("traveltime (ms)")
    ax.invert_yaxis()


def plot_pick_table(result: Any, path: str | os.PathLike[str] | None = None) -> Any:
    """Figure of a ``refraction.picks`` result: observed traveltime curves of all shots."""
    from geoexplore.viz.figure import new_figure, tight_layout

    ds = result
    use = np.asarray(ds["use"].values, int) == 1
    with figure_style():
        fig, ax = new_figure(figsize=(8, 4.5))
        draw_traveltimes(ax, np.asarray(ds["source_x_m"].values)[use], np.asarray(ds["receiver_x_m"].values)[use],
                         np.asarray(ds["t_s"].values)[use])
        ax.set_title(f"first-break picks: {int(use.sum())} used of {use.size}")
        synthetic_stamp(ax) if int(ds.attrs.get("synthetic", 1)) else None
        tight_layout(fig)  # no placeholder engine left: savefig draws once
        if path is not None:
            fig.savefig(path)
    return fig


def draw_tomogram(ax: Any, image: Any, *, show_coverage: bool = True, vmin: float | None = None, vmax: float | None = None) -> Any:
    """Tomogram on chainage x elevation axes, unconstrained parts masked, ray coverage contours."""
    x = np.asarray(image["chainage_m"].values, float)
    z = np.asarray(image["depth_m"].values, float)
    e = np.asarray(image["elevation_m"].values, float)
    v = np.asarray(image["vp_m_s"].values, float)
    m = np.asarray(image["mask"].values, bool)
    X = np.broadcast_to(x[None, :], v.shape)
    Y = e[None, :] - z[:, None]
    vm = np.ma.masked_where(~m, v)
    pc = ax.pcolormesh(X, Y, vm, shading="gouraud", cmap="viridis", vmin=vmin, vmax=vmax)
    ax.pcolormesh(X, Y, np.ma.masked_where(m, v), shading="gouraud", cmap="Greys", alpha=0.25)
    if show_coverage:
        cov = np.asarray(image["coverage"].values, float)
        pos = cov[cov > 0]
        if pos.size:
            lv = np.quantile(pos, [0.25, 0.75])
            ax.contour(X, Y, np.log10(np.maximum(cov, 1e-12)), levels=np.log10(np.unique(lv)), colors="w", linewidths=0.6)
    if "vp_rel_sd" in image:
        hatch_uncertain(ax, X, Y, np.where(m, np.asarray(image["vp_rel_sd"].values, float), np.nan))
    ax.plot(x, e, "k-", lw=1)
    ax.set_xlabel("chainage (m)")
    ax.set_ylabel("elevation (m)")
    return pc


def plot_tomogram(result: Any, path: str | os.PathLike[str] | None = None) -> Any:
    """Figure of a ``refraction.tomo`` result: tomogram with coverage; observed and modelled traveltimes."""
    from geoexplore.viz.figure import new_figure, tight_layout

    image = result["image"] if isinstance(result, dict) else result
    model = result.get("model") if isinstance(result, dict) else None
    with figure_style():
        n = 2 if model is not None else 1
        fig, axs = new_figure(n, 1, figsize=(9, 3.6 * n), squeeze=False)
        ax = axs[0, 0]
        pc = draw_tomogram(ax, image)
        fig.colorbar(pc, ax=ax, label="Vp (m/s)")
        a = image.attrs
        title = (f"refraction tomogram ({a.get('line', '')}): chi2 {a.get('chi2', np.nan):.2f}, "
                 f"rrms {a.get('rrms_percent', np.nan):.1f} %; grey: no ray coverage")
        if "vp_rel_sd" in image:
            title += (f"\nhatched: Vp uncertain by more than {UNCERTAIN_REL_SD:.0%} from the pick errors "
                      f"({int(image['vp_rel_sd'].attrs.get('runs', 0))} runs)")
        ax.set_title(title)
        if int(a.get("synthetic", 0)):
            synthetic_stamp(ax)
        if model is not None:
            ax2 = axs[1, 0]
            draw_traveltimes(ax2, np.asarray(model["shot_x_m"].values), np.asarray(model["geophone_x_m"].values),
                             np.asarray(model["t_obs_s"].values), np.asarray(model["t_model_s"].values))
            ax2.set_title("traveltimes: picks (dots) and model response (lines)")
            ax2.set_xlabel("chainage (m)")
            if int(a.get("synthetic", 0)):
                synthetic_stamp(ax2)
        tight_layout(fig)  # no placeholder engine left: savefig draws once
        if path is not None:
            fig.savefig(path)
    return fig


def plot_first_breaks(picks: Any, path: str | os.PathLike[str] | None = None) -> Any:
    """Figure of :class:`~geoexplore.seismic.refraction.first_breaks.FirstBreakPicks`.

    One picked shot: its record with the picks (used red, rejected grey);
    otherwise the traveltime curves of the used picks of all shots.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from geoexplore.viz.figure import new_figure, tight_layout

    table = picks.table
    with figure_style():
        fig, ax = new_figure(figsize=(8, 4.5))
        if table is not None and len(picks.gathers) == 1 and table["shot"].nunique() == 1:
            g = picks.gathers[0]
            t = np.asarray(table["t_s"].values, float)
            use = np.asarray(table["use"].values, int) == 1
            tmax = float(np.nanmax(t)) * 1.5 if np.isfinite(t).any() else None
            draw_shot(ax, g["data"].values, g["time_s"].values, np.asarray(table["receiver_x_m"].values, float), t, use,
                      t_max_s=tmax)
            ax.set_title(f"first breaks: {Path(str(g.attrs.get('source_file', ''))).name} ({int(use.sum())}/{use.size} used)")
        else:
            d = picks.traveltimes
            ok = np.asarray(d.valid, bool)
            draw_traveltimes(ax, d.sensors[d.s[ok], 0], d.sensors[d.g[ok], 0], d.t_s[ok])
            ax.set_title(f"first-break picks: {int(ok.sum())} traveltimes")
        if picks.synthetic:
            synthetic_stamp(ax)
        tight_layout(fig)  # no placeholder engine left: savefig draws once
        if path is not None:
            fig.savefig(path)
    return fig


__all__ = [
    "plot_first_breaks",
    "draw_shot",
    "draw_traveltimes",
    "plot_pick_table",
    "plot_shot_picks",
    "plot_tomogram",
]
