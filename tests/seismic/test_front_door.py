"""The notebook front door of geoexplore.seismic: one ``read`` for every shared seismic file, picks, tomography, figures."""

from __future__ import annotations

import shutil
import subprocess
import sys

import numpy as np
import pytest

import geoexplore.seismic as gs
from geoexplore.seismic.gather import check_gather

#: the format each shared gather file is in (the content decides, not the name)
EXPECTED_FORMAT = {".sgy": "segy", ".segy": "segy", ".su": "su", ".seg2": "seg2", ".dat": "seg2"}
PICK_FILES = (".sgt",)


def _shared_files(shared_data):
    files = sorted(p for p in (shared_data / "seismic").rglob("*") if p.is_file())
    assert files, "no shared seismic files"
    return files


def test_import_is_cheap_and_lazy():
    code = ("import sys, geoexplore.seismic as gs; "
            "heavy = [m for m in ('numpy', 'xarray', 'pandas', 'scipy', 'pygimli', 'obspy', 'matplotlib') if m in sys.modules]; "
            "print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"
    assert "read" in gs.__all__ and callable(gs.read)
    assert {"write", "scan", "read_picks", "pick_first_breaks", "invert_traveltimes", "load_shots", "stack",
            "migrate", "depth_section"} <= set(gs.__all__)


def test_read_reads_every_shared_seismic_file(shared_data, tmp_path):
    """Every gather file in shared/data/seismic reads with gs.read, its format sniffed from the content (also
    without a file extension); the .sgt pick files read with gs.read_picks."""
    n_gathers = n_picks = 0
    for path in _shared_files(shared_data):
        suffix = path.suffix.lower()
        if suffix in PICK_FILES:
            picks = gs.read_picks(path)
            tt = picks.traveltimes
            assert tt.n_data > 0 and np.all(np.isfinite(tt.t_s)), path
            n_picks += 1
            continue
        g = gs.read(path)
        check_gather(g)
        assert g.sizes["trace"] > 0 and g.sizes["time_s"] > 0, path
        assert g.attrs["format"] == EXPECTED_FORMAT[suffix], path
        assert gs.scan(path)["n_traces"] == g.sizes["trace"], path
        bare = tmp_path / f"{path.parent.name}-{path.stem}"
        shutil.copyfile(path, bare)
        assert gs.detect(bare) == EXPECTED_FORMAT[suffix], path
        np.testing.assert_array_equal(gs.read(bare)["data"].values, g["data"].values)
        n_gathers += 1
    assert n_gathers >= 12 and n_picks >= 2


def test_pick_write_read_and_plot_a_shot(shared_data, tmp_path):
    path = shared_data / "seismic" / "wghs-shot1.seg2"
    picks = gs.pick_first_breaks(gs.read(path))
    same = gs.pick_first_breaks(path)  # a path does the same
    np.testing.assert_array_equal(picks.table["t_s"].values, same.table["t_s"].values)
    assert picks.n_used >= 6
    fig = picks.plot(tmp_path / "picks.png")
    assert (tmp_path / "picks.png").stat().st_size > 0 and fig.axes
    assert picks.write(tmp_path / "picks.csv").exists() and picks.write(tmp_path / "picks.sgt").exists()
    back = gs.read_picks(tmp_path / "picks.csv")
    np.testing.assert_allclose(back.table["t_s"].values, picks.table["t_s"].values, rtol=1e-6, equal_nan=True)
    sgt = gs.read_picks(tmp_path / "picks.sgt")
    assert sgt.traveltimes.n_data == picks.n_used
    assert sgt.plot().axes  # traveltime curves of a pick file


def test_picking_settings_overrides(shared_data):
    from pydantic import ValidationError

    from geoexplore.core.errors import GeoexploreError

    path = shared_data / "seismic" / "wghs-shot10.seg2"
    with pytest.raises(ValidationError, match="no_such_setting"):
        gs.pick_first_breaks(path, no_such_setting=1)
    with pytest.raises(GeoexploreError, match="no shot records"):
        gs.pick_first_breaks([])
    fast = gs.pick_first_breaks(path, v_max_m_s=5000.0)
    assert np.all(fast.table["t_s"].values[fast.table["use"].values == 1] >= np.abs(fast.table["offset_m"].values[fast.table["use"].values == 1]) / 5000.0)


def test_invert_traveltimes_and_plot(shared_data, tmp_path):
    pytest.importorskip("pygimli")
    picks = gs.read_picks(shared_data / "seismic" / "koenigsee.sgt")
    tomo = gs.invert_traveltimes(picks, max_iter=2, max_cell_area_spacings2=30.0, sec_nodes=1)
    assert np.isfinite(tomo.chi2) and tomo.velocity_m_s.size > 0
    fig = tomo.plot(tmp_path / "tomo.png")
    assert (tmp_path / "tomo.png").stat().st_size > 0 and len(fig.axes) >= 2
    img = tomo.to_image(line="koenigsee")
    assert float(img["chainage_m"].min()) >= float(picks.traveltimes.sensors[:, 0].min()) - 1.0


def test_velocity_picks_command_and_its_old_name(tmp_path, capsys):
    """``seismic velocity-picks`` exports velocity picks; ``seismic picks`` is its alias for one release."""
    from geoexplore.cli import main

    for name in ("velocity-picks", "picks"):
        rc = main(["seismic", name, str(tmp_path / "missing.h5"), "--out", str(tmp_path / "p.csv")])
        assert rc == 1
        assert "ERROR" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["seismic", "--help"])
    assert "velocity-picks (picks)" in capsys.readouterr().out
