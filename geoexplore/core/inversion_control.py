"""Landing a pyGIMLi inversion on its target misfit: lambda cooling and a line search onto chi2 = target.

Shared by the methods (ERT resistivity, refraction traveltime tomography):
this module only drives a pyGIMLi inversion framework through the object it
is handed and imports no pyGIMLi itself.

A Gauss-Newton inversion with a fixed regularisation strength lambda either
stops short of the target (lambda too strong for the data: chi2 stalls above
1) or jumps past it (one full step takes chi2 from 1.6 to 0.2: over-fitted,
noise put into the model). :class:`TargetControl` steers pyGIMLi's
inversion loop through its pre- and post-step hooks, the way R2/ResIPy and
RES2DINV do it:

* **cooling**: while chi2 is above ``target + tolerance`` and the last
  iteration reduced it by less than ``stall_fraction`` (relative), lambda is
  multiplied by ``cooling`` (< 1) for the next step, down to ``lam_min``;
* **line search onto the target**: when a step takes chi2 below
  ``target - tolerance``, the model is moved back along that step,
  ``log m(t) = log m_prev + t (log m_new - log m_prev)``, and ``t`` is found
  by regula falsi on ``log chi2(t) = log target`` with forward responses
  (a handful of forward runs, no Jacobian); the inversion stops there;
* **stop reasons** when the data do not allow the target: ``"stalled"``
  (chi2 no longer decreases at the smallest lambda: a noise floor the
  model cannot fit, usually errors that are too small for the data, the
  error model), ``"iteration_limit"`` (still decreasing when ``max_iter``
  ran out) or ``"diverged"`` (the step raised chi2 at the smallest lambda;
  the previous model is kept).

With ``fixed`` (the behaviour before the control), lambda follows the
framework's own schedule (``lambda_factor`` per iteration) and the
inversion stops at the first chi2 <= target; the iterations are recorded
all the same.

Each iteration is recorded (:class:`IterationRecord`): chi2, lambda used
for the step, step length and what was done.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

#: how the summary words each stop reason
REASONS = {
    "target": "chi2 within the target band",
    "stalled": "chi2 stopped decreasing at the smallest lambda: a noise floor the model cannot fit "
               "(errors smaller than the data's real noise: check the error model)",
    "iteration_limit": "iteration limit reached while chi2 was still decreasing (raise max_iter)",
    "diverged": "the last step raised chi2 at the smallest lambda; the previous model is kept",
    "fixed": "fixed lambda (lambda_control 'fixed'): stopped at the first chi2 <= target, a chi2 decrease below 1 % or the iteration limit",
}


class StopInversion(Exception):
    """Raised from a post-step hook to end pyGIMLi's iteration loop."""


@dataclass
class IterationRecord:
    """One Gauss-Newton iteration: chi2 after it, lambda of the step, step length, action taken."""

    iteration: int
    chi2: float
    lam: float
    step_length: float = 1.0
    action: str = ""


def interpolate_models(m_prev: np.ndarray, m_new: np.ndarray, t: float) -> np.ndarray:
    """``exp(log m_prev + t (log m_new - log m_prev))``: a point on the (log) model update."""
    lp = np.log(np.asarray(m_prev, float))
    return np.exp(lp + t * (np.log(np.asarray(m_new, float)) - lp))


def line_search_to_target(chi2_of: Any, chi2_0: float, chi2_1: float, target: float, tolerance: float,
                          max_evals: int = 8) -> tuple[float, float]:
    """Step length t in (0, 1) with chi2(t) within ``tolerance`` of ``target`` (regula falsi in log chi2).

    Parameters
    ----------
    chi2_of : callable
        t -> chi2 of the model at step length t (one forward run).
    chi2_0, chi2_1 : float
        chi2 at t = 0 (above target) and t = 1 (below target).
    target, tolerance : float
    max_evals : int
        At most this many forward runs; the best t found is returned.

    Returns
    -------
    (t, chi2) : tuple of float
    """
    a, fa = 0.0, np.log(chi2_0) - np.log(target)
    b, fb = 1.0, np.log(chi2_1) - np.log(target)
    best = (1.0, chi2_1)
    for k in range(max_evals):
        t = b - fb * (b - a) / (fb - fa) if fb != fa else 0.5 * (a + b)
        if k % 3 == 2 or not (a < t < b):  # Illinois-like guard: bisect now and then
            t = 0.5 * (a + b)
        c = float(chi2_of(t))
        if abs(c - target) < abs(best[1] - target):
            best = (t, c)
        if abs(c - target) <= 0.5 * tolerance:
            return t, c
        fc = np.log(c) - np.log(target)
        if fc > 0:
            a, fa = t, fc
        else:
            b, fb = t, fc
    return best


def set_model(fw: Any, model: np.ndarray, response: np.ndarray) -> None:
    """Put a model and its response into a pyGIMLi framework: its core and the framework's own copy
    (``LSQRInversion`` steps from the framework's, the result is read from it)."""
    inv = fw.inv
    inv.setModel(np.asarray(model, float))
    inv.setResponse(np.asarray(response, float))
    # a framework stepping itself (LSQRInversion) keeps its own copy; the classic one reads the core's
    fw.model = inv.model() if hasattr(type(fw), "oneStep") else None


class TargetControl:
    """pyGIMLi pre/post-step hooks that steer lambda and land chi2 on the target.

    Parameters
    ----------
    fop : pyGIMLi forward operator
        For the line search's forward responses.
    target, tolerance : float
        Target chi2 and the half width of the accepted band.
    lam : float
        Starting lambda.
    cooling : float
        Factor (< 1) applied to lambda when chi2 stalls above the band.
    lam_min : float
        Smallest lambda.
    stall_fraction : float
        A relative chi2 decrease below this counts as stalled.
    max_iter : int
    fixed : bool
        Old behaviour: no cooling and no line search; stop at chi2 <= target.
    lambda_factor : float
        Lambda is multiplied by this after every iteration (pyGIMLi's
        ``lambdaFactor``; 1: constant), before any cooling.
    """

    def __init__(self, fop: Any, *, target: float = 1.0, tolerance: float = 0.2, lam: float = 10.0,
                 cooling: float = 0.5, lam_min: float = 0.1, stall_fraction: float = 0.1, max_iter: int = 20,
                 fixed: bool = False, lambda_factor: float = 1.0) -> None:
        self.fop = fop
        self.target, self.tolerance = float(target), float(tolerance)
        self.lam, self.cooling, self.lam_min = float(lam), float(cooling), float(lam_min)
        self.stall_fraction, self.max_iter, self.fixed = float(stall_fraction), int(max_iter), bool(fixed)
        self.lambda_factor = float(lambda_factor)
        self.history: list[IterationRecord] = []
        self.stop_reason = "fixed" if fixed else "iteration_limit"
        self._prev: tuple[np.ndarray, np.ndarray, float] | None = None

    # -- hooks ---------------------------------------------------------------------
    def pre_step(self, i: int, fw: Any) -> None:
        """Before iteration i: set lambda, remember the model the step starts from."""
        inv = fw.inv
        if i >= 1:
            fw.lam = self.lam  # the framework's copy (LSQRInversion reads it) and the core's
            self._prev = (np.asarray(inv.model(), float).copy(), np.asarray(inv.response(), float).copy(),
                          float(inv.chi2()))

    def post_step(self, i: int, fw: Any) -> None:
        """After iteration i: record, then stop, cool lambda, or line-search back onto the target."""
        inv = fw.inv
        chi2 = float(inv.chi2())
        if i == 0:
            self.history.append(IterationRecord(0, chi2, self.lam, 0.0, "start"))
            return
        rec = IterationRecord(i, chi2, self.lam)
        self.history.append(rec)
        self.lam *= self.lambda_factor  # lambda of the next step (pyGIMLi's lambdaFactor schedule)
        if self.fixed:
            if chi2 <= self.target:
                raise StopInversion
            return
        prev_chi2 = self._prev[2] if self._prev else np.inf
        if chi2 <= self.target + self.tolerance:
            if chi2 < self.target - self.tolerance and self._prev is not None and prev_chi2 > self.target:
                self._land(fw, rec)
            rec.action = rec.action or "target reached"
            self.stop_reason = "target"
            raise StopInversion
        if chi2 > prev_chi2 and self._prev is not None:  # the step made it worse: undo, cool
            set_model(fw, self._prev[0], self._prev[1])
            rec.chi2, rec.step_length = prev_chi2, 0.0
            if self.lam <= self.lam_min * (1 + 1e-9):
                rec.action = "step raised chi2: undone"
                self.stop_reason = "diverged"
                raise StopInversion
            self._cool(rec, "step raised chi2: undone")
            return
        if i >= 2 and chi2 > prev_chi2 * (1.0 - self.stall_fraction):
            if self.lam <= self.lam_min * (1 + 1e-9):
                rec.action = "stalled"
                self.stop_reason = "stalled"
                raise StopInversion
            self._cool(rec, "slow decrease")

    # -- helpers -------------------------------------------------------------------
    def _cool(self, rec: IterationRecord, why: str) -> None:
        new = max(self.lam * self.cooling, self.lam_min)
        rec.action = f"{why}: lambda {self.lam:.3g} -> {new:.3g}"
        self.lam = new

    def _land(self, fw: Any, rec: IterationRecord) -> None:
        """Move back along the last step until chi2 is on the target."""
        inv = fw.inv
        m0, r0, c0 = self._prev
        m1, r1 = np.asarray(inv.model(), float).copy(), np.asarray(inv.response(), float).copy()
        cache: dict[float, np.ndarray] = {}

        def chi2_of(t: float) -> float:
            resp = np.asarray(self.fop.response(interpolate_models(m0, m1, t)), float)
            cache[t] = resp
            inv.setResponse(resp)
            return float(inv.chi2())

        t, c = line_search_to_target(chi2_of, c0, rec.chi2, self.target, self.tolerance)
        if t >= 1.0 or t not in cache:
            inv.setResponse(r1)
            return
        set_model(fw, interpolate_models(m0, m1, t), cache[t])
        rec.action = f"overshoot to chi2 {rec.chi2:.3g}: line search back to step length {t:.3f}"
        rec.chi2, rec.step_length = float(inv.chi2()), float(t)

    def table(self) -> list[dict[str, Any]]:
        """The iteration records as dictionaries (iteration, chi2, lam, step_length, action)."""
        return [asdict(r) for r in self.history]


__all__ = ["REASONS", "IterationRecord", "StopInversion", "TargetControl", "interpolate_models",
           "line_search_to_target"]
