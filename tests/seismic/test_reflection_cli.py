"""``geoexplore seismic stack`` on part of the Siping survey, with one corrupt file in the batch."""

from __future__ import annotations

import shutil

import numpy as np


def test_cli_stack_batch_with_a_bad_file(siping_dir, tmp_path, capsys) -> None:
    import segyio

    from geoexplore.cli import main

    src = siping_dir / "seismic"
    (tmp_path / "shots").mkdir()
    for k in range(20, 33):
        shutil.copy(src / "shots" / f"shot_{k:04d}.sg2", tmp_path / "shots")
    (tmp_path / "shots" / "shot_0026.sg2").write_bytes(b"\x00" * 100)  # truncated / corrupt
    out = tmp_path / "stack.sgy"
    code = main(["seismic", "stack", "--shots", str(tmp_path / "shots" / "*.sg2"), "--stations", str(src / "stations.csv"),
                 "--log", str(src / "observer_log.csv"), "--out", str(out), "--picks-out", str(tmp_path / "p.csv"),
                 "--model", str(siping_dir / "model.yaml")])
    cap = capsys.readouterr()
    assert code == 3  # partial: one file bad, the others processed
    assert "shot_0026.sg2" in cap.err and cap.err.count("ERROR") == 1
    assert "12 shot files" in cap.out
    with segyio.open(out, ignore_geometry=True) as f:
        assert f.tracecount > 50 and abs(segyio.tools.dt(f) - 1000.0) < 1e-6
        amp = np.stack([f.trace[i] for i in range(f.tracecount)])
    assert np.isfinite(amp).all() and np.abs(amp).max() > 0
    assert (tmp_path / "p.csv").read_text().splitlines()[1] == "cdp,chainage_m,time_s,vrms_m_s"


def test_cli_stack_multi_shot_segy_from_header_geometry(shared_data, tmp_path, capsys) -> None:
    # the real Viking line: 4 shots in one SEG-Y, geometry only in the trace headers, no tables
    import segyio

    from geoexplore.cli import main

    out, mig, dep = tmp_path / "stack.sgy", tmp_path / "mig.sgy", tmp_path / "depth.nc"
    code = main(["seismic", "stack", "--shots", str(shared_data / "seismic" / "viking_small.segy"), "--out", str(out),
                 "--migrated", str(mig), "--depth", str(dep)])
    cap = capsys.readouterr()
    assert code == 0, cap.err
    assert "n_shots: 4" in cap.out and "1500" in cap.out  # the report: shots found, the sample-count discrepancy
    assert "from the record's spectrum: 100 Hz" in cap.out  # freq-max auto: the signal band, capped at 0.8 x Nyquist
    with segyio.open(out, ignore_geometry=True) as f:
        assert f.tracecount == 126 and len(f.samples) == 600
    assert mig.exists() and dep.exists()


def test_cli_migrate_a_post_stack_file(shared_data, tmp_path, capsys) -> None:
    import xarray as xr

    from geoexplore.cli import main

    par = tmp_path / "vel.par"
    par.write_text("cdp=875,892\ntnmo=0,0.3\nvnmo=5500,6200\ntnmo=0,0.3\nvnmo=5600,6300\n")
    f3 = str(shared_data / "seismic" / "f3.sgy")
    dep = tmp_path / "d.nc"
    # the SU par file states no unit: refused with the option named
    assert main(["seismic", "migrate", f3, "--inline", "111", "--velocity", str(par), "--depth", str(dep)]) == 1
    assert "--velocity-units" in capsys.readouterr().err
    code = main(["seismic", "migrate", f3, "--inline", "111", "--velocity", str(par), "--velocity-units", "ft/s",
                 "--migrated", str(tmp_path / "m.sgy"), "--depth", str(dep)])
    cap = capsys.readouterr()
    assert code == 0, cap.err
    d = xr.load_dataset(dep)
    # deepest depth: half the RMS velocity times the record at the end (constant-gradient v_rms, Dix)
    assert 250 < float(d["depth_m"].values[-1]) < 0.5 * 6300 * 0.3048 * 0.304 + 1
