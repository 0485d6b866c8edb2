"""Rayleigh-wave dispersion inversion to a layered Vs profile (global search over disba).

Parametrisation: ``n_layers`` layers over a half-space; unknowns are the
layer thicknesses and the Vs of every layer and of the half-space; Vp from
Vs (``vp = max(vp_min, vp_vs * vs)``: water-saturated sediments), density
fixed. Forward: fundamental-mode Rayleigh phase velocity from disba
(Thomson-Haskell / Dunkin). Misfit: RMS of (c_pred - c_obs) / err (a chi
value; about 1 means the data are fitted within their errors). Everything is
seeded and deterministic.

Search: ``n_runs`` differential-evolution runs with different seeds (the
seeds ``seed .. seed + n_runs - 1``) find the best model and the misfit
threshold below. DE's own log is no ensemble: its models crowd around the
optimum (on the Siping array its Vs30 spread missed the truth by 4 of its
sigmas). The acceptable region is then sampled by ``n_chains`` random walks
(``n_walk`` models in all) started from the best and from acceptable DE
models, with a flat target inside the threshold (a step is taken when its
misfit is below it) and Gaussian steps shaped by the covariance of the
acceptable DE models (adaptive Metropolis: walkers follow the region's
ridges, e.g. top thickness against Vs), their scale adapted to about 30 %
taken. The walkers' states after a fifth of burn-in are the ensemble: a
near-uniform sample (in the search parameters) of the acceptable region.

Acceptable ensemble (chi-square): with chi2 = N misfit^2 over N data and p
unknowns, a model is acceptable when chi2 <= chi2_best + s^2 dchi2(p,
``confidence``), where dchi2 is the chi-square quantile with p degrees of
freedom (the joint confidence region of p parameters) and s^2 =
max(1, chi2_best / (N - p)) widens the region when the best model does not
fit within the errors (errors scaled so the best fit has reduced chi2 = 1).

Extremes: the walk under-samples the thin ends of the region, so for Vs30
and the depth to the half-space biased walks (target exp(-+g / T) inside the
threshold, ``extremal_evaluations`` misfits in all) drift from the
ensemble's most extreme member (and a random one) to each end of the region;
the most extreme acceptable models they find join the ensemble.

Reported from the ensemble: percentiles of Vs(z), and Vs30 (30 m over the S
travel time to 30 m) and the depth to the half-space as ensemble medians
with 16-84 % percentiles and the ensemble's full range, which approximates
the projection of the 95 % joint confidence region (a conservative 95 %
interval for each). Depth to the half-space: adjacent
layers of equal Vs (within 1 %; e.g. two layers at the Vs bound) are merged
first; it is then the top of the first layer with Vs >= ``bedrock_vs_m_s``
(the mapped contrast, e.g. the base of the sediments), or of the deepest
layer when ``bedrock_vs_m_s`` is None or no layer reaches it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["InversionResult", "invert_dispersion", "vs30", "forward", "merge_layers", "halfspace_depth", "reflect_into_unit"]


def forward(thickness_m: np.ndarray, vs_m_s: np.ndarray, f_hz: np.ndarray, *, vp_vs: float = 1.9, vp_min_m_s: float = 1500.0,
            density_kg_m3: float = 2000.0) -> np.ndarray:
    """Fundamental Rayleigh phase velocity (m/s) at ``f_hz`` (NaN where disba finds none)."""
    from disba import PhaseDispersion

    vs = np.asarray(vs_m_s, float)
    vp = np.maximum(vp_min_m_s, vp_vs * vs)
    h = np.concatenate((np.asarray(thickness_m, float), [0.0]))  # not np.r_: its index parsing was ~10 % of an inversion
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


def merge_layers(thickness_m: np.ndarray, vs_m_s: np.ndarray, rtol: float = 0.01) -> tuple[np.ndarray, np.ndarray]:
    """Merge adjacent layers whose Vs differ by less than ``rtol`` (relative): (thicknesses, Vs incl. half-space)."""
    th, vs = list(np.asarray(thickness_m, float)), list(np.asarray(vs_m_s, float))
    i = 0
    while i < len(vs) - 1:
        if abs(vs[i + 1] - vs[i]) <= rtol * vs[i]:
            if i + 1 < len(th):  # merge two layers
                th[i] += th.pop(i + 1)
                vs.pop(i + 1)
            else:  # the last layer joins the half-space
                th.pop(i)
                vs.pop(i)
        else:
            i += 1
    return np.array(th), np.array(vs)


def halfspace_depth(thickness_m: np.ndarray, vs_m_s: np.ndarray, bedrock_vs_m_s: float | None = None) -> float:
    """Depth (m) to the half-space after merging equal-Vs layers (module docstring)."""
    th, vs = merge_layers(thickness_m, vs_m_s)
    tops = np.r_[0.0, np.cumsum(th)]
    if bedrock_vs_m_s is not None:
        hard = np.flatnonzero(vs >= bedrock_vs_m_s)
        if hard.size:
            return float(tops[hard[0]])
    return float(tops[-1])


def _stats(v: np.ndarray) -> dict[str, float]:
    p = np.percentile(v, [16, 50, 84])
    return {"median": float(p[1]), "p16": float(p[0]), "p84": float(p[2]), "min": float(v.min()), "max": float(v.max()),
            "err": float((p[2] - p[0]) / 2)}


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
    misfit_threshold: float = np.nan  # acceptable: misfit <= this
    n_runs: int = 1
    bedrock_vs_m_s: float | None = None
    n_search: int = 0  # evaluations of the DE runs (the rest: the random walks)

    def profile(self, depth_m: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(best, p16, p50, p84) Vs at ``depth_m`` over the acceptable ensemble."""
        return self.profile_percentiles(depth_m, (16, 50, 84))

    def profile_percentiles(self, depth_m: np.ndarray, q: tuple[float, ...]) -> tuple[np.ndarray, ...]:
        """(best, *percentiles ``q``) of Vs at ``depth_m`` over the acceptable ensemble."""
        def at(th, vs):
            tops = np.r_[0.0, np.cumsum(th)]
            return vs[np.clip(np.searchsorted(tops, depth_m, side="right") - 1, 0, len(vs) - 1)]
        ens = np.array([at(t, v) for t, v in zip(self.ensemble_thickness_m, self.ensemble_vs_m_s)])
        return at(self.best_thickness_m, self.best_vs_m_s), *np.percentile(ens, q, axis=0)

    def vs30_stats(self) -> dict[str, float]:
        """Vs30 over the ensemble: median, p16, p84, min, max (the 95 % range), err (half the 16-84 % range), best."""
        v = np.array([vs30(t, s) for t, s in zip(self.ensemble_thickness_m, self.ensemble_vs_m_s)])
        return {**_stats(v), "best": float(vs30(self.best_thickness_m, self.best_vs_m_s))}

    def halfspace_stats(self) -> dict[str, float]:
        """Depth to the half-space (:func:`halfspace_depth`) over the ensemble, as :meth:`vs30_stats`."""
        d = np.array([halfspace_depth(t, s, self.bedrock_vs_m_s) for t, s in zip(self.ensemble_thickness_m, self.ensemble_vs_m_s)])
        return {**_stats(d), "best": halfspace_depth(self.best_thickness_m, self.best_vs_m_s, self.bedrock_vs_m_s)}

    def vs30(self) -> tuple[float, float]:
        """Ensemble median Vs30 and half its 16-84 % range."""
        s = self.vs30_stats()
        return s["median"], s["err"]

    def halfspace_depth(self) -> tuple[float, float]:
        """Ensemble median depth to the half-space and half its 16-84 % range."""
        s = self.halfspace_stats()
        return s["median"], s["err"]


def invert_dispersion(
    f_hz: np.ndarray, c_obs: np.ndarray, c_err: np.ndarray, *, n_layers: int = 3,
    thickness_bounds_m: tuple[float, float] = (2.0, 80.0), vs_bounds_m_s: tuple[float, float] = (100.0, 1200.0),
    vp_vs: float = 1.9, vp_min_m_s: float = 1500.0, density_kg_m3: float = 2000.0, seed: int = 0,
    max_iterations: int = 40, popsize: int = 12, n_runs: int = 4, confidence: float = 0.95, increasing_vs: bool = True,
    max_vs_ratio: float = 3.0, bedrock_vs_m_s: float | None = None, max_ensemble: int = 2000, n_walk: int = 8000,
    n_chains: int = 16, extremal_evaluations: int = 6000,
) -> InversionResult:
    """Invert a dispersion curve for a layered Vs profile (see module docstring).

    With ``increasing_vs`` (default) the unknowns are the top Vs and the
    ratios (1 to ``max_vs_ratio``) of each Vs to the one above: no velocity
    inversions, the usual prior for sediments over bedrock, and a much
    smaller search space. At most ``max_ensemble`` walk models are kept (an
    even subsample by misfit rank), plus the extremal models.
    """
    from scipy.optimize import differential_evolution
    from scipy.stats import chi2

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
    raw_log: list[np.ndarray] = []

    def decode(p: np.ndarray) -> np.ndarray:
        """Parameters -> (thicknesses..., Vs...) in m and m/s."""
        if not increasing_vs:
            return np.asarray(p, float).copy()
        vs = np.minimum(p[n_layers] * np.cumprod(np.concatenate(([1.0], p[n_layers + 1:]))), vs_bounds_m_s[1])
        return np.concatenate((p[:n_layers], vs))

    def misfit(x: np.ndarray) -> float:
        p = decode(x)
        th, vs = p[:n_layers], p[n_layers:]
        cp = forward(th, vs, f, vp_vs=vp_vs, vp_min_m_s=vp_min_m_s, density_kg_m3=density_kg_m3)
        r = (cp - c) / e
        m = float(np.sqrt(np.mean(r**2))) if np.all(np.isfinite(r)) else 1e3
        log.append((p, m))
        raw_log.append(np.array(x, float))
        return m

    best_x, best_m = None, np.inf
    for run in range(max(1, n_runs)):
        res = differential_evolution(misfit, bounds, seed=seed + run, maxiter=max_iterations, popsize=popsize, tol=1e-3,
                                     polish=False, init="sobol")
        if res.fun < best_m:
            best_x, best_m = res.x, float(res.fun)
    n_search = len(log)
    n, npar = f.size, len(bounds)
    chi2_best = n * best_m**2
    scale = max(1.0, chi2_best / (n - npar)) if n > npar else max(1.0, best_m**2)
    lim = float(np.sqrt((chi2_best + scale * chi2.ppf(confidence, npar)) / n))
    # walkers start from the best model and from acceptable models of the search spread over the region
    rng = np.random.default_rng(seed)
    ok_search = np.flatnonzero(np.array([m for _, m in log]) <= lim)
    pick = rng.choice(ok_search, size=min(n_chains - 1, ok_search.size), replace=False) if ok_search.size else []
    lo_b, hi_b = np.array(bounds, float).T
    shape = np.cov(((np.array(raw_log)[ok_search] - lo_b) / (hi_b - lo_b)).T) if ok_search.size > 2 * npar else None
    U, P, M = _walk(misfit, bounds, [best_x, *(raw_log[i] for i in pick)], lim, n_walk=n_walk, n_chains=n_chains, rng=rng,
                    log=log, shape=shape)
    if M.size == 0:  # a walk too short to pass its burn-in: the acceptable models of the search
        keep = ok_search if ok_search.size else np.array([int(np.argmin([m for _, m in log]))])
        U, P, M = np.array(raw_log)[keep], np.array([log[i][0] for i in keep]), np.array([log[i][1] for i in keep])
    best = decode(best_x)
    order = np.argsort(M, kind="stable")
    if order.size > max_ensemble:
        order = order[np.unique(np.linspace(0, order.size - 1, max_ensemble).round().astype(int))]
    U, P, M = U[order], P[order], M[order]
    # extremal models: biased walks to the lowest and highest Vs30 and depth to the half-space inside the threshold
    # (the flat walk under-samples the region's thin ends)
    funcs = [lambda th, vs: vs30(th, vs), lambda th, vs: halfspace_depth(th, vs, bedrock_vs_m_s)]
    for Ux, Px, Mx in _extremes(misfit, bounds, U, P, lim, funcs, n_layers, max_evals=extremal_evaluations, log=log,
                                rng=rng):
        U, P, M = np.vstack([U, Ux]), np.vstack([P, Px]), np.r_[M, Mx]
    cb = forward(best[:n_layers], best[n_layers:], f, vp_vs=vp_vs, vp_min_m_s=vp_min_m_s, density_kg_m3=density_kg_m3)
    return InversionResult(f, c, e, best[:n_layers], best[n_layers:], best_m, cb, P[:, :n_layers], P[:, n_layers:],
                           M, len(log), lim, max(1, n_runs), bedrock_vs_m_s, n_search)


def _extremes(misfit, bounds, U, P, lim: float, funcs, n_layers: int, *, max_evals: int, log: list,
              rng: np.random.Generator, n_chains: int = 2):
    """Acceptable models with extreme values of each ``funcs(th, vs)``: yields (raw (1, p), decoded (1, q), misfit (1,)).

    For each function and sign, ``n_chains`` walks (from the most extreme member and from random members) with the
    target exp(-sign g / T) inside the threshold, T a tenth of the ensemble's spread of g: they drift to the region's
    end and along its boundary; the most extreme acceptable model seen is kept.
    """
    n_each = max(1, max_evals // (2 * len(funcs) * n_chains))
    lo, hi = np.array(bounds, float).T
    shape = np.cov(((U - lo) / (hi - lo)).T) if len(U) > 2 * lo.size else None
    for g in funcs:
        vals = np.array([g(p[:n_layers], p[n_layers:]) for p in P])
        temp = 0.1 * max(float(np.std(vals)), 1e-6 * max(1.0, float(np.abs(vals).max())))
        for sign in (1.0, -1.0):
            starts = [U[int(np.argmin(sign * vals))], *U[rng.integers(0, len(U), n_chains - 1)]]

            def bias(p: np.ndarray, sign: float = sign, g=g) -> float:
                return sign * g(p[:n_layers], p[n_layers:]) / temp

            Uw, Pw, Mw = _walk(misfit, bounds, starts, lim, n_walk=n_each * n_chains, n_chains=n_chains, rng=rng, log=log,
                               bias=bias, burn_in=0.0, shape=shape)
            if Mw.size:
                k = int(np.argmin([sign * g(p[:n_layers], p[n_layers:]) for p in Pw]))
                yield Uw[k][None], Pw[k][None], Mw[k:k + 1]


def reflect_into_unit(u: np.ndarray) -> np.ndarray:
    """Reflect normalised parameters into [0, 1] as many times as needed (a triangle wave of period 2).

    A random-walk step may reach several box widths; folding it back once left models outside the bounds.
    """
    r = np.mod(np.abs(np.asarray(u, float)), 2.0)
    return np.where(r > 1.0, 2.0 - r, r)


def _walk(misfit, bounds, starts, lim: float, *, n_walk: int, n_chains: int, rng: np.random.Generator, log: list,
          bias=None, burn_in: float = 0.2, shape: np.ndarray | None = None):
    """Random walks with a flat target inside ``misfit <= lim`` (module docstring): (raw models, decoded models, misfits).

    With ``bias(decoded model)`` the target inside is exp(-bias) (Metropolis). Steps are Gaussian with covariance
    ``shape`` (normalised parameters; default identity): the region's shape, so walkers move along its ridges; their
    scale adapts (grows 10 % on a taken step, shrinks 4 % on a refused one: about 30 % taken), so the sample is
    near-uniform, not exactly.
    """
    lo, hi = np.array(bounds, float).T
    # a floor of 0.01 (normalised) per parameter: a degenerate covariance (identical start models) still moves
    L = np.linalg.cholesky(shape + 1e-4 * np.eye(lo.size)) if shape is not None else np.eye(lo.size)
    s0 = 0.05 if shape is None else 2.38 / np.sqrt(lo.size)  # optimal scale of adaptive Metropolis
    start = [np.asarray(x, float) for x in starts]
    chains = [(start[i % len(start)] - lo) / (hi - lo) for i in range(n_chains)]
    mis, cur, bv = [], [], []
    for u in chains:
        mis.append(float(misfit(lo + u * (hi - lo))))
        cur.append(log[-1][0])
        bv.append(bias(cur[-1]) if bias else 0.0)
    step = np.full(n_chains, s0)
    out_u, out_p, out_m = [], [], []
    n_steps = max(1, n_walk // n_chains)
    for it in range(n_steps):
        for c in range(n_chains):
            u = chains[c] + step[c] * (L @ rng.normal(size=lo.size))
            u = reflect_into_unit(u)  # as often as needed: a step may span several box widths
            m = float(misfit(lo + u * (hi - lo)))
            take = m <= lim
            if take and bias is not None:
                b = bias(log[-1][0])
                take = b <= bv[c] or rng.random() < np.exp(bv[c] - b)
            if take:
                chains[c], mis[c], cur[c] = u, m, log[-1][0]
                if bias is not None:
                    bv[c] = b
                step[c] *= 1.1
            else:
                step[c] *= 0.96
            step[c] = min(max(step[c], 1e-3 * s0), 6 * s0)
            if it >= int(n_steps * burn_in) and mis[c] <= lim:
                out_u.append(lo + chains[c] * (hi - lo))
                out_p.append(cur[c])
                out_m.append(mis[c])
    return np.array(out_u), np.array(out_p), np.array(out_m)
