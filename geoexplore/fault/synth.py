"""SYNTHETIC TEST IMAGES for developing and testing the fault indicators.

These are *not* method results: they are computed straight from the
reference geological model with cheap forward codes, so the fault package
can be tested without running the method packages. Every Dataset made here
carries ``synthetic=1``, ``test_image=1`` and a ``note`` saying so.

* reflection: 1D convolutional model per trace -- reflectivity from the
  acoustic impedance (Vp x density) in two-way time, convolved with a
  zero-phase Ricker wavelet (:func:`geoexplore.seismic.modelling.ricker`),
  band-limited noise added, mapped back to depth
  with the model's velocities (an ideal depth-migrated section);
* ert / mt / refraction: log-resistivity or velocity of the model smoothed
  with a Gaussian kernel that widens with depth (inversion resolution) and
  a depth-of-investigation mask;
* microtremor: f0 as the highest peak (in a frequency band) of the 1D SH
  transfer function of each model column (Thomson-Haskell, 2 % damping:
  :func:`geoexplore.microtremor.transfer.sh_transfer`), the
  sediment thickness as the quarter-wavelength depth of f0, lognormal noise.

Run ``python -m geoexplore.fault.synth --out DIR`` to write them as netCDF.
"""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np

NOTE = "SYNTHETIC TEST IMAGE computed directly from the reference model by geoexplore.fault.synth; not a method result"


def _attrs(method: str, line: str, model: Any, **extra: Any) -> dict[str, Any]:
    return {"method": method, "line": line, "synthetic": 1, "test_image": 1, "note": NOTE, "model": model.name, **extra}


def reflection_test_image(
    model: Any,
    line: str = "shallow",
    *,
    dx_m: float = 5.0,
    dz_m: float = 0.5,
    max_depth_m: float | None = None,
    f_peak_hz: float = 100.0,
    snr: float = 10.0,
    seed: int = 1,
) -> Any:
    """Reflection depth section from a 1D convolutional model (SYNTHETIC TEST IMAGE).

    Returns
    -------
    xr.Dataset
        ``amplitude`` (depth_m, chainage_m), ``velocity_m_s`` (model Vp) and
        ``elevation_m`` (chainage_m); attrs per :mod:`geoexplore.core.images`.
    """
    import xarray as xr
    from scipy.signal import fftconvolve

    ln = model.lines[line]
    zmax = max_depth_m or ln.max_depth_m
    x = np.arange(ln.start_m, ln.end_m + dx_m / 2, dx_m)
    zf = np.arange(0.0, zmax + 20.0, 0.1)  # fine grid for the impedance
    X, Z = np.meshgrid(x, zf)
    vp = model.sample("vp_m_s", X, Z)
    rho = model.sample("density_kg_m3", X, Z)
    imp = vp * rho
    r = np.zeros_like(imp)
    r[1:] = (imp[1:] - imp[:-1]) / (imp[1:] + imp[:-1])
    twt = np.vstack([np.zeros((1, x.size)), np.cumsum(2 * 0.1 / vp[:-1], axis=0)])  # s, at each fine depth
    dt = 1e-4
    nt = int(np.ceil(twt.max() / dt)) + 2
    from geoexplore.seismic.modelling import ricker

    _, w = ricker(f_peak_hz, dt)
    rng = np.random.default_rng(seed)
    z = np.arange(0.0, zmax + dz_m / 2, dz_m)
    amp = np.empty((z.size, x.size))
    for j in range(x.size):
        refl = np.zeros(nt)
        k = twt[:, j] / dt
        i0 = np.floor(k).astype(int)
        f = k - i0
        np.add.at(refl, i0, r[:, j] * (1 - f))
        np.add.at(refl, i0 + 1, r[:, j] * f)
        trace = fftconvolve(refl, w, mode="same")
        amp[:, j] = np.interp(np.interp(z, zf, twt[:, j]), np.arange(nt) * dt, trace)
    sig_rms = np.sqrt(np.mean(amp**2))
    noise = rng.standard_normal(amp.shape)
    from scipy.ndimage import gaussian_filter

    noise = gaussian_filter(noise, (1.5, 0.7))
    noise *= sig_rms / snr / np.sqrt(np.mean(noise**2))
    amp = amp + noise
    Xv, Zv = np.meshgrid(x, z)
    ds = xr.Dataset(
        {
            "amplitude": (("depth_m", "chainage_m"), amp),
            "velocity_m_s": (("depth_m", "chainage_m"), model.sample("vp_m_s", Xv, Zv)),
            "elevation_m": (("chainage_m",), model.elevation(x)),
        },
        coords={"depth_m": z, "chainage_m": x},
        attrs=_attrs("reflection", line, model, f_peak_hz=f_peak_hz, snr=snr, seed=seed),
    )
    return ds


def _depth_smooth(field: np.ndarray, z: np.ndarray, dx: float, dz: float, sx0: float, sxk: float, sz0: float, szk: float) -> np.ndarray:
    """Gaussian smoothing whose widths grow with depth: s(z) = s0 + k z (metres)."""
    from scipy.ndimage import gaussian_filter

    levels = np.linspace(0.0, z.max(), 6)
    sm = [gaussian_filter(field, ((sz0 + szk * zl) / dz, (sx0 + sxk * zl) / dx), mode="nearest") for zl in levels]
    out = np.empty_like(field)
    idx = np.interp(z, levels, np.arange(levels.size))
    lo = np.floor(idx).astype(int).clip(0, levels.size - 2)
    f = idx - lo
    for i in range(z.size):
        out[i] = sm[lo[i]][i] * (1 - f[i]) + sm[lo[i] + 1][i] * f[i]
    return out


def resistivity_test_image(
    model: Any,
    line: str = "shallow",
    *,
    method: str = "ert",
    n_chainage: int = 201,
    n_depth: int = 101,
    max_depth_m: float | None = None,
    doi_m: float | None = None,
    noise_log10: float = 0.02,
    seed: int = 2,
) -> Any:
    """Resistivity section: the model's log10 resistivity smoothed, DOI-masked (SYNTHETIC TEST IMAGE)."""
    import xarray as xr

    ln = model.lines[line]
    if method == "ert":
        zmax = max_depth_m or 120.0
        doi = doi_m or 90.0
        sx0, sxk, sz0, szk = 4.0, 0.12, 2.0, 0.1
    else:
        zmax = max_depth_m or ln.max_depth_m
        doi = doi_m or 0.7 * zmax
        sx0, sxk, sz0, szk = 300.0, 0.15, 50.0, 0.15
    x = np.linspace(ln.start_m, ln.end_m, n_chainage)
    z = np.linspace(0.0, zmax, n_depth)
    X, Z = np.meshgrid(x, z)
    lr = np.log10(model.sample("resistivity_ohm_m", X, Z))
    lr = _depth_smooth(lr, z, x[1] - x[0], z[1] - z[0], sx0, sxk, sz0, szk)
    lr += noise_log10 * np.random.default_rng(seed).standard_normal(lr.shape)
    mask = np.broadcast_to((z <= doi)[:, None], lr.shape).copy()
    return xr.Dataset(
        {
            "resistivity_ohm_m": (("depth_m", "chainage_m"), 10**lr),
            "mask": (("depth_m", "chainage_m"), mask),
            "elevation_m": (("chainage_m",), model.elevation(x)),
        },
        coords={"depth_m": z, "chainage_m": x},
        attrs=_attrs(method, line, model, doi_m=doi),
    )


def velocity_test_image(
    model: Any, line: str = "shallow", *, n_chainage: int = 201, n_depth: int = 81, max_depth_m: float = 80.0,
    noise_frac: float = 0.01, seed: int = 3,
) -> Any:
    """Refraction velocity tomogram: the model's Vp smoothed, with coverage and mask (SYNTHETIC TEST IMAGE)."""
    import xarray as xr

    ln = model.lines[line]
    x = np.linspace(ln.start_m, ln.end_m, n_chainage)
    z = np.linspace(0.0, max_depth_m, n_depth)
    X, Z = np.meshgrid(x, z)
    lv = np.log10(model.sample("vp_m_s", X, Z))
    lv = _depth_smooth(lv, z, x[1] - x[0], z[1] - z[0], 5.0, 0.15, 2.0, 0.1)
    vp = 10**lv * (1 + noise_frac * np.random.default_rng(seed).standard_normal(lv.shape))
    edge = np.minimum(x - x[0], x[-1] - x) / (x[-1] - x[0])
    coverage = np.exp(-Z / 30.0) * 200 * np.clip(edge * 8, 0, 1)[None, :]
    mask = (coverage > 5.0) & (Z <= 0.6 * max_depth_m)
    return xr.Dataset(
        {
            "vp_m_s": (("depth_m", "chainage_m"), vp),
            "coverage": (("depth_m", "chainage_m"), coverage),
            "mask": (("depth_m", "chainage_m"), mask),
            "elevation_m": (("chainage_m",), model.elevation(x)),
        },
        coords={"depth_m": z, "chainage_m": x},
        attrs=_attrs("refraction", line, model),
    )


def microtremor_test_table(
    model: Any, line: str = "shallow", *, spacing_m: float = 50.0, f_min_hz: float = 0.5, f_max_hz: float = 20.0,
    sigma_ln: float = 0.03, max_depth_m: float = 3000.0, seed: int = 4,
) -> Any:
    """Station table of f0 and sediment thickness from model columns (SYNTHETIC TEST IMAGE)."""
    import xarray as xr
    from scipy.signal import find_peaks

    from geoexplore.microtremor.transfer import sh_transfer

    ln = model.lines[line]
    ch = np.arange(ln.start_m, ln.end_m + spacing_m / 2, spacing_m)
    f = np.logspace(np.log10(f_min_hz), np.log10(f_max_hz), 600)
    rng = np.random.default_rng(seed)
    f0, thick, a0 = [], [], []
    for c in ch:
        col = model.column(float(c), max_depth_m=max_depth_m, dz_m=0.5)
        tf = np.abs(sh_transfer(f, col["thickness_m"], col["vs_m_s"], col["density_kg_m3"], damping=0.02))
        pk, _ = find_peaks(tf)
        i = pk[np.argmax(tf[pk])] if pk.size else int(np.argmax(tf))
        fi = f[i] * np.exp(sigma_ln * rng.standard_normal())
        tops = col["top_m"]
        zz = np.linspace(0.5, 1000, 4000)
        vs_z = col["vs_m_s"][np.searchsorted(tops, zz, side="right") - 1]
        tt = np.cumsum(np.full_like(zz, zz[1] - zz[0]) / vs_z)
        h = float(np.interp(1.0 / (4 * fi), tt, zz))
        f0.append(fi)
        thick.append(h)
        a0.append(float(tf[i]))
    f0a = np.array(f0)
    return xr.Dataset(
        {
            "chainage_m": ("station", ch),
            "f0_hz": ("station", f0a),
            "f0_sigma_ln": ("station", np.full(ch.size, max(sigma_ln, 0.02))),
            "thickness_m": ("station", np.array(thick)),
            "thickness_err_m": ("station", np.array(thick) * max(sigma_ln, 0.02)),
            "a0": ("station", np.array(a0)),
            "reliable": ("station", np.ones(ch.size, bool)),
        },
        coords={"station": [f"T{i:03d}" for i in range(ch.size)]},
        attrs=_attrs("microtremor", line, model),
    )


def test_images(model: Any, *, methods: tuple[str, ...] = ("reflection", "refraction", "ert", "mt", "microtremor")) -> dict[str, Any]:
    """All SYNTHETIC TEST IMAGES keyed by method (the mt one on the 'mt' line)."""
    out: dict[str, Any] = {}
    if "reflection" in methods:
        out["reflection"] = reflection_test_image(model)
    if "refraction" in methods:
        out["refraction"] = velocity_test_image(model)
    if "ert" in methods:
        out["ert"] = resistivity_test_image(model, method="ert")
    if "mt" in methods and "mt" in model.lines:
        out["mt"] = resistivity_test_image(model, "mt", method="mt", n_chainage=151, n_depth=81)
    if "microtremor" in methods:
        out["microtremor"] = microtremor_test_table(model)
    return out


def main(argv: list[str] | None = None) -> int:
    from pathlib import Path

    from geoexplore.core.geomodel import load_model

    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", default=str(Path(__file__).resolve().parents[2] / "data" / "siping" / "model.yaml"))
    p.add_argument("--out", required=True)
    a = p.parse_args(argv)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    for m, ds in test_images(load_model(a.model)).items():
        ds.to_netcdf(out / f"test-image-{m}.nc", engine="h5netcdf")
        print(out / f"test-image-{m}.nc")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
