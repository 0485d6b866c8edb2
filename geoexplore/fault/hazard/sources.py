"""Fault sources for hazard: geometry, slip rate, maximum magnitude and their uncertainties.

A :class:`FaultSource` is what a hazard model needs of one fault: a surface trace
(longitude, latitude in the geographic CRS of the project, CGCS2000 or WGS84,
which differ by less than a metre here), dip, rake, the seismogenic depth range,
a long-term slip rate with its 16/50/84 % values and where each number came
from. :func:`sources_from_candidates` builds them from the assessment of a
survey line: until traces from several lines exist (multi-line correlation),
the length is the model's mapped length of the matched fault and the trace is
drawn through the candidate along the model's strike, labelled so.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from geoexplore.core.errors import GeoexploreError


@dataclass
class FaultSource:
    """One fault as a hazard source (see module docstring).

    Attributes
    ----------
    id, name : str
    trace_lonlat : list of (lon, lat)
        Upper edge of the fault (deg), in strike order (right-hand rule: the fault dips to the right).
    dip_deg, dip_sigma_deg : float
    rake_deg : float
        Aki-Richards convention (-90 normal, 90 reverse, 0 / 180 strike-slip).
    upper_depth_km, lower_depth_km : float
        Seismogenic depth range (km).
    length_km, length_sigma_km : float
    slip_rate_mm_yr : tuple (p16, p50, p84)
        Dip-slip (or net) rate on the plane, mm/yr.
    sources : dict
        Where each quantity came from (``length``, ``trace``, ``slip_rate``, ``depth``).
    activity : str
        Activity class id of the assessment.
    synthetic : bool
        True when the evidence comes from synthetic data.
    """

    id: str
    name: str
    trace_lonlat: list[tuple[float, float]]
    dip_deg: float
    rake_deg: float
    upper_depth_km: float
    lower_depth_km: float
    length_km: float
    slip_rate_mm_yr: tuple[float, float, float]
    dip_sigma_deg: float = 5.0
    length_sigma_km: float = 0.0
    sources: dict[str, str] = field(default_factory=dict)
    activity: str = ""
    synthetic: bool = False

    def __post_init__(self) -> None:
        p16, p50, p84 = self.slip_rate_mm_yr
        if not (0 < p16 <= p50 <= p84):
            raise GeoexploreError(f"fault source {self.id}: slip rate percentiles must be positive and ordered, got {self.slip_rate_mm_yr}")
        if not (0 < self.dip_deg <= 90):
            raise GeoexploreError(f"fault source {self.id}: dip must be in (0, 90] deg, got {self.dip_deg}")
        if not (0 <= self.upper_depth_km < self.lower_depth_km):
            raise GeoexploreError(f"fault source {self.id}: seismogenic depths must satisfy 0 <= upper < lower, "
                                  f"got {self.upper_depth_km}, {self.lower_depth_km}")
        if len(self.trace_lonlat) < 2:
            raise GeoexploreError(f"fault source {self.id}: the trace needs at least two points")

    @property
    def width_km(self) -> float:
        """Down-dip width (km) of the seismogenic part."""
        return (self.lower_depth_km - self.upper_depth_km) / math.sin(math.radians(self.dip_deg))

    @property
    def area_km2(self) -> float:
        return self.length_km * self.width_km

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["width_km"] = self.width_km
        d["area_km2"] = self.area_km2
        return d


def trace_through(lon: float, lat: float, strike_deg: float, length_km: float, *, projected_crs: str,
                  geographic_crs: str = "EPSG:4490") -> list[tuple[float, float]]:
    """A straight trace of ``length_km`` centred on (lon, lat) along ``strike_deg`` (grid azimuth of ``projected_crs``)."""
    from geoexplore.core.profile import transformer

    to_p = transformer(geographic_crs, projected_crs)
    to_g = transformer(projected_crs, geographic_crs)
    e, n = to_p.transform(lon, lat)
    a = math.radians(strike_deg)
    h = 500.0 * length_km
    pts = [(e - h * math.sin(a), n - h * math.cos(a)), (e + h * math.sin(a), n + h * math.cos(a))]
    return [tuple(float(v) for v in to_g.transform(x, y)) for x, y in pts]  # type: ignore[misc]


def slip_rate_percentiles(detail: dict[str, Any]) -> tuple[tuple[float, float, float], str] | None:
    """The dip-slip rate (p16, p50, p84) of the youngest dated offset horizon of a candidate, and its label."""
    rates = [r for r in detail.get("slip_rates", []) if r.get("dip_slip_mm_yr", 0) > 0]
    if not rates:
        return None
    r = rates[0]  # date_throws lists horizons shallowest first: the youngest offset horizon
    return (float(r["dip_slip_p16"]), float(r["dip_slip_mm_yr"]), float(r["dip_slip_p84"])), f"offset of {r.get('horizon', '')}"


def sources_from_candidates(candidates: Any, model: Any, rules: Any, *, classes: tuple[str, ...] = ("holocene", "late_pleistocene"),
                            upper_depth_km: float = 0.0) -> tuple[list[FaultSource], list[str]]:
    """Fault sources from an assessment's ``candidates`` table (one survey line).

    Parameters
    ----------
    candidates : xarray.Dataset
        The ``candidates`` table of :func:`geoexplore.fault.assess.to_datasets`.
    model : GeologicalModel
        For the profile (chainage -> coordinates) and the strike, rake and
        mapped length of the matched fault.
    rules : Rules
        Seismogenic depth (``magnitude.seismogenic_depth_km``).
    classes : tuple of str
        Activity classes that become sources.

    Returns
    -------
    sources : list of FaultSource
    skipped : list of str
        One line per candidate left out and why.
    """
    prof = model.profile()
    faults = {f.name: f for f in model.faults}
    out: list[FaultSource] = []
    skipped: list[str] = []
    synthetic = bool(int(candidates.attrs.get("synthetic", 0)))
    for k, cid in enumerate(candidates["candidate"].values):
        cid = str(cid)
        act = str(candidates["activity_class"].values[k])
        if act not in classes:
            skipped.append(f"{cid}: activity {act} is not among {', '.join(classes)}")
            continue
        detail = json.loads(str(candidates["detail_json"].values[k]))
        sr = slip_rate_percentiles(detail)
        if sr is None:
            skipped.append(f"{cid}: no dated offset, no slip rate")
            continue
        mf = faults.get(str(candidates["model_fault"].values[k]))
        if mf is None or not mf.length_km:
            skipped.append(f"{cid}: matched to no mapped fault of the model, so no length (a traced length needs several lines)")
            continue
        if mf.strike_deg is None or mf.rake_deg is None:
            skipped.append(f"{cid}: the model states no strike or rake for {mf.name}; a source needs both")
            continue
        x = float(candidates["surface_chainage_m"].values[k])
        if not math.isfinite(x):
            x = float(candidates["chainage_m"].values[k])
        lon, lat = (float(v) for v in prof.lonlat(x))
        dip = float(candidates["dip_deg"].values[k])
        dip_sig = float(candidates["dip_sigma_deg"].values[k])
        if not math.isfinite(dip):
            dip, dip_sig = float(mf.dip_deg), 10.0
        strike = float(mf.strike_deg)
        toward = str(candidates["dips_toward"].values[k])
        # right-hand rule: the plane dips to the right of the strike direction
        dip_dir = float(prof.azimuth_deg(x)) + (0.0 if toward == "increasing" else 180.0)
        if math.sin(math.radians(dip_dir - strike)) < 0:
            strike += 180.0
        trace = trace_through(lon, lat, strike % 360.0, float(mf.length_km), projected_crs=prof.crs, geographic_crs=prof.geographic_crs)
        out.append(FaultSource(
            id=cid, name=f"{mf.name} ({cid})", trace_lonlat=trace, dip_deg=dip, dip_sigma_deg=dip_sig if math.isfinite(dip_sig) else 5.0,
            rake_deg=float(mf.rake_deg), upper_depth_km=upper_depth_km, lower_depth_km=float(rules.magnitude.seismogenic_depth_km),
            length_km=float(mf.length_km), length_sigma_km=0.2 * float(mf.length_km), slip_rate_mm_yr=sr[0],
            sources={"length": f"mapped length of {mf.name} from the geological model (single line; not traced from the geophysics), "
                               "+-20 % assumed",
                     "trace": f"straight, through {cid} at chainage {x:.0f} m along the model strike of {mf.name} ({mf.strike_deg:.0f} deg)",
                     "slip_rate": f"dip-slip rate from the {sr[1]} (Monte Carlo of throw, age and dip)",
                     "depth": f"seismogenic depth {rules.magnitude.seismogenic_depth_km:g} km from the rules table",
                     "dip": "dip of the candidate" if math.isfinite(float(candidates['dip_deg'].values[k])) else f"dip of {mf.name} from the model"},
            activity=act, synthetic=synthetic))
    return out, skipped


def lognormal_from_percentiles(p16: float, p50: float, p84: float) -> tuple[float, float]:
    """(median, sigma of ln) of the lognormal whose 16th and 84th percentiles are ``p16``, ``p84``."""
    return p50, max(0.5 * (math.log(p84) - math.log(p16)), 0.0)


def point_sample(rng: np.random.Generator, mu: float, sigma: float, n: int, lo: float, hi: float = math.inf) -> np.ndarray:
    """Normal samples clipped into [lo, hi] (a bounded physical quantity)."""
    x = rng.normal(mu, sigma, n) if sigma > 0 else np.full(n, float(mu))
    return np.clip(x, lo, hi)


def _member_slip_rate(trace: Any) -> tuple[tuple[float, float, float], str] | None:
    """Envelope of the members' youngest dated slip rates: median of the medians, outermost 16/84 %."""
    got = [(slip_rate_percentiles(m.detail), m) for m in trace.members if m.detail]
    got = [(r, m) for r, m in got if r is not None]
    if not got:
        return None
    p50 = float(np.median([r[0][1] for r, _ in got]))
    p16 = min(min(r[0][0] for r, _ in got), p50)
    p84 = max(max(r[0][2] for r, _ in got), p50)
    return (p16, p50, p84), "envelope of the dated offsets on lines " + ", ".join(f"{m.line} ({m.id})" for _, m in got)


def sources_from_traces(traces: list[Any], profiles: dict[str, Any], rules: Any, *, crs: str, geographic_crs: str = "EPSG:4490",
                        classes: tuple[str, ...] = ("holocene", "late_pleistocene"),
                        slip_rates: dict[str, tuple[float, float, float]] | None = None,
                        rakes: dict[str, float] | None = None,
                        upper_depth_km: float = 0.0, synthetic: bool = False) -> tuple[list[FaultSource], list[str]]:
    """Fault sources from fault traces of several lines (:mod:`geoexplore.fault.traces`).

    The trace's polyline, strike, length (observed or extrapolated, as the trace says) with its
    uncertainty, dip and rake are used; the slip rate is ``slip_rates[trace.id]`` when given
    (e.g. from a trench or a dated scarp), else the envelope of the members' dated offsets; the
    rake is ``rakes[trace.id]`` when given, else the trace's (from the sense of throw).

    Parameters
    ----------
    traces : list of Trace
    profiles : dict
        Line name -> Profile of the member lines (for the dip direction).
    rules : Rules
    crs, geographic_crs : str
        CRS of the polylines and of the output longitudes/latitudes.
    synthetic : bool
        The evidence comes from synthetic data (labels the sources).
    """
    from geoexplore.core.profile import transformer

    to_geo = transformer(crs, geographic_crs)
    out: list[FaultSource] = []
    skipped: list[str] = []
    for t in traces:
        if t.activity_class not in classes:
            skipped.append(f"{t.id}: activity {t.activity_class} is not among {', '.join(classes)}")
            continue
        if slip_rates and t.id in slip_rates:
            sr = (tuple(float(v) for v in slip_rates[t.id]), "given by the user")
        else:
            sr = _member_slip_rate(t)
        if sr is None:
            skipped.append(f"{t.id}: no dated offset on any line and no slip rate given")
            continue
        rake, rake_src = t.rake_deg, t.rake_source
        if rakes and t.id in rakes:
            rake, rake_src = float(rakes[t.id]), "given by the user"
        if t.dip_deg is None or rake is None:
            skipped.append(f"{t.id}: dip or rake unknown ({rake_src or 'no offset horizon'}); give it (rakes=...)")
            continue
        xy = np.asarray(t.polyline_xy, float)
        m0 = t.members[0]
        dip_dir = float(profiles[m0.line].azimuth_deg(m0.chainage_m)) + (0.0 if t.dips_toward == "increasing" else 180.0)
        strike = math.degrees(math.atan2(xy[-1, 0] - xy[0, 0], xy[-1, 1] - xy[0, 1]))
        if math.sin(math.radians(dip_dir - strike)) < 0:  # right-hand rule: dips to the right of the strike
            xy = xy[::-1]
        lon, lat = to_geo.transform(xy[:, 0], xy[:, 1])
        length_km = float(t.length_m) / 1e3
        out.append(FaultSource(
            id=t.id, name=f"trace {t.id}", trace_lonlat=[(float(a), float(b)) for a, b in zip(lon, lat)],
            dip_deg=float(t.dip_deg), dip_sigma_deg=float(t.dip_sigma_deg or 5.0), rake_deg=float(rake),
            upper_depth_km=upper_depth_km, lower_depth_km=float(rules.magnitude.seismogenic_depth_km),
            length_km=length_km, length_sigma_km=float(t.length_sigma_m) / 1e3, slip_rate_mm_yr=sr[0],  # type: ignore[arg-type]
            sources={"length": f"traced over lines {', '.join(t.lines)} ({t.length_which})",
                     "trace": f"polyline of trace {t.id} (strike {t.strike_deg:.0f} +- {t.strike_sigma_deg:.0f} deg)",
                     "slip_rate": sr[1], "depth": f"seismogenic depth {rules.magnitude.seismogenic_depth_km:g} km from the rules table",
                     "dip": "dip of the trace", "rake": rake_src},
            activity=t.activity_class, synthetic=synthetic))
    return out, skipped
