"""The SYNTHETIC Siping line: f0 per station on Dask-free steps, the thickness image, and the step at F3."""

from __future__ import annotations

import json

import numpy as np
import pytest

from geoexplore.core.images import check_image
from geoexplore.microtremor import steps
from geoexplore.pipeline.step import StepContext

HV = {"window_length_s": 30.0, "freq_min_hz": 0.2, "n_freq": 300, "smoothing_b": 25.0, "peak_freq_min_hz": 0.5,
      "peak_freq_max_hz": 1.8, "stations_file": "microtremor/stations.json", "synthetic": True}


@pytest.fixture(scope="module")
def per_station(siping_dir):
    s = steps.HvsrStepSettings.from_mapping(HV)
    out = {}
    for p in sorted((siping_dir / "microtremor").glob("hv_*.mseed")):
        ctx = StepContext("hvsr", item=p.stem, item_value=str(p), input_dir=siping_dir)
        out[p.stem] = steps.hvsr(ctx, s)
    return out


def test_station_records_are_labelled_and_complete(siping_dir, per_station):
    inv = json.loads((siping_dir / "microtremor" / "stations.json").read_text())
    assert inv["synthetic"] and len(inv["stations"]) == len(per_station) == 40
    ch = sorted(d.attrs["chainage_m"] for d in per_station.values())
    assert ch[0] >= 21000 and ch[-1] <= 23000 and np.allclose(np.diff(ch), 50.0)
    assert "SYNTHETIC" in (siping_dir / "microtremor" / "README.md").read_text()
    size = sum(p.stat().st_size for p in (siping_dir / "microtremor").rglob("*") if p.is_file())
    assert size < 6e6


def test_thickness_image_and_step_at_f3(siping_dir, siping_model, per_station):
    ctx = StepContext("microtremor", inputs={"hvsr": per_station}, input_dir=siping_dir)
    img = steps.thickness(ctx, steps.ThicknessStepSettings(method="power_law"))
    assert check_image(img) == "microtremor"
    assert img.attrs["synthetic"] == 1 and img.attrs["line"] == "shallow"
    assert np.all(img["thickness_err_m"].values > 0)
    spacing = 50.0
    # where the Quaternary base really steps (F3 dips, so at depth it lies a little west of its trace)
    x = img["chainage_m"].values
    true_base = siping_model.interface_depth("Q12", x)
    k = int(np.flatnonzero(np.diff(true_base) != 0)[0])
    true_step_x = (x[k] + x[k + 1]) / 2
    assert abs(true_step_x - siping_model.fault("F3").chainage_m) < 2 * spacing
    assert abs(img.attrs["step_chainage_m"] - true_step_x) <= spacing
    assert img.attrs["step_thickness_m"] < 0  # thinner on the south-eastern shoulder
    # F2 does not offset the Quaternary: no step fitted near it
    assert abs(img.attrs["step_chainage_m"] - siping_model.fault("F2").chainage_m) > 5 * spacing
    # mean f0 on each side follows the SH resonance of the local columns (west lower than east)
    f0 = img["f0_hz"].values
    west, east = f0[x < true_step_x].mean(), f0[x > true_step_x].mean()
    assert east > west * 1.05


def test_sh_transfer_thickness_recovers_true_depth(siping_model):
    """With the true Vs profile, the SH-transfer conversion of the exact f0 returns the true Quaternary base."""
    from geoexplore.microtremor.depth_conversion import sh_transfer_depth
    from geoexplore.microtremor.synth import siping_column
    from geoexplore.microtremor.transfer import peak_frequency, sh_transfer

    for x in (21300.0, 22700.0):
        c = siping_column(siping_model, x)
        f = np.geomspace(0.5, 1.8, 3000)
        f0, _ = peak_frequency(f, sh_transfer(f, c["thickness_m"], c["vs_m_s"], c["density_kg_m3"], 0.03))
        top, vs = c["top_m"][:-1], c["vs_m_s"][:-1]
        h = sh_transfer_depth(np.array([f0]), top, vs, c["density_kg_m3"][:-1], halfspace_vs_m_s=c["vs_m_s"][-1],
                              halfspace_density_kg_m3=c["density_kg_m3"][-1])
        assert h[0] == pytest.approx(c["base_m"], rel=0.05)


def test_sh_transfer_thickness_with_a_vs_profile(siping_dir, siping_model, per_station):
    """The workflow's conversion: SH transfer function of a layered Vs profile (here the model's own, at the array site)."""
    import xarray as xr

    col = siping_model.column(21300.0, max_depth_m=300.0)
    arr = xr.Dataset({"best_thickness_m": ("layer", col["thickness_m"][:-1]), "best_vs_m_s": ("layer_hs", col["vs_m_s"])})
    ctx = StepContext("microtremor", inputs={"hvsr": per_station, "array": arr}, input_dir=siping_dir)
    img = steps.thickness(ctx, steps.ThicknessStepSettings(method="sh_transfer"))
    check_image(img)
    x, h = img["chainage_m"].values, img["thickness_m"].values
    assert abs(img.attrs["step_chainage_m"] - 22350.0) <= 50.0
    # the median thickness west of the step is within 20 % of the true 115 m Quaternary base
    assert np.median(h[x < 22350]) == pytest.approx(115.0, rel=0.2)
    assert "SH transfer" in img.attrs["thickness_method"]


def _exact_sh_f0(siping_model, x):
    """Peak of the exact SH transfer function of the column the SYNTHETIC record was made from (2 % damping)."""
    from geoexplore.microtremor.synth import siping_column
    from geoexplore.microtremor.transfer import peak_frequency, sh_transfer

    c = siping_column(siping_model, x)
    f = np.geomspace(0.5, 1.8, 4000)
    return peak_frequency(f, sh_transfer(f, c["thickness_m"], c["vs_m_s"], c["density_kg_m3"], 0.02))[0], c


def test_f0_uncertainty_covers_the_exact_resonance(siping_model, per_station):
    """z = ln(f0 / exact SH f0) / f0_sigma_ln: ~68 % within 1 (measured 80 %; the old sigma_ln/sqrt(n) gave 50 %, std 1.77)."""
    z, z_old = [], []
    for d in per_station.values():
        fe, _ = _exact_sh_f0(siping_model, d.attrs["chainage_m"])
        z.append(np.log(d.attrs["f0_hz"] / fe) / d.attrs["f0_sigma_ln"])
        z_old.append(np.log(d.attrs["f0_hz"] / fe) / (d.attrs["f0_windows_sigma_ln"] / np.sqrt(d.attrs["n_windows"])))
    z, z_old = np.abs(z), np.abs(z_old)
    assert 0.6 <= np.mean(z < 1) <= 0.92 and np.mean(z < 2) >= 0.9
    assert 0.6 <= np.sqrt(np.mean(z**2)) <= 1.3
    assert np.mean(z_old < 1) < np.mean(z < 1)


def test_thickness_errors_cover_the_true_base(siping_dir, siping_model, per_station):
    """Power law (a regional fit from elsewhere): biased here, and its error bar says so; SH transfer with the true column."""
    from geoexplore.microtremor.depth_conversion import (
        sh_transfer_depth,
        thickness_with_error,
    )

    ctx = StepContext("microtremor", inputs={"hvsr": per_station}, input_dir=siping_dir)
    img = steps.thickness(ctx, steps.ThicknessStepSettings(method="power_law"))
    x = img["chainage_m"].values
    true = siping_model.interface_depth("Q12", x)
    h, e = img["thickness_m"].values, img["thickness_err_m"].values
    # Ibs-von Seht gives ~80 m for 115 m: 30 % low; +-2 errors (coefficient spread included) cover the truth
    assert np.median(h / true) < 0.8
    assert np.mean(np.abs(np.log(true / h)) < 2 * np.arcsinh(e / h)) >= 0.9
    # the Vs-profile conversion with the true columns: only the f0 term, at every 5th station
    zs = []
    for d in list(per_station.values())[::5]:
        _, c = _exact_sh_f0(siping_model, d.attrs["chainage_m"])
        hh, ee = thickness_with_error(np.array([d.attrs["f0_hz"]]), np.array([d.attrs["f0_sigma_ln"]]),
                                      lambda f: sh_transfer_depth(f, c["top_m"][:-1], c["vs_m_s"][:-1], c["density_kg_m3"][:-1],
                                                                  halfspace_vs_m_s=c["vs_m_s"][-1],
                                                                  halfspace_density_kg_m3=c["density_kg_m3"][-1], damping=0.02))
        zs.append(abs(c["base_m"] - hh[0]) / ee[0])
    assert np.mean(np.array(zs) < 2) >= 7 / 8
