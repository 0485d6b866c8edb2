"""Magnitude-frequency distributions balanced on a fault's seismic moment rate.

Conventions (as in OpenQuake, so that an exported source means what it says):

* Seismic moment ``M0 = 10 ** (1.5 Mw + 9.05)`` N m (Hanks and Kanamori 1979).
* Moment rate from slip rate: ``Mdot = mu * A * s`` (N m / yr) with rigidity
  ``mu`` (Pa), fault area ``A`` (m2) and long-term slip rate ``s`` (m / yr)
  (Brune 1968).
* Incremental distributions are histograms of bins of width ``bin_width``
  whose left edge of the first bin is ``min_mag``; the rate of a bin is the
  rate of events with magnitude inside it, assigned to its centre.
* Truncated Gutenberg-Richter: ``N(>= m) = 10 ** (a - b m)`` between
  ``min_mag`` and ``max_mag``; bin rate ``10**(a - b lo) - 10**(a - b hi)``
  (OpenQuake's ``TruncatedGRMFD``).
* Characteristic (Youngs and Coppersmith 1985, BSSA 75(4):939-964): an
  exponential part from ``min_mag`` to ``char_mag - 0.25`` and a uniform
  characteristic box ``[char_mag - 0.25, char_mag + 0.25]`` whose rate density
  equals the exponential density ``1.0`` magnitude unit below the box's lower
  edge (their Delta M1 = 1, Delta M2 = 0.5).

Both are balanced so that the moment rate summed over the *bins* (what a hazard
code integrates) equals ``Mdot`` exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from geoexplore.core.errors import GeoexploreError

#: Hanks and Kanamori (1979) constant in N m (16.05 in dyne cm)
HK_CONSTANT = 9.05
#: width of the characteristic box (Youngs and Coppersmith 1985, Delta M2)
CHAR_BOX_WIDTH = 0.5
#: distance below the box where the densities are matched (Delta M1)
CHAR_DELTA_M1 = 1.0


def seismic_moment_nm(mag: float | np.ndarray) -> float | np.ndarray:
    """Seismic moment (N m) of moment magnitude ``mag`` (Hanks and Kanamori 1979)."""
    return 10.0 ** (1.5 * np.asarray(mag, float) + HK_CONSTANT)


def moment_rate_nm_yr(slip_rate_mm_yr: float, length_km: float, width_km: float, rigidity_pa: float = 3.0e10) -> float:
    """Seismic moment rate ``mu A s`` (N m / yr) of a fault (or, given arrays, of many samples element by element).

    Parameters
    ----------
    slip_rate_mm_yr : float
        Long-term slip rate on the fault plane (mm/yr).
    length_km, width_km : float
        Fault length along strike and down-dip width (km).
    rigidity_pa : float
        Shear modulus (Pa); 3.0e10 is the usual crustal value.

    Examples
    --------
    >>> round(moment_rate_nm_yr(1.0, 30.0, 15.0) / 1e16, 3)
    1.35
    """
    for name, v in (("slip rate", slip_rate_mm_yr), ("length", length_km), ("width", width_km), ("rigidity", rigidity_pa)):
        a = np.asarray(v, float)
        bad = ~(np.isfinite(a) & (a > 0))
        if np.any(bad):
            raise GeoexploreError(f"moment rate: {name} must be positive, got {a[bad].flat[0] if a.ndim else float(a)}")
    return rigidity_pa * (length_km * 1e3) * (width_km * 1e3) * (slip_rate_mm_yr * 1e-3)


@dataclass(frozen=True)
class IncrementalMFD:
    """A binned magnitude-frequency distribution.

    Attributes
    ----------
    min_mag : float
        Left edge of the first bin (Mw).
    bin_width : float
        Bin width (magnitude units).
    rates : numpy.ndarray
        Annual rate of events per bin.
    kind : str
        ``'truncated_gr'`` or ``'youngs_coppersmith_1985'``.
    a_value, b_value : float
        Gutenberg-Richter a (cumulative, annual) and b of the exponential part.
    max_mag : float
        Right edge of the last bin.
    """

    min_mag: float
    bin_width: float
    rates: np.ndarray
    kind: str
    a_value: float
    b_value: float
    max_mag: float

    @property
    def magnitudes(self) -> np.ndarray:
        """Bin centres (Mw)."""
        return self.min_mag + self.bin_width * (np.arange(len(self.rates)) + 0.5)

    def moment_rate(self) -> float:
        """Moment rate summed over the bins (N m / yr)."""
        return float(np.sum(self.rates * seismic_moment_nm(self.magnitudes)))

    def rate_above(self, mag: float) -> float:
        """Annual rate of events in bins whose centre is >= ``mag``."""
        return float(np.sum(self.rates[self.magnitudes >= mag - 1e-9]))


def _n_bins(lo: float, hi: float, width: float, what: str) -> int:
    if not (width > 0 and hi > lo):
        raise GeoexploreError(f"MFD: {what} needs max > min and a positive bin width (got {lo}, {hi}, {width})")
    n = int(round((hi - lo) / width))
    if n < 1 or abs(lo + n * width - hi) > 1e-6:
        raise GeoexploreError(f"MFD: {what} range {lo}-{hi} is not a whole number of {width} bins; "
                              "use align_magnitude() on the limits first")
    return n


def align_magnitude(mag: float, bin_width: float = 0.1, origin: float = 0.0) -> float:
    """``mag`` rounded to the nearest bin edge ``origin + k * bin_width``."""
    return round(origin + round((mag - origin) / bin_width) * bin_width, 10)


def truncated_gr(moment_rate: float, b_value: float, min_mag: float, max_mag: float, bin_width: float = 0.1) -> IncrementalMFD:
    """Truncated Gutenberg-Richter distribution carrying ``moment_rate``.

    Parameters
    ----------
    moment_rate : float
        N m / yr.
    b_value : float
    min_mag, max_mag : float
        Bin edges (multiples of ``bin_width`` apart).
    bin_width : float

    Returns
    -------
    IncrementalMFD
        With ``a_value`` such that the binned moment rate equals ``moment_rate``.
    """
    n = _n_bins(min_mag, max_mag, bin_width, "truncated Gutenberg-Richter")
    lo = min_mag + bin_width * np.arange(n)
    hi = lo + bin_width
    unit = 10.0 ** (-b_value * lo) - 10.0 ** (-b_value * hi)  # rates for a = 0
    m0 = seismic_moment_nm(lo + 0.5 * bin_width)
    a = math.log10(moment_rate / float(np.sum(unit * m0)))
    return IncrementalMFD(min_mag, bin_width, 10.0 ** a * unit, "truncated_gr", a, b_value, max_mag)


def youngs_coppersmith(moment_rate: float, b_value: float, min_mag: float, char_mag: float, bin_width: float = 0.1) -> IncrementalMFD:
    """Characteristic-earthquake distribution (Youngs and Coppersmith 1985) carrying ``moment_rate``.

    Parameters
    ----------
    moment_rate : float
        N m / yr.
    b_value : float
        b of the exponential (non-characteristic) part.
    min_mag : float
        Left edge of the first bin.
    char_mag : float
        Centre of the characteristic box ``[char_mag - 0.25, char_mag + 0.25]``;
        its lower edge must fall on a bin edge.
    bin_width : float
    """
    lo_box = char_mag - CHAR_BOX_WIDTH / 2
    hi_box = char_mag + CHAR_BOX_WIDTH / 2
    if lo_box <= min_mag:
        raise GeoexploreError(f"Youngs-Coppersmith: characteristic magnitude {char_mag} too close to the minimum {min_mag}")
    n_exp = _n_bins(min_mag, lo_box, bin_width, "Youngs-Coppersmith exponential part")
    n_box = _n_bins(lo_box, hi_box, bin_width, "Youngs-Coppersmith characteristic box")
    beta = b_value * math.log(10.0)
    lo = min_mag + bin_width * np.arange(n_exp)
    exp_unit = 10.0 ** (-b_value * lo) - 10.0 ** (-b_value * (lo + bin_width))  # a = 0
    # density (per magnitude unit) of the exponential part at lo_box - Delta M1, for a = 0
    density = beta * 10.0 ** (-b_value * (lo_box - CHAR_DELTA_M1))
    box_unit = np.full(n_box, density * bin_width)
    unit = np.concatenate([exp_unit, box_unit])
    mags = min_mag + bin_width * (np.arange(n_exp + n_box) + 0.5)
    a = math.log10(moment_rate / float(np.sum(unit * seismic_moment_nm(mags))))
    return IncrementalMFD(min_mag, bin_width, 10.0 ** a * unit, "youngs_coppersmith_1985", a, b_value, hi_box)


def batch_summaries(kinds: np.ndarray, moment_rate: np.ndarray, b_value: np.ndarray, top_mag: np.ndarray, min_mag: float,
                    bin_width: float = 0.1, mag_above: float = 6.0) -> dict[str, np.ndarray]:
    """Rates of many MFDs at once (the Monte Carlo of :func:`geoexplore.fault.hazard.logic.rates_mc`).

    Row ``i`` is :func:`truncated_gr` (``kinds[i]`` 0, ``top_mag[i]`` its
    aligned ``max_mag``) or :func:`youngs_coppersmith` (``kinds[i]`` 1,
    ``top_mag[i]`` its aligned ``char_mag``) with ``moment_rate[i]`` (N m/yr)
    and ``b_value[i]``, built with the same formulas on a padded bin grid
    (tested against the one-at-a-time functions).

    Returns
    -------
    dict
        ``rate_m_min`` (all bins), ``rate_above`` (bins centred at or above
        ``mag_above``), ``rate_mmax`` (bins centred within 0.5 of the upper
        edge), ``max_mag`` (upper edge), each of shape (n,), rates per year.
    """
    kinds = np.asarray(kinds, int)
    b = np.asarray(b_value, float)[:, None]
    top = np.asarray(top_mag, float)
    yc = kinds == 1
    lo_box = np.where(yc, top - CHAR_BOX_WIDTH / 2, top)  # YC: exponential part below the box; GR: the upper edge
    hi = np.where(yc, top + CHAR_BOX_WIDTH / 2, top)
    if np.any(lo_box <= min_mag):
        raise GeoexploreError(f"MFD: an upper magnitude is not above the minimum {min_mag}")
    n_exp = np.rint((lo_box - min_mag) / bin_width).astype(int)
    n_all = np.rint((hi - min_mag) / bin_width).astype(int)
    k = np.arange(int(n_all.max()))[None, :]
    lo = min_mag + bin_width * np.arange(k.shape[1])[None, :]
    exp_unit = 10.0 ** (-b * lo) - 10.0 ** (-b * (lo + bin_width))
    density = b[:, 0] * math.log(10.0) * 10.0 ** (-b[:, 0] * (lo_box - CHAR_DELTA_M1))
    unit = np.where(k < n_exp[:, None], exp_unit, np.where(k < n_all[:, None], (density * bin_width)[:, None], 0.0))
    centres = min_mag + bin_width * (np.arange(k.shape[1]) + 0.5)[None, :]
    m0 = np.where(yc[:, None], seismic_moment_nm(centres), seismic_moment_nm(lo + 0.5 * bin_width))
    a = np.log10(np.asarray(moment_rate, float) / np.sum(unit * m0, axis=1))
    rates = 10.0 ** a[:, None] * unit
    return {"rate_m_min": rates.sum(axis=1),
            "rate_above": np.where(centres >= mag_above - 1e-9, rates, 0.0).sum(axis=1),
            "rate_mmax": np.where(centres >= (hi - 0.5 - 1e-9)[:, None], rates, 0.0).sum(axis=1),
            "max_mag": hi}
