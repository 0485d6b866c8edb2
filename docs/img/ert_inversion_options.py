"""Draws the figures of the inversion options in docs/ert.md (real files in the shared data folder).

* ``ert-convergence.png``: lake.ohm, chi2 and lambda per iteration with ``lambda_control`` auto and fixed;
* ``ert-norms.png``: slagdump.ohm, L2 and blocky (``model_norm: L1``) sections;
* ``ert-ip.png``: res2dinv-ipgeneral.dat, the IP section with its DOI mask;
* ``ert-borehole.png``: the SYNTHETIC Siping survey around F3 without and with the borehole log of
  the model's column (the slow test ``test_siping_borehole_constraint_recovers_fault_zone_contrast``).

Run from the repository root: ``python docs/img/ert_inversion_options.py [name ...]`` (several
minutes: seven pyGIMLi inversions). ``GEOEXPLORE_SHARED_DATA`` names the shared data folder.
"""

from __future__ import annotations

import os
from pathlib import Path

HERE = Path(__file__).parent
SHARED = Path(os.environ.get("GEOEXPLORE_SHARED_DATA", HERE.parents[2] / "shared" / "data"))


def _data(name: str):
    from geoexplore.ert import io
    from geoexplore.ert.qc import quality_control

    return quality_control(io.read(SHARED / "ert" / name))[0]


def convergence() -> None:
    from geoexplore.ert.inversion import invert_resistivity
    from geoexplore.ert.settings import InversionSettings
    from geoexplore.viz.figure import new_figure

    data = _data("lake.ohm")
    fig, ax = new_figure(1, 1, figsize=(6.5, 3.6))
    ax.axhspan(0.8, 1.2, color="0.88", label="target band 1 +- 0.2")
    for mode, style in (("fixed", "s--"), ("auto", "o-")):
        res = invert_resistivity(data, InversionSettings(doi=False, lambda_control=mode))
        rows = res.iteration_table
        ax.semilogy([r["iteration"] for r in rows], [r["chi2"] for r in rows], style,
                    label=f"{mode}: final chi2 {res.chi2:.2f} ({res.stop_reason})")
    ax.set_xlabel("iteration")
    ax.set_ylabel("chi2")
    ax.set_title("lake.ohm: auto cuts the overshooting step back onto the target", fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(HERE / "ert-convergence.png", dpi=110)


def norms() -> None:
    from geoexplore.ert.inversion import invert_resistivity
    from geoexplore.ert.plot import draw_section
    from geoexplore.ert.settings import InversionSettings
    from geoexplore.viz.figure import new_figure

    data = _data("slagdump.ohm")
    fig, axs = new_figure(2, 1, figsize=(8, 6.4))
    for ax, norm in zip(axs, ("L2", "L1")):
        res = invert_resistivity(data, InversionSettings(model_norm=norm))
        draw_section(ax, res.to_image(line="slagdump"))
        ax.set_title(f"slagdump.ohm, model_norm {norm}: chi2 {res.chi2:.2f}")
    fig.tight_layout()
    fig.savefig(HERE / "ert-norms.png", dpi=110)


def ip() -> None:
    from geoexplore.ert.inversion import invert_resistivity
    from geoexplore.ert.plot import plot_ip_section
    from geoexplore.ert.settings import InversionSettings

    res = invert_resistivity(_data("instruments/res2dinv-ipgeneral.dat"), InversionSettings(ip={"invert": "auto"}))
    fig = plot_ip_section(res)
    fig.savefig(HERE / "ert-ip.png", dpi=110)


def borehole() -> None:
    import numpy as np

    from geoexplore.core.geomodel import load_model
    from geoexplore.ert import io
    from geoexplore.ert.data import merge
    from geoexplore.ert.inversion import invert_resistivity
    from geoexplore.ert.plot import draw_section, log_norm
    from geoexplore.ert.qc import quality_control
    from geoexplore.ert.settings import InversionSettings, QCSettings
    from geoexplore.ert.synth import CHAINAGE0_M
    from geoexplore.viz.figure import new_figure

    siping = HERE.parents[1] / "data" / "siping"
    model = load_model(siping / "model.yaml")
    data = quality_control(merge([io.read(p) for p in sorted((siping / "ert").glob("*.dat"))]),
                           QCSettings(default_current_a=0.5))[0]
    f3 = model.fault("F3")
    x_b = float(np.round((float(f3.position(30.0)) - CHAINAGE0_M) / 10.0) * 10.0)
    tops = np.arange(0.0, 60.0, 2.5)
    log = {"x_m": x_b, "top_m": tops.tolist(), "bottom_m": (tops + 2.5).tolist(),
           "resistivity_ohm_m": np.asarray(model.sample("resistivity_ohm_m", x_b + CHAINAGE0_M, tops + 1.25), float).tolist(),
           "uncertainty_log10": 0.05}
    base = dict(para_dx=0.5, para_max_cell_size_m2=400.0, para_depth_m=150.0, doi=False)
    fig, axs = new_figure(2, 1, figsize=(8, 6.6))
    z = np.linspace(0.0, 80.0, 17)
    for ax, (title, cons) in zip(axs, (("without the log", {}), ("with the log (the default reach rule)", {"boreholes": [log]}))):
        res = invert_resistivity(data, InversionSettings(**base, constraints=cons))
        draw_section(ax, res.to_image(line="shallow", synthetic=True), norm=log_norm(np.array([10.0, 300.0])), elevation=False)
        ax.plot([float(f3.position(d)) - CHAINAGE0_M for d in z], z, "k--", lw=1.0, label="F3 in the model")
        ax.axvline(x_b, color="m", lw=1.2, label="borehole")
        ax.set_xlim(x_b - 150.0, x_b + 150.0)
        ax.set_ylim(80.0, 0.0)
        ax.set_title(f"SYNTHETIC Siping ERT {title}: chi2 {res.chi2:.2f}", fontsize=9)
        ax.legend(fontsize=7, loc="lower left")
    fig.tight_layout()
    fig.savefig(HERE / "ert-borehole.png", dpi=110)


if __name__ == "__main__":
    import sys

    for name in sys.argv[1:] or ["ip", "norms", "convergence", "borehole"]:
        globals()[name]()
