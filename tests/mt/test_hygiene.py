"""Real-data hygiene of the 1D inversion (item 9): exclusions, why a target is missed, bounds, DOI, CLI options.

Real files: the vendor EDIs in shared/data/mt and the transfer functions
shipped with mt_metadata (MIT). Synthetic: the 3-layer analytic response of
tests/mt/test_occam.py with planted outliers (labelled synthetic).
"""

import json
import re
from pathlib import Path

import numpy as np
import pytest

from geoexplore.mt.hygiene import flag_data
from geoexplore.mt.invert1d import data_from_tf, invert_station, occam1d
from geoexplore.mt.io import read_tf
from geoexplore.mt.settings import Invert1DSettings
from tests.mt.test_occam import RHO, H, T, noisy


@pytest.fixture(scope="module")
def mtm_tf():
    mtm = pytest.importorskip("mt_metadata", reason="mt_metadata (ships the real transfer functions) not installed")
    d = Path(mtm.__file__).parent / "data" / "transfer_functions"
    if not d.is_dir():
        pytest.skip(f"mt_metadata has no transfer_functions folder at {d}")
    return d


def _planted(seed=0):
    """2 % noise, honest errors; phases -85 and -75 deg at two periods, rho x 10 at a third."""
    data = data_from_tf(noisy(RHO, H, T, seed=seed), floor_rho=0.0, floor_phase_deg=0.0)
    z = data.z.copy()
    for k, ph in ((8, -85.0), (20, -75.0)):
        z[k] = np.abs(z[k]) * np.exp(1j * np.deg2rad(ph))
    z[14] *= np.sqrt(10.0)
    data.z = z
    return data


def test_planted_outliers_are_flagged_and_nothing_else():
    data = _planted()
    d, sd = data.vector()
    n = T.size
    use, flags = flag_data(T, d[:n], d[n:], sd)
    bad = set(np.flatnonzero(~use))
    assert bad == {8, 20, n + 8, n + 20, 14}
    oq = [f for f in flags if f["reason"] == "out of quadrant"]
    assert len(oq) == 4 and {round(f["value"]) for f in oq if f["quantity"] == "phase"} == {-85, -75}
    (o,) = [f for f in flags if f["reason"] == "outlier"]
    assert o["quantity"] == "rho" and o["period_s"] == pytest.approx(T[14]) and o["n_sigma"] > 20


@pytest.mark.parametrize("seed", [0, 1])
def test_no_false_flags_on_clean_synthetic(seed):
    data = data_from_tf(noisy(RHO, H, T, seed=seed), floor_rho=0.0, floor_phase_deg=0.0)
    d, sd = data.vector()
    use, flags = flag_data(T, d[:T.size], d[T.size:], sd)
    assert use.all() and flags == []


def test_excluding_the_planted_points_lands_on_target_and_without_it_the_summary_names_them():
    data = _planted()
    d, sd = data.vector()
    data.use, _ = flag_data(T, d[:T.size], d[T.size:], sd)
    assert abs(occam1d(data).rms - 1.0) <= 0.1
    data.use = None
    bad = occam1d(data)
    assert bad.rms > 3 and not bad.reached
    s = bad.summary()
    assert "not reached" in s and "carry" in s and f"phase at {T[8]:.4g} s" in s


def test_overrides_keep_and_exclude():
    ds = noisy(RHO, H, T, seed=0)
    z = ds["z"].values
    z[8] = np.abs(z[8]) * np.exp(1j * (np.angle(z[8]) - np.pi / 2))  # Zxy phase ~ -40 deg
    s = Invert1DSettings(floor_rho=0.0, floor_phase_deg=0.0, keep_periods_s=[float(T[8])], exclude_periods_s=[float(T[3])])
    res = invert_station(ds, s)
    np.testing.assert_allclose([f["period_s"] for f in res.flags], T[3])
    assert all(f["reason"] == "excluded by the user" for f in res.flags)
    off = invert_station(ds, Invert1DSettings(floor_rho=0.0, floor_phase_deg=0.0, drop_out_of_quadrant=False, outlier_mad=0))
    assert off.flags == []


def test_vendor_edis_reach_target_with_defaults(shared_data):
    """Measured: phoenix/metronix/quantec/empower all converge at RMS 1.00 with nothing excluded."""
    for v in ("phoenix", "metronix", "quantec", "empower"):
        res = invert_station(read_tf(shared_data / "mt" / f"tf_edi_{v}.edi"))
        assert res.reached and abs(res.rms - 1.0) < 0.02 and res.status == "converged", (v, res.summary())
        assert res.flags == [] and res.doi_m <= res.bostick_depth_m


def test_out_of_quadrant_phases_on_a_real_edi(mtm_tf):
    """PHXTest01.edi: 9 determinant phases between -83 and -1 deg; excluded, RMS 1.04; kept, RMS 1.43."""
    tf = read_tf(mtm_tf / "PHXTest01.edi")
    res = invert_station(tf)
    oq = [f for f in res.flags if f["reason"] == "out of quadrant" and f["quantity"] == "phase"]
    assert len(oq) == 9 and max(f["value"] for f in oq) < 0
    assert res.rms < 1.1
    kept = invert_station(tf, Invert1DSettings(drop_out_of_quadrant=False, outlier_mad=0))
    assert kept.rms > res.rms + 0.3
    assert "phase out of quadrant" in res.summary()
    ds = res.to_dataset()
    assert int(ds["used_phase"].sum()) == ds.sizes["period_s"] - 9 and len(json.loads(ds.attrs["excluded"])) == 18


def test_why_the_target_is_missed_on_real_files(mtm_tf):
    # iteration limit: the RMS still falling at max_iter
    lim = invert_station(read_tf(mtm_tf / "tf_poor_xml.xml"), Invert1DSettings(max_iter=3))
    assert not lim.reached and "iteration limit (3)" in lim.summary()
    # misfit dominated by a few points: they are named
    iris = invert_station(read_tf(mtm_tf / "tf_xml_emtf_xml_iris.xml"))
    m = re.search(r"(\d) point\(s\) carry (\d+) % of the misfit: (rho|phase) at ([0-9.e+-]+) s \(([+-]\d+) sigma", iris.summary())
    assert not iris.reached and m is not None and int(m.group(2)) >= 50
    assert iris.status == "stalled" and "stalled: no trade-off parameter" in iris.summary()
    ds = iris.to_dataset()
    k = int(np.argmin(np.abs(ds["period_s"].values / float(m.group(4)) - 1)))
    obs, pred, err = (ds[f"{m.group(3)}_{a}"].values[k] for a in (("obs_ohm_m", "pred_ohm_m", "err_ohm_m") if m.group(3) == "rho" else ("obs_deg", "pred_deg", "err_deg")))
    assert abs(obs - pred) / err > 10  # the named point really is far off
    # a file with phases all over [-90, 90] deg: many periods excluded, each listed
    t = invert_station(read_tf(mtm_tf / "test.edi"))
    assert sum(f["reason"] == "out of quadrant" for f in t.flags) >= 60 and "out of quadrant" in t.summary()


def test_file_without_errors_needs_floors(mtm_tf):
    """tf_edi_no_error.edi states no errors: the floors make the errors; with no floor it is refused, named."""
    tf = read_tf(mtm_tf / "tf_edi_no_error.edi")
    assert np.isfinite(invert_station(tf, Invert1DSettings(max_iter=2)).rms)
    with pytest.raises(ValueError, match="zero standard deviation"):
        invert_station(tf, Invert1DSettings(floor_rho=0.0, floor_phase_deg=0.0, max_iter=2))


def test_bound_warning(mtm_tf):
    """test.edi pushes the shallow model to the 0.1 ohm-m bound: warned; a wider bound lifts the warning there."""
    res = invert_station(read_tf(mtm_tf / "test.edi"))
    assert "lower resistivity bound 0.1 ohm-m" in res.summary()
    assert np.isclose(res.resistivity_ohm_m.min(), 0.1)
    wide = invert_station(read_tf(mtm_tf / "test.edi"), Invert1DSettings(rho_min_ohm_m=1e-3))
    assert "lower resistivity bound 0.1 " not in wide.summary() and wide.resistivity_ohm_m.min() < 0.1


def test_cli_options(tmp_path, mtm_tf, capsys):
    import xarray as xr

    from geoexplore.cli import main

    code = main(["mt", "invert1d", str(mtm_tf / "PHXTest01.edi"), "--out", str(tmp_path), "--no-figures",
                 "--period-min", "0.01", "--period-max", "100", "--floor-rho", "0.1", "--floor-phase", "3",
                 "--max-iter", "4", "--rho-min", "1", "--rho-max", "1e4", "--outlier-mad", "0",
                 "--exclude-period", "1.0"])
    assert code == 0
    out = capsys.readouterr().out
    assert "PHXTest01: RMS" in out and "DOI" in out
    ds = xr.load_dataset(tmp_path / "PHXTest01_1d.nc", engine="h5netcdf")
    T = ds["period_s"].values
    assert T.min() >= 0.01 and T.max() <= 100 and ds.attrs["iterations"] <= 4
    assert ds["resistivity_ohm_m"].min() >= 1 - 1e-9 and ds["resistivity_ohm_m"].max() <= 1e4 + 1e-6
    np.testing.assert_allclose(ds["rho_err_ohm_m"] / ds["rho_obs_ohm_m"] >= 0.1 - 1e-9, True)
    assert code == 0 and main(["mt", "invert1d", str(mtm_tf / "PHXTest01.edi"), "--out", str(tmp_path),
                               "--rho-min", "10", "--rho-max", "1"]) == 1
