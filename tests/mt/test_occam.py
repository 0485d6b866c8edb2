"""Occam as published (Constable et al. 1987) on synthetic data from the analytic 1D recursion (labelled synthetic).

Synthetic 3-layer earth: 100 ohm-m to 500 m, 10 ohm-m to 2000 m, 1000 ohm-m
below; 31 periods 1e-3..1e3 s; complex Gaussian noise of 2 % of |Zxy| on
every element with ``z_err`` equal to that standard deviation ("honest
errors") and no error floors.
"""

import numpy as np
import pytest

from geoexplore.mt.forward1d import mt1d_impedance, mt1d_tf, noisy_mt1d_tf
from geoexplore.mt.invert1d import data_from_tf, depth_of_investigation, occam1d
from geoexplore.mt.occam import occam, roughness

RHO, H = [100.0, 10.0, 1000.0], [500.0, 1500.0]
T = np.logspace(-3, 3, 31)


def noisy(rho, h, T, rel=0.02, seed=0):
    return noisy_mt1d_tf(rho, h, T, rel=rel, seed=seed, station="SYN", synthetic=1)


def test_synthetic_generator_is_the_analytic_recursion():
    """The forward used for the synthetic: a half-space gives sqrt(i omega mu0 rho) exactly, 3 layers = forward1d."""
    z_hs = mt1d_impedance([100.0], [], T)
    rho_a = 0.2 * T * np.abs(z_hs) ** 2
    np.testing.assert_allclose(rho_a, 100.0, rtol=1e-12)
    np.testing.assert_allclose(np.degrees(np.angle(z_hs)), 45.0, atol=1e-10)
    ds = mt1d_tf(RHO, H, T)
    np.testing.assert_allclose(ds["z"].values[:, 0, 1], mt1d_impedance(RHO, H, T), rtol=1e-14)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_three_layers_reach_target_and_recover_what_mt_resolves(seed):
    """Item 8. RMS 1 +- 0.1, and the layer properties that 1D MT data resolve:

    * top resistivity (the shortest periods sense only layer 1): within 20 % of 100 ohm-m;
    * conductor top (where the model first drops below sqrt(100 x 10) = 31.6 ohm-m): within 15 % of 500 m;
    * conductor: conductance 0-5 km within 10 % of the true 158 S (MT resolves conductance, not the
      thickness and resistivity of a conductor separately), minimum resistivity inside 500-2000 m and
      within a factor 1.5 of 10 ohm-m;
    * basement at 20 km within a factor 2 of 1000 ohm-m (smooth model over a resistor under a conductor).
    """
    data = data_from_tf(noisy(RHO, H, T, seed=seed), floor_rho=0.0, floor_phase_deg=0.0)
    res = occam1d(data)
    assert abs(res.rms - 1.0) <= 0.1 and res.reached and res.status == "converged"
    top, rho = res.top_m, res.resistivity_ohm_m
    assert rho[0] == pytest.approx(100.0, rel=0.2)
    z_top = top[np.argmax(rho < np.sqrt(100.0 * 10.0))]
    assert z_top == pytest.approx(500.0, rel=0.15)
    bot = np.r_[top[1:], np.inf]
    s = np.sum(np.clip(np.minimum(bot, 5000.0) - top, 0, None) / rho)
    assert s == pytest.approx(500 / 100 + 1500 / 10 + 3000 / 1000, rel=0.1)
    assert 500 <= top[np.argmin(rho)] <= 2000 and rho.min() == pytest.approx(10.0, rel=0.5)
    assert 500 <= rho[np.searchsorted(top, 20000.0)] <= 2000
    assert 1e4 < res.doi_m <= res.bostick_depth_m


def test_looser_target_never_gives_a_rougher_model():
    """Item 6: phase 2 lands on each target and the roughness falls as the target loosens."""
    data = data_from_tf(noisy(RHO, H, T, seed=4), floor_rho=0.0, floor_phase_deg=0.0)
    rough = []
    for tgt in (1.0, 1.2, 1.5, 1.8, 2.5, 4.0):
        r = occam1d(data, target_rms=tgt)
        assert r.rms == pytest.approx(tgt, rel=0.011) and r.reached
        rough.append(roughness(np.log(r.resistivity_ohm_m)))
    assert np.all(np.diff(rough) < 0), rough


def test_unreachable_target_returns_minimum_misfit_and_says_so():
    """Item 6: a target below the noise cannot be met: the minimum-misfit model, status and RMS in the summary."""
    data = data_from_tf(noisy(RHO, H, T, seed=5), floor_rho=0.0, floor_phase_deg=0.0)
    r = occam1d(data, target_rms=0.3, max_iter=15)
    assert not r.reached and r.status in ("stalled", "iteration limit")
    assert r.rms == pytest.approx(min(r.rms_history), rel=1e-9) and r.rms > 0.3
    assert f"RMS {r.rms:.2f}" in r.summary() and "not reached" in r.summary()


def test_occam_on_a_linear_problem_is_the_regularised_least_squares_at_the_target():
    """Kernel check against a closed form: for a linear forward phase 2 lands on the target, and the
    model equals the Tikhonov solution (G^T G + mu D^T D)^-1 G^T d at the mu it reports."""
    rng = np.random.default_rng(0)
    A = rng.standard_normal((30, 12))
    m_true = np.sin(np.linspace(0, 3, 12))
    d = A @ m_true + 0.1 * rng.standard_normal(30)
    run = occam(lambda m, jac: (A @ m, A if jac else None), d, np.full(30, 0.1), np.zeros(12), target_rms=1.2)
    assert run.reached and run.rms == pytest.approx(1.2, rel=0.011)
    G = A / 0.1
    D = np.diff(np.eye(12), axis=0)
    np.testing.assert_allclose(run.m, np.linalg.solve(G.T @ G + run.mu * D.T @ D, G.T @ d / 0.1), rtol=1e-8, atol=1e-10)


def test_depth_of_investigation_definition():
    """DOI = depth where the cumulative resolution reaches the fraction; interpolated inside the layer."""
    top = np.array([0.0, 10.0, 30.0, 70.0])
    assert depth_of_investigation(top, np.array([0.5, 0.3, 0.2, 0.0]), 0.9) == pytest.approx(30 + 0.5 * 40)
    assert depth_of_investigation(top, np.array([0.0, 0.0, 0.0, 1.0]), 0.9) == pytest.approx(70.0)
    # on data: dropping the long periods makes the DOI shallower
    data = data_from_tf(noisy(RHO, H, T, seed=6), floor_rho=0.0, floor_phase_deg=0.0)
    short = data_from_tf(noisy(RHO, H, T[T <= 1.0], seed=6), floor_rho=0.0, floor_phase_deg=0.0)
    assert occam1d(short).doi_m < 0.3 * occam1d(data).doi_m
