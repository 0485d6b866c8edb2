"""Versioned rules tables: every threshold and relation of the assessment is data.

The default table is ``gb50011-2010.yaml`` beside this module. A user points
to another file (``load_rules(path)``) to apply another standard; the file is
validated (unknown keys are errors, with the key path) and its name, version
and SHA-256 go into every result's provenance.

Examples
--------
>>> from geoexplore.fault.rules import load_rules
>>> r = load_rules()
>>> r.name, r.version
('gb50011-2010', '1.0')
>>> r.activity.classes[0].id
'holocene'
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from geoexplore.core.errors import FileFormatError, SettingsError

DEFAULT_RULES = Path(__file__).resolve().parent / "gb50011-2010.yaml"


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ActivityClass(_M):
    id: str
    max_age_ka: float | None
    label_en: str
    label_zh: str


class Undetermined(_M):
    id: str = "undetermined"
    label_en: str = "Undetermined"
    label_zh: str = "活动性待定"


class ActivityRules(_M):
    classes: list[ActivityClass]
    undetermined: Undetermined = Undetermined()
    tie_tolerance_m: float = Field(3.0, ge=0)
    tie_tolerance_fraction: float = Field(0.1, ge=0)

    @field_validator("classes")
    @classmethod
    def _ordered(cls, v: list[ActivityClass]) -> list[ActivityClass]:
        ages = [c.max_age_ka for c in v]
        if not v or ages[-1] is not None or any(a is None for a in ages[:-1]):
            raise ValueError("activity classes: all but the last need max_age_ka; the last (oldest) must have null")
        if any(b <= a for a, b in zip(ages[:-2], ages[1:-1])):  # type: ignore[operator]
            raise ValueError(f"activity classes: max_age_ka must increase, got {ages}")
        return v


class Overburden(_M):
    vs_rock_m_s: float = Field(500.0, gt=0)
    ratio: float = Field(2.5, gt=1)
    ratio_min_depth_m: float = Field(5.0, ge=0)
    ratio_vs_below_m_s: float = Field(400.0, gt=0)


class SetbackRules(_M):
    min_intensity: int
    exempt_unless_class: str
    buried_cover_m: dict[str, float]
    distance_m: dict[str, dict[str, float | Literal["special"]]]
    overburden: Overburden = Overburden()
    rupture_zone_width_m: float = 30.0


class LeonardRules(_M):
    scr: dict[str, float]
    interplate: dict[str, float]
    sigma_assumed: float | None = None


class MagnitudeRules(_M):
    wells_coppersmith_1994: dict[str, dict[str, tuple[float, float, float]]]
    leonard_2014: LeonardRules
    tectonic_setting: Literal["scr", "interplate"] = "scr"
    seismogenic_depth_km: float = Field(15.0, gt=0)


class SlipRateRules(_M):
    n_samples: int = Field(20000, ge=100)
    seed: int = 0
    throw_sigma_fraction: float = Field(0.2, ge=0)
    min_throw_sigma_m: float = Field(0.5, ge=0)
    dip_sigma_deg: float = Field(5.0, ge=0)
    age_sigma_fraction: float = Field(0.1, ge=0)


class ReflectionRules(_M):
    min_horizon_length_m: float = Field(120.0, gt=0)
    pick_threshold: float = Field(0.25, gt=0)
    link_tolerance_m: float = Field(1.2, gt=0)
    max_gap_traces: int = Field(3, ge=0)
    max_throw_m: float = Field(80.0, gt=0)
    max_pair_gap_m: float = Field(60.0, gt=0)
    min_throw_m: float = Field(1.0, ge=0)
    unbroken_margin_m: float = Field(25.0, ge=0)
    default_dip_deg: float = Field(70.0, gt=0, le=90)
    unbroken_sigma_fraction: float = Field(0.05, ge=0)


class PropertyRules(_M):
    smooth_m: float = Field(40.0, ge=0)
    min_log_gradient_per_km: float = Field(1.5, gt=0)
    band_min_contrast_log: float = Field(0.08, gt=0)
    background_window_m: float = Field(300.0, gt=0)
    min_depth_extent_m: float = Field(10.0, ge=0)


class MicrotremorRules(_M):
    n_side: int = Field(3, ge=1)
    min_z: float = Field(3.0, gt=0)
    min_step_fraction: float = Field(0.08, ge=0)


class IndicatorRules(_M):
    reflection: ReflectionRules = ReflectionRules()
    property: PropertyRules = PropertyRules()
    #: per-method replacements of ``property`` for images of another scale (MT: kilometre cells)
    property_by_method: dict[str, PropertyRules] = Field(default_factory=dict)
    microtremor: MicrotremorRules = MicrotremorRules()

    def property_for(self, method: str) -> PropertyRules:
        """The property-section thresholds for ``method`` (its own entry, else the shared one)."""
        return self.property_by_method.get(method, self.property)


class IntegrationRules(_M):
    cluster_distance_m: float = Field(80.0, gt=0)
    groups: dict[str, str]
    method_weight: dict[str, float]
    confidence_levels: dict[str, float]
    contradiction_sigma: float = Field(3.0, gt=0)
    contradiction_factor: float = Field(0.8, gt=0, le=1)


class Rules(_M):
    """A validated rules table (see ``gb50011-2010.yaml``)."""

    rules: str
    version: str
    description: str = ""
    activity: ActivityRules
    setback: SetbackRules
    magnitude: MagnitudeRules
    sliprate: SlipRateRules = SlipRateRules()
    indicators: IndicatorRules = IndicatorRules()
    integration: IntegrationRules
    source: str = ""
    sha256: str = ""

    @property
    def name(self) -> str:
        return self.rules

    def class_label(self, class_id: str, lang: str = "en") -> str:
        """The label of an activity class in ``lang`` ('en' or 'zh')."""
        for c in [*self.activity.classes, self.activity.undetermined]:
            if c.id == class_id:
                return c.label_zh if lang == "zh" else c.label_en
        raise KeyError(f"rules {self.rules}: no activity class {class_id!r}")

    def provenance(self) -> dict[str, str]:
        return {"rules": self.rules, "rules_version": self.version, "rules_sha256": self.sha256, "rules_file": Path(self.source).name}


def load_rules(path: str | os.PathLike[str] | None = None) -> Rules:
    """Load and validate a rules table (the default GB 50011-2010 table when ``path`` is None).

    Raises
    ------
    SettingsError
        Naming the file and the offending key path.
    """
    from geoexplore.core.yamlio import load_yaml

    p = Path(path) if path is not None else DEFAULT_RULES
    if not p.is_file():
        raise SettingsError(f"rules file not found: {p}")
    raw = p.read_bytes()
    data: Any = load_yaml(p)
    if not isinstance(data, dict):
        raise RulesFileError(p, "a rules file must hold a mapping", position="line 1")
    data = {**data, "source": str(p), "sha256": hashlib.sha256(raw).hexdigest()}
    try:
        return Rules.model_validate(data)
    except ValidationError as exc:
        from geoexplore.core.yamlio import key_position

        errors = exc.errors()
        errs = "; ".join(f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in errors[:5])
        raise RulesFileError(p, f"invalid rules table: {errs}", position=key_position(p, list(errors[0]["loc"]))) from None


class RulesFileError(FileFormatError, SettingsError):
    """A rules file that is not a valid rules table: names the file and the key with its line."""
