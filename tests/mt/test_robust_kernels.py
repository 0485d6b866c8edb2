"""The compiled passes of the robust regression against plain per-band NumPy (random bands of random sizes)."""

from __future__ import annotations

import numpy as np
import pytest

from geoexplore.mt.robust_kernels import (
    abs_residuals,
    band_medians,
    hat_diagonal,
    leverage_update,
    normal_equations,
    robust_weights,
)


def _cn(rng, *shape):
    return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)) / np.sqrt(2)


@pytest.fixture
def problem():
    rng = np.random.default_rng(3)
    counts = np.array([1, 2, 7, 40, 13, 100])
    edges = np.r_[0, np.cumsum(counts)].astype(np.intp)
    n, no = int(edges[-1]), 3
    X, R, Y = _cn(rng, n, 2), _cn(rng, n, 2), _cn(rng, no, n)
    w = rng.uniform(0, 1, (no, n))
    mask = rng.uniform(size=(no, n)) > 0.2
    mask[:, 0] = False  # a band with no point left
    return rng, edges, X, np.conj(R), Y, w, mask


def test_normal_equations_are_the_per_band_sums(problem):
    _, edges, X, Rc, Y, w, _ = problem
    A, c = normal_equations(Rc, X, Y, w, edges)
    for o in range(Y.shape[0]):
        for k in range(edges.size - 1):
            s = slice(edges[k], edges[k + 1])
            np.testing.assert_allclose(A[o, k], (Rc[s].T * w[o, s]) @ X[s], rtol=1e-12, atol=1e-14)
            np.testing.assert_allclose(c[o, k], (Rc[s].T * w[o, s]) @ Y[o, s], rtol=1e-12, atol=1e-14)


def test_residuals_hat_diagonal_medians_and_weights(problem):
    rng, edges, X, Rc, Y, w, mask = problem
    no, nb = Y.shape[0], edges.size - 1
    band = np.repeat(np.arange(nb), np.diff(edges))
    b = _cn(rng, no, nb, 2)
    Ainv = _cn(rng, no, nb, 2, 2)
    ar = abs_residuals(X, Y, b, edges)
    np.testing.assert_allclose(ar, np.abs(Y - np.einsum("nj,onj->on", X, b[:, band])), rtol=1e-13)
    h = hat_diagonal(X, Rc, Ainv, w, edges)
    np.testing.assert_allclose(h, w * np.einsum("nj,onjk,nk->on", X, Ainv[:, band], Rc).real, rtol=1e-12, atol=1e-14)
    med = band_medians(ar, mask, edges)
    for o in range(no):
        for k in range(nb):
            v = ar[o, edges[k]:edges[k + 1]][mask[o, edges[k]:edges[k + 1]]]
            assert (np.isnan(med[o, k]) and v.size == 0) or med[o, k] == np.median(v)
    sigma = np.nan_to_num(med, nan=1.0)
    x = ar / sigma[:, band]
    hub = robust_weights(ar, sigma, mask, edges, True, 1.5, 2.8)
    np.testing.assert_allclose(hub, np.where(x > 1.5, 1.5 / x, 1.0) * mask, rtol=1e-14)
    tho = robust_weights(ar, sigma, mask, edges, False, 1.5, 2.8)
    np.testing.assert_allclose(tho, np.exp(-np.exp(np.minimum(2.8 * (x - 2.8), 700.0))) * mask, rtol=1e-14)
    hc = rng.uniform(0.01, 0.1, (no, nb))
    lev = rng.uniform(0.5, 1.0, ar.shape)
    hh = np.abs(h)
    ref = lev * np.where(hh > hc[:, band], hc[:, band] / np.maximum(hh, hc[:, band] * 1e-6), 1.0)
    np.testing.assert_allclose(leverage_update(lev, hh, hc, edges), ref, rtol=1e-14)
