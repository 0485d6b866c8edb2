"""A header that claims a huge count must not be allocated: real files with one count made enormous.

Each file is read in a child process whose address space is limited to 1 GB (``RLIMIT_AS``); a
reader that trusted the count would need terabytes and die with MemoryError (or be killed). Each
must raise a positioned FileFormatError (or read what is really there) within seconds.
"""

from __future__ import annotations

import json
import re
import struct
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

HUGE = 10**12
CHILD = textwrap.dedent(
    """
    import importlib, json, resource, sys, time
    lim = 1024 * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (lim, lim))
    from geoexplore.core.errors import FileFormatError, GeoexploreError
    out = []
    for reader, path in json.loads(sys.argv[1]):
        mod, _, fn = reader.partition(":")
        f = getattr(importlib.import_module(mod), fn)
        t0 = time.perf_counter()
        try:
            f(path)
            res = {"result": "read"}
        except FileFormatError as e:
            res = {"result": "FileFormatError", "position": e.position, "message": str(e)}
        except GeoexploreError as e:
            res = {"result": type(e).__name__, "message": str(e)}
        except BaseException as e:
            res = {"result": "uncaught " + type(e).__name__, "message": str(e)[:300]}
        res.update(path=path, seconds=time.perf_counter() - t0)
        out.append(res)
    print(json.dumps(out))
    """
)


def _replace_line(data: bytes, pattern: bytes, new: bytes) -> bytes:
    out, n = re.subn(pattern, new, data, count=1, flags=re.MULTILINE)
    assert n == 1, pattern
    return out


def _cases(shared: Path, tmp: Path) -> list[tuple[str, str, Path]]:
    cases = []

    def add(name: str, reader: str, data: bytes, suffix: str) -> None:
        p = tmp / f"{name}{suffix}"
        p.write_bytes(data)
        cases.append((name, reader, p))

    seis = "geoexplore.seismic.io:read"
    segy = bytearray((shared / "seismic" / "f3.sgy").read_bytes())
    big = bytearray(segy)
    big[3220:3222] = struct.pack(">H", 65535)  # samples per trace (binary header)
    big[3600 + 114:3600 + 116] = struct.pack(">H", 65535)  # samples in trace 1
    add("segy-ns", seis, bytes(big), ".sgy")
    rev2 = bytearray(segy)
    rev2[3500:3502] = struct.pack(">H", 0x0200)  # SEG-Y rev 2 ...
    rev2[3268:3272] = struct.pack(">I", 0x7FFFFFFF)  # ... with 2^31-1 extended samples per trace
    rev2[3220:3222] = b"\x00\x00"
    add("segy-rev2-ext-ns", seis, bytes(rev2), ".sgy")
    su = bytearray((shared / "seismic" / "oz-ozdata16.su").read_bytes())
    for order in ("<", ">"):
        s = bytearray(su)
        s[114:116] = struct.pack(order + "H", 65535)
        add(f"su-ns-{order == '<' and 'le' or 'be'}", seis, bytes(s), ".su")
    seg2 = bytearray((shared / "seismic" / "su-329.seg2").read_bytes())
    first = struct.unpack("<I", seg2[32:36])[0]  # pointer to trace 1's descriptor block
    s2 = bytearray(seg2)
    s2[first + 4:first + 12] = struct.pack("<II", 0x7FFFFFFF, 0x7FFFFFFF)  # data size, sample count
    add("seg2-samples", seis, bytes(s2), ".seg2")
    s2 = bytearray(seg2)
    s2[6:8] = struct.pack("<H", 65535)  # number of traces
    add("seg2-traces", seis, bytes(s2), ".seg2")
    add("ert-unified-sensors", "geoexplore.ert.io:read",
        _replace_line((shared / "ert" / "slagdump.ohm").read_bytes(), rb"^38# Number of sensors", b"%d# Number of sensors" % HUGE),
        ".ohm")
    add("ert-res2dinv-data", "geoexplore.ert.io:read",
        _replace_line((shared / "ert" / "instruments" / "res2dinv-dd.dat").read_bytes(), rb"^591 *\r?$", b"%d" % HUGE), ".dat")
    add("sgt-points", "geoexplore.seismic.io.sgt:read_sgt",
        _replace_line((shared / "seismic" / "koenigsee.sgt").read_bytes(), rb"^63 # shot", b"%d # shot" % HUGE), ".sgt")
    add("edi-nfreq", "geoexplore.mt.edi:read_edi",
        _replace_line((shared / "mt" / "tf_edi_metronix.edi").read_bytes(), rb"NFREQ=73", b"NFREQ=%d" % HUGE), ".edi")
    add("emtf-z-nfreq", "geoexplore.mt.zfile:read_zfile",
        _replace_line((shared / "mt" / "emtf-result-test1.zss").read_bytes(), rb"number of frequencies +25",
                      b"number of frequencies   %d" % HUGE), ".zss")
    # -- electrical instruments -----------------------------------------------------------------
    inst = shared / "ert" / "instruments"
    add("ert-abem-ndata", "geoexplore.ert.io:read",
        _replace_line((inst / "abem-lund-norm.ohm").read_bytes(), rb"^431 1", b"%d 1" % HUGE), ".ohm")
    add("ert-sting-records", "geoexplore.ert.io:read",
        _replace_line((inst / "sting_2D_noIP.stg").read_bytes(), rb"Records: 712", b"Records: %d" % HUGE), ".stg")
    # Syscal binary: the record count comes from the file size; an electrode 1e9 m away must not make an
    # electrode grid of that extent
    sys_bin = bytearray((inst / "syscal-bin.bin").read_bytes())
    sys_bin[1029 + 16:1029 + 20] = struct.pack("<f", 1e9)  # record 1, electrode A x (after code, moment, times, kind)
    add("ert-syscal-bin-far-electrode", "geoexplore.ert.io:read", bytes(sys_bin), ".bin")
    add("ert-syscal-csv-far-electrode", "geoexplore.ert.io:read",
        _far_first_csv_electrode((inst / "syscal-bin.csv").read_bytes()), ".csv")
    # -- passive seismic ---------------------------------------------------------------------------
    siping = Path(__file__).resolve().parents[2] / "data" / "siping"
    ms = bytearray((siping / "microtremor" / "hv_22025.mseed").read_bytes())
    big = bytearray(ms)
    big[30:32] = struct.pack(">H", 65535)  # samples in record 1 (the largest the field holds) ...
    big[54] = 30  # ... in a record of 2^30 bytes (blockette 1000 record-length exponent)
    add("miniseed-reclen", "geoexplore.microtremor.io:read_record", bytes(big), ".mseed")
    add("geopsy-hv-windows", "geoexplore.microtremor.io.geopsy:read_hv",
        _replace_line((shared / "microtremor" / "sesame-ex4.hv").read_bytes(), rb"^# Number of windows = 60",
                      b"# Number of windows = %d" % HUGE), ".hv")
    # the formats added to the fuzz suite, written by the project's writers (geoexplore.testing.seeds)
    from geoexplore.testing import seeds

    saf = seeds.saf()[0].data
    add("saf-ndat", "geoexplore.microtremor.io:read_record", _replace_line(saf, rb"^NDAT = \d+", b"NDAT = %d" % HUGE), ".saf")
    sac = bytearray(seeds.sac()[0].data)
    sac[316:320] = struct.pack("<i", 2**31 - 1)  # NPTS (header word 79)
    add("sac-npts", "geoexplore.microtremor.io:read_record", bytes(sac), ".sac")
    mt = seeds.mt_miniseed()[0]
    mts = bytearray(mt.data)
    last = len(mts) - 4096  # the last 4096-byte record starts in 2100: a span of 77 years of samples
    mts[last + 20:last + 22] = struct.pack(">H", 2100)
    add("mt-miniseed-span", "geoexplore.mt.timeseries:read_miniseed", bytes(mts), ".mseed")
    (tmp / "mt-miniseed-span.yaml").write_bytes(mt.companions[0][1])
    return cases


def _far_first_csv_electrode(data: bytes) -> bytes:
    """The Syscal CSV with the first electrode coordinate of the first data row moved 1e9 m away."""
    lines = data.split(b"\n")
    k = lines[0].split(b",").index(b"xA (m)")
    row = lines[1].split(b",")
    row[k] = b"1000000000"
    lines[1] = b",".join(row)
    return b"\n".join(lines)


def test_huge_claimed_counts_are_not_allocated(shared_data, tmp_path):
    cases = _cases(shared_data, tmp_path)
    arg = json.dumps([(reader, str(path)) for _, reader, path in cases])
    r = subprocess.run([sys.executable, "-c", CHILD, arg], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    results = json.loads(r.stdout.strip().splitlines()[-1])
    bad = []
    for (name, _, path), res in zip(cases, results):
        print(f"{name:22s} {res['result']:16s} {res.get('position') or '':28s} {res['seconds']:.2f} s")
        ok = res["result"] == "read" or (res["result"] == "FileFormatError" and res["position"] and path.name in res["message"])
        if not ok or res["seconds"] > 20:
            bad.append((name, res))
    assert not bad, bad
    assert sum(res["result"] == "FileFormatError" for res in results) >= len(results) - 5  # most are refused outright
