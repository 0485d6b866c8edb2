"""Numbers in reports rounded to what their uncertainty supports.

The rule (the one of the Particle Data Group and of most metrology guides):
the uncertainty keeps one significant digit, two when that digit would be a
1 (``0.14``, not ``0.1``); the value is rounded to the same decimal place.
``26.7464 +- 2.67`` becomes ``27 ± 3``; ``0.0605 (0.0493-0.0728)`` becomes
``0.060 (0.049-0.073)``. Magnitudes are quoted to 0.1 (:func:`fmt_magnitude`).
A value without uncertainty keeps a stated number of significant digits.
"""

from __future__ import annotations

import math
from typing import Any

PM = "±"


def _finite(*xs: float | None) -> bool:
    return all(x is not None and math.isfinite(float(x)) for x in xs)


def sigma_decimals(sigma: float) -> int:
    """Decimal places an uncertainty supports (negative: tens, hundreds...).

    One significant digit, two when the leading digit is 1.

    >>> sigma_decimals(0.31), sigma_decimals(0.14), sigma_decimals(2.67), sigma_decimals(258.0)
    (1, 2, 0, -2)
    """
    s = abs(float(sigma))
    if s == 0 or not math.isfinite(s):
        raise ValueError(f"an uncertainty must be finite and non-zero, got {sigma}")
    exp = math.floor(math.log10(s))
    lead = int(round(s / 10.0**exp, 6))
    if lead >= 10:  # 9.96 rounds to 10
        exp, lead = exp + 1, 1
    digits = 2 if lead == 1 else 1
    d = -(exp - digits + 1)
    # the rounded sigma may gain a digit (0.096 -> 0.10): decide on the rounded value
    if digits == 1 and round(s, d) >= 10.0 ** (exp + 1):
        d -= 1
    return d


def _fmt(x: float, d: int) -> str:
    if d > 0:
        return f"{x:.{d}f}"
    r = round(x, d)
    return f"{r:.0f}"


def fmt_number(v: Any, fmt: str = "{:.0f}") -> str:
    """``v`` formatted with ``fmt``; '-' for None, empty or non-finite values, the text itself for a non-number."""
    try:
        x = float(v)
    except (TypeError, ValueError):
        return str(v) if v not in (None, "") else "-"
    return "-" if not math.isfinite(x) else fmt.format(x)


def round_sig(x: float, n: int = 3) -> str:
    """``x`` to ``n`` significant digits, without an exponent (``23030`` -> ``23000``, ``26.7464`` -> ``26.7``)."""
    if not _finite(x):
        return "-"
    if x == 0:
        return "0"
    d = n - 1 - math.floor(math.log10(abs(x)))
    return _fmt(x, d)


def fmt_pm(value: float | None, sigma: float | None, unit: str = "", *, max_decimals: int | None = None) -> str:
    """``value ± sigma unit`` rounded by the uncertainty (``-`` for a missing value; the value alone to 3 digits
    when the uncertainty is missing or zero)."""
    if not _finite(value):
        return "-"
    u = f" {unit}" if unit else ""
    if not _finite(sigma) or float(sigma) == 0:  # type: ignore[arg-type]
        return f"{round_sig(float(value))}{u}"  # type: ignore[arg-type]
    d = sigma_decimals(float(sigma))  # type: ignore[arg-type]
    if max_decimals is not None:
        d = min(d, max_decimals)
    return f"{_fmt(float(value), d)} {PM} {_fmt(abs(float(sigma)), d)}{u}"  # type: ignore[arg-type]


def fmt_interval(value: float | None, lo: float | None, hi: float | None) -> str:
    """``value (lo-hi)`` rounded by the interval's half-width (a slip rate with its 16-84 % range)."""
    if not _finite(value):
        return "-"
    if not _finite(lo, hi) or float(hi) == float(lo):  # type: ignore[arg-type]
        return round_sig(float(value))  # type: ignore[arg-type]
    d = sigma_decimals((float(hi) - float(lo)) / 2.0)  # type: ignore[arg-type]
    return f"{_fmt(float(value), d)} ({_fmt(float(lo), d)}-{_fmt(float(hi), d)})"  # type: ignore[arg-type]


def fmt_age_ka(age_ka: float | None, sigma_ka: float | None = None) -> str:
    """An age in ka: by its uncertainty, else to 3 significant digits (``26.7464`` -> ``26.7``)."""
    return fmt_pm(age_ka, sigma_ka)


def fmt_magnitude(m: float | None, sigma: float | None = None) -> str:
    """A magnitude to 0.1, with the relation's standard deviation as published (``6.594, 0.31`` -> ``6.6 (σ 0.31)``).

    The standard deviation of an empirical magnitude relation (0.2-0.4) is
    larger than 0.1 everywhere, so 0.1 is the finest step any of them supports.
    """
    if not _finite(m):
        return "-"
    if not _finite(sigma) or float(sigma) == 0:  # type: ignore[arg-type]
        return f"{float(m):.1f}"  # type: ignore[arg-type]
    return f"{float(m):.1f} (σ {float(sigma):.2f})"  # type: ignore[arg-type]
