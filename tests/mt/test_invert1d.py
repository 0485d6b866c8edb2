"""Occam 1D inversion against data from the analytic 1D forward (with noise)."""

import numpy as np
import pytest

from geoexplore.mt.forward1d import mt1d_impedance, mt1d_tf, noisy_mt1d_tf
from geoexplore.mt.invert1d import data_from_tf, occam1d, result_dataset


def _noisy(rho, h, T, rel=0.025, seed=0):
    return noisy_mt1d_tf(rho, h, T, rel=rel, seed=seed, station="S1")


def _conductance(top, rho, zmax):
    """Integrated conductance (S) from the surface to zmax of a layered model."""
    bot = np.r_[top[1:], np.inf]
    thick = np.clip(np.minimum(bot, zmax) - top, 0, None)
    return float(np.sum(thick / rho))


def test_recovers_graben_column_conductance_and_fits():
    rho = [25.0, 80.0, 6.0, 2000.0]
    h = [40.0, 400.0, 2400.0]
    T = np.logspace(-3, 3, 25)
    data = data_from_tf(_noisy(rho, h, T))
    res = occam1d(data)
    assert res.rms <= 1.05
    true_s = _conductance(np.r_[0, np.cumsum(h)], np.array(rho), 10000.0)  # 402 S
    assert _conductance(res.top_m, res.resistivity_ohm_m, 10000.0) == pytest.approx(true_s, rel=0.2)
    # top and basement resistivities
    assert res.resistivity_ohm_m[0] == pytest.approx(25.0, rel=0.3)
    deep = res.resistivity_ohm_m[(res.top_m > 20000) & (res.top_m < 100000)]
    assert np.all(deep > 700)
    # the conductor: minimum resistivity sits inside the true 6 ohm-m layer
    zmin = res.top_m[np.argmin(res.resistivity_ohm_m)]
    assert 440 <= zmin <= 2840
    # the model's response is the analytic forward of the recovered layers
    zp = mt1d_impedance(res.resistivity_ohm_m, res.thickness_m, data.period_s)
    np.testing.assert_allclose(zp, res.predicted, rtol=1e-12)
    assert res.doi_m > 50000  # 1000 s over a resistive basement


def test_half_space_stays_flat_and_dataset():
    T = np.logspace(-2, 2, 13)
    ds = _noisy([100.0], [], T, rel=0.01, seed=3)
    data = data_from_tf(ds)
    res = occam1d(data)
    assert res.rms <= 1.05
    sel = res.top_m < res.doi_m
    np.testing.assert_allclose(res.resistivity_ohm_m[sel], 100.0, rtol=0.1)
    out = result_dataset(res, data, {"station": "S1"})
    assert out.attrs["station"] == "S1" and out["resistivity_ohm_m"].dims == ("layer",)
    np.testing.assert_allclose(out["rho_obs_ohm_m"], 100.0, rtol=0.1)


def test_modes_and_bad_input():
    T = np.logspace(-2, 2, 5)
    ds = mt1d_tf([100.0, 10.0], [500.0], T)
    ds["z_err"].values[...] = 0.01
    for mode in ("det", "xy", "yx"):
        d = data_from_tf(ds, mode=mode)
        np.testing.assert_allclose(np.degrees(np.angle(d.z)), np.degrees(np.angle(mt1d_impedance([100.0, 10.0], [500.0], T))), atol=1e-9)
    with pytest.raises(ValueError):
        data_from_tf(ds, mode="zz")
    ds2 = ds.isel(period_s=slice(0, 2))
    with pytest.raises(ValueError):
        data_from_tf(ds2)


def test_cli_invert1d_batch_with_a_broken_file(tmp_path, siping_dir, capsys):
    """`geoexplore mt invert1d`: one model per good file, one error line naming the bad file, exit 3."""
    import xarray as xr

    from geoexplore.cli import main

    good = siping_dir / "mt" / "edi" / "SP15.edi"
    bad = tmp_path / "cut.edi"
    bad.write_text(good.read_text()[:2000])
    code = main(["mt", "invert1d", str(good), str(bad), "--out", str(tmp_path / "out"), "--no-figures"])
    assert code == 3
    err = capsys.readouterr().err
    assert "cut.edi" in err and err.count("\n") == 1
    ds = xr.load_dataset(tmp_path / "out" / "SP15_1d.nc", engine="h5netcdf")
    assert ds.attrs["rms"] < 1.5 and ds["resistivity_ohm_m"].size == 40
    top, rho = np.loadtxt(tmp_path / "out" / "SP15_1d.csv", delimiter=",", skiprows=1).T
    np.testing.assert_allclose(rho, ds["resistivity_ohm_m"].values, rtol=1e-5)
