"""``geoexplore precompile``: after it, a new process loads every OpenQuake numba kernel a hazard run uses from the cache.

OpenQuake's hazardlib compiles about fifty numba functions the first time it is imported in an environment (58-60 s
of CPU here). The check reads numba's own counters, never a time: in a fresh interpreter after the command, every
OpenQuake dispatcher used by the import and one hazard calculation was a cache hit, none a miss (compiled again).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("openquake.hazardlib", reason="the hazard extra is not installed (pip install -e '.[hazard]')")

COUNT = textwrap.dedent("""
    import json, sys
    from numba.core.registry import CPUDispatcher
    from geoexplore.fault.hazard.precompile import precompile
    precompile()
    hits = misses = 0
    for name, mod in list(sys.modules.items()):
        if not name.startswith("openquake") or mod is None:
            continue
        for obj in list(vars(mod).values()):
            if isinstance(obj, CPUDispatcher) and obj.__module__ == name:
                hits += sum(obj.stats.cache_hits.values())
                misses += sum(obj.stats.cache_misses.values())
    print(json.dumps({"hits": hits, "misses": misses}))
""")


def test_after_precompile_a_new_process_compiles_nothing_again():
    r = subprocess.run([sys.executable, "-m", "geoexplore.cli", "precompile", "--json"], capture_output=True, text=True,
                       timeout=1200)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["command"] == "precompile" and set(out["openquake_cpu_s"]) == {"import_s", "hazard_s"}
    assert "OpenQuake hazardlib's numba kernels" in r.stderr  # the progress line goes to stderr with --json
    r = subprocess.run([sys.executable, "-c", COUNT], capture_output=True, text=True, timeout=1200)
    assert r.returncode == 0, r.stderr
    counts = json.loads(r.stdout.strip().splitlines()[-1])
    assert counts["misses"] == 0 and counts["hits"] >= 40, counts
