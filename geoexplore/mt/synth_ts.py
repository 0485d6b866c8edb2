"""SYNTHETIC five-channel MT time series from layered-earth impedances.

The magnetic source field (Hx, Hy) is random, coloured noise shared by all
stations (a plane-wave source, so any station can serve as a remote
reference). The electric field of each station is the magnetic field
filtered in the frequency domain by the analytic 1D impedance
(:func:`geoexplore.mt.forward1d.mt1d_impedance`, exp(+i omega t), the
convention of :func:`numpy.fft.rfft`):

    Ex(f) = Zxy(f) Hy(f),   Ey(f) = Zyx(f) Hx(f) = -Zxy(f) Hx(f)

Over a 1D earth Hz is zero; stations get independent white sensor noise on
every channel (so Hz is noise only and the tipper is ~0), optional spikes and
optional gaps. Running this module writes the embedded Siping stations::

    python -m geoexplore.mt.synth_ts --out data/siping/mt/timeseries
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from geoexplore.core.rotation import rotation_matrix
from geoexplore.mt.tsdata import Channel, TimeSeries


def source_field(n_samples: int, sample_rate_hz: float, rng: np.random.Generator, *, slope: float = -0.75,
                 amplitude_nt: float = 1.0) -> np.ndarray:
    """Random horizontal magnetic field (2, n_samples) in nT with amplitude spectrum ~ f**slope.

    The spectrum is flattened below 1/1000 of the sampling rate so the
    record has no huge trend.
    """
    f = np.fft.rfftfreq(n_samples, 1.0 / sample_rate_hz)
    f0 = sample_rate_hz / n_samples * 4
    amp = (np.maximum(f, f0) / sample_rate_hz) ** slope
    amp[0] = 0.0
    spec = (rng.standard_normal((2, f.size)) + 1j * rng.standard_normal((2, f.size))) * amp
    h = np.fft.irfft(spec, n_samples, axis=1)
    return h * (amplitude_nt / h.std(axis=1, keepdims=True))


def electric_from_magnetic(h: np.ndarray, sample_rate_hz: float, resistivity_ohm_m: Any, thickness_m: Any) -> np.ndarray:
    """Ex, Ey (mV/km) of a layered earth from Hx, Hy (nT), by frequency-domain filtering.

    Parameters
    ----------
    h : (2, n_samples) float array
        Hx, Hy in nT.
    sample_rate_hz : float
    resistivity_ohm_m : (n_layers,) array
    thickness_m : (n_layers - 1,) array (a trailing half-space thickness is ignored)

    Returns
    -------
    (2, n_samples) float array
    """
    from geoexplore.mt.forward1d import mt1d_impedance

    n = h.shape[1]
    f = np.fft.rfftfreq(n, 1.0 / sample_rate_hz)
    z = np.zeros(f.size, complex)
    z[1:] = mt1d_impedance(resistivity_ohm_m, thickness_m, 1.0 / f[1:])
    hf = np.fft.rfft(h, axis=1)
    ex = np.fft.irfft(z * hf[1], n)
    ey = np.fft.irfft(-z * hf[0], n)
    return np.vstack([ex, ey])


@dataclass(frozen=True)
class StationSpec:
    """One synthetic station: its name, 1D model, position and recording quirks."""

    name: str
    resistivity_ohm_m: tuple[float, ...]
    thickness_m: tuple[float, ...]
    chainage_m: float = float("nan")
    lat_deg: float = float("nan")
    lon_deg: float = float("nan")
    elevation_m: float = float("nan")
    azimuth_deg: float = 0.0
    n_spikes: int = 0
    gap: tuple[int, int] | None = None


def synthesize(
    stations: list[StationSpec],
    *,
    sample_rate_hz: float,
    n_samples: int,
    seed: int = 0,
    noise_e_mv_km: float = 0.0,
    noise_h_nt: float = 0.0,
    source_amplitude_nt: float = 1.0,
    dipole_length_m: float = 100.0,
    e_counts_per_uv: float = 1.0,
    h_counts_per_nt: float = 100.0,
    start_time_s: float = 1.7e9,
    quantize: bool = True,
) -> list[TimeSeries]:
    """Simultaneous SYNTHETIC recordings at several stations (one shared source field).

    Channels are stored as counts: electric channels as the dipole voltage in
    ``1 / e_counts_per_uv`` microvolts (scale factor in mV per count, with the
    dipole length), magnetic channels in ``1 / h_counts_per_nt`` nT. Sensors
    of a station may be rotated by ``azimuth_deg`` (x sensors point there, y
    sensors 90 deg clockwise from it); the reader rotates them back.
    Gaps are NaN (written as missing data), spikes are large single-sample
    jumps in Ex and Hy.
    """
    rng = np.random.default_rng(seed)
    # the frequency-domain filter is circular: synthesise a longer record and keep its middle so that no
    # kept sample sees the wrap-around of the (long-tailed) impedance impulse response
    pad = n_samples // 4
    h_long = source_field(n_samples + 2 * pad, sample_rate_hz, rng, amplitude_nt=source_amplitude_nt)
    h = h_long[:, pad : pad + n_samples]
    out = []
    for st in stations:
        e = electric_from_magnetic(h_long, sample_rate_hz, st.resistivity_ohm_m, st.thickness_m)[:, pad : pad + n_samples]
        hz = np.zeros(n_samples)
        if noise_e_mv_km > 0:
            e = e + noise_e_mv_km * rng.standard_normal(e.shape)
        hh = h.copy()
        if noise_h_nt > 0:
            hh = hh + noise_h_nt * rng.standard_normal(hh.shape)
            hz = noise_h_nt * rng.standard_normal(n_samples)
        rot = rotation_matrix(st.azimuth_deg)  # north/east -> sensor frame (turned clockwise by the azimuth)
        e_s = rot @ e
        h_s = rot @ hh
        mv_per_count = 1e-3 / e_counts_per_uv
        e_counts = e_s * (dipole_length_m / 1000.0) / mv_per_count
        h_counts = h_s * h_counts_per_nt
        data = np.vstack([e_counts, h_counts, hz * h_counts_per_nt])
        if quantize:
            data = np.round(data)
        if st.n_spikes:
            idx = rng.choice(np.arange(100, n_samples - 100), st.n_spikes, replace=False)
            data[0, idx] += 200 * np.std(data[0]) * rng.choice([-1, 1], st.n_spikes)
            data[3, idx] += 200 * np.std(data[3]) * rng.choice([-1, 1], st.n_spikes)
        if st.gap is not None:
            data[:, st.gap[0] : st.gap[1]] = np.nan
        az = st.azimuth_deg
        chans = (
            Channel("ex", az % 360, dipole_length_m, mv_per_count),
            Channel("ey", (az + 90) % 360, dipole_length_m, mv_per_count),
            Channel("hx", az % 360, 0.0, 1.0 / h_counts_per_nt),
            Channel("hy", (az + 90) % 360, 0.0, 1.0 / h_counts_per_nt),
            Channel("hz", 0.0, 0.0, 1.0 / h_counts_per_nt),
        )
        out.append(
            TimeSeries(
                data=data,
                channels=chans,
                sample_rate_hz=sample_rate_hz,
                station=st.name,
                start_time_s=start_time_s,
                lat_deg=st.lat_deg,
                lon_deg=st.lon_deg,
                elevation_m=st.elevation_m,
                source="geoexplore.mt.synth_ts (SYNTHETIC)",
                synthetic=1,
                extra={"chainage_m": st.chainage_m},
            )
        )
    return out


#: the embedded Siping stations: chainage (m), sensor azimuth (deg), spikes, gap (samples)
SIPING_STATIONS: tuple[tuple[str, float, float, int, tuple[int, int] | None], ...] = (
    ("MT03", 3000.0, 0.0, 0, None),
    ("MT12", 12000.0, 0.0, 6, None),
    ("MT22", 22000.0, 30.0, 0, (30000, 30600)),
    ("MT27", 27000.0, 0.0, 0, None),
)
SIPING_RATE_HZ = 8.0
SIPING_SAMPLES = 57600  # 2 h at 8 Hz
SIPING_SEED = 20240605


def siping_stations(model: Any) -> list[StationSpec]:
    """Station specs from the Siping model: the 1D column below each station's chainage."""
    prof = model.profile()
    out = []
    for name, ch, az, spikes, gap in SIPING_STATIONS:
        col = model.column(ch)
        lon, lat = _lonlat(prof, ch)
        out.append(
            StationSpec(
                name=name,
                resistivity_ohm_m=tuple(float(v) for v in col["resistivity_ohm_m"]),
                thickness_m=tuple(float(v) for v in col["thickness_m"][:-1]),
                chainage_m=ch,
                lat_deg=lat,
                lon_deg=lon,
                elevation_m=float(model.elevation(ch)),
                azimuth_deg=az,
                n_spikes=spikes,
                gap=gap,
            )
        )
    return out


def _lonlat(prof: Any, chainage_m: float) -> tuple[float, float]:
    for name in ("lonlat", "to_lonlat", "chainage_to_lonlat"):
        f = getattr(prof, name, None)
        if callable(f):
            v = f(chainage_m)
            lon, lat = np.ravel(v[0])[0], np.ravel(v[1])[0]
            return float(lon), float(lat)
    return float("nan"), float("nan")


def write_siping(out_dir: str | os.PathLike[str], model_path: str | os.PathLike[str]) -> list[Path]:
    """Generate and write the SYNTHETIC Siping time series (miniSEED + YAML side-cars)."""
    from geoexplore.core.geomodel import load_model
    from geoexplore.mt.io.miniseed import write_miniseed

    model = load_model(model_path)
    specs = siping_stations(model)
    series = synthesize(
        specs,
        sample_rate_hz=SIPING_RATE_HZ,
        n_samples=SIPING_SAMPLES,
        seed=SIPING_SEED,
        noise_e_mv_km=0.1,
        noise_h_nt=0.05,
        source_amplitude_nt=2.0,
        h_counts_per_nt=1000.0,
        e_counts_per_uv=10.0,
    )
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for ts in series:
        p = out / f"{ts.station}.mseed"
        write_miniseed(ts, p, network="XS")
        paths.append(p)
    return paths


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="write the SYNTHETIC Siping MT time series")
    ap.add_argument("--out", default="data/siping/mt/timeseries")
    ap.add_argument("--model", default=None, help="model YAML (default: data/siping/model.yaml of the checkout)")
    a = ap.parse_args(argv)
    model = a.model or str(Path(__file__).resolve().parents[2] / "data" / "siping" / "model.yaml")
    for p in write_siping(a.out, model):
        print(p)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
