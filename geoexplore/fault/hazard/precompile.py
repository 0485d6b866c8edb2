"""Compile OpenQuake's numba kernels into their on-disk cache once, before a run needs them.

``openquake.hazardlib`` compiles about fifty numba functions (``cache=True``)
when it is first imported in an environment, most of them eagerly at import
(the ones with a signature), a few on first call. On this project's 2-core
machine that took 58-60 s of CPU; once cached, the import takes about 2 s and
the demo's hazard step 9 s instead of 68 s. The cache lies beside OpenQuake's
modules (``__pycache__``, or ``NUMBA_CACHE_DIR``), so it is paid once per
environment, not per run. :func:`precompile` pays it before the first run: it
imports hazardlib and computes the hazard curves of one small fault source at
one site through :func:`geoexplore.fault.hazard.run.fault_hazard`, the path a
run takes (the NRML export and its validation included). ``geoexplore
precompile`` runs it; do it once after installing, and before starting the
workers of a cluster that share the environment (else each worker compiles
the same kernels at the same time).
"""

from __future__ import annotations

import tempfile
import time


def precompile() -> dict[str, float]:
    """Import OpenQuake's hazardlib and run one small hazard calculation; returns CPU seconds per part."""
    from geoexplore.fault.hazard.run import require_openquake

    require_openquake()
    t0 = time.process_time()
    import openquake.hazardlib  # noqa: F401 - the import compiles the kernels that have a signature

    t1 = time.process_time()
    from geoexplore.fault.hazard.psha import Site
    from geoexplore.fault.hazard.run import fault_hazard
    from geoexplore.fault.hazard.sources import FaultSource
    from geoexplore.fault.rules import load_rules

    src = FaultSource("precompile", "precompile", [(124.30, 43.10), (124.45, 43.25)], dip_deg=60.0, rake_deg=90.0,
                      upper_depth_km=0.0, lower_depth_km=15.0, length_km=20.6, slip_rate_mm_yr=(0.1, 0.2, 0.4))
    with tempfile.TemporaryDirectory() as tmp:
        fault_hazard([src], load_rules(), sites=[Site("precompile", 124.35, 43.17)], out_dir=tmp)
    return {"import_s": t1 - t0, "hazard_s": time.process_time() - t1}
