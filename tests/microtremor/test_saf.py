"""SAF (SESAME ASCII) files written by the project's writer or by hand: NORTH_ROT and START_TIME variants."""

from __future__ import annotations

import numpy as np
import pytest

from geoexplore.core.errors import FileFormatError
from geoexplore.microtremor.io import (
    read_record,
    read_saf,
    record_from_arrays,
    write_saf,
)


def _rec(n=2000, seed=4):
    rng = np.random.default_rng(seed)
    return record_from_arrays(rng.normal(size=n), rng.normal(size=n), rng.normal(size=n), 50.0, station="ROT")


def test_north_rot_rotates_horizontals_to_north_east(tmp_path):
    """A sensor turned 30 deg clockwise: its columns are projections of the true motion; reading undoes it (ObsPy's rotate2zne as reference)."""
    from obspy.signal.rotate import rotate2zne

    true = _rec()
    n0, e0, z0 = true.data
    th = np.deg2rad(30.0)
    sensor = record_from_arrays(n0 * np.cos(th) + e0 * np.sin(th), -n0 * np.sin(th) + e0 * np.cos(th), z0, 50.0, station="ROT")
    p = write_saf(sensor, tmp_path / "rot.saf", north_rot_deg=30.0)
    assert "NORTH_ROT = 30" in p.read_text()
    assert read_saf(p)["north_rot_deg"] == 30.0
    rec = read_record(p)
    np.testing.assert_allclose(rec.data[:2], true.data[:2], atol=1e-5)
    z, n, e = rotate2zne(z0, 0, -90, sensor.data[0], 30.0, 0, sensor.data[1], 120.0, 0)
    np.testing.assert_allclose(rec.data[0], n, atol=1e-5)
    np.testing.assert_allclose(rec.data[1], e, atol=1e-5)
    assert any("NORTH_ROT = 30 deg" in s for s in rec.notes)
    # no NORTH_ROT (or 0): untouched
    np.testing.assert_allclose(read_record(write_saf(sensor, tmp_path / "r0.saf")).data, sensor.data, rtol=1e-6)


def _with_start(tmp_path, text, name="t.saf"):
    p = write_saf(_rec(500), tmp_path / name)
    lines = p.read_text().splitlines()
    k = next(i for i, line in enumerate(lines) if line.startswith("START_TIME"))
    lines[k] = f"START_TIME = {text}"
    p.write_text("\n".join(lines) + "\n")
    return p, k + 1


@pytest.mark.parametrize("text, iso", [
    ("2019 05 20 13 10 46.000", "2019-05-20T13:10:46Z"),
    ("20May2019_131046", "2019-05-20T13:10:46Z"),
    ("20may2019 131046.5", "2019-05-20T13:10:46.500000Z"),
    ("20190520_131046", "2019-05-20T13:10:46Z"),
    ("2019-05-20T13:10:46.25Z", "2019-05-20T13:10:46.250000Z"),
    ("2019/05/20 13:10:46", "2019-05-20T13:10:46Z"),
])
def test_start_time_variants(tmp_path, text, iso):
    p, _ = _with_start(tmp_path, text)
    assert read_record(p).starttime == iso


@pytest.mark.parametrize("text", ["20Mai2019_131046", "yesterday at noon", "2019 13 20 10 10 10", "2019 05 20 13 10 77"])
def test_unparsable_start_time_is_positioned(tmp_path, text):
    p, line = _with_start(tmp_path, text)
    with pytest.raises(FileFormatError, match=rf"t.saf at line {line}: START_TIME not understood"):
        read_saf(p)


def test_writer_start_time_roundtrip(tmp_path):
    rec = _rec(300)
    rec.starttime = "2026-04-29T02:00:00.500000Z"
    p = write_saf(rec, tmp_path / "w.saf")
    assert "START_TIME = 2026 04 29 02 00 00.500000" in p.read_text()
    assert read_record(p).starttime == rec.starttime
