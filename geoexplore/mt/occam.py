"""Occam's inversion (Constable, Parker and Constable 1987) for a generic forward problem.

The model ``m`` (here ``ln rho`` of the layers) is sought as the smoothest
model (least first-difference roughness ``|| d m ||^2``) whose error-weighted
RMS misfit equals the target. Each iteration linearises the forward at the
current model and solves, for a trade-off parameter ``mu``,

    m(mu) = (mu D^T D + G^T G)^{-1} G^T W dhat,   G = W J,   dhat = d - f(m_k) + J m_k

(the full model, not an update: Occam's formulation). The true, non-linear
RMS of every ``m(mu)`` is evaluated:

* **phase 1** (the target is out of reach at this iteration): ``mu`` is the
  one of least RMS (a log-spaced sweep refined by golden-section search). If
  even that model does not lower the misfit, the step ``m(mu) - m_k`` is
  halved up to ``max_step_cuts`` times (the paper's step-length cut); if no
  cut helps the run has **stalled**;
* **phase 2** (some ``mu`` reaches the target): the largest ``mu`` whose RMS
  equals the target (bisection in ``log mu`` to ``rms_tolerance``), i.e. the
  smoothest model at the target misfit; if even the largest ``mu`` of the
  sweep fits below the target, that (nearly flat) model is taken.

It stops when the target is met and the roughness changes by less than
``roughness_tolerance`` between iterations (converged), when it stalls, or at
``max_iter``. If the target was never reached the **minimum-misfit** model
met on the way is returned and ``status`` says so with the RMS reached.

Bounds: every ``m(mu)`` is clipped to ``[m_min, m_max]``; the indices of
the parameters at a bound are returned (:attr:`OccamRun.at_bound`).

Model resolution: ``R = (G^T G + mu D^T D)^{-1} G^T G`` at the final model
and ``mu`` (:func:`resolution_matrix`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

Forward = Callable[[np.ndarray, bool], tuple[np.ndarray, "np.ndarray | None"]]


@dataclass
class OccamRun:
    """Outcome of :func:`occam`.

    Attributes
    ----------
    m : (n_model,) array
        The returned model.
    rms : float
        Its error-weighted RMS misfit.
    mu : float
        Trade-off parameter of the last accepted step (NaN if none).
    reached : bool
        The target RMS was reached (within ``rms_tolerance``).
    status : str
        ``converged`` (target reached, roughness stable), ``target reached,
        iteration limit`` (target reached but the roughness still changing),
        ``stalled`` or ``iteration limit`` (target not reached: the minimum-misfit
        model is returned).
    history : list of dict
        Per iteration: ``rms``, ``mu``, ``roughness``, ``phase`` (1 or 2), ``step`` (1 = full step).
    f, J : arrays
        Forward response and Jacobian of ``m``.
    at_bound : (n_model,) bool array
        Parameters clipped at ``m_min`` or ``m_max``.
    """

    m: np.ndarray
    rms: float
    mu: float
    reached: bool
    status: str
    history: list[dict] = field(default_factory=list)
    f: np.ndarray | None = None
    J: np.ndarray | None = None
    at_bound: np.ndarray | None = None


def first_difference(n: int) -> np.ndarray:
    """The (n-1, n) first-difference roughening matrix D."""
    return np.diff(np.eye(n), axis=0)


def roughness(m: np.ndarray) -> float:
    """``|| D m ||^2`` (sum of squared first differences)."""
    return float(np.sum(np.diff(m) ** 2))


def resolution_matrix(G: np.ndarray, mu: float) -> np.ndarray:
    """Model resolution ``(G^T G + mu D^T D)^{-1} G^T G`` of the regularised solution (G error-weighted)."""
    GtG = G.T @ G
    D = first_difference(G.shape[1])
    return np.linalg.solve(GtG + mu * D.T @ D, GtG)


def _choose_mu(trial: Callable[[float], tuple[float, np.ndarray]], grid: np.ndarray, target_rms: float,
               tol_hit: float, rms_tolerance: float) -> tuple[int, float]:
    """(phase, log mu): phase 2, the largest mu at the target (bisection); phase 1, the least misfit (golden section)."""
    r = np.array([trial(g)[0] for g in grid])
    if np.any(r <= tol_hit):
        k = int(np.max(np.flatnonzero(r <= tol_hit)))
        if k == grid.size - 1:
            return 2, float(grid[k])
        lo, hi = grid[k], grid[k + 1]
        for _b in range(40):
            mid = 0.5 * (lo + hi)
            rm = trial(mid)[0]
            if abs(rm - target_rms) <= rms_tolerance * target_rms * 0.5:
                return 2, float(mid)
            lo, hi = (mid, hi) if rm <= target_rms else (lo, mid)
        return 2, float(lo)
    k = int(np.argmin(r))
    a, b = grid[max(k - 1, 0)], grid[min(k + 1, grid.size - 1)]
    gr = (np.sqrt(5) - 1) / 2
    for _g in range(20):
        c, e = b - gr * (b - a), a + gr * (b - a)
        if trial(c)[0] <= trial(e)[0]:
            b = e
        else:
            a = c
    return 1, float(min([grid[k], 0.5 * (a + b)], key=lambda x: trial(x)[0]))


def occam(
    fwd: Forward,
    d: np.ndarray,
    sd: np.ndarray,
    m0: np.ndarray,
    *,
    target_rms: float = 1.0,
    max_iter: int = 20,
    m_min: float = -np.inf,
    m_max: float = np.inf,
    n_mu: int = 30,
    mu_range: tuple[float, float] = (1e-5, 1e5),
    rms_tolerance: float = 0.01,
    roughness_tolerance: float = 0.01,
    max_step_cuts: int = 6,
) -> OccamRun:
    """Occam's two-phase inversion (module docstring).

    Parameters
    ----------
    fwd : callable
        ``fwd(m, jacobian) -> (f, J)``: response (n_data,) and Jacobian (n_data, n_model) or None.
    d, sd : (n_data,) arrays
        Data and their standard deviations (same units as ``f``).
    m0 : (n_model,) array
        Start model.
    target_rms : float
        Target RMS of ``(d - f) / sd``.
    mu_range : (float, float)
        Sweep of ``mu`` relative to ``trace(G^T G) / trace(D^T D)``.
    rms_tolerance : float
        Relative tolerance on hitting the target in phase 2 (and on calling it reached).

    Returns
    -------
    OccamRun
    """
    w = 1.0 / np.asarray(sd, float)
    d = np.asarray(d, float)
    n = m0.size
    D = first_difference(n)
    DtD = D.T @ D

    def rms_of(f: np.ndarray) -> float:
        return float(np.sqrt(np.mean(((d - f) * w) ** 2)))

    def clip(m: np.ndarray) -> np.ndarray:
        return np.clip(m, m_min, m_max)

    m = clip(np.asarray(m0, float))
    f, J = fwd(m, True)
    rms = rms_of(f)
    best = (rms, m, f, J, np.nan)
    hist: list[dict] = []
    mu_acc = np.nan
    status = "iteration limit"
    tol_hit = target_rms * (1 + rms_tolerance)
    for _ in range(max_iter):
        G = J * w[:, None]
        GtG = G.T @ G
        Gtd = G.T @ ((d - f + J @ m) * w)
        scale = max(np.trace(GtG), 1e-30) / max(np.trace(DtD), 1e-30)
        cache: dict[float, tuple[float, np.ndarray]] = {}

        def trial(lmu: float) -> tuple[float, np.ndarray]:
            if lmu not in cache:
                try:
                    mm = clip(np.linalg.solve(GtG + np.exp(lmu) * scale * DtD, Gtd))
                    cache[lmu] = (rms_of(fwd(mm, False)[0]), mm)
                except (np.linalg.LinAlgError, FloatingPointError, ValueError):
                    cache[lmu] = (np.inf, m)
            return cache[lmu]

        grid = np.linspace(np.log(mu_range[0]), np.log(mu_range[1]), n_mu)
        phase, lmu = _choose_mu(trial, grid, target_rms, tol_hit, rms_tolerance)
        rn, mn = trial(lmu)
        step = 1.0
        if phase == 1 and not rn < rms * (1 - 1e-4):
            for _c in range(max_step_cuts):  # step-length cuts (Constable et al. 1987)
                step /= 2
                mc = clip(m + step * (mn - m))
                rc = rms_of(fwd(mc, False)[0])
                if rc < rms * (1 - 1e-4):
                    rn, mn = rc, mc
                    break
            else:
                status = "stalled"
                break
        rough_old = roughness(m)
        m = mn
        mu_acc = float(np.exp(lmu) * scale)
        f, J = fwd(m, True)
        rms = rms_of(f)
        hist.append({"rms": rms, "mu": mu_acc, "roughness": roughness(m), "phase": phase, "step": step})
        if rms < best[0]:
            best = (rms, m, f, J, mu_acc)
        if rms <= tol_hit and abs(roughness(m) - rough_old) <= roughness_tolerance * max(rough_old, 1e-12) + 1e-9:
            status = "converged"
            break
    reached = rms <= tol_hit
    if not reached:
        rms, m, f, J, mu_b = best
        mu_acc = mu_b if np.isfinite(mu_b) else mu_acc
        reached = rms <= tol_hit
    if reached and status != "converged":
        status = "target reached, iteration limit" if status == "iteration limit" else "converged"
    at_bound = (m <= m_min + 1e-9) | (m >= m_max - 1e-9)
    return OccamRun(m=m, rms=rms, mu=mu_acc, reached=reached, status=status, history=hist, f=f, J=J, at_bound=at_bound)
