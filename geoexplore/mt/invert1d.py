"""Smooth (Occam-type) 1D inversion of one MT station.

Forward: the analytic Wait recursion with its exact Jacobian
(:mod:`geoexplore.mt.forward1d`). Data: the rotation-invariant determinant
impedance (or one mode) as ``ln rho_a`` and phase in radians, with standard
deviations from ``z_err`` and error floors (default 5 % rho_a, i.e. 0.05 in
``ln rho_a``... see :func:`data_from_tf`; 1.43 deg phase). Model: ``ln rho``
of many thin layers (log-spaced thicknesses) over a half-space; first-
difference roughness.

Occam (Constable, Parker and Constable 1987): each iteration solves the
linearised problem for a sweep of trade-off parameters mu, evaluates the
true (non-linear) misfit of every candidate, and takes the smoothest model
that reaches the target RMS, or the best-fitting one while the target is out
of reach.

Depth of investigation: the Niblett-Bostick depth of the longest period
(``sqrt(rho_a T / (2 pi mu0))`` of the determinant data), the depth the
data constrain; layers below are reported but masked in images.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from geoexplore.mt.analysis import niblett_bostick, z_det, z_det_err
from geoexplore.mt.forward1d import mt1d_jacobian
from geoexplore.mt.settings import Invert1DSettings


@dataclass
class Data1D:
    """Data of one station: periods, complex impedance (mV/km/nT) and its standard deviation."""

    period_s: np.ndarray
    z: np.ndarray
    z_err: np.ndarray
    floor_rho: float = 0.05
    floor_phase_deg: float = 1.43

    def vector(self) -> tuple[np.ndarray, np.ndarray]:
        """(d, sd): ``[ln rho_a, phase_rad]`` and their standard deviations (floors applied)."""
        rho = 0.2 * self.period_s * np.abs(self.z) ** 2
        ph = np.angle(self.z)
        rel = np.nan_to_num(self.z_err / np.abs(self.z), nan=0.0)
        s_lnrho = np.maximum(2 * rel, self.floor_rho)
        s_ph = np.maximum(np.arcsin(np.clip(rel, 0, 1)), np.deg2rad(self.floor_phase_deg))
        return np.r_[np.log(rho), ph], np.r_[s_lnrho, s_ph]


@dataclass
class Result1D:
    """Outcome of :func:`occam1d`."""

    thickness_m: np.ndarray  # (n_layers - 1,)
    resistivity_ohm_m: np.ndarray  # (n_layers,)
    rms: float
    rms_history: list[float] = field(default_factory=list)
    mu: float = np.nan
    iterations: int = 0
    doi_m: float = np.nan
    predicted: np.ndarray | None = None  # complex Z of the final model
    data: Data1D | None = None  # the data inverted (set by :func:`occam1d`)
    attrs: dict[str, Any] = field(default_factory=dict)  # station, chainage_m, ... (set by :func:`invert_station`)

    @property
    def top_m(self) -> np.ndarray:
        return np.r_[0.0, np.cumsum(self.thickness_m)]

    def to_dataset(self) -> Any:
        """The model and the data fit as a Dataset (:func:`result_dataset`), what ``mt.invert1d`` stores."""
        if self.data is None:
            raise ValueError("this result has no data attached: call result_dataset(result, data) instead")
        return result_dataset(self, self.data, self.attrs)

    def plot(self, path: str | os.PathLike[str] | None = None) -> Any:
        """The model (step curve, depth of investigation) and its data fit
        (:func:`geoexplore.mt.plot.plot_model1d`); saved to ``path`` when given."""
        from geoexplore.mt.plot import plot_model1d

        return plot_model1d(self.to_dataset(), path)


def data_from_tf(ds: Any, *, mode: str = "det", floor_rho: float = 0.05, floor_phase_deg: float = 1.43) -> Data1D:
    """The data of one station from a transfer-function Dataset.

    Parameters
    ----------
    mode : {"det", "xy", "yx"}
        Determinant invariant (default, rotation invariant), Zxy, or -Zyx
        (moved to the first quadrant).
    """
    z = ds["z"].values
    e = ds["z_err"].values
    if mode == "det":
        zz, ee = z_det(z), z_det_err(z, e)
    elif mode == "xy":
        zz, ee = z[:, 0, 1], e[:, 0, 1]
    elif mode == "yx":
        zz, ee = -z[:, 1, 0], e[:, 1, 0]
    else:
        raise ValueError(f"mode must be det, xy or yx, got {mode!r}")
    ok = np.isfinite(zz) & (np.abs(zz) > 0)
    if ok.sum() < 3:
        raise ValueError(f"station {ds.attrs.get('station', '')}: fewer than 3 usable periods")
    ee = np.where(np.isfinite(ee), ee, 0.0)
    return Data1D(ds["period_s"].values[ok], zz[ok], ee[ok], floor_rho, floor_phase_deg)


def layer_grid(period_s: np.ndarray, rho_a: np.ndarray, n_layers: int = 40) -> np.ndarray:
    """Log-spaced layer thicknesses from ~1/4 of the shallowest to ~2x the deepest Bostick depth."""
    d = np.sqrt(np.asarray(rho_a) * np.asarray(period_s) / (2 * np.pi * 4e-7 * np.pi))
    tops = np.geomspace(max(d.min() / 4, 1.0), 2.0 * d.max(), n_layers - 1)
    return np.diff(np.r_[0.0, tops])


def occam1d(
    data: Data1D,
    *,
    n_layers: int = 40,
    thickness_m: np.ndarray | None = None,
    target_rms: float = 1.0,
    max_iter: int = 12,
    start_ohm_m: float | None = None,
    mu_grid: np.ndarray | None = None,
) -> Result1D:
    """Occam inversion of one station.

    Parameters
    ----------
    data : Data1D
    n_layers : int
        Number of layers (the last is the half-space) if ``thickness_m`` is not given.
    target_rms : float
        Target RMS of the error-weighted residuals (1 = fit within errors).
    start_ohm_m : float, optional
        Start half-space; default the geometric mean of the apparent resistivities.

    Returns
    -------
    Result1D
    """
    d, sd = data.vector()
    n = data.period_s.size
    rho_a = np.exp(d[:n])
    h = layer_grid(data.period_s, rho_a, n_layers) if thickness_m is None else np.asarray(thickness_m, float)
    nl = h.size + 1
    m = np.full(nl, np.log(start_ohm_m) if start_ohm_m else np.mean(d[:n]))
    R = np.diff(np.eye(nl), axis=0)
    RtR = R.T @ R
    mus = np.logspace(-3, 4, 22) if mu_grid is None else np.asarray(mu_grid, float)
    w = 1.0 / sd

    def fwd(mm: np.ndarray, jac: bool) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
        z, dz = mt1d_jacobian(np.exp(mm), h, data.period_s, jacobian=jac)
        f = np.r_[np.log(0.2 * data.period_s * np.abs(z) ** 2), np.angle(z)]
        if not jac:
            return f, None, z
        q = dz / z[:, None]
        return f, np.r_[2 * q.real, q.imag], z

    def rms_of(f: np.ndarray) -> float:
        return float(np.sqrt(np.mean(((d - f) * w) ** 2)))

    f, J, zp = fwd(m, True)
    rms = rms_of(f)
    hist = [rms]
    mu_sel = np.nan
    it = 0
    for it in range(1, max_iter + 1):
        WJ = J * w[:, None]
        dhat = (d - f + J @ m) * w
        JtJ, Jtd = WJ.T @ WJ, WJ.T @ dhat
        scale = np.trace(JtJ) / max(np.trace(RtR), 1e-30)
        cands = []
        for mu in mus * scale:
            try:
                mn = np.linalg.solve(JtJ + mu * RtR, Jtd)
            except np.linalg.LinAlgError:
                continue
            mn = np.clip(mn, np.log(1e-2), np.log(1e6))
            fn, _, _ = fwd(mn, False)
            cands.append((mu, rms_of(fn), mn))
        if not cands:
            break
        ok = [c for c in cands if c[1] <= target_rms]
        if ok:
            mu_sel, rn, mn = max(ok, key=lambda c: c[0])
        else:
            mu_sel, rn, mn = min(cands, key=lambda c: c[1])
        converged = abs(rn - rms) < 0.01 * max(rms, 1e-9) and (rn <= target_rms or rn >= rms)
        if rn > rms and rms > target_rms:
            # no improvement: stop rather than accept a worse model
            break
        m = mn
        f, J, zp = fwd(m, True)
        rms = rms_of(f)
        hist.append(rms)
        if converged or (rms <= target_rms and len(hist) > 2 and abs(hist[-1] - hist[-2]) < 1e-3):
            break
    # depth of investigation: Niblett-Bostick depth at the longest period of the data
    depth, _ = niblett_bostick(rho_a, np.degrees(d[n:]), data.period_s)
    return Result1D(
        thickness_m=h,
        resistivity_ohm_m=np.exp(m),
        rms=rms,
        rms_history=hist,
        mu=float(mu_sel),
        iterations=it,
        doi_m=float(np.nanmax(depth)),
        predicted=zp,
        data=data,
    )


def result_dataset(res: Result1D, data: Data1D, attrs: dict[str, Any] | None = None) -> Any:
    """A :class:`Result1D` as a Dataset: the layered model and the data fit."""
    import xarray as xr

    top = res.top_m
    rho_obs = 0.2 * data.period_s * np.abs(data.z) ** 2
    rho_pre = 0.2 * data.period_s * np.abs(res.predicted) ** 2
    _, sd = data.vector()
    n = data.period_s.size
    ds = xr.Dataset(
        {
            "resistivity_ohm_m": ("layer", res.resistivity_ohm_m, {"units": "ohm-m"}),
            "top_m": ("layer", top, {"units": "m", "meaning": "depth of the layer top below the surface"}),
            "rho_obs_ohm_m": ("period_s", rho_obs),
            "rho_err_ohm_m": ("period_s", rho_obs * sd[:n]),
            "phase_obs_deg": ("period_s", np.degrees(np.angle(data.z))),
            "phase_err_deg": ("period_s", np.degrees(sd[n:])),
            "rho_pred_ohm_m": ("period_s", rho_pre),
            "phase_pred_deg": ("period_s", np.degrees(np.angle(res.predicted))),
        },
        coords={"layer": np.arange(top.size), "period_s": data.period_s},
        attrs=dict(attrs or {}),
    )
    ds.attrs.update(
        {"rms": res.rms, "rms_history": list(map(float, res.rms_history)), "iterations": res.iterations,
         "doi_m": res.doi_m, "mu": res.mu, "method": "occam1d"}
    )
    return ds


def invert_station(tf: Any, settings: Invert1DSettings | None = None) -> Result1D:
    """Occam 1D inversion of one station's transfer functions (the front door ``geoexplore.mt.invert_station``).

    The same chain as the step ``mt.invert1d``: periods inside
    ``[period_min_s, period_max_s]``, :func:`data_from_tf` (mode, error
    floors), :func:`occam1d`.

    Parameters
    ----------
    tf : xarray.Dataset
        A transfer-function container (e.g. ``geoexplore.mt.read("station.edi")``).
    settings : Invert1DSettings, optional

    Returns
    -------
    Result1D
        The layered model (``resistivity_ohm_m``, ``top_m``), RMS, DOI, the
        data, ``.to_dataset()`` and ``.plot(path)``.
    """
    s = settings or Invert1DSettings()
    p = tf["period_s"].values
    tf = tf.isel(period_s=np.flatnonzero((p >= s.period_min_s) & (p <= s.period_max_s)))
    data = data_from_tf(tf, mode=s.mode, floor_rho=s.floor_rho, floor_phase_deg=s.floor_phase_deg)
    res = occam1d(data, n_layers=s.n_layers, target_rms=s.target_rms, max_iter=s.max_iter)
    res.attrs = {k: tf.attrs.get(k) for k in ("station", "chainage_m", "lat_deg", "lon_deg", "elevation_m", "synthetic")}
    res.attrs["mode"] = s.mode
    return res
