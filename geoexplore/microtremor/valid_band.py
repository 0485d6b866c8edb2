"""The array's valid band for every dispersion method, and the combination of the methods by their errors.

Wathelet et al. (2008) bound what an array can measure by its theoretical
response (:func:`geoexplore.microtremor.fk.array_limits`): wavenumbers below
``kmin / 2`` are not resolved (the main lobe is wider than the wave), above
``kmax`` they alias (a side lobe of the response is as high as the main lobe).
Geopsy draws both limits on the dispersion plot and its users keep only the
picks between them. Here the same rule is applied to every method (MSPAC,
FK), point by point, and each point carries a code saying why it is out:

=====  ==================================================================
code   meaning
=====  ==================================================================
0      inside the valid band (used)
1      no value (no J0 inversion, FK peak on the grid edge)
2      below the resolution limit: k = 2 pi f / c < kmin / 2
3      above the aliasing limit: k = 2 pi f / c > kmax
4      above the aliasing limit: the curve at lower frequencies (its lowest
       velocity c_ref so far) puts the wave at k >= 2 pi f / c_ref > kmax.
       The fundamental Rayleigh mode slows down with frequency, so once the
       curve has reached kmax every higher frequency aliases, whatever an FK
       grid that stops at kmax or a SPAC curve past its first branch shows
5      unstable: the error is more than ``max_rel_error`` of the velocity
       (the windows disagree: no reliable peak)
=====  ==================================================================

:func:`combine_methods` walks up in frequency, classifies every method's
point with the codes above (code 4 from the combined curve below), and
averages the inside points by inverse variance. Its error is the larger of
the propagated error and the weighted scatter between the methods (two
methods that disagree beyond their errors widen the error; neither takes
precedence).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["BAND_CODES", "CombinedCurve", "band_code", "combine_methods"]

INSIDE, NO_VALUE, BELOW_RESOLUTION, ABOVE_ALIASING, ALIASED_CURVE, UNSTABLE = range(6)

#: code -> why a point is (not) used
BAND_CODES: dict[int, str] = {
    INSIDE: "inside the valid band",
    NO_VALUE: "no value",
    BELOW_RESOLUTION: "below the resolution limit (k < kmin/2)",
    ABOVE_ALIASING: "above the aliasing limit (k > kmax)",
    ALIASED_CURVE: "above the aliasing limit (the curve at lower frequencies puts k above kmax)",
    UNSTABLE: "unstable (error above max_rel_error of the velocity)",
}


def band_code(f_hz: float, c_m_s: float, err_m_s: float, k_low_rad_m: float, kmax_rad_m: float, *,
              c_ref_m_s: float = np.inf, max_rel_error: float = 0.5) -> int:
    """Code (module table) of one dispersion point (f in Hz, c and its error in m/s) against the limits (rad/m).

    ``c_ref_m_s``: the lowest velocity of the combined curve at lower frequencies (code 4, checked first: an
    aliased peak can have any wavenumber of its own, also one below the resolution limit).
    """
    if not (np.isfinite(c_m_s) and c_m_s > 0 and np.isfinite(err_m_s)):
        return NO_VALUE
    if 2 * np.pi * f_hz / c_ref_m_s > kmax_rad_m:  # first: an alias can have any wavenumber of its own
        return ALIASED_CURVE
    k = 2 * np.pi * f_hz / c_m_s
    if k < k_low_rad_m:
        return BELOW_RESOLUTION
    if k > kmax_rad_m:
        return ABOVE_ALIASING
    if err_m_s > max_rel_error * c_m_s:
        return UNSTABLE
    return INSIDE


@dataclass
class CombinedCurve:
    """The combined dispersion curve and every method's band codes.

    Attributes
    ----------
    phase_velocity_m_s, error_m_s : ndarray (nfreq,)
        Inverse-variance mean of the inside points (m/s) and its error (m/s); NaN where no method is inside.
    source : ndarray of int (nfreq,)
        Bit mask of the methods used: bit i set when method i (order of ``methods``) is inside.
    codes : dict of str -> ndarray of int (nfreq,)
        Band code (module table) of every method's points.
    """

    phase_velocity_m_s: np.ndarray
    error_m_s: np.ndarray
    source: np.ndarray
    codes: dict[str, np.ndarray]


def combine_methods(f_hz: np.ndarray, methods: dict[str, tuple[np.ndarray, np.ndarray]], k_low_rad_m: float,
                    kmax_rad_m: float, *, max_rel_error: float = 0.5) -> CombinedCurve:
    """Classify every method's points (module docstring) and combine the inside ones by their errors.

    Parameters
    ----------
    f_hz : ndarray (nfreq,)
        Frequencies (Hz), increasing.
    methods : dict
        Name -> (phase velocity, error), both (nfreq,) in m/s.
    k_low_rad_m, kmax_rad_m : float
        Resolution (kmin / 2) and aliasing (kmax) limits of the array (rad/m).
    max_rel_error : float
        Points with a larger relative error are unstable (code 5).
    """
    f = np.asarray(f_hz, float)
    if np.any(np.diff(f) <= 0):
        raise ValueError("the frequencies must increase")
    names = list(methods)
    cs = {m: np.asarray(methods[m][0], float) for m in names}
    es = {m: np.asarray(methods[m][1], float) for m in names}
    codes = {m: np.full(f.size, NO_VALUE, int) for m in names}
    c_out, e_out = np.full(f.size, np.nan), np.full(f.size, np.nan)
    source = np.zeros(f.size, int)
    c_ref = np.inf
    for i, fi in enumerate(f):
        for m in names:
            codes[m][i] = band_code(fi, cs[m][i], es[m][i], k_low_rad_m, kmax_rad_m, c_ref_m_s=c_ref,
                                    max_rel_error=max_rel_error)
        use = [m for m in names if codes[m][i] == INSIDE]
        if not use:
            continue
        c = np.array([cs[m][i] for m in use])
        w = 1.0 / np.array([es[m][i] for m in use]) ** 2
        cm = float(np.sum(w * c) / np.sum(w))
        scatter = float(np.sqrt(np.sum(w * (c - cm) ** 2) / np.sum(w)))
        c_out[i], e_out[i] = cm, max(float(np.sqrt(1.0 / np.sum(w))), scatter)
        source[i] = sum(1 << names.index(m) for m in use)
        c_ref = min(c_ref, cm)
    return CombinedCurve(c_out, e_out, source, codes)
