"""Write the SYNTHETIC surveys of the extra shallow lines S1, S3, S4 (data/siping/lines/<line>/).

Each line is the 2D model along that line (``FaultMap.line_model``: fault positions, dips, tips and
throws of model.yaml's ``along_strike`` section at the line's s), forward modelled with the same codes as
the main ``shallow`` line:

* ``seismic/``: Kirchhoff reflection shots (:func:`geoexplore.seismic.reflection.synth.write_survey`),
  the main line's acquisition (10 m stations, 48-channel split spread, a shot every 40 m, 1 ms, 0.5 s
  records: shorter records, tried at 0.3 s, lose the Miocene-base offset below F2 and with it F2's dip);
* ``ert/``: pyGIMLi ERT forward run (:func:`geoexplore.ert.synth.simulate`), the main line's spread
  (96 electrodes at 10 m from chainage 21925 m, dipole-dipole and Wenner-Schlumberger, 2 % + 50 uV noise),
  which covers F3 on every line (22175-22400 m) but not F2 (21425-21600 m), as on the main line.

Refraction and microtremor are not modelled on these lines (time and size; stated in lines/README.md).
Seeds differ per line and are fixed (deterministic noise); regenerate with

    python data/siping/make_lines.py [--lines S1 S3 S4] [--methods reflection ert]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

LINES = ("S1", "S3", "S4")
RECORD_S = 0.5
SEED_STEP = {"S1": 1, "S3": 3, "S4": 4}

README = """# Line {line} (s = {s:.0f} m along strike) -- SYNTHETIC {what}

**Synthetic data, not field recordings.** Written by `python data/siping/make_lines.py --lines {line}
--methods {method}` from the 2D model along line {line} (`geoexplore.core.faultmap.FaultMap.line_model`,
section `along_strike` of `data/siping/model.yaml`; see `data/siping/model.md`, "Map view").
Line {line} runs parallel to the main profile, chainage {start:.0f}-{end:.0f} m, {s:.0f} m along strike
(north-east positive) from it; coordinates CGCS2000 / 3-degree GK CM 126E (EPSG:4551).

Model along this line: F2 surface trace at {f2:.1f} m (dip {f2dip:.1f} deg, tip {f2tip:.0f} m),
F3 surface trace at {f3:.1f} m (dip {f3dip:.1f} deg, tip {f3tip:.0f} m).

{body}
"""

SEIS_BODY = """Forward code and acquisition as the main line (`data/siping/seismic/README.md`): Kirchhoff
surface-integral modelling of every interface, truncated at the faults, direct and head waves, ground
roll, band-limited noise; {n} SEG-2 shots, 48 channels, stations every 10 m, a shot every 40 m,
1 ms sampling, {rec:g} s records.
The station table is `stations.csv`, the observer's log `observer_log.csv`.

Design parameters (JSON): `{design}`
"""

ERT_BODY = """pyGIMLi finite-element forward run (as `data/siping/ert`, `geoexplore.ert.synth.simulate`): 96
electrodes at 10 m, electrode 1 at chainage {c0:.0f} m (`chainage = x + {c0:.0f}`), elevations from the
model topography; RES2DINV general-array files (code 11), dipole-dipole (a = 10-40 m, n = 1-6) and
Wenner-Schlumberger (a = 10-30 m, n = 1-6); Gaussian noise 2 % + 50 uV at 0.5 A; seeds {seed} (+0, +1).

| file | data | rho_a range (ohm m) | noise RMS (%) |
|---|---|---|---|
{rows}
"""


def _facts(fm, lm, line: str) -> dict:
    f2 = next(f for f in lm.faults if f.name == "F2")
    f3 = next(f for f in lm.faults if f.name == "F3")
    ln = lm.lines[line]
    return {"line": line, "s": fm.lines[line].s_m, "start": ln.start_m, "end": ln.end_m, "f2": f2.chainage_m,
            "f2dip": f2.dip_deg, "f2tip": f2.tip_depth_m, "f3": f3.chainage_m, "f3dip": f3.dip_deg, "f3tip": f3.tip_depth_m}


def write_reflection(fm, line: str, out: Path) -> int:
    from dataclasses import asdict

    from geoexplore.seismic.reflection.synth import SEED, SurveyDesign, write_survey

    lm = fm.line_model(line)
    design = SurveyDesign(line=line, record_s=RECORD_S, seed=SEED + SEED_STEP[line])
    files = write_survey(out, lm, design)
    body = SEIS_BODY.format(n=len(files), rec=RECORD_S, design=json.dumps(asdict(design)))
    (out / "README.md").write_text(README.format(what="seismic reflection survey", method="reflection", body=body,
                                                 **_facts(fm, lm, line)), encoding="utf-8")
    return len(files)


def write_ert(fm, line: str, out: Path) -> dict:
    import numpy as np

    from geoexplore.ert.io import res2dinv
    from geoexplore.ert.synth import (
        CHAINAGE0_M,
        N_ELECTRODES,
        SEED,
        dipole_dipole,
        electrodes,
        forward_mesh,
        simulate,
        wenner_schlumberger,
    )

    lm = fm.line_model(line)
    out.mkdir(parents=True, exist_ok=True)
    seed = SEED + 10 * SEED_STEP[line]
    mesh = forward_mesh(electrodes(lm))
    files = {}
    for k, (name, abmn) in enumerate((("dd", dipole_dipole(N_ELECTRODES)), ("ws", wenner_schlumberger(N_ELECTRODES)))):
        data, clean, noisy = simulate(lm, abmn, seed=seed + k, mesh=mesh)
        fn = out / f"{line.lower()}-ert-{name}.dat"
        res2dinv.write(data, fn, title=f"SYNTHETIC Siping line {line} ERT {'dipole-dipole' if name == 'dd' else 'Wenner-Schlumberger'}; "
                                      f"chainage = x + {CHAINAGE0_M:.0f} m; seed {seed + k}")
        files[fn.name] = {"n_data": int(len(noisy)), "rhoa_min": float(noisy.min()), "rhoa_max": float(noisy.max()),
                          "noise_rms_percent": float(100 * np.sqrt(np.mean((noisy / clean - 1) ** 2)))}
    rows = "\n".join(f"| `{k}` | {v['n_data']} | {v['rhoa_min']:.1f}-{v['rhoa_max']:.1f} | {v['noise_rms_percent']:.2f} |"
                     for k, v in files.items())
    (out / "README.md").write_text(README.format(what="ERT survey", method="ert", body=ERT_BODY.format(c0=CHAINAGE0_M, seed=seed, rows=rows),
                                                 **_facts(fm, lm, line)), encoding="utf-8")
    return files


def main(argv: list[str] | None = None) -> int:
    from geoexplore.core.faultmap import fault_map
    from geoexplore.core.geomodel import load_model

    p = argparse.ArgumentParser(description="Write the SYNTHETIC surveys of lines S1, S3, S4 (reflection, ERT).")
    p.add_argument("--lines", nargs="+", default=list(LINES), choices=LINES)
    p.add_argument("--methods", nargs="+", default=["reflection", "ert"], choices=["reflection", "ert"])
    a = p.parse_args(argv)
    here = Path(__file__).resolve().parent
    fm = fault_map(load_model(here / "model.yaml"))
    for line in a.lines:
        if "reflection" in a.methods:
            print(line, "reflection:", write_reflection(fm, line, here / "lines" / line / "seismic"), "shots", flush=True)
        if "ert" in a.methods:
            print(line, "ert:", json.dumps(write_ert(fm, line, here / "lines" / line / "ert")), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
