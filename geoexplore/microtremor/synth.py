"""Synthetic microtremor records (SYNTHETIC; forward models, fixed seeds).

Single station: three components of Gaussian noise, coloured by a common
source spectrum; the horizontals are filtered by the 1D SH transfer function
(:func:`geoexplore.microtremor.transfer.sh_transfer`) of the local column,
the vertical by the vertical-P transfer function of the same column. The H/V
of the record then follows |TF_SH| / |TF_P|, i.e. peaks at the SH resonance.

Array: vertical motion of plane Rayleigh waves from many azimuths, each
frequency travelling at the fundamental-mode phase velocity of the column
from disba; the SPAC coefficient of a station pair at distance r is then
J0(2 pi f r / c(f)) (azimuthal average).

Siping (``python -m geoexplore.microtremor.synth --out data/siping/microtremor``):
stations every ``spacing_m`` along the shallow line, local columns from
``model.column(chainage)``. **Mapped contrast**: the base of the Quaternary
(Q12 clay and gravel, Vs 500 m/s, over the Pliocene N2, Vs 850 m/s, impedance
ratio 1.8). The H/V columns stop there: N2 is taken as the half-space
("engineering bedrock"), as is usual for Quaternary-thickness mapping with
H/V. Deeper contrasts of the model (Neogene, Paleogene, basement) give
peaks below 0.4 Hz and a forest of overtones at 2 % damping, which real
H/V curves do not show with this clarity; they are left out on purpose.
The Quaternary is 115 m thick west of F3 and 100 m east of it (F2 does not
offset the Quaternary), so f0 (the exact SH resonance of the columns, 2 %
damping) steps from 1.15 to 1.33 Hz at F3; the quarter-wavelength values
(0.81 and 0.91 Hz) are biased low for these graded columns. The columns'
second SH mode (2.4-2.7 Hz) is the higher peak, hence the workflow's f0
search band of 0.5-1.8 Hz.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from geoexplore.microtremor.io import write_miniseed
from geoexplore.microtremor.record import Record
from geoexplore.microtremor.transfer import sh_transfer

__all__ = ["noise_record", "rayleigh_array", "siping_column", "make_siping", "rayleigh_phase_velocity"]

SEED = 20260429


def _source_spectrum(f: np.ndarray) -> np.ndarray:
    """A smooth microtremor-like source spectrum (microseism bump, flat above, falling off at high f)."""
    f = np.maximum(f, 1e-3)
    return (1.0 + 3.0 * np.exp(-0.5 * (np.log(f / 0.2) / 0.5) ** 2)) / np.sqrt(1.0 + (f / 15.0) ** 4)


def noise_record(
    thickness_m: np.ndarray, vs_m_s: np.ndarray, vp_m_s: np.ndarray, density_kg_m3: np.ndarray, *,
    fs_hz: float = 20.0, duration_s: float = 300.0, damping: float = 0.02, seed: int = SEED, station: str = "SYN",
) -> Record:
    """A 3-component SYNTHETIC noise record whose H/V follows the column's SH transfer function.

    Parameters
    ----------
    thickness_m, vs_m_s, vp_m_s, density_kg_m3 : ndarray, shape (nlay,)
        The column (last = half-space).
    """
    rng = np.random.default_rng(seed)
    n = int(round(duration_s * fs_hz))
    f = np.fft.rfftfreq(n, 1 / fs_hz)
    src = _source_spectrum(f)
    tf_h = sh_transfer(f, thickness_m, vs_m_s, density_kg_m3, damping)
    tf_v = sh_transfer(f, thickness_m, vp_m_s, density_kg_m3, damping)

    def white() -> np.ndarray:
        return rng.normal(size=f.size) + 1j * rng.normal(size=f.size)

    comps = [np.fft.irfft(white() * src * tf_h, n), np.fft.irfft(white() * src * tf_h, n), np.fft.irfft(white() * src * tf_v, n)]
    d = np.stack(comps)
    d /= np.abs(d).max()
    d *= 1e4  # counts-like scale
    return Record(d, fs_hz, station=station, starttime="2026-04-29T02:00:00Z", channels={"N": "HHN", "E": "HHE", "Z": "HHZ"},
                  notes=["SYNTHETIC"])


def rayleigh_phase_velocity(f_hz: np.ndarray, thickness_m: np.ndarray, vp_m_s: np.ndarray, vs_m_s: np.ndarray,
                            density_kg_m3: np.ndarray) -> np.ndarray:
    """Fundamental-mode Rayleigh phase velocity (m/s) at ``f_hz`` from disba (NaN where none)."""
    from disba import PhaseDispersion

    f = np.asarray(f_hz, float)
    h = np.asarray(thickness_m, float).copy()
    h[-1] = 0.0
    pd = PhaseDispersion(h / 1000, np.asarray(vp_m_s) / 1000, np.asarray(vs_m_s) / 1000, np.asarray(density_kg_m3) / 1000)
    t = np.sort(1.0 / f)
    cur = pd(t, mode=0, wave="rayleigh")
    c = np.full(f.shape, np.nan)
    per = np.asarray(cur.period)
    vel = np.asarray(cur.velocity) * 1000
    if per.size:
        c = np.interp(1.0 / f, per, vel, left=np.nan, right=np.nan)
    return c


def rayleigh_array(
    xy_m: np.ndarray, f_grid_hz: np.ndarray, c_grid_m_s: np.ndarray, *, fs_hz: float = 50.0, duration_s: float = 180.0,
    n_sources: int = 48, seed: int = SEED, fmin_hz: float = 0.5, fmax_hz: float = 15.0,
) -> np.ndarray:
    """Vertical SYNTHETIC records (nsta, nsamp) of plane Rayleigh waves from ``n_sources`` random azimuths.

    The phase velocity c(f) is interpolated from ``(f_grid_hz, c_grid_m_s)``;
    outside [fmin_hz, fmax_hz] the wavefield is zero.
    """
    rng = np.random.default_rng(seed)
    n = int(round(duration_s * fs_hz))
    f = np.fft.rfftfreq(n, 1 / fs_hz)
    band = (f >= fmin_hz) & (f <= fmax_hz)
    c = np.interp(f, f_grid_hz, c_grid_m_s)
    az = rng.uniform(0, 2 * np.pi, n_sources)
    dirs = np.stack([np.sin(az), np.cos(az)], axis=1)  # propagation direction (east, north)
    src = _source_spectrum(f)
    amp = (rng.normal(size=(n_sources, f.size)) + 1j * rng.normal(size=(n_sources, f.size))) * (band * src)[None, :]
    xy = np.asarray(xy_m, float)
    out = np.zeros((xy.shape[0], n))
    k = np.where(band, 2 * np.pi * f / np.where(c > 0, c, 1.0), 0.0)
    for i, p in enumerate(xy):
        delay = dirs @ p  # (nsrc,) distance along propagation
        spec = (amp * np.exp(-1j * np.outer(delay, k))).sum(axis=0)
        out[i] = np.fft.irfft(spec, n)
    out /= np.abs(out).max()
    return out * 1e4


def siping_column(model, chainage_m: float, *, base_unit: str = "Q12") -> dict[str, np.ndarray]:
    """The local column down to the base of ``base_unit``, the unit below taken as the half-space."""
    col = model.column(float(chainage_m), max_depth_m=600.0, dz_m=0.5)
    names = model.unit_names
    k = names.index(base_unit)
    base = float(model.interface_depth(base_unit, chainage_m))
    keep = col["top_m"] < base - 1e-6
    out = {p: np.r_[col[p][keep], model.units[k + 1].prop(p)] for p in ("vp_m_s", "vs_m_s", "density_kg_m3")}
    th = np.diff(np.r_[col["top_m"][keep], base])
    out["thickness_m"] = np.r_[th, 0.0]
    out["top_m"] = np.r_[col["top_m"][keep], base]
    out["base_m"] = base
    return out


ARRAY_RINGS_M = (0.0, 15.0, 40.0)


def array_geometry(n_per_ring: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """Centre + rings of ``n_per_ring`` stations at 15 m and 40 m: (xy (nsta, 2) east/north m, ring radius (nsta,))."""
    pts, rr = [[0.0, 0.0]], [0.0]
    for j, r in enumerate(ARRAY_RINGS_M[1:]):
        for i in range(n_per_ring):
            a = 2 * np.pi * i / n_per_ring + j * np.pi / n_per_ring
            pts.append([r * np.sin(a), r * np.cos(a)])
            rr.append(r)
    return np.array(pts), np.array(rr)


def write_hv_stations(model, chainage_m: np.ndarray, out: Path, *, fs_hz: float, duration_s: float, seed: int,
                      prefix: str, lonlat) -> list[dict]:
    """Write one SYNTHETIC H/V noise record per chainage (m) of ``model`` into ``out``; return the station rows.

    Station ``k`` gets seed ``seed + k`` and the name ``<prefix><k:03d>``;
    ``lonlat(chainage_m)`` places it on the map. The rows (file, station,
    chainage_m, lon, lat, quaternary_base_m) are what ``stations.json`` lists.
    """
    rows = []
    for i, x in enumerate(chainage_m):
        col = siping_column(model, x)
        rec = noise_record(col["thickness_m"], col["vs_m_s"], col["vp_m_s"], col["density_kg_m3"], fs_hz=fs_hz,
                           duration_s=duration_s, seed=seed + i, station=f"{prefix}{i:03d}")
        name = f"hv_{int(round(x)):05d}.mseed"
        write_miniseed(rec, out / name, network="SY")
        lon, lat = lonlat(x)
        rows.append({"file": name, "station": rec.station, "chainage_m": float(x), "lon": float(lon), "lat": float(lat),
                     "quaternary_base_m": float(col["base_m"])})
    return rows


def make_siping(model_path: str | Path, out: str | Path, *, spacing_m: float = 50.0, fs_hz: float = 8.0,
                duration_s: float = 600.0, array_chainage_m: float = 21300.0, seed: int = SEED) -> dict:
    """Write the SYNTHETIC Siping microtremor survey into ``out``; return its inventory."""
    from geoexplore.core.geomodel import load_model

    model = load_model(model_path)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    line = model.lines["shallow"]
    ch = np.arange(line.start_m + spacing_m / 2, line.end_m, spacing_m)
    prof = model.profile()
    rows = write_hv_stations(model, ch, out, fs_hz=fs_hz, duration_s=duration_s, seed=seed, prefix="S", lonlat=prof.lonlat)
    (out / "stations.json").write_text(json.dumps({"synthetic": True, "line": "shallow", "stations": rows}, indent=1))

    # array at array_chainage_m
    xy, ring = array_geometry()
    col = model.column(array_chainage_m, max_depth_m=400.0, dz_m=0.5)
    fg = np.geomspace(0.4, 20, 120)
    cg = rayleigh_phase_velocity(fg, col["thickness_m"], col["vp_m_s"], col["vs_m_s"], col["density_kg_m3"])
    ok = np.isfinite(cg)
    fa = 50.0
    z = rayleigh_array(xy, fg[ok], cg[ok], fs_hz=fa, duration_s=180.0, seed=seed + 1000)
    arr_rows = []
    adir = out / "array"
    adir.mkdir(exist_ok=True)
    rng = np.random.default_rng(seed + 2000)
    for i, p in enumerate(xy):
        # horizontals: independent weak noise (only the vertical is used by SPAC/FK)
        hn = rng.normal(scale=0.05 * np.std(z[i]), size=(2, z.shape[1]))
        rec = Record(np.vstack([hn, z[i][None]]), fa, station=f"A{i:02d}", starttime="2026-04-29T03:00:00Z")
        name = f"A{i:02d}.mseed"
        write_miniseed(rec, out / "array" / name, network="SY")
        arr_rows.append({"file": f"array/{name}", "station": f"A{i:02d}", "x_m": float(p[0]), "y_m": float(p[1]), "ring_m": float(ring[i])})
    (adir / "array.csv").write_text("station,x_m,y_m,file\n" + "".join(f"{r['station']},{r['x_m']:.3f},{r['y_m']:.3f},{Path(r['file']).name}\n" for r in arr_rows))
    true_disp = {"synthetic": True, "chainage_m": array_chainage_m, "frequency_hz": fg[ok].tolist(), "phase_velocity_m_s": cg[ok].tolist(),
                 "column": {k: np.asarray(v).tolist() for k, v in col.items()}}
    (adir / "true_dispersion.json").write_text(json.dumps(true_disp))
    return {"stations": rows, "array": arr_rows}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="write the SYNTHETIC Siping microtremor survey")
    ap.add_argument("--model", default=str(Path(__file__).resolve().parents[2] / "data" / "siping" / "model.yaml"))
    ap.add_argument("--out", required=True)
    ap.add_argument("--spacing-m", type=float, default=50.0)
    a = ap.parse_args(argv)
    inv = make_siping(a.model, a.out, spacing_m=a.spacing_m)
    print(f"wrote {len(inv['stations'])} station records and {len(inv['array'])} array records to {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
