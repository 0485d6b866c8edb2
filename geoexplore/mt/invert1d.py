"""Occam 1D inversion of one MT station.

Forward: the analytic Wait recursion with its exact Jacobian
(:mod:`geoexplore.mt.forward1d`). Data: the rotation-invariant determinant
impedance (or one mode) as ``ln rho_a`` and phase in radians, with standard
deviations from ``z_err`` and error floors (default 0.05 in ``ln rho_a``,
i.e. 5 % in rho_a, and 1.43 deg in phase; see :class:`Data1D`). Model:
``ln rho`` of many thin layers (log-spaced thicknesses) over a half-space,
first-difference roughness, bounded to ``[rho_min, rho_max]``.

Inversion: Occam as published (Constable, Parker and Constable 1987),
:mod:`geoexplore.mt.occam`: phase 1 reaches the target RMS, phase 2 the
smoothest model at that RMS; if the target cannot be reached the
minimum-misfit model is returned and :attr:`Result1D.status` and
:func:`summary` say so, with the misfit reached and why (stalled, iteration
limit, the points that dominate the misfit).

Hygiene (:mod:`geoexplore.mt.hygiene`): out-of-quadrant phases and gross
outliers are excluded by a stated rule and listed in :attr:`Result1D.flags`.
Static shift (:mod:`geoexplore.mt.static_shift`): reported, optionally
corrected from the phase or a near-surface column (:func:`invert_station`).

Depth of investigation (:func:`depth_of_investigation`): with the Occam
model resolution ``R = (G^T G + mu D^T D)^{-1} G^T G`` at the final model
(``G`` the error-weighted Jacobian), the depth above which the layers hold
``doi_fraction`` (0.9) of ``trace R`` (the number of model parameters the
data resolve). Below it the model is the smoothing's continuation, not the
data's. The Niblett-Bostick depth of the longest period is kept as
``bostick_depth_m`` (the depth the longest period reaches in a smooth earth;
an upper bound, not a resolved depth).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from geoexplore.mt.analysis import niblett_bostick, z_det, z_det_err
from geoexplore.mt.forward1d import mt1d_jacobian
from geoexplore.mt.hygiene import describe_flags, dominant_points, flag_data
from geoexplore.mt.occam import occam, resolution_matrix
from geoexplore.mt.settings import Invert1DSettings


@dataclass
class Data1D:
    """Data of one station: periods, complex impedance (mV/km/nT) and its standard deviation.

    ``use`` (2n bools, order ``[ln rho_a..., phase...]``) marks the data
    inverted; None uses all.
    """

    period_s: np.ndarray
    z: np.ndarray
    z_err: np.ndarray
    floor_rho: float = 0.05
    floor_phase_deg: float = 1.43
    use: np.ndarray | None = None

    def vector(self) -> tuple[np.ndarray, np.ndarray]:
        """(d, sd): ``[ln rho_a, phase_rad]`` and their standard deviations (floors applied)."""
        rho = 0.2 * self.period_s * np.abs(self.z) ** 2
        ph = np.angle(self.z)
        rel = np.nan_to_num(self.z_err / np.abs(self.z), nan=0.0)
        s_lnrho = np.maximum(2 * rel, self.floor_rho)
        s_ph = np.maximum(np.arcsin(np.clip(rel, 0, 1)), np.deg2rad(self.floor_phase_deg))
        return np.r_[np.log(rho), ph], np.r_[s_lnrho, s_ph]

    def used(self) -> np.ndarray:
        """The ``use`` mask (all True when not set)."""
        return np.ones(2 * self.period_s.size, bool) if self.use is None else np.asarray(self.use, bool)


@dataclass
class Result1D:
    """Outcome of :func:`occam1d` (and :func:`invert_station`)."""

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
    target_rms: float = 1.0
    reached: bool = True
    status: str = ""
    notes: list[str] = field(default_factory=list)  # why the target was missed, bound warnings
    flags: list[dict[str, Any]] = field(default_factory=list)  # excluded points (hygiene)
    static_shift: dict[str, Any] = field(default_factory=dict)
    resolution: np.ndarray | None = None  # diag of the Occam model resolution, per layer
    bostick_depth_m: float = np.nan
    history: list[dict] = field(default_factory=list)

    @property
    def top_m(self) -> np.ndarray:
        return np.r_[0.0, np.cumsum(self.thickness_m)]

    def summary(self) -> str:
        """One paragraph: RMS and status, DOI, exclusions, static shift, notes (:func:`summary`)."""
        return summary(self)

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


def depth_of_investigation(top_m: np.ndarray, resolution_diag: np.ndarray, fraction: float = 0.9) -> float:
    """Depth (m) above which the layers hold ``fraction`` of the model's resolution.

    ``resolution_diag`` is the diagonal of the Occam model resolution matrix
    (one value per layer, the last the half-space); its sum is the number of
    parameters the data resolve. The depth is interpolated linearly inside
    the layer where the cumulative sum from the surface reaches ``fraction``
    of the total; the top of the half-space if only it completes the sum.
    """
    r = np.clip(np.asarray(resolution_diag, float), 0, None)
    c = np.cumsum(r) / max(r.sum(), 1e-30)
    j = int(np.searchsorted(c, fraction))
    if j >= top_m.size - 1:
        return float(top_m[-1])
    c0 = c[j - 1] if j > 0 else 0.0
    t = (fraction - c0) / max(c[j] - c0, 1e-30)
    return float(top_m[j] + t * (top_m[j + 1] - top_m[j]))


def occam1d(
    data: Data1D,
    *,
    n_layers: int = 40,
    thickness_m: np.ndarray | None = None,
    target_rms: float = 1.0,
    max_iter: int = 12,
    start_ohm_m: float | None = None,
    rho_min_ohm_m: float = 0.1,
    rho_max_ohm_m: float = 1e5,
    doi_fraction: float = 0.9,
) -> Result1D:
    """Occam inversion of one station (module docstring).

    Parameters
    ----------
    data : Data1D
        Only the points with ``data.use`` True are inverted.
    n_layers : int
        Number of layers (the last is the half-space) if ``thickness_m`` is not given.
    target_rms : float
        Target RMS of the error-weighted residuals (1 = fit within errors).
    start_ohm_m : float, optional
        Start half-space; default the geometric mean of the apparent resistivities.
    rho_min_ohm_m, rho_max_ohm_m : float
        Bounds of the model (ohm-m).
    doi_fraction : float
        See :func:`depth_of_investigation`.

    Returns
    -------
    Result1D
    """
    d_all, sd_all = data.vector()
    use = data.used()
    if use.sum() < 3:
        raise ValueError("fewer than 3 data left after the exclusions")
    _check_errors(sd_all[use])
    n = data.period_s.size
    rho_a = np.exp(d_all[:n])
    h = layer_grid(data.period_s, rho_a, n_layers) if thickness_m is None else np.asarray(thickness_m, float)
    nl = h.size + 1
    lr_used = d_all[:n][use[:n]] if use[:n].any() else d_all[:n]
    m0 = np.full(nl, np.log(start_ohm_m) if start_ohm_m else np.mean(lr_used))
    lo, hi = np.log(rho_min_ohm_m), np.log(rho_max_ohm_m)
    m0 = np.clip(m0, lo, hi)

    def fwd_all(mm: np.ndarray, jac: bool) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
        z, dz = mt1d_jacobian(np.exp(mm), h, data.period_s, jacobian=jac)
        f = np.r_[np.log(0.2 * data.period_s * np.abs(z) ** 2), np.angle(z)]
        if not jac:
            return f, None, z
        q = dz / z[:, None]
        return f, np.r_[2 * q.real, q.imag], z

    def fwd(mm: np.ndarray, jac: bool) -> tuple[np.ndarray, np.ndarray | None]:
        f, J, _ = fwd_all(mm, jac)
        return f[use], (None if J is None else J[use])

    run = occam(fwd, d_all[use], sd_all[use], m0, target_rms=target_rms, max_iter=max_iter, m_min=lo, m_max=hi)
    f, J, zp = fwd_all(run.m, True)
    G = (J / sd_all[:, None])[use]
    mu = run.mu if np.isfinite(run.mu) else np.trace(G.T @ G) / max(2.0 * (nl - 1), 1.0)
    rdiag = np.diag(resolution_matrix(G, mu))
    top = np.r_[0.0, np.cumsum(h)]
    depth, _ = niblett_bostick(rho_a, np.degrees(d_all[n:]), data.period_s)
    res = Result1D(
        thickness_m=h, resistivity_ohm_m=np.exp(run.m), rms=run.rms,
        rms_history=[float(np.sqrt(np.mean(((d_all[use] - fwd(m0, False)[0]) / sd_all[use]) ** 2)))]
        + [x["rms"] for x in run.history],
        mu=float(mu), iterations=len(run.history),
        predicted=zp, data=data, target_rms=target_rms, reached=run.reached, status=run.status,
        resolution=rdiag, bostick_depth_m=float(np.nanmax(depth[use[:n]] if use[:n].any() else depth)),
        history=run.history,
    )
    res.doi_m = min(depth_of_investigation(top, rdiag, doi_fraction), res.bostick_depth_m)
    res.notes = _diagnose(res, run, (d_all - f) / sd_all, use, max_iter, (rho_min_ohm_m, rho_max_ohm_m))
    return res


def _check_errors(sd: np.ndarray) -> None:
    if not np.all(sd > 0):
        raise ValueError("some data have a zero standard deviation (no errors in the file and no error floor): "
                         "set floor_rho and floor_phase_deg above 0")


def _diagnose(res: Result1D, run: Any, resid: np.ndarray, use: np.ndarray, max_iter: int,
              bounds: tuple[float, float]) -> list[str]:
    """Why the target was missed, and bound warnings (sentences for :func:`summary`)."""
    notes = []
    T = res.data.period_s
    if not res.reached:
        notes.append(f"target RMS {res.target_rms:g} not reached: the minimum-misfit model (RMS {res.rms:.2f}) is returned")
        if run.status == "stalled":
            notes.append("stalled: no trade-off parameter and no step cut lowered the misfit further")
        elif len(run.history) >= max_iter:
            h = [res.rms_history[0]] + [x["rms"] for x in run.history]
            notes.append(f"iteration limit ({max_iter}) reached while the RMS went {h[-2]:.3g} -> {h[-1]:.3g}: "
                         "raise max_iter (--max-iter)")
        dom = dominant_points(T, resid, use)
        if dom:
            pts = ", ".join(f"{p['quantity']} at {p['period_s']:.4g} s ({p['n_sigma']:+.0f} sigma)" for p in dom)
            share = sum(p["share"] for p in dom)
            notes.append(f"{len(dom)} point(s) carry {100 * share:.0f} % of the misfit: {pts}")
        else:
            notes.append("the misfit is spread over many points: the errors are small for a 1D earth "
                         "(raise the error floors) or the data are not 1D")
    above = res.top_m < res.doi_m
    rho = res.resistivity_ohm_m
    for b, word in ((bounds[0], "lower"), (bounds[1], "upper")):
        k = above & (np.abs(np.log(rho / b)) < 1e-6)
        if k.any():
            notes.append(f"warning: {int(k.sum())} layer(s) above the DOI at the {word} resistivity bound "
                         f"{b:g} ohm-m (depths {res.top_m[k].min():.0f}-{res.top_m[k].max():.0f} m): "
                         "the data push the model out of the allowed range")
    return notes


def summary(res: Result1D) -> str:
    """Plain-language summary of a 1D inversion: RMS and status, DOI, exclusions, static shift, notes."""
    st = res.attrs.get("station") or ""
    head = (f"{st + ': ' if st else ''}RMS {res.rms:.2f} (target {res.target_rms:g}, {res.status}, "
            f"{res.iterations} iterations); DOI {res.doi_m / 1000:.2f} km (90 % of the resolution; "
            f"Bostick depth of the longest period {res.bostick_depth_m / 1000:.1f} km)")
    parts = [head, describe_flags(res.flags)]
    ss = res.static_shift
    if ss:
        r = ss.get("mode_ratio", np.nan)
        txt = (f"static shift: modes differ by x{r:.2f} where their phases agree ({ss.get('mode_ratio_periods', 0)} periods)"
               if np.isfinite(r) else "static shift: fewer than 3 periods where the modes' phases agree")
        if ss.get("method", "none") != "none":
            fx, fy = ss["factors"]
            txt += f"; corrected ({ss['method']}) by s_x {fx:.3g}, s_y {fy:.3g}"
        parts.append(txt)
    parts.extend(res.notes)
    return "; ".join(parts)


def result_dataset(res: Result1D, data: Data1D, attrs: dict[str, Any] | None = None) -> Any:
    """A :class:`Result1D` as a Dataset: the layered model, the data fit and the summary.

    Variables per layer: ``resistivity_ohm_m``, ``top_m``, ``resolution``
    (diagonal of the Occam resolution matrix); per period: observed and
    predicted ``rho``/``phase`` with errors, ``used_rho``/``used_phase``
    (1 inverted, 0 excluded). Attributes: ``rms``, ``target_rms``,
    ``status``, ``reached``, ``doi_m`` and ``doi_definition``,
    ``bostick_depth_m``, ``summary``, ``notes``, ``excluded`` (the hygiene
    flags as text), ``static_shift_factors``.
    """
    import json

    import xarray as xr

    top = res.top_m
    rho_obs = 0.2 * data.period_s * np.abs(data.z) ** 2
    rho_pre = 0.2 * data.period_s * np.abs(res.predicted) ** 2
    _, sd = data.vector()
    n = data.period_s.size
    use = data.used()
    rdiag = res.resolution if res.resolution is not None else np.full(top.size, np.nan)
    ds = xr.Dataset(
        {
            "resistivity_ohm_m": ("layer", res.resistivity_ohm_m, {"units": "ohm-m"}),
            "top_m": ("layer", top, {"units": "m", "meaning": "depth of the layer top below the surface"}),
            "resolution": ("layer", rdiag, {"meaning": "diagonal of the Occam model resolution matrix"}),
            "rho_obs_ohm_m": ("period_s", rho_obs),
            "rho_err_ohm_m": ("period_s", rho_obs * sd[:n]),
            "phase_obs_deg": ("period_s", np.degrees(np.angle(data.z))),
            "phase_err_deg": ("period_s", np.degrees(sd[n:])),
            "rho_pred_ohm_m": ("period_s", rho_pre),
            "phase_pred_deg": ("period_s", np.degrees(np.angle(res.predicted))),
            "used_rho": ("period_s", use[:n].astype("int8")),
            "used_phase": ("period_s", use[n:].astype("int8")),
        },
        coords={"layer": np.arange(top.size), "period_s": data.period_s},
        attrs=dict(attrs or {}),
    )
    ds.attrs.update(
        {"rms": res.rms, "rms_history": list(map(float, res.rms_history)), "iterations": res.iterations,
         "doi_m": res.doi_m, "mu": res.mu, "method": "occam1d", "target_rms": res.target_rms,
         "status": res.status, "reached": int(res.reached), "bostick_depth_m": res.bostick_depth_m,
         "doi_definition": "depth above which the layers hold 90 % of the trace of the Occam model resolution matrix",
         "summary": summary(res), "notes": " | ".join(res.notes),
         "excluded": json.dumps(res.flags), "n_excluded": len(res.flags)}
    )
    if res.static_shift:
        ds.attrs["static_shift_factors"] = list(map(float, res.static_shift.get("factors", (1.0, 1.0))))
        ds.attrs["static_shift_method"] = str(res.static_shift.get("method", "none"))
        ds.attrs["static_shift_mode_ratio"] = float(res.static_shift.get("mode_ratio", np.nan))
    return ds


def invert_station(tf: Any, settings: Invert1DSettings | None = None) -> Result1D:
    """Occam 1D inversion of one station's transfer functions (the front door ``geoexplore.mt.invert_station``).

    The chain of the step ``mt.invert1d`` and of ``geoexplore mt invert1d``:
    periods inside ``[period_min_s, period_max_s]``; static shift reported
    and, if asked, corrected (:func:`geoexplore.mt.static_shift.correct`);
    :func:`data_from_tf` (mode, error floors); hygiene
    (:func:`geoexplore.mt.hygiene.flag_data`); :func:`occam1d`.

    Parameters
    ----------
    tf : xarray.Dataset
        A transfer-function container (e.g. ``geoexplore.mt.read("station.edi")``).
    settings : Invert1DSettings, optional

    Returns
    -------
    Result1D
        The layered model (``resistivity_ohm_m``, ``top_m``), RMS and status,
        DOI, excluded points (``flags``), ``summary()``, the data,
        ``.to_dataset()`` and ``.plot(path)``.
    """
    from geoexplore.mt.static_shift import correct

    s = settings or Invert1DSettings()
    p = tf["period_s"].values
    tf = tf.isel(period_s=np.flatnonzero((p >= s.period_min_s) & (p <= s.period_max_s)))
    tf, ss = correct(tf, s.static_shift, reference_ohm_m=s.reference_ohm_m,
                     reference_thickness_m=s.reference_thickness_m, reference_depth_m=s.reference_depth_m)
    data = data_from_tf(tf, mode=s.mode, floor_rho=s.floor_rho, floor_phase_deg=s.floor_phase_deg)
    d, sd = data.vector()
    _check_errors(sd)
    n = data.period_s.size
    data.use, flags = flag_data(data.period_s, d[:n], d[n:], sd, drop_out_of_quadrant=s.drop_out_of_quadrant,
                                outlier_mad=s.outlier_mad, exclude_periods_s=s.exclude_periods_s,
                                keep_periods_s=s.keep_periods_s)
    res = occam1d(data, n_layers=s.n_layers, target_rms=s.target_rms, max_iter=s.max_iter,
                  rho_min_ohm_m=s.rho_min_ohm_m, rho_max_ohm_m=s.rho_max_ohm_m, doi_fraction=s.doi_fraction)
    res.flags = flags
    n_oq = sum(f["reason"] == "out of quadrant" for f in flags) // 2
    if n_oq > n // 2:
        res.notes.insert(0, f"{n_oq} of {n} periods have the phase out of quadrant: check the sign convention "
                         "(exp(+i omega t) assumed) and the orientation of the file")
    res.static_shift = ss
    res.attrs = {k: tf.attrs.get(k) for k in ("station", "chainage_m", "lat_deg", "lon_deg", "elevation_m", "synthetic")}
    res.attrs = {k: v for k, v in res.attrs.items() if v is not None}
    res.attrs["mode"] = s.mode
    return res
