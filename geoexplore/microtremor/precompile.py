"""Compile the microtremor methods' numba kernels into their on-disk cache once, before a run needs them.

Two sets are compiled on first use in an environment (``cache=True``): the H/V window kernels of
:mod:`geoexplore.microtremor.spectral_ratio`, and disba's dispersion code (``surf96`` and its helpers,
disba compiles with ``cache=True`` too), which the array dispersion inversion calls thousands of times. In a
cold cache the demo's ``microtremor-array`` item took 15.1 s instead of 9.6 s. :func:`precompile` runs the
public functions once on SYNTHETIC inputs made in memory (no data files):
:func:`geoexplore.microtremor.process.process_record` on a short noise record
(:func:`geoexplore.microtremor.synth.noise_record`), with rotated H/V too (``azimuths_deg``), so the
window kernel is compiled for both working precisions (float32 for H/V, float64 for the rotated curves),
and :func:`geoexplore.microtremor.dispersion.forward`, the inversion's forward model.
"""

from __future__ import annotations

import time

import numpy as np


def precompile() -> float:
    """H/V of one short synthetic record and one Rayleigh dispersion curve; returns CPU seconds."""
    from geoexplore.microtremor.dispersion import forward
    from geoexplore.microtremor.process import process_record
    from geoexplore.microtremor.settings import HvsrSettings
    from geoexplore.microtremor.synth import noise_record

    t0 = time.process_time()
    h, vs = np.array([20.0, 0.0]), np.array([200.0, 800.0])
    rec = noise_record(h, vs, 2.0 * vs, np.array([1900.0, 2200.0]), fs_hz=20.0, duration_s=60.0, station="PC")
    process_record(rec, HvsrSettings(window_length_s=10.0, freq_min_hz=0.5, n_freq=64, azimuths_deg=[0.0, 90.0]))
    forward(h[:-1], vs, np.linspace(1.0, 10.0, 8))
    return time.process_time() - t0


__all__ = ["precompile"]
