"""DOI index: the linearised solve against its limits and against the full nonlinear reference inversions."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from geoexplore.ert import io
from geoexplore.ert.doi import DENSE_LIMIT, linearised_doi


def _smooth_plus_small(n: int, ws: float) -> sp.csr_matrix:
    d = sp.diags([-np.ones(n - 1), np.ones(n - 1)], [0, 1], shape=(n - 1, n))
    return sp.vstack([d, ws * sp.identity(n)]).tocsr()


def test_linearised_doi_limits():
    """No data: both models are their references (DOI 1). Exact, well-weighted data on every
    cell: both models are the data (DOI near 0)."""
    n = 30
    c = _smooth_plus_small(n, 0.1)
    np.testing.assert_allclose(linearised_doi(np.zeros((5, n)), np.ones(5), c, 10.0), 1.0, rtol=1e-10)
    doi = linearised_doi(np.identity(n), np.full(n, 1e4), c, 10.0)
    assert doi.max() < 1e-6


def test_linearised_doi_equals_the_difference_of_two_linear_inversions():
    """m1 - m2 of two explicitly solved linear inversions (references 2 and -1 in log) equals the formula."""
    rng = np.random.default_rng(3)
    n, nd, lam = 40, 25, 5.0
    j = rng.standard_normal((nd, n)) * np.exp(-np.arange(n) / 10.0)[None, :]  # sensitivity decays with 'depth'
    w = np.full(nd, 20.0)
    c = _smooth_plus_small(n, 0.2)
    d = rng.standard_normal(nd)
    ctc = (c.T @ c).toarray()
    a = (j * w[:, None]).T @ (j * w[:, None]) + lam * ctc
    sol = [np.linalg.solve(a, (j * w[:, None] ** 2).T @ d + lam * ctc @ np.full(n, r)) for r in (2.0, -1.0)]
    np.testing.assert_allclose(linearised_doi(j, w, c, lam), np.abs(sol[0] - sol[1]) / 3.0, rtol=1e-9)
    doi = linearised_doi(j, w, c, lam)
    assert doi[:5].mean() < doi[-5:].mean()  # less determined where the sensitivity is small


def test_iterative_solver_agrees_with_dense(monkeypatch):
    import geoexplore.ert.doi as doi_mod

    rng = np.random.default_rng(1)
    n = 60
    j = rng.standard_normal((30, n))
    c = _smooth_plus_small(n, 0.3)
    dense = linearised_doi(j, np.full(30, 3.0), c, 2.0)
    monkeypatch.setattr(doi_mod, "DENSE_LIMIT", 10)
    np.testing.assert_allclose(doi_mod.linearised_doi(j, np.full(30, 3.0), c, 2.0), dense, atol=1e-6)
    assert DENSE_LIMIT >= 1000


@pytest.fixture(scope="module")
def slagdump_manager(shared_data):
    from geoexplore.ert.inversion import _run_manager, create_mesh
    from geoexplore.ert.qc import quality_control
    from geoexplore.ert.settings import ErtSettings

    s = ErtSettings()
    data, _ = quality_control(io.read(shared_data / "ert/slagdump.ohm"), s.qc)
    mgr, _, _ = _run_manager(data, s.inversion, create_mesh(data, s.inversion))
    return data, s.inversion, mgr


def test_linearised_agrees_with_full_reference_inversions(slagdump_manager):
    """On the real slagdump data the one-solve DOI follows the two nonlinear reference inversions."""
    from geoexplore.ert.doi import doi_index

    data, s, mgr = slagdump_manager
    lin = doi_index(data, s, mgr)
    full = doi_index(data, s.model_copy(update={"doi_method": "full"}), mgr)
    cz = np.array([c.center()[1] for c in mgr.paraDomain.cells()])
    depth = cz.max() - cz
    assert np.mean(np.abs(lin - full)) < 0.05, np.mean(np.abs(lin - full))  # measured 0.020
    assert np.corrcoef(lin, full)[0, 1] > 0.95  # measured 0.985
    for d in (lin, full):
        assert np.median(d[depth < 3]) < 0.1
        assert np.median(d[depth > np.percentile(depth, 95)]) > 0.5
