"""Robust regression kernel: against numpy least squares, outliers, remote reference, error calibration."""

from __future__ import annotations

import numpy as np

from geoexplore.mt.robust import _band_median, robust_regression


def _cn(rng, *shape):
    return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)) / np.sqrt(2)


def test_plain_least_squares_matches_numpy_lstsq():
    rng = np.random.default_rng(0)
    counts = [40, 70, 25]
    X = _cn(rng, sum(counts), 2)
    Y = np.vstack([X @ np.array([1 + 2j, -3 + 0.5j]) + 0.1 * _cn(rng, sum(counts)), X @ np.array([0.2j, 1.0]) + 0.1 * _cn(rng, sum(counts))])
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    res = robust_regression(X, Y, starts, n_huber=0, n_redescend=0, leverage_factor=np.inf)
    for k, (a, b) in enumerate(zip(starts, np.r_[starts[1:], sum(counts)])):
        for o in range(2):
            ref = np.linalg.lstsq(X[a:b], Y[o, a:b], rcond=None)[0]
            np.testing.assert_allclose(res.b[o, k], ref, rtol=1e-10)


def test_outliers_are_rejected():
    rng = np.random.default_rng(1)
    n = 400
    X = _cn(rng, n, 2)
    b_true = np.array([2 - 1j, 0.5 + 3j])
    y = X @ b_true + 0.05 * _cn(rng, n)
    bad = rng.choice(n, 40, replace=False)
    y[bad] += 20 * _cn(rng, 40)
    ls = robust_regression(X, y[None], np.array([0]), n_huber=0, n_redescend=0, leverage_factor=np.inf)
    rb = robust_regression(X, y[None], np.array([0]))
    err_ls = np.abs(ls.b[0, 0] - b_true).max()
    err_rb = np.abs(rb.b[0, 0] - b_true).max()
    assert err_rb < 0.02 < err_ls
    assert np.all(rb.weights[0, bad] < 0.2)


def test_remote_reference_removes_input_noise_bias():
    rng = np.random.default_rng(2)
    n = 5000
    h = _cn(rng, n, 2)
    b_true = np.array([0.0, 10.0 + 10.0j])
    y = h @ b_true
    local = h + 0.5 * _cn(rng, n, 2)  # noisy local magnetics: single site biased low
    remote = h + 0.5 * _cn(rng, n, 2)
    ss = robust_regression(local, y[None], np.array([0]))
    rr = robust_regression(local, y[None], np.array([0]), R=remote)
    assert abs(ss.b[0, 0, 1]) < 0.85 * abs(b_true[1])
    assert abs(rr.b[0, 0, 1] / b_true[1] - 1) < 0.03


def test_error_estimates_are_calibrated():
    # 300 independent bands: the squared error normalised by the estimated variance averages ~1
    rng = np.random.default_rng(3)
    nb, m = 300, 60
    X = _cn(rng, nb * m, 2)
    b_true = np.array([1.0 + 1j, -2.0])
    Y = (X @ b_true + 0.3 * _cn(rng, nb * m))[None]
    res = robust_regression(X, Y, np.arange(nb) * m)
    var = np.einsum("objj->obj", res.cov).real[0]
    z2 = np.abs(res.b[0] - b_true) ** 2 / var
    assert 0.8 < z2.mean() < 1.3


def test_band_median_matches_numpy():
    rng = np.random.default_rng(4)
    counts = np.array([5, 8, 1, 12])
    band = np.repeat(np.arange(4), counts)
    v = rng.random((2, counts.sum()))
    mask = rng.random((2, counts.sum())) > 0.3
    mask[:, band == 2] = True
    got = _band_median(v, mask, band, 4)
    for o in range(2):
        for k in range(4):
            sel = (band == k) & mask[o]
            np.testing.assert_allclose(got[o, k], np.median(v[o, sel]) if sel.any() else np.nan)
