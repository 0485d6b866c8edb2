"""Robust complex regression for MT transfer functions, vectorised over bands.

The model for every band and every output channel ``o`` (Ex, Ey, Hz) is

    Y_o[i] = X[i, 0] * b_o0 + X[i, 1] * b_o1 + e_o[i],   i = 1..n

with X the local horizontal magnetic Fourier coefficients (Hx, Hy) and i
running over the band's (window, bin) pairs. With a remote reference R (the
remote Hx, Hy) the normal equations become ``R^H W X b = R^H W Y``; without
one, R = X (ordinary weighted least squares).

The estimator is an iteratively re-weighted M-estimator in two stages
(as in Egbert and Booker 1986, Chave and Thomson 2004):

1. Huber weights ``w = min(1, r0 / x)`` with ``x = |e| / sigma``;
2. a redescending stage with Thomson's weights
   ``w = exp(-exp(u0 * (x - u0)))`` that rejects gross outliers,

combined with leverage control: a point whose hat-matrix diagonal h exceeds
``h_c = leverage_factor * p / n`` has its leverage weight multiplied by
``h_c / h`` at each iteration (so at convergence no point dominates a band). The scale
``sigma`` is the median absolute residual divided by ``sqrt(ln 2)`` (the
median of a circular complex Gaussian of variance ``sigma^2``).

Every band has its own number of points. The points of all bands are laid
out flat, band after band (``starts`` gives each band's first point), and
every per-band sum is one pass over the points, so all bands and all output
channels are solved together; the passes of the iterations are compiled
loops (:mod:`geoexplore.mt.robust_kernels`).

Errors: the heteroscedasticity-consistent sandwich covariance
``A^-1 (sum w^2 |e|^2 R^* R^T) A^-H`` with ``A = R^H W X`` and a
``n / (n - p)`` correction; the error of an element is the square root of
its complex variance (the convention of EMTF Z-files and EDI ``.VAR``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from geoexplore.mt.robust_kernels import (
    abs_residuals,
    band_medians,
    hat_diagonal,
    leverage_update,
    normal_equations,
    robust_weights,
)

_SQRT_LN2 = np.sqrt(np.log(2.0))


@dataclass(frozen=True)
class RobustResult:
    """Output of :func:`robust_regression`.

    Attributes
    ----------
    b : (n_out, n_bands, 2) complex
        Transfer functions.
    cov : (n_out, n_bands, 2, 2) complex
        Covariance of each output row.
    weights : (n_out, n_points) float
        Final weights (0 for rejected points).
    sigma : (n_out, n_bands) float
        Robust residual scale.
    n_used : (n_out, n_bands) int
        Number of points of each band that entered the regression.
    coherence : (n_out, n_bands) float
        Weighted squared multiple coherence of the prediction.
    """

    b: np.ndarray
    cov: np.ndarray
    weights: np.ndarray
    sigma: np.ndarray
    n_used: np.ndarray
    coherence: np.ndarray


def _bsum(a: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Per-band sums along axis 1 (points)."""
    return np.add.reduceat(a, starts, axis=1)


def _band_median(v: np.ndarray, mask: np.ndarray, band: np.ndarray, nb: int) -> np.ndarray:
    """Median of ``v`` over the masked points of each band, per output -> (n_out, nb) (NaN for a band with none)."""
    edges = np.r_[0, np.cumsum(np.bincount(band, minlength=nb))].astype(np.intp)
    return band_medians(np.ascontiguousarray(v, float), np.ascontiguousarray(mask, bool), edges)


def robust_regression(
    X: np.ndarray,
    Y: np.ndarray,
    starts: np.ndarray,
    mask: np.ndarray | None = None,
    R: np.ndarray | None = None,
    *,
    huber_r0: float = 1.5,
    redescend_u0: float = 2.8,
    n_huber: int = 10,
    n_redescend: int = 2,
    leverage_factor: float = 2.0,
    tol: float = 1e-4,
) -> RobustResult:
    """Two-stage robust (remote-reference) regression for many bands at once.

    Parameters
    ----------
    X : (n_points, 2) complex
        Local input channels (Hx, Hy); the points of band k are
        ``starts[k]:starts[k+1]``.
    Y : (n_out, n_points) complex
        Output channels (Ex, Ey, Hz, ...).
    starts : (n_bands,) int
        Index of the first point of each band (increasing, bands non-empty).
    mask : (n_out, n_points) bool, optional
        False for points excluded beforehand (e.g. low coherence).
    R : (n_points, 2) complex, optional
        Remote reference channels; None for single-site processing.
    huber_r0, redescend_u0 : float
        Tuning constants of the Huber and Thomson weight functions
        (in units of the robust residual scale).
    n_huber, n_redescend : int
        Maximum iterations of each stage (0 switches a stage off).
    leverage_factor : float
        Points with hat-matrix diagonal above ``leverage_factor * 2 / n`` are
        down-weighted; ``inf`` disables leverage control.
    tol : float
        Relative change of b below which an iteration stops.

    Returns
    -------
    RobustResult
    """
    prob = band_problem(X, Y, starts, mask, R)
    b, Ainv = weighted_solve(prob, prob.mask.astype(float))
    b, Ainv, wt, sigma = reweight(prob, b, Ainv, huber_r0=huber_r0, redescend_u0=redescend_u0, n_huber=n_huber,
                                  n_redescend=n_redescend, leverage_factor=leverage_factor, tol=tol)
    b, Ainv = weighted_solve(prob, wt)
    r = residuals(prob, b)
    cov = sandwich_covariance(prob, Ainv, wt, r)
    coh = prediction_coherence(prob, wt, r)
    n_used = _bsum((wt > 0).astype(float), prob.starts).astype(np.int64)
    return RobustResult(b=b, cov=cov, weights=wt, sigma=sigma, n_used=n_used, coherence=coh)


#: the number of unknowns per output row (Hx, Hy coefficients)
N_PARAMS = 2.0


@dataclass(frozen=True)
class BandProblem:
    """The regression's data laid out flat, band after band (see :func:`band_problem`)."""

    X: np.ndarray
    Y: np.ndarray
    R: np.ndarray
    Rc: np.ndarray
    starts: np.ndarray
    edges: np.ndarray  # (n_bands + 1,) starts and the number of points
    band: np.ndarray
    mask: np.ndarray
    n: np.ndarray
    n_bands: int


def band_problem(X: np.ndarray, Y: np.ndarray, starts: np.ndarray, mask: np.ndarray | None = None,
                 R: np.ndarray | None = None) -> BandProblem:
    """Check and lay out the inputs of :func:`robust_regression` (contiguous complex arrays, band edges)."""
    X = np.ascontiguousarray(X, complex)
    Y = np.ascontiguousarray(np.atleast_2d(np.asarray(Y, complex)))
    R = X if R is None else np.ascontiguousarray(R, complex)
    starts = np.asarray(starts, np.intp)
    no, npts = Y.shape
    nb = starts.size
    counts = np.diff(np.r_[starts, npts])
    if np.any(counts <= 0):
        raise ValueError("every band needs at least one point")
    band = np.repeat(np.arange(nb), counts)
    mk = np.ones((no, npts), bool) if mask is None else np.broadcast_to(np.asarray(mask, bool), (no, npts))
    Rc = np.conj(R)
    n = _bsum(mk.astype(float), starts)  # (no, nb)
    edges = np.r_[starts, npts].astype(np.intp)
    return BandProblem(X, Y, R, Rc, starts, edges, band, np.ascontiguousarray(mk), n, nb)


def weighted_solve(prob: BandProblem, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weighted normal equations ``(R^H W X) b = R^H W Y`` of every band and output: b and the inverse matrix."""
    A, c = normal_equations(prob.Rc, prob.X, prob.Y, np.ascontiguousarray(w, float), prob.edges)
    det = A[..., 0, 0] * A[..., 1, 1] - A[..., 0, 1] * A[..., 1, 0]
    ok = np.abs(det) > 1e-300
    det = np.where(ok, det, 1.0)
    Ainv = np.empty_like(A)
    Ainv[..., 0, 0] = A[..., 1, 1] / det
    Ainv[..., 1, 1] = A[..., 0, 0] / det
    Ainv[..., 0, 1] = -A[..., 0, 1] / det
    Ainv[..., 1, 0] = -A[..., 1, 0] / det
    b = np.einsum("objk,obk->obj", Ainv, c)
    b[~ok] = np.nan
    Ainv[~ok] = np.nan
    return b, Ainv


def residuals(prob: BandProblem, b: np.ndarray) -> np.ndarray:
    """``Y - X b`` at every point (n_out, n_points)."""
    bp = b[:, prob.band]  # (no, N, 2)
    return prob.Y - (prob.X[None, :, 0] * bp[..., 0] + prob.X[None, :, 1] * bp[..., 1])


def residual_scale(prob: BandProblem, absr: np.ndarray) -> np.ndarray:
    """Robust scale per band and output: median absolute residual / sqrt(ln 2) (tiny instead of 0 or NaN)."""
    s = band_medians(absr, prob.mask, prob.edges) / _SQRT_LN2
    return np.where(np.isfinite(s) & (s > 0), s, np.finfo(float).tiny)


def reweight(prob: BandProblem, b: np.ndarray, Ainv: np.ndarray, *, huber_r0: float, redescend_u0: float, n_huber: int,
             n_redescend: int, leverage_factor: float, tol: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The Huber then redescending iterations with cumulative leverage control.

    Returns b, the inverse matrices, the final weights (robust x leverage) and the residual scale.
    """
    mk, edges = prob.mask, prob.edges
    hc = leverage_factor * N_PARAMS / np.maximum(prob.n, 1)  # (no, nb)
    lev = np.ones(mk.shape)
    sigma = residual_scale(prob, abs_residuals(prob.X, prob.Y, b, edges))
    wr = mk.astype(float)
    for kind, n_iter in (("huber", n_huber), ("redescend", n_redescend)):
        for _ in range(n_iter):
            ar = abs_residuals(prob.X, prob.Y, b, edges)
            if kind == "huber":
                sigma = residual_scale(prob, ar)
            wr = robust_weights(ar, sigma, mk, edges, kind == "huber", float(huber_r0), float(redescend_u0))
            if np.isfinite(leverage_factor):
                # cumulative update: converges to h <= h_c without the flip-flop of a memoryless rule
                lev = leverage_update(lev, hat_diagonal(prob.X, prob.Rc, Ainv, wr * lev, edges), hc, edges)
            b_new, Ainv = weighted_solve(prob, wr * lev)
            with np.errstate(invalid="ignore", divide="ignore"):
                rel = np.abs(b_new - b) / np.maximum(np.abs(b), 1e-30)
            change = np.nanmax(rel) if np.isfinite(rel).any() else 0.0
            b = b_new
            if change < tol:
                break
    return b, Ainv, wr * lev, sigma


def sandwich_covariance(prob: BandProblem, Ainv: np.ndarray, wt: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Heteroscedasticity-consistent covariance ``A^-1 (sum w^2 |e|^2 R^* R^T) A^-H`` times ``n / (n - p)``."""
    Q = prob.Rc[:, :, None] * prob.R[:, None, :]  # (N, 2, 2): conj(R_j) R_k
    B = _bsum((wt**2 * np.abs(r) ** 2)[:, :, None, None] * Q[None], prob.starts)
    cov = Ainv @ B @ np.conj(np.swapaxes(Ainv, -1, -2))
    neff = np.maximum(prob.n - N_PARAMS, 1.0)
    return cov * (prob.n / neff)[..., None, None]


def prediction_coherence(prob: BandProblem, wt: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Weighted squared multiple coherence of the prediction ``Y - r`` with ``Y`` per band and output."""
    starts, Y = prob.starts, prob.Y
    pred = Y - r
    num = np.abs(_bsum(wt * np.conj(Y) * pred, starts)) ** 2
    den = _bsum(wt * np.abs(Y) ** 2, starts) * _bsum(wt * np.abs(pred) ** 2, starts)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / den, np.nan)
