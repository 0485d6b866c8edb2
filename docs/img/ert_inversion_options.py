"""Draws the figures of the inversion options in docs/ert.md (real files in the shared data folder).

* ``ert-convergence.png``: lake.ohm, chi2 and lambda per iteration with ``lambda_control`` auto and fixed;
* ``ert-norms.png``: slagdump.ohm, L2 and blocky (``model_norm: L1``) sections;
* ``ert-ip.png``: res2dinv-ipgeneral.dat, the IP section with its DOI mask.

Run from the repository root: ``python docs/img/ert_inversion_options.py`` (several minutes:
five pyGIMLi inversions). ``GEOEXPLORE_SHARED_DATA`` names the shared data folder.
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
    ax.set_title("lake.ohm: lambda_control auto cuts the overshooting step back onto the target")
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


if __name__ == "__main__":
    ip()
    norms()
    convergence()
