"""Setback distances (GB 50011-2010 clause 4.1.7) and overburden thickness (clause 4.1.4).

All numbers come from the rules table's ``setback`` section.

Clause 4.1.7 (as summarised in the reference): fault-rupture effects on
buildings may be ignored if any one holds: (1) design intensity below 8;
(2) the fault is not Holocene active; (3) at intensity 8 (9) a buried
(pre-Quaternary bedrock) fault under more than 60 m (90 m) of soil.
Otherwise the main fault zone is avoided by at least the tabulated distance
for the building category A (甲), B (乙), C (丙), D (丁).

Clause 4.1.4: the overburden thickness is the depth to the top of the first
layer with Vs > 500 m/s whose underlying layers all have Vs >= 500 m/s; or,
for a layer below 5 m whose Vs exceeds 2.5 times every layer above and which
with everything below has Vs >= 400 m/s, the depth to its top.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from geoexplore.core.errors import GeoexploreError

CATEGORIES = ("A", "B", "C", "D")
CATEGORY_ZH = {"A": "甲", "B": "乙", "C": "丙", "D": "丁"}


def overburden_thickness(thickness_m: Any, vs_m_s: Any, rules: Any) -> float:
    """Overburden thickness (m) of a layered Vs column per GB 50011-2010 4.1.4.

    Parameters
    ----------
    thickness_m : array (n,)
        Layer thicknesses top down (m); the last layer is the half-space
        (its thickness is ignored).
    vs_m_s : array (n,)
        Shear-wave velocity of each layer (m/s).
    rules : Rules

    Returns
    -------
    float
        Depth (m) to the top of the "bedrock" layer; the total thickness of
        the finite layers (a lower bound) when no layer qualifies (NaN if the
        column is empty).

    Examples
    --------
    >>> from geoexplore.fault.rules import load_rules
    >>> overburden_thickness([10, 20, 0], [200, 300, 600], load_rules())
    30.0
    """
    h = np.asarray(thickness_m, float)
    vs = np.asarray(vs_m_s, float)
    if h.shape != vs.shape or h.ndim != 1 or h.size == 0:
        raise GeoexploreError("overburden_thickness: thickness_m and vs_m_s must be 1D arrays of equal length")
    ob = rules.setback.overburden if hasattr(rules, "setback") else rules
    tops = np.r_[0.0, np.cumsum(h[:-1])]
    n = h.size
    for i in range(n):
        below = vs[i:]
        if vs[i] > ob.vs_rock_m_s and np.all(below >= ob.vs_rock_m_s):
            clause_a = tops[i]
            break
    else:
        clause_a = float("nan")
    for i in range(1, n):
        if tops[i] > ob.ratio_min_depth_m and np.all(vs[i] > ob.ratio * vs[:i]) and np.all(vs[i:] >= ob.ratio_vs_below_m_s):
            clause_b = tops[i]
            break
    else:
        clause_b = float("nan")
    cands = [c for c in (clause_a, clause_b) if np.isfinite(c)]
    if cands:
        return float(min(cands))
    return float(np.sum(h[:-1])) if n > 1 else float("nan")


@dataclass(frozen=True)
class Setback:
    """The setback decision for one fault and one building category."""

    category: str
    intensity: int
    activity_class: str
    cover_m: float | None
    exempt: bool
    distance_m: float | None
    special_study: bool
    reason: str
    if_holocene_distance: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def setback(intensity: int, category: str, activity_class: str, rules: Any, *, cover_m: float | None = None, buried: bool = True) -> Setback:
    """Minimum avoidance distance of the main fault zone per GB 50011-2010 4.1.7.

    Parameters
    ----------
    intensity : int
        Design seismic intensity (6-9).
    category : {'A', 'B', 'C', 'D'}
        Building category (甲 乙 丙 丁).
    activity_class : str
        An activity class id of the rules (e.g. 'holocene', 'late_pleistocene').
    cover_m : float, optional
        Soil cover thickness above the fault's upper breakpoint (m).
    buried : bool
        True if the fault does not reach the surface.
    """
    sb = rules.setback
    category = category.upper()
    if category not in CATEGORIES:
        raise GeoexploreError(f"setback: building category must be one of {CATEGORIES}, got {category!r}")
    table = sb.distance_m.get(str(int(intensity)))

    def fmt(v: Any) -> str:
        return "special study" if v == "special" else ("no requirement" if float(v) == 0 else f"{float(v):.0f} m")

    hol = fmt(table[category]) if table else "n/a"
    common = dict(category=category, intensity=int(intensity), activity_class=activity_class, cover_m=cover_m, if_holocene_distance=hol)
    if int(intensity) < sb.min_intensity:
        return Setback(exempt=True, distance_m=None, special_study=False,
                       reason=f"exempt (4.1.7-1): design intensity {intensity} is below {sb.min_intensity}", **common)
    undetermined = activity_class == rules.activity.undetermined.id
    if activity_class != sb.exempt_unless_class and not undetermined:
        return Setback(exempt=True, distance_m=None, special_study=False,
                       reason=f"exempt (4.1.7-2): the fault is not {rules.class_label(sb.exempt_unless_class)} ({rules.class_label(activity_class)})", **common)
    limit = sb.buried_cover_m.get(str(int(intensity)))
    if buried and cover_m is not None and limit is not None and cover_m > limit:
        return Setback(exempt=True, distance_m=None, special_study=False,
                       reason=f"exempt (4.1.7-3): buried under {cover_m:.0f} m of soil, more than {limit:.0f} m at intensity {intensity}", **common)
    if table is None:
        raise GeoexploreError(f"setback: the rules table {rules.rules} has no distances for intensity {intensity}")
    v = table[category]
    pre = "activity undetermined, treated as Holocene active (conservative): " if undetermined else ""
    if v == "special":
        return Setback(exempt=False, distance_m=None, special_study=True, reason=pre + "category A: special study required (4.1.7)", **common)
    d = float(v)
    reason = pre + ("no requirement for this category (4.1.7)" if d == 0 else f"avoid the main fault zone by at least {d:.0f} m (4.1.7)")
    return Setback(exempt=False, distance_m=d, special_study=False, reason=reason, **common)


def setback_polygons(line_xy: Any, decisions: list[Setback], *, zone_half_width_m: float = 0.0) -> list[dict[str, Any]]:
    """Map polygons of the setback zones along a fault trace, one per building category that is not exempt.

    The zone is the set of points within ``zone_half_width_m + distance_m``
    of the trace polyline (a buffer with round ends): GB 50011-2010 4.1.7
    measures the avoidance distance from the main fault zone, here the trace
    widened by ``zone_half_width_m`` (e.g. its position uncertainty).

    Parameters
    ----------
    line_xy : array (n, 2)
        Trace vertices in a projected CRS (m).
    decisions : list of Setback
        From :func:`setback`, one per category.

    Returns
    -------
    list of dict
        ``category``, ``category_zh``, ``distance_m``, ``reason`` and
        ``geometry`` (a shapely Polygon); categories needing a special study
        get the zone of the largest tabulated distance with ``special_study``
        True; exempt categories get no polygon.
    """
    from shapely.geometry import LineString

    line = LineString(np.asarray(line_xy, float))
    dmax = max((d.distance_m for d in decisions if d.distance_m), default=0.0)
    out = []
    for d in decisions:
        if d.exempt or (d.distance_m in (None, 0.0) and not d.special_study):
            continue
        dist = float(d.distance_m) if d.distance_m else dmax
        out.append({"category": d.category, "category_zh": CATEGORY_ZH[d.category], "distance_m": dist, "special_study": d.special_study,
                    "reason": d.reason, "geometry": line.buffer(zone_half_width_m + dist, quad_segs=16)})
    return out
