"""Forward modelling kernels: wavelets, analytic events, Kirchhoff reflection modelling.

* :func:`ricker` - zero-phase Ricker wavelet.
* :func:`add_wavelet` - place wavelets at arbitrary (fractional) times on traces
  through a spectral shift (exact band-limited interpolation).
* :func:`hyperbolic_gathers` - CMP gathers with reflections on exact hyperbolae
  ``t = sqrt(t0**2 + x**2 / v**2)`` (test data with known answers).
* :func:`diffraction_section` - a zero-offset section of one point diffractor.
* :func:`kirchhoff_reflections` - Kirchhoff (Helmholtz-Kirchhoff / Born-type)
  surface-integral modelling: every interface is a chain of facets; each facet
  scatters with its reflection coefficient, an obliquity factor and geometric
  spreading; traveltimes follow the RMS-velocity hyperbola of the overburden
  of each facet (exact moveout for flat layers to second order in offset);
  truncated interfaces (at faults) generate the diffractions of real data.
"""

from __future__ import annotations

from typing import Any

import numba as nb
import numpy as np


def ricker(freq_hz: float, dt_s: float, *, half_length_s: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Zero-phase Ricker wavelet (peak 1 at t = 0); returns ``(t_s, w)``."""
    h = half_length_s or 1.5 / freq_hz
    t = np.arange(-int(round(h / dt_s)), int(round(h / dt_s)) + 1) * dt_s
    a = (np.pi * freq_hz * t) ** 2
    return t, (1 - 2 * a) * np.exp(-a)


def ricker_spectrum(freq_hz: float, f: np.ndarray) -> np.ndarray:
    """Amplitude spectrum of a Ricker wavelet with peak 1 in time (zero phase)."""
    return 2.0 / np.sqrt(np.pi) * f**2 / freq_hz**3 * np.exp(-(f**2) / freq_hz**2)


def add_wavelet(
    n_samples: int,
    dt_s: float,
    times_s: Any,
    amplitudes: Any,
    freq_hz: float,
    *,
    t0_s: float = 0.0,
    pad: int = 2,
) -> np.ndarray:
    """Traces holding Ricker wavelets at given times.

    Parameters
    ----------
    n_samples, dt_s, t0_s : int, float, float
        Output time axis.
    times_s, amplitudes : (n_traces, n_events) array_like
        Event times (s) and amplitudes per trace (NaN times are skipped).
    freq_hz : float
        Ricker peak frequency.

    Returns
    -------
    (n_traces, n_samples) float64 ndarray
    """
    T = np.atleast_2d(np.asarray(times_s, float))
    A = np.broadcast_to(np.atleast_2d(np.asarray(amplitudes, float)), T.shape)
    nfft = int(2 ** np.ceil(np.log2(n_samples * pad)))
    f = np.fft.rfftfreq(nfft, dt_s)
    W = ricker_spectrum(freq_hz, f) / dt_s
    ok = np.isfinite(T)
    ph = np.exp(-2j * np.pi * f[None, None, :] * np.where(ok, T - t0_s, 0.0)[..., None])
    spec = (np.where(ok, A, 0.0)[..., None] * ph).sum(axis=1) * W
    return np.fft.irfft(spec, nfft, axis=-1)[:, :n_samples]


def hyperbolic_gathers(
    offsets_m: Any,
    t0_s: Any,
    vrms_m_s: Any,
    n_samples: int,
    dt_s: float,
    *,
    freq_hz: float = 40.0,
    amplitudes: Any = 1.0,
) -> np.ndarray:
    """Traces with reflections on exact hyperbolae (one row per offset)."""
    x = np.asarray(offsets_m, float)[:, None]
    t0 = np.atleast_2d(np.asarray(t0_s, float))
    v = np.atleast_2d(np.asarray(vrms_m_s, float))
    t = np.sqrt(t0**2 + x**2 / v**2)
    return add_wavelet(n_samples, dt_s, t, np.broadcast_to(np.asarray(amplitudes, float), t.shape), freq_hz)


def diffraction_section(
    x_m: Any, x0_m: float, t0_s: float, v_m_s: float, n_samples: int, dt_s: float, *, freq_hz: float = 30.0
) -> np.ndarray:
    """Zero-offset section (n_x, n_samples) of a point diffractor at (x0, t0) in a constant-velocity medium.

    Traveltime ``sqrt(t0**2 + 4 (x - x0)**2 / v**2)``, amplitude with the 2D
    spreading and obliquity factors ``(t0 / t) / sqrt(t)``, and the 2D
    Green's function phase: the wavelet is half-integrated
    (``(-i w)**-1/2``, a 45 degree phase rotation), so that a correct 2D
    migration returns the zero-phase wavelet at ``(x0, t0)``.
    """
    x = np.asarray(x_m, float)
    t = np.sqrt(t0_s**2 + 4 * (x - x0_m) ** 2 / v_m_s**2)
    amp = (t0_s / t) / np.sqrt(t / t0_s)
    d = add_wavelet(n_samples, dt_s, t[:, None], amp[:, None], freq_hz)
    nfft = int(2 ** np.ceil(np.log2(2 * n_samples)))
    f = np.fft.rfftfreq(nfft, dt_s)
    h = np.zeros(f.size, complex)
    h[1:] = 1.0 / np.sqrt(-1j * f[1:] / freq_hz)
    return np.fft.irfft(np.fft.rfft(d, nfft, axis=1) * h, nfft, axis=1)[:, :n_samples]


@nb.njit(parallel=True, cache=True, fastmath=True)
def _kirchhoff_kernel(sx, sy, sz_el, rx, ry, rz_el, fx, fground, ft0, fv2, fdip, famp, v0, dtf, nsf):  # pragma: no cover
    ntr = sx.size
    nf = fx.size
    out = np.zeros((ntr, nsf))
    for k in nb.prange(ntr):
        dy2 = 0.25 * (ry[k] - sy[k]) ** 2  # along-strike: the reflection point sits midway (2.5D medium)
        for m in range(nf):
            # one-way leg times: hyperbola of the overburden of the facet; surface elevation corrections at v0
            hs = fx[m] - sx[k]
            hr = fx[m] - rx[k]
            ts0 = ft0[m] + (sz_el[k] - fground[m]) / v0
            tr0 = ft0[m] + (rz_el[k] - fground[m]) / v0
            ts = np.sqrt(ts0 * ts0 + (hs * hs + dy2) / fv2[m])
            tr = np.sqrt(tr0 * tr0 + (hr * hr + dy2) / fv2[m])
            t = ts + tr
            # obliquity: cosine of the half-angle between the rays and the facet normal
            ls = np.sqrt(hs * hs + dy2 + (fv2[m] * ts0 * ts0))
            lr = np.sqrt(hr * hr + dy2 + (fv2[m] * tr0 * tr0))
            nx = -np.sin(fdip[m])
            nz = np.cos(fdip[m])
            cs = (-hs * nx + np.sqrt(fv2[m]) * ts0 * nz) / ls
            cr = (-hr * nx + np.sqrt(fv2[m]) * tr0 * nz) / lr
            ob = 0.5 * (cs + cr)
            if ob <= 0:
                continue
            a = famp[m] * ob / np.sqrt(ls * lr) / np.sqrt(ls + lr)
            f = t / dtf
            j = int(f)
            if j < 0 or j >= nsf - 1:
                continue
            w = f - j
            out[k, j] += (1 - w) * a
            out[k, j + 1] += w * a
    return out


def kirchhoff_reflections(
    source_x_m: Any,
    source_elev_m: Any,
    receiver_x_m: Any,
    receiver_elev_m: Any,
    facets: dict[str, np.ndarray],
    n_samples: int,
    dt_s: float,
    *,
    freq_hz: float = 60.0,
    v_surface_m_s: float = 1000.0,
    oversample: int = 4,
    source_y_m: Any = None,
    receiver_y_m: Any = None,
) -> np.ndarray:
    """Kirchhoff modelling of reflections from facetted interfaces.

    Parameters
    ----------
    source_x_m, source_elev_m, receiver_x_m, receiver_elev_m : (n_traces,) array_like
        Positions along the line (m) and elevations (m) of each trace's source and receiver.
    facets : dict of (n_facets,) arrays
        ``x_m`` (chainage), ``ground_m`` (ground elevation above the facet),
        ``t0_s`` (one-way vertical time from the ground surface above the facet),
        ``vrms_m_s`` (RMS velocity of that overburden), ``dip_rad`` (facet
        dip, positive down towards +x), ``weight`` (reflection coefficient x
        facet length in m).
    n_samples, dt_s : int, float
        Output time axis (starting at 0 s).
    freq_hz : float
        Ricker peak frequency of the source.
    v_surface_m_s : float
        Velocity used for the elevation differences between the surface at
        the source/receiver and above the facet.
    source_y_m, receiver_y_m : (n_traces,) array_like, optional
        Distances along strike (off the line, m) for a 2.5D medium (crooked lines).
    oversample : int
        Spikes are deposited on a grid ``oversample`` times finer, then
        filtered with the wavelet (times its half-derivative, the 2D
        Kirchhoff filter) and decimated.

    Returns
    -------
    (n_traces, n_samples) float64 ndarray
    """
    dtf = dt_s / oversample
    nsf = n_samples * oversample
    f = facets
    sx = np.ascontiguousarray(source_x_m, float)
    sy = np.zeros_like(sx) if source_y_m is None else np.ascontiguousarray(source_y_m, float)
    ry = np.zeros_like(sx) if receiver_y_m is None else np.ascontiguousarray(receiver_y_m, float)
    spikes = _kirchhoff_kernel(
        sx, sy, np.ascontiguousarray(source_elev_m, float),
        np.ascontiguousarray(receiver_x_m, float), ry, np.ascontiguousarray(receiver_elev_m, float),
        np.ascontiguousarray(f["x_m"], float), np.ascontiguousarray(f["ground_m"], float),
        np.ascontiguousarray(f["t0_s"], float), np.ascontiguousarray(np.asarray(f["vrms_m_s"], float) ** 2),
        np.ascontiguousarray(f["dip_rad"], float), np.ascontiguousarray(f["weight"], float),
        float(v_surface_m_s), dtf, nsf,
    )
    nfft = int(2 ** np.ceil(np.log2(nsf + int(3 / freq_hz / dtf))))
    fr = np.fft.rfftfreq(nfft, dtf)
    # Ricker times the 2D Kirchhoff half-derivative sqrt(-i w) (normalised at the peak frequency)
    filt = ricker_spectrum(freq_hz, fr) / dtf * np.sqrt(-1j * fr / freq_hz + 0j)
    sp = np.fft.rfft(spikes, nfft, axis=-1) * filt
    fine = np.fft.irfft(sp, nfft, axis=-1)[:, :nsf]
    return fine[:, ::oversample] * dtf  # integral over facets: spikes carry facet weights


__all__ = [
    "add_wavelet", "diffraction_section", "hyperbolic_gathers", "kirchhoff_reflections", "ricker", "ricker_spectrum",
]
