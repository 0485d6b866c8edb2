"""Synthetic Siping shallow reflection survey (SYNTHETIC data from data/siping/model.yaml).

Run ``python -m geoexplore.seismic.synth --out data/siping/seismic`` to
(re)write:

* ``shots/shot_NNNN.sg2`` - one SEG-2 file per shot (float32 samples), the
  trace descriptors holding what a field seismograph writes (channel,
  sample interval, delay, receiver/source location along the spread in
  metres, station numbers, shot sequence number);
* ``stations.csv`` - the crew's station table (station, chainage_m, x_m, y_m,
  elevation_m; CGCS2000 / 3-degree GK CM 126E);
* ``observer_log.csv`` - one row per file (ffid, file, source station, first
  channel station, station increment, channel count);
* ``README.md`` saying SYNTHETIC and how the files were made.

Forward method (:func:`geoexplore.seismic.reflection.modelling.kirchhoff_reflections`):
Kirchhoff surface-integral modelling of every interface of the model (each
a chain of 0.5 m facets, truncated at the fault planes, so fault offsets
and the diffractions from the truncated reflector ends are in the data);
reflection coefficients from the impedance contrasts of the units on each
side; traveltimes of each facet from the RMS velocity of its overburden
(fault damage zones included) and the surface elevation; 2.5D spreading
and obliquity. Added: direct wave and head waves of the 1D column under
each shot, dispersive ground roll, and band-limited random noise (fixed
seed). The survey line is slightly crooked (stations up to 6 m off the
profile).
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

SEED = 20240611


@dataclass(frozen=True)
class SurveyDesign:
    """Acquisition parameters of the synthetic survey (lengths in m, times in s)."""

    line: str = "shallow"
    station_spacing_m: float = 10.0
    first_station: int = 1001
    n_channels: int = 48
    shot_every_stations: int = 4
    dt_s: float = 0.001
    record_s: float = 0.5
    freq_hz: float = 60.0
    crooked_amplitude_m: float = 6.0
    ground_roll_rel: float = 25.0
    first_arrival_rel: float = 8.0
    noise_rel: float = 0.15
    seed: int = SEED


def design_stations(model: Any, design: SurveyDesign) -> dict[str, np.ndarray]:
    """Station table along the line (slightly crooked in the horizontal)."""
    ln = model.lines[design.line]
    ch = np.arange(ln.start_m, ln.end_m + 1e-6, design.station_spacing_m)
    prof = model.profile()
    x, y = prof.xy(ch)
    az = np.deg2rad(prof.azimuth_deg(ch))
    off = design.crooked_amplitude_m * np.sin(2 * np.pi * (ch - ln.start_m) / 900.0)
    # right-hand normal of the line direction (sin az, cos az) is (cos az, -sin az)
    x = x + off * np.cos(az)
    y = y - off * np.sin(az)
    return {
        "station": design.first_station + np.arange(ch.size),
        "chainage_m": ch,
        "x_m": np.round(x, 2),
        "y_m": np.round(y, 2),
        "elevation_m": np.round(model.elevation(ch), 2),
        "offline_m": off,
    }


def design_shots(stations: dict[str, np.ndarray], design: SurveyDesign) -> dict[str, np.ndarray]:
    """Observer's log: shots every ``shot_every_stations`` with a centred (split) spread rolling along."""
    st = stations["station"]
    src = st[:: design.shot_every_stations]
    half = design.n_channels // 2
    first = np.clip(src - half, st[0], st[-1] - design.n_channels + 1)
    n = src.size
    return {
        "ffid": np.arange(1, n + 1),
        "file": np.array([f"shots/shot_{k:04d}.sg2" for k in range(1, n + 1)]),
        "source_station": src,
        "first_channel_station": first,
        "station_increment": np.ones(n, np.int64),
        "n_channels": np.full(n, design.n_channels),
    }


def interface_facets(model: Any, x_min: float, x_max: float, t_max_s: float, *, dx_m: float = 0.5,
                     taper_m: float = 200.0, freq_hz: float | None = 60.0) -> dict[str, np.ndarray]:
    """Facets of every model interface between ``x_min`` and ``x_max`` (chainage), truncated at the faults.

    With ``freq_hz`` given, the overburden times of each interface are
    averaged laterally over the first Fresnel zone of the dominant
    wavelength (Gaussian, sigma = half the Fresnel radius
    ``sqrt(lambda z / 2)``): ray theory would otherwise let anomalies
    narrower than the Fresnel zone (the fault damage zones) cast sharp,
    exaggerated shadows that finite-frequency waves heal.

    Returns a dict of facet arrays for
    :func:`~geoexplore.seismic.reflection.modelling.kirchhoff_reflections` plus
    ``interface`` (index of the unit above) and ``block``.
    """
    xs = np.arange(x_min, x_max + dx_m / 2, dx_m)
    zmax = float(model.base_depth_m.max())
    zg = np.arange(0.0, min(zmax, 2000.0) + 1.0, 1.0)
    # cumulative vertical one-way time and integral of v dz for every facet column (1 m depth steps)
    xc = xs[::4]  # 2 m columns, interpolated to facets
    X, Z = np.meshgrid(xc, zg + 0.5, indexing="ij")
    v = model.sample("vp_m_s", X, Z, damage=True)
    T = np.concatenate([np.zeros((xc.size, 1)), np.cumsum(1.0 / v, axis=1)], axis=1)  # (nx, nz+1) at depths zg[0]..
    V = np.concatenate([np.zeros((xc.size, 1)), np.cumsum(v, axis=1)], axis=1)
    zedge = np.r_[zg, zg[-1] + 1.0]
    imp = np.array([u.vp_m_s * u.density_kg_m3 for u in model.units])
    out: dict[str, list[np.ndarray]] = {k: [] for k in ("x_m", "ground_m", "t0_s", "vrms_m_s", "dip_rad", "weight", "interface", "block")}
    for k in range(len(model.units) - 1):
        R = (imp[k + 1] - imp[k]) / (imp[k + 1] + imp[k])
        for b in range(model.base_depth_m.shape[0]):
            z = float(model.base_depth_m[b, k])
            if z >= zedge[-1]:
                continue
            inb = model.block_index(xs, np.full(xs.size, z)) == b
            if not np.any(inb):
                continue
            fx = xs[inb]
            t_col = np.array([np.interp(z, zedge, T[i]) for i in range(xc.size)])
            v_col = np.array([np.interp(z, zedge, V[i]) for i in range(xc.size)])
            if freq_hz:
                from scipy.ndimage import gaussian_filter1d

                lam = np.sqrt(np.median(v_col / np.maximum(t_col, 1e-9))) / freq_hz
                sigma = 0.5 * np.sqrt(lam * z / 2.0) / (xc[1] - xc[0])
                t_col = gaussian_filter1d(t_col, sigma, mode="nearest")
                v_col = gaussian_filter1d(v_col, sigma, mode="nearest")
            t0 = np.interp(fx, xc, t_col)
            if 2 * t0.min() > t_max_s:
                continue
            vr = np.sqrt(np.interp(fx, xc, v_col) / np.maximum(t0, 1e-9))
            el = model.elevation(fx) - z
            dip = np.arctan(-np.gradient(el, dx_m)) if fx.size > 1 else np.zeros(1)
            w = np.full(fx.size, R * dx_m)
            # cosine taper at the ends of the modelled aperture (not at faults)
            ramp = np.clip(np.minimum(fx - x_min, x_max - fx) / taper_m, 0, 1)
            w *= 0.5 - 0.5 * np.cos(np.pi * ramp)
            for key, val in (("x_m", fx), ("ground_m", model.elevation(fx)), ("t0_s", t0), ("vrms_m_s", vr), ("dip_rad", dip), ("weight", w),
                             ("interface", np.full(fx.size, k)), ("block", np.full(fx.size, b))):
                out[key].append(val)
    return {k: np.concatenate(v) for k, v in out.items()}


def first_arrivals(model: Any, chainage_m: float, offsets_m: np.ndarray) -> list[np.ndarray]:
    """Direct-wave and head-wave times (s) of the 1D column under ``chainage_m`` for each |offset|.

    A head wave exists only beyond its critical distance; elsewhere its time is NaN.
    """
    col = model.column(chainage_m, max_depth_m=600.0, dz_m=0.5)
    v = col["vp_m_s"]
    h = col["thickness_m"]
    x = np.abs(offsets_m)
    times = [x / v[0]]
    for i in range(1, v.size):
        if v[i] <= v[:i].max():
            continue
        ti = np.sum(2 * h[:i] * np.sqrt(1 / v[:i] ** 2 - 1 / v[i] ** 2))
        sin = v[:i] / v[i]
        xc = np.sum(2 * h[:i] * sin / np.sqrt(1 - sin**2))
        times.append(np.where(x >= xc, ti + x / v[i], np.nan))
    return times


def ground_roll(offsets_m: np.ndarray, n_samples: int, dt_s: float, rng: np.random.Generator) -> np.ndarray:
    """Dispersive Rayleigh wave (phase velocity 330 m/s at 5 Hz to 165 m/s at 30 Hz), 1/sqrt(r) spreading, Q 20."""
    nfft = int(2 ** np.ceil(np.log2(2 * n_samples)))
    f = np.fft.rfftfreq(nfft, dt_s)
    c = 160.0 + 260.0 * np.exp(-f / 7.0)
    from geoexplore.seismic.reflection.modelling import ricker_spectrum

    S = ricker_spectrum(14.0, f)
    x = np.abs(offsets_m)[:, None] + 2.0
    phase = np.exp(-2j * np.pi * f[None, :] * (x / c[None, :] + 0.004))
    att = np.exp(-np.pi * f[None, :] * x / (20.0 * c[None, :])) / np.sqrt(x / 10.0)
    return np.fft.irfft(S[None, :] * phase * att, nfft, axis=1)[:, :n_samples] / dt_s * 0.05


def model_survey(model: Any, design: SurveyDesign = SurveyDesign()) -> tuple[dict, dict, list[np.ndarray]]:
    """Compute all shot records. Returns ``(stations, observer_log, [records (n_channels, n_samples)])``."""
    from geoexplore.seismic.reflection.filters import bandpass
    from geoexplore.seismic.reflection.geometry import station_lookup
    from geoexplore.seismic.reflection.modelling import (
        add_wavelet,
        kirchhoff_reflections,
    )

    rng = np.random.default_rng(design.seed)
    ns = int(round(design.record_s / design.dt_s))
    st = design_stations(model, design)
    log = design_shots(st, design)
    ln = model.lines[design.line]
    facets = interface_facets(model, ln.start_m - 400.0, ln.end_m + 400.0, design.record_s + 0.05, freq_hz=design.freq_hz)
    v0 = model.units[0].vp_m_s
    # all traces at once (the Kirchhoff kernel runs in parallel over traces)
    src_i, rec_i, shot_of = [], [], []
    for j in range(log["ffid"].size):
        r = log["first_channel_station"][j] + np.arange(log["n_channels"][j]) * log["station_increment"][j]
        rec_i.append(station_lookup(st, r))
        src_i.append(np.full(r.size, station_lookup(st, [log["source_station"][j]])[0]))
        shot_of.append(np.full(r.size, j))
    si, ri = np.concatenate(src_i), np.concatenate(rec_i)
    refl = kirchhoff_reflections(
        st["chainage_m"][si], st["elevation_m"][si], st["chainage_m"][ri], st["elevation_m"][ri], facets, ns,
        design.dt_s, freq_hz=design.freq_hz, v_surface_m_s=v0, source_y_m=st["offline_m"][si],
        receiver_y_m=st["offline_m"][ri],
    )
    win = slice(int(0.05 / design.dt_s), int(0.4 / design.dt_s))
    scale = 1.0 / np.sqrt(np.mean(refl[:, win] ** 2))
    refl *= scale
    off = np.hypot(st["x_m"][ri] - st["x_m"][si], st["y_m"][ri] - st["y_m"][si])
    records = []
    shot_idx = np.concatenate(shot_of)
    for j in range(log["ffid"].size):
        sel = shot_idx == j
        x = off[sel]
        d = refl[sel].copy()
        # direct and head waves of the column under the shot, amplitude ~ 1/x
        fa = first_arrivals(model, float(st["chainage_m"][si[sel][0]]), x)
        amp = design.first_arrival_rel * 10.0 / np.maximum(x, 5.0)
        T = np.stack(fa, axis=1)
        A = np.stack([amp * (0.6 if i else 1.0) for i in range(len(fa))], axis=1)
        d += add_wavelet(ns, design.dt_s, T, A, design.freq_hz * 0.8)
        gr = ground_roll(x, ns, design.dt_s, rng)
        d += design.ground_roll_rel * gr / np.max(np.abs(gr))
        noise = bandpass(rng.standard_normal(d.shape), design.dt_s, 5.0, 200.0)
        d += design.noise_rel * noise / np.std(noise)
        records.append((d * 1000.0).astype(np.float32))
    return st, log, records


README = """# Synthetic Siping shallow seismic reflection survey -- SYNTHETIC

**These are synthetic data, not field recordings.** They were computed by
`python -m geoexplore.seismic.synth --out data/siping/seismic` from the
Siping reference model `data/siping/model.yaml` (see `data/siping/model.md`)
on the `shallow` line (chainage {start:.0f}-{end:.0f} m), across the faults
F2 (surface projection 21600 m) and F3 (22400 m).

## Files

* `shots/shot_NNNN.sg2` - {n_shots} SEG-2 (revision 1) shot records, {n_channels} channels,
  {ns} samples at {dt_ms:g} ms ({record_s:g} s), float32, little-endian. The trace
  descriptors hold what a field seismograph writes: CHANNEL_NUMBER,
  SAMPLE_INTERVAL, DELAY, RECEIVER_LOCATION / SOURCE_LOCATION (position
  along the spread in metres from the first station, y = 0, elevation),
  RECEIVER_STATION_NUMBER / SOURCE_STATION_NUMBER, SHOT_SEQUENCE_NUMBER, and a
  NOTE saying SYNTHETIC.
* `stations.csv` - the station table a crew delivers: `station, chainage_m,
  x_m, y_m, elevation_m` (x, y in CGCS2000 / 3-degree Gauss-Kruger CM 126E,
  EPSG:4551; chainage along the model profile). The line is slightly crooked
  (stations up to {crook:g} m off the straight profile).
* `observer_log.csv` - one row per file: `ffid, file, source_station,
  first_channel_station, station_increment, n_channels`.

## Acquisition

Stations every {dx:g} m ({n_st} stations), a {n_channels}-channel spread centred on
the source (split spread) rolling along, a shot every {every} stations
({shot_dx:g} m), nominal CMP fold {fold:g} at {bin:g} m CMP spacing.

## How they were made

Kirchhoff surface-integral modelling (`geoexplore.seismic.reflection.modelling.kirchhoff_reflections`):
every interface of the model is a chain of 0.5 m facets, truncated at the
fault planes, so the fault offsets and the diffractions from the truncated
reflector ends are in the data. Each facet scatters with the reflection
coefficient of the impedance contrast (Vp x density) of the units above and
below it, an obliquity factor and 2.5D geometric spreading; its traveltime
follows the RMS-velocity hyperbola of its overburden (fault damage zones
included) plus the surface-elevation differences. Source: {freq:g} Hz Ricker
wavelet. Added: direct wave and head waves of the 1D column under each shot,
dispersive ground roll (330 m/s at 5 Hz to 165 m/s at 30 Hz, about
{gr:g} x the RMS reflection amplitude), and band-limited (5-200 Hz) random
noise ({noise:g} x the RMS reflection amplitude). Random seed {seed}.
Not modelled: multiples, converted waves, anelastic loss of the reflections,
source and receiver coupling variations.

Design parameters (JSON): `{design_json}`
"""


def write_survey(out_dir: str | Path, model_path: Any, design: SurveyDesign = SurveyDesign()) -> list[Path]:
    """Model the survey and write the SEG-2 files, the station table, the observer log and README.md.

    ``model_path`` is a model YAML or a loaded ``GeologicalModel`` (e.g. the 2D model along another line).
    """
    from geoexplore.core.geomodel import load_model
    from geoexplore.seismic import io
    from geoexplore.seismic.gather import make_gather
    from geoexplore.seismic.reflection.geometry import (
        LOG_COLUMNS,
        STATION_COLUMNS,
        station_lookup,
        write_table,
    )

    model = load_model(model_path) if isinstance(model_path, (str, Path)) else model_path
    st, log, recs = model_survey(model, design)
    out = Path(out_dir)
    (out / "shots").mkdir(parents=True, exist_ok=True)
    written = []
    x_origin = float(st["chainage_m"][0])
    for j, rec in enumerate(recs):
        r = log["first_channel_station"][j] + np.arange(log["n_channels"][j]) * log["station_increment"][j]
        ir = station_lookup(st, r)
        i_s = station_lookup(st, np.full(r.size, log["source_station"][j]))
        n = r.size
        headers = {
            "fldr": np.full(n, log["ffid"][j]),
            "tracf": np.arange(1, n + 1),
            "receiver_x_m": st["chainage_m"][ir] - x_origin,
            "source_x_m": st["chainage_m"][i_s] - x_origin,
            "receiver_elevation_m": st["elevation_m"][ir],
            "source_elevation_m": st["elevation_m"][i_s],
            "delay_ms": np.zeros(n),
            "receiver_station": r.astype(np.int64),
            "source_station": st["station"][i_s].astype(np.int64),
        }
        g = make_gather(rec, design.dt_s, headers=headers, attrs={"format": "seg2"})
        p = out / str(log["file"][j])
        io.write(g, p, format="seg2", data_format=4, byte_order="little",
                 file_strings={"NOTE": "SYNTHETIC DATA - geoexplore Siping reference model, Kirchhoff modelling",
                               "COMPANY": "geoexplore (synthetic)", "INSTRUMENT": "synthetic", "LINE_ID": f"SIPING-{design.line.upper()}"})
        written.append(p)
    write_table(st, out / "stations.csv", ("station", "chainage_m", "x_m", "y_m", "elevation_m"),
                comment="SYNTHETIC survey: station table (CGCS2000 / 3-degree GK CM 126E, EPSG:4551)")
    write_table(log, out / "observer_log.csv", LOG_COLUMNS, comment="SYNTHETIC survey: observer's log")
    ln = model.lines[design.line]
    (out / "README.md").write_text(README.format(
        start=ln.start_m, end=ln.end_m, n_shots=len(recs), n_channels=design.n_channels,
        ns=int(round(design.record_s / design.dt_s)), dt_ms=design.dt_s * 1000, record_s=design.record_s,
        crook=design.crooked_amplitude_m, dx=design.station_spacing_m, n_st=st["station"].size,
        every=design.shot_every_stations, shot_dx=design.shot_every_stations * design.station_spacing_m,
        fold=design.n_channels / (2 * design.shot_every_stations), bin=design.station_spacing_m / 2,
        freq=design.freq_hz, gr=design.ground_roll_rel, noise=design.noise_rel, seed=design.seed,
        design_json=json.dumps(asdict(design)),
    ))
    assert STATION_COLUMNS  # the table columns are the documented ones
    return written


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Write the synthetic Siping shallow reflection survey (SEG-2).")
    p.add_argument("--out", default="data/siping/seismic", help="output folder")
    p.add_argument("--model", default=None, help="model YAML (default: <out>/../model.yaml)")
    a = p.parse_args(argv)
    model = a.model or str(Path(a.out).parent / "model.yaml")
    files = write_survey(a.out, model)
    print(f"wrote {len(files)} SEG-2 files to {a.out}")
    return 0


__all__ = ["SurveyDesign", "design_shots", "design_stations", "first_arrivals", "ground_roll", "interface_facets", "main", "model_survey", "write_survey"]


if __name__ == "__main__":
    raise SystemExit(main())
