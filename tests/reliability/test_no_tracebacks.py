"""No third-party noise on bad input: the command line on damaged files prints one line per file, never a traceback.

The damaged files are the fuzzer's own inputs (:func:`geoexplore.testing.fuzz.make_input`,
a fixed seed: the same files on every machine), written with their side-car files and
given to the command that reads that format, in a subprocess, as a user would. Nothing
containing "Traceback" or "Exception ignored" may reach stderr: not ObsPy's libmseed log
callback failing on a damaged header (a ``UnicodeDecodeError`` Python can only print),
not a package's warning with its source line, not an HDF5 error stack.

Plus the case issue 23 was filed for, made on purpose: an MT miniSEED record whose
station code holds bytes that are not UTF-8 and whose Steim-2 frame is damaged, so
that libmseed's message cannot be decoded by ObsPy's callback.
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from geoexplore.testing.fuzz import load_seeds, make_input
from geoexplore.testing.seeds import companion_path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SEED = 20261206
NOISE = ("Traceback", "Exception ignored")

# fuzz format -> command line reading it (the files are appended)
COMMANDS = {
    "miniseed": ["hvsr", "--out", "{out}"],
    "saf": ["hvsr", "--out", "{out}"],
    "segy": ["seismic", "info"],
    "su": ["seismic", "info"],
    "seg2": ["seismic", "info"],
    "edi": ["mt", "info"],
    "emtf-z": ["mt", "info"],
    "ert-unified": ["ert", "info"],
    "ert-syscal-bin": ["ert", "info"],
    "ert-res2dinv": ["ert", "info"],
}


def _cli(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([str(BIN / "geoexplore"), *args], cwd=cwd, capture_output=True, text=True, timeout=600, env=env)


def _damaged(name: str, n: int, folder: Path, shared: Path) -> list[Path]:
    """The fuzzer's inputs 0..n-1 of a format (seed SEED), each in its own file with its side-car files."""
    seeds, _ = load_seeds(name, shared)
    if not seeds:
        pytest.skip(f"{name}: no seed file (the shared field-data folder holds them: {shared})")
    folder.mkdir(parents=True)
    out = []
    for i in range(n):
        s, data, _desc = make_input(name, seeds, SEED, i)
        p = folder / f"m{i:03d}{s.suffix}"
        p.write_bytes(data)
        for ending, extra in s.companions:
            companion_path(p, ending).write_bytes(extra)
        out.append(p)
    return out


def _check(r: subprocess.CompletedProcess, what: str) -> None:
    noisy = [ln for ln in r.stderr.splitlines() if any(w in ln for w in NOISE)]
    assert not noisy, f"{what}: third-party noise on stderr:\n{r.stderr[-3000:]}"
    assert r.returncode in (0, 1, 3), f"{what}: exit {r.returncode}\n{r.stderr[-2000:]}"


def _run_format(name: str, n: int, tmp_path: Path, shared: Path) -> None:
    files = _damaged(name, n, tmp_path / name, shared)
    args = [a.format(out=tmp_path / f"{name}-out") for a in COMMANDS[name]]
    if args[0] == "hvsr":  # one record per call: a record that is unreadable must not hide the next one's output
        for f in files:
            _check(_cli([*args, str(f)], tmp_path), f"{name} {f.name}")
    else:
        _check(_cli([*args, *map(str, files)], tmp_path), name)


@pytest.mark.parametrize("name", ["miniseed", "segy", "edi", "ert-syscal-bin"])
def test_damaged_files_print_no_traceback(name, tmp_path, shared_data_path):
    """A few damaged files of four formats (the default suite); every format in the slow test below."""
    _run_format(name, 4 if name == "miniseed" else 12, tmp_path, shared_data_path)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_damaged_files_print_no_traceback_every_format(name, tmp_path, shared_data_path):
    _run_format(name, 12 if COMMANDS[name][0] == "hvsr" else 60, tmp_path, shared_data_path)


def test_libmseed_callback_that_fails_gives_one_line(tmp_path, shared_data_path):
    """Issue 23's case: ObsPy's libmseed log callback cannot decode the message; one line, no traceback."""
    seeds, _ = load_seeds("mt-miniseed", shared_data_path)
    s = seeds[0]
    data = bytearray(s.data)
    off = struct.unpack(">H", data[44:46])[0]  # start of the first record's data (Steim-2 frames)
    data[8:13] = b"\xe9\xff\xfe\xc3\x28"  # station code: bytes that are not UTF-8
    data[off + 8:off + 12] = b"\x12\x34\x56\x78"  # the frame's last sample: the integrity check fails
    p = tmp_path / f"MT03{s.suffix}"
    p.write_bytes(bytes(data))
    for ending, extra in s.companions:
        companion_path(p, ending).write_bytes(extra)
    r = _cli(["mt", "tf", str(p), "--out", str(tmp_path / "tf")], tmp_path)
    _check(r, "mt tf")
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert r.returncode == 1 and len(lines) == 1 and lines[0].startswith(f"geoexplore: {p}"), r.stderr


def test_a_failed_c_callback_inside_a_read_becomes_the_files_error(tmp_path, shared_data_path):
    """The same file through the MT format registry: the C library's own message, recovered, as the file's error."""
    import obspy

    from geoexplore.core.errors import FileFormatError
    from geoexplore.core.formats import FormatRegistry

    seeds, _ = load_seeds("mt-miniseed", shared_data_path)
    data = bytearray(seeds[0].data)
    off = struct.unpack(">H", data[44:46])[0]
    data[8:13] = b"\xe9\xff\xfe\xc3\x28"
    data[off + 8:off + 12] = b"\x12\x34\x56\x78"
    p = tmp_path / "damaged.mseed"
    p.write_bytes(bytes(data))

    def read(path: str):
        return obspy.read(path, format="MSEED")

    with pytest.warns(UserWarning, match="Failed to decode station code"):  # ObsPy's own warning, raised as before
        with pytest.raises(FileFormatError) as err:
            FormatRegistry.call(read, p, "miniseed")
    msg = str(err.value)
    assert "\n" not in msg and str(p) in msg
    assert "Steim-2" in msg or "steim2" in msg.lower(), msg  # libmseed's message, recovered from the undecodable bytes
    assert err.value.position and "record" in err.value.position


DIRECT = """
import sys
from pathlib import Path
from geoexplore.core.errors import FileFormatError, GeoexploreError
from geoexplore.microtremor.io.mseed_sac import MSEED
from geoexplore.mt.io.miniseed import read_miniseed
for name in sys.argv[1:]:
    p = Path(name)
    read = read_miniseed if p.parent.name == "mt" else MSEED.read
    try:
        read(p)
        print("ok", p.parent.name + "/" + p.name)
    except FileFormatError as exc:
        print("error", p.parent.name + "/" + p.name, "|", exc.position, "|", str(exc).replace(chr(10), " "))
    except GeoexploreError as exc:
        print("refused", p.parent.name + "/" + p.name, "|", str(exc).replace(chr(10), " "))
"""


def _issue23_file(folder: Path, shared: Path) -> Path:
    """The MT miniSEED of issue 23: a station code that is not UTF-8 and a damaged Steim-2 frame."""
    s = load_seeds("mt-miniseed", shared)[0][0]
    data = bytearray(s.data)
    off = struct.unpack(">H", data[44:46])[0]
    data[8:13] = b"\xe9\xff\xfe\xc3\x28"
    data[off + 8:off + 12] = b"\x12\x34\x56\x78"
    p = folder / f"MT03{s.suffix}"
    p.write_bytes(bytes(data))
    for ending, extra in s.companions:
        companion_path(p, ending).write_bytes(extra)
    return p


def test_direct_miniseed_reads_print_no_traceback(tmp_path, shared_data_path):
    """The MT and microtremor miniSEED readers called directly, not through a format registry and without the
    command line's quiet_third_party, in a plain subprocess: on the fuzzer's damaged files and on issue 23's file
    nothing containing "Traceback" reaches stderr; a failed libmseed callback is the file's one-line error."""
    mt = _damaged("mt-miniseed", 20, tmp_path / "mt", shared_data_path)
    mt.append(_issue23_file(tmp_path / "mt", shared_data_path))
    hv = _damaged("miniseed", 20, tmp_path / "hv", shared_data_path)
    crafted = tmp_path / "hv" / "crafted.mseed"  # the same damage in a microtremor record
    crafted.write_bytes(mt[-1].read_bytes())
    script = tmp_path / "direct.py"
    script.write_text(DIRECT)
    r = subprocess.run([sys.executable, str(script), *map(str, mt + hv + [crafted])], capture_output=True, text=True,
                       timeout=600, env=dict(os.environ, PYTHONPATH=str(ROOT)), cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-3000:]
    assert not [ln for ln in r.stderr.splitlines() if any(w in ln for w in NOISE)], r.stderr[-3000:]
    out = {ln.split()[1]: ln for ln in r.stdout.splitlines()}
    assert len(out) == len(mt) + len(hv) + 1
    for name in ("mt/MT03" + mt[-1].suffix, "hv/crafted.mseed"):  # libmseed's own message, at the damaged record
        assert out[name].startswith("error") and "C library reading it met a problem" in out[name], out[name]
        assert "steim2" in out[name].lower() and "record" in out[name].split("|")[1], out[name]
