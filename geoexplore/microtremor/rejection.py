"""Frequency-domain window rejection (Cox et al. 2020).

Cox, B. R., Cheng, T., Vantassel, J. P. and Manuel, L. (2020). A statistical
representation and frequency-domain window-rejection algorithm for
single-station HVSR measurements. Geophys. J. Int. 221, 2170-2183.

Iteratively: compute the lognormal mean and standard deviation of the window
peak frequencies f0,i; reject windows whose f0,i lies outside
``exp(mu_ln +- n * sigma_ln)``; recompute on the kept windows. Stop when the
kept set no longer changes (the paper's convergence: the statistics of the
windows and of the mean curve stop changing) or after ``max_iterations``.
"""

from __future__ import annotations

import numpy as np

from geoexplore.microtremor.stats import curve_statistics, peak_of_curve, window_peaks

__all__ = ["frequency_domain_rejection"]


def frequency_domain_rejection(
    f_hz: np.ndarray,
    hv: np.ndarray,
    *,
    n_std: float = 2.0,
    max_iterations: int = 50,
    fmin_search: float | None = None,
    fmax_search: float | None = None,
    keep: np.ndarray | None = None,
) -> tuple[np.ndarray, int]:
    """Windows kept by the Cox et al. (2020) algorithm.

    Parameters
    ----------
    f_hz : ndarray, shape (nfreq,)
    hv : ndarray, shape (nwin, nfreq)
    n_std : float
        Rejection band in lognormal standard deviations (the paper uses 2).
    keep : ndarray of bool, shape (nwin,), optional
        Windows already kept by the time-domain checks.

    Returns
    -------
    keep : ndarray of bool, shape (nwin,)
    iterations : int
    """
    hv = np.asarray(hv, float)
    keep = np.ones(hv.shape[0], bool) if keep is None else np.asarray(keep, bool).copy()
    f0w, _ = window_peaks(f_hz, hv, fmin_search, fmax_search)
    it = 0
    for it in range(1, max_iterations + 1):
        if keep.sum() < 3:
            break
        ln = np.log(f0w[keep])
        mu, sd = ln.mean(), ln.std(ddof=1)
        # the mean curve's peak must lie in the band too (the paper's second condition)
        med, _ = curve_statistics(hv[keep])
        f0mc = peak_of_curve(f_hz, med, fmin_search, fmax_search)[0]
        lo, hi = np.exp(mu - n_std * sd), np.exp(mu + n_std * sd)
        new = keep & (f0w >= lo) & (f0w <= hi)
        if not (lo <= f0mc <= hi):
            # the mean curve disagrees with the windows: nothing sound to reject against
            break
        if np.array_equal(new, keep):
            break
        keep = new
    return keep, it
