"""SYNTHETIC refraction shots for the Siping shallow line, from data/siping/model.yaml.

Geometry (defaults): geophones every 10 m along the shallow line
(21000-23000 m), shots every 100 m, each shot recorded by the geophones
within 300 m (a rolling split spread), sources at the surface.

First-arrival traveltimes come from pyGIMLi's shortest-path forward solver
(:func:`geoexplore.seismic.refraction.tomography.forward_traveltimes`) on the model's
Vp (with its fault damage zones) and topography, on a mesh finer than the
inversion's. Waveforms: a causal, minimum-phase-like wavelet starting at
the traveltime (so the true first break is known to the sample), a slower
and stronger surface wave, amplitudes decaying with offset, and Gaussian
noise (fixed seed). One trace is dead and one has reversed polarity, as in
real field records. Written as SEG-2 (float32) with the geometry in the
trace descriptors (RECEIVER_LOCATION / SOURCE_LOCATION "x y elevation",
x = chainage), through :func:`geoexplore.seismic.io.write`, plus
``truth.csv`` with the modelled first-break times.

Run: ``python -m geoexplore.seismic.refraction_synth --out data/siping/refraction``.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np


@dataclass(frozen=True)
class SynthGeometry:
    """Acquisition of the synthetic refraction line (metres, seconds)."""

    line: str = "shallow"
    receiver_spacing_m: float = 10.0
    shot_spacing_m: float = 100.0
    max_offset_m: float = 300.0
    dt_s: float = 0.0005
    t_start_s: float = -0.02
    t_end_s: float = 0.38
    peak_hz: float = 60.0
    noise_rel: float = 0.02
    seed: int = 20260401


def wavelet(t: np.ndarray, f_hz: float) -> np.ndarray:
    """Causal wavelet starting at t = 0: ``sin(2 pi f t) * (t/tau) exp(1 - t/tau)``, tau = 1/(2 pi f) * 2."""
    t = np.asarray(t, float)
    tau = 2.0 / (2 * np.pi * f_hz)
    w = np.where(t > 0, np.sin(2 * np.pi * f_hz * t) * (t / tau) * np.exp(1 - t / tau), 0.0)
    return w


def geometry(model: Any, g: SynthGeometry) -> dict[str, np.ndarray]:
    """Receiver and shot chainages/elevations and the (shot, receiver) pairs recorded."""
    line = model.lines[g.line]
    rx = np.arange(line.start_m, line.end_m + 0.5 * g.receiver_spacing_m, g.receiver_spacing_m)
    sx = np.arange(line.start_m, line.end_m + 0.5 * g.shot_spacing_m, g.shot_spacing_m)
    return {"rx": rx, "rz": np.asarray(model.elevation(rx), float), "sx": sx, "sz": np.asarray(model.elevation(sx), float)}


def traveltimes(model: Any, g: SynthGeometry, *, cell_area_m2: float = 20.0, depth_m: float = 250.0,
                sec_nodes: int = 3) -> tuple[dict[str, np.ndarray], list[np.ndarray]]:
    """First-arrival times (s) of every shot at its receivers, on the model's Vp with topography."""
    from geoexplore.seismic.refraction.tomography import forward_traveltimes

    geo = geometry(model, g)
    x0 = model.lines[g.line].start_m
    # sensors: receivers (shots sit on receiver stations)
    sens = np.column_stack([geo["rx"] - x0, geo["rz"]])
    shot_idx = np.array([int(np.argmin(np.abs(geo["rx"] - s))) for s in geo["sx"]])
    s_list, g_list = [], []
    for si in shot_idx:
        rec = np.flatnonzero((np.abs(geo["rx"] - geo["rx"][si]) <= g.max_offset_m + 1e-6) & (np.arange(len(geo["rx"])) != si))
        s_list.append(np.full(rec.size, si))
        g_list.append(rec)
    s = np.concatenate(s_list)
    gg = np.concatenate(g_list)
    sx_, sz_ = geo["rx"], geo["rz"]

    def vp(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        ch = x + x0
        depth = np.interp(ch, sx_, sz_) - y
        v = model.sample("vp_m_s", ch, np.maximum(depth, 0.0))
        return np.where(np.isfinite(v), v, 1000.0)

    t = forward_traveltimes(sens, s, gg, vp, max_cell_area_m2=cell_area_m2, depth_m=depth_m, sec_nodes=sec_nodes)
    out, k = [], 0
    for gl in g_list:
        out.append(t[k:k + gl.size])
        k += gl.size
    geo["shot_station"] = shot_idx
    geo["receivers"] = g_list  # type: ignore[assignment]
    return geo, out


def make_shot(tfirst: np.ndarray, offset_m: np.ndarray, g: SynthGeometry, rng: np.random.Generator,
              vs_surface_m_s: float = 170.0) -> np.ndarray:
    """Waveforms (n_traces, n_samples) for one shot: first arrival, surface wave, noise."""
    t = np.arange(g.t_start_s, g.t_end_s, g.dt_s)
    a = np.abs(offset_m)
    amp = 1.0 / np.sqrt(np.maximum(a, g.receiver_spacing_m))
    first = amp[:, None] * wavelet(t[None, :] - tfirst[:, None], g.peak_hz)
    # a slow, strong surface wave (the ground roll) and a reflection-like later arrival
    tr = a / (0.9 * vs_surface_m_s)
    roll = 4.0 * amp[:, None] * wavelet(t[None, :] - tr[:, None], 0.3 * g.peak_hz)
    tl = np.sqrt(tfirst**2 + 0.03**2)
    later = 0.5 * amp[:, None] * wavelet(t[None, :] - tl[:, None] - 0.01, 0.8 * g.peak_hz)
    d = first + roll + later
    noise = g.noise_rel * amp.min() * rng.standard_normal(d.shape)
    return (d + noise).astype(np.float32)


def generate(model: Any, out_dir: str | Path, g: SynthGeometry | None = None) -> list[Path]:
    """Write the SEG-2 shots, truth.csv and README.md into ``out_dir``; return the shot paths."""
    from geoexplore.seismic import io
    from geoexplore.seismic.gather import make_gather

    g = g or SynthGeometry()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(g.seed)
    geo, times = traveltimes(model, g)
    paths = []
    rows = ["shot,source_chainage_m,receiver_chainage_m,offset_m,t_first_s"]
    n_shots = len(times)
    dead_shot, rev_shot = n_shots // 3, (2 * n_shots) // 3
    for k, (si, rec, tf) in enumerate(zip(geo["shot_station"], geo["receivers"], times, strict=True)):
        sx, sz = geo["rx"][si], geo["rz"][si]
        rx, rz = geo["rx"][rec], geo["rz"][rec]
        off = rx - sx
        data = make_shot(np.asarray(tf, float), off, g, rng)
        if k == dead_shot:
            data[len(rec) // 4] = 0.0  # a dead channel
        if k == rev_shot:
            data[(3 * len(rec)) // 4] *= -1.0  # a reversed-polarity channel
        n = len(rec)
        ds = make_gather(
            data, g.dt_s, delay_s=g.t_start_s,
            headers={
                "fldr": np.full(n, k + 1), "tracf": np.arange(1, n + 1), "offset_m": off,
                "source_x_m": np.full(n, sx), "source_elevation_m": np.full(n, sz), "receiver_x_m": rx,
                "receiver_elevation_m": rz, "delay_ms": np.full(n, g.t_start_s * 1000.0),
            },
            attrs={"source_file": "", "format": "seg2"},
        )
        p = out / f"shot{k + 1:03d}.seg2"
        io.write(ds, p, format="seg2", file_strings={"NOTE": "SYNTHETIC refraction shot, Siping reference model",
                                                      "COMPANY": "geoexplore (synthetic)"})
        paths.append(p)
        for r, o, t in zip(rx, off, tf, strict=True):
            rows.append(f"{k + 1},{sx:.2f},{r:.2f},{o:.2f},{t:.6f}")
    (out / "truth.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (out / "README.md").write_text(_readme(g, n_shots, dead_shot + 1, rev_shot + 1), encoding="utf-8")
    return paths


def _readme(g: SynthGeometry, n_shots: int, dead: int, rev: int) -> str:
    return f"""# SYNTHETIC refraction shots, Siping shallow line

**These records are synthetic**, computed from the Siping reference model
(`../model.yaml`, see `../model.md`); no field data from the Siping segment
are public.

Made by `python -m geoexplore.seismic.refraction_synth --out data/siping/refraction`
(fixed seed {g.seed}):

- {n_shots} shots, one every {g.shot_spacing_m:g} m from chainage 21000 to 23000 m,
  each recorded by the geophones within {g.max_offset_m:g} m (geophones every
  {g.receiver_spacing_m:g} m, a rolling split spread); sources and geophones on the
  model's topography.
- First-arrival traveltimes: pyGIMLi's shortest-path (Dijkstra) solver with 3
  secondary nodes on a fine triangular mesh of the model's Vp (fault damage
  zones included), topography from the model.
- Waveforms: a causal {g.peak_hz:g} Hz wavelet starting exactly at the first-arrival
  time, a slower, stronger surface wave, a later arrival, 1/sqrt(offset)
  amplitude decay and Gaussian noise ({g.noise_rel:g} of the weakest first arrival).
- Sample interval {g.dt_s * 1000:g} ms, first sample at {g.t_start_s * 1000:g} ms
  (pre-trigger noise).
- Shot {dead} has a dead channel and shot {rev} a reversed-polarity channel (the
  picker must flag them).
- SEG-2 revision 1, float32, RECEIVER_LOCATION / SOURCE_LOCATION = "chainage 0
  elevation" in metres; `truth.csv` holds the modelled first-break times.
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="data/siping/refraction")
    ap.add_argument("--model", default=str(Path(__file__).resolve().parents[2] / "data" / "siping" / "model.yaml"))
    a = ap.parse_args(argv)
    from geoexplore.core.geomodel import load_model

    paths = generate(load_model(a.model), a.out)
    print(f"wrote {len(paths)} SYNTHETIC shots to {a.out}")
    return 0


__all__ = ["SynthGeometry", "generate", "geometry", "main", "make_shot", "traveltimes", "wavelet"]


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
