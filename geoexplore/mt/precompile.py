"""Compile the MT robust regression's numba kernels into their on-disk cache once, before a run needs them.

The inner loops of :mod:`geoexplore.mt.robust` (:mod:`geoexplore.mt.robust_kernels`, ``cache=True``) are
compiled on first use in an environment: in a cold cache the demo's first ``mt-tf`` item took 3.5 s instead
of 0.26 s. :func:`precompile` runs :func:`geoexplore.mt.processing.estimate_tf` (the ``mt.tf`` step's call)
once on two short SYNTHETIC stations made in memory (:func:`geoexplore.mt.synth_ts.synthesize`, no data
files), with the second as remote reference and once single site, so the kernels see the dtypes and
layouts of a real run.
"""

from __future__ import annotations

import time


def precompile() -> float:
    """Estimate one small synthetic station's transfer functions (remote reference and single site); returns CPU seconds."""
    from geoexplore.mt.processing import estimate_tf
    from geoexplore.mt.synth_ts import StationSpec, synthesize

    t0 = time.process_time()
    local, remote = synthesize([StationSpec("PC1", (100.0, 1000.0), (500.0,)), StationSpec("PC2", (100.0, 1000.0), (500.0,))],
                               sample_rate_hz=16.0, n_samples=4096, seed=1, noise_e_mv_km=1e-3, noise_h_nt=1e-3)
    estimate_tf(local, remote)
    estimate_tf(local)
    return time.process_time() - t0


__all__ = ["precompile"]
