"""SESAME (2004) criteria for a reliable and clear H/V peak.

SESAME European research project (2004). Guidelines for the implementation
of the H/V spectral ratio technique on ambient vibrations: measurements,
processing and interpretation. Deliverable D23.12, section 3.3.

Reliability (all three should pass):

1. f0 > 10 / lw
2. nc(f0) = lw * nw * f0 > 200
3. sigma_A(f) < 2 for 0.5 f0 < f < 2 f0 when f0 > 0.5 Hz (< 3 when f0 < 0.5 Hz)

Clarity (at least five of six should pass):

1. exists f- in [f0/4, f0] with A(f-) < A0 / 2
2. exists f+ in [f0, 4 f0] with A(f+) < A0 / 2
3. A0 > 2
4. the peaks of A(f) * sigma_A(f) and A(f) / sigma_A(f) are within f0 +- 5 %
5. sigma_f < epsilon(f0)
6. sigma_A(f0) < theta(f0)

sigma_A(f) is the standard deviation *factor* of the curve (exp(sigma_ln));
epsilon and theta come from the SESAME table of frequency bands.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

__all__ = ["Criterion", "thresholds", "evaluate", "SesameResult"]

#: (upper f0 bound, epsilon as a fraction of f0, theta) from SESAME (2004) table 3.3
_TABLE = ((0.2, 0.25, 3.0), (0.5, 0.20, 2.5), (1.0, 0.15, 2.0), (2.0, 0.10, 1.78), (np.inf, 0.05, 1.58))


def thresholds(f0_hz: float) -> tuple[float, float]:
    """(epsilon in Hz, theta) for a peak at ``f0_hz``."""
    for fmax, eps, theta in _TABLE:
        if f0_hz < fmax:
            return eps * f0_hz, theta
    raise AssertionError("unreachable")


@dataclass
class Criterion:
    """One SESAME criterion: its value, the threshold, the comparison and the verdict."""

    name: str
    description: str
    value: float
    threshold: float
    relation: str
    passed: bool


@dataclass
class SesameResult:
    reliability: list[Criterion]
    clarity: list[Criterion]

    @property
    def n_reliability(self) -> int:
        return sum(c.passed for c in self.reliability)

    @property
    def n_clarity(self) -> int:
        return sum(c.passed for c in self.clarity)

    @property
    def reliable(self) -> bool:
        """All three reliability criteria pass."""
        return self.n_reliability == 3

    @property
    def clear(self) -> bool:
        """At least five of the six clarity criteria pass."""
        return self.n_clarity >= 5

    def to_dict(self) -> dict:
        return {
            "reliability": [asdict(c) for c in self.reliability],
            "clarity": [asdict(c) for c in self.clarity],
            "n_reliability": self.n_reliability,
            "n_clarity": self.n_clarity,
            "reliable": self.reliable,
            "clear": self.clear,
        }


def evaluate(
    f_hz: np.ndarray,
    median: np.ndarray,
    sigma_ln: np.ndarray,
    *,
    window_length_s: float,
    n_windows: int,
    f0_std_hz: float,
    fmin_search: float | None = None,
    fmax_search: float | None = None,
) -> SesameResult:
    """Evaluate the SESAME criteria on a median curve.

    Parameters
    ----------
    f_hz, median, sigma_ln : ndarray, shape (nfreq,)
        Frequencies, lognormal median H/V and its sigma_ln.
    window_length_s : float
        Window length lw (s).
    n_windows : int
        Number of windows kept, nw.
    f0_std_hz : float
        Standard deviation of the window peak frequencies sigma_f (Hz).
    """
    f = np.asarray(f_hz, float)
    a = np.asarray(median, float)
    sa = np.exp(np.asarray(sigma_ln, float))  # standard deviation factor
    m = np.ones(f.shape, bool)
    if fmin_search is not None:
        m &= f >= fmin_search
    if fmax_search is not None:
        m &= f <= fmax_search
    i0 = int(np.argmax(np.where(m, a, -np.inf)))
    f0, a0 = float(f[i0]), float(a[i0])

    rel = []
    rel.append(Criterion("f0 > 10/lw", "peak frequency above 10 over the window length", f0, 10.0 / window_length_s, ">", f0 > 10.0 / window_length_s))
    nc = window_length_s * n_windows * f0
    rel.append(Criterion("nc(f0) > 200", "number of significant cycles lw * nw * f0", nc, 200.0, ">", nc > 200.0))
    band = (f > 0.5 * f0) & (f < 2.0 * f0)
    lim = 2.0 if f0 > 0.5 else 3.0
    smax = float(sa[band].max()) if band.any() else float("nan")
    rel.append(Criterion("sigma_A(f) < 2 over [f0/2, 2f0]", "largest standard deviation factor of the curve between f0/2 and 2 f0 (3 below 0.5 Hz)", smax, lim, "<", bool(smax < lim)))

    clar = []
    half = a0 / 2.0
    lo = (f >= f0 / 4.0) & (f <= f0)
    vmin_lo = float(a[lo].min()) if lo.any() else float("nan")
    clar.append(Criterion("A(f-) < A0/2 in [f0/4, f0]", "lowest amplitude between f0/4 and f0", vmin_lo, half, "<", bool(vmin_lo < half)))
    hi = (f >= f0) & (f <= 4.0 * f0)
    vmin_hi = float(a[hi].min()) if hi.any() else float("nan")
    clar.append(Criterion("A(f+) < A0/2 in [f0, 4f0]", "lowest amplitude between f0 and 4 f0", vmin_hi, half, "<", bool(vmin_hi < half)))
    clar.append(Criterion("A0 > 2", "peak amplitude of the median curve", a0, 2.0, ">", a0 > 2.0))
    up, dn = a * sa, a / sa
    fu = float(f[int(np.argmax(np.where(m, up, -np.inf)))])
    fd = float(f[int(np.argmax(np.where(m, dn, -np.inf)))])
    dev = max(abs(fu - f0), abs(fd - f0)) / f0
    clar.append(Criterion("f_peak[A*sigma_A, A/sigma_A] = f0 +- 5%", "largest relative distance of the peaks of the upper and lower curves from f0", dev, 0.05, "<", bool(dev < 0.05)))
    eps, theta = thresholds(f0)
    clar.append(Criterion("sigma_f < epsilon(f0)", "standard deviation of the window peak frequencies (Hz)", float(f0_std_hz), eps, "<", bool(f0_std_hz < eps)))
    s0 = float(sa[i0])
    clar.append(Criterion("sigma_A(f0) < theta(f0)", "standard deviation factor of the curve at f0", s0, theta, "<", bool(s0 < theta)))
    return SesameResult(rel, clar)
