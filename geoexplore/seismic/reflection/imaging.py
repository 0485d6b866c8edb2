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
    locs = np.unique(picks["chainage_m"].values)
    out.attrs["velocity_location_spacing_m"] = float(np.median(np.diff(locs))) if locs.size > 1 else 0.0
    out.attrs["velocity_smoothed_m"] = float(smooth_m)
    # the lateral footprint of a semblance velocity measured on offsets up to x: about x / 2 along the line
    out.attrs["velocity_footprint_m"] = 0.5 * float(np.max(np.abs(off))) if off.size else 0.0
    out.attrs["residual_statics_rms_ms"] = float(np.sqrt(np.mean(applied**2)) * 1000) if residual_statics else 0.0
    out["amplitude"].attrs["description"] = "CMP stack (NMO-corrected, normalised by live fold)"
    return out


#: relative velocity difference between neighbouring analyses above which a field counts as rough
ROUGH = 0.01


def velocity_roughness(section: xr.Dataset) -> float:
    """Median relative difference of the RMS velocity between neighbouring analysis locations of a time section."""
    v = section["vrms_m_s"].values.T.astype(float)
    ch = section["chainage_m"].values
    spacing = float(section.attrs.get("velocity_location_spacing_m", 0.0))
    if ch.size < 3 or spacing <= 0:
        return 0.0
    step = max(1, int(round(spacing / float(np.median(np.diff(ch))))))
    vl = v[::step]
    if vl.shape[0] < 2:
        return 0.0
    return float(np.median(np.abs(np.diff(vl, axis=0)) / vl[:-1]))


def smooth_velocity(section: xr.Dataset, smooth_m: float | str | None, *, for_migration: bool = False) -> tuple[np.ndarray, float]:
    """The RMS field (n_chainage, n_time) of a time section, smoothed along the line; returns (field, length used in m).

    ``"auto"`` for depth conversion: the spacing of the velocity analysis
    locations (``attrs["velocity_location_spacing_m"]``) unless the field
    was already smoothed over at least that (``attrs["velocity_smoothed_m"]``,
    set by :func:`stack`): a running mean over that length removes the kinks
    of the linear interpolation between sparse locations (V-shaped
    artefacts, pull-ups) and no more, since smoothing depth-conversion
    velocities across a fault moves the imaged fault. ``"auto"`` for
    migration (``for_migration``): when the field is rough (neighbouring
    analyses differ by more than ``ROUGH`` = 1 % in the median,
    :func:`velocity_roughness`: picks noisier than the geology), at least
    the lateral footprint of the velocities (``attrs["velocity_footprint_m"]``:
    half the largest offset): a time-migration operator needs a velocity
    without jumps over its width, or diffractions do not focus. A smooth
    field is left alone: smoothing across a fault moves the imaged fault.
    """
    vr = section["vrms_m_s"].values.T.astype(float)
    if smooth_m == "auto":
        spacing = float(section.attrs.get("velocity_location_spacing_m", 0.0))
        smooth_m = spacing if float(section.attrs.get("velocity_smoothed_m", 0.0)) < spacing else 0.0
        if for_migration and velocity_roughness(section) > ROUGH:
            smooth_m = max(smooth_m, float(section.attrs.get("velocity_footprint_m", 0.0)))
    elif isinstance(smooth_m, str):
        raise GeoexploreError(f"velocity smoothing must be a length (m) or 'auto', got {smooth_m!r}")
    ch = section["chainage_m"].values
    smooth_m = float(smooth_m or 0.0)
    if smooth_m > 0 and ch.size > 2:
        from scipy.ndimage import uniform_filter1d

        n = min(int(round(smooth_m / float(np.median(np.diff(ch))))) | 1, (ch.size - 1) | 1)
        if n > 1:
            vr = uniform_filter1d(vr, n, axis=0, mode="nearest")
    return vr, smooth_m


def _regular(section: xr.Dataset) -> xr.Dataset:
    """Fill gaps in chainage so the section is on a regular grid (needed by f-k methods)."""
    ch = section["chainage_m"].values
    step = float(section.attrs.get("bin_m", np.median(np.diff(ch))))
    full = np.round(np.arange(ch[0], ch[-1] + step / 2, step), 6)
    if full.size == ch.size:
        return section
    return section.reindex(chainage_m=full, method="nearest", tolerance=step / 4).fillna(0.0)


# -- migration and depth -------------------------------------------------------------
def migrate(section: xr.Dataset, *, method: str = "kirchhoff", aperture_m: float | str | None = "auto",
            max_angle_deg: float = 60.0, velocity_scale: float = 1.0, anti_alias: bool = True,
            velocity_smooth_m: float | str | None = "auto") -> xr.Dataset:
    """Post-stack time migration of a stack Dataset (``amplitude`` on time_s x chainage_m).

    ``method``: ``"kirchhoff"`` (RMS velocity field, lateral variation),
    ``"phase_shift"`` (laterally averaged interval velocity v(t)) or
    ``"stolt"`` (one constant velocity: the mean RMS velocity). All keep
    the amplitude of a flat event. Kirchhoff: ``aperture_m="auto"`` (or
    None) takes the half-aperture from the velocity and the record length
    (:func:`geoexplore.seismic.reflection.migration.default_aperture`; the
    value used is in ``attrs["aperture_m"]``); ``anti_alias`` filters the
    operator (triangle filter). The velocities are smoothed along the line
    first (:func:`smooth_velocity`; ``velocity_smooth_m``).
    """
    from geoexplore.seismic.reflection import migration as mig
    from geoexplore.seismic.reflection.depth import vint_from_vrms

    sec = _regular(section)
    dt = float(sec.attrs["dt_s"])
    dx = float(sec.attrs.get("bin_m", np.median(np.diff(sec["chainage_m"].values))))
    a = sec["amplitude"].values.T  # (n_x, n_t)
    vr, used = smooth_velocity(sec, velocity_smooth_m, for_migration=True)
    vr = vr * velocity_scale
    t = sec["time_s"].values
    attrs: dict[str, float] = {"velocity_smooth_m": used}
    if method == "kirchhoff":
        if aperture_m in (None, "auto"):
            aperture_m = mig.default_aperture(vr, dt, a.shape[1], max_angle_deg)
        elif isinstance(aperture_m, str):
            raise GeoexploreError(f"aperture_m must be a length (m) or 'auto', got {aperture_m!r}")
        attrs |= {"aperture_m": float(aperture_m), "anti_alias": int(anti_alias), "max_angle_deg": float(max_angle_deg)}
        m = mig.kirchhoff(a, sec["chainage_m"].values, dt, vr, aperture_m=float(aperture_m), max_angle_deg=max_angle_deg,
                          anti_alias=anti_alias)
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
    out.attrs.update(attrs)
    return out


def depth_section(
    section: xr.Dataset,
    *,
    max_depth_m: float | None = 400.0,
    dz_m: float = 1.0,
    smooth_time_s: float = 0.04,
    v_min_m_s: float = 800.0,
    v_max_m_s: float = 6000.0,
    method: str = "reflection",
    min_live_fold: float = 3.0,
    lateral_smooth_m: float | str | None = "auto",
) -> xr.Dataset:
    """Convert a (migrated) time section to depth below the ground surface.

    ``max_depth_m`` None: down to the deepest converted sample.
    Interval velocities by Dix from the RMS field (smoothed over
    ``smooth_time_s``), depth below the datum by integration, then each
    trace is shifted by ``datum - elevation`` so that ``depth_m`` is depth
    below the ground (the contract of :mod:`geoexplore.core.images`).
    Before Dix the RMS field is smoothed along chainage over
    ``lateral_smooth_m`` (:func:`smooth_velocity`; 0 or None: none).
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
    vr, lateral_smooth_m = smooth_velocity(section, lateral_smooth_m)
    vint = vint_from_vrms(vr, t, smooth_samples=max(1, int(round(smooth_time_s / dt))), v_min_m_s=v_min_m_s,
                          v_max_m_s=v_max_m_s)
    zd = depth_of_time(vint, dt, t0_s=float(t[0]))  # depth below datum of each sample
    shift = section["datum_m"].values - section["elevation_m"].values  # datum above ground: positive
    if max_depth_m is None:  # down to the deepest converted sample
        max_depth_m = float(np.max(zd[:, -1] - shift))
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
               "migration": str(section.attrs.get("migration", "none")), "datum": str(section.attrs.get("datum", "")),
               "lateral_smooth_m": float(lateral_smooth_m or 0.0)},
    )
    out["amplitude"].attrs["description"] = "migrated reflection amplitude in depth below ground"
    out["velocity_m_s"].attrs["description"] = "Dix interval velocity used for depth conversion"
    out["depth_m"].attrs["units"] = "m"
    out["chainage_m"].attrs["units"] = "m"
    return out


__all__ = ["ROUGH", "depth_section", "migrate", "smooth_velocity", "stack", "velocity_roughness"]
