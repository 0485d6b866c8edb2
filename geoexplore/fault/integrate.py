"""Integration of indicators from several methods into fault candidates.

Conventions
-----------
* **Position** of a candidate = the chainage of its upper breakpoint (the
  fault-plane position at the upper-breakpoint depth: the "tip chainage").
  Its surface projection along the dip is reported beside it.
* Indicators are taken in order of increasing location uncertainty; each
  joins the candidate whose plane (position + dip) passes within
  ``cluster_distance_m + 2 sigma`` of the indicator at the indicator's depth,
  or starts a new candidate. An indicator compatible with more than one
  candidate is attached to the nearest and the ambiguity is reported.
* The location comes from the reflection indicator when there is one (best
  lateral and vertical resolution); otherwise it is the mean of the
  indicators weighted by strength / sigma^2. Indicators that disagree with it by more than
  ``contradiction_sigma`` combined sigmas are *reported as contradictions*,
  never averaged in. A method whose image covers the candidate but shows
  nothing there is reported too ("covered, not seen").
* Confidence = ``1 - prod_g (1 - w_m s_m)`` over independent evidence groups
  ``g`` (best method of each group; weights ``w`` and groups from the rules),
  times ``contradiction_factor`` per contradiction.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from geoexplore.fault.indicators import Indicator


@dataclass
class Coverage:
    """Where a method's image can see: chainage range and, per chainage, the deepest constrained depth."""

    method: str
    chainage_m: np.ndarray
    max_depth_m: np.ndarray
    min_depth_m: float = 0.0

    def covers(self, x: float, z: float | None = None) -> bool:
        c = self.chainage_m
        if c.size == 0 or x < c.min() or x > c.max():
            return False
        if z is None:
            return True
        return bool(self.min_depth_m <= z <= float(np.interp(x, c, self.max_depth_m)))


def coverage_of(ds: Any, method: str) -> Coverage:
    """The coverage of an image (mask respected; reflection: where amplitudes are finite)."""
    if method == "microtremor":
        ch = np.sort(np.asarray(ds["chainage_m"].values, float))
        h = np.asarray(ds["thickness_m"].values, float)
        return Coverage(method, ch, np.full(ch.size, float(np.nanmax(h)) if h.size else 0.0))
    x = np.asarray(ds["chainage_m"].values, float)
    z = np.asarray(ds["depth_m"].values, float)
    main = {"reflection": "amplitude", "refraction": "vp_m_s"}.get(method, "resistivity_ohm_m")
    ok = np.isfinite(np.asarray(ds[main].transpose("depth_m", "chainage_m").values, float))
    if "mask" in ds:
        ok &= np.asarray(ds["mask"].transpose("depth_m", "chainage_m").values, bool)
    zmax = np.array([z[ok[:, j]].max() if ok[:, j].any() else -1.0 for j in range(x.size)])
    return Coverage(method, x, zmax, float(z.min()))


@dataclass
class Candidate:
    """A fault candidate (see module docstring)."""

    id: str
    chainage_m: float
    chainage_sigma_m: float
    surface_chainage_m: float | None
    dip_deg: float | None
    dip_sigma_deg: float | None
    dips_toward: str | None
    upper_breakpoint_m: float | None
    upper_breakpoint_sigma_m: float | None
    upper_breakpoint_min_m: float | None
    upper_breakpoint_max_m: float | None
    upper_breakpoint_bounded: bool
    upper_breakpoint_source: str
    depth_bottom_m: float
    methods: list[str]
    indicators: list[Indicator] = field(default_factory=list)
    throws: list[dict[str, Any]] = field(default_factory=list)
    confidence: float = 0.0
    confidence_level: str = "low"
    contradictions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    not_seen_by: list[str] = field(default_factory=list)
    not_covered_by: list[str] = field(default_factory=list)

    def position_at(self, depth_m: float) -> float:
        if self.dip_deg is None or self.dips_toward is None or self.upper_breakpoint_m is None:
            return self.chainage_m
        s = 1.0 if self.dips_toward == "increasing" else -1.0
        return self.chainage_m + s * (depth_m - self.upper_breakpoint_m) / math.tan(math.radians(self.dip_deg))

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["indicators"] = [i.as_dict() for i in self.indicators]
        return d


def _anchor(ind: Indicator) -> Indicator:
    return ind


def _distance(c_inds: list[Indicator], ind: Indicator) -> float:
    """Lateral distance between an indicator and a candidate's best indicator, compared at the indicator's depth."""
    best = min(c_inds, key=lambda i: i.chainage_sigma_m)
    return abs(best.position_at(ind.depth_top_m) - ind.chainage_m)


def integrate(
    indicators: dict[str, list[Indicator]],
    rules: Any,
    coverage: dict[str, Coverage] | None = None,
) -> list[Candidate]:
    """Cluster indicators into fault candidates (see module docstring).

    Parameters
    ----------
    indicators : dict
        Method -> its indicators.
    rules : Rules
    coverage : dict, optional
        Method -> :class:`Coverage`, for "covered, not seen" reports.
    """
    ir = rules.integration
    allinds = sorted((i for v in indicators.values() for i in v), key=lambda i: (i.chainage_sigma_m, -i.strength))
    clusters: list[list[Indicator]] = []
    ambiguous: dict[int, list[str]] = {}
    for ind in allinds:
        lim = ir.cluster_distance_m + 2 * ind.chainage_sigma_m
        d = [(_distance(c, ind), k) for k, c in enumerate(clusters)]
        ok = sorted((dd, k) for dd, k in d if dd <= lim)
        if not ok:
            clusters.append([ind])
            continue
        k = ok[0][1]
        clusters[k].append(ind)
        if len(ok) > 1:
            ambiguous.setdefault(k, []).append(
                f"the {ind.method} {ind.kind} at {ind.chainage_m:.0f} +- {ind.chainage_sigma_m:.0f} m is also compatible with "
                f"the candidate(s) near {', '.join(f'{clusters[kk][0].chainage_m:.0f} m' for _, kk in ok[1:])} (attached to the nearest)"
            )
    cands: list[Candidate] = []
    for k, inds in enumerate(clusters):
        cands.append(_candidate(inds, rules, coverage or {}, ambiguous.get(k, [])))
    cands.sort(key=lambda c: c.chainage_m)
    for n, c in enumerate(cands, 1):
        c.id = f"FC{n}"
    return cands


def _candidate(inds: list[Indicator], rules: Any, coverage: dict[str, Coverage], notes: list[str]) -> Candidate:
    ir = rules.integration
    refl = [i for i in inds if i.method == "reflection"]
    if refl:
        main = max(refl, key=lambda i: i.strength)
        x, xs = main.chainage_m, main.chainage_sigma_m
        ub = main.upper_breakpoint or {}
        ubz = float(ub.get("depth_m", main.depth_top_m))
        ubs = ub.get("sigma_m")
        ubmin, ubmax = ub.get("depth_min_m"), ub.get("depth_max_m")
        bounded = bool(ub.get("bounded_above", False))
        src = "reflection: shallowest offset and unbroken reflectors"
        throws = list(main.throws)
    else:
        # weighted mean: inverse variance times strength (an anomaly barely above its detection threshold locates
        # the fault less well than its sigma alone says); sigma of the weighted mean of independent estimates
        sig = np.array([max(i.chainage_sigma_m, 1.0) for i in inds])
        w = np.array([max(i.strength, 0.05) for i in inds]) / sig**2
        x = float(np.sum(w * [i.chainage_m for i in inds]) / w.sum())
        xs = float(math.sqrt(np.sum((w * sig) ** 2)) / w.sum())
        top = min(inds, key=lambda i: i.depth_top_m)
        ubz = top.depth_top_m
        res = max(5.0, 0.25 * ubz) if top.method in ("ert", "refraction") else max(50.0, 0.5 * ubz)
        ubs, ubmin, ubmax, bounded = res, max(0.0, ubz - res), ubz + res, False
        src = f"{top.method}: top of the {top.kind} (low vertical resolution)" if top.method != "microtremor" else "none (microtremor step only)"
        if top.method == "microtremor":
            ubz, ubs, ubmin, ubmax = None, None, None, None
        throws = []
    if refl and not bounded:
        # reflection resolves nothing above its shallowest offset: a shallower resistivity / velocity anomaly
        # top (same fault zone) is the better upper-breakpoint estimate, with its low vertical resolution
        shallow = [i for i in inds if i.method in ("ert", "refraction") and i.depth_top_m < ubz - 2.0]
        if shallow:
            top = min(shallow, key=lambda i: i.depth_top_m)
            res = max(5.0, 0.25 * top.depth_top_m)
            notes = list(notes) + [f"reflection resolves no horizon above its shallowest offset ({ubz:.0f} m); the upper breakpoint "
                                   f"is taken from the top of the {top.method} {top.kind} at {top.depth_top_m:.0f} m"]
            ubz, ubs = top.depth_top_m, res
            ubmin, ubmax = max(0.0, ubz - res), ubz + res
            src = f"{top.method}: top of the {top.kind} (reflection unresolved above {ubmax:.0f} m)"
            if top.chainage_sigma_m < xs:  # the anomaly top is located better than the extrapolated plane
                x, xs = top.chainage_m, top.chainage_sigma_m
            elif main.dip_deg:
                x = main.position_at(ubz)
    dipped = [i for i in inds if i.dip_deg is not None and i.dips_toward]
    if refl and refl[0].dip_deg is not None:
        dip_src = max(refl, key=lambda i: i.strength)
    elif dipped:
        dip_src = min(dipped, key=lambda i: i.dip_sigma_deg or 99)
    else:
        dip_src = None
    dip = dip_src.dip_deg if dip_src else None
    dsig = dip_src.dip_sigma_deg if dip_src else None
    dtw = dip_src.dips_toward if dip_src else None
    surf = None
    if dip is not None and ubz is not None:
        s = 1.0 if dtw == "increasing" else -1.0
        surf = x - s * ubz / math.tan(math.radians(dip))
    cand = Candidate(
        id="", chainage_m=float(x), chainage_sigma_m=float(xs), surface_chainage_m=surf, dip_deg=dip, dip_sigma_deg=dsig,
        dips_toward=dtw, upper_breakpoint_m=ubz, upper_breakpoint_sigma_m=ubs, upper_breakpoint_min_m=ubmin,
        upper_breakpoint_max_m=ubmax, upper_breakpoint_bounded=bounded, upper_breakpoint_source=src,
        depth_bottom_m=float(max(i.depth_bottom_m for i in inds)), methods=sorted({i.method for i in inds}),
        indicators=inds, throws=throws, notes=list(notes),
    )
    # contradictions: location disagreements (projected to each indicator's depth)
    for i in inds:
        if refl and i is max(refl, key=lambda q: q.strength):
            continue
        xp = cand.position_at(i.depth_top_m)
        sc = math.hypot(i.chainage_sigma_m, cand.chainage_sigma_m)
        if abs(i.chainage_m - xp) > ir.contradiction_sigma * sc:
            cand.contradictions.append(
                f"{i.method} {i.kind} at {i.chainage_m:.0f} +- {i.chainage_sigma_m:.0f} m is {abs(i.chainage_m - xp) / sc:.1f} sigma "
                f"from the candidate plane at that depth ({xp:.0f} m); kept apart, not averaged"
            )
    dirs = {i.dips_toward for i in dipped if (i.dip_sigma_deg or 99) <= 20}
    if len(dirs) > 1:
        cand.contradictions.append("dip directions disagree: " + "; ".join(f"{i.method} dips towards {i.dips_toward} chainage" for i in dipped))
    # covered but not seen
    for m, cov in coverage.items():
        if m in cand.methods:
            continue
        z = cand.upper_breakpoint_m if m not in ("microtremor", "mt") else None
        xx = cand.chainage_m
        if cov.covers(xx, z):
            cand.not_seen_by.append(m)
            if m in ("reflection",) and not refl:
                cand.contradictions.append(f"{m} covers {xx:.0f} m at {z if z is not None else 0:.0f} m depth and shows no fault there")
        else:
            cand.not_covered_by.append(m)
    # confidence
    groups: dict[str, float] = {}
    for i in inds:
        g = ir.groups.get(i.method, i.method)
        groups[g] = max(groups.get(g, 0.0), ir.method_weight.get(i.method, 0.3) * i.strength)
    conf = 1.0 - float(np.prod([1.0 - v for v in groups.values()]))
    conf *= ir.contradiction_factor ** len(cand.contradictions)
    cand.confidence = conf
    lv = ir.confidence_levels
    cand.confidence_level = "high" if conf >= lv.get("high", 0.8) else ("medium" if conf >= lv.get("medium", 0.5) else "low")
    return cand
