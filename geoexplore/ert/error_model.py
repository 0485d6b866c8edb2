"""Data error models for ERT: reciprocal fits and the relative + absolute model.

The resistance error is modelled as ``dR = a + b |R|`` (Koestel et al. 2008;
Slater et al. 2000): ``a`` (ohm) is the absolute floor, ``b`` the relative
part. The relative error handed to the inversion is ``dR / |R|``.

:func:`fit_reciprocal_std` is the statistic of pyGIMLi
(``pygimli.physics.ert.fitReciprocalErrorModel``) and ResIPy: all
normal/reciprocal pairs sorted by their mean ``|R|``, split into bins of equal
count, the standard deviation of the reciprocal error R_N - R_R in each bin,
and an ordinary least-squares line through (mean ``|R|``, std) per bin.
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


def reciprocal_bins(pairs: int) -> int:
    """Number of bins for ``pairs`` normal/reciprocal pairs: pairs // 30, at least 4 and at most 30 (pyGIMLi's rule)."""
    return int(max(min(pairs // 30, 30), 4))


def fit_reciprocal_std(
    r_normal_ohm: np.ndarray, r_reciprocal_ohm: np.ndarray, *, n_bins: int | None = None
) -> tuple[float, float, np.ndarray, np.ndarray]:
    """Fit ``std(dR) = a + b |R|`` per bin of ``|R|`` to normal/reciprocal pairs.

    Parameters
    ----------
    r_normal_ohm, r_reciprocal_ohm : ndarray, shape (n,)
        Resistance of the normal and of its reciprocal (ohm), sign-corrected
        so that both measure the same transfer resistance.
    n_bins : int, optional
        Number of bins of equal count; default :func:`reciprocal_bins`.

    Returns
    -------
    a : float
        Absolute error (ohm); may come out negative on noise-free data, as in pyGIMLi.
    b : float
        Relative error (fraction).
    bin_r : ndarray
        Mean ``|R|`` of each bin (ohm).
    bin_std : ndarray
        Standard deviation (population, ddof 0) of R_N - R_R in each bin (ohm).
    """
    rn = np.asarray(r_normal_ohm, float)
    rr = np.asarray(r_reciprocal_ohm, float)
    ok = np.isfinite(rn) & np.isfinite(rr)
    rn, rr = rn[ok], rr[ok]
    if rn.size < 2:
        raise ValueError(f"need at least 2 reciprocal pairs for an error model, got {rn.size}")
    nb = n_bins or reciprocal_bins(rn.size)
    mean = np.abs(rn + rr) / 2
    order = np.argsort(mean, kind="stable")
    mean, dr = mean[order], (rn - rr)[order]
    edges = np.linspace(0, rn.size, nb + 1).astype(int)
    groups = [slice(edges[k], edges[k + 1]) for k in range(nb) if edges[k + 1] > edges[k]]
    br = np.array([mean[g].mean() for g in groups])
    bs = np.array([dr[g].std() for g in groups])
    G = np.column_stack([np.ones(len(br)), br])
    (a, b), *_ = np.linalg.lstsq(G, bs, rcond=None)
    return float(a), float(b), br, bs


def fit_binned(
    resistance_ohm: np.ndarray, error_ohm: np.ndarray, *, n_bins: int = 10, min_per_bin: int = 5
) -> tuple[float, float, np.ndarray, np.ndarray]:
    """Fit ``|dR| = a + b |R|`` to binned mean reciprocal errors (the former statistic; see :func:`fit_reciprocal_std`).

    The pairs are sorted by ``|R|`` and split into bins of equal count; in each
    bin the mean ``|R|`` and the mean ``|dR|`` are taken; a straight line is fitted
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
        Bin centres (mean ``|R|``, ohm).
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
