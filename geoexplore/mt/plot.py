"""Figures of MT results (matplotlib Figures without pyplot; imported by nobody that computes).

One naming scheme: ``plot_<noun>(result, path=None, ...) -> Figure`` makes a
figure (saved to ``path`` when given); ``draw_<noun>(axes, result, ...)``
draws into the caller's axes. Drawn with
:func:`geoexplore.viz.style.figure_style`, log colour scales for
resistivity (perceptually uniform colour maps); synthetic data are stamped.

* transfer functions: :func:`plot_tf` / :func:`draw_tf` (the ``mt.tf`` figure),
  :func:`plot_curves` / :func:`draw_curves` (with the determinant),
  :func:`plot_station_result` (the ``mt.analyse`` figure);
* sections: :func:`plot_pseudosection`, :func:`plot_phase_tensor_pseudosection`;
* inversions: :func:`plot_model1d` (``mt.invert1d``), :func:`plot_section` (``mt.invert2d``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from geoexplore.viz.figure import new_figure, save_tight, tight_layout
from geoexplore.viz.style import figure_style, synthetic_stamp

RHO_CMAP = "viridis_r"


def _fig(nrows: int = 1, ncols: int = 1, **kw: Any) -> tuple[Any, Any]:
    return new_figure(nrows, ncols, **kw)


def _save(fig: Any, path: str | Path | None) -> Any:
    if path is not None:
        save_tight(fig, path)  # savefig(bbox_inches="tight") in one draw instead of two
    return fig


def _stamp(ds: Any, *axes: Any) -> None:
    if int(ds.attrs.get("synthetic", 0) or 0):
        for ax in axes:
            synthetic_stamp(ax)


def draw_tf(axes: Any, ds: Any, *, fold_phase: bool = True) -> None:
    """Apparent resistivity and phase (xy, yx) with error bars against period, into two axes.

    Parameters
    ----------
    axes : pair of matplotlib axes
    ds : xarray.Dataset
        A transfer-function container (:mod:`geoexplore.mt.tfdata`).
    fold_phase : bool
        Show phase_yx + 180 deg (and phase_xy - 180 if in the third quadrant) so both curves
        share the first quadrant; the raw phases are never changed in the data.
    """
    from geoexplore.mt.tfdata import apparent_resistivity, phase_deg

    per = ds["period_s"].values
    z = ds["z"].values
    ze = ds["z_err"].values
    for (i, j), lab, col in (((0, 1), "xy", "tab:blue"), ((1, 0), "yx", "tab:red")):
        zz, ee = z[:, i, j], ze[:, i, j]
        rho = apparent_resistivity(zz, per)
        with np.errstate(invalid="ignore", divide="ignore"):
            drho = 2 * rho * ee / np.abs(zz)
            dphi = np.degrees(np.arcsin(np.clip(ee / np.abs(zz), 0, 1)))
        ph = phase_deg(zz)
        if fold_phase:
            ph = np.where(ph < -90, ph + 180, ph)
            ph = np.where(ph > 90, ph - 180, ph)
        axes[0].errorbar(per, rho, yerr=np.nan_to_num(drho), fmt="o", ms=3, color=col, label=f"rho_{lab}", capsize=0)
        axes[1].errorbar(per, ph, yerr=np.nan_to_num(dphi), fmt="o", ms=3, color=col, label=f"phi_{lab}", capsize=0)
    axes[0].set_xscale("log")
    axes[0].set_yscale("log")
    axes[0].set_ylabel("apparent resistivity (ohm-m)")
    axes[1].set_ylabel("phase (deg, folded)" if fold_phase else "phase (deg)")
    axes[1].set_xlabel("period (s)")
    axes[1].set_ylim(-10, 100)
    axes[0].legend(loc="best")
    axes[0].set_title(f"station {ds.attrs.get('station', '')}", fontsize=10)
    if int(ds.attrs.get("synthetic", 0) or 0):
        synthetic_stamp(axes[1])


def plot_tf(ds: Any, path: str | Path | None = None, *, fold_phase: bool = True) -> Any:
    """The ``mt.tf`` figure: apparent resistivity and phase (xy, yx) of estimated transfer functions (:func:`draw_tf`)."""
    with figure_style():
        fig, axes = new_figure(2, 1, figsize=(5.5, 6), sharex=True, layout="constrained", height_ratios=[3, 2])
        draw_tf(axes, ds, fold_phase=fold_phase)
        if path is not None:
            fig.savefig(path)  # the canvas trims the log ticks (viz.canvas)
    return fig


def draw_curves(axes: Any, tf: Any) -> None:
    """Apparent resistivity and phase (xy, yx folded +180 deg, determinant) with error bars into two axes."""
    from geoexplore.mt.analysis import rho_phase

    rp = rho_phase(tf)
    T = rp["period_s"].values
    for (o, i), lab, col, add in ((("ex", "hy"), "xy", "C0", 0.0), (("ey", "hx"), "yx (+180°)", "C3", 180.0)):
        r = rp["rho_a_ohm_m"].sel(out=o, **{"in": i}).values
        re = rp["rho_a_err_ohm_m"].sel(out=o, **{"in": i}).values
        p = rp["phase_deg"].sel(out=o, **{"in": i}).values + add
        pe = rp["phase_err_deg"].sel(out=o, **{"in": i}).values
        axes[0].errorbar(T, r, yerr=np.nan_to_num(re), fmt="o", ms=3, color=col, label=lab, capsize=1.5)
        axes[1].errorbar(T, np.mod(p + 180, 360) - 180, yerr=np.nan_to_num(pe), fmt="o", ms=3, color=col, capsize=1.5)
    axes[0].plot(T, rp["rho_det_ohm_m"], "k-", lw=1, label="det")
    axes[1].plot(T, rp["phase_det_deg"], "k-", lw=1)
    axes[0].set(xscale="log", yscale="log", ylabel="apparent resistivity (Ω·m)",
                title=f"station {tf.attrs.get('station', '')}")
    axes[1].set(xscale="log", ylabel="phase (deg)", xlabel="period (s)", ylim=(0, 90))
    axes[0].legend(loc="best")
    _stamp(tf, axes[1])


def plot_curves(tf: Any, path: str | Path | None = None) -> Any:
    """Apparent resistivity and phase (xy, yx folded +180 deg, determinant) with error bars."""
    with figure_style():
        fig, axes = _fig(2, 1, figsize=(5, 6), sharex=True)
        draw_curves(axes, tf)
    return _save(fig, path)


def plot_station_result(result: Any, path: str | Path | None = None) -> Any:
    """The ``mt.analyse`` figure: curves plus phase-tensor skew and ellipticity."""
    tf, pt = result["tf"], result["phase_tensor"]
    with figure_style():
        fig, ax = _fig(3, 1, figsize=(5, 8), sharex=True, gridspec_kw={"height_ratios": [2, 1.3, 1]})
        draw_curves(ax[:2], tf)
        T = pt["period_s"].values
        ax[2].plot(T, pt["beta_deg"], "o-", ms=3, label="skew β (deg)")
        ax[2].plot(T, 10 * pt["ellipticity"], "s-", ms=3, label="10 × ellipticity")
        ax[2].axhline(pt.attrs.get("skew_max_deg", 3.0), color="0.5", lw=0.8, ls="--")
        ax[2].axhline(-pt.attrs.get("skew_max_deg", 3.0), color="0.5", lw=0.8, ls="--")
        ax[2].set(xscale="log", xlabel="period (s)", ylabel="phase tensor")
        ax[2].legend(loc="best")
        ax[1].set_xlabel("")
    return _save(fig, path)


def plot_model1d(result: Any, path: str | Path | None = None) -> Any:
    """A 1D Occam model (step curve, DOI marked) and its data fit; excluded data drawn as red crosses.

    The title gives the RMS against the target and the status (``converged``,
    ``stalled``, ``iteration limit``) when the result carries them.
    """
    with figure_style():
        fig, ax = _fig(1, 3, figsize=(10, 4))
        top = result["top_m"].values
        rho = result["resistivity_ohm_m"].values
        z = np.r_[np.maximum(top, 1.0), top[-1] * 2]
        ax[0].step(np.r_[rho, rho[-1]], z, where="pre", color="k")
        doi = float(result.attrs.get("doi_m", np.nan))
        if np.isfinite(doi):
            ax[0].axhline(doi, color="C3", ls="--", lw=1, label=f"DOI {doi / 1000:.1f} km")
            ax[0].legend(loc="lower left")
        rms = float(result.attrs.get("rms", np.nan))
        title = f"{result.attrs.get('station', '')} Occam 1D, RMS {rms:.2f}"
        if "target_rms" in result.attrs:
            title += f" (target {float(result.attrs['target_rms']):g})"
        ax[0].set(xscale="log", yscale="log", xlabel="resistivity (Ω·m)", ylabel="depth (m)", title=title)
        if result.attrs.get("status"):
            ax[0].text(0.02, 0.02 if not np.isfinite(doi) else 0.14, str(result.attrs["status"]),
                       transform=ax[0].transAxes, fontsize=8, color="C3" if not int(result.attrs.get("reached", 1)) else "k")
        ax[0].invert_yaxis()
        T = result["period_s"].values
        n = T.size
        used_r = result["used_rho"].values > 0 if "used_rho" in result else np.ones(n, bool)
        used_p = result["used_phase"].values > 0 if "used_phase" in result else np.ones(n, bool)
        for a, v, err, used, lab in ((ax[1], "rho_obs_ohm_m", "rho_err_ohm_m", used_r, "observed"),
                                     (ax[2], "phase_obs_deg", "phase_err_deg", used_p, None)):
            obs, e = result[v].values, result[err].values
            a.errorbar(T[used], obs[used], yerr=e[used], fmt="o", ms=3, label=lab)
            if not used.all():
                a.plot(T[~used], obs[~used], "x", color="C3", ms=7, mew=2, label="excluded" if lab else None)
        ax[1].plot(T, result["rho_pred_ohm_m"], "k-", label="model")
        ax[1].set(xscale="log", yscale="log", xlabel="period (s)", ylabel="apparent resistivity (Ω·m)")
        ax[1].legend()
        ax[2].plot(T, result["phase_pred_deg"], "k-")
        ax[2].set(xscale="log", xlabel="period (s)", ylabel="phase (deg)")
        _stamp(result, ax[0])
        from geoexplore.viz.ticks import trim_log_ticks

        trim_log_ticks(fig)  # before tight_layout, which makes the ticks
        tight_layout(fig)
    return _save(fig, path)


def plot_pseudosection(tfs: list[Any], path: str | Path | None = None, *, strike_deg: float = 0.0) -> Any:
    """Apparent resistivity and phase pseudosections (TE = Zxy, TM = Zyx in the frame rotated to ``strike_deg``)."""
    from matplotlib.colors import LogNorm

    from geoexplore.mt.analysis import rotate_tf

    tfs = sorted(tfs, key=lambda d: float(d.attrs["chainage_m"]))
    x = np.array([float(d.attrs["chainage_m"]) for d in tfs]) / 1000.0
    T = tfs[0]["period_s"].values
    with figure_style():
        fig, ax = _fig(2, 2, figsize=(11, 6), sharex=True, sharey=True)
        for col, (mode, (a, b), add) in enumerate((("TE (Zxy)", (0, 1), 0.0), ("TM (Zyx, +180°)", (1, 0), 180.0))):
            R = np.full((T.size, x.size), np.nan)
            P = np.full((T.size, x.size), np.nan)
            for k, d in enumerate(tfs):
                r = rotate_tf(d, strike_deg - float(d.attrs.get("rotation_deg", 0.0)))
                z = r["z"].values[:, a, b]
                if z.size == T.size:
                    R[:, k] = 0.2 * T * np.abs(z) ** 2
                    P[:, k] = np.mod(np.degrees(np.angle(z)) + add + 180, 360) - 180
            m1 = ax[0, col].pcolormesh(x, T, R, norm=LogNorm(vmin=np.nanpercentile(R, 2), vmax=np.nanpercentile(R, 98)),
                                       cmap=RHO_CMAP, shading="nearest")
            m2 = ax[1, col].pcolormesh(x, T, P, vmin=0, vmax=90, cmap="cividis", shading="nearest")
            fig.colorbar(m1, ax=ax[0, col], label="ρa (Ω·m)")
            fig.colorbar(m2, ax=ax[1, col], label="phase (deg)")
            ax[0, col].set_title(f"{mode}, strike {strike_deg:.0f}°")
        for a_ in ax.ravel():
            a_.set_yscale("log")
        ax[0, 0].invert_yaxis()
        for a_ in ax[:, 0]:
            a_.set_ylabel("period (s)")
        for a_ in ax[1]:
            a_.set_xlabel("chainage (km)")
        _stamp(tfs[0], *ax[1])
    return _save(fig, path)


def plot_phase_tensor_pseudosection(pts: list[Any], path: str | Path | None = None, *, invariant: str = "phi_min_deg",
                                    cmap: str = "viridis", every: int = 1) -> Any:
    """Phase-tensor ellipses at (chainage, period), filled by ``invariant`` (e.g. phi_min_deg, beta_deg).

    Axes lengths are proportional to phi_max and phi_min, the major axis at
    the strike angle (clockwise from north; drawn in the section plane as
    clockwise from the period axis, the usual convention); normalised by
    phi_max per tensor.
    """
    import matplotlib as mpl
    from matplotlib.patches import Ellipse

    pts = sorted(pts, key=lambda d: float(d.attrs.get("chainage_m", 0.0)))
    x = np.array([float(d.attrs.get("chainage_m", k)) for k, d in enumerate(pts)]) / 1000.0
    vals = np.concatenate([d[invariant].values for d in pts])
    if invariant == "beta_deg":
        norm = mpl.colors.Normalize(-6, 6)
        cmap = "RdBu_r" if cmap == "viridis" else cmap
    else:
        norm = mpl.colors.Normalize(np.nanpercentile(vals, 2), np.nanpercentile(vals, 98))
    cm = mpl.colormaps[cmap]
    dx = np.median(np.diff(x)) if x.size > 1 else 1.0
    with figure_style():
        fig, ax = _fig(figsize=(11, 4.5))
        for xk, d in zip(x, pts):
            lt = np.log10(d["period_s"].values)[::every]
            pmax = np.tan(np.deg2rad(d["phi_max_deg"].values[::every]))
            pmin = np.tan(np.deg2rad(d["phi_min_deg"].values[::every]))
            ang = d["strike_deg"].values[::every]
            v = d[invariant].values[::every]
            for y, a, b, th, c in zip(lt, pmax, pmin, ang, v):
                if not np.isfinite(a) or a <= 0:
                    continue
                w = 0.9 * dx
                h = 0.9 * (lt[1] - lt[0] if lt.size > 1 else 0.25)
                e = Ellipse((xk, y), width=w * max(b / a, 0.05), height=h, angle=-th,
                            facecolor=cm(norm(c)), edgecolor="k", lw=0.3)
                ax.add_patch(e)
        ax.set_xlim(x.min() - dx, x.max() + dx)
        ylo = min(np.log10(d["period_s"].values).min() for d in pts)
        yhi = max(np.log10(d["period_s"].values).max() for d in pts)
        ax.set_ylim(yhi + 0.3, ylo - 0.3)
        ax.set(xlabel="chainage (km)", ylabel="log10 period (s)", title=f"phase tensors coloured by {invariant}")
        fig.colorbar(mpl.cm.ScalarMappable(norm=norm, cmap=cm), ax=ax, label=invariant)
        _stamp(pts[0], ax)
    return _save(fig, path)


def plot_section(img: Any, path: str | Path | None = None, *, faults: list[tuple[str, float, float, float]] | None = None,
                 vmin: float = 1.0, vmax: float = 3000.0) -> Any:
    """A 2D (or stitched 1D) resistivity section: log colour scale, masked where insensitive, stations on top.

    ``faults`` optionally lists (name, chainage_m, dip_deg, sign) to draw as lines.
    """
    from matplotlib.colors import LogNorm

    x = img["chainage_m"].values / 1000.0
    z = img["depth_m"].values / 1000.0
    rho = img["resistivity_ohm_m"].values
    with figure_style():
        fig, ax = _fig(figsize=(11, 4.8))
        m = ax.pcolormesh(x, z, rho, norm=LogNorm(vmin, vmax), cmap=RHO_CMAP, shading="nearest")
        if "mask" in img:
            shade = np.where(img["mask"].values, np.nan, 1.0)
            ax.pcolormesh(x, z, shade, cmap="Greys", vmin=0, vmax=2, alpha=0.55, shading="nearest")
        if "station_chainage_m" in img:
            sx = img["station_chainage_m"].values / 1000.0
            ax.plot(sx, np.zeros_like(sx), "kv", ms=5, clip_on=False)
        for name, ch, dip, sign in faults or []:
            zz = np.array([0.0, z.max()])
            ax.plot(ch / 1000.0 + sign * zz / np.tan(np.deg2rad(dip)), zz, "w--", lw=1)
            ax.text(ch / 1000.0, -0.05, name, ha="center", va="bottom", fontsize=8)
        ax.set_ylim(z.max(), 0)
        ax.set(xlabel="chainage (km)", ylabel="depth below surface (km)")
        chi = img.attrs.get("chi2")
        ttl = f"MT {img.attrs.get('modes', '')} resistivity, line {img.attrs.get('line', '')}"
        if chi is not None:
            ttl += f", χ²/N {float(chi):.2f}, {img.attrs.get('iterations', '')} iterations"
        ax.set_title(ttl)
        fig.colorbar(m, ax=ax, label="resistivity (Ω·m)")
        _stamp(img, ax)
    return _save(fig, path)
