"""The front door ``geoexplore.microtremor``: read every shared microtremor file it supports; refuse the others cleanly.

Every file under ``../shared/data/microtremor``: a record (miniSEED, SAF, GCF) is
read by ``read`` as one 3-component Record; a Geopsy ``.hv`` curve by
``read_hv`` (``read`` refuses it and says to use ``read_hv``); a CityShark
``.202`` record is refused until its column order is given (the header does not
state it), a single PEER ``.vt2`` until its three files are given (issue 19);
any other file raises a FileFormatError naming the file and listing the known
formats: never a crash, never a guess.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np
import pytest

import geoexplore.microtremor as mtr
from geoexplore.core.errors import FileFormatError

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("GEOEXPLORE_SHARED_DATA", ROOT.parent / "shared" / "data")) / "microtremor"
FILES = sorted(p for p in SHARED.rglob("*") if p.is_file()) if SHARED.is_dir() else []
RECORDS = {".miniseed", ".mseed", ".saf", ".sac", ".gcf"}
CURVES = {".hv"}
NEEDS_MORE = {".202": ("columns", "does not state which of its 3 columns"), ".vt2": ("files", "give the three files")}  # issue 19


def _id(p: Path) -> str:
    return str(p.relative_to(SHARED))


def _assert_refused(path: Path, exc: FileFormatError) -> None:
    msg = str(exc)
    assert str(path) in msg, msg
    assert "known formats" in msg and "mseed" in msg and "sac" in msg and "saf" in msg, msg
    assert exc.position, msg


@pytest.mark.parametrize("path", FILES, ids=[_id(p) for p in FILES])
def test_read_every_shared_file_or_refuse_it_cleanly(path):
    ext = path.suffix.lower()
    if ext in RECORDS:
        rec = mtr.read(path)
        assert isinstance(rec, mtr.Record)
        assert rec.data.shape[0] == 3 and rec.n_samples > 1000 and rec.fs_hz > 0
        assert np.all(np.isfinite(rec.data))
        return
    if ext in NEEDS_MORE:
        what, says = NEEDS_MORE[ext]
        with pytest.raises(FileFormatError, match=says) as info:
            mtr.read(path)
        assert str(path) in str(info.value) and info.value.position
        rec = mtr.read(path, columns="ZNE") if what == "columns" else mtr.read(sorted(path.parent.glob("peer-*.vt2")))
        assert rec.data.shape[0] == 3 and rec.n_samples > 1000 and np.all(np.isfinite(rec.data))
        return
    if ext in CURVES:
        hv = mtr.read_hv(path)
        assert hv.frequency_hz.size > 10 and np.all(np.isfinite(hv.average))
    with pytest.raises(FileFormatError) as info:
        mtr.read(path)
    _assert_refused(path, info.value)
    if ext in CURVES:
        assert "read_hv" in str(info.value)


def test_the_shared_folder_has_each_kind():
    if not FILES:
        pytest.skip(f"real field data folder not found at {SHARED}")
    exts = {p.suffix.lower() for p in FILES}
    assert {".miniseed", ".saf", ".hv", ".gcf"} <= exts and set(NEEDS_MORE) <= exts
    assert len([p for p in FILES if p.parent.name == "array-bigx" and p.suffix == ".miniseed"]) == 9


def test_five_lines_and_writers(tmp_path):
    from geoexplore.microtremor.synth import noise_record

    rec = noise_record(np.array([50.0, 0.0]), np.array([200.0, 800.0]), np.array([600.0, 2000.0]),
                       np.array([1800.0, 2200.0]), fs_hz=50.0, duration_s=300.0, station="FD1")
    p = mtr.write(rec, tmp_path / "fd1.mseed")
    back = mtr.read(p)
    np.testing.assert_allclose(back.data, rec.data.astype(np.float32), rtol=1e-6)
    res = mtr.hvsr(back, mtr.HvsrSettings(window_length_s=20.0))
    assert 0.5 < res.f0_hz < 2.0  # 200 m/s over 50 m: 1 Hz
    fig = res.plot(tmp_path / "hv.png")
    assert (tmp_path / "hv.png").stat().st_size > 1000 and fig.axes
    curve = mtr.read_hv(mtr.write(res, tmp_path / "fd1.hv"))
    assert curve.f0_average_hz == pytest.approx(res.f0_hz, rel=1e-5)
    h = mtr.thickness(res)
    assert h.thickness_m > 0 and h.error_m > 0
    assert mtr.read(mtr.write(rec, tmp_path / "fd1.saf")).n_samples == rec.n_samples


def test_old_writer_argument_order_still_works_with_a_warning(tmp_path):
    from geoexplore.microtremor.io import write_miniseed, write_saf

    rec = mtr.record_from_arrays(*np.random.default_rng(1).normal(size=(3, 2000)), 50.0, station="OLD")
    with pytest.warns(DeprecationWarning, match="writers take"):
        write_saf(tmp_path / "old.saf", rec)
    with pytest.warns(DeprecationWarning, match="writers take"):
        write_miniseed(tmp_path / "old.mseed", rec)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        new = write_saf(rec, tmp_path / "new.saf")
    assert (tmp_path / "old.saf").read_text() == new.read_text()


def test_front_door_calls_are_functions_not_the_old_kernel_modules():
    """``hvsr`` and ``thickness`` are the front door's calls; their kernels live in spectral_ratio / depth_conversion."""
    import importlib
    import types

    assert callable(mtr.hvsr) and not isinstance(mtr.hvsr, types.ModuleType)
    assert callable(mtr.thickness) and not isinstance(mtr.thickness, types.ModuleType)
    kernels = importlib.import_module("geoexplore.microtremor.depth_conversion")
    assert kernels.power_law(1.0, 96.0, 1.388) == pytest.approx(96.0)
    assert mtr.thickness(1.0).thickness_m == pytest.approx(96.0)
    assert "read" in mtr.__all__ and callable(mtr.read)


def test_unknown_format_name_lists_the_known_ones(tmp_path):
    from geoexplore.core.errors import GeoexploreError

    p = tmp_path / "x.txt"
    p.write_text("hello\n")
    with pytest.raises(GeoexploreError, match="known formats"):
        mtr.read(p, format="seg2")
    with pytest.raises(FileFormatError, match="x.txt"):
        mtr.read(p, format="gcf")  # a format named by the user is still checked
    with pytest.raises(FileFormatError, match="x.txt"):
        mtr.read(p)
