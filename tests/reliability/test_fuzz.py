"""CI-sized fuzz run over every file reader (see docs/reliability.md for the long run).

Each format runs in its own child process (``geoexplore.testing.fuzz.run_isolated``) under an
address-space limit, with a fixed seed and a fixed number of inputs (input ``i`` depends only on the
seed and ``i``, so every machine runs the same inputs); two formats run at a time. A mutant must
either read, or raise a geoexplore error naming the file and carrying a position. Anything else --
another exception type, an error without a position, no answer within 20 s, a MemoryError, a crash
of the interpreter -- is a failure naming the format and the input.

The harness itself is tested with a reader that hangs where the alarm cannot reach it, one that
swallows the alarm with ``except Exception``, and one that kills the interpreter.
"""

from __future__ import annotations

import json
import os
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor

import pytest

from geoexplore.testing.fuzz import TARGETS, _Timeout, main, run_isolated

SEED = 20261129
N_INPUTS = 500  # per format in the default run: about 2 min CPU for all formats together
N_INPUTS_SLOW = 2000  # per format in the slow run (and 20 000 in the documented long run)
MEMORY_LIMIT_MB = 1536  # address space of each fuzzing process
CI_TARGETS = [name for name, t in TARGETS.items() if t.ci]  # mth5 (about 0.5 s per input) is in the long run only


def _needs_shared(spec: str) -> bool:
    return spec.split(":", 1)[0] in ("shared", "head")


def _fuzz_all(shared, n: int) -> dict:
    """Every CI format, from the real files in the shared folder when it is there, and always from the embedded
    and generated seeds (so a machine without ../shared/data still fuzzes every format that has one)."""

    def one(name: str) -> dict:
        return run_isolated(name, n, SEED, shared, memory_limit_mb=MEMORY_LIMIT_MB, timeout_s=900)

    with ThreadPoolExecutor(max_workers=2) as ex:
        results = dict(zip(CI_TARGETS, ex.map(one, CI_TARGETS)))
    print(f"\nfuzz inputs tried per format (seed {SEED}):")
    for name, r in results.items():
        print(f"  {name:22s} {r['tried']:5d} tried, {r['read_ok']:5d} read, {r['clean_errors']:5d} clean errors, "
              f"{len(r['failures'])} failures, {r['warned']} read with a warning, {r['seconds']:.0f} s, "
              f"{r['cpu_seconds']:.0f} s CPU")
    print("  total", sum(r["tried"] for r in results.values()), "inputs,",
          round(sum(r["cpu_seconds"] for r in results.values())), "s CPU")
    return results


@pytest.fixture(scope="module")
def fuzz_results(shared_data_path):
    return _fuzz_all(shared_data_path, N_INPUTS)


def _check(r: dict, name: str, n: int, shared_here: bool) -> None:
    assert not r["failures"], json.dumps(r["failures"][:5], indent=1)
    # every seed spec resolved, except real files of a shared folder that is not on this machine
    missing = [spec for spec in r["missing_seeds"] if shared_here or not _needs_shared(spec)]
    assert not missing, f"seed files missing for {name}: {missing}"
    assert r["tried"] == n, f"{r['tried']} inputs tried for {name}, not {n}"
    assert r["read_ok"] + r["clean_errors"] == r["tried"]
    assert r["without_position"] == 0
    assert r["read_ok"] > 0 and r["clean_errors"] > 0  # the mutations reach both outcomes


@pytest.mark.parametrize("name", CI_TARGETS)
def test_reader_survives_fuzzing(fuzz_results, shared_data_path, name):
    r = fuzz_results[name]
    shared_here = shared_data_path.is_dir()
    if r["seeds"] == 0 and not shared_here:
        pytest.skip(f"{name}: its only seeds are real files in the shared folder, not present here")
    _check(r, name, N_INPUTS, shared_here)


@pytest.mark.slow
def test_every_reader_survives_the_longer_fuzz_run(shared_data_path):
    """The same seed and checks with four times the inputs (inputs 0-499 are the default run's)."""
    shared_here = shared_data_path.is_dir()
    results = _fuzz_all(shared_data_path, N_INPUTS_SLOW)
    for name, r in results.items():
        if r["seeds"] == 0 and not shared_here:
            continue  # as in the default run: only real shared seeds, not on this machine
        _check(r, name, N_INPUTS_SLOW, shared_here)


# -- the harness --------------------------------------------------------------------------
PROBE = textwrap.dedent(
    """
    import os, signal, time
    from pathlib import Path

    def read(path):
        name = Path(path).stem
        if not name.startswith("mutant-"):
            return None  # the warm-up on the seed
        i = int(name.split("-")[1])
        if i == 2:  # a hang the alarm cannot end (as inside C code that blocks or ignores signals)
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
            time.sleep(600)
        if i == 4:  # a reader that wraps everything in ``except Exception`` must not swallow the alarm
            try:
                time.sleep(600)
            except Exception:
                return None
        if i == 6:  # the interpreter dies
            os.abort()
        return None
    """
)


@pytest.fixture
def probe_target(tmp_path, monkeypatch):
    (tmp_path / "fuzzprobe.py").write_text(PROBE)
    seed = tmp_path / "seed.bin"
    seed.write_bytes(b"\x00" * 64)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(tmp_path), *sys.path]))
    monkeypatch.setenv("GEOEXPLORE_FUZZ_TARGETS", json.dumps({"probe": {"reader": "fuzzprobe:read", "seeds": [f"file:{seed}"]}}))
    return tmp_path


def test_hangs_and_crashes_name_the_input_and_the_run_goes_on(probe_target, tmp_path):
    r = run_isolated("probe", 9, 1, tmp_path, time_limit_s=1.0, memory_limit_mb=1024, timeout_s=120)
    by_input = {f["input"]: f for f in r["failures"]}
    assert sorted(by_input) == [2, 4, 6], r["failures"]
    assert by_input[2]["why"].startswith("hang") and "Timeout" in by_input[2]["stderr"]  # faulthandler's watchdog
    assert by_input[4]["why"] == "hang"  # the alarm is a BaseException: not swallowed by ``except Exception``
    assert by_input[6]["why"].startswith("interpreter crashed")
    assert all("mutation" in f for f in r["failures"])
    assert r["tried"] == 9 and r["read_ok"] == 6 and r["children"] == 3  # resumed after each death
    assert "--only 2" in by_input[2]["reproduce"]


def test_timeout_is_not_an_exception():
    assert issubclass(_Timeout, BaseException) and not issubclass(_Timeout, Exception)


def test_long_run_fails_without_seed_files(tmp_path, capsys):
    """The documented command exits non-zero when a format's seed files are absent (not 0 with 0 inputs)."""
    empty = tmp_path / "no-shared-data"
    empty.mkdir()
    assert main(["--format", "ert-sting", "--n", "5", "--shared", str(empty)]) == 1  # real shared seeds only
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["tried"] == 0 and any(f["why"] == "seed files missing" for f in line["failures"])
    # a format with an embedded seed as well: its inputs run, and the missing real seed still fails the long run
    assert main(["--format", "su", "--n", "5", "--shared", str(empty)]) == 1
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["tried"] == 5 and any(f["why"] == "seed files missing" for f in line["failures"])
