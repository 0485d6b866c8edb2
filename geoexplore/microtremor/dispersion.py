"""Rayleigh-wave dispersion inversion to a layered Vs profile (global search over disba).

Parametrisation: ``n_layers`` layers over a half-space; unknowns are the
layer thicknesses and the Vs of every layer and of the half-space; Vp from
Vs (``vp = max(vp_min, vp_vs * vs)``: water-saturated sediments), density
fixed. Forward: fundamental-mode Rayleigh phase velocity from disba
(Thomson-Haskell / Dunkin). Search: scipy's differential evolution (global,
seeded, deterministic). Misfit: RMS of (c_pred - c_obs) / err (a chi value;
about 1 means the data are fitted within their errors).

The ensemble of acceptable models is every evaluated model with misfit
below ``max(1, (1 + tolerance) * best)``; from it come percentiles of Vs(z),
Vs30 (30 m over the S travel time to 30 m) and the depth to the half-space,
each with a standard deviation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["InversionResult", "invert_dispersion", "vs30", "forward"]


def forward(thickness_m: np.ndarray, vs_m_s: np.ndarray, f_hz: np.ndarray, *, vp_vs: float = 1.9, vp_min_m_s: float = 1500.0,
            density_kg_m3: float = 2000.0) -> np.ndarray:
    """Fundamental Rayleigh phase velocity (m/s) at ``f_hz`` (NaN where disba finds none)."""
    from disba import PhaseDispersion

    vs = np.asarray(vs_m_s, float)
    vp = np.maximum(vp_min_m_s, vp_vs * vs)
    h = np.r_[np.asarray(thickness_m, float), 0.0]
    rho = np.full(vs.size, density_kg_m3)
    f = np.asarray(f_hz, float)
    per = np.sort(1.0 / f)
    try:
        cur = PhaseDispersion(h / 1000, vp / 1000, vs / 1000, rho / 1000)(per, mode=0, wave="rayleigh")
    except Exception:  # disba raises on pathological models
        return np.full(f.shape, np.nan)
    if len(cur.period) == 0:
        return np.full(f.shape, np.nan)
    return np.interp(1.0 / f, np.asarray(cur.period), np.asarray(cur.velocity) * 1000, left=np.nan, right=np.nan)


def vs30(thickness_m: np.ndarray, vs_m_s: np.ndarray) -> float:
    """Vs30 = 30 / (S travel time through the top 30 m) (m/s)."""
    tops = np.r_[0.0, np.cumsum(thickness_m)]
    t = 0.0
    for i, v in enumerate(vs_m_s):
        top = tops[i]
        bot = tops[i + 1] if i + 1 < len(tops) else np.inf
        dz = max(0.0, min(bot, 30.0) - top)
        t += dz / v
        if bot >= 30.0:
            break
    return 30.0 / t


@dataclass
class InversionResult:
    frequency_hz: np.ndarray
    c_obs: np.ndarray
    c_err: np.ndarray
    best_thickness_m: np.ndarray
    best_vs_m_s: np.ndarray
    best_misfit: float
    c_best: np.ndarray
    ensemble_thickness_m: np.ndarray  # (nmod, nlay)
    ensemble_vs_m_s: np.ndarray  # (nmod, nlay + 1)
    ensemble_misfit: np.ndarray
    n_evaluations: int

    def profile(self, depth_m: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(best, p16, p50, p84) Vs at ``depth_m`` over the acceptable ensemble."""
        def at(th, vs):
            tops = np.r_[0.0, np.cumsum(th)]
            return vs[np.clip(np.searchsorted(tops, depth_m, side="right") - 1, 0, len(vs) - 1)]
        ens = np.array([at(t, v) for t, v in zip(self.ensemble_thickness_m, self.ensemble_vs_m_s)])
        return at(self.best_thickness_m, self.best_vs_m_s), *np.percentile(ens, [16, 50, 84], axis=0)

    def vs30(self) -> tuple[float, float]:
        v = np.array([vs30(t, s) for t, s in zip(self.ensemble_thickness_m, self.ensemble_vs_m_s)])
        return float(vs30(self.best_thickness_m, self.best_vs_m_s)), float(v.std(ddof=1)) if v.size > 1 else 0.0

    def halfspace_depth(self) -> tuple[float, float]:
        d = self.ensemble_thickness_m.sum(axis=1)
        return float(self.best_thickness_m.sum()), float(d.std(ddof=1)) if d.size > 1 else 0.0


def invert_dispersion(
    f_hz: np.ndarray, c_obs: np.ndarray, c_err: np.ndarray, *, n_layers: int = 3,
    thickness_bounds_m: tuple[float, float] = (2.0, 80.0), vs_bounds_m_s: tuple[float, float] = (100.0, 1200.0),
    vp_vs: float = 1.9, vp_min_m_s: float = 1500.0, density_kg_m3: float = 2000.0, seed: int = 0,
    max_iterations: int = 40, popsize: int = 12, tolerance: float = 0.2, increasing_vs: bool = True,
    max_vs_ratio: float = 3.0,
) -> InversionResult:
    """Invert a dispersion curve for a layered Vs profile (see module docstring).

    With ``increasing_vs`` (default) the unknowns are the top Vs and the
    ratios (1 to ``max_vs_ratio``) of each Vs to the one above: no velocity
    inversions, the usual prior for sediments over bedrock, and a much
    smaller search space.
    """
    from scipy.optimize import differential_evolution

    f = np.asarray(f_hz, float)
    c = np.asarray(c_obs, float)
    e = np.maximum(np.asarray(c_err, float), 0.01 * c)
    ok = np.isfinite(c) & np.isfinite(e)
    f, c, e = f[ok], c[ok], e[ok]
    if f.size < 3:
        raise ValueError(f"need at least 3 dispersion points, got {f.size}")
    if increasing_vs:
        bounds = [thickness_bounds_m] * n_layers + [vs_bounds_m_s] + [(1.0, max_vs_ratio)] * n_layers
    else:
        bounds = [thickness_bounds_m] * n_layers + [vs_bounds_m_s] * (n_layers + 1)
    log: list[tuple[np.ndarray, float]] = []

    def decode(p: np.ndarray) -> np.ndarray:
        """Parameters -> (thicknesses..., Vs...) in m and m/s."""
        if not increasing_vs:
            return np.asarray(p, float).copy()
        vs = np.minimum(p[n_layers] * np.cumprod(np.r_[1.0, p[n_layers + 1:]]), vs_bounds_m_s[1])
        return np.r_[p[:n_layers], vs]

    def misfit(p: np.ndarray) -> float:
        p = decode(p)
        th, vs = p[:n_layers], p[n_layers:]
        cp = forward(th, vs, f, vp_vs=vp_vs, vp_min_m_s=vp_min_m_s, density_kg_m3=density_kg_m3)
        r = (cp - c) / e
        m = float(np.sqrt(np.mean(r**2))) if np.all(np.isfinite(r)) else 1e3
        log.append((p.copy(), m))
        return m

    res = differential_evolution(misfit, bounds, seed=seed, maxiter=max_iterations, popsize=popsize, tol=1e-3,
                                 polish=False, init="sobol")
    P = np.array([p for p, _ in log])
    M = np.array([m for _, m in log])
    best = decode(res.x)
    lim = max(1.0, (1 + tolerance) * res.fun)
    acc = M <= lim
    if acc.sum() < 2:
        acc = M <= np.sort(M)[min(len(M) - 1, 20)]
    cb = forward(best[:n_layers], best[n_layers:], f, vp_vs=vp_vs, vp_min_m_s=vp_min_m_s, density_kg_m3=density_kg_m3)
    return InversionResult(f, c, e, best[:n_layers], best[n_layers:], float(res.fun), cb, P[acc, :n_layers], P[acc, n_layers:],
                           M[acc], len(log))
