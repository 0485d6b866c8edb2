"""Post-stack entry: a stacked (or migrated) SEG-Y / SU section -> the time-section Dataset that migration and depth conversion take.

:func:`section_from_gather` turns a gather read from a post-stack file
(one trace per CMP) into the time-section layout of
:mod:`geoexplore.seismic.reflection.flow` (``amplitude`` on time_s x
chainage_m, ``vrms_m_s``, ``elevation_m``, ``datum_m``, ``fold``), with

* trace positions from the CDP coordinates (SEG-Y rev 1 bytes 181-188),
  else from the source/receiver coordinates, in metres (feet converted by
  the reader); chainage is the distance along the traces (a crooked line
  follows them). A file without coordinates needs ``trace_spacing_m``;
  coordinates whose unit code is not a length need ``coordinate_units``.
  Nothing is guessed: a missing value is refused with a message naming it;
* a 3-D file (several inlines and crosslines) reduced to the inline or
  crossline asked for (refused without one);
* velocities from a velocity table (:mod:`geoexplore.seismic.io.velocity`,
  located by CDP number via the traces' ``cdp`` header, or by chainage) or
  one constant RMS velocity. A section carries no velocities: one of the
  two is required.

What was taken from where is in ``attrs["geometry_report"]`` (JSON).
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import xarray as xr

from geoexplore.core.errors import GeoexploreError


def _select_line(g: xr.Dataset, inline: int | None, crossline: int | None, report: dict[str, Any]) -> xr.Dataset:
    il, xl = g["inline"].values, g["crossline"].values
    n_il, n_xl = np.unique(il).size, np.unique(xl).size
    for name, want, have in (("inline", inline, il), ("crossline", crossline, xl)):
        if want is None:
            continue
        sel = np.flatnonzero(have == want)
        if sel.size == 0:
            raise GeoexploreError(f"{name} {want} not in the file ({name}s {have.min()}-{have.max()})")
        report["selection"] = f"{name} {want}: {sel.size} traces"
        return g.isel(trace=sel)
    if n_il > 1 and n_xl > 1:
        raise GeoexploreError(f"a 3-D post-stack file ({n_il} inlines {il.min()}-{il.max()} x {n_xl} crosslines "
                              f"{xl.min()}-{xl.max()}): choose one inline or crossline (inline=, CLI --inline)")
    return g


def _positions(g: xr.Dataset, trace_spacing_m: float | None, coordinate_units: str | None,
               report: dict[str, Any]) -> np.ndarray:
    """Chainage (m) of each trace."""
    n = g.sizes["trace"]
    if trace_spacing_m is not None:
        if not trace_spacing_m > 0:
            raise GeoexploreError(f"trace spacing must be > 0 m, got {trace_spacing_m}")
        report["positions"] = f"regular trace spacing {trace_spacing_m:g} m (given)"
        return np.arange(n) * float(trace_spacing_m)
    cand = [("cdp_x_m", "cdp_y_m", "CDP X/Y (bytes 181-188)"),
            ("source_x_m", "source_y_m", "source X/Y (bytes 73-80)"),
            ("receiver_x_m", "receiver_y_m", "receiver X/Y (bytes 81-88)")]
    for xk, yk, name in cand:
        x, y = np.nan_to_num(g[xk].values.astype(float)), np.nan_to_num(g[yk].values.astype(float))
        step = np.hypot(np.diff(x), np.diff(y))
        if n > 1 and np.all(step > 0):
            codes = sorted({int(c) for c in np.unique(g["counit"].values)})
            fac = 1.0
            if g.attrs.get("length_unit_in_file") == "unknown":
                if coordinate_units not in ("m", "ft"):
                    raise GeoexploreError(f"{g.attrs.get('source_file', 'the section')}: the unit of the trace-header "
                                          "coordinates is not stated (SEG-Y measurement system, bytes 3255-3256, neither "
                                          "1 nor 2; or an SU file): give coordinate_units 'm'/'ft' (CLI --coordinate-units) "
                                          "or the trace spacing (trace_spacing_m, CLI --trace-spacing)")
                fac = 0.3048 if coordinate_units == "ft" else 1.0
            elif any(c not in (0, 1) for c in codes):
                if coordinate_units not in ("m", "ft"):
                    raise GeoexploreError(f"trace coordinates have unit code {codes} (not a length): give the trace "
                                          "spacing (trace_spacing_m, CLI --trace-spacing) or coordinate_units 'm'/'ft'")
                fac = 0.3048 if coordinate_units == "ft" else 1.0
            report["positions"] = (f"{name}, scalar {sorted({int(s) for s in np.unique(g['scalco'].values)})}, "
                                   f"unit code {codes}, file lengths in {g.attrs.get('length_unit_in_file', 'm')}")
            report["trace_spacing_m"] = float(np.median(step) * fac)
            ch = np.r_[0.0, np.cumsum(step * fac)]
            report["line"] = ("straight" if np.ptp(ch) > 0 and abs(ch[-1] - np.hypot(x[-1] - x[0], y[-1] - y[0]) * fac)
                              <= 0.01 * ch[-1] else "crooked (chainage along the traces)")
            return ch
    raise GeoexploreError("the trace headers carry no usable trace positions (CDP, source or receiver X/Y distinct "
                          "from trace to trace): give the trace spacing (trace_spacing_m, CLI --trace-spacing)")


def _velocity(table: dict[str, Any] | None, velocity_m_s: float | None, g: xr.Dataset, ch: np.ndarray,
              t: np.ndarray, report: dict[str, Any]) -> tuple[np.ndarray, float]:
    """RMS velocity field (n_traces, n_times) and the spacing of its analysis locations (m, 0 if one)."""
    from geoexplore.seismic.reflection.velocity import velocity_field

    if table is None and velocity_m_s is None:
        raise GeoexploreError("a post-stack section carries no velocities: give a velocity file (SU par or CSV "
                              "table) or one RMS velocity (velocity_m_s, CLI --velocity-m-s)")
    if table is None:
        report["velocity"] = f"constant {velocity_m_s:g} m/s (given)"
        return np.full((ch.size, t.size), float(velocity_m_s)), 0.0
    cdp = np.asarray(table["cdp"])
    loc_ch = np.asarray(table["chainage_m"], float).copy()
    by_cdp = cdp >= 0
    if by_cdp.any():
        hdr = g["cdp"].values
        for c in np.unique(cdp[by_cdp]):
            k = np.flatnonzero(hdr == c)
            if k.size == 0:
                raise GeoexploreError(f"velocity location cdp {c} is not a trace of the section (cdp {hdr.min()}-{hdr.max()})")
            loc_ch[cdp == c] = ch[k[0]]
    loc_ch[~by_cdp & ~np.isfinite(loc_ch)] = 0.5 * (ch[0] + ch[-1])  # constant in space
    _, key = np.unique(loc_ch, return_inverse=True)
    picks = {"cdp": np.asarray(key).ravel(), "chainage_m": loc_ch, "time_s": np.asarray(table["time_s"], float),
             "vrms_m_s": np.asarray(table["vrms_m_s"], float)}
    locs = np.unique(loc_ch)
    report["velocity"] = dict(table.get("attrs", {}), n_locations=int(locs.size))
    return velocity_field(picks, ch, t), float(np.median(np.diff(locs))) if locs.size > 1 else 0.0


def section_from_gather(
    g: xr.Dataset,
    *,
    velocity: dict[str, Any] | None = None,
    velocity_m_s: float | None = None,
    trace_spacing_m: float | None = None,
    coordinate_units: str | None = None,
    inline: int | None = None,
    crossline: int | None = None,
    line: str = "section",
) -> xr.Dataset:
    """A post-stack gather (one trace per CMP) as a time section for :func:`~geoexplore.seismic.reflection.imaging.migrate`.

    Parameters
    ----------
    g : xarray.Dataset
        A gather (:mod:`geoexplore.seismic.gather`) read from a post-stack file.
    velocity : dict, optional
        A velocity table (:func:`geoexplore.seismic.io.velocity.read_velocity`).
    velocity_m_s : float, optional
        One RMS velocity (m/s) instead of a table.
    trace_spacing_m : float, optional
        Distance between traces (m) when the headers hold no positions (or to override them).
    coordinate_units : {"m", "ft"}, optional
        Units of header coordinates whose unit code is not a length.
    inline, crossline : int, optional
        The line of a 3-D file.

    Returns
    -------
    xarray.Dataset
        ``amplitude`` (time_s, chainage_m), ``vrms_m_s``, ``fold`` (1),
        ``elevation_m`` and ``datum_m`` (0: the section's own datum), attrs
        ``dt_s``, ``bin_m``, ``line``, ``synthetic``, ``geometry_report``,
        ``velocity_location_spacing_m``. A recording delay is kept as leading
        zero samples from 0 s (migration starts at time 0).
    """
    report: dict[str, Any] = {"source": str(g.attrs.get("source_file", "")), "format": str(g.attrs.get("format", ""))}
    g = _select_line(g, inline, crossline, report)
    ch = _positions(g, trace_spacing_m, coordinate_units, report)
    o = np.argsort(ch, kind="stable")
    g, ch = g.isel(trace=o), ch[o]
    dt = float(g.attrs["dt_s"])
    t0 = float(g["time_s"].values[0])
    if t0 < -1e-9 or abs(t0 / dt - round(t0 / dt)) > 1e-6:
        raise GeoexploreError(f"the section starts at {t0 * 1000:g} ms, not a whole number of samples from 0: "
                              "migration needs time 0 on a sample")
    pad = int(round(t0 / dt))
    a = np.nan_to_num(np.asarray(g["data"].values, np.float64))
    a = np.pad(a, ((0, 0), (pad, 0)))
    if pad:
        report["delay"] = f"first sample at {t0 * 1000:g} ms: {pad} zero sample(s) put in front"
    t = np.arange(a.shape[1]) * dt
    vr, vspace = _velocity(velocity, velocity_m_s, g, ch, t, report)
    elev = np.zeros(ch.size)
    bin_m = float(np.median(np.diff(ch))) if ch.size > 1 else float(trace_spacing_m or 1.0)
    out = xr.Dataset(
        {
            "amplitude": (("time_s", "chainage_m"), a.T.astype(np.float32)),
            "fold": ("chainage_m", np.ones(ch.size)),
            "vrms_m_s": (("time_s", "chainage_m"), vr.T.astype(np.float32)),
            "elevation_m": ("chainage_m", elev),
            "datum_m": ("chainage_m", elev),
            "cdp": ("chainage_m", np.asarray(g["cdp"].values)),
        },
        coords={"time_s": t, "chainage_m": ch},
        attrs={"dt_s": dt, "line": line, "synthetic": int("SYNTHETIC" in str(g.attrs.get("textual_header", "")).upper()),
               "bin_m": bin_m, "datum": "section", "replacement_velocity_m_s": 0.0,
               "geometry_report": json.dumps(report), "velocity_location_spacing_m": vspace},
    )
    out["amplitude"].attrs["description"] = "post-stack section as read"
    return out


__all__ = ["section_from_gather"]
