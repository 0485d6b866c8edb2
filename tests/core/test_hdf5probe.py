"""The HDF5 metadata probe: a damaged foreign HDF5 file cannot hang the reader (real files, real HDF5)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import h5py
import pytest

from geoexplore.core.errors import FileFormatError
from geoexplore.core.hdf5probe import probe_hdf5_metadata


def _good(path: Path) -> Path:
    with h5py.File(path, "w") as f:
        f.attrs["file.type"] = "MTH5"  # variable-length strings, as MTH5 keeps its metadata
        f.attrs["count"] = 3
        g = f.create_group("Experiment/Surveys")
        g.attrs["id"] = "siping"
        g.create_dataset("ex", data=[1.0, 2.0]).attrs["units"] = "mV/km"
    return path


def test_a_sound_file_passes(tmp_path):
    probe_hdf5_metadata(_good(tmp_path / "ok.h5"))


def test_a_truncated_file_is_refused_with_a_position(tmp_path):
    data = _good(tmp_path / "ok.h5").read_bytes()
    bad = tmp_path / "cut.h5"
    bad.write_bytes(data[: len(data) // 3])
    with pytest.raises(FileFormatError) as err:
        probe_hdf5_metadata(bad)
    assert "cut.h5" in str(err.value) and err.value.position


def test_not_hdf5_at_all(tmp_path):
    bad = tmp_path / "text.h5"
    bad.write_text("station,ex\n1,2\n")
    with pytest.raises(FileFormatError) as err:
        probe_hdf5_metadata(bad)
    assert "superblock" in err.value.position


def _refused_in_time(path: Path, timeout_s: float) -> FileFormatError:
    """The probe's error for a file the HDF5 library never returns from; the caller is not held up."""
    t0 = time.perf_counter()
    with pytest.raises(FileFormatError) as err:
        probe_hdf5_metadata(path, timeout_s=timeout_s)
    assert time.perf_counter() - t0 < timeout_s + 25
    assert "did not finish" in str(err.value) and path.name in str(err.value)
    return err.value


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a POSIX named pipe")
def test_a_file_the_library_never_returns_from_is_refused_in_time(tmp_path):
    """A named pipe with no writer: HDF5's open blocks for ever, in the child; the caller gets an error."""
    fifo = tmp_path / "station.h5"
    os.mkfifo(fifo)
    _refused_in_time(fifo, 2)


def test_the_fuzzer_hang_in_a_root_attribute_is_refused(shared_data, tmp_path):
    """Input 39 of the mth5 long fuzz run (seed 20261129): h5py never returned reading a root attribute."""
    pytest.importorskip("mth5")
    from geoexplore.testing import fuzz

    seeds, missing = fuzz.load_seeds("mth5", shared_data)
    if missing or not seeds:
        pytest.skip(f"mth5 seed not available: {missing}")
    _, data, how = fuzz.make_input("mth5", seeds, 20261129, 39)
    assert how.startswith("byte-swap")
    mutant = tmp_path / "mutant-39.h5"
    mutant.write_bytes(data)
    assert "file.access.platform" in _refused_in_time(mutant, 5).position


def test_a_file_changed_after_it_passed_is_probed_again(tmp_path):
    """Passed files are remembered per process by size and modification time: a damaged rewrite is still refused."""
    path = _good(tmp_path / "ok.h5")
    data = path.read_bytes()
    old = time.time_ns() - 60_000_000_000
    os.utime(path, ns=(old, old))  # settled: remembered after it passes
    probe_hdf5_metadata(path)
    probe_hdf5_metadata(path)
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(FileFormatError):
        probe_hdf5_metadata(path)
