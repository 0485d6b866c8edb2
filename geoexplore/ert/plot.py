"""ERT figures: pseudosections (removed data marked), inverted sections with DOI mask, reciprocal errors.

One scheme: ``plot_<noun>(obj, path=None, ...) -> Figure`` makes a whole
figure with :func:`geoexplore.viz.figure.new_figure` (no pyplot), saves it
when ``path`` is given and returns it; ``draw_<noun>(ax, ...)`` draws into an
axes the caller owns. ``plot_data_result`` and ``plot_image_result`` are
the figures of the ``ert.read``/``ert.qc`` and ``ert.invert`` steps.

Imported by nobody that computes. Log colour scale with a perceptually
uniform map (viridis family), chainage and elevation axes, a SYNTHETIC
stamp on synthetic data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

CMAP = "viridis"


def log_norm(values: np.ndarray) -> Any:
    """Log colour scale over the 2-98 percentiles of the positive finite values."""
    from matplotlib.colors import LogNorm

    v = np.asarray(values, float)
    v = v[np.isfinite(v) & (v > 0)]
    if v.size == 0:
        return LogNorm(1, 10)
    lo, hi = np.percentile(v, [2, 98])
    if hi <= lo:
        hi = lo * 1.01
    return LogNorm(lo, hi)


def draw_pseudosection(ax: Any, electrodes: np.ndarray, abmn: np.ndarray, values: np.ndarray, *,
                  removed_abmn: np.ndarray | None = None, offset_m: float = 0.0, norm: Any = None,
                  title: str = "", label: str = "apparent resistivity (ohm m)") -> Any:
    """Draw a pseudosection (midpoint vs pseudo-depth) on ``ax``; removed data as red crosses."""
    from geoexplore.ert.geometric import pseudo_positions

    x, z = pseudo_positions(electrodes, abmn)
    norm = norm or log_norm(values)
    sc = ax.scatter(x + offset_m, z, c=values, cmap=CMAP, norm=norm, s=14, marker="s", linewidths=0)
    if removed_abmn is not None and len(removed_abmn):
        ok = np.all(removed_abmn <= len(electrodes), axis=1)
        xr_, zr = pseudo_positions(electrodes, removed_abmn[ok])
        ax.scatter(xr_ + offset_m, zr, marker="x", c="#d62728", s=18, linewidths=0.8,
                   label=f"removed ({int(ok.sum())})")
        ax.legend(loc="lower left", fontsize=7)
    ax.set_ylim(max(z.max() if z.size else 1, 1) * 1.05, 0)
    ax.set_xlabel("chainage (m)" if offset_m else "x along line (m)")
    ax.set_ylabel("pseudo-depth (m)")
    if title:
        ax.set_title(title)
    ax.figure.colorbar(sc, ax=ax, label=label, shrink=0.85)
    return sc


def plot_data_result(ds: Any, path: str | Path | None = None) -> Any:
    """Figure of a data/QC Dataset (``ert.read`` / ``ert.qc``): pseudosection with removed data.

    Returns
    -------
    matplotlib.figure.Figure
        Saved to ``path`` when given.
    """
    from geoexplore.viz.figure import new_figure, tight_layout
    from geoexplore.viz.style import figure_style, synthetic_stamp

    el = np.column_stack([ds["electrode_x_m"].values, ds["electrode_y_m"].values, ds["electrode_z_m"].values])
    abmn = np.column_stack([ds[c].values for c in ("a", "b", "m", "n")]).astype(int)
    rho = ds["apparent_resistivity_ohm_m"].values
    rem = None
    if "removed_a" in ds:
        rem = np.column_stack([ds[f"removed_{c}"].values for c in ("a", "b", "m", "n")]).astype(int)
    with figure_style():
        fig, ax = new_figure(figsize=(8, 3.6))
        ok = np.isfinite(rho) & (rho > 0)
        draw_pseudosection(ax, el, abmn[ok], rho[ok], removed_abmn=rem,
                      title=f"pseudosection: {ok.sum()} data, {0 if rem is None else len(rem)} removed")
        if int(ds.attrs.get("synthetic", 0)) or "SYNTHETIC" in str(ds.attrs.get("title", "")):
            synthetic_stamp(ax)
        tight_layout(fig)  # no placeholder engine left: savefig draws once
        if path is not None:
            fig.savefig(Path(path))
    return fig


def draw_section(ax: Any, img: Any, *, show_mask: bool = True, norm: Any = None, elevation: bool = True) -> Any:
    """Draw the ``ert`` image: resistivity (log colours) at elevation vs chainage, DOI-masked part faded."""
    ch = img["chainage_m"].values
    dep = img["depth_m"].values
    rho = img["resistivity_ohm_m"].values
    mask = img["mask"].values.astype(bool)
    norm = norm or log_norm(rho[mask] if mask.any() else rho)
    elev = img["elevation_m"].values
    Y = (elev[None, :] - dep[:, None]) if elevation else np.broadcast_to(dep[:, None], rho.shape)
    X = np.broadcast_to(ch[None, :], rho.shape)
    shown = np.where(mask, rho, np.nan) if show_mask else rho
    kw = {"cmap": CMAP, "norm": norm, "shading": "nearest", "linewidth": 0, "antialiased": False, "rasterized": True}
    if show_mask:  # the whole model faded underneath, the reliable part on top
        ax.pcolormesh(X, Y, rho, alpha=0.3, **kw)
    pm = ax.pcolormesh(X, Y, shown, **kw)
    if show_mask and "doi_index" in img:
        thr = float(img.attrs.get("doi_threshold", 0.2))
        ax.contour(X, Y, img["doi_index"].values, levels=[thr], colors="white", linewidths=0.8, linestyles="--")
    if elevation:
        ax.plot(ch, elev, "k-", lw=0.8)
        ax.set_ylabel("elevation (m)")
    else:
        ax.invert_yaxis()
        ax.set_ylabel("depth (m)")
    ax.set_xlabel("chainage (m)")
    ax.figure.colorbar(pm, ax=ax, label="resistivity (ohm m)", shrink=0.85)
    return pm


def plot_image_result(img: Any, path: str | Path | None = None) -> Any:
    """Figure of the ``ert.invert`` image: observed and modelled pseudosections (when stored) and the section.

    Returns
    -------
    matplotlib.figure.Figure
        Saved to ``path`` when given.
    """
    from geoexplore.viz.figure import new_figure, tight_layout
    from geoexplore.viz.style import figure_style, synthetic_stamp

    off = float(img.attrs.get("chainage_offset_m", 0.0))
    with figure_style():
        have_data = "data_a" in img
        fig, axs = new_figure(3 if have_data else 1, 1, figsize=(8, 9 if have_data else 3.6), squeeze=False)
        axs = axs[:, 0]
        if have_data:
            el = np.column_stack([img["electrode_x_m"].values, np.zeros(img.sizes["electrode"]),
                                  img["electrode_z_m"].values])
            abmn = np.column_stack([img[f"data_{c}"].values for c in ("a", "b", "m", "n")]).astype(int)
            obs = img["data_apparent_resistivity_ohm_m"].values
            norm = log_norm(obs)
            draw_pseudosection(axs[0], el, abmn, obs, offset_m=off, norm=norm, title="observed apparent resistivity")
            draw_pseudosection(axs[1], el, abmn, img["data_response_ohm_m"].values, offset_m=off, norm=norm,
                          title="modelled apparent resistivity")
        ax = axs[-1]
        draw_section(ax, img)
        ax.set_title(f"ERT section (chi2 {float(img.attrs.get('chi2', np.nan)):.2f}, "
                     f"RRMS {float(img.attrs.get('rrms_percent', np.nan)):.1f} %); faded: below DOI")
        if int(img.attrs.get("synthetic", 0)):
            for a in axs:
                synthetic_stamp(a)
        tight_layout(fig)  # no placeholder engine left: savefig draws once
        if path is not None:
            fig.savefig(Path(path))
    return fig


def draw_reciprocals(ax: Any, pairs: Any, model: Any = None, bins: Any = None) -> None:
    """Reciprocal error ``|dR|`` vs ``|R|`` with the fitted model dR = a + b ``|R|``."""
    r = np.abs(pairs["r_mean_ohm"].to_numpy(float))
    e = np.abs(pairs["dr_ohm"].to_numpy(float))
    fl = pairs["flagged"].to_numpy(bool)
    ax.loglog(r[~fl], e[~fl], ".", ms=3, label="pairs")
    if fl.any():
        ax.loglog(r[fl], e[fl], "x", color="#d62728", ms=4, label="over threshold")
    if bins is not None and len(bins[0]):
        ax.loglog(bins[0], bins[1], "o", mfc="none", label="bin std")
    if model is not None and r.size:
        rr = np.logspace(np.log10(r[r > 0].min()), np.log10(r.max()), 50)
        ax.loglog(rr, model.absolute_ohm + model.relative * rr, "k-",
                  label=f"dR = {model.absolute_ohm:.2g} + {model.relative:.3g}|R|")
    ax.set_xlabel("|R| (ohm)")
    ax.set_ylabel("|R normal - R reciprocal| (ohm)")
    ax.legend(fontsize=7)


def plot_pseudosection(data: Any, path: str | Path | None = None, *, title: str | None = None,
                       synthetic: bool | None = None) -> Any:
    """Figure of an :class:`~geoexplore.ert.data.ERTData`: apparent resistivity pseudosection, removed data as crosses.

    Parameters
    ----------
    data : ERTData
        Data with apparent resistivity (ohm m); its ``removed`` table is marked.
    path : path-like, optional
        Save the figure here (PNG, PDF or SVG by suffix).
    title : str, optional
        Default: the number of data and of removed data.
    synthetic : bool, optional
        Stamp the figure SYNTHETIC (default: from the data's ``meta``).

    Returns
    -------
    matplotlib.figure.Figure
    """
    from geoexplore.viz.figure import new_figure, tight_layout
    from geoexplore.viz.style import figure_style, synthetic_stamp

    d = data.fill_derived()
    rho = d.data["apparent_resistivity_ohm_m"].to_numpy(float)
    ok = np.isfinite(rho) & (rho > 0)
    rem = d.removed[["a", "b", "m", "n"]].to_numpy(int) if len(d.removed) else None
    with figure_style():
        fig, ax = new_figure(figsize=(8, 3.6))
        draw_pseudosection(ax, d.electrodes, d.abmn()[ok], rho[ok], removed_abmn=rem,
                           title=title if title is not None else
                           f"pseudosection: {int(ok.sum())} data, {0 if rem is None else len(rem)} removed")
        if synthetic is None:
            synthetic = bool(int(d.meta.get("synthetic", 0))) or "SYNTHETIC" in str(d.meta.get("title", ""))
        if synthetic:
            synthetic_stamp(ax)
        tight_layout(fig)  # no placeholder engine left: savefig draws once
        if path is not None:
            fig.savefig(Path(path))
    return fig


def plot_reciprocal_errors(reciprocals: Any, path: str | Path | None = None) -> Any:
    """Figure of the reciprocal analysis (a QC report's ``reciprocals``): ``|dR|`` vs ``|R|`` with the error model.

    Parameters
    ----------
    reciprocals : ReciprocalResult
        ``pairs``, ``model`` and ``bins`` of :func:`geoexplore.ert.qc.reciprocal_analysis`.
    path : path-like, optional
        Save the figure here.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from geoexplore.viz.figure import new_figure, tight_layout
    from geoexplore.viz.style import figure_style

    with figure_style():
        fig, ax = new_figure(figsize=(5, 4))
        draw_reciprocals(ax, reciprocals.pairs, reciprocals.model, reciprocals.bins)
        tight_layout(fig)  # no placeholder engine left: savefig draws once
        if path is not None:
            fig.savefig(Path(path))
    return fig


def plot_section(result: Any, path: str | Path | None = None, *, settings: Any = None, line: str = "profile",
                 synthetic: bool | None = None) -> Any:
    """Figure of an inversion: the resistivity section with the DOI mask (faded below the DOI).

    Parameters
    ----------
    result : InversionResult or xarray.Dataset
        An inversion result (sampled with :func:`geoexplore.ert.inversion.to_image`) or an ``ert`` image.
    path : path-like, optional
        Save the figure here.
    settings : ImageSettings, optional
        Grid of the image when ``result`` is an inversion result.
    line : str
        Line name stored in the image.
    synthetic : bool, optional
        Stamp the figure SYNTHETIC (default: from the data's ``meta``).

    Returns
    -------
    matplotlib.figure.Figure
    """
    img = result
    if hasattr(result, "resistivity_ohm_m") and hasattr(result, "data") and not hasattr(result, "data_vars"):
        from geoexplore.ert.inversion import to_image

        if synthetic is None:
            meta = result.data.meta
            synthetic = bool(int(meta.get("synthetic", 0))) or "SYNTHETIC" in str(meta.get("title", ""))
        img = to_image(result, settings, line=line, synthetic=bool(synthetic))
    return plot_image_result(img, path)


def plot_convergence(result: Any, path: str | Path | None = None) -> Any:
    """chi2 (log) and lambda per iteration of an inversion, with the target band; saved when ``path``.

    ``result``: an :class:`~geoexplore.ert.inversion.InversionResult` (or its ``summary()``).
    """
    from geoexplore.viz.figure import new_figure, tight_layout
    from geoexplore.viz.style import figure_style

    s = result.summary() if hasattr(result, "summary") else result
    rows = s["iteration_table"]
    it = [r["iteration"] for r in rows]
    with figure_style():
        fig, ax = new_figure(1, 1, figsize=(6, 3.4))
        ax.semilogy(it, [r["chi2"] for r in rows], "o-", label="chi2")
        ax.axhspan(0.8, 1.2, color="0.85", label="target band")
        cut = [r for r in rows if r.get("step_length", 1.0) not in (0.0, 1.0)]
        if cut:
            ax.semilogy([r["iteration"] for r in cut], [r["chi2"] for r in cut], "s", mfc="none", ms=10,
                        label="after line search")
        ax.set_xlabel("iteration")
        ax.set_ylabel("chi2")
        ax2 = ax.twinx()
        ax2.step(it, [r["lam"] for r in rows], where="post", color="C3", label="lambda")
        ax2.set_yscale("log")
        ax2.set_ylabel("lambda", color="C3")
        ax.legend(loc="upper right", fontsize=8)
        ax.set_title(f"stop: {s.get('stop_reason', '')}")
        tight_layout(fig)  # no placeholder engine left: savefig draws once
        if path is not None:
            fig.savefig(Path(path))
    return fig


def plot_ip_section(result: Any, path: str | Path | None = None, *, mask_threshold: float | None = None) -> Any:
    """The IP section (intrinsic chargeability or phase per cell), faded where its DOI index exceeds the threshold.

    ``result``: an :class:`~geoexplore.ert.inversion.InversionResult` with ``ip``; threshold default:
    the inversion's ``ip.max_depth_index``.
    """
    import json

    from matplotlib.tri import Triangulation

    from geoexplore.viz.figure import new_figure, tight_layout
    from geoexplore.viz.style import figure_style

    ip = result.ip
    if ip is None:
        raise ValueError("this inversion has no IP result (InversionSettings.ip.invert)")
    thr = mask_threshold
    if thr is None:
        thr = float(json.loads(result.settings_json).get("ip", {}).get("max_depth_index", 0.2))
    tri = Triangulation(result.cell_x_m, result.cell_z_m)
    with figure_style():
        fig, ax = new_figure(1, 1, figsize=(8, 3.6))
        pc = ax.tripcolor(tri, ip.values, shading="gouraud", cmap="magma", rasterized=True)
        faded = np.asarray(ip.doi_index) > thr
        keep = ~np.any(faded[tri.triangles], axis=1)  # veil the triangles touching a cell below the IP DOI
        veil = Triangulation(result.cell_x_m, result.cell_z_m, tri.triangles, mask=keep)
        ax.tripcolor(veil, facecolors=np.ones(len(tri.triangles)), cmap="Greys_r", vmin=0, vmax=1, alpha=0.6,
                     edgecolors="none", rasterized=True)
        fig.colorbar(pc, ax=ax, label=f"{ip.column.split('_')[0]} ({ip.unit})")
        ax.plot(result.data.electrodes[:, 0], result.data.electrodes[:, 2], "kv", ms=3)
        ax.set_xlabel("x (m)")
        ax.set_ylabel("elevation (m)")
        ax.set_title(f"IP section (chi2 {ip.chi2:.2f}); faded: IP DOI index > {thr}")
        tight_layout(fig)  # no placeholder engine left: savefig draws once
        if path is not None:
            fig.savefig(Path(path))
    return fig


#: old names, kept for one release
pseudosection = draw_pseudosection
section = draw_section
plot_reciprocals = draw_reciprocals

__all__ = ["CMAP", "draw_pseudosection", "draw_reciprocals", "draw_section", "log_norm", "plot_convergence",
           "plot_data_result", "plot_image_result", "plot_ip_section", "plot_pseudosection", "plot_reciprocal_errors", "plot_section", "plot_reciprocals",
           "pseudosection", "section"]
