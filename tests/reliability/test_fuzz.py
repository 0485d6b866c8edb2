"""CI-sized fuzz run over every file reader (see docs/reliability.md for the long run).

Each format runs in its own child process (``geoexplore.testing.fuzz.run_isolated``) under an
address-space limit, with a fixed seed and a time budget; two formats run at a time. A mutant must
either read, or raise a geoexplore error naming the file (a ``FileFormatError`` must also carry a
position). Anything else -- another exception type, a FileFormatError without position, no answer
within 20 s, a MemoryError, a crash of the interpreter -- is a failure.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from geoexplore.testing.fuzz import TARGETS, run_isolated

SEED = 20261129
BUDGET_S = 13.0  # per format, after the reader's imports are warm; 17 formats, 2 at a time: ~4 min
MAX_INPUTS = 2000  # per format (the budget ends most formats first)
MEMORY_LIMIT_MB = 1536  # address space of each fuzzing process
# at least this many inputs per format, whatever the load of the machine (EDI spectra files go
# through mt_metadata at ~1 s each; the others run at 5-40 inputs per second on one core)
MIN_INPUTS = {name: 25 for name in TARGETS} | {"edi": 8}


@pytest.fixture(scope="module")
def fuzz_results(shared_data):
    def one(name: str) -> dict:
        return run_isolated(name, MAX_INPUTS, SEED, shared_data, memory_limit_mb=MEMORY_LIMIT_MB, budget_s=BUDGET_S,
                            timeout_s=600)

    with ThreadPoolExecutor(max_workers=2) as ex:
        results = dict(zip(TARGETS, ex.map(one, TARGETS)))
    print("\nfuzz inputs tried per format (seed %d, %.0f s budget each):" % (SEED, BUDGET_S))
    for name, r in results.items():
        print(f"  {name:16s} {r.get('tried', 0):5d} tried, {r.get('read_ok', 0):5d} read, "
              f"{r.get('clean_errors', 0):5d} clean errors, {len(r.get('failures', []))} failures, "
              f"{r.get('warned', 0)} read with a warning, {r.get('seconds', 0):.0f} s")
    print("  total", sum(r.get("tried", 0) for r in results.values()))
    return results


@pytest.mark.parametrize("name", list(TARGETS))
def test_reader_survives_fuzzing(fuzz_results, name):
    r = fuzz_results[name]
    assert not r["failures"], json.dumps(r["failures"][:5], indent=1)
    assert r["seeds"] == len(TARGETS[name].seeds), f"seed files missing for {name}"
    assert r["tried"] >= MIN_INPUTS[name], f"only {r['tried']} inputs tried for {name}"
    assert r["read_ok"] + r["clean_errors"] == r["tried"]
    assert r["without_position"] == 0
