"""H/V against Geopsy on the real Wellington record, and SESAME on the SESAME example (real files in ../shared/data)."""

from __future__ import annotations

import numpy as np
import pytest

from geoexplore.microtremor.io import read_record
from geoexplore.microtremor.io.geopsy import HvFile, read_hv, write_hv
from geoexplore.microtremor.process import process_record
from geoexplore.microtremor.sesame import evaluate, thresholds
from geoexplore.microtremor.settings import HvsrSettings


def _geopsy_log(path) -> dict[str, str]:
    out = {}
    for line in path.read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            k, v = line.split("=", 1)
            out[k.strip()] = v.strip()
    return out


@pytest.fixture(scope="module")
def stn11(shared_data):
    d = shared_data / "microtremor"
    log = _geopsy_log(d / "UT_STN11_c050.log")
    ref = read_hv(d / "UT_STN11_c050.hv")
    # settings read from Geopsy's processing log
    assert log["HORIZONTAL COMPONENTS"] == "Squared" and log["SMOOTHING TYPE"] == "KonnoOmachi"
    s = HvsrSettings(
        window_length_s=float(log["WINDOW_MAX_LENGTH(s)"]),
        window_overlap=float(log["WINDOW_OVERLAP (%)"]) / 100,
        taper_alpha=float(log["WINDOW ALPHA"]),
        smoothing_b=float(log["SMOOTHING CONSTANT"]),
        freq_min_hz=float(log["MINIMUM FREQUENCY"]),
        freq_max_hz=float(log["MAXIMUM FREQUENCY"]),
        n_freq=int(log["SAMPLES_NUMBER FREQUENCY"]),
        combination="squared_average",
        frequency_rejection=False,  # Geopsy kept all 30 windows
    )
    rec = read_record(d / "UT.STN11.A2_C50.miniseed")
    return process_record(rec, s), ref


def test_geopsy_f0_and_curve(stn11):
    res, ref = stn11
    assert res.n_windows == ref.n_windows == 30
    assert abs(res.f0_hz / 0.7076 - 1) < 0.01
    assert abs(res.f0_hz / ref.f0_average_hz - 1) < 0.01
    np.testing.assert_allclose(res.frequency_hz, ref.frequency_hz, rtol=1e-4)
    band = (ref.frequency_hz >= 0.3) & (ref.frequency_hz <= 10)
    err = np.abs(res.median[band] / ref.average[band] - 1)
    assert err.max() < 0.02, err.max()
    assert np.median(err) < 0.005
    # the spread (Geopsy's Max/Average) also agrees
    np.testing.assert_allclose(np.exp(res.sigma_ln[band]), (ref.max / ref.average)[band], rtol=0.05)
    assert abs(res.a0 / ref.peak_amplitude - 1) < 0.01


def test_hv_file_roundtrip(stn11, tmp_path):
    res, _ = stn11
    p = write_hv(HvFile.from_median(res.frequency_hz, res.median, res.sigma_ln, n_windows=res.n_windows,
                                    f0_average_hz=res.f0_hz, f0_windows_hz=(res.f0_windows_hz, 0.5, 0.9), peak_amplitude=res.a0),
                 tmp_path / "x.hv")
    back = read_hv(p)
    assert back.n_windows == 30 and back.f0_windows_hz[1] == 0.5
    np.testing.assert_allclose(back.average, res.median, rtol=1e-5)
    np.testing.assert_allclose(back.sigma_ln, res.sigma_ln, atol=1e-5)


def test_f0_from_windows_is_mean_and_std_as_geopsy(stn11, shared_data, tmp_path):
    """Geopsy's 'f0 from windows' line is mean, mean - std, mean + std of the window peaks (symmetric in its file)."""
    res, ref = stn11
    m, lo, hi = ref.f0_windows_hz
    assert hi - m == pytest.approx(m - lo, abs=2e-6)  # symmetric: an arithmetic mean +- std, not a lognormal median
    pk = res.window_f0_hz[res.keep]
    assert res.f0_windows_mean_hz == pytest.approx(pk.mean()) and res.f0_windows_std_hz == pytest.approx(pk.std(ddof=1))
    # ours 0.6905 +- 0.143 Hz, Geopsy 0.7135 +- 0.120 Hz: the means agree within one standard error
    assert abs(res.f0_windows_mean_hz - m) < res.f0_windows_std_hz / np.sqrt(res.n_windows)
    assert abs(res.f0_windows_std_hz / (hi - m) - 1) < 0.25
    from geoexplore.cli import main

    out = tmp_path / "o"
    s = tmp_path / "s.json"
    s.write_text(res.settings.to_json())
    assert main(["hvsr", str(shared_data / "microtremor" / "UT.STN11.A2_C50.miniseed"), "--out", str(out), "--settings", str(s)]) == 0
    f0w = read_hv(out / "UT.STN11.A2_C50.hv").f0_windows_hz
    np.testing.assert_allclose(f0w, (pk.mean(), pk.mean() - pk.std(ddof=1), pk.mean() + pk.std(ddof=1)), rtol=1e-5)


def test_frequency_domain_rejection_tightens_f0(stn11, shared_data):
    res0, _ = stn11
    rec = read_record(shared_data / "microtremor" / "UT.STN11.A2_C50.miniseed")
    res = process_record(rec, res0.settings.model_copy(update={"frequency_rejection": True}))
    assert res.rejected.get("frequency_domain", 0) > 0
    assert res.f0_windows_sigma_ln < res0.f0_windows_sigma_ln
    # Geopsy's f0 from windows (0.7135 Hz) lies inside the kept windows' +-1 sigma band
    lo, hi = res.f0_windows_hz * np.exp(-res.f0_windows_sigma_ln), res.f0_windows_hz * np.exp(res.f0_windows_sigma_ln)
    assert lo < 0.7135 < hi


def test_sesame_example_4(shared_data):
    hv = read_hv(shared_data / "microtremor" / "sesame-ex4.hv")
    i = int(np.argmax(hv.average))
    assert abs(hv.average[i] - 5.961) < 0.001 and abs(hv.frequency_hz[i] - 0.703) < 0.001
    # the file has no per-window peaks: sigma_f from the peaks of the +-1 sigma curves
    up, dn = hv.average * np.exp(hv.sigma_ln), hv.average / np.exp(hv.sigma_ln)
    sig_f = abs(hv.frequency_hz[np.argmax(up)] - hv.frequency_hz[np.argmax(dn)]) / 2
    r = evaluate(hv.frequency_hz, hv.average, hv.sigma_ln, window_length_s=30.0, n_windows=hv.n_windows, f0_std_hz=sig_f)
    assert r.n_reliability == 3 and r.n_clarity == 6
    assert r.clarity[2].value == pytest.approx(5.961, abs=1e-3)
    # criterion 1 depends on the window length: it fails for lw = 10 s (f0 0.70 < 10/10)
    r10 = evaluate(hv.frequency_hz, hv.average, hv.sigma_ln, window_length_s=10.0, n_windows=hv.n_windows, f0_std_hz=sig_f)
    assert not r10.reliability[0].passed and r10.reliability[0].threshold == 1.0


def test_sesame_threshold_table():
    # SESAME (2004) table 3.3
    assert thresholds(0.1) == (pytest.approx(0.025), 3.0)
    assert thresholds(0.7) == (pytest.approx(0.105), 2.0)
    assert thresholds(1.5) == (pytest.approx(0.15), 1.78)
    assert thresholds(5.0) == (pytest.approx(0.25), 1.58)
