"""Data error models for ERT: reciprocal fits and the relative + absolute model.

The resistance error is modelled as ``dR = a + b |R|`` (Koestel et al. 2008;
Slater et al. 2000): ``a`` (ohm) is the absolute floor, ``b`` the relative
part. The relative error handed to the inversion is ``dR / |R|``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ErrorModel:
    """``dR = absolute_ohm + relative * |R|`` (relative error = dR / |R|).

    Attributes
    ----------
    absolute_ohm : float
        Absolute resistance error (ohm), >= 0.
    relative : float
        Relative error (fraction), >= 0.
    source : str
        ``"reciprocal fit"`` or ``"settings"``.
    """

    absolute_ohm: float
    relative: float
    source: str = "settings"

    def relative_error(self, resistance_ohm: np.ndarray) -> np.ndarray:
        """Relative error (fraction) of each resistance (ohm)."""
        r = np.abs(np.asarray(resistance_ohm, float))
        with np.errstate(divide="ignore"):
            return self.relative + np.where(r > 0, self.absolute_ohm / np.where(r > 0, r, 1.0), np.inf)


def fit_binned(
    resistance_ohm: np.ndarray, error_ohm: np.ndarray, *, n_bins: int = 10, min_per_bin: int = 5
) -> tuple[float, float, np.ndarray, np.ndarray]:
    """Fit ``|dR| = a + b |R|`` to binned reciprocal errors.

    The pairs are sorted by |R| and split into bins of equal count; in each
    bin the mean |R| and the mean |dR| are taken; a straight line is fitted
    by least squares on the relative misfit (each bin weighted by 1 / mean
    |dR|) with a, b >= 0 (non-negative least squares).

    Parameters
    ----------
    resistance_ohm : ndarray, shape (n,)
        Mean of normal and reciprocal resistance (ohm).
    error_ohm : ndarray, shape (n,)
        Normal minus reciprocal (ohm).
    n_bins : int
        Number of bins (reduced when there are too few pairs).
    min_per_bin : int
        Minimum pairs per bin.

    Returns
    -------
    a : float
        Absolute error (ohm).
    b : float
        Relative error (fraction).
    bin_r : ndarray
        Bin centres (mean |R|, ohm).
    bin_err : ndarray
        Mean |dR| in each bin (ohm).
    """
    from scipy.optimize import nnls

    r = np.abs(np.asarray(resistance_ohm, float))
    e = np.abs(np.asarray(error_ohm, float))
    ok = np.isfinite(r) & np.isfinite(e)
    r, e = r[ok], e[ok]
    if r.size < 2:
        raise ValueError(f"need at least 2 reciprocal pairs for an error model, got {r.size}")
    nb = int(max(1, min(n_bins, r.size // max(1, min_per_bin))))
    order = np.argsort(r)
    groups = np.array_split(order, nb)
    br = np.array([r[g].mean() for g in groups])
    be = np.array([e[g].mean() for g in groups])
    if nb == 1:
        return 0.0, float(be[0] / max(br[0], 1e-300)), br, be
    A = np.column_stack([np.ones(nb), br])
    w = 1.0 / np.maximum(be, 1e-300)  # relative misfit: small and large resistances count alike
    coef, _ = nnls(A * w[:, None], be * w)
    return float(coef[0]), float(coef[1]), br, be
