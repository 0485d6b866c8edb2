"""Figures of the reflection flow: wiggle and variable-density sections, velocity spectra, fold.

Imported only by the figure machinery (never by computing code). Every
figure of synthetic data carries the synthetic stamp.

Naming (the whole seismic package): ``plot_<noun>(result, path=None) ->
Figure`` makes a figure (saved when ``path`` is given; these are also the
step figures); ``draw_<noun>(ax, ...)`` draws into a caller's axes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from geoexplore.viz.figure import new_figure, tight_layout
from geoexplore.viz.style import figure_style, synthetic_stamp


def _clip(a: np.ndarray, pct: float = 98.0) -> float:
    v = np.nanpercentile(np.abs(a), pct) if np.any(np.isfinite(a)) else 1.0
    return float(v) if v > 0 else 1.0


def draw_variable_density(ax: Any, amp: Any, x: Any, y: Any, *, cmap: str = "RdBu_r", pct: float = 98.0) -> Any:
    """Variable-density display of ``amp`` (n_y, n_x) on axes x (horizontal) and y (down)."""
    a = np.asarray(amp, float)
    c = _clip(a, pct)
    x, y = np.asarray(x, float), np.asarray(y, float)
    return ax.imshow(a, aspect="auto", cmap=cmap, vmin=-c, vmax=c, interpolation="bilinear",
                     extent=[x[0], x[-1], y[-1], y[0]])


def draw_wiggles(ax: Any, amp: Any, x: Any, y: Any, *, every: int = 1, scale: float = 1.0, fill: bool = True,
           pct: float = 99.0) -> None:
    """Wiggle-trace display: one trace per ``every`` columns of ``amp`` (n_y, n_x), positive lobes filled."""
    a = np.nan_to_num(np.asarray(amp, float))
    x, y = np.asarray(x, float), np.asarray(y, float)
    cols = np.arange(0, a.shape[1], max(1, every))
    dx = (x[cols[1]] - x[cols[0]]) if cols.size > 1 else 1.0
    g = scale * dx / _clip(a[:, cols], pct)
    for j in cols:
        tr = x[j] + g * np.clip(a[:, j], -_clip(a, pct) * 1.5, _clip(a, pct) * 1.5)
        ax.plot(tr, y, "k", lw=0.4)
        if fill:
            ax.fill_betweenx(y, x[j], tr, where=tr > x[j], color="k", lw=0)
    ax.set_ylim(y[-1], y[0])
    ax.set_xlim(x[0] - dx, x[-1] + dx)


def draw_fold(ax: Any, chainage_m: Any, fold: Any) -> None:
    """Fold (traces per CMP bin) along the line."""
    ax.fill_between(np.asarray(chainage_m, float), np.asarray(fold, float), step="mid", color="0.5")
    ax.set_xlabel("chainage (m)")
    ax.set_ylabel("fold")


def draw_semblance(ax: Any, semblance: Any, velocities_m_s: Any, times_s: Any, *, picks: tuple[Any, Any] | None = None) -> Any:
    """Semblance spectrum (n_v, n_t): velocity horizontal, time down; picks as white dots."""
    S = np.asarray(semblance, float)
    v, t = np.asarray(velocities_m_s, float), np.asarray(times_s, float)
    im = ax.imshow(S.T, aspect="auto", cmap="magma", vmin=0, vmax=max(S.max(), 1e-6), extent=[v[0], v[-1], t[-1], t[0]])
    if picks is not None and len(picks[0]):
        ax.plot(picks[1], picks[0], "o-", color="c", ms=3, lw=0.8)
    ax.set_xlabel("RMS velocity (m/s)")
    ax.set_ylabel("two-way time (s)")
    return im


def _stamp(ax: Any, ds: Any) -> None:
    if int(ds.attrs.get("synthetic", 0)):
        synthetic_stamp(ax)


def plot_gathers(result: Any, path: str | Path | None = None) -> Any:
    """Fold and offset distribution along the line, plus one pre-processed shot record."""
    ds, geo = result["cmp"], result["geometry"]
    with figure_style():
        fig, axs = new_figure(1, 3, figsize=(13, 4.2), gridspec_kw={"width_ratios": [1.3, 1.3, 1]})
        draw_fold(axs[0], geo["chainage_m"].values, geo["fold"].values)
        axs[0].set_title(f"CMP fold ({geo.attrs.get('bin_m', 0):g} m bins)")
        cnt = geo["offset_count"].values.T
        oc = geo["offset_m"].values
        top = oc[-1] + (oc[0] if oc.size else 0.0)  # centres are (k + 1/2) * width
        im = axs[1].imshow(cnt, aspect="auto", origin="lower", cmap="viridis", interpolation="nearest",
                           extent=[geo["chainage_m"].values[0], geo["chainage_m"].values[-1], 0, top])
        fig.colorbar(im, ax=axs[1], label="traces")
        axs[1].set_xlabel("chainage (m)")
        axs[1].set_ylabel("|offset| (m)")
        axs[1].set_title("offset distribution")
        ffid = ds["ffid"].values
        f = np.unique(ffid)[len(np.unique(ffid)) // 2]
        sel = np.flatnonzero(ffid == f)
        o = sel[np.argsort(ds["offset_m"].values[sel])]
        draw_variable_density(axs[2], ds["data"].values[o].T, ds["offset_m"].values[o], ds["time_s"].values, cmap="gray_r")
        axs[2].set_xlabel("offset (m)")
        axs[2].set_ylabel("time (s)")
        axs[2].set_title(f"shot {int(f)} after pre-processing")
        for ax in axs:
            _stamp(ax, ds)
        tight_layout(fig)  # no placeholder engine left: savefig draws once
        if path is not None:
            fig.savefig(path)
    return fig


def plot_velocity(result: Any, path: str | Path | None = None, *, n_panels: int = 4) -> Any:
    """Semblance spectra at a few analysis locations with their picks, and the RMS velocity section."""
    sp, picks = result["spectra"], result["picks"]
    n = sp.sizes["location"]
    idx = np.unique(np.linspace(0, n - 1, min(n_panels, n)).round().astype(int))
    with figure_style():
        fig, axs = new_figure(1, idx.size + 1, figsize=(3 * idx.size + 6, 4.5),
                                gridspec_kw={"width_ratios": [1] * idx.size + [2.2]})
        for ax, i in zip(axs, idx):
            c = int(sp["cdp"].values[i])
            sel = picks["cdp"].values == c
            draw_semblance(ax, sp["semblance"].values[i], sp["velocity_m_s"].values, sp["time_s"].values,
                           picks=(picks["time_s"].values[sel], picks["vrms_m_s"].values[sel]))
            ax.set_title(f"chainage {float(sp['chainage_m'].values[i]):.0f} m")
            _stamp(ax, sp)
        from geoexplore.seismic.reflection.flow import vrms_section

        ch = np.linspace(float(sp["chainage_m"].min()), float(sp["chainage_m"].max()), 200)
        t = sp["time_s"].values
        vr = vrms_section(picks, ch, t)
        im = axs[-1].imshow(vr.T, aspect="auto", cmap="viridis", extent=[ch[0], ch[-1], t[-1], t[0]])
        axs[-1].plot(picks["chainage_m"].values, picks["time_s"].values, "k.", ms=2)
        fig.colorbar(im, ax=axs[-1], label="RMS velocity (m/s)")
        axs[-1].set_xlabel("chainage (m)")
        axs[-1].set_ylabel("two-way time (s)")
        axs[-1].set_title(f"RMS velocity ({picks.attrs.get('source', 'picks')})")
        _stamp(axs[-1], sp)
        tight_layout(fig)  # no placeholder engine left: savefig draws once
        if path is not None:
            fig.savefig(path)
    return fig


def plot_time_section(result: Any, path: str | Path | None = None, *, wiggles: bool = False) -> Any:
    """Variable-density time section (stack or migrated) over its fold."""
    ds = result
    with figure_style():
        fig, (ax, axf) = new_figure(2, 1, figsize=(11, 6.5), sharex=True, gridspec_kw={"height_ratios": [4, 1]})
        x, t = ds["chainage_m"].values, ds["time_s"].values
        if wiggles:
            draw_wiggles(ax, ds["amplitude"].values, x, t, every=max(1, x.size // 150))
        else:
            draw_variable_density(ax, ds["amplitude"].values, x, t, cmap="gray_r")
        ax.set_ylabel("two-way time (s)")
        mig = ds.attrs.get("migration")
        ax.set_title(f"{'migrated' if mig else 'CMP stack'}{f' ({mig})' if mig else ''}, line {ds.attrs.get('line', '')}")
        _stamp(ax, ds)
        draw_fold(axf, x, ds["fold"].values)
        tight_layout(fig)  # no placeholder engine left: savefig draws once
        if path is not None:
            fig.savefig(path)
    return fig


def plot_depth_section(result: Any, path: str | Path | None = None, *, wiggles: bool = False) -> Any:
    """The reflection image in depth below ground, with the interval velocity used and the ground elevation."""
    ds = result
    with figure_style():
        fig, (axe, ax, axv) = new_figure(3, 1, figsize=(11, 9), sharex=True, gridspec_kw={"height_ratios": [0.8, 4, 2]})
        x, z = ds["chainage_m"].values, ds["depth_m"].values
        axe.plot(x, ds["elevation_m"].values, "k", lw=1)
        axe.set_ylabel("elevation (m)")
        if wiggles:
            draw_wiggles(ax, ds["amplitude"].values, x, z, every=max(1, x.size // 150))
        else:
            draw_variable_density(ax, ds["amplitude"].values, x, z, cmap="gray_r")
        ax.set_ylabel("depth below ground (m)")
        ax.set_title(f"reflection depth section ({ds.attrs.get('migration', '')} time migration, Dix depth conversion), "
                     f"line {ds.attrs.get('line', '')}")
        _stamp(ax, ds)
        im = axv.imshow(ds["velocity_m_s"].values, aspect="auto", cmap="viridis", extent=[x[0], x[-1], z[-1], z[0]])
        fig.colorbar(im, ax=axv, label="interval velocity (m/s)", orientation="horizontal", fraction=0.08, pad=0.25)
        axv.set_ylabel("depth (m)")
        axv.set_xlabel("chainage (m)")
        _stamp(axv, ds)
        tight_layout(fig)  # no placeholder engine left: savefig draws once
        if path is not None:
            fig.savefig(path)
    return fig


__all__ = [
    "draw_fold",
    "draw_semblance",
    "draw_variable_density",
    "draw_wiggles",
    "plot_depth_section",
    "plot_gathers",
    "plot_time_section",
    "plot_velocity",
]
