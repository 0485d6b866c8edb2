"""Bad input: truncated files, lying headers, zero-length traces, wrong byte order, huge claimed counts.
Every case raises FileFormatError naming the file and the trace / byte offset; nothing allocates what a
header claims."""

from __future__ import annotations

import struct
import tracemalloc

import numpy as np
import pytest

from geoexplore.core.errors import FileFormatError, GeoexploreError
from geoexplore.seismic import io
from geoexplore.seismic.gather import make_gather

NTR, NS = 10, 100


@pytest.fixture()
def segy(tmp_path):
    data = np.random.default_rng(0).standard_normal((NTR, NS)).astype(np.float32)
    p = tmp_path / "good.sgy"
    io.write(make_gather(data, 0.001), p)
    return p, data


TSIZE = 240 + 4 * NS


def _patch(path, offset, fmt, value):
    r = bytearray(path.read_bytes())
    struct.pack_into(fmt, r, offset, value)
    path.write_bytes(bytes(r))


def test_truncated_segy_names_trace_and_offset(segy):
    p, _ = segy
    raw = p.read_bytes()
    cut = 3600 + 6 * TSIZE + 240 + 123
    p.write_bytes(raw[:cut])
    with pytest.raises(FileFormatError) as ei:
        io.read(p)
    e = ei.value
    assert str(p) in str(e) and "trace 6" in str(e)
    assert e.byte_offset == cut  # the end of the data: where the missing bytes start
    assert "truncated" in e.message
    with pytest.raises(FileFormatError):
        io.scan(p)


def test_truncated_inside_a_trace_header(segy):
    p, _ = segy
    p.write_bytes(p.read_bytes()[: 3600 + 3 * TSIZE + 100])
    with pytest.raises(FileFormatError) as ei:
        io.read(p)
    assert "trace 3" in str(ei.value) and ei.value.byte_offset == 3600 + 3 * TSIZE


def test_trace_header_lying_about_its_sample_count(segy):
    """No binary-header count, a truncated last trace, and trace 4 claiming 5000 samples: error at trace 4."""
    p, _ = segy
    _patch(p, 3220, ">H", 0)  # binary header sample count gone
    _patch(p, 3600 + 4 * TSIZE + 114, ">H", 5000)
    p.write_bytes(p.read_bytes()[:-4])
    with pytest.raises(FileFormatError) as ei:
        io.read(p)
    assert "trace 4" in str(ei.value) and "5000" in str(ei.value)
    assert ei.value.byte_offset is not None
    assert "trace 9" in str(ei.value)  # the hint: with 100 samples per trace the file ends inside trace 9


def test_first_trace_count_used_when_binary_count_is_zero(segy):
    """Binary header count 0 (allowed in rev 0): the first trace's count, checked against the file size."""
    p, data = segy
    _patch(p, 3220, ">H", 0)
    _patch(p, 3600 + 4 * TSIZE + 114, ">H", 5000)  # a bogus count elsewhere does not matter
    np.testing.assert_array_equal(io.read(p)["data"].values, data)


def test_binary_header_lying_but_traces_consistent_reads_true_data(segy):
    """Binary header says 512 samples, every trace header and the file size say 100: the traces win."""
    p, data = segy
    _patch(p, 3220, ">H", 512)
    ds = io.read(p)
    np.testing.assert_array_equal(ds["data"].values, data)


def test_one_trace_header_lying_in_a_fixed_length_file(segy):
    """Binary header and file size agree on 100 samples; one trace header's bogus count is ignored."""
    p, data = segy
    _patch(p, 3600 + 2 * TSIZE + 114, ">H", 7)
    np.testing.assert_array_equal(io.read(p)["data"].values, data)


def test_all_headers_lying(segy):
    """Binary and trace headers claim 150 samples: the file cannot hold that; error names trace 6."""
    p, _ = segy
    _patch(p, 3220, ">H", 150)
    for i in range(NTR):
        _patch(p, 3600 + i * TSIZE + 114, ">H", 150)
    with pytest.raises(FileFormatError) as ei:
        io.read(p)
    # following the headers, trace 1's header lands in trace 0's samples and claims nonsense; the
    # message also says where the file header's 150-sample layout breaks: trace 7 (byte 3600 + 7 * 840)
    msg = str(ei.value)
    assert "trace 1" in msg and "150 samples" in msg and "trace 7 (byte 9480)" in msg
    assert ei.value.byte_offset is not None


def test_zero_length_traces(segy):
    p, _ = segy
    _patch(p, 3220, ">H", 0)
    _patch(p, 3600 + 114, ">H", 0)
    with pytest.raises(FileFormatError) as ei:
        io.read(p)
    assert "trace 0" in str(ei.value) and "zero samples" in str(ei.value)
    assert ei.value.byte_offset == 3600


def test_wrong_byte_order_forced(segy, shared_data):
    p, _ = segy
    with pytest.raises(FileFormatError) as ei:
        io.read(p, byte_order="little")
    assert "sample format code" in str(ei.value) and ei.value.byte_offset == 3224
    with pytest.raises(FileFormatError):
        io.read(shared_data / "seismic" / "f3.sgy", byte_order="little")


def test_byte_order_detected_without_the_rev2_constant(tmp_path):
    data = np.arange(30, dtype=np.float32).reshape(3, 10)
    for order in ("big", "little"):
        p = tmp_path / f"{order}.sgy"
        io.write(make_gather(data, 0.002), p, byte_order=order)
        r = bytearray(p.read_bytes())
        assert r[3296:3300] == bytes(4)  # rev 1 file: no byte-order constant to lean on
        ds = io.read(p)
        assert ds.attrs["byte_order"] == order
        np.testing.assert_array_equal(ds["data"].values, data)


def test_header_claiming_huge_trace_count_does_not_allocate(segy, tmp_path):
    p, data = segy
    _patch(p, 3512, ">Q", 2**62)  # rev 2 "number of traces" field: ignored, counted from the file size
    tracemalloc.start()
    ds = io.read(p)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert ds.sizes["trace"] == NTR and peak < 20 * 2**20
    # SEG-2: 16000 traces claimed in a 1-trace file
    s2 = tmp_path / "one.seg2"
    io.write(make_gather(data[:1], 0.001), s2, format="seg2")
    r = bytearray(s2.read_bytes())
    struct.pack_into("<HH", r, 4, 64000, 16000)
    s2.write_bytes(bytes(r))
    tracemalloc.start()
    with pytest.raises(FileFormatError) as ei:
        io.read(s2)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 20 * 2**20
    assert str(s2) in str(ei.value) and ei.value.byte_offset is not None
    # SEG-2 trace claiming 2**31 samples
    io.write(make_gather(data[:2], 0.001), s2, format="seg2")
    r = bytearray(s2.read_bytes())
    (p1,) = struct.unpack_from("<I", r, 36)
    struct.pack_into("<I", r, p1 + 8, 2**31)
    s2.write_bytes(bytes(r))
    with pytest.raises(FileFormatError) as ei:
        io.read(s2)
    assert "trace 1" in str(ei.value) and "truncated" in str(ei.value)


def test_truncated_seg2_and_bad_pointer(tmp_path):
    data = np.ones((4, 50), np.float32)
    p = tmp_path / "t.seg2"
    io.write(make_gather(data, 0.001), p, format="seg2")
    full = p.read_bytes()
    p.write_bytes(full[:-10])
    with pytest.raises(FileFormatError) as ei:
        io.read(p)
    assert "trace 3" in str(ei.value) and ei.value.byte_offset == len(full) - 10
    r = bytearray(full)
    struct.pack_into("<I", r, 32 + 8, len(full) + 1000)
    p.write_bytes(bytes(r))
    with pytest.raises(FileFormatError) as ei:
        io.read(p)
    assert "trace 2" in str(ei.value) and ei.value.byte_offset == 40
    r = bytearray(full)
    (p0,) = struct.unpack_from("<I", r, 32)
    r[p0:p0 + 2] = b"\x00\x00"
    p.write_bytes(bytes(r))
    with pytest.raises(FileFormatError) as ei:
        io.read(p)
    assert "trace 0" in str(ei.value) and ei.value.byte_offset == p0


def test_truncated_su(tmp_path):
    data = np.ones((5, 64), np.float32)
    p = tmp_path / "t.su"
    io.write(make_gather(data, 0.001), p, format="su")
    p.write_bytes(p.read_bytes()[:-7])
    with pytest.raises(FileFormatError) as ei:
        io.read(p, format="su")
    assert "trace 4" in str(ei.value)
    # and detection refuses it rather than guessing another format
    with pytest.raises(FileFormatError):
        io.read(p)


def test_not_seismic_and_unknown_format(tmp_path, shared_data):
    with pytest.raises(FileFormatError) as ei:
        io.read(shared_data / "seismic" / "koenigsee.sgt")
    assert "known formats" in str(ei.value)
    empty = tmp_path / "empty.sgy"
    empty.write_bytes(b"")
    with pytest.raises(FileFormatError):
        io.read(empty)
    with pytest.raises(FileFormatError):
        io.read(tmp_path / "missing.sgy")
    with pytest.raises(GeoexploreError) as ei:
        io.read(shared_data / "seismic" / "f3.sgy", format="segd")
    assert "segy" in str(ei.value) and "seg2" in str(ei.value) and "su" in str(ei.value)
    short = tmp_path / "short.sgy"
    short.write_bytes(b"\x40" * 1000)
    with pytest.raises(FileFormatError) as ei:
        io.read(short, format="segy")
    assert ei.value.byte_offset == 1000


def test_writer_rejects_values_that_do_not_fit(tmp_path):
    ds = make_gather(np.array([[1.0, 40000.0]]), 0.001)
    with pytest.raises(ValueError):
        io.write(ds, tmp_path / "x.sgy", sample_format=3)
    with pytest.raises(ValueError):
        io.write(make_gather(np.array([[np.nan, 1.0]]), 0.001), tmp_path / "x.sgy", sample_format=1)
    with pytest.raises(ValueError) as ei:
        io.write(ds, tmp_path / "x.sgy", sample_format=4)
    assert "ibm32" in str(ei.value)
    assert not (tmp_path / "x.sgy").exists() and not (tmp_path / "x.sgy.part").exists()


def test_corrupted_real_files_raise_only_file_format_errors(shared_data, tmp_path):
    """Random truncations and byte corruptions of the real files: a reader either returns a gather or raises
    FileFormatError with a position; never IndexError, struct.error, a NumPy warning or the like."""
    import warnings

    from geoexplore.seismic.io import seg2, segy, su

    rng = np.random.default_rng(20261129)
    cases = {"f3.sgy": (segy, 3600 + 480), "oz-ozdata16.su": (su, 480), "wghs-shot10.seg2": (seg2, 2000),
             "geospace-File010690.seg2": (seg2, 2000)}
    p = tmp_path / "corrupt"
    for name, (mod, head) in cases.items():
        raw = (shared_data / "seismic" / name).read_bytes()
        for k in range(40):
            b = bytearray(raw)
            if k % 2 == 0:
                b = b[: int(rng.integers(0, len(b)))]
            else:
                for _ in range(int(rng.integers(1, 6))):
                    b[int(rng.integers(0, min(head, len(b))))] = int(rng.integers(0, 256))
            p.write_bytes(bytes(b))
            for fn in (mod.scan, mod.read):
                with warnings.catch_warnings():
                    warnings.simplefilter("error")
                    try:
                        fn(p)
                    except FileFormatError as exc:
                        assert str(p) in str(exc) and (exc.position or exc.byte_offset is not None), str(exc)


def test_su_refuses_fractional_microseconds(tmp_path):
    with pytest.raises(ValueError, match="whole microseconds"):
        io.write(make_gather(np.zeros((1, 4)), 62.5e-6), tmp_path / "x.su", format="su")
