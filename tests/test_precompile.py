"""``geoexplore precompile``: after it, a new process loads every numba kernel of geoexplore's methods and disba from the cache.

The command runs the public code paths of the reflection flow, the MT robust regression and the microtremor
methods (H/V, disba's dispersion) once on tiny synthetic inputs. The check reads numba's own counters, never
a time: in a fresh interpreter after the command, running the same paths again loads every geoexplore and
disba dispatcher it uses from the cache (hits) and compiles none again (no misses). That the demo then
writes no new cache file was measured by hand (docs/install.md).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

COUNT = textwrap.dedent("""
    import json, sys
    from numba.core.registry import CPUDispatcher
    from geoexplore.microtremor.precompile import precompile as microtremor
    from geoexplore.mt.precompile import precompile as mt
    from geoexplore.seismic.reflection.precompile import precompile as seismic
    seismic(); mt(); microtremor()
    hits, misses = {}, {}
    for name, mod in list(sys.modules.items()):
        if mod is None or not name.startswith(("geoexplore.", "disba.")):
            continue
        for attr, obj in list(vars(mod).items()):
            if isinstance(obj, CPUDispatcher) and obj.__module__ == name:
                key = name + "." + attr
                hits[key] = sum(obj.stats.cache_hits.values())
                misses[key] = sum(obj.stats.cache_misses.values())
    print(json.dumps({"hits": hits, "misses": misses}))
""")

#: the kernels a run calls from Python, by module: each must come from the cache. The others a cold demo compiled
#: (``migration._interp``, disba's ``dltar``, ``getc``, ``normc``, ...) are called only from these; a caller loaded
#: from the cache brings its callees' code along, so a new process neither loads nor compiles them (no hit, no miss)
ENTRY_KERNELS = {
    "geoexplore.seismic.reflection.migration": ("_kirch_kernel",),
    "geoexplore.seismic.reflection.stack": ("_nmo_stack_kernel",),
    "geoexplore.seismic.reflection.velocity": ("_semblance_sums",),
    "geoexplore.mt.robust_kernels": ("normal_equations", "abs_residuals", "band_medians", "hat_diagonal", "robust_weights",
                                     "leverage_update"),
    "geoexplore.microtremor.spectral_ratio": ("_power_kernel", "_prepare_kernel"),
    "disba._cps._surf96": ("surf96",),
    "disba._helpers": ("is_sorted",),
}


def test_after_precompile_a_new_process_compiles_no_method_kernel_again():
    r = subprocess.run([sys.executable, "-m", "geoexplore.cli", "precompile", "--json"], capture_output=True, text=True,
                       timeout=1200)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["command"] == "precompile" and set(out["cpu_s"]) == {"seismic_reflection", "mt", "microtremor"}
    assert "the MT robust regression's numba kernels" in r.stderr  # progress lines go to stderr with --json
    r = subprocess.run([sys.executable, "-c", COUNT], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    counts = json.loads(r.stdout.strip().splitlines()[-1])
    assert {k: v for k, v in counts["misses"].items() if v} == {}
    missing = [f"{m}.{k}" for m, names in ENTRY_KERNELS.items() for k in names if not counts["hits"].get(f"{m}.{k}")]
    assert missing == [], missing
    # the extra specializations: Kirchhoff with a writable and a read-only velocity, the window kernel in float32 and float64
    assert counts["hits"]["geoexplore.seismic.reflection.migration._kirch_kernel"] == 2
    assert counts["hits"]["geoexplore.microtremor.spectral_ratio._prepare_kernel"] == 2
