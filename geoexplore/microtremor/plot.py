"""Figures of microtremor results (imported by nobody that computes).

One naming scheme: ``plot_<noun>(data, path=None) -> Figure`` makes a whole
figure (saved when ``path`` is given); ``draw_<noun>(ax, data)`` draws one
panel on a given matplotlib axes. The figure functions take what the steps
store (an ``xarray.Dataset``) or the result object of the front door.
Old names (``plot_hvsr_dataset``, ``plot_profile_dataset``,
``plot_array_dataset``) are kept for one release.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["draw_dispersion", "draw_f0_profile", "draw_hv_windows", "draw_sesame_table", "draw_spac", "draw_thickness_profile",
           "draw_vs_profile", "plot_array", "plot_hvsr", "plot_thickness_profile"]


def _finish(fig: Any, ax_list: list, synthetic: bool, path: str | Path | None) -> Any:
    from geoexplore.viz.figure import save_tight
    from geoexplore.viz.style import synthetic_stamp

    if synthetic:
        for ax in ax_list:
            synthetic_stamp(ax)
    if path is not None:
        save_tight(fig, path)  # savefig(bbox_inches="tight") in one draw instead of two
    return fig


def _dataset(obj: Any) -> Any:
    """The stored dataset of a result object (``to_dataset()`` or ``.dataset``), or the dataset itself."""
    if hasattr(obj, "to_dataset") and not hasattr(obj, "data_vars"):
        return obj.to_dataset()
    return getattr(obj, "dataset", obj)


def plot_hvsr(ds: Any, path: str | Path | None = None) -> Any:
    """H/V curves of the windows (grey kept, red rejected), the median with +-1 sigma, the f0 band, and the SESAME table.

    ``ds``: the ``microtremor.hvsr`` dataset or an :class:`~geoexplore.microtremor.process.HvsrResult`.
    """
    from geoexplore.viz.figure import new_figure
    from geoexplore.viz.style import figure_style

    ds = _dataset(ds)
    with figure_style():
        fig, (ax, axt) = new_figure(1, 2, figsize=(11, 4), gridspec_kw={"width_ratios": [1.2, 1]})
        draw_hv_windows(ax, ds)
        draw_sesame_table(axt, ds)
        return _finish(fig, [ax], bool(ds.attrs.get("synthetic", 0)), path)


def draw_hv_windows(ax: Any, ds: Any) -> None:
    """Window H/V curves, lognormal median x/ exp(sigma_ln) and f0 (Hz) on log-frequency axes."""
    from matplotlib.collections import LineCollection
    from matplotlib.ticker import LogLocator, NullFormatter, ScalarFormatter

    f = ds["frequency_hz"].values
    hv = ds["hv"].values
    keep = ds["keep"].values.astype(bool)
    ok = np.all(np.isfinite(hv), axis=1)
    for sel, col, lab in ((ok & keep, "0.75", "kept windows"), (ok & ~keep, "#d08080", "rejected windows")):
        if sel.any():
            segs = np.stack([np.broadcast_to(f, hv[sel].shape), hv[sel]], axis=-1)
            ax.add_collection(LineCollection(segs, colors=col, linewidths=0.5, label=lab))
    med, sig = ds["median"].values, ds["sigma_ln"].values
    ax.plot(f, med, "k", lw=1.8, label="lognormal median")
    ax.plot(f, med * np.exp(sig), "k--", lw=0.8, label="median x/ exp(sigma_ln)")
    ax.plot(f, med / np.exp(sig), "k--", lw=0.8)
    f0w, s = ds.attrs["f0_windows_hz"], ds.attrs["f0_windows_sigma_ln"]
    ax.axvspan(f0w * np.exp(-s), f0w * np.exp(s), color="tab:blue", alpha=0.15, label="f0 windows +- 1 sigma")
    ax.axvline(ds.attrs["f0_hz"], color="tab:blue", lw=1, label=f"f0 = {ds.attrs['f0_hz']:.3f} Hz")
    ax.set_xscale("log")
    ax.set_xlim(f[0], f[-1])
    ax.set_ylim(0, np.nanpercentile(hv[ok], 99.5) * 1.1 if ok.any() else 5)
    ax.xaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
    ax.xaxis.set_major_formatter(ScalarFormatter())
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("frequency (Hz)")
    ax.set_ylabel("H/V amplitude")
    ax.set_title(f"{ds.attrs.get('station', '')}: {int(keep.sum())} of {keep.size} windows")
    ax.legend(loc="upper right", fontsize=7)


def draw_sesame_table(ax: Any, ds: Any) -> None:
    """The SESAME (2004) reliability and clarity criteria as a table (value, threshold, pass/FAIL)."""
    ax.axis("off")
    ses = json.loads(ds.attrs["sesame_json"])
    rows = [[c["name"], f"{c['value']:.3g}", f"{c['relation']} {c['threshold']:.3g}", "pass" if c["passed"] else "FAIL"]
            for c in ses["reliability"] + ses["clarity"]]
    t = ax.table(cellText=rows, colLabels=["SESAME criterion", "value", "threshold", ""], loc="center", cellLoc="left",
                 colWidths=[0.62, 0.14, 0.16, 0.1])
    t.auto_set_font_size(False)
    t.set_fontsize(6.5)
    t.scale(1, 1.3)
    ax.set_title(f"reliability {ses['n_reliability']}/3, clarity {ses['n_clarity']}/6")


def plot_thickness_profile(ds: Any, path: str | Path | None = None, faults: dict[str, float] | None = None) -> Any:
    """f0 (Hz) and sediment thickness (m) along the profile (with errors; unreliable stations hollow).

    ``ds``: the ``microtremor.thickness`` dataset; ``faults``: name -> chainage (m) drawn as lines.
    """
    from geoexplore.viz.figure import new_figure
    from geoexplore.viz.style import figure_style

    with figure_style():
        fig, (a1, a2) = new_figure(2, 1, figsize=(8, 5), sharex=True)
        draw_f0_profile(a1, ds)
        draw_thickness_profile(a2, ds)
        if "step_chainage_m" in ds.attrs:
            a1.axvline(ds.attrs["step_chainage_m"], color="k", lw=0.8, ls="--")
        for name, xf in (faults or {}).items():
            for a in (a1, a2):
                a.axvline(xf, color="r", lw=0.8, ls=":")
            a1.text(xf, a1.get_ylim()[1], name, color="r", ha="center", va="bottom", fontsize=8)
        return _finish(fig, [a1, a2], bool(ds.attrs.get("synthetic", 0)), path)


def draw_f0_profile(ax: Any, ds: Any) -> None:
    """f0 (Hz) per station along the chainage with its lognormal error; SESAME-unreliable stations hollow."""
    x = ds["chainage_m"].values
    f0, s = ds["f0_hz"].values, ds["f0_sigma_ln"].values
    rel = ds["reliable"].values.astype(bool)
    ax.errorbar(x, f0, yerr=[f0 - f0 * np.exp(-s), f0 * np.exp(s) - f0], fmt="none", ecolor="0.6", lw=0.8)
    ax.plot(x[rel], f0[rel], "o", color="tab:blue", ms=4, label="SESAME reliable")
    ax.plot(x[~rel], f0[~rel], "o", mfc="none", color="tab:blue", ms=4, label="not reliable")
    ax.set_ylabel("f0 (Hz)")
    ax.legend(fontsize=7)


def draw_thickness_profile(ax: Any, ds: Any) -> None:
    """Sediment thickness (m, downwards) along the chainage with errors and the fitted step, if any."""
    x = ds["chainage_m"].values
    h, he = ds["thickness_m"].values, ds["thickness_err_m"].values
    ax.errorbar(x, h, yerr=he, fmt="s-", color="tab:brown", ms=3, lw=1)
    ax.invert_yaxis()
    ax.set_ylabel("sediment thickness (m)")
    ax.set_xlabel("chainage (m)")
    ax.set_title(ds.attrs.get("thickness_method", ""), fontsize=8)
    if "step_chainage_m" in ds.attrs:
        ax.axvline(ds.attrs["step_chainage_m"], color="k", lw=0.8, ls="--")
        ax.text(ds.attrs["step_chainage_m"], np.nanmin(h), f" fitted step {ds.attrs['step_thickness_m']:+.0f} m",
                fontsize=7, va="top")


def plot_array(ds: Any, path: str | Path | None = None) -> Any:
    """SPAC curves per ring; dispersion (MSPAC, FK inside and outside the array's valid band, its kmin/kmax limits,
    the best model); the Vs profile ensemble (16-84 % and 2.5-97.5 %) with Vs30 and the depth to the half-space.

    ``ds``: the ``microtremor.array`` dataset or an :class:`~geoexplore.microtremor.arrays.ArrayResult`.
    """
    from geoexplore.viz.figure import new_figure
    from geoexplore.viz.style import figure_style

    ds = _dataset(ds)
    with figure_style():
        fig, (a0, a1, a2) = new_figure(1, 3, figsize=(13, 4.3))
        draw_spac(a0, ds)
        draw_dispersion(a1, ds)
        draw_vs_profile(a2, ds)
        return _finish(fig, [a0, a1, a2], bool(ds.attrs.get("synthetic", 0)), path)


def draw_spac(ax: Any, ds: Any) -> None:
    """SPAC coefficient per ring radius (m) against frequency (Hz)."""
    f = ds["frequency_hz"].values
    for k, r in enumerate(ds["ring_m"].values):
        ax.plot(f, ds["spac"].values[k], lw=1, label=f"r = {r:.0f} m")
    ax.set_xscale("log")
    ax.set_xlabel("frequency (Hz)")
    ax.set_ylabel("SPAC coefficient")
    ax.legend(fontsize=6)


def draw_dispersion(ax: Any, ds: Any) -> None:
    """Rayleigh phase velocity (m/s): MSPAC and FK (valid and outside the band), their combination, the array's k
    limits, the best model."""
    f = ds["frequency_hz"].values
    c = ds["phase_velocity_m_s"].values
    sv = ds["spac_valid"].values.astype(bool) if "spac_valid" in ds else np.isfinite(c)
    ax.errorbar(f[sv], c[sv], yerr=ds["phase_velocity_err_m_s"].values[sv], fmt="o", ms=3, capsize=2, label="MSPAC, valid")
    if (~sv & np.isfinite(c)).any():
        ax.plot(f[~sv], c[~sv], "o", ms=3, mfc="none", color="tab:blue", alpha=0.6, label="MSPAC outside the array's band")
    inside = c[sv] if sv.any() else c
    top = np.nanmax(inside) * 1.5 if np.isfinite(inside).any() else 1000.0
    if "combined_phase_velocity_m_s" in ds:
        ax.plot(f, ds["combined_phase_velocity_m_s"].values, "-", color="tab:orange", lw=1.2,
                label="combined (inverse-variance, inverted)")
    if "fk_phase_velocity_m_s" in ds:
        cf, ef = ds["fk_phase_velocity_m_s"].values, ds["fk_phase_velocity_err_m_s"].values
        v = ds["fk_valid"].values.astype(bool) if "fk_valid" in ds else np.isfinite(cf)
        ax.errorbar(f[v], cf[v], yerr=ef[v], fmt="s", ms=3, capsize=2, color="tab:green", label=f"FK ({ds.attrs.get('fk_method', '')}), valid")
        ax.plot(f[~v], cf[~v], "s", ms=3, mfc="none", color="tab:green", alpha=0.6, label="FK outside the array's band")
        if "fk_edge" in ds and ds["fk_edge"].values.any():
            ax.plot([], [], " ", label=f"{int(ds['fk_edge'].values.sum())} FK peaks at the grid edge refused")
    if "kmax_rad_m" in ds.attrs:
        kl = ds.attrs["kmin_rad_m"] * ds.attrs.get("fk_kmin_factor", 0.5)
        fl = np.geomspace(f[0], f[-1], 100)
        ax.plot(fl, 2 * np.pi * fl / kl, "k--", lw=0.8, label=f"resolution limit k = {kl:.3f} rad/m")
        ax.plot(fl, 2 * np.pi * fl / ds.attrs["kmax_rad_m"], "k:", lw=0.8, label=f"aliasing limit kmax = {ds.attrs['kmax_rad_m']:.3f} rad/m")
        ax.fill_between(fl, 2 * np.pi * fl / kl, top, color="0.9", zorder=0)
        ax.fill_between(fl, 0, 2 * np.pi * fl / ds.attrs["kmax_rad_m"], color="0.9", zorder=0)
    ax.plot(f, ds["phase_velocity_best_m_s"].values, "k-", label=f"best model (misfit {ds.attrs.get('misfit', np.nan):.2f})")
    ax.set_xscale("log")
    ax.set_xlim(f[0], f[-1])
    ax.set_ylim(0, top)
    ax.set_xlabel("frequency (Hz)")
    ax.set_ylabel("Rayleigh phase velocity (m/s)")
    ax.legend(fontsize=6, loc="upper right")


def draw_vs_profile(ax: Any, ds: Any) -> None:
    """Vs (m/s) against depth (m): the ensemble percentiles, the best model, Vs30 and the depth to the half-space."""
    z = ds["depth_m"].values
    if "vs_p2_5_m_s" in ds:
        ax.fill_betweenx(z, ds["vs_p2_5_m_s"].values, ds["vs_p97_5_m_s"].values, color="0.88", label="ensemble 2.5-97.5 %")
    ax.fill_betweenx(z, ds["vs_p16_m_s"].values, ds["vs_p84_m_s"].values, color="0.7", label="ensemble 16-84 %")
    ax.plot(ds["vs_p50_m_s"].values, z, color="tab:blue", lw=1, label="ensemble median")
    ax.plot(ds["vs_best_m_s"].values, z, "k", lw=1.5, label="best")
    at = ds.attrs
    if "halfspace_depth_min_m" in at:
        ax.axhspan(at["halfspace_depth_min_m"], at["halfspace_depth_max_m"], color="tab:red", alpha=0.08)
        ax.axhline(at["halfspace_depth_m"], color="tab:red", lw=1, ls="--", label="depth to the half-space (median, range)")
        title = (f"Vs30 {at['vs30_m_s']:.0f} m/s (16-84 %: {at['vs30_p16_m_s']:.0f}-{at['vs30_p84_m_s']:.0f}, "
                 f"range {at['vs30_min_m_s']:.0f}-{at['vs30_max_m_s']:.0f})\nhalf-space at {at['halfspace_depth_m']:.0f} m "
                 f"(range {at['halfspace_depth_min_m']:.0f}-{at['halfspace_depth_max_m']:.0f}); "
                 f"{at.get('n_models', 0)} models with misfit <= {at.get('misfit_threshold', np.nan):.2f}")
    else:
        title = (f"Vs30 = {at['vs30_m_s']:.0f} +- {at['vs30_err_m_s']:.0f} m/s; "
                 f"half-space at {at['halfspace_depth_m']:.0f} +- {at['halfspace_depth_err_m']:.0f} m")
    ax.invert_yaxis()
    ax.set_xlabel("Vs (m/s)")
    ax.set_ylabel("depth (m)")
    ax.set_title(title, fontsize=7)
    ax.legend(fontsize=6, loc="upper right")


#: names of earlier releases (one release)
plot_hvsr_dataset = plot_hvsr
plot_profile_dataset = plot_thickness_profile
plot_array_dataset = plot_array
