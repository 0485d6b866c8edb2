"""Write the SYNTHETIC surveys of the extra shallow lines S1, S3, S4 (data/siping/lines/<line>/).

Each line is the 2D model along that line (``FaultMap.line_model``: fault positions, dips, tips and
throws of model.yaml's ``along_strike`` section at the line's s), forward modelled with the same codes as
the main ``shallow`` line:

* ``seismic/``: Kirchhoff reflection shots (:func:`geoexplore.seismic.reflection.synth.write_survey`),
  the main line's acquisition (10 m stations, 48-channel split spread, a shot every 40 m, 1 ms, 0.5 s
  records: shorter records, tried at 0.3 s, lose the Miocene-base offset below F2 and with it F2's dip);
* ``ert/``: pyGIMLi ERT forward run (:func:`geoexplore.ert.synth.simulate`), the main line's spread
  (96 electrodes at 10 m from chainage 21925 m, dipole-dipole and Wenner-Schlumberger, 2 % + 50 uV noise),
  which covers F3 on every line (22175-22400 m) but not F2 (21425-21600 m), as on the main line;
* ``refraction/``: SEG-2 first-break shot records (:func:`geoexplore.seismic.refraction.synth.generate`:
  pyGIMLi shortest-path traveltimes on the line's Vp and topography, the main line's geometry: geophones
  every 10 m, a shot every 100 m, offsets to 300 m, 0.5 ms, -0.02-0.38 s) and ``truth.csv``;
* ``microtremor/``: 3-component H/V noise records (:func:`geoexplore.microtremor.synth.noise_record`:
  the exact 1D SH / P transfer functions of the line's columns down to the base of the Quaternary, as the
  main line; 600 s at 8 Hz), one station every 100 m (the main line: 50 m; halved to keep the files
  small), and ``stations.json``. No array on these lines: the main line's array (one Vs profile for the
  site) converts their f0 to thickness.

MT stays on the main line (the 30 km ``mt`` line crosses the graben; it is not repeated per shallow line).
Seeds differ per line and are fixed (deterministic noise); regenerate with

    python data/siping/make_lines.py [--lines S1 S3 S4] [--methods reflection ert refraction microtremor]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

LINES = ("S1", "S3", "S4")
RECORD_S = 0.5
SEED_STEP = {"S1": 1, "S3": 3, "S4": 4}
METHODS = ("reflection", "ert", "refraction", "microtremor")
HV_SPACING_M = 100.0
HV_FS_HZ = 8.0
HV_DURATION_S = 600.0

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


REFR_BODY = """Forward code and geometry as the main line (`data/siping/refraction/README.md`,
`geoexplore.seismic.refraction.synth.generate`): first-arrival traveltimes from pyGIMLi's shortest-path
solver (3 secondary nodes) on a fine mesh of the line's Vp (fault damage zones included) and topography;
a causal {peak:g} Hz wavelet starting at the traveltime, a slower, stronger surface wave, a later arrival,
1/sqrt(offset) decay and Gaussian noise; seed {seed}. {n} SEG-2 shots (`shot001.seg2` ...), one every
{shot:g} m from chainage {start:.0f} m, each recorded by the geophones within {off:g} m (every {rx:g} m);
{dt:g} ms sampling, first sample at {t0:g} ms. One shot has a dead channel, one a reversed-polarity channel.
`truth.csv` holds the modelled first-break times.
"""

HV_BODY = """Forward code as the main line (`data/siping/microtremor/README.md`,
`geoexplore.microtremor.synth.noise_record`): three components of Gaussian noise with a microtremor-like
source spectrum, the horizontals filtered by the exact 1D SH transfer function (2 % damping) of the line's
column at each station (`siping_column`: down to the base of the Quaternary, the Pliocene N2 below as the
half-space), the vertical by the vertical-P transfer function. {n} stations every {dx:g} m (the main line:
50 m), chainage {c0:.0f}-{c1:.0f} m, `hv_CCCCC.mseed` (CCCCC = chainage in m), SY.Lnnn..HHN/HHE/HHZ,
float32 miniSEED, {dur:g} s at {fs:g} Hz; seeds {seed} + station index. `stations.json`: file, station,
chainage, longitude/latitude (CGCS2000) and the model's Quaternary base depth at each station
({qmin:.1f}-{qmax:.1f} m on this line). No array on this line: the main line's array is the site's Vs profile.
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


def write_refraction(fm, line: str, out: Path) -> int:
    from dataclasses import replace

    from geoexplore.seismic.refraction.synth import SynthGeometry, generate

    lm = fm.line_model(line)
    g0 = SynthGeometry()
    g = replace(g0, line=line, seed=g0.seed + SEED_STEP[line])
    files = generate(lm, out, g)
    body = REFR_BODY.format(peak=g.peak_hz, seed=g.seed, n=len(files), shot=g.shot_spacing_m, start=lm.lines[line].start_m,
                            off=g.max_offset_m, rx=g.receiver_spacing_m, dt=g.dt_s * 1000, t0=g.t_start_s * 1000)
    (out / "README.md").write_text(README.format(what="refraction survey", method="refraction", body=body,
                                                 **_facts(fm, lm, line)), encoding="utf-8")
    return len(files)


def write_microtremor(fm, line: str, out: Path) -> int:
    import numpy as np

    from geoexplore.microtremor.synth import SEED, write_hv_stations

    lm = fm.line_model(line)
    out.mkdir(parents=True, exist_ok=True)
    ln = lm.lines[line]
    ch = np.arange(ln.start_m + HV_SPACING_M / 2, ln.end_m, HV_SPACING_M)
    seed = SEED + 100 * SEED_STEP[line]
    rows = write_hv_stations(lm, ch, out, fs_hz=HV_FS_HZ, duration_s=HV_DURATION_S, seed=seed, prefix="L",
                             lonlat=lambda x: fm.lonlat(fm.lines[line].s_m, x))
    (out / "stations.json").write_text(json.dumps({"synthetic": True, "line": line, "stations": rows}, indent=1) + "\n",
                                       encoding="utf-8")
    q = [r["quaternary_base_m"] for r in rows]
    body = HV_BODY.format(n=len(rows), dx=HV_SPACING_M, c0=ch[0], c1=ch[-1], dur=HV_DURATION_S, fs=HV_FS_HZ, seed=seed,
                          qmin=min(q), qmax=max(q))
    (out / "README.md").write_text(README.format(what="microtremor H/V survey", method="microtremor", body=body,
                                                 **_facts(fm, lm, line)), encoding="utf-8")
    return len(rows)


def main(argv: list[str] | None = None) -> int:
    from geoexplore.core.faultmap import fault_map
    from geoexplore.core.geomodel import load_model

    p = argparse.ArgumentParser(description="Write the SYNTHETIC surveys of lines S1, S3, S4 (reflection, ERT, refraction, "
                                            "microtremor H/V).")
    p.add_argument("--lines", nargs="+", default=list(LINES), choices=LINES)
    p.add_argument("--methods", nargs="+", default=list(METHODS), choices=METHODS)
    a = p.parse_args(argv)
    here = Path(__file__).resolve().parent
    fm = fault_map(load_model(here / "model.yaml"))
    for line in a.lines:
        if "reflection" in a.methods:
            print(line, "reflection:", write_reflection(fm, line, here / "lines" / line / "seismic"), "shots", flush=True)
        if "ert" in a.methods:
            print(line, "ert:", json.dumps(write_ert(fm, line, here / "lines" / line / "ert")), flush=True)
        if "refraction" in a.methods:
            print(line, "refraction:", write_refraction(fm, line, here / "lines" / line / "refraction"), "shots", flush=True)
        if "microtremor" in a.methods:
            print(line, "microtremor:", write_microtremor(fm, line, here / "lines" / line / "microtremor"), "stations", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
