"""Activity class of a fault from its upper breakpoint against dated stratigraphy.

The rule (GB 17741 approach; classes and age bounds from the rules table):
a fault that offsets a horizon moved after that horizon was laid down; an
unbroken horizon above the upper breakpoint was laid down after the last
movement. With the shallowest offset horizon of age ``a_off`` and the
shallowest unbroken horizon above it of age ``a_unb``, the last movement
lies in ``[a_unb, a_off]`` (ka before present). The class is the one whose
age bound contains ``a_off`` (the fault certainly moved since then); when
``a_unb`` falls in a younger class, the younger activity is *not excluded*
and the reasoning says so. With no unbroken horizon above (the upper
breakpoint lies above the shallowest resolved reflector) the class is
*undetermined* (at least ``class(a_off)``).

Stratigraphy comes from the geological model (unit bases per chainage) or
from a borehole table (CSV: ``borehole, chainage_m, unit, base_depth_m,
age_top_ka, age_base_ka[, age_sigma_ka][, label]``). Overlapping unit ages
are an error that names the units.
"""

from __future__ import annotations

import csv
import math
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from geoexplore.core.errors import FileFormatError, GeoexploreError


class StratigraphyError(GeoexploreError, ValueError):
    """A stratigraphy table that cannot be used (overlapping ages, missing units).

    ``unit`` / ``borehole``: the unit or borehole the problem is about (a table reader turns it into a line).
    """

    def __init__(self, message: str, *, unit: str | None = None, borehole: str | None = None) -> None:
        super().__init__(message)
        self.unit = unit
        self.borehole = borehole


class StratigraphyFileError(FileFormatError, StratigraphyError):
    """A borehole table that cannot be used: names the file and the line."""


@dataclass(frozen=True)
class StratUnit:
    """A dated unit (ages in ka before present; ``age_base_ka`` None for the oldest/half-space)."""

    name: str
    age_top_ka: float
    age_base_ka: float | None
    age_sigma_ka: float = 0.0
    label: str = ""


@dataclass(frozen=True)
class Column:
    """Unit base depths (m below ground) at one chainage (a borehole or a model column)."""

    name: str
    chainage_m: float
    base_depth_m: dict[str, float]


@dataclass
class Stratigraphy:
    """Dated units top down plus base depths along the profile.

    Either ``columns`` (boreholes) or ``model`` (a GeologicalModel) gives the
    base depths at a chainage.
    """

    units: list[StratUnit]
    columns: list[Column] = field(default_factory=list)
    model: Any = None
    source: str = ""

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        src = self.source or "stratigraphy"
        if not self.units:
            raise StratigraphyError(f"{src}: no units")
        for u in self.units:
            if u.age_base_ka is not None and u.age_base_ka <= u.age_top_ka:
                raise StratigraphyError(f"{src}: unit {u.name}: age_base_ka {u.age_base_ka} must exceed age_top_ka {u.age_top_ka}",
                                        unit=u.name)
        for a, b in zip(self.units, self.units[1:]):
            if a.age_base_ka is None:
                raise StratigraphyError(f"{src}: unit {a.name} has no base age but is not the oldest unit", unit=a.name)
            if b.age_top_ka < a.age_base_ka - 1e-9:
                raise StratigraphyError(
                    f"{src}: overlapping ages: {a.name} ({a.age_top_ka}-{a.age_base_ka} ka) and {b.name} "
                    f"({b.age_top_ka}-{b.age_base_ka} ka); units must be listed young to old without overlap", unit=b.name
                )
        names = [u.name for u in self.units]
        for c in self.columns:
            d = [c.base_depth_m[n] for n in names if n in c.base_depth_m]
            if any(y <= x for x, y in zip(d, d[1:])):
                raise StratigraphyError(f"{src}: borehole {c.name}: base depths must increase with age, got {d}", borehole=c.name)

    # -- construction --------------------------------------------------------------
    @classmethod
    def from_model(cls, model: Any) -> "Stratigraphy":
        units = [StratUnit(u.name, u.age_top_ka, u.age_base_ka, 0.0, u.label) for u in model.units]
        return cls(units=units, model=model, source=f"model '{model.name}'")

    @classmethod
    def from_table(cls, path: str | os.PathLike[str]) -> "Stratigraphy":
        """Read a borehole table (CSV, see module docstring)."""
        p = Path(path)
        try:
            raw = p.read_bytes()
        except OSError as exc:
            raise FileFormatError(p, f"cannot read: {exc}") from None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            raise FileFormatError(p, "not UTF-8 text", position=f"line {line} (byte {exc.start})", byte_offset=exc.start) from None
        lines = text.splitlines()
        rows = list(csv.DictReader(lines))
        need = ("borehole", "chainage_m", "unit", "base_depth_m", "age_top_ka", "age_base_ka")
        if not rows or any(k not in rows[0] for k in need):
            raise FileFormatError(p, f"a stratigraphy table needs the columns {need}", position="line 1")
        units: dict[str, StratUnit] = {}
        cols: dict[str, dict[str, Any]] = {}
        unit_line: dict[str, int] = {}
        hole_line: dict[str, int] = {}

        def number(v: Any) -> float:
            x = float(v)
            if not math.isfinite(x):
                raise ValueError(f"not finite: {v!r}")
            return x

        for i, r in enumerate(rows, start=2):
            try:
                if None in r or any(r[k] is None for k in need):
                    raise ValueError(f"expected {len(rows[0])} values")
                name = r["unit"].strip()
                top = number(r["age_top_ka"])
                base = None if r["age_base_ka"].strip() in ("", "null", "None") else number(r["age_base_ka"])
                sig = number(r.get("age_sigma_ka") or 0.0)
                ch = number(r["chainage_m"])
                bd = r["base_depth_m"].strip()
                depth = None if bd in ("", "null", "None") else number(bd)
            except (ValueError, AttributeError, TypeError) as exc:
                raise FileFormatError(p, f"bad value: {exc}", position=f"line {i}") from None
            u = StratUnit(name, top, base, sig, (r.get("label") or "").strip())
            if name in units and (units[name].age_top_ka, units[name].age_base_ka) != (top, base):
                raise StratigraphyFileError(p, f"unit {name} has different ages in different rows", position=f"line {i}")
            units[name] = u
            unit_line.setdefault(name, i)
            hole = r["borehole"].strip()
            hole_line.setdefault(hole, i)
            c = cols.setdefault(hole, {"chainage_m": ch, "bases": {}})
            if depth is not None:
                c["bases"][name] = depth
        ordered = sorted(units.values(), key=lambda u: u.age_top_ka)
        columns = [Column(n, c["chainage_m"], c["bases"]) for n, c in cols.items()]
        try:
            return cls(units=ordered, columns=columns, source=str(p))
        except StratigraphyFileError:
            raise
        except StratigraphyError as exc:
            line = unit_line.get(exc.unit or "") or hole_line.get(exc.borehole or "") or 2
            msg = str(exc).removeprefix(f"{p}: ")
            raise StratigraphyFileError(p, msg, position=f"line {line}") from None

    # -- queries -------------------------------------------------------------------
    @property
    def names(self) -> list[str]:
        return [u.name for u in self.units]

    def unit(self, name: str) -> StratUnit:
        for u in self.units:
            if u.name == name:
                return u
        raise KeyError(name)

    def base_depths(self, chainage_m: float) -> dict[str, float]:
        """Base depth (m) of every dated unit but the last at ``chainage_m``."""
        if self.model is not None:
            return {u.name: float(self.model.interface_depth(k, float(chainage_m))) for k, u in enumerate(self.units[:-1])}
        if not self.columns:
            raise StratigraphyError(f"{self.source}: no borehole columns")
        c = min(self.columns, key=lambda c: abs(c.chainage_m - chainage_m))
        return dict(c.base_depth_m)

    def age_at(self, depth_m: float, chainage_m: float, rules: Any = None) -> dict[str, Any]:
        """Age (ka) of the horizon at ``depth_m`` below ``chainage_m``.

        A depth within the tie tolerance of a unit base takes that base's age
        (the horizon *is* the base); otherwise the age is interpolated linearly
        in depth inside the unit, with the unit's age span as uncertainty.

        Returns
        -------
        dict
            age_ka, sigma_ka, tie (e.g. 'base of Q3u' or 'within N2'), unit.
        """
        tol_m = rules.activity.tie_tolerance_m if rules is not None else 3.0
        tol_f = rules.activity.tie_tolerance_fraction if rules is not None else 0.1
        tol = max(tol_m, tol_f * depth_m)
        bases = self.base_depths(chainage_m)
        best = None
        for name, d in bases.items():
            if np.isfinite(d) and abs(d - depth_m) <= tol and (best is None or abs(d - depth_m) < abs(bases[best] - depth_m)):
                best = name
        if best is not None:
            u = self.unit(best)
            return {"age_ka": float(u.age_base_ka), "sigma_ka": float(u.age_sigma_ka), "tie": f"base of {u.name}", "unit": u.name,
                    "tie_depth_m": bases[best]}
        top = 0.0
        for u in self.units:
            base = bases.get(u.name, math.inf) if u.age_base_ka is not None else math.inf
            if depth_m < base:
                if not math.isfinite(base):
                    return {"age_ka": u.age_top_ka, "sigma_ka": u.age_sigma_ka, "tie": f"within {u.name} (oldest unit: minimum age)", "unit": u.name, "tie_depth_m": None}
                f = (depth_m - top) / (base - top) if base > top else 0.0
                age = u.age_top_ka + f * (u.age_base_ka - u.age_top_ka)  # type: ignore[operator]
                sig = math.hypot((u.age_base_ka - u.age_top_ka) / math.sqrt(12.0), u.age_sigma_ka)  # type: ignore[operator]
                return {"age_ka": float(age), "sigma_ka": float(sig), "tie": f"within {u.name}", "unit": u.name, "tie_depth_m": None}
            top = base
        raise StratigraphyError(f"{self.source}: depth {depth_m} m is below every dated unit")

    def table(self) -> list[dict[str, Any]]:
        return [asdict(u) for u in self.units]


@dataclass(frozen=True)
class ActivityResult:
    """An activity class with the reasoning as text."""

    class_id: str
    label_en: str
    label_zh: str
    reason: str
    last_movement_min_ka: float | None
    last_movement_max_ka: float | None
    offset_horizon: str = ""
    unbroken_horizon: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _class_of(age_ka: float, rules: Any) -> Any:
    for c in rules.activity.classes:
        if c.max_age_ka is None or age_ka <= c.max_age_ka + 1e-9:
            return c
    return rules.activity.classes[-1]


def classify_activity(
    offset: dict[str, Any] | None,
    unbroken: dict[str, Any] | None,
    rules: Any,
    *,
    note: str = "",
) -> ActivityResult:
    """Activity class from the dated shallowest offset and unbroken horizons.

    Parameters
    ----------
    offset : dict or None
        ``{"depth_m", "age_ka", "sigma_ka", "tie"}`` of the shallowest offset horizon.
    unbroken : dict or None
        The same for the shallowest unbroken horizon above it (None if none resolved).
    rules : Rules
    note : str
        Extra context for the reasoning text.
    """
    und = rules.activity.undetermined
    if offset is None:
        return ActivityResult(und.id, und.label_en, und.label_zh,
                              f"undetermined: no dated offset horizon{'; ' + note if note else ''}", None, None)
    a_off = float(offset["age_ka"])
    c_off = _class_of(a_off, rules)
    off_txt = f"{offset['tie']} at {offset['depth_m']:.0f} m ({a_off:g} ka)"
    if unbroken is None:
        return ActivityResult(
            und.id, und.label_en, und.label_zh,
            f"undetermined: the fault offsets the shallowest resolved horizon ({off_txt}); no unbroken horizon above it "
            f"is resolved, so younger activity cannot be excluded (at least {c_off.label_en.lower()})"
            + (f"; {note}" if note else ""),
            None, a_off, off_txt, "",
        )
    a_unb = float(unbroken["age_ka"])
    unb_txt = f"{unbroken['tie']} at {unbroken['depth_m']:.0f} m ({a_unb:g} ka)"
    if a_unb > a_off + 1e-9:
        raise StratigraphyError(
            f"activity: the unbroken horizon above ({unb_txt}) is dated older than the offset horizon ({off_txt}); check the stratigraphy"
        )
    c_unb = _class_of(a_unb, rules) if a_unb > 0 else rules.activity.classes[0]
    reason = (f"offsets {off_txt}; {unb_txt} is not offset: the last movement lies between {a_unb:g} and {a_off:g} ka")
    if a_unb < _prev_bound(c_off, rules) - 1e-9:
        reason += f"; younger activity ({c_unb.label_en.lower()}) is not excluded because the bracket spans a class boundary"
    else:
        reason += f", within the {c_off.label_en.lower()} age range"
    s = float(offset.get("sigma_ka") or 0.0)
    if s > 0:
        bounds = [c.max_age_ka for c in rules.activity.classes if c.max_age_ka is not None]
        near = [b for b in bounds if abs(b - a_off) < 2 * s and abs(b - a_off) > 1e-9]
        if near:
            reason += f"; the offset horizon's age ({a_off:g} +- {s:g} ka) is within 2 sigma of the class bound {near[0]:g} ka"
    if note:
        reason += f"; {note}"
    return ActivityResult(c_off.id, c_off.label_en, c_off.label_zh, reason, a_unb, a_off, off_txt, unb_txt)


def _prev_bound(c: Any, rules: Any) -> float:
    """The younger age bound of class ``c`` (0 for the youngest)."""
    prev = 0.0
    for k in rules.activity.classes:
        if k.id == c.id:
            return prev
        prev = float(k.max_age_ka)  # type: ignore[arg-type]
    return prev
