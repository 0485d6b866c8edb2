"""Figures of estimated transfer functions (imported only by figure makers)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np


def plot_tf_result(ds: Any, path: str | Path | None = None, *, axes: Any = None, fold_phase: bool = True) -> Any:
    """Apparent resistivity and phase (xy, yx) with error bars against period.

    Parameters
    ----------
    ds : xarray.Dataset
        A transfer-function container (:mod:`geoexplore.mt.tfdata`).
    path : path-like, optional
        Save the figure here.
    axes : pair of matplotlib axes, optional
    fold_phase : bool
        Show phase_yx + 180 deg (and phase_xy - 180 if in the third quadrant) so both curves
        share the first quadrant; the raw phases are never changed in the data.
    """
    from geoexplore.mt.tfdata import apparent_resistivity, phase_deg
    from geoexplore.viz.figure import new_figure
    from geoexplore.viz.style import figure_style, synthetic_stamp

    per = ds["period_s"].values
    z = ds["z"].values
    ze = ds["z_err"].values
    with figure_style():
        if axes is None:
            fig, axes = new_figure(2, 1, figsize=(5.5, 6), sharex=True, layout="constrained", height_ratios=[3, 2])
        else:
            fig = axes[0].figure
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
        if path is not None:
            fig.savefig(path)
    return fig
