"""Synthetic Siping MT survey: 2D forward model of data/siping/model.yaml -> EDI files.

``python -m geoexplore.mt.synth2d --out data/siping/mt/edi`` (fixed seed)

* Model: the Siping reference model (SYNTHETIC) sampled on a fine tensor
  mesh (100 m cells along the profile, 2 m cells at the surface, every
  block interface on a mesh node, conductivity averaged over a 4x4 sub-grid
  so the 30-60 m damage zones enter with their volume fraction). The
  inversion uses a different, coarser mesh (no inverse crime).
* Forward: SimPEG 0.25 2D TE (``Simulation2DMagneticField``, E along strike)
  and TM (``Simulation2DElectricField``), see :mod:`geoexplore.mt.simpeg2d`.
* Stations every ``spacing_m`` along the ``mt`` line, periods log-spaced over
  ``period_min_s``-``period_max_s``.
* Frame: the 2D strike is the model's fault strike (45 deg, NE45 graben), the
  profile azimuth 135 deg. In the strike frame Zxy = TE, Zyx = TM; the
  tensors are rotated to geographic north/east (``rotation_deg`` = 0) as a
  field survey would record them.
* Noise: complex Gaussian on every element, standard deviation
  ``eps(T) * sqrt(|Zxy Zyx|)`` with ``eps`` = 2 % raised to 5 % in the MT
  dead band around 1-3 s; ``z_err`` is that standard deviation.
  Seed fixed (42).
* No tipper (SimPEG 0.25.2 has no 2D tipper receiver), no static shift.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import numpy as np

STRIKE_DEG = 45.0


def station_table(model: Any, spacing_m: float = 1000.0) -> dict[str, np.ndarray]:
    """Station names, chainage, lon/lat and elevation along the model's ``mt`` line."""
    line = model.lines["mt"]
    ch = np.arange(line.start_m, line.end_m + 0.5 * spacing_m, spacing_m)
    lon, lat = model.profile().lonlat(ch)
    names = np.array([f"SP{int(round(c / 1000.0)):02d}" if spacing_m % 1000 == 0 else f"SP{int(c):05d}" for c in ch])
    return {"station": names, "chainage_m": ch, "lon_deg": np.asarray(lon), "lat_deg": np.asarray(lat),
            "elevation_m": model.elevation(ch)}


def fine_mesh(model: Any) -> Any:
    """The fine forward mesh (see module docstring)."""
    from geoexplore.mt.mesh2d import depth_nodes, profile_mesh

    line = model.lines["mt"]
    interfaces = np.unique(model.base_depth_m.ravel())
    zn = depth_nodes(2.0, 1.12, 50.0, 4000.0, interfaces)
    return profile_mesh(line.start_m - 3000.0, line.end_m + 3000.0, 100.0, zn)


def forward_2d(model: Any, mesh: Any, stations_x_m: np.ndarray, period_s: np.ndarray) -> dict[str, np.ndarray]:
    """TE and TM apparent resistivity and phase (n_period, n_station) on ``mesh``."""
    from geoexplore.mt.mesh2d import active_cells, model_on_mesh
    from geoexplore.mt.simpeg2d import (
        active_mapping,
        blas_threads,
        make_simulation,
        unpack,
    )

    act = active_cells(mesh)
    rho = model_on_mesh(model, mesh)
    mp = active_mapping(mesh, act)
    out = {}
    with blas_threads(1):
        for mode in ("te", "tm"):
            sim = make_simulation(mesh, mode, 1.0 / period_s, stations_x_m, mapping=mp, forward_only=True)
            r, p = unpack(sim.dpred(np.log(1.0 / rho)), period_s.size, stations_x_m.size)
            out[f"rho_{mode}"], out[f"phase_{mode}"] = r, p
    return out


def noise_level(period_s: np.ndarray, base: float = 0.02, dead_band: float = 0.03) -> np.ndarray:
    """Relative noise eps(T): ``base`` plus a Gaussian bump (in log10 T) centred at 2 s."""
    lt = np.log10(period_s)
    return base + dead_band * np.exp(-(((lt - 0.3) / 0.35) ** 2))


def strike_tensors(fw: dict[str, np.ndarray], period_s: np.ndarray) -> np.ndarray:
    """(n_station, n_period, 2, 2) impedance (mV/km/nT) in the strike frame from TE/TM rho and phase."""
    T = period_s[:, None]
    zte = np.sqrt(fw["rho_te"] / (0.2 * T)) * np.exp(1j * np.deg2rad(fw["phase_te"]))
    ztm = np.sqrt(fw["rho_tm"] / (0.2 * T)) * np.exp(1j * np.deg2rad(fw["phase_tm"]))
    z = np.zeros((zte.shape[1], zte.shape[0], 2, 2), complex)
    z[:, :, 0, 1] = zte.T
    z[:, :, 1, 0] = ztm.T
    return z


def make_survey(model: Any, *, spacing_m: float = 1000.0, period_min_s: float = 1e-3, period_max_s: float = 1e3,
                per_decade: int = 4, seed: int = 42, mesh: Any = None) -> list[Any]:
    """The synthetic survey as a list of transfer-function Datasets (geographic frame, noisy)."""
    from geoexplore.mt.analysis import rotate_z
    from geoexplore.mt.tfdata import make_tf

    st = station_table(model, spacing_m)
    nper = int(round(np.log10(period_max_s / period_min_s) * per_decade)) + 1
    T = np.logspace(np.log10(period_min_s), np.log10(period_max_s), nper)
    mesh = fine_mesh(model) if mesh is None else mesh
    fw = forward_2d(model, mesh, st["chainage_m"], T)
    zs = strike_tensors(fw, T)
    zg, _ = rotate_z(zs, -STRIKE_DEG)  # strike frame (x at azimuth 45) -> north/east
    rng = np.random.default_rng(seed)
    eps = noise_level(T)
    out = []
    for k in range(st["chainage_m"].size):
        scale = eps[:, None, None] * np.sqrt(np.abs(zg[k, :, 0, 1] * zg[k, :, 1, 0]))[:, None, None]
        err = np.broadcast_to(scale, zg[k].shape).copy()
        noise = err * (rng.standard_normal(err.shape) + 1j * rng.standard_normal(err.shape))
        ds = make_tf(
            T, zg[k] + noise, z_err=err,
            station=str(st["station"][k]), lat_deg=float(st["lat_deg"][k]), lon_deg=float(st["lon_deg"][k]),
            elevation_m=float(st["elevation_m"][k]), chainage_m=float(st["chainage_m"][k]), rotation_deg=0.0,
            synthetic=1, source="SYNTHETIC: SimPEG 2D TE/TM forward of data/siping/model.yaml (geoexplore.mt.synth2d)",
        )
        out.append(ds)
    return out


def main(argv: list[str] | None = None) -> int:
    from geoexplore.core.geomodel import load_model
    from geoexplore.mt.io.edi import write_edi

    ap = argparse.ArgumentParser(description="Synthetic Siping MT EDIs (2D SimPEG forward of model.yaml)")
    ap.add_argument("--model", default=str(Path(__file__).resolve().parents[2] / "data" / "siping" / "model.yaml"))
    ap.add_argument("--out", required=True)
    ap.add_argument("--spacing-m", type=float, default=1000.0)
    ap.add_argument("--per-decade", type=int, default=4)
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args(argv)
    model = load_model(a.model)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    sets = make_survey(model, spacing_m=a.spacing_m, per_decade=a.per_decade, seed=a.seed)
    for ds in sets:
        write_edi(ds, out / f"{ds.attrs['station']}.edi")
    meta = {"stations": [str(d.attrs["station"]) for d in sets],
            "chainage_m": [float(d.attrs["chainage_m"]) for d in sets],
            "strike_deg": STRIKE_DEG, "seed": a.seed, "seconds": round(time.time() - t0, 1)}
    (out / "stations.json").write_text(json.dumps(meta, indent=1))
    print(json.dumps(meta))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
