"""Reflection flow, stages 5-7: NMO + CMP stack, post-stack time migration, depth conversion.

Each function takes and returns :class:`xarray.Dataset` time (or depth)
sections (layout in :mod:`geoexplore.seismic.reflection.flow`) and calls
the kernels of :mod:`.nmo`, :mod:`.stack`, :mod:`.statics`,
:mod:`.migration` and :mod:`.depth`.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from geoexplore.core.errors import GeoexploreError


# -- stack ---------------------------------------------------------------------------
def stack(
    ds: xr.Dataset,
    picks: xr.Dataset,
    *,
    stretch_mute: float = 0.5,
    smooth_m: float = 50.0,
    residual_statics: bool = False,
    max_static_s: float = 0.004,
) -> xr.Dataset:
    """NMO correction with the picked velocities and CMP stack (optionally with residual statics).

    Returns the time section: ``amplitude`` (time_s, chainage_m), ``fold``
    (chainage_m), ``live_fold`` (time_s, chainage_m: traces summed into each
    sample after the mutes), ``vrms_m_s`` (time_s, chainage_m), ``elevation_m`` and
    ``datum_m`` (chainage_m); attrs ``dt_s``, ``line``, ``synthetic``,
    ``bin_m``, ``datum``, ``replacement_velocity_m_s``.
    """
    from geoexplore.seismic.reflection.nmo import nmo_correct
    from geoexplore.seismic.reflection.stack import nmo_stack
    from geoexplore.seismic.reflection.statics import apply_statics
    from geoexplore.seismic.reflection.statics import residual_statics as rstat
    from geoexplore.seismic.reflection.velocity import vrms_section

    dt = float(ds.attrs["dt_s"])
    t = ds["time_s"].values
    bins = ds["bin_chainage_m"].values
    vr = vrms_section(picks, bins, t, smooth_m=smooth_m)
    cdp = ds["cdp"].values
    ok = cdp >= 0
    d = ds["data"].values[ok]
    off = ds["offset_m"].values[ok]
    c = cdp[ok]
    applied = np.zeros(d.shape[0])
    if residual_statics:
        nmo = nmo_correct(d, off, vr[c], dt, stretch_mute=stretch_mute)
        _, _, applied = rstat(nmo, c, ds["source_station"].values[ok], ds["receiver_station"].values[ok], dt,
                              max_shift_s=max_static_s, n_iter=3)
        d = apply_statics(d, applied, dt).astype(np.float32)
    st, fold = nmo_stack(d, off, c, vr, dt, stretch_mute=stretch_mute, n_cmp=bins.size)
    live = ds["fold"].values > 0
    out = xr.Dataset(
        {
            "amplitude": (("time_s", "chainage_m"), st[live].T),
            "fold": ("chainage_m", ds["fold"].values[live]),
            "live_fold": (("time_s", "chainage_m"), fold[live].T),
            "vrms_m_s": (("time_s", "chainage_m"), vr[live].T.astype(np.float32)),
            "elevation_m": ("chainage_m", ds["elevation_m"].values[live]),
            "datum_m": ("chainage_m", ds["datum_m"].values[live]),
        },
        coords={"time_s": t, "chainage_m": bins[live]},
        attrs={k: ds.attrs[k] for k in ("dt_s", "line", "synthetic", "bin_m", "datum", "replacement_velocity_m_s")},
    )
    out.attrs["stretch_mute"] = float(stretch_mute)
    out.attrs["residual_statics_rms_ms"] = float(np.sqrt(np.mean(applied**2)) * 1000) if residual_statics else 0.0
    out["amplitude"].attrs["description"] = "CMP stack (NMO-corrected, normalised by live fold)"
    return out


def _regular(section: xr.Dataset) -> xr.Dataset:
    """Fill gaps in chainage so the section is on a regular grid (needed by f-k methods)."""
    ch = section["chainage_m"].values
    step = float(section.attrs.get("bin_m", np.median(np.diff(ch))))
    full = np.round(np.arange(ch[0], ch[-1] + step / 2, step), 6)
    if full.size == ch.size:
        return section
    return section.reindex(chainage_m=full, method="nearest", tolerance=step / 4).fillna(0.0)


# -- migration and depth -------------------------------------------------------------
def migrate(section: xr.Dataset, *, method: str = "kirchhoff", aperture_m: float = 300.0, max_angle_deg: float = 60.0,
            velocity_scale: float = 1.0) -> xr.Dataset:
    """Post-stack time migration of a stack Dataset (``amplitude`` on time_s x chainage_m).

    ``method``: ``"kirchhoff"`` (RMS velocity field, lateral variation),
    ``"phase_shift"`` (laterally averaged interval velocity v(t)) or
    ``"stolt"`` (one constant velocity: the mean RMS velocity).
    """
    from geoexplore.seismic.reflection import migration as mig
    from geoexplore.seismic.reflection.depth import vint_from_vrms

    sec = _regular(section)
    dt = float(sec.attrs["dt_s"])
    dx = float(sec.attrs.get("bin_m", np.median(np.diff(sec["chainage_m"].values))))
    a = sec["amplitude"].values.T  # (n_x, n_t)
    vr = sec["vrms_m_s"].values.T * velocity_scale
    t = sec["time_s"].values
    if method == "kirchhoff":
        m = mig.kirchhoff(a, sec["chainage_m"].values, dt, vr, aperture_m=aperture_m, max_angle_deg=max_angle_deg)
    elif method == "phase_shift":
        vint = vint_from_vrms(vr.mean(axis=0), t, smooth_samples=int(0.02 / dt))
        m = mig.phase_shift(a, dx, dt, vint)
    elif method == "stolt":
        m = mig.stolt(a, dx, dt, float(np.mean(vr)))
    else:
        raise GeoexploreError(f"unknown migration method {method!r}; choose kirchhoff, phase_shift or stolt")
    out = sec.copy()
    out["amplitude"] = (("time_s", "chainage_m"), m.T.astype(np.float32))
    out["amplitude"].attrs["description"] = f"post-stack time migration ({method})"
    out.attrs["migration"] = method
    return out


def depth_section(
    section: xr.Dataset,
    *,
    max_depth_m: float = 400.0,
    dz_m: float = 1.0,
    smooth_time_s: float = 0.04,
    v_min_m_s: float = 800.0,
    v_max_m_s: float = 6000.0,
    method: str = "reflection",
    min_live_fold: float = 3.0,
) -> xr.Dataset:
    """Convert a (migrated) time section to depth below the ground surface.

    Interval velocities by Dix from the RMS field (smoothed over
    ``smooth_time_s``), depth below the datum by integration, then each
    trace is shifted by ``datum - elevation`` so that ``depth_m`` is depth
    below the ground (the contract of :mod:`geoexplore.core.images`).
    Where fewer than ``min_live_fold`` traces survived the mutes in the
    stack (``live_fold`` of the time section: the shallow window of short
    offsets, the line ends) the amplitude is NaN and ``mask`` is False: the
    data do not constrain the image there.

    Returns
    -------
    xarray.Dataset
        ``amplitude`` (depth_m, chainage_m), ``velocity_m_s`` (interval
        velocity, depth_m x chainage_m), ``elevation_m`` (chainage_m), attrs
        ``method`` = "reflection", ``line``, ``synthetic``.
    """
    from geoexplore.seismic.reflection.depth import depth_of_time, vint_from_vrms

    dt = float(section.attrs["dt_s"])
    t = section["time_s"].values
    a = section["amplitude"].values.T
    vr = section["vrms_m_s"].values.T.astype(float)
    vint = vint_from_vrms(vr, t, smooth_samples=max(1, int(round(smooth_time_s / dt))), v_min_m_s=v_min_m_s,
                          v_max_m_s=v_max_m_s)
    zd = depth_of_time(vint, dt, t0_s=float(t[0]))  # depth below datum of each sample
    shift = section["datum_m"].values - section["elevation_m"].values  # datum above ground: positive
    z = np.arange(0.0, max_depth_m + dz_m / 2, dz_m)
    amp = np.full((a.shape[0], z.size), np.nan, np.float32)
    vz = np.full((a.shape[0], z.size), np.nan, np.float32)
    lf = section["live_fold"].values.T if "live_fold" in section else None
    live = np.ones((a.shape[0], z.size), bool)
    for k in range(a.shape[0]):
        zb = zd[k] - shift[k]  # depth below ground of each time sample
        amp[k] = np.interp(z, zb, a[k], left=np.nan, right=np.nan)
        vz[k] = np.interp(z, zb, vint[k], left=vint[k, 0], right=np.nan)
        if lf is not None:
            live[k] = np.interp(z, zb, lf[k], left=0.0, right=0.0) >= min_live_fold
    amp = np.where(live, amp, np.nan).astype(np.float32)
    out = xr.Dataset(
        {
            "amplitude": (("depth_m", "chainage_m"), amp.T),
            "velocity_m_s": (("depth_m", "chainage_m"), vz.T),
            "elevation_m": ("chainage_m", section["elevation_m"].values),
            "fold": ("chainage_m", section["fold"].values),
            "mask": (("depth_m", "chainage_m"), (live & np.isfinite(amp)).T),
        },
        coords={"depth_m": z, "chainage_m": section["chainage_m"].values},
        attrs={"method": method, "line": str(section.attrs.get("line", "")), "synthetic": int(section.attrs.get("synthetic", 0)),
               "migration": str(section.attrs.get("migration", "none")), "datum": str(section.attrs.get("datum", ""))},
    )
    out["amplitude"].attrs["description"] = "migrated reflection amplitude in depth below ground"
    out["velocity_m_s"].attrs["description"] = "Dix interval velocity used for depth conversion"
    out["depth_m"].attrs["units"] = "m"
    out["chainage_m"].attrs["units"] = "m"
    return out


__all__ = ["depth_section", "migrate", "stack"]
