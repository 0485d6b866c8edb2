"""Compiled (numba) inner loops of the robust regression of :mod:`geoexplore.mt.robust`.

The points of all bands lie flat, band after band: band ``k`` holds the points
``edges[k]:edges[k + 1]``. Every kernel makes one pass over the points per
output channel and writes no (n_out, n_points, 2, 2) temporaries, which the
array formulation these replace spent most of its time building (issue 25:
``reweight`` and ``residuals`` were 60 % of the remote-reference benchmark).
The sums run in the same order as :func:`numpy.add.reduceat` (point after
point), without fastmath, so the results equal the array formulation's to
rounding.
"""

from __future__ import annotations

import numba as nb
import numpy as np

__all__ = ["normal_equations", "abs_residuals", "band_medians", "hat_diagonal", "robust_weights", "leverage_update"]


@nb.njit(cache=True)
def normal_equations(Rc, X, Y, w, edges):  # pragma: no cover - numba
    """``A = sum w conj(R) X^T`` (n_out, n_bands, 2, 2) and ``c = sum w conj(R) Y`` (n_out, n_bands, 2)."""
    no = Y.shape[0]
    nb_ = edges.size - 1
    A = np.zeros((no, nb_, 2, 2), np.complex128)
    c = np.zeros((no, nb_, 2), np.complex128)
    for o in range(no):
        for k in range(nb_):
            a00 = a01 = a10 = a11 = c0 = c1 = 0j
            for i in range(edges[k], edges[k + 1]):
                wi = w[o, i]
                r0 = Rc[i, 0]
                r1 = Rc[i, 1]
                a00 += wi * (r0 * X[i, 0])
                a01 += wi * (r0 * X[i, 1])
                a10 += wi * (r1 * X[i, 0])
                a11 += wi * (r1 * X[i, 1])
                c0 += wi * (r0 * Y[o, i])
                c1 += wi * (r1 * Y[o, i])
            A[o, k, 0, 0] = a00
            A[o, k, 0, 1] = a01
            A[o, k, 1, 0] = a10
            A[o, k, 1, 1] = a11
            c[o, k, 0] = c0
            c[o, k, 1] = c1
    return A, c


@nb.njit(cache=True)
def abs_residuals(X, Y, b, edges):  # pragma: no cover - numba
    """``|Y - X b|`` at every point, (n_out, n_points) float."""
    no, n = Y.shape
    out = np.empty((no, n))
    for o in range(no):
        for k in range(edges.size - 1):
            b0 = b[o, k, 0]
            b1 = b[o, k, 1]
            for i in range(edges[k], edges[k + 1]):
                e = Y[o, i] - (X[i, 0] * b0 + X[i, 1] * b1)
                out[o, i] = np.sqrt(e.real * e.real + e.imag * e.imag)
    return out


@nb.njit(cache=True)
def band_medians(v, mask, edges):  # pragma: no cover - numba
    """Median of ``v`` over the masked points of each band, (n_out, n_bands); NaN where a band has none."""
    no = v.shape[0]
    nb_ = edges.size - 1
    out = np.full((no, nb_), np.nan)
    buf = np.empty(v.shape[1])
    for o in range(no):
        for k in range(nb_):
            m = 0
            for i in range(edges[k], edges[k + 1]):
                if mask[o, i]:
                    buf[m] = v[o, i]
                    m += 1
            if m > 0:
                out[o, k] = np.median(buf[:m])
    return out


@nb.njit(cache=True)
def hat_diagonal(X, Rc, Ainv, w, edges):  # pragma: no cover - numba
    """Weighted hat-matrix diagonal ``w Re(X^T A^-1 conj(R))`` at every point, (n_out, n_points)."""
    no, n = w.shape
    out = np.empty((no, n))
    for o in range(no):
        for k in range(edges.size - 1):
            i00 = Ainv[o, k, 0, 0]
            i01 = Ainv[o, k, 0, 1]
            i10 = Ainv[o, k, 1, 0]
            i11 = Ainv[o, k, 1, 1]
            for i in range(edges[k], edges[k + 1]):
                r0 = Rc[i, 0]
                r1 = Rc[i, 1]
                out[o, i] = w[o, i] * (X[i, 0] * (i00 * r0 + i01 * r1) + X[i, 1] * (i10 * r0 + i11 * r1)).real
    return out


@nb.njit(cache=True)
def robust_weights(ar, sigma, mask, edges, huber, r0, u0):  # pragma: no cover - numba
    """Huber (``huber``) or Thomson weights of the scaled residuals ``ar / sigma[band]``, 0 off the mask."""
    no, n = ar.shape
    out = np.zeros((no, n))
    for o in range(no):
        for k in range(edges.size - 1):
            s = sigma[o, k]
            for i in range(edges[k], edges[k + 1]):
                if not mask[o, i]:
                    continue
                x = ar[o, i] / s
                if huber:
                    out[o, i] = r0 / max(x, 1e-300) if x > r0 else 1.0
                else:
                    v = u0 * (x - u0)
                    if v > 700.0:  # NaN stays NaN, as with numpy.minimum
                        v = 700.0
                    out[o, i] = np.exp(-np.exp(v))
    return out


@nb.njit(cache=True)
def leverage_update(lev, h, hc, edges):  # pragma: no cover - numba
    """Cumulative leverage weights: ``lev * hc / h`` where the hat diagonal ``h`` exceeds ``hc`` (n_out, n_bands)."""
    no, n = lev.shape
    out = np.empty((no, n))
    for o in range(no):
        for k in range(edges.size - 1):
            c = hc[o, k]
            for i in range(edges[k], edges[k + 1]):
                hi = h[o, i]
                out[o, i] = lev[o, i] * (c / max(hi, c * 1e-6)) if hi > c else lev[o, i]
    return out
