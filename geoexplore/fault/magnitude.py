"""Potential magnitude from fault dimensions (Wells and Coppersmith 1994; Leonard 2014).

The coefficients come from the rules table (``magnitude`` section), not from
this module. Wells and Coppersmith: ``M = a + b log10(X)`` with the M-on-X
regressions of their Table 2A (lengths and widths in km, area in km2,
displacements in m), each with its standard deviation in magnitude units.
Leonard (2014): ``M = log10(A) + c`` (A in km2), stable continental (SCR) or
interplate, strike-slip or dip-slip, as implemented in OpenQuake's
``Leonard2014_SCR`` / ``Leonard2014_Interplate``; no regression sigma is
published there, so the table's ``sigma_assumed`` is used and labelled so.

Rake convention (OpenQuake): strike-slip if ``|rake| <= 45`` or ``|rake| >= 135``,
reverse if ``rake > 0``, normal if ``rake < 0``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from geoexplore.core.errors import GeoexploreError

QUANTITIES = {
    "srl": ("surface rupture length", "km"),
    "rld": ("subsurface rupture length", "km"),
    "rw": ("rupture width", "km"),
    "ra": ("rupture area", "km2"),
    "md": ("maximum displacement", "m"),
    "ad": ("average displacement", "m"),
}


@dataclass(frozen=True)
class MagnitudeEstimate:
    """One magnitude estimate with its one-sigma uncertainty (magnitude units)."""

    relation: str
    quantity: str
    value: float
    unit: str
    slip_type: str
    magnitude: float
    sigma: float | None
    sigma_note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def slip_type(rake_deg: float | None) -> str:
    """'strike_slip', 'reverse', 'normal', or 'all' when the rake is None (OpenQuake convention)."""
    if rake_deg is None:
        return "all"
    r = float(rake_deg)
    if abs(r) <= 45 or abs(r) >= 135:
        return "strike_slip"
    return "reverse" if r > 0 else "normal"


def _table(rules: Any) -> dict[str, Any]:
    return rules.magnitude.wells_coppersmith_1994 if hasattr(rules, "magnitude") else rules


def wells_coppersmith(quantity: str, value: float, rake_deg: float | None, rules: Any) -> MagnitudeEstimate:
    """Moment magnitude from a rupture dimension, Wells and Coppersmith (1994), Table 2A.

    Parameters
    ----------
    quantity : {'srl', 'rld', 'rw', 'ra', 'md', 'ad'}
        Surface or subsurface rupture length (km), rupture width (km), area
        (km2), maximum or average displacement (m).
    value : float
        The dimension, > 0.
    rake_deg : float or None
        Rake (deg); None uses the all-slip-types regression.
    rules : Rules
        The rules table with the coefficients.

    Examples
    --------
    >>> from geoexplore.fault.rules import load_rules
    >>> round(wells_coppersmith("srl", 10.0, 0.0, load_rules()).magnitude, 2)
    6.28
    """
    tab = _table(rules)
    if quantity not in tab:
        raise GeoexploreError(f"Wells-Coppersmith: unknown quantity {quantity!r}; choose from {sorted(tab)}")
    if not (value > 0 and math.isfinite(value)):
        raise GeoexploreError(f"Wells-Coppersmith: {quantity} must be positive, got {value}")
    st = slip_type(rake_deg)
    row = tab[quantity]
    note = ""
    used = st
    if st not in row:  # e.g. reverse displacement: W&C say use the all-types regression
        used = "all"
        note = f"no {st} regression for {quantity}; the all-types regression is used (W&C 1994)"
    a, b, s = row[used]
    name, unit = QUANTITIES.get(quantity, (quantity, ""))
    return MagnitudeEstimate("Wells & Coppersmith (1994)", name, float(value), unit, used, a + b * math.log10(value), float(s), note)


def leonard(area_km2: float, rake_deg: float | None, rules: Any, setting: str | None = None) -> MagnitudeEstimate:
    """Moment magnitude from rupture area, Leonard (2014), as in OpenQuake.

    ``M = log10(A) + c`` with c = 4.18 (SCR strike-slip), 4.19 (SCR dip-slip),
    3.99 / 4.00 (interplate); with rake None the mean of the two is used.
    """
    if not (area_km2 > 0 and math.isfinite(area_km2)):
        raise GeoexploreError(f"Leonard 2014: area must be positive, got {area_km2}")
    lr = rules.magnitude.leonard_2014
    setting = setting or rules.magnitude.tectonic_setting
    coef = getattr(lr, setting)
    st = slip_type(rake_deg)
    if st == "all":
        c = 0.5 * (coef["strike_slip"] + coef["dip_slip"])
    else:
        c = coef["strike_slip"] if st == "strike_slip" else coef["dip_slip"]
    note = "sigma assumed by the rules table (Leonard gives none)" if lr.sigma_assumed is not None else "no sigma published"
    return MagnitudeEstimate(
        f"Leonard (2014) {setting.upper()}", "rupture area", float(area_km2), "km2",
        "dip_slip" if st in ("normal", "reverse") else st, math.log10(area_km2) + c, lr.sigma_assumed, note,
    )


def magnitude_table(
    length_km: float | None,
    dip_deg: float | None,
    rake_deg: float | None,
    rules: Any,
    *,
    max_displacement_m: float | None = None,
    width_km: float | None = None,
) -> list[MagnitudeEstimate]:
    """All applicable estimates for a fault of known length (and dip).

    Width defaults to the rules' seismogenic depth / sin(dip); area = length x width.
    ``dip_deg=None`` (not known): the width-dependent estimates are evaluated at both
    ends of :data:`geoexplore.fault.sliprate.UNKNOWN_DIP_RANGE_DEG`; the magnitude is
    their mean, half their difference is added to the sigma, and the note says so.
    """
    if dip_deg is None or not math.isfinite(dip_deg):
        return _dip_bracketed(length_km, rake_deg, rules, max_displacement_m=max_displacement_m, width_km=width_km)
    out: list[MagnitudeEstimate] = []
    if length_km is not None and length_km > 0:
        out.append(wells_coppersmith("srl", length_km, rake_deg, rules))
        out.append(wells_coppersmith("rld", length_km, rake_deg, rules))
        w = width_km if width_km else rules.magnitude.seismogenic_depth_km / math.sin(math.radians(max(dip_deg, 1e-3)))
        out.append(wells_coppersmith("rw", w, rake_deg, rules))
        out.append(wells_coppersmith("ra", length_km * w, rake_deg, rules))
        out.append(leonard(length_km * w, rake_deg, rules))
    if max_displacement_m is not None and max_displacement_m > 0:
        out.append(wells_coppersmith("md", max_displacement_m, rake_deg, rules))
    return out


def _dip_bracketed(length_km: float | None, rake_deg: float | None, rules: Any, **kw: Any) -> list[MagnitudeEstimate]:
    from geoexplore.fault.sliprate import UNKNOWN_DIP_RANGE_DEG

    lo, hi = UNKNOWN_DIP_RANGE_DEG
    out = []
    for a, b in zip(magnitude_table(length_km, lo, rake_deg, rules, **kw), magnitude_table(length_km, hi, rake_deg, rules, **kw)):
        if a.value == b.value:
            out.append(a)
            continue
        half = 0.5 * abs(a.magnitude - b.magnitude)
        sig = half if a.sigma is None else math.hypot(0.5 * (a.sigma + b.sigma), half)
        note = (f"dip unknown: {a.quantity} {b.value:.3g}-{a.value:.3g} {a.unit} over dips {hi:g}-{lo:g} deg; "
                f"sigma includes {half:.3f} from the dip")
        out.append(MagnitudeEstimate(a.relation, a.quantity, 0.5 * (a.value + b.value), a.unit, a.slip_type,
                                     0.5 * (a.magnitude + b.magnitude), sig, "; ".join(x for x in (a.sigma_note, note) if x)))
    return out


def trace_magnitudes(
    length_km: float | None,
    length_sigma_km: float | None,
    dip_deg: float | None,
    rake_deg: float | None,
    rules: Any,
    *,
    length_source: str,
    fallback_length_km: float | None = None,
    fallback_source: str = "",
) -> list[MagnitudeEstimate]:
    """Estimates for a fault trace from its traced length, the length's uncertainty propagated.

    Each length-based estimate's sigma becomes ``sqrt(s_reg^2 + s_L^2)`` with
    ``s_L = (M(L + sL) - M(L - sL)) / 2`` (the regression evaluated at the
    length plus and minus its sigma); the width-only estimate is unchanged.
    Without a traced length the fallback (e.g. the geological model's mapped
    length) is used and every estimate's note says so.
    """
    note = f"length: {length_source}"
    if not length_km or length_km <= 0:
        if not fallback_length_km:
            return []
        length_km, length_sigma_km = fallback_length_km, None
        note = f"FALLBACK length: {fallback_source or 'not from the traces'}"
    base = magnitude_table(length_km, dip_deg, rake_deg, rules)
    if length_sigma_km and length_sigma_km > 0:
        hi = magnitude_table(length_km + length_sigma_km, dip_deg, rake_deg, rules)
        lo = magnitude_table(max(length_km - length_sigma_km, 1e-3), dip_deg, rake_deg, rules)
    else:
        hi = lo = base
    out = []
    for b, h, l in zip(base, hi, lo):
        sl = 0.5 * abs(h.magnitude - l.magnitude)
        sig = None if b.sigma is None else math.hypot(b.sigma, sl)
        extra = f"{note}; sigma includes {sl:.3f} from the length uncertainty" if sl > 0 else note
        out.append(MagnitudeEstimate(b.relation, b.quantity, b.value, b.unit, b.slip_type, b.magnitude, sig,
                                     "; ".join(x for x in (b.sigma_note, extra) if x)))
    return out
