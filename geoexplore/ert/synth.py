"""Synthetic Siping ERT survey (SYNTHETIC): pyGIMLi forward run of the reference model.

One 96-electrode spread at 10 m on the ``shallow`` line, centred on fault
F3, with the ground elevation of the model. Two arrays are simulated on a
fine triangular mesh with the model's resistivity (units, throws and
conductive damage zones) and written as RES2DINV general-array files
(electrode elevations in the rows, apparent resistivity):

* ``siping-ert-dd.dat``: dipole-dipole, a = 10, 20, 30, 40 m, n = 1-6;
* ``siping-ert-ws.dat``: Wenner-Schlumberger, a = 10, 20, 30 m, n = 1-6.

Noise: Gaussian, relative 2 % plus an absolute voltage noise of 50 uV at
0.5 A injected (i.e. 1e-4 ohm on the resistance), seed fixed. Electrode x is
measured from the first electrode, whose chainage is written in the file
title and README (``chainage = x + CHAINAGE0_M``).

Run ``python -m geoexplore.ert.synth --out data/siping/ert``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np

N_ELECTRODES = 96
SPACING_M = 10.0
CHAINAGE0_M = 21925.0  # first electrode; F3 (22400 m) lies between electrodes 48 and 49
SEED = 20240613
REL_NOISE = 0.02
ABS_NOISE_V = 5e-5
CURRENT_A = 0.5


def dipole_dipole(n_el: int, a_list: tuple[int, ...] = (1, 2, 3, 4), n_max: int = 6) -> np.ndarray:
    """Dipole-dipole quadrupoles (from 1): B A M N with dipole a and separation n a (electrode units)."""
    out = []
    for a in a_list:
        for n in range(1, n_max + 1):
            for b in range(1, n_el + 1):
                aa, m = b + a, b + a + n * a
                nn = m + a
                if nn <= n_el:
                    out.append((aa, b, m, nn))
    return np.array(out, dtype=np.int64)


def wenner_schlumberger(n_el: int, a_list: tuple[int, ...] = (1, 2, 3), n_max: int = 6) -> np.ndarray:
    """Wenner-Schlumberger quadrupoles: A M N B at x, x+na, x+(n+1)a, x+(2n+1)a."""
    out = []
    for a in a_list:
        for n in range(1, n_max + 1):
            for A in range(1, n_el + 1):
                M, N, B = A + n * a, A + (n + 1) * a, A + (2 * n + 1) * a
                if B <= n_el:
                    out.append((A, B, M, N))
    return np.array(out, dtype=np.int64)


def electrodes(model: Any) -> np.ndarray:
    """Electrode positions (x from the first electrode, 0, elevation), shape (96, 3)."""
    x = np.arange(N_ELECTRODES) * SPACING_M
    z = np.asarray(model.elevation(x + CHAINAGE0_M), float)
    return np.column_stack([x, np.zeros_like(x), z])


def forward_mesh(el: np.ndarray, *, depth_m: float = 250.0, max_area_m2: float = 40.0) -> Any:
    """Forward mesh with topography: refined at the electrodes, cells of at most ``max_area_m2`` in the
    survey domain, a far boundary without area limit; quadratic (P2) shape functions."""
    from geoexplore.core.gimli import import_pygimli

    pg = import_pygimli()
    import pygimli.meshtools as mt

    from geoexplore.core.fpenv import preserved

    sensors = [pg.Pos(x, z) for x, _, z in el]
    plc = mt.createParaMeshPLC(sensors, paraDX=0.2, paraDepth=depth_m, paraMaxCellSize=max_area_m2,
                               paraBoundary=3, boundary=4)
    with preserved():  # Triangle leaves the x87 control word changed (core.fpenv)
        mesh = mt.createMesh(plc, quality=33.5)
    return mesh.createP2()


def simulate(model: Any, abmn: np.ndarray, *, seed: int = SEED, mesh: Any = None) -> tuple[Any, np.ndarray, np.ndarray]:
    """Simulate apparent resistivities of ``abmn`` over the model.

    Returns
    -------
    data : ERTData
        Electrodes, quadrupoles, noisy rho_a, noise-free rho_a in ``meta``.
    rhoa_clean : ndarray
    rhoa_noisy : ndarray
    """
    from geoexplore.core.gimli import import_pygimli, set_threads
    from geoexplore.ert.data import ERTData, make_table
    from geoexplore.ert.geometric import geometric_factors

    pg = import_pygimli()
    from pygimli.physics import ert

    el = electrodes(model)
    mesh = mesh or forward_mesh(el)
    cx = np.array([c.center()[0] for c in mesh.cells()])
    cz = np.array([c.center()[1] for c in mesh.cells()])
    ch = cx + CHAINAGE0_M
    depth = np.asarray(model.elevation(ch), float) - cz
    res = np.asarray(model.sample("resistivity_ohm_m", ch, np.clip(depth, 0.0, None)), float)
    res = np.where(np.isfinite(res), res, model.units[0].resistivity_ohm_m)
    base = ERTData(el, make_table(a=abmn[:, 0], b=abmn[:, 1], m=abmn[:, 2], n=abmn[:, 3]))
    dc = base.to_pygimli(include_k=False)
    dc.set("k", geometric_factors(el, abmn))
    fop = ert.ERTModelling(sr=False)
    set_threads(None, fop)
    fop.setData(dc)
    fop.setMesh(mesh, ignoreRegionManager=True)
    resp = fop.response(pg.Vector(res))
    rhoa = np.array(resp, float)
    k = geometric_factors(el, abmn)
    r = rhoa / k
    rng = np.random.default_rng(seed)
    sigma_r = REL_NOISE * np.abs(r) + ABS_NOISE_V / CURRENT_A
    r_noisy = r + rng.standard_normal(len(r)) * sigma_r
    rhoa_noisy = k * r_noisy
    table = make_table(a=abmn[:, 0], b=abmn[:, 1], m=abmn[:, 2], n=abmn[:, 3], resistance_ohm=r_noisy,
                       apparent_resistivity_ohm_m=rhoa_noisy, geometric_factor_m=k,
                       current_a=np.full(len(r), CURRENT_A), voltage_v=r_noisy * CURRENT_A)
    data = ERTData(el, table, {"format": "synthetic", "synthetic": 1, "chainage_offset_m": CHAINAGE0_M})
    return data, rhoa, rhoa_noisy


def generate(model_path: str | Path, out: str | Path, *, seed: int = SEED) -> dict[str, Any]:
    """Write the synthetic survey files and README into ``out``; return a summary."""
    from geoexplore.core.geomodel import load_model
    from geoexplore.ert.io import res2dinv

    model = load_model(model_path)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    el = electrodes(model)
    mesh = forward_mesh(el)
    summary: dict[str, Any] = {"chainage0_m": CHAINAGE0_M, "spacing_m": SPACING_M, "n_electrodes": N_ELECTRODES,
                               "seed": seed, "files": {}}
    for k, (name, abmn) in enumerate((("dd", dipole_dipole(N_ELECTRODES)), ("ws", wenner_schlumberger(N_ELECTRODES)))):
        data, clean, noisy = simulate(model, abmn, seed=seed + k, mesh=mesh)
        fn = out / f"siping-ert-{name}.dat"
        title = (f"SYNTHETIC Siping ERT {'dipole-dipole' if name == 'dd' else 'Wenner-Schlumberger'}; "
                 f"chainage = x + {CHAINAGE0_M:.0f} m; geoexplore.ert.synth seed {seed + k}")
        res2dinv.write(data, fn, title=title)
        summary["files"][fn.name] = {"n_data": int(len(noisy)), "rhoa_min": float(noisy.min()),
                                     "rhoa_max": float(noisy.max()),
                                     "noise_rms_percent": float(100 * np.sqrt(np.mean((noisy / clean - 1) ** 2)))}
    (out / "README.md").write_text(_readme(summary), encoding="utf-8")
    (out / "synth.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    return summary


def _readme(summary: dict[str, Any]) -> str:
    rows = "\n".join(f"| `{k}` | {v['n_data']} | {v['rhoa_min']:.1f}-{v['rhoa_max']:.1f} | {v['noise_rms_percent']:.2f} |"
                     for k, v in summary["files"].items())
    return f"""# Siping ERT survey -- SYNTHETIC

These files are **synthetic**: computed by `python -m geoexplore.ert.synth --out data/siping/ert`
from the Siping reference model `data/siping/model.yaml` (see `data/siping/model.md`), with
pyGIMLi's finite-element ERT forward operator. No field data.

* One spread of {summary['n_electrodes']} electrodes at {summary['spacing_m']:.0f} m on the `shallow` line,
  electrode 1 at chainage {summary['chainage0_m']:.0f} m (`chainage = x + {summary['chainage0_m']:.0f}`),
  centred on fault F3 (22400 m); electrode elevations from the model topography.
* Format: RES2DINV general array (code 11), electrode x and elevation in each row, apparent
  resistivity in ohm m, geometric factors of flat ground (rho_a = K R with straight-line distances).
* Arrays: dipole-dipole (a = 10-40 m, n = 1-6) and Wenner-Schlumberger (a = 10-30 m, n = 1-6).
* Noise: Gaussian, 2 % relative plus 50 uV absolute at 0.5 A injected current; seed {summary['seed']} (+0, +1).

| file | data | rho_a range (ohm m) | noise RMS (%) |
|---|---|---|---|
{rows}
"""


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Write the synthetic Siping ERT survey (SYNTHETIC)")
    p.add_argument("--model", default=str(Path(__file__).resolve().parents[2] / "data" / "siping" / "model.yaml"))
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=SEED)
    a = p.parse_args(argv)
    print(json.dumps(generate(a.model, a.out, seed=a.seed), indent=1))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
