"""Compile the reflection flow's numba kernels into their on-disk cache once, before a run needs them.

The kernels (``cache=True``) are compiled on first use in an environment, once
per argument signature: in a cold cache the demo's velocity analysis, stack and
migration items took 2.0, 2.5 and 1.6 s instead of 0.66, 0.04 and 0.28 s.
:func:`precompile` runs the flow's public functions once on a tiny synthetic
CMP dataset made in memory (no data files): :func:`.velocity.semblance` (what
:func:`.velocity.velocity_analysis` calls per location), :func:`.imaging.stack`
(with and without residual statics, so NMO too) and :func:`.imaging.migrate`
(Kirchhoff and phase shift). The wrappers cast their inputs, so the kernels
see the dtypes and layouts of a real run; the migration runs on the section as
:func:`.imaging.stack` returns it and as the project store reads it back
(C-ordered arrays), with and without lateral velocity smoothing, since each of
these hands the Kirchhoff kernel a differently flagged velocity array (a
writable copy or a read-only view), which numba compiles separately.
"""

from __future__ import annotations

import time

import numpy as np
import xarray as xr


def _cmp_dataset(n_bins: int = 12, n_off: int = 6, ns: int = 200, dt: float = 0.002) -> xr.Dataset:
    """A tiny CMP dataset (the layout of :mod:`.flow`): one flat reflector at 0.2 s, 2000 m/s."""
    from geoexplore.seismic.reflection.modelling import add_wavelet

    bin_m = 5.0
    cdp = np.repeat(np.arange(n_bins), n_off)
    off = np.tile(np.linspace(10.0, 120.0, n_off), n_bins)
    t = np.sqrt(0.2**2 + (off / 2000.0) ** 2)
    data = add_wavelet(ns, dt, t[:, None], np.ones((t.size, 1)), 40.0).astype(np.float32)
    station = np.arange(cdp.size, dtype=np.int64)
    return xr.Dataset(
        {"data": (("trace", "time_s"), data),
         "bin_chainage_m": ("bin", bin_m * np.arange(n_bins, dtype=float)),
         "fold": ("bin", np.full(n_bins, n_off, np.int64)),
         "elevation_m": ("bin", np.zeros(n_bins)),
         "datum_m": ("bin", np.zeros(n_bins))},
        coords={"time_s": dt * np.arange(ns), "cdp": ("trace", cdp), "offset_m": ("trace", off),
                "source_station": ("trace", station), "receiver_station": ("trace", station + 1)},
        attrs={"dt_s": dt, "line": "precompile", "synthetic": 1, "bin_m": bin_m, "datum": "flat",
               "replacement_velocity_m_s": 2000.0},
    )


def _as_stored(section: xr.Dataset) -> xr.Dataset:
    """The section with C-ordered arrays, as the project store reads a result back."""
    return xr.Dataset({k: (v.dims, np.ascontiguousarray(v.values), v.attrs) for k, v in section.data_vars.items()},
                      coords={k: (v.dims, np.ascontiguousarray(v.values)) for k, v in section.coords.items()},
                      attrs=dict(section.attrs))


def precompile() -> float:
    """Run velocity analysis, stack and migration once on a tiny synthetic dataset; returns CPU seconds."""
    from geoexplore.seismic.reflection.imaging import migrate, stack
    from geoexplore.seismic.reflection.velocity import picks_dataset, semblance

    t0 = time.process_time()
    ds = _cmp_dataset()
    sel = np.flatnonzero(ds["cdp"].values <= 2)
    semblance(ds["data"].values[sel], ds["offset_m"].values[sel], np.arange(1500.0, 2500.0, 100.0), float(ds.attrs["dt_s"]))
    picks = picks_dataset({"cdp": [2, 9], "chainage_m": [10.0, 45.0], "time_s": [0.2, 0.2], "vrms_m_s": [2000.0, 2000.0]}, ds)
    sec = stack(ds, picks)
    stack(ds, picks, residual_statics=True)
    for s in (sec, _as_stored(sec)):
        for smooth in (0.0, 15.0):
            migrate(s, velocity_smooth_m=smooth)
    migrate(_as_stored(sec), method="phase_shift")
    return time.process_time() - t0


__all__ = ["precompile"]
