"""Fault traces in map view: correlating the candidates of neighbouring survey lines.

The rule (also in docs/assessment.md)
-------------------------------------
Lines are ordered along the regional strike (``strike_prior_deg``). Every
pair of candidates (a, b) on *neighbouring* lines gets a score, the product of

* geometry: ``exp(-e^2 / 2 t^2)``, e the distance of b from the line through
  a along the prior strike, ``t = sqrt(sa^2 + sb^2) + L tan(strike_prior_sigma_deg)``
  (L the along-strike distance of the two points, s their position sigmas);
  zero beyond ``max_lateral_m``;
* dip: ``exp(-d^2 / 2 t^2)``, d the dip difference, t the dips' sigmas and
  ``dip_tolerance_deg`` combined; zero if both dip directions are known and differ;
  ``dip_unknown_factor`` if either dip is unknown (missing evidence weighs less
  than agreeing evidence, as for the activity: an ERT-only candidate with no dip
  does not outscore one whose reflection dip agrees);
* sense of throw: zero if both downthrown sides are known and differ;
* activity: 1 if the classes agree, ``activity_mismatch_factor`` if both are
  determined and differ, ``activity_unknown_factor`` if one is undetermined;
* upper breakpoint: ``exp(-d^2 / 2 t^2)``, d the depth difference,
  ``t = sqrt(sa^2 + sb^2) + ub_relative_tolerance * mean depth + 5 m``.
  A breakpoint known only as a bound (reflection with no unbroken horizon
  above its shallowest offset one: the fault reaches at least that high,
  stored as min 0 and max that depth, without a sigma) is the interval it
  states: d is the gap between the two intervals (zero when they overlap),
  so a shallow breakpoint on one line does not contradict a bound on the next.

Pairs are joined greedily by decreasing score, each candidate at most once
per neighbour, when the score reaches ``min_score``. Chains of two or more
candidates are traces; the rest stay as isolated findings.

Per trace: the map point on each line is the candidate's surface projection
(its upper-breakpoint position when no dip is known). Strike: orthogonal
regression through the points; its sigma the larger of the propagated
position sigmas and the scatter. A **segment boundary** lies between two
lines when the link's azimuth differs from the median of the other links by
more than ``segment_strike_change_deg`` (geometry), or when the points on
either side sit on different DEM scarps (terrain). Length: **observed**
between the outermost lines (links projected on the trace strike where a
boundary is, so a step-over's lateral jump is not length; a lower bound);
**extrapolated** to the ends of the DEM scarps that continue the trace
beyond its outermost lines, where they do (stated which).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from geoexplore.fault.terrain import principal_axis


@dataclass(frozen=True)
class CorrelationRules:
    """Thresholds of the correlation rule (see module docstring); lengths m, angles deg."""

    strike_prior_deg: float = 45.0
    strike_prior_sigma_deg: float = 10.0
    max_lateral_m: float = 600.0
    dip_tolerance_deg: float = 10.0
    dip_unknown_factor: float = 0.8
    activity_mismatch_factor: float = 0.5
    activity_unknown_factor: float = 0.8
    ub_relative_tolerance: float = 0.3
    min_score: float = 0.3
    segment_strike_change_deg: float = 8.0
    scarp_match_m: float = 60.0
    scarp_strike_tolerance_deg: float = 15.0
    extrapolation_end_sigma_m: float = 100.0


@dataclass
class LineCandidate:
    """A candidate of one line, placed on the map."""

    line: str
    id: str
    x: float
    y: float
    chainage_m: float
    sigma_m: float
    dip_deg: float | None
    dip_sigma_deg: float | None
    dips_toward: str | None
    upper_breakpoint_m: float | None
    upper_breakpoint_sigma_m: float | None
    activity_class: str
    down_side: str | None
    confidence: float
    methods: str
    lon: float = math.nan
    lat: float = math.nan
    detail: dict[str, Any] = field(default_factory=dict)
    model_fault: str = ""  # for scoring against a model only; never used by the correlation
    upper_breakpoint_min_m: float | None = None  # the stated range (a bound: min 0, no sigma); None when not stored
    upper_breakpoint_max_m: float | None = None

    def breakpoint_range(self) -> tuple[float, float] | None:
        """(min, max) depth (m) when the breakpoint is known only as a bound (no sigma, a stated range), else None."""
        if self.upper_breakpoint_sigma_m is not None or self.upper_breakpoint_max_m is None:
            return None
        return (self.upper_breakpoint_min_m or 0.0, self.upper_breakpoint_max_m)

    def key(self) -> str:
        return f"{self.line}/{self.id}"


def _f(v: Any) -> float | None:
    v = float(v)
    return v if math.isfinite(v) else None


def _down_side(detail: dict[str, Any]) -> str | None:
    """The downthrown side ('increasing'/'decreasing' chainage) from the offset horizons' footwall sides."""
    sides = [t.get("footwall_side") for t in detail.get("throws", []) if t.get("status") == "offset" and t.get("footwall_side")]
    if not sides:
        return None
    fw = max(set(sides), key=sides.count)
    return "decreasing" if fw == "right" else "increasing"


def line_candidates(candidates: Any, profile: Any, line: str | None = None) -> list[LineCandidate]:
    """The candidates table of one line's assessment (``to_datasets(...)['candidates']``) placed on the map."""
    from geoexplore.core.profile import transformer

    line = line or str(candidates.attrs.get("line", profile.name))
    to_geo = transformer(profile.crs, profile.geographic_crs)
    out = []
    for k in range(candidates.sizes.get("candidate", 0)):
        g = {v: candidates[v].values[k] for v in candidates.data_vars}
        surf = _f(g["surface_chainage_m"])
        ch = surf if surf is not None else float(g["chainage_m"])
        x, y = (float(v) for v in profile.xy(ch))
        lon, lat = to_geo.transform(x, y)
        detail = json.loads(str(g.get("detail_json", "{}")) or "{}")
        out.append(LineCandidate(
            line=line, id=str(candidates["candidate"].values[k]), x=x, y=y, chainage_m=ch, sigma_m=float(g["chainage_sigma_m"]),
            dip_deg=_f(g["dip_deg"]), dip_sigma_deg=_f(g["dip_sigma_deg"]), dips_toward=str(g["dips_toward"]) or None,
            upper_breakpoint_m=_f(g["upper_breakpoint_m"]), upper_breakpoint_sigma_m=_f(g["upper_breakpoint_sigma_m"]),
            upper_breakpoint_min_m=_f(g["upper_breakpoint_min_m"]) if "upper_breakpoint_min_m" in g else None,
            upper_breakpoint_max_m=_f(g["upper_breakpoint_max_m"]) if "upper_breakpoint_max_m" in g else None,
            activity_class=str(g["activity_class"]), down_side=_down_side(detail), confidence=float(g["confidence"]),
            methods=str(g["methods"]), lon=float(lon), lat=float(lat), detail=detail, model_fault=str(g.get("model_fault", "")),
        ))
    return out


def pair_score(a: LineCandidate, b: LineCandidate, rules: CorrelationRules, class_order: list[str]) -> tuple[float, dict[str, float]]:
    """The correlation score of two candidates on neighbouring lines and its factors (module docstring)."""
    th = math.radians(rules.strike_prior_deg)
    along = (b.x - a.x) * math.sin(th) + (b.y - a.y) * math.cos(th)
    e = abs((b.x - a.x) * math.cos(th) - (b.y - a.y) * math.sin(th))
    f: dict[str, float] = {"lateral_m": e}
    if e > rules.max_lateral_m:
        return 0.0, {**f, "geometry": 0.0}
    t = math.hypot(a.sigma_m, b.sigma_m) + abs(along) * math.tan(math.radians(rules.strike_prior_sigma_deg))
    f["geometry"] = math.exp(-0.5 * (e / t) ** 2)
    if a.dips_toward and b.dips_toward and a.dips_toward != b.dips_toward:
        f["dip"] = 0.0
    elif a.dip_deg is not None and b.dip_deg is not None:
        td = math.sqrt((a.dip_sigma_deg or 0) ** 2 + (b.dip_sigma_deg or 0) ** 2 + rules.dip_tolerance_deg**2)
        f["dip"] = math.exp(-0.5 * ((a.dip_deg - b.dip_deg) / td) ** 2)
    else:
        f["dip"] = rules.dip_unknown_factor
    f["sense"] = 0.0 if (a.down_side and b.down_side and a.down_side != b.down_side) else 1.0
    und = [c for c in (a.activity_class, b.activity_class) if c not in class_order]
    f["activity"] = 1.0 if a.activity_class == b.activity_class else (rules.activity_unknown_factor if und else rules.activity_mismatch_factor)
    if a.upper_breakpoint_m is not None and b.upper_breakpoint_m is not None:
        tu = (math.hypot(a.upper_breakpoint_sigma_m or 0, b.upper_breakpoint_sigma_m or 0)
              + rules.ub_relative_tolerance * 0.5 * (a.upper_breakpoint_m + b.upper_breakpoint_m) + 5.0)
        ra, rb = a.breakpoint_range(), b.breakpoint_range()
        if ra is None and rb is None:
            d = a.upper_breakpoint_m - b.upper_breakpoint_m
        else:  # a bound on either side: the gap between the stated intervals (a point is its own interval)
            lo_a, hi_a = ra or (a.upper_breakpoint_m, a.upper_breakpoint_m)
            lo_b, hi_b = rb or (b.upper_breakpoint_m, b.upper_breakpoint_m)
            d = max(0.0, lo_b - hi_a, lo_a - hi_b)
        f["upper_breakpoint"] = math.exp(-0.5 * (d / tu) ** 2)
    else:
        f["upper_breakpoint"] = 1.0
    score = f["geometry"] * f["dip"] * f["sense"] * f["activity"] * f["upper_breakpoint"]
    return score, f


def _azimuth(dx: float, dy: float) -> float:
    return math.degrees(math.atan2(dx, dy)) % 180.0


def _adiff(a: float, b: float) -> float:
    d = abs(a - b) % 180.0
    return min(d, 180.0 - d)


def fit_strike(x: np.ndarray, y: np.ndarray, sigma: np.ndarray) -> tuple[float, float]:
    """Strike (deg, 0-180) of points by orthogonal regression and its sigma (deg).

    Sigma: the larger of the propagated position sigmas, ``sqrt(mean s^2 / sum t^2)``
    with t the positions along the fitted line, and the residual scatter
    (n > 2) in the same form.
    """
    _, e, _, _, r, t = principal_axis(x, y)
    stt = float(np.sum(t**2))
    sig = math.sqrt(float(np.mean(sigma**2)) / stt)
    if x.size > 2:
        sig = max(sig, math.sqrt(float(np.sum(r**2)) / (x.size - 2) / stt))
    return _azimuth(e[0], e[1]), math.degrees(sig)


@dataclass
class Trace:
    """A fault trace: candidates of two or more lines joined by the rule (see module docstring)."""

    id: str
    members: list[LineCandidate]
    link_scores: list[dict[str, float]]
    strike_deg: float = math.nan
    strike_sigma_deg: float = math.nan
    length_observed_m: float = math.nan
    length_observed_sigma_m: float = math.nan
    length_extrapolated_m: float | None = None
    length_extrapolated_sigma_m: float | None = None
    length_which: str = "observed"
    extrapolation_note: str = ""
    polyline_xy: list[list[float]] = field(default_factory=list)
    segments: list[dict[str, Any]] = field(default_factory=list)
    boundaries: list[dict[str, Any]] = field(default_factory=list)
    scarps: list[dict[str, Any]] = field(default_factory=list)
    dip_deg: float | None = None
    dip_sigma_deg: float | None = None
    dips_toward: str | None = None
    rake_deg: float | None = None
    rake_source: str = ""
    activity_class: str = "undetermined"
    score: float = 0.0

    @property
    def lines(self) -> list[str]:
        return [m.line for m in self.members]

    @property
    def length_m(self) -> float:
        """The best length: extrapolated where evidence supports it, else observed."""
        return self.length_extrapolated_m if self.length_extrapolated_m is not None else self.length_observed_m

    @property
    def length_sigma_m(self) -> float:
        return self.length_extrapolated_sigma_m if self.length_extrapolated_m is not None else self.length_observed_sigma_m

    def as_dict(self) -> dict[str, Any]:
        d = {k: v for k, v in asdict(self).items() if k != "members"}
        # of a member's assessment detail only its dated slip rates are kept (the hazard's sources need them)
        d["members"] = [{**{k: v for k, v in asdict(m).items() if k != "detail"}, "detail": {"slip_rates": m.detail.get("slip_rates", [])}}
                        for m in self.members]
        d["lines"] = self.lines
        d["length_m"], d["length_sigma_m"] = self.length_m, self.length_sigma_m
        return d


@dataclass
class TraceResult:
    """Traces, isolated findings and scarps with no candidate under them."""

    traces: list[Trace]
    isolated: list[LineCandidate]
    lone_scarps: list[dict[str, Any]]
    line_order: list[str]
    rules: CorrelationRules

    def summary(self) -> str:
        out = []
        for t in self.traces:
            ext = f", extrapolated {t.length_extrapolated_m / 1000:.2f} km" if t.length_extrapolated_m else ""
            out.append(f"{t.id}: lines {'-'.join(t.lines)}, strike {t.strike_deg:.1f} +- {t.strike_sigma_deg:.1f} deg, "
                       f"observed {t.length_observed_m / 1000:.2f} km{ext}, {len(t.boundaries)} segment boundar"
                       f"{'y' if len(t.boundaries) == 1 else 'ies'}, {t.activity_class}")
        out += [f"isolated: {c.line}/{c.id} at {c.chainage_m:.0f} m" for c in self.isolated]
        out += [f"scarp with no geophysical candidate: {s['id']} ({s['length_m']:.0f} m)" for s in self.lone_scarps]
        return "\n".join(out)


def order_lines(per_line: dict[str, list[LineCandidate]], profiles: dict[str, Any], strike_deg: float) -> list[str]:
    """Line names sorted by the along-strike position of their midpoints."""
    th = math.radians(strike_deg)

    def pos(n: str) -> float:
        p = profiles[n]
        c = 0.5 * (p.vertex_chainage_m[0] + p.vertex_chainage_m[-1])
        x, y = (float(v) for v in p.xy(c))
        return x * math.sin(th) + y * math.cos(th)

    return sorted(per_line, key=pos)


def correlate(
    per_line: dict[str, list[LineCandidate]], profiles: dict[str, Any], *, rules: CorrelationRules | None = None,
    scarps: list[Any] | None = None, class_order: list[str] | None = None,
) -> TraceResult:
    """Join the candidates of neighbouring lines into traces (the rule of the module docstring).

    Parameters
    ----------
    per_line : dict
        Line name -> its :class:`LineCandidate` list (:func:`line_candidates`).
    profiles : dict
        Line name -> :class:`~geoexplore.core.profile.Profile` (for the line order).
    scarps : list of LinearScarp, optional
        From :func:`geoexplore.fault.terrain.detect_scarps`: segment boundaries, extrapolated lengths.
    class_order : list of str
        Activity class ids, youngest first (``[c.id for c in rules.activity.classes]``).
    """
    rules = rules or CorrelationRules()
    classes = class_order or ["holocene", "late_pleistocene", "middle_early_pleistocene", "pre_quaternary"]
    order = order_lines(per_line, profiles, rules.strike_prior_deg)
    nxt: dict[str, tuple[str, dict[str, float]]] = {}
    has_prev: set[str] = set()
    for la, lb in zip(order, order[1:]):
        pairs = []
        for a in per_line[la]:
            for b in per_line[lb]:
                s, f = pair_score(a, b, rules, classes)
                if s >= rules.min_score:
                    pairs.append((s, a.key(), b.key(), f))
        used_a, used_b = set(), set()
        for s, ka, kb, f in sorted(pairs, key=lambda p: -p[0]):
            if ka in used_a or kb in used_b:
                continue
            used_a.add(ka)
            used_b.add(kb)
            nxt[ka] = (kb, {**f, "score": s})
            has_prev.add(kb)
    by_key = {c.key(): c for cs in per_line.values() for c in cs}
    traces, isolated = [], []
    for ln in order:
        for c in per_line[ln]:
            if c.key() in has_prev:
                continue
            chain, links = [c], []
            while chain[-1].key() in nxt:
                kb, f = nxt[chain[-1].key()]
                chain.append(by_key[kb])
                links.append(f)
            if len(chain) == 1:
                isolated.append(c)
            else:
                traces.append(Trace("", chain, links))
    traces.sort(key=lambda t: (order.index(t.members[0].line), t.members[0].chainage_m))
    for k, t in enumerate(traces, 1):
        t.id = f"T{k}"
        build_trace(t, rules, scarps or [], classes)
    lone = []
    for sc in scarps or []:
        near = [t.id for t in traces for s in t.scarps if s["id"] == sc.id]
        cands = [c for cs in per_line.values() for c in cs if sc.distance_m(c.x, c.y) <= rules.scarp_match_m]
        if not near and not cands:
            lone.append({**sc.as_dict(), "note": "no geophysical candidate under this scarp"})
    return TraceResult(traces, isolated, lone, order, rules)


def _scarp_of(m: LineCandidate, strike: float, scarps: list[Any], rules: CorrelationRules) -> Any:
    ok = [(sc.distance_m(m.x, m.y), sc) for sc in scarps
          if _adiff(sc.strike_deg, strike) <= rules.scarp_strike_tolerance_deg and sc.distance_m(m.x, m.y) <= rules.scarp_match_m]
    return min(ok, key=lambda p: p[0])[1] if ok else None


def build_trace(t: Trace, rules: CorrelationRules, scarps: list[Any], classes: list[str]) -> None:
    """Strike, segments, boundaries, lengths, dip, rake and activity of a trace (module docstring)."""
    ms = t.members
    x = np.array([m.x for m in ms])
    y = np.array([m.y for m in ms])
    sg = np.array([max(m.sigma_m, 1.0) for m in ms])
    t.strike_deg, t.strike_sigma_deg = fit_strike(x, y, sg)
    t.polyline_xy = [[float(a), float(b)] for a, b in zip(x, y)]
    t.score = float(np.mean([f["score"] for f in t.link_scores]))
    links = [_azimuth(x[k + 1] - x[k], y[k + 1] - y[k]) for k in range(len(ms) - 1)]
    on_scarp = [_scarp_of(m, t.strike_deg, scarps, rules) for m in ms]
    cuts = []
    for k, az in enumerate(links):
        ev = []
        others = [a for j, a in enumerate(links) if j != k]
        if others:
            ref = float(np.median(others))
            dev = _adiff(az, ref)
            if dev > rules.segment_strike_change_deg:
                ev.append(f"geometry: the link's azimuth {az:.1f} deg differs by {dev:.1f} deg from the other links' median {ref:.1f} deg")
        a, b = on_scarp[k], on_scarp[k + 1]
        if a is not None and b is not None and a.id != b.id:
            ev.append(f"terrain: the trace is on scarp {a.id} at {ms[k].line} and on scarp {b.id} at {ms[k + 1].line}")
        if ev:
            cuts.append(k)
            t.boundaries.append({"between": [ms[k].line, ms[k + 1].line], "evidence": ev,
                                 "x": float(0.5 * (x[k] + x[k + 1])), "y": float(0.5 * (y[k] + y[k + 1]))})
    th = math.radians(t.strike_deg)
    e = np.array([math.sin(th), math.cos(th)])
    start = 0
    for k in [*cuts, len(ms) - 1]:
        idx = list(range(start, k + 1))
        seg = {"lines": [ms[i].line for i in idx], "candidates": [ms[i].key() for i in idx]}
        if len(idx) > 1:
            seg["strike_deg"], seg["strike_sigma_deg"] = fit_strike(x[idx], y[idx], sg[idx])
        t.segments.append(seg)
        start = k + 1
    length, var = 0.0, 0.0
    for k in range(len(ms) - 1):
        d = np.array([x[k + 1] - x[k], y[k + 1] - y[k]])
        length += abs(float(d @ e)) if k in cuts else float(np.hypot(*d))
    var = sg[0] ** 2 + sg[-1] ** 2
    t.length_observed_m, t.length_observed_sigma_m = length, math.sqrt(var)
    _extrapolate(t, on_scarp, e, rules)
    t.scarps = [{"id": sc.id, "line": m.line, "strike_deg": sc.strike_deg, "length_m": sc.length_m}
                for m, sc in zip(ms, on_scarp) if sc is not None]
    dips = [(m.dip_deg, m.dip_sigma_deg or 5.0) for m in ms if m.dip_deg is not None]
    if dips:
        w = np.array([1 / s**2 for _, s in dips])
        t.dip_deg = float(np.sum(w * [d for d, _ in dips]) / w.sum())
        t.dip_sigma_deg = float(max(1 / math.sqrt(w.sum()), np.std([d for d, _ in dips])))
    tw = [m.dips_toward for m in ms if m.dips_toward]
    t.dips_toward = max(set(tw), key=tw.count) if tw else None
    down = [m.down_side for m in ms if m.down_side]
    if down and t.dips_toward:
        normal = max(set(down), key=down.count) == t.dips_toward
        t.rake_deg = -90.0 if normal else 90.0
        t.rake_source = ("hanging wall down on the offset horizons: normal (rake -90, pure dip slip assumed)" if normal
                         else "hanging wall up on the offset horizons: reverse (rake +90, pure dip slip assumed)")
    else:
        t.rake_source = "sense of throw not measured (no offset horizon): rake unknown"
    known = [m.activity_class for m in ms if m.activity_class in classes]
    t.activity_class = min(known, key=classes.index) if known else "undetermined"


def _extrapolate(t: Trace, on_scarp: list[Any], e: np.ndarray, rules: CorrelationRules) -> None:
    """Extend the observed length to the ends of DEM scarps that continue beyond the outermost lines."""
    ms = t.members
    ext, notes = 0.0, []
    for end, sign in ((0, -1.0), (len(ms) - 1, 1.0)):
        sc = on_scarp[end]
        if sc is None:
            continue
        p = np.array([ms[end].x, ms[end].y])
        beyond = max(sign * float((np.array([sc.x0, sc.y0]) - p) @ e), sign * float((np.array([sc.x1, sc.y1]) - p) @ e), 0.0)
        if beyond > 0:
            ext += beyond
            notes.append(f"{beyond:.0f} m beyond {ms[end].line} to the end of DEM scarp {sc.id}")
    if ext > 0:
        t.length_extrapolated_m = t.length_observed_m + ext
        t.length_extrapolated_sigma_m = math.hypot(t.length_observed_sigma_m, rules.extrapolation_end_sigma_m * len(notes) ** 0.5)
        t.length_which = "extrapolated to the DEM scarp ends"
        t.extrapolation_note = "; ".join(notes)
