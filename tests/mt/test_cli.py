"""``geoexplore mt tf`` and ``geoexplore mt info`` run in-process."""

from __future__ import annotations

import numpy as np

from geoexplore.cli import main


def test_mt_tf_writes_edi_with_remote(siping_dir, tmp_path, capsys):
    ts = siping_dir / "mt" / "timeseries"
    rc = main(["mt", "tf", str(ts / "MT22.mseed"), "--remote", str(ts / "MT27.mseed"), "--out", str(tmp_path)])
    assert rc == 0
    out = capsys.readouterr().out
    assert "MT22" in out and "remote MT27" in out
    from geoexplore.core.geomodel import load_model
    from geoexplore.mt.edi import read_edi
    from geoexplore.mt.forward1d import mt1d_impedance
    from geoexplore.mt.tfdata import apparent_resistivity

    ds = read_edi(tmp_path / "MT22.edi")
    assert ds.attrs["synthetic"] == 1 and ds.attrs["chainage_m"] == 22000.0
    col = load_model(siping_dir / "model.yaml").column(22000.0)
    p = ds["period_s"].values
    za = mt1d_impedance(col["resistivity_ohm_m"], col["thickness_m"][:-1], p)
    ratio = apparent_resistivity(ds["z"].values[:, 0, 1], p) / apparent_resistivity(za, p)
    assert np.max(np.abs(ratio - 1)) < 0.05  # remote reference, sensors rotated 30 deg, a gap in the record


def test_mt_tf_settings_file_and_bad_settings(shared_data, tmp_path, capsys):
    s = tmp_path / "s.yaml"
    s.write_text("n_levels: 3\nbands_per_decade: 5\n")
    asc = shared_data / "mt" / "emtf-synthetic-test1.asc"
    # bare ASCII columns: the rate and channel order are never assumed (issue 19)
    assert main(["mt", "tf", str(asc), "--out", str(tmp_path / "o"), "--settings", str(s)]) == 1
    assert "sampling rate" in capsys.readouterr().err
    layout = ["--sample-rate-hz", "1", "--columns", "hx,hy,hz,ex,ey"]
    assert main(["mt", "tf", str(asc), "--out", str(tmp_path / "o"), "--settings", str(s), *layout]) == 1
    assert "channels.ex.azimuth_deg" in capsys.readouterr().err  # nor orientation and units (issue 19)
    import yaml

    from geoexplore.mt.io import EMTF_SYNTHETIC_METADATA

    side = tmp_path / "test1.yaml"
    side.write_text(yaml.safe_dump(EMTF_SYNTHETIC_METADATA))
    layout = ["--sidecar", str(side)]
    assert main(["mt", "tf", str(asc), "--out", str(tmp_path / "o"), "--settings", str(s), *layout]) == 0
    assert (tmp_path / "o" / "emtf-synthetic-test1.edi").is_file()
    s.write_text("n_levles: 3\n")
    assert main(["mt", "tf", str(asc), "--out", str(tmp_path / "o"), "--settings", str(s), *layout]) == 1
    assert "n_levles" in capsys.readouterr().err


def test_mt_info_good_and_bad_files(shared_data, tmp_path, capsys):
    good = shared_data / "mt" / "tf_edi_empower.edi"
    lines = good.read_text().splitlines()
    i = next(k for k, ln in enumerate(lines) if ln.startswith(">ZXYR"))
    bad = tmp_path / "broken.edi"
    bad.write_text("\n".join(lines[: i + 5]) + "\n")
    rc = main(["mt", "info", str(bad), str(good), str(shared_data / "mt" / "emtf-result-test1.zss")])
    assert rc == 3
    cap = capsys.readouterr()
    err = [ln for ln in cap.err.splitlines() if ln.startswith("ERROR")]
    assert len(err) == 1 and "broken.edi" in err[0] and ">ZXYR" in err[0]
    assert "701_merged_wrcal" in cap.out and "lat 40.648111" in cap.out and "rho_xy" in cap.out
    assert "station test1" in cap.out
    assert main(["mt", "info", str(bad)]) == 1
