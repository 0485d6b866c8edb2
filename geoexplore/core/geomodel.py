"""The geological model: units, fault blocks, faults with damage zones.

A 2D model along a profile. Depth ``z`` is in metres below the ground
surface (positive down); ``chainage`` is metres along the profile.

* **Units** are listed top to bottom with age range and physical properties
  (Vp, Vs, density, resistivity). The last unit is the half-space.
* **Faults** are planes: a fault crops out (projected) at ``chainage_m``, dips
  at ``dip_deg`` towards increasing or decreasing chainage, and exists from
  ``tip_depth_m`` (its upper tip, the true upper breakpoint) downwards. Its
  position at depth z is ``chainage_m + s * z / tan(dip)`` with s = +1 or -1.
* **Blocks** are the rock volumes between consecutive faults (n_faults + 1,
  in order of increasing chainage). Each block gives the base depth of every
  unit but the last. The throw of fault i on an interface is the difference
  of that interface's depth in blocks i+1 and i, so throws that grow with depth
  (growth faults) are written down directly. Above a fault's tip the blocks
  must agree (checked).
* **Damage zones**: within ``width_m / 2`` of the fault plane (horizontally)
  and below the tip, resistivity and velocities are scaled by factors.

The model answers "what property at (chainage, depth)" vectorised, gives 1D
columns for 1D forward codes, and reports fault throws per interface.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from geoexplore.core.errors import FileFormatError, ModelError

PROPERTIES = ("vp_m_s", "vs_m_s", "density_kg_m3", "resistivity_ohm_m")


@dataclass(frozen=True)
class Unit:
    """A stratigraphic unit (SI units in field names; ages in ka before present)."""

    name: str
    label: str
    age_top_ka: float
    age_base_ka: float | None
    vp_m_s: float
    vs_m_s: float
    density_kg_m3: float
    resistivity_ohm_m: float
    lithology: str = ""

    def prop(self, name: str) -> float:
        return float(getattr(self, name))


@dataclass(frozen=True)
class DamageZone:
    width_m: float = 0.0
    resistivity_factor: float = 1.0
    velocity_factor: float = 1.0


@dataclass(frozen=True)
class Fault:
    """A planar fault (see module docstring for conventions)."""

    name: str
    chainage_m: float
    dip_deg: float
    dips_toward: Literal["increasing", "decreasing"]
    tip_depth_m: float
    damage: DamageZone = field(default_factory=DamageZone)
    kind: str | None = None  # None: the model does not state it (nothing downstream assumes one; slip type follows the rake)
    rake_deg: float | None = None  # None: the model does not state it (magnitudes then use all fault types)
    strike_deg: float | None = None  # None: the model does not state it (map traces then say the strike is unknown)
    length_km: float | None = None
    description: str = ""

    @property
    def sign(self) -> float:
        return 1.0 if self.dips_toward == "increasing" else -1.0

    def position(self, depth_m: Any) -> np.ndarray:
        """Chainage of the fault plane at ``depth_m`` (m)."""
        return self.chainage_m + self.sign * np.asarray(depth_m, float) / np.tan(np.deg2rad(self.dip_deg))

    @property
    def tip_chainage_m(self) -> float:
        """Chainage of the upper tip (the true upper breakpoint)."""
        return float(self.position(self.tip_depth_m))


@dataclass(frozen=True)
class Line:
    """A survey line as a chainage window of the model profile."""

    name: str
    start_m: float
    end_m: float
    max_depth_m: float
    description: str = ""


@dataclass
class GeologicalModel:
    """A 2D layered, faulted model along a profile (see module docstring)."""

    name: str
    units: list[Unit]
    faults: list[Fault]
    block_names: list[str]
    base_depth_m: np.ndarray  # (n_blocks, n_units - 1)
    elevation_chainage_m: np.ndarray
    elevation_m: np.ndarray
    lines: dict[str, Line] = field(default_factory=dict)
    synthetic: bool = True
    crs: dict[str, str] = field(default_factory=dict)
    profile_spec: dict[str, Any] = field(default_factory=dict)
    water_table_depth_m: float | None = None
    source: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    along_strike: dict[str, Any] = field(default_factory=dict)  # map view: geoexplore.core.faultmap

    def __post_init__(self) -> None:
        self.base_depth_m = np.asarray(self.base_depth_m, dtype=float)
        self.validate()

    # -- validation ---------------------------------------------------------------
    def validate(self) -> None:
        """Check the model for consistency; raise :class:`ModelError` naming the problem."""
        src = f"{self.source}: " if self.source else ""
        nu, nf = len(self.units), len(self.faults)
        if nu < 2:
            raise ModelError(f"{src}need at least two units (the last is the half-space)")
        names = [u.name for u in self.units]
        if len(set(names)) != nu:
            raise ModelError(f"{src}unit names are not unique: {names}")
        for u in self.units:
            for p in PROPERTIES:
                if not (u.prop(p) > 0 and np.isfinite(u.prop(p))):
                    raise ModelError(f"{src}unit {u.name}: {p} must be positive, got {u.prop(p)}")
            if u.vs_m_s >= u.vp_m_s:
                raise ModelError(f"{src}unit {u.name}: vs_m_s ({u.vs_m_s}) must be below vp_m_s ({u.vp_m_s})")
        ages = [(u.age_top_ka, u.age_base_ka) for u in self.units]
        for k, (top, base) in enumerate(ages):
            if base is not None and base <= top:
                raise ModelError(f"{src}unit {names[k]}: age_base_ka {base} must exceed age_top_ka {top}")
            if k and ages[k - 1][1] is not None and top < ages[k - 1][1] - 1e-9:
                raise ModelError(
                    f"{src}unit {names[k]}: ages overlap the unit above ({names[k-1]} base {ages[k-1][1]} ka > top {top} ka)"
                )
        if self.base_depth_m.shape != (nf + 1, nu - 1):
            raise ModelError(
                f"{src}blocks: expected {nf + 1} blocks x {nu - 1} base depths, got {self.base_depth_m.shape}"
            )
        if np.any(np.diff(self.base_depth_m, axis=1) <= 0) or np.any(self.base_depth_m[:, 0] <= 0):
            raise ModelError(f"{src}blocks: base depths must increase downwards in every block")
        ch = [f.chainage_m for f in self.faults]
        if any(b <= a for a, b in zip(ch, ch[1:])):
            raise ModelError(f"{src}faults must be listed in order of increasing chainage")
        for i, f in enumerate(self.faults):
            if not 0 < f.dip_deg <= 90:
                raise ModelError(f"{src}fault {f.name}: dip_deg must be in (0, 90], got {f.dip_deg}")
            left, right = self.base_depth_m[i], self.base_depth_m[i + 1]
            for k in range(nu - 1):
                shallow = min(left[k], right[k])
                if shallow < f.tip_depth_m and abs(left[k] - right[k]) > 1e-6:
                    raise ModelError(
                        f"{src}fault {f.name}: offsets the base of {names[k]} ({left[k]} vs {right[k]} m) "
                        f"above its tip at {f.tip_depth_m} m"
                    )
        zmax = max((ln.max_depth_m for ln in self.lines.values()), default=10_000.0)
        for a, b in zip(self.faults, self.faults[1:]):
            for z in (0.0, zmax):
                if a.position(z) >= b.position(z):
                    raise ModelError(f"{src}faults {a.name} and {b.name} cross above {z:.0f} m depth")
        if self.elevation_chainage_m.size != self.elevation_m.size or self.elevation_m.size < 1:
            raise ModelError(f"{src}topography: chainage and elevation tables differ in length")

    # -- queries ------------------------------------------------------------------
    @property
    def unit_names(self) -> list[str]:
        return [u.name for u in self.units]

    def fault(self, name: str) -> Fault:
        for f in self.faults:
            if f.name == name:
                return f
        raise KeyError(f"no fault {name!r}; faults: {[f.name for f in self.faults]}")

    def elevation(self, chainage_m: Any) -> np.ndarray:
        """Ground elevation (m above datum) at ``chainage_m`` (linear interpolation)."""
        return np.interp(np.asarray(chainage_m, float), self.elevation_chainage_m, self.elevation_m)

    def block_index(self, chainage_m: Any, depth_m: Any) -> np.ndarray:
        """Index of the fault block containing each point."""
        x, z = np.broadcast_arrays(np.asarray(chainage_m, float), np.asarray(depth_m, float))
        idx = np.zeros(x.shape, dtype=np.int64)
        for f in self.faults:
            idx += (x > f.position(z)).astype(np.int64)
        return idx

    def unit_index(self, chainage_m: Any, depth_m: Any) -> np.ndarray:
        """Index (into :attr:`units`) of the unit at each point; depth < 0 gives -1 (air)."""
        x, z = np.broadcast_arrays(np.asarray(chainage_m, float), np.asarray(depth_m, float))
        blk = self.block_index(x, z)
        bases = self.base_depth_m[blk]  # (..., n_units-1)
        u = np.sum(z[..., None] >= bases, axis=-1)
        return np.where(z < 0, -1, u)

    def damage_factor(self, chainage_m: Any, depth_m: Any) -> tuple[np.ndarray, np.ndarray]:
        """(resistivity factor, velocity factor) of fault damage zones at each point (1 outside)."""
        x, z = np.broadcast_arrays(np.asarray(chainage_m, float), np.asarray(depth_m, float))
        rf = np.ones(x.shape)
        vf = np.ones(x.shape)
        for f in self.faults:
            if f.damage.width_m <= 0:
                continue
            inside = (np.abs(x - f.position(z)) <= f.damage.width_m / 2) & (z >= f.tip_depth_m)
            rf = np.where(inside, rf * f.damage.resistivity_factor, rf)
            vf = np.where(inside, vf * f.damage.velocity_factor, vf)
        return rf, vf

    def sample(self, prop: str, chainage_m: Any, depth_m: Any, *, damage: bool = True) -> np.ndarray:
        """Property ``prop`` (one of :data:`PROPERTIES`) at points (broadcast).

        Points above the ground (depth < 0) get NaN.
        """
        if prop not in PROPERTIES:
            raise KeyError(f"unknown property {prop!r}; choose from {PROPERTIES}")
        values = np.array([u.prop(prop) for u in self.units])
        ui = self.unit_index(chainage_m, depth_m)
        out = np.where(ui >= 0, values[np.clip(ui, 0, None)], np.nan)
        if damage and self.faults:
            rf, vf = self.damage_factor(chainage_m, depth_m)
            if prop == "resistivity_ohm_m":
                out = out * rf
            elif prop in ("vp_m_s", "vs_m_s"):
                out = out * vf
        return out

    def interface_depth(self, unit: str | int, chainage_m: Any) -> np.ndarray:
        """Depth (m) of the base of ``unit`` at ``chainage_m``, honouring dipping faults.

        For each block, its base depth counts if the point (chainage, that
        depth) lies in that block; the shallowest such depth is returned (exact
        for the block geometry; NaN where no block's interface reaches).
        """
        k = self.unit_names.index(unit) if isinstance(unit, str) else int(unit)
        if not 0 <= k < len(self.units) - 1:
            raise KeyError("the last unit is the half-space and has no base")
        x = np.atleast_1d(np.asarray(chainage_m, float))
        out = np.empty_like(x)
        for j, xj in enumerate(x):
            # the base is at depth d where d == base_depth[block(x, d), k]; try each block
            cands = []
            for b in range(self.base_depth_m.shape[0]):
                d = self.base_depth_m[b, k]
                if self.block_index(xj, d) == b:
                    cands.append(d)
            out[j] = min(cands) if cands else np.nan
        return out.reshape(np.shape(chainage_m))

    def throws(self, fault: str) -> list[dict[str, Any]]:
        """Throw (m, positive = down towards the higher block index) of ``fault`` on every interface."""
        i = [f.name for f in self.faults].index(fault)
        f = self.faults[i]
        rows = []
        for k, u in enumerate(self.units[:-1]):
            a, b = self.base_depth_m[i, k], self.base_depth_m[i + 1, k]
            rows.append(
                {
                    "interface": f"base of {u.name}",
                    "unit": u.name,
                    "age_ka": u.age_base_ka,
                    "depth_footwall_m": float(min(a, b)),
                    "depth_hangingwall_m": float(max(a, b)),
                    "throw_m": float(abs(b - a)),
                    "chainage_m": float(f.position(min(a, b))),
                }
            )
        return rows

    def youngest_offset_unit(self, fault: str) -> Unit | None:
        """The youngest unit whose base the fault offsets (None if none)."""
        for row, u in zip(self.throws(fault), self.units):
            if row["throw_m"] > 0:
                return u
        return None

    def column(
        self, chainage_m: float, *, max_depth_m: float | None = None, dz_m: float = 0.5, damage: bool = False
    ) -> dict[str, np.ndarray]:
        """A 1D layered column below ``chainage_m`` for 1D forward codes.

        Returns thickness_m (last = half-space, given as 0) and each property
        per layer, merging equal consecutive samples. Dipping faults are
        honoured by sampling at ``dz_m``.
        """
        zmax = max_depth_m or float(self.base_depth_m.max() * 1.5 + 10)
        z = np.arange(0.0, zmax + dz_m, dz_m) + dz_m / 2
        props = {p: self.sample(p, chainage_m, z, damage=damage) for p in PROPERTIES}
        key = np.stack([props[p] for p in PROPERTIES], axis=1)
        change = np.r_[True, np.any(np.diff(key, axis=0) != 0, axis=1)]
        starts = np.flatnonzero(change)
        tops = z[starts] - dz_m / 2
        thick = np.r_[np.diff(tops), 0.0]
        out = {"thickness_m": thick, "top_m": tops}
        out.update({p: props[p][starts] for p in PROPERTIES})
        return out

    # -- gridding -----------------------------------------------------------------
    def section(self, chainage_m: np.ndarray, depth_m: np.ndarray, *, damage: bool = True, supersample: int = 1) -> Any:
        """Properties on a (depth, chainage) grid as an xarray Dataset.

        With ``supersample`` s > 1 each grid node gets the average over an
        s x s block of sub-samples spanning its cell (the spacing around the
        node): geometric mean for resistivity, harmonic mean for velocities
        (slowness average, as traveltimes see it), arithmetic mean for density.
        This is how a model is put on a coarse modelling grid without aliasing
        thin layers and narrow damage zones. ``unit_index`` is taken at the node.
        """
        import xarray as xr

        x = np.asarray(chainage_m, float)
        z = np.asarray(depth_m, float)
        X, Z = np.meshgrid(x, z)
        data: dict[str, Any] = {}
        if supersample <= 1:
            for p in PROPERTIES:
                data[p] = (("depth_m", "chainage_m"), self.sample(p, X, Z, damage=damage))
        else:
            s = int(supersample)

            def offsets(c: np.ndarray) -> np.ndarray:
                # sub-sample offsets spanning each node's cell (half-way to its neighbours)
                d = np.gradient(c) if c.size > 1 else np.ones(1)
                f = (np.arange(s) + 0.5) / s - 0.5
                return c[:, None] + d[:, None] * f[None, :]

            xs, zs = offsets(x), offsets(z)  # (nx, s), (nz, s)
            XX = np.broadcast_to(xs[None, None, :, :], (z.size, s, x.size, s))
            ZZ = np.broadcast_to(zs[:, :, None, None], (z.size, s, x.size, s))
            for p in PROPERTIES:
                v = self.sample(p, XX, np.clip(ZZ, 0.0, None), damage=damage)
                if p == "resistivity_ohm_m":
                    avg = np.exp(np.log(v).mean(axis=(1, 3)))
                elif p in ("vp_m_s", "vs_m_s"):
                    avg = 1.0 / (1.0 / v).mean(axis=(1, 3))
                else:
                    avg = v.mean(axis=(1, 3))
                data[p] = (("depth_m", "chainage_m"), avg)
        data["unit_index"] = (("depth_m", "chainage_m"), self.unit_index(X, Z).astype(np.int16))
        data["elevation_m"] = (("chainage_m",), self.elevation(x))
        ds = xr.Dataset(data, coords={"chainage_m": x, "depth_m": z})
        ds.attrs.update(
            {
                "model": self.name,
                "synthetic": int(self.synthetic),
                "supersample": int(supersample),
                "units_json": json.dumps([u.__dict__ for u in self.units]),
                "faults_json": self.faults_json(),
            }
        )
        units = {"vp_m_s": "m/s", "vs_m_s": "m/s", "density_kg_m3": "kg/m3", "resistivity_ohm_m": "ohm m"}
        for p in PROPERTIES:
            ds[p].attrs["units"] = units[p]
        return ds

    def faults_json(self) -> str:
        rows = []
        for f in self.faults:
            d = {k: v for k, v in f.__dict__.items() if k != "damage"}
            d["damage"] = f.damage.__dict__
            d["tip_chainage_m"] = f.tip_chainage_m
            rows.append(d)
        return json.dumps(rows)

    def to_dict(self) -> dict[str, Any]:
        """The model as plain data (the YAML schema)."""
        return {
            "name": self.name,
            "synthetic": self.synthetic,
            "crs": dict(self.crs),
            "profile": dict(self.profile_spec),
            "water_table_depth_m": self.water_table_depth_m,
            "topography": {"chainage_m": self.elevation_chainage_m.tolist(), "elevation_m": self.elevation_m.tolist()},
            "lines": {k: {kk: vv for kk, vv in v.__dict__.items() if kk != "name"} for k, v in self.lines.items()},
            "units": [dict(u.__dict__) for u in self.units],
            "blocks": {
                "columns": [u.name for u in self.units[:-1]],
                "rows": {n: self.base_depth_m[i].tolist() for i, n in enumerate(self.block_names)},
            },
            "faults": [
                {**{k: v for k, v in f.__dict__.items() if k != "damage"}, "damage_zone": dict(f.damage.__dict__)}
                for f in self.faults
            ],
            "meta": dict(self.meta),
            **({"along_strike": self.along_strike} if self.along_strike else {}),
        }

    def profile(self) -> Any:
        """The model's :class:`~geoexplore.core.profile.Profile` (needs ``profile`` in the YAML)."""
        from geoexplore.core.profile import (
            CGCS2000,
            CGCS2000_GK_CM126E,
            Profile,
            transformer,
        )

        spec = self.profile_spec
        if not spec:
            raise ModelError(f"{self.source or self.name}: the model has no profile section")
        if not self.crs.get("geographic"):  # the datum of the longitudes and latitudes: stated, never assumed
            raise ModelError(f"{self.source or self.name}: the profile is given in longitude/latitude but the model states "
                             f"no datum (crs.geographic): add crs: {{geographic: \"{CGCS2000}\"}} (CGCS2000) or the CRS "
                             f"the coordinates are in")
        # the projected CRS is a working choice (chainages in metres), not a property of the data: default GK CM 126E
        crs = self.crs.get("projected", CGCS2000_GK_CM126E)
        geo = self.crs["geographic"]
        if "vertices_lonlat" in spec:
            lon, lat = np.asarray(spec["vertices_lonlat"], float).T
            return Profile.from_lonlat(lon, lat, crs=crs, geographic_crs=geo, name=spec.get("name", "profile"))
        if "start_lonlat" in spec:
            x0, y0 = transformer(geo, crs).transform(*spec["start_lonlat"])
            return Profile.straight(
                float(x0), float(y0), float(spec["azimuth_deg"]), float(spec["length_m"]),
                crs=crs, geographic_crs=geo, name=spec.get("name", "profile"),
            )
        raise ModelError(f"{self.source or self.name}: profile needs vertices_lonlat or start_lonlat")


# -- loading ----------------------------------------------------------------------
def _req(d: dict[str, Any], key: str, where: str) -> Any:
    if key not in d:
        raise ModelError(f"{where}: missing '{key}'")
    return d[key]


def model_from_dict(data: dict[str, Any], *, source: str = "") -> GeologicalModel:
    """Build a :class:`GeologicalModel` from the YAML schema (see data/siping/model.yaml)."""
    where = source or "model"
    if not isinstance(data, dict):
        raise ModelError(f"{where}: the model must be a mapping")
    at = "units"  # the key being read, for errors Python raises on a wrong type
    try:
        units = []
        for i, u in enumerate(_req(data, "units", where)):
            w = f"{where}: units[{i}]"
            at = f"units[{i}]"
            units.append(
                Unit(
                    name=str(_req(u, "name", w)),
                    label=str(u.get("label", u["name"])),
                    age_top_ka=float(_req(u, "age_top_ka", w)),
                    age_base_ka=None if u.get("age_base_ka") is None else float(u["age_base_ka"]),
                    vp_m_s=float(_req(u, "vp_m_s", w)),
                    vs_m_s=float(_req(u, "vs_m_s", w)),
                    density_kg_m3=float(_req(u, "density_kg_m3", w)),
                    resistivity_ohm_m=float(_req(u, "resistivity_ohm_m", w)),
                    lithology=str(u.get("lithology", "")),
                )
            )
        faults = []
        for i, f in enumerate(data.get("faults") or []):
            w = f"{where}: faults[{i}]"
            at = f"faults[{i}]"
            dz = f.get("damage_zone") or {}
            direction = str(_req(f, "dips_toward", w))
            if direction not in ("increasing", "decreasing"):
                raise ModelError(f"{w}: dips_toward must be 'increasing' or 'decreasing' (chainage), got {direction!r}")
            faults.append(
                Fault(
                    name=str(_req(f, "name", w)),
                    chainage_m=float(_req(f, "chainage_m", w)),
                    dip_deg=float(_req(f, "dip_deg", w)),
                    dips_toward=direction,  # type: ignore[arg-type]
                    tip_depth_m=float(_req(f, "tip_depth_m", w)),
                    damage=DamageZone(
                        width_m=float(dz.get("width_m", 0.0)),
                        resistivity_factor=float(dz.get("resistivity_factor", 1.0)),
                        velocity_factor=float(dz.get("velocity_factor", 1.0)),
                    ),
                    kind=str(f["kind"]) if f.get("kind") is not None else None,  # never assumed
                    rake_deg=float(f["rake_deg"]) if f.get("rake_deg") is not None else None,  # never assumed
                    strike_deg=float(f["strike_deg"]) if f.get("strike_deg") is not None else None,
                    length_km=None if f.get("length_km") is None else float(f["length_km"]),
                    description=str(f.get("description", "")),
                )
            )
        at = "blocks"
        blocks = _req(data, "blocks", where)
        cols = list(_req(blocks, "columns", f"{where}: blocks"))
        expect = [u.name for u in units[:-1]]
        if cols != expect:
            raise ModelError(f"{where}: blocks.columns must list the unit names but the last, in order: {expect}, got {cols}")
        rows = _req(blocks, "rows", f"{where}: blocks")
        block_names = list(rows)
        base = np.array([[float(v) for v in rows[n]] for n in block_names])
        at = "topography"
        topo = data.get("topography") or {"chainage_m": [0.0], "elevation_m": [0.0]}
        if not isinstance(topo, dict) or "chainage_m" not in topo or "elevation_m" not in topo:
            raise ModelError(f"{where}: topography needs 'chainage_m' and 'elevation_m' lists")
        at = "lines"
        lines = {
            name: Line(
                name=name,
                start_m=float(_req(ln, "start_m", f"{where}: lines.{name}")),
                end_m=float(_req(ln, "end_m", f"{where}: lines.{name}")),
                max_depth_m=float(ln.get("max_depth_m", 1000.0)),
                description=str(ln.get("description", "")),
            )
            for name, ln in (data.get("lines") or {}).items()
        }
        at = "(top level)"
        return GeologicalModel(
            name=str(data.get("name", "model")),
            units=units,
            faults=faults,
            block_names=block_names,
            base_depth_m=base,
            elevation_chainage_m=np.asarray(topo["chainage_m"], float),
            elevation_m=np.asarray(topo["elevation_m"], float),
            lines=lines,
            synthetic=bool(data.get("synthetic", True)),
            crs=dict(data.get("crs") or {}),
            profile_spec=dict(data.get("profile") or {}),
            water_table_depth_m=None if data.get("water_table_depth_m") is None else float(data["water_table_depth_m"]),
            source=source,
            meta=dict(data.get("meta") or {}),
            along_strike=dict(data.get("along_strike") or {}),
        )
    except ModelError:
        raise
    except (TypeError, ValueError, AttributeError, KeyError, IndexError) as exc:
        raise ModelError(f"{where}: {at}: {type(exc).__name__}: {exc}") from None


class ModelFileError(FileFormatError, ModelError):
    """A model file that does not give a consistent model: names the file and the key (and its line)."""


def _model_keys(message: str, data: dict[str, Any]) -> list[str | int]:
    """The key path a model error is about, from its message (``units[3]: ...``, ``unit Q3: ...``, ``blocks: ...``)."""
    import re

    def index(section: str, name: str) -> list[str | int]:
        items = data.get(section)
        if isinstance(items, list):
            for i, it in enumerate(items):
                if isinstance(it, dict) and str(it.get("name")) == name:
                    return [section, i]
        return [section]

    m = re.match(r"(units|faults)\[(\d+)\](?::\s*missing '(\w+)')?", message)
    if m:
        return [m.group(1), int(m.group(2))]
    m = re.match(r"(unit|fault) (\S+?):(?: (\w+) )?", message)
    if m:
        keys = index(m.group(1) + "s", m.group(2))
        if m.group(3) and m.group(3).endswith(("_m_s", "_ka", "_kg_m3", "_ohm_m", "_deg")):
            keys.append(m.group(3))
        return keys
    m = re.match(r"(blocks(?:\.columns)?|topography|lines(?:\.\w+)?|profile)\b", message)
    if m:
        return [k for k in m.group(1).split(".")]
    if message.startswith(("unit", "need at least two units")):
        return ["units"]
    if message.startswith("fault"):
        return ["faults"]
    return []


def load_model(path: str | os.PathLike[str]) -> GeologicalModel:
    """Load and validate a geological model from a YAML file.

    Raises
    ------
    FileFormatError
        (a :class:`ModelFileError`, also a ModelError) naming the file and the key with its line.
    """
    from geoexplore.core.yamlio import key_position, load_yaml

    p = Path(path)
    data = load_yaml(p)
    if not isinstance(data, dict):
        raise FileFormatError(p, "a model file must hold a mapping at the top level", position="line 1")
    try:
        return model_from_dict(data, source=str(p))
    except ModelError as exc:
        msg = str(exc).removeprefix(f"{p}: ")
        raise ModelFileError(p, msg, position=key_position(p, _model_keys(msg, data))) from None
