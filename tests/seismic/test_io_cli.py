"""``geoexplore seismic info`` / ``convert`` through geoexplore.cli.main."""

from __future__ import annotations

import shutil
import warnings

import numpy as np
import pytest

from geoexplore.cli import main
from geoexplore.seismic import io


def test_info_lists_every_file_and_flags_bad_ones(shared_data, tmp_path, capsys):
    seis = shared_data / "seismic"
    bad = tmp_path / "broken.sgy"
    raw = (seis / "f3.sgy").read_bytes()
    bad.write_bytes(raw[: len(raw) - 100])
    files = [seis / "f3.sgy", bad, seis / "oz-ozdata16.su", seis / "geospace-File010690.seg2", seis / "su-329.seg2"]
    rc = main(["seismic", "info", *map(str, files)])
    out, err = capsys.readouterr()
    assert rc == 3  # partial: some files failed
    lines = out.strip().splitlines()
    assert len(lines) == 4
    assert lines[0] == f"{seis / 'f3.sgy'}: segy traces=414 samples=75 dt=4 ms byte_order=big sample_format=3 (int16)"
    assert "su traces=48 samples=1325 dt=4 ms byte_order=big" in lines[1]
    assert "seg2 traces=96 samples=2000 dt=0.25 ms byte_order=little" in lines[2]
    assert "seg2 traces=3 samples=4096 dt=0.0625 ms" in lines[3]
    errs = err.strip().splitlines()
    assert len(errs) == 1 and str(bad) in errs[0] and "trace 413" in errs[0] and "byte" in errs[0]


def test_info_all_bad_exits_1(tmp_path, capsys):
    p = tmp_path / "x.sgy"
    p.write_bytes(b"hello")
    assert main(["seismic", "info", str(p)]) == 1
    assert str(p) in capsys.readouterr().err


@pytest.mark.parametrize("src", ["su-329.seg2", "oz-ozdata16.su", "f3.sgy"])
def test_convert_to_segy_read_back_by_obspy_and_segyio(shared_data, tmp_path, capsys, src):
    segyio = pytest.importorskip("segyio")
    obspy = pytest.importorskip("obspy")
    inp = tmp_path / src
    shutil.copy(shared_data / "seismic" / src, inp)
    out = tmp_path / "out.sgy"
    assert main(["seismic", "convert", str(inp), "--to", "segy", str(out)]) == 0
    assert "out.sgy" in capsys.readouterr().out
    ref = io.read(inp)
    back = io.read(out)
    np.testing.assert_array_equal(back["data"].values, ref["data"].values)
    np.testing.assert_allclose(back["offset_m"].values, np.nan_to_num(ref["offset_m"].values))
    with segyio.open(str(out), ignore_geometry=True) as f:
        np.testing.assert_array_equal(segyio.tools.collect(f.trace[:]), ref["data"].values)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        st = obspy.read(str(out), format="SEGY")
    np.testing.assert_array_equal(np.array([t.data for t in st]), ref["data"].values)


def test_convert_ibm_little_endian_and_to_su(shared_data, tmp_path):
    src = shared_data / "seismic" / "wghs-shot10.seg2"
    out = tmp_path / "o.sgy"
    assert main(["seismic", "convert", str(src), str(out), "--sample-format", "ibm", "--byte-order", "little"]) == 0
    s = io.scan(out)
    assert (s["sample_format"], s["byte_order"], s["n_traces"]) == (1, "little", 24)
    su = tmp_path / "o.su"
    assert main(["seismic", "convert", str(out), str(su), "--to", "su"]) == 0
    np.testing.assert_array_equal(io.read(su)["data"].values, io.read(out)["data"].values)


def test_convert_bad_file_one_line_error(tmp_path, capsys):
    p = tmp_path / "bad.seg2"
    p.write_bytes(b"\x55\x3a\x01\x00" + b"\x00" * 10)
    assert main(["seismic", "convert", str(p), str(tmp_path / "o.sgy")]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(p) in err and "byte" in err
