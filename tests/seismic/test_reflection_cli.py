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
