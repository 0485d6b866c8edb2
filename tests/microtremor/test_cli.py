"""``geoexplore hvsr`` batch and ``geoexplore hvsr thickness``."""

from __future__ import annotations

import json

import numpy as np
import pytest

from geoexplore.cli import main


def test_batch_with_a_bad_file(tmp_path, siping_dir, capsys):
    good = siping_dir / "microtremor" / "hv_21025.mseed"
    bad = tmp_path / "broken.mseed"
    bad.write_bytes(b"not seismic data" * 10)
    settings = tmp_path / "s.json"
    settings.write_text(json.dumps({"window_length_s": 30.0, "freq_min_hz": 0.2, "n_freq": 200, "peak_freq_max_hz": 1.8}))
    out = tmp_path / "out"
    rc = main(["hvsr", str(good), str(bad), "--out", str(out), "--settings", str(settings)])
    assert rc == 3
    err = capsys.readouterr().err
    assert "broken.mseed" in err
    summ = json.loads((out / "summary.json").read_text())
    assert summ["n_ok"] == 1 and summ["n_failed"] == 1
    r = summ["records"]["hv_21025"]
    for key in ("f0_hz", "f0_windows_hz", "f0_windows_sigma_ln", "a0", "n_windows"):
        assert r[key] > 0
    assert len(r["sesame"]["reliability"]) == 3 and len(r["sesame"]["clarity"]) == 6
    assert all({"value", "threshold", "passed"} <= set(c) for c in r["sesame"]["clarity"])
    assert "broken.mseed" in summ["records"]["broken"]["error"]
    assert (out / "hv_21025.hv").read_text().startswith("# GEOPSY output version 1.1")
    table = (out / "summary.csv").read_text().splitlines()
    assert table[0].startswith("record,station,f0_hz") and len(table) == 3
    assert any(line.startswith("broken,") and "broken.mseed" in line for line in table)

    rc = main(["hvsr", "thickness", str(out / "summary.json"), "--out", str(out), "--a", "100", "--b", "1.5"])
    assert rc == 0
    th = json.loads((out / "thickness.json").read_text())
    row = [s for s in th["stations"] if s["record"] == "hv_21025"][0]
    assert row["thickness_m"] == pytest.approx(100 * r["f0_hz"] ** -1.5)
    assert th["reference"] == "user" and "coef_sigma_ln" in th["error"]  # a user's law: no published spread added
    # an exponent typed with its sign is refused, naming the published form
    rc = main(["hvsr", "thickness", str(out / "summary.json"), "--out", str(out), "--a", "100", "--b", "-1.5"])
    assert rc != 0
    # a user's law without its own uncertainty: only the f0 term (issue 19: no published spread invented)
    assert row["f0_sigma_ln"] == r["f0_sigma_ln"] > 0 and row["thickness_sigma_ln"] == pytest.approx(1.5 * r["f0_sigma_ln"])
    rc = main(["hvsr", "thickness", str(out / "summary.json"), "--out", str(out), "--a", "100", "--b", "1.5",
               "--coef-sigma-ln", "0.2"])
    assert rc == 0
    row = [s for s in json.loads((out / "thickness.json").read_text())["stations"] if s["record"] == "hv_21025"][0]
    assert row["thickness_sigma_ln"] == pytest.approx(np.hypot(1.5 * r["f0_sigma_ln"], 0.2))


def test_bad_settings_file(tmp_path, siping_dir, capsys):
    s = tmp_path / "s.json"
    s.write_text(json.dumps({"window_lenght_s": 30}))
    rc = main(["hvsr", str(siping_dir / "microtremor" / "hv_21025.mseed"), "--out", str(tmp_path), "--settings", str(s)])
    assert rc == 1
    assert "did you mean 'window_length_s'" in capsys.readouterr().err


def test_same_file_name_in_two_folders(tmp_path, siping_dir):
    """Records a/X.mseed and b/X.mseed used to overwrite each other (n_ok=2, one summary entry, one .hv)."""
    import shutil

    src = siping_dir / "microtremor"
    for sub, stn in (("a", "hv_21025"), ("b", "hv_22975")):
        (tmp_path / sub).mkdir()
        shutil.copy(src / f"{stn}.mseed", tmp_path / sub / "rec.mseed")
    settings = tmp_path / "s.json"
    settings.write_text(json.dumps({"window_length_s": 30.0, "freq_min_hz": 0.2, "n_freq": 120, "peak_freq_max_hz": 1.8}))
    out = tmp_path / "out"
    rc = main(["hvsr", str(tmp_path / "a" / "rec.mseed"), str(tmp_path / "b" / "rec.mseed"), "--out", str(out),
               "--settings", str(settings), "--expected-fs-hz", "8"])
    assert rc == 0
    summ = json.loads((out / "summary.json").read_text())
    assert summ["n_ok"] == 2 and set(summ["records"]) == {"a_rec", "b_rec"}
    assert summ["settings"]["expected_fs_hz"] == 8.0
    assert summ["records"]["a_rec"]["file"].endswith("a/rec.mseed") and (out / "a_rec.hv").exists() and (out / "b_rec.hv").exists()
    assert summ["records"]["a_rec"]["f0_hz"] != summ["records"]["b_rec"]["f0_hz"]  # two different stations
    assert len((out / "summary.csv").read_text().splitlines()) == 3


def test_expected_rate_from_the_command_line(tmp_path, siping_dir, capsys):
    rec = siping_dir / "microtremor" / "hv_21025.mseed"
    rc = main(["hvsr", str(rec), "--out", str(tmp_path), "--expected-fs-hz", "100"])
    assert rc == 1
    assert "hv_21025.mseed at channel HHZ: header sampling rate 8 Hz differs from the expected 100 Hz" in capsys.readouterr().err
