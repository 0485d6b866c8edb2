"""The geological model in map view: fault traces along strike, parallel survey lines, a synthetic DEM.

The 2D model (:mod:`geoexplore.core.geomodel`) lives on one profile. Its
``along_strike`` section (see data/siping/model.yaml) extends it along the
fault zone:

* **Frame.** A point at along-strike coordinate ``s`` (m) and chainage ``c``
  (m) lies at ``O + c u + s v`` in the projected CRS, ``O`` the profile's
  start, ``u`` the unit vector of the profile azimuth and ``v`` that of
  ``axis_azimuth_deg``. The profile itself is the line ``s = 0``.
* **Traces.** Each fault is one or more *segments*, each a table of
  (s, chainage of the surface trace), linear in between: a bend is a vertex,
  a step-over two segments that overlap in ``s``.
* **Along-strike variation.** ``dip_deg``, ``tip_depth_m`` and
  ``throw_factor`` are tables in ``s`` (linear, constant beyond the ends).
  The block base depths on a line at ``s`` are rebuilt from the profile's,
  north-west to south-east: ``b'[i+1] = b'[i] + f_i(s) (b[i+1] - b[i])``,
  then every offset shallower than the local tip is removed. With all
  factors 1 and the profile's dip and tip, a line at ``s = 0`` gets exactly
  the profile's model (tested).
* **Scarps.** Per segment, a scarp height table in ``s`` (hanging wall down,
  an error-function profile of width ``scarp_width_m``), tapered to zero
  over ``SCARP_TAPER_M`` at its ends; risers (no fault) likewise.

Every number here is a model choice for a SYNTHETIC survey; see data/siping/model.md.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from geoexplore.core.errors import ModelError
from geoexplore.core.geomodel import GeologicalModel, Line

SCARP_TAPER_M = 300.0


@dataclass(frozen=True)
class StrikeTable:
    """A value tabulated in along-strike coordinate s (m); linear inside, constant beyond the ends."""

    s_m: np.ndarray
    value: np.ndarray

    def __call__(self, s: Any) -> np.ndarray:
        return np.interp(np.asarray(s, float), self.s_m, self.value)


@dataclass(frozen=True)
class Segment:
    """One straight-or-bent piece of a fault trace: chainage of the surface trace at s."""

    name: str
    s_m: np.ndarray
    chainage_m: np.ndarray

    def covers(self, s: float) -> bool:
        return bool(self.s_m[0] <= s <= self.s_m[-1])

    def chainage(self, s: Any) -> np.ndarray:
        """Surface-trace chainage (m) at ``s``; NaN outside the segment."""
        s = np.asarray(s, float)
        return np.where((s >= self.s_m[0]) & (s <= self.s_m[-1]), np.interp(s, self.s_m, self.chainage_m), np.nan)


@dataclass(frozen=True)
class Scarp:
    """A scarp along a segment (or a riser along its own trace): height (m) tabulated in s."""

    name: str
    trace: Segment
    s_m: np.ndarray
    height_m: np.ndarray
    width_m: float
    down: str  # 'decreasing' or 'increasing': the side (in chainage) that is down
    fault: str | None = None
    surface_age_ka: float | None = None

    def height(self, s: Any, *, taper: bool = False) -> np.ndarray:
        """Scarp height (m) at ``s``, NaN outside; with ``taper`` the modelled height that fades at the ends."""
        s = np.asarray(s, float)
        inside = (s >= self.s_m[0]) & (s <= self.s_m[-1])
        h = np.where(inside, np.interp(s, self.s_m, self.height_m), np.nan)
        if taper:
            d = np.minimum(s - self.s_m[0], self.s_m[-1] - s)
            h = np.where(inside, h * np.clip(d / SCARP_TAPER_M, 0.0, 1.0), 0.0)
        return h


@dataclass(frozen=True)
class MapFault:
    """A fault of the 2D model with its traces and along-strike tables."""

    name: str
    segments: tuple[Segment, ...]
    dip_deg: StrikeTable | None = None
    tip_depth_m: StrikeTable | None = None
    throw_factor: StrikeTable | None = None
    scarps: tuple[Scarp, ...] = ()

    def segments_at(self, s: float) -> list[Segment]:
        return [g for g in self.segments if g.covers(s)]

    @property
    def s_range(self) -> tuple[float, float]:
        return float(min(g.s_m[0] for g in self.segments)), float(max(g.s_m[-1] for g in self.segments))


@dataclass(frozen=True)
class MapLine:
    """A survey line parallel to the profile at along-strike offset ``s_m``."""

    name: str
    s_m: float
    start_m: float
    end_m: float
    max_depth_m: float


@dataclass
class FaultMap:
    """The map view of a :class:`GeologicalModel` (see module docstring)."""

    model: GeologicalModel
    axis_azimuth_deg: float
    extent_s_m: tuple[float, float]
    faults: dict[str, MapFault]
    lines: dict[str, MapLine]
    dem: dict[str, Any] = field(default_factory=dict)
    risers: tuple[Scarp, ...] = ()

    # -- frame ----------------------------------------------------------------------
    @property
    def crs(self) -> str:
        return self.model.profile().crs

    def _frame(self) -> tuple[float, float, np.ndarray, np.ndarray]:
        p = self.model.profile()
        x0, y0 = float(p.x[0]), float(p.y[0])
        au = math.radians(float(p.azimuth_deg(0.0)))
        av = math.radians(self.axis_azimuth_deg)
        return x0, y0, np.array([math.sin(au), math.cos(au)]), np.array([math.sin(av), math.cos(av)])

    def xy(self, s: Any, c: Any) -> tuple[np.ndarray, np.ndarray]:
        """Projected (x, y) in metres of points at along-strike ``s`` and chainage ``c``."""
        x0, y0, u, v = self._frame()
        s, c = np.asarray(s, float), np.asarray(c, float)
        return x0 + c * u[0] + s * v[0], y0 + c * u[1] + s * v[1]

    def sc(self, x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
        """Along-strike ``s`` and chainage ``c`` (m) of projected points (the inverse of :meth:`xy`)."""
        x0, y0, u, v = self._frame()
        dx, dy = np.asarray(x, float) - x0, np.asarray(y, float) - y0
        det = u[0] * v[1] - u[1] * v[0]
        c = (dx * v[1] - dy * v[0]) / det
        s = (u[0] * dy - u[1] * dx) / det
        return s, c

    def lonlat(self, s: Any, c: Any) -> tuple[np.ndarray, np.ndarray]:
        """Longitude and latitude (degrees, the model's geographic CRS) of (s, c)."""
        from geoexplore.core.profile import transformer

        p = self.model.profile()
        return transformer(p.crs, p.geographic_crs).transform(*self.xy(s, c))

    def line_profile(self, name: str) -> Any:
        """The :class:`~geoexplore.core.profile.Profile` of line ``name`` (chainage as on the model profile)."""
        from geoexplore.core.profile import Profile

        ln = self.lines[name]
        p = self.model.profile()
        x0, y0 = self.xy(ln.s_m, 0.0)
        return Profile.straight(float(x0), float(y0), float(p.azimuth_deg(0.0)), p.length_m, crs=p.crs,
                                geographic_crs=p.geographic_crs, name=name)

    # -- the 2D model along a line ----------------------------------------------------
    def trace_chainage(self, fault: str, s: float) -> float:
        """Surface-trace chainage (m) of ``fault`` at ``s``; raises if no or two segments cross there."""
        segs = self.faults[fault].segments_at(s)
        if len(segs) != 1:
            raise ModelError(f"{self.model.source or self.model.name}: fault {fault} has {len(segs)} segments at s = {s:.0f} m "
                             f"({[g.name for g in segs]}); a line there cannot be represented by the 2D model")
        return float(segs[0].chainage(s))

    def line_model(self, name: str) -> GeologicalModel:
        """The 2D :class:`GeologicalModel` along line ``name`` (see module docstring)."""
        ln = self.lines[name]
        m = self.model
        s = ln.s_m
        base = m.base_depth_m.copy()
        faults = []
        for i, f in enumerate(m.faults):
            mf = self.faults.get(f.name)
            if mf is None:
                faults.append(f)
                continue
            dip = float(mf.dip_deg(s)) if mf.dip_deg is not None else f.dip_deg
            tip = float(mf.tip_depth_m(s)) if mf.tip_depth_m is not None else f.tip_depth_m
            ch = self.trace_chainage(f.name, s)
            faults.append(dataclasses.replace(f, chainage_m=ch, dip_deg=dip, tip_depth_m=tip))
            fac = float(mf.throw_factor(s)) if mf.throw_factor is not None else 1.0
            new = base[i] + fac * (m.base_depth_m[i + 1] - m.base_depth_m[i])
            shallow = np.minimum(base[i], new) < tip
            base[i + 1] = np.where(shallow, base[i], new)
        lines = {name: Line(name, ln.start_m, ln.end_m, ln.max_depth_m, f"line at s = {s:.0f} m along strike")}
        if name in m.lines:
            lines = {name: m.lines[name]}
        prof = dict(m.profile_spec)
        if s != 0.0 and "start_lonlat" in prof:
            lon, lat = self.lonlat(s, 0.0)
            prof = {**prof, "name": name, "start_lonlat": [float(lon), float(lat)]}
        return GeologicalModel(
            name=f"{m.name}, line {name}", units=list(m.units), faults=faults, block_names=list(m.block_names),
            base_depth_m=base, elevation_chainage_m=m.elevation_chainage_m.copy(), elevation_m=m.elevation_m.copy(),
            lines=lines, synthetic=m.synthetic, crs=dict(m.crs), profile_spec=prof, water_table_depth_m=m.water_table_depth_m,
            source=f"{m.source} (along line {name}, s = {s:.0f} m)", meta={**m.meta, "line_s_m": s},
        )

    # -- truths for the scores ----------------------------------------------------------
    def trace_length_m(self, fault: str, s0: float, s1: float, *, step_m: float = 10.0) -> float:
        """Along-strike length (m) of ``fault`` between s0 and s1: the integral of the trace's arc length over
        the s covered by any segment (a step-over's lateral jump is not length; overlaps counted once)."""
        lo, hi = sorted((s0, s1))
        ss = np.arange(lo, hi, step_m) + step_m / 2
        total = 0.0
        for s in ss:
            segs = self.faults[fault].segments_at(float(s))
            if segs:
                g = segs[0]
                dc = float(g.chainage(min(s + 0.5, g.s_m[-1])) - g.chainage(max(s - 0.5, g.s_m[0])))
                ds = min(s + 0.5, g.s_m[-1]) - max(s - 0.5, g.s_m[0])
                total += min(step_m, hi - s + step_m / 2) * math.hypot(1.0, dc / ds)
        return float(total)

    def trace_azimuth_deg(self, fault: str, s0: float, s1: float) -> float:
        """Grid azimuth (deg, 0-180) of the chord of the model trace between s0 and s1."""
        x0, y0 = self.xy(s0, self.trace_chainage(fault, s0))
        x1, y1 = self.xy(s1, self.trace_chainage(fault, s1))
        return float(math.degrees(math.atan2(x1 - x0, y1 - y0)) % 180.0)

    def segment_xy(self, seg: Segment, step_m: float = 100.0) -> tuple[np.ndarray, np.ndarray]:
        """Projected polyline (m) of a segment (its vertices plus points every ``step_m``)."""
        ss = np.unique(np.r_[np.arange(seg.s_m[0], seg.s_m[-1], step_m), seg.s_m])
        return self.xy(ss, seg.chainage(ss))


def _table(d: Any, where: str) -> StrikeTable | None:
    if d is None:
        return None
    s, v = np.asarray(d["s_m"], float), np.asarray(d["value"], float)
    if s.size != v.size or s.size < 1 or np.any(np.diff(s) <= 0):
        raise ModelError(f"{where}: s_m must increase and match value in length")
    return StrikeTable(s, v)


def _segment(d: dict[str, Any], where: str) -> Segment:
    s, c = np.asarray(d["s_m"], float), np.asarray(d["chainage_m"], float)
    if s.size != c.size or s.size < 2 or np.any(np.diff(s) <= 0):
        raise ModelError(f"{where}: a segment needs >= 2 vertices with s_m increasing and chainage_m of equal length")
    return Segment(str(d.get("name", where)), s, c)


def fault_map(model: GeologicalModel) -> FaultMap:
    """The :class:`FaultMap` of a model with an ``along_strike`` section (ModelError naming the key otherwise)."""
    a = model.along_strike
    src = model.source or model.name
    if not a:
        raise ModelError(f"{src}: the model has no along_strike section (map view)")
    try:
        faults = {}
        for name, fd in (a.get("faults") or {}).items():
            model.fault(name)  # KeyError if the 2D model lacks it
            w = f"{src}: along_strike.faults.{name}"
            segs = tuple(_segment(g, f"{w}.segments[{k}]") for k, g in enumerate(fd["segments"]))
            f2d = model.fault(name)
            scarps = []
            for k, sd in enumerate(fd.get("scarps") or []):
                seg = next(g for g in segs if g.name == sd["segment"])
                scarps.append(Scarp(f"{name} scarp {seg.name}", seg, np.asarray(sd["s_m"], float), np.asarray(sd["height_m"], float),
                                    float(fd.get("scarp_width_m", 6.0)), f2d.dips_toward, name, fd.get("scarp_surface_age_ka")))
            faults[name] = MapFault(name, segs, _table(fd.get("dip_deg"), f"{w}.dip_deg"), _table(fd.get("tip_depth_m"), f"{w}.tip_depth_m"),
                                    _table(fd.get("throw_factor"), f"{w}.throw_factor"), tuple(scarps))
        lines = {}
        for name, ld in (a.get("lines") or {}).items():
            base = model.lines.get(name)
            lines[name] = MapLine(name, float(ld["s_m"]), float(ld.get("start_m", base.start_m if base else np.nan)),
                                  float(ld.get("end_m", base.end_m if base else np.nan)),
                                  float(ld.get("max_depth_m", base.max_depth_m if base else 400.0)))
            if not np.isfinite(lines[name].start_m):
                raise ModelError(f"{src}: along_strike.lines.{name}: start_m/end_m missing (no line of that name in 'lines')")
        dem = dict(a.get("dem") or {})
        risers = tuple(
            Scarp(str(r["name"]), _segment(r, f"{src}: dem.risers"), np.asarray(r["s_m"], float), np.full(2, float(r["height_m"])),
                  float(r.get("width_m", 8.0)), str(r.get("down", "increasing")))
            for r in dem.pop("risers", []) or []
        )
        ext = tuple(float(v) for v in a.get("extent_s_m", (-5000.0, 5000.0)))
        return FaultMap(model, float(a.get("axis_azimuth_deg", 45.0)), ext, faults, lines, dem, risers)  # type: ignore[arg-type]
    except ModelError:
        raise
    except (KeyError, TypeError, ValueError, StopIteration) as exc:
        raise ModelError(f"{src}: along_strike: {type(exc).__name__}: {exc}") from None
