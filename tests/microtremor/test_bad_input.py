"""Bad records: a clear error naming file and channel, or the affected windows rejected and counted."""

from __future__ import annotations

import numpy as np
import obspy
import pytest

from geoexplore.core.errors import FileFormatError, GeoexploreError
from geoexplore.microtremor.io import (
    read_record,
    read_saf,
    record_from_arrays,
    write_saf,
)
from geoexplore.microtremor.process import process_record
from geoexplore.microtremor.settings import HvsrSettings

FS = 50.0
S = HvsrSettings(window_length_s=20.0, freq_min_hz=0.5, freq_max_hz=10.0, n_freq=100, frequency_rejection=False)


def _stream(n=30000, rates=(FS, FS, FS), codes=("HHN", "HHE", "HHZ"), seed=0):
    rng = np.random.default_rng(seed)
    st = obspy.Stream()
    for code, fs in zip(codes, rates):
        tr = obspy.Trace(rng.normal(size=n).astype(np.float32))
        tr.stats.station, tr.stats.channel, tr.stats.sampling_rate = "BAD", code, fs
        tr.stats.starttime = obspy.UTCDateTime(2024, 1, 1)
        st.append(tr)
    return st


def _write(st, path):
    st.write(str(path), format="MSEED")
    return path


def test_missing_component(tmp_path):
    st = _stream()
    p = _write(obspy.Stream([st[0], st[2]]), tmp_path / "noeast.mseed")
    with pytest.raises(FileFormatError, match=r"noeast.mseed at channel E: no east component \(channels in file: HHN, HHZ\)"):
        read_record(p)


def test_wrong_sampling_rate_in_header(tmp_path):
    p = _write(_stream(rates=(FS, FS, 40.0)), tmp_path / "rate.mseed")
    with pytest.raises(FileFormatError, match="rate.mseed at channel HHZ: channels have different sampling rates"):
        read_record(p)
    p2 = _write(_stream(), tmp_path / "ok.mseed")
    with pytest.raises(FileFormatError, match="differs from the expected 100 Hz"):
        read_record(p2, expected_fs_hz=100.0)


def test_dead_channel(tmp_path):
    st = _stream()
    st[1].data[:] = 7.0
    p = _write(st, tmp_path / "dead.mseed")
    with pytest.raises(FileFormatError, match="dead.mseed at channel HHE: dead channel"):
        read_record(p)


def test_gap_windows_rejected_and_counted(tmp_path):
    st = _stream()
    tr = st[0]
    a, b = tr.copy(), tr.copy()
    a.trim(tr.stats.starttime, tr.stats.starttime + 100)
    b.trim(tr.stats.starttime + 130, tr.stats.endtime)
    p = _write(obspy.Stream([a, b, st[1], st[2]]), tmp_path / "gap.mseed")
    rec = read_record(p)
    assert rec.flags["gap"].sum() == pytest.approx(30 * FS - 1, abs=2)
    res = process_record(rec, S)
    assert res.rejected["gap"] == 2  # windows 100-120 s and 120-140 s touch the gap
    assert res.n_windows == 30 - 2


def test_unequal_lengths_cut_to_common_span(tmp_path):
    st = _stream()
    st[2].data = st[2].data[:20000]
    p = _write(st, tmp_path / "short.mseed")
    rec = read_record(p)
    assert rec.n_samples == 20000 and rec.span_s == pytest.approx(600.0)
    assert any("HHZ 0.00-400.00 s" in n and "200.00 s of the longest channel lost" in n for n in rec.notes)
    res = process_record(rec, S)
    assert res.rejected["unequal_lengths"] == 30 - 20  # 20 s windows: 600 s would give 30, 400 s give 20


def test_late_channel_start_counts_lost_time_and_windows(tmp_path):
    """Z starting 50 s late: same sample counts, but 50 s and 3 of 30 windows of 20 s are lost (the note used to say 30000 each)."""
    st = _stream()
    z = st[2]
    z.data = z.data[int(50 * FS):]
    z.stats.starttime += 50.0
    p = _write(st, tmp_path / "late.mseed")
    rec = read_record(p)
    assert rec.n_samples == int(550 * FS)
    note = next(n for n in rec.notes if "unequal channel spans" in n)
    assert "HHN 0.00-600.00 s" in note and "HHZ 50.00-600.00 s" in note and "50.00 s of the longest channel lost" in note
    np.testing.assert_allclose(rec.data[2], z.data, rtol=1e-6)
    np.testing.assert_allclose(rec.data[0], st[0].data[int(50 * FS):], rtol=1e-6)
    res = process_record(rec, S)
    assert res.rejected["unequal_lengths"] == 3 and res.keep.size == 27


def test_near_dead_channel_is_named(tmp_path):
    """A channel of +-1 count digitizer noise used to fail as 'rejected: clipped 30'; now an error naming it."""
    st = _stream()
    st[1].data = np.random.default_rng(5).integers(-1, 2, st[1].data.size).astype(np.float32)
    p = _write(st, tmp_path / "nearly.mseed")
    with pytest.raises(FileFormatError, match=r"nearly.mseed at channel HHE: near-dead channel: only 3 distinct values \(-1 to 1\)"):
        read_record(p)
    st = _stream()
    st[2].data *= 1e-5  # many distinct values, but 1e-5 of the others' RMS
    p = _write(st, tmp_path / "weak.mseed")
    with pytest.raises(FileFormatError, match=r"weak.mseed at channel HHZ: near-dead channel: RMS"):
        read_record(p)


def test_wrong_rate_shared_by_all_channels(tmp_path):
    """Header says 100 Hz on all channels, the logger's record times say 50 Hz: caught from the start times."""
    rng = np.random.default_rng(2)
    st = obspy.Stream()
    for code in ("HHN", "HHE", "HHZ"):
        for k in range(10):  # 10 pieces of 3000 samples, stamped every 60 s by the logger clock (true rate 50 Hz)
            tr = obspy.Trace(rng.normal(size=3000).astype(np.float32))
            tr.stats.station, tr.stats.channel, tr.stats.sampling_rate = "BAD", code, 100.0
            tr.stats.starttime = obspy.UTCDateTime(2024, 1, 1) + 60.0 * k
            st.append(tr)
    p = _write(st, tmp_path / "rate100.mseed")
    with pytest.raises(FileFormatError, match=r"rate100.mseed at channel HHN: header sampling rate 100 Hz contradicts the start times of its 10 pieces, which imply 50 Hz"):
        read_record(p)


def test_clipped_windows_rejected(tmp_path):
    st = _stream()
    d = st[0].data
    d[int(45 * FS):int(46 * FS)] = 50.0  # a clipped burst in the second window
    d[int(250 * FS):int(250 * FS) + 5] = 50.0
    p = _write(st, tmp_path / "clip.mseed")
    rec = read_record(p)
    assert "clipped" in rec.flags
    res = process_record(rec, S)
    assert res.rejected["clipped"] == 2


def test_corrupt_and_unknown_files(tmp_path):
    p = tmp_path / "junk.mseed"
    p.write_bytes(b"\x00\x01garbage" * 50)
    with pytest.raises(FileFormatError, match="junk.mseed"):
        read_record(p)
    with pytest.raises(FileFormatError, match="no such file"):
        read_record(tmp_path / "absent.mseed")


def test_saf_roundtrip_and_truncated(tmp_path):
    rng = np.random.default_rng(1)
    rec = record_from_arrays(rng.normal(size=3000), rng.normal(size=3000), rng.normal(size=3000), 50.0, station="SAF1")
    p = write_saf(rec, tmp_path / "a.saf")
    back = read_record(p)
    np.testing.assert_allclose(back.data, rec.data, rtol=1e-6)
    assert back.fs_hz == 50.0 and back.station == "SAF1"
    lines = p.read_text().splitlines()
    (tmp_path / "t.saf").write_text("\n".join(lines[:-100]) + "\n")
    with pytest.raises(FileFormatError, match=r"t.saf at line \d+: NDAT = 3000 but only 2900 data lines"):
        read_saf(tmp_path / "t.saf")
    bad = lines.copy()
    bad[20] = "1.0 x 2.0"
    (tmp_path / "b.saf").write_text("\n".join(bad) + "\n")
    with pytest.raises(FileFormatError, match=r"b.saf at line 21: data line is not 3 numbers"):
        read_saf(tmp_path / "b.saf")


def test_too_few_windows_is_a_clear_error(tmp_path):
    p = _write(_stream(n=1500), tmp_path / "short2.mseed")
    with pytest.raises(GeoexploreError, match="short2.mseed: only 1 of 1 windows"):
        process_record(read_record(p), S)


def test_sac_one_file_per_channel(tmp_path):
    """SAC holds one channel per file: a glob pattern (or a list) makes one record; a missing channel is named."""
    st = _stream()
    for tr in st:
        tr.write(str(tmp_path / f"BAD.{tr.stats.channel}.SAC"), format="SAC")
    rec = read_record(str(tmp_path / "BAD.*.SAC"))
    assert rec.channels == {"N": "HHN", "E": "HHE", "Z": "HHZ"} and rec.n_samples == 30000
    np.testing.assert_allclose(rec.data[2], st[2].data, rtol=1e-6)
    with pytest.raises(FileFormatError, match="at channel N: no north component"):
        read_record([tmp_path / "BAD.HHE.SAC", tmp_path / "BAD.HHZ.SAC"])


def test_damaged_sac_file_names_the_byte(tmp_path):
    """A SAC file ObsPy refuses: the error says where, from the header's NPTS against the file's length."""
    st = _stream()
    good = tmp_path / "S.HHZ.SAC"
    st[2].write(str(good), format="SAC")  # written by ObsPy's SAC writer: 632 header bytes, then 4 bytes a sample
    raw = good.read_bytes()
    npts = st[2].stats.npts
    assert len(raw) == 632 + 4 * npts
    (tmp_path / "cut.SAC").write_bytes(raw[:632 + 4 * 100])
    with pytest.raises(FileFormatError, match=rf"cut.SAC at byte 1032: data end after 100 of {npts} samples \(NPTS, byte 316\)"):
        read_record(tmp_path / "cut.SAC")
    (tmp_path / "long.SAC").write_bytes(raw + bytes(64))
    with pytest.raises(FileFormatError, match=rf"long.SAC at byte {len(raw)}: 64 bytes after the {npts} samples NPTS"):
        read_record(tmp_path / "long.SAC")
    wrong_npts = raw[:316] + (2 * npts).to_bytes(4, "little" if raw[304] == 6 else "big") + raw[320:]
    (tmp_path / "npts.SAC").write_bytes(wrong_npts)
    with pytest.raises(FileFormatError, match=rf"npts.SAC at byte {len(raw)}: data end after {npts} of {2 * npts} samples"):
        read_record(tmp_path / "npts.SAC")
