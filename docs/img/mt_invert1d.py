"""Draws docs/img/mt-invert1d-*.png: the options of ``geoexplore mt invert1d`` on synthetic and real data.

Run from the repository root: ``python docs/img/mt_invert1d.py`` (needs mt_metadata for the real file).
Synthetic: the analytic 1D response of a 3-layer earth (100 / 10 / 1000 ohm-m, tops 500 m and 2000 m),
2 % noise with honest errors, no floors, as in tests/mt/test_occam.py.
"""

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from geoexplore.mt.analysis import apply_static_shift
from geoexplore.mt.forward1d import noisy_mt1d_tf
from geoexplore.mt.invert1d import data_from_tf, invert_station, occam1d
from geoexplore.mt.settings import Invert1DSettings

HERE = Path(__file__).parent
RHO, H, T = [100.0, 10.0, 1000.0], [500.0, 1500.0], np.logspace(-3, 3, 31)


def noisy(rel=0.02, seed=0):
    return noisy_mt1d_tf(RHO, H, T, rel=rel, seed=seed, station="SYN", synthetic=1)


def truth(ax):
    z = np.r_[1.0, 500, 500, 2000, 2000, 3e5]
    ax.plot([100, 100, 10, 10, 1000, 1000], z, color="0.6", lw=3, label="true (synthetic)")


def steps(ax, res, **kw):
    top = np.maximum(res.top_m, 1.0)
    ax.step(np.r_[res.resistivity_ohm_m, res.resistivity_ohm_m[-1]], np.r_[top, top[-1] * 2], where="pre", **kw)


def fig_targets():
    fig = Figure(figsize=(5, 5))
    ax = fig.add_subplot()
    truth(ax)
    data = data_from_tf(noisy(), floor_rho=0.0, floor_phase_deg=0.0)
    for tgt, c in ((1.0, "k"), (1.5, "C0"), (2.5, "C1")):
        r = occam1d(data, target_rms=tgt)
        steps(ax, r, color=c, label=f"target {tgt:g}: RMS {r.rms:.2f}")
    ax.set(xscale="log", yscale="log", xlabel="resistivity (ohm-m)", ylabel="depth (m)", ylim=(2e5, 5),
           title="--target-rms: the smoothest model at each RMS")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(HERE / "mt-invert1d-target.png", dpi=110)


def fig_hygiene():
    ds = noisy(seed=0)
    z = ds["z"].values
    for k, ph in ((8, -85.0), (20, -75.0)):
        for a, b, s in ((0, 1, 1), (1, 0, -1)):
            z[k, a, b] = s * np.abs(z[k, a, b]) * np.exp(1j * np.deg2rad(ph))
    z[14] *= np.sqrt(10.0)
    base = dict(floor_rho=0.0, floor_phase_deg=0.0)
    clean = invert_station(ds, Invert1DSettings(**base))
    raw = invert_station(ds, Invert1DSettings(drop_out_of_quadrant=False, outlier_mad=0, **base))
    fig = Figure(figsize=(11, 4))
    ax = fig.subplots(1, 3)
    d = clean.to_dataset()
    used = (d["used_rho"].values > 0) & (d["used_phase"].values > 0)
    for a_, v in ((ax[0], "rho"), (ax[1], "phase")):
        obs = d[f"{v}_obs_ohm_m" if v == "rho" else "phase_obs_deg"].values
        a_.plot(T[used], obs[used], "o", ms=4, color="k", label="used")
        a_.plot(T[~used], obs[~used], "x", ms=9, mew=2, color="C3", label="excluded")
        a_.plot(T, d[f"{v}_pred_ohm_m" if v == "rho" else "phase_pred_deg"], "C0-", label=f"fit, RMS {clean.rms:.2f}")
        r_ = raw.to_dataset()
        a_.plot(T, r_[f"{v}_pred_ohm_m" if v == "rho" else "phase_pred_deg"], "C1--", label=f"no hygiene, RMS {raw.rms:.1f}")
        a_.set(xscale="log", xlabel="period (s)")
    ax[0].set(yscale="log", ylabel="apparent resistivity (ohm-m)", title="planted outliers (synthetic)")
    ax[1].set(ylabel="phase (deg)")
    ax[0].legend(fontsize=7)
    truth(ax[2])
    steps(ax[2], clean, color="C0", label="with hygiene")
    steps(ax[2], raw, color="C1", ls="--", label="without")
    ax[2].set(xscale="log", yscale="log", ylim=(2e5, 5), xlabel="resistivity (ohm-m)", ylabel="depth (m)")
    ax[2].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(HERE / "mt-invert1d-hygiene.png", dpi=110)


def fig_static_and_doi():
    shifted = apply_static_shift(noisy(rel=0.01, seed=11), 1 / 3.0, 1 / 0.5)
    base = dict(floor_rho=0.0, floor_phase_deg=0.0, mode="xy")
    raw = invert_station(shifted, Invert1DSettings(**base))
    ref = invert_station(shifted, Invert1DSettings(static_shift="reference", reference_ohm_m=[100.0],
                                                   reference_depth_m=300.0, **base))
    fig = Figure(figsize=(9, 4.5))
    ax = fig.subplots(1, 2)
    truth(ax[0])
    steps(ax[0], raw, color="C1", label="Zxy shifted x3, uncorrected")
    steps(ax[0], ref, color="C0", label="corrected to 100 ohm-m (TEM/ERT, to 300 m)")
    ax[0].set(xscale="log", yscale="log", ylim=(2e5, 5), xlabel="resistivity (ohm-m)", ylabel="depth (m)",
              title="--static-shift reference")
    ax[0].legend(fontsize=7)
    for per, c in ((1e3, "C0"), (1.0, "C2")):
        ds = noisy(seed=6).sel(period_s=slice(None, per * 1.01))
        r = invert_station(ds, Invert1DSettings(floor_rho=0.0, floor_phase_deg=0.0))
        ax[1].step(np.r_[r.resolution, r.resolution[-1]], np.r_[np.maximum(r.top_m, 1.0), r.top_m[-1] * 2],
                   where="pre", color=c, label=f"T <= {per:g} s: DOI {r.doi_m / 1000:.1f} km")
        ax[1].axhline(r.doi_m, color=c, ls="--", lw=1)
    ax[1].set(yscale="log", ylim=(2e5, 5), xlabel="diagonal of the Occam resolution matrix", ylabel="depth (m)",
              title="DOI: 90 % of the resolved parameters above it")
    ax[1].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(HERE / "mt-invert1d-static-doi.png", dpi=110)


if __name__ == "__main__":
    fig_targets()
    fig_hygiene()
    fig_static_and_doi()
