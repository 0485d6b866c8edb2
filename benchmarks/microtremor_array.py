"""Benchmark: the array step on the real 9-station array (array-bigx) against Geopsy 3.2's trimmed FK picks.

Default ``ArraySettings``. Prints, per Geopsy frequency (2.48-4.89 Hz), Geopsy's median velocity, our
combined curve, MSPAC and FK; the array limits kmin/2 and kmax (from the coordinates' array response); the
targets of issue 18 (median absolute relative difference to Geopsy <= 5 %, no point outside the valid band used,
every ensemble model physical); and the wall time of the dispersion part and of the whole array step
(dispersion + inversion; reading the files excluded). The last line is one JSON object.

Run: .venv/bin/python benchmarks/microtremor_array.py [--no-inversion] [--figure PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("GEOEXPLORE_SHARED_DATA", ROOT.parent / "shared" / "data")) / "microtremor" / "array-bigx"


def geopsy_reference(d: Path) -> tuple[np.ndarray, np.ndarray]:
    """Frequencies (Hz) and median velocity (m/s) of Geopsy's valid trimmed picks."""
    data = json.loads((d / "geopsy_fk_trimmed.json").read_text())
    f = np.concatenate([np.array(v["frequency"], float) for v in data.values()])
    c = np.concatenate([np.array(v["velocity"], float) for v in data.values()])
    ok = np.concatenate([np.array(v["valid"], bool) for v in data.values()]) & np.isfinite(c)
    cols = np.flatnonzero(ok.any(axis=0))
    fr = np.nanmax(f, axis=0)[cols]
    med = np.array([np.median(c[ok[:, j], j]) for j in cols])
    o = np.argsort(fr)
    return fr[o], med[o]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-inversion", action="store_true", help="time the dispersion part only")
    ap.add_argument("--figure", type=Path, help="save the array step's figure here (e.g. docs/img/microtremor_array_bigx.png)")
    args = ap.parse_args()
    if not DATA.is_dir():
        print(f"array-bigx not found at {DATA} (set GEOEXPLORE_SHARED_DATA)", file=sys.stderr)
        return 2
    from geoexplore.microtremor.arrays import array_dispersion, process_array
    from geoexplore.microtremor.io import read_record
    from geoexplore.microtremor.settings import ArraySettings

    rows = [ln.split() for ln in (DATA / "nz_wghs_bigx_coordinates.txt").read_text().splitlines() if ln.strip()]
    recs = [read_record(DATA / f"UT.{name.split('_')[1]}.WGHS_BigX.miniseed") for name, *_ in rows]
    xy = np.array([[float(x), float(y)] for _, x, y in rows])
    z = np.stack([r.data[2] for r in recs])
    s = ArraySettings()
    t0 = time.perf_counter()
    d = array_dispersion(z, recs[0].fs_hz, xy, s)
    t_disp = time.perf_counter() - t0
    f, comb = d.frequency_hz, d.combined
    k_low, kmax = s.fk_kmin_factor * d.limits.kmin_rad_m, d.limits.kmax_rad_m
    fg, cg = geopsy_reference(DATA)
    at = lambda c: np.interp(np.log(fg), np.log(f), c, left=np.nan, right=np.nan)  # noqa: E731
    c, cs, cf = at(comb.phase_velocity_m_s), at(d.spac_m_s), at(d.fk.phase_velocity_m_s)
    print(f"array limits from the response: kmin/2 = {k_low:.4f} rad/m, kmax = {kmax:.4f} rad/m")
    print(" f (Hz)  Geopsy  combined   MSPAC      FK")
    for i in range(fg.size):
        print(f"{fg[i]:7.2f} {cg[i]:7.0f} {c[i]:9.0f} {cs[i]:7.0f} {cf[i]:7.0f}")
    out_used = 0
    for name, vel in (("spac", d.spac_m_s), ("fk", d.fk.phase_velocity_m_s)):
        used = comb.codes[name] == 0
        k = 2 * np.pi * f[used] / vel[used]
        out_used += int(np.sum((k < k_low) | (k > kmax)))
    res = {"median_abs_rel_diff_geopsy": float(np.median(np.abs(c / cg - 1))),
           "median_abs_rel_diff_mspac": float(np.nanmedian(np.abs(cs / cg - 1))),
           "median_abs_rel_diff_fk": float(np.nanmedian(np.abs(cf / cg - 1))),
           "target": 0.05, "used_points_outside_band": out_used,
           "kmin_half_rad_m": k_low, "kmax_rad_m": kmax, "dispersion_s": round(t_disp, 2)}
    if not args.no_inversion:
        t0 = time.perf_counter()
        ds = process_array(recs, xy, s).dataset
        res["array_step_s"] = round(time.perf_counter() - t0, 2)
        if args.figure:
            from geoexplore.microtremor.plot import plot_array

            plot_array(ds, args.figure)
        th, vs = ds["ensemble_thickness_m"].values, ds["ensemble_vs_m_s"].values
        res.update({"n_models": int(th.shape[0]), "unphysical_models": int(np.sum((th <= 0).any(1) | (vs <= 0).any(1))),
                    "min_thickness_m": float(th.min()), "min_vs_m_s": float(vs.min()),
                    "vs30_m_s": float(ds.attrs["vs30_m_s"]), "vs30_range_m_s": [float(ds.attrs["vs30_min_m_s"]),
                                                                             float(ds.attrs["vs30_max_m_s"])],
                    "halfspace_depth_m": float(ds.attrs["halfspace_depth_m"]),
                    "halfspace_depth_range_m": [float(ds.attrs["halfspace_depth_min_m"]),
                                                float(ds.attrs["halfspace_depth_max_m"])]})
    print(json.dumps(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
