"""The transfer-function container shared by every MT module.

One station's transfer functions are an :class:`xarray.Dataset`:

* dimensions ``period_s`` (increasing), ``out`` (``ex``, ``ey``) and ``in``
  (``hx``, ``hy``) for the impedance, ``tout`` (``hz``) for the tipper;
* ``z`` (period_s, out, in), complex, in **mV/km/nT** (field units, as in
  EDI files); ``z_err`` the standard deviation of each element (same units,
  real, NaN if unknown);
* ``t`` (period_s, tout, in), complex, dimensionless tipper, and ``t_err``
  (optional; NaN when not measured);
* attributes: ``station``, ``lat_deg``, ``lon_deg``, ``elevation_m``,
  ``chainage_m`` (NaN if unknown), ``rotation_deg`` (the angle of the
  measurement x axis clockwise from geographic north), ``synthetic`` (0/1),
  ``time_convention`` (always ``"exp(+i omega t)"``; see below), ``source``.

Conventions (normalised on reading, so every module can rely on them):

* x = north, y = east, z = down; time dependence exp(+i omega t).
* apparent resistivity rho_a = 0.2 * T * abs(Z)^2 (ohm-m, Z in mV/km/nT);
  phase = arg(Z) in degrees: Zxy in the first quadrant (about +45 deg over a
  half-space), Zyx in the third quadrant (about -135 deg). Codes that
  report Zyx folded into the first quadrant (phase_yx + 180) say so in their
  output; :func:`phase_deg` never folds.
* Z[ohm] = Z[mV/km/nT] * 4e-4 * pi (mu0 * 1e3)
  (:data:`MVKMNT_TO_OHM`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

MU0 = 4e-7 * np.pi
#: Z in ohm = Z in mV/km/nT times this (mu0 * 1e3 = 4e-4 pi)
MVKMNT_TO_OHM = MU0 * 1e3
TIME_CONVENTION = "exp(+i omega t)"


def make_tf(
    period_s: Any,
    z: Any,
    z_err: Any | None = None,
    t: Any | None = None,
    t_err: Any | None = None,
    **attrs: Any,
) -> Any:
    """Build a transfer-function Dataset (see module docstring).

    Parameters
    ----------
    period_s : (n,) array
        Periods in seconds (sorted on output).
    z : (n, 2, 2) complex array
        Impedance in mV/km/nT.
    z_err : (n, 2, 2) array, optional
        Standard deviation of each element.
    t : (n, 1, 2) complex array, optional
        Tipper (Tzx, Tzy).
    t_err : (n, 1, 2) array, optional
    **attrs
        station, lat_deg, lon_deg, elevation_m, chainage_m, rotation_deg,
        synthetic, source.
    """
    import xarray as xr

    p = np.asarray(period_s, float)
    order = np.argsort(p)
    n = p.size
    z = np.asarray(z, complex).reshape(n, 2, 2)[order]
    z_err = np.full((n, 2, 2), np.nan) if z_err is None else np.asarray(z_err, float).reshape(n, 2, 2)[order]
    t = np.full((n, 1, 2), np.nan + 0j) if t is None else np.asarray(t, complex).reshape(n, 1, 2)[order]
    t_err = np.full((n, 1, 2), np.nan) if t_err is None else np.asarray(t_err, float).reshape(n, 1, 2)[order]
    base = {
        "station": "",
        "lat_deg": np.nan,
        "lon_deg": np.nan,
        "elevation_m": np.nan,
        "chainage_m": np.nan,
        "rotation_deg": 0.0,
        "synthetic": 0,
        "time_convention": TIME_CONVENTION,
        "source": "",
    }
    base.update(attrs)
    return xr.Dataset(
        {
            "z": (("period_s", "out", "in"), z, {"units": "mV/km/nT"}),
            "z_err": (("period_s", "out", "in"), z_err, {"units": "mV/km/nT", "meaning": "standard deviation"}),
            "t": (("period_s", "tout", "in"), t, {"units": "1"}),
            "t_err": (("period_s", "tout", "in"), t_err, {"units": "1", "meaning": "standard deviation"}),
        },
        coords={"period_s": p[order], "out": ["ex", "ey"], "in": ["hx", "hy"], "tout": ["hz"]},
        attrs=base,
    )


def apparent_resistivity(z_mvkmnt: Any, period_s: Any) -> np.ndarray:
    """rho_a = 0.2 T abs(Z)^2 (ohm-m) for Z in mV/km/nT; broadcasts period over trailing axes."""
    p = np.asarray(period_s, float)
    z = np.asarray(z_mvkmnt)
    return 0.2 * p.reshape(p.shape + (1,) * (z.ndim - p.ndim)) * np.abs(z) ** 2


def phase_deg(z: Any) -> np.ndarray:
    """Impedance phase in degrees, range (-180, 180] (no folding)."""
    return np.degrees(np.angle(np.asarray(z)))


def normalise_time_convention(z: np.ndarray, t: np.ndarray | None) -> tuple[np.ndarray, np.ndarray | None, str]:
    """Conjugate impedances given for exp(-i omega t) (Zxy in the 4th, Zyx in the 2nd quadrant).

    Returns the (possibly conjugated) arrays and a note ('' when unchanged).
    """
    pxy = np.degrees(np.angle(z[:, 0, 1]))
    pyx = np.degrees(np.angle(z[:, 1, 0]))
    ok = np.isfinite(pxy) & np.isfinite(pyx)
    if ok.sum() == 0:
        return z, t, ""
    frac_neg = np.mean(((pxy[ok] < 0) & (pxy[ok] > -90)) & ((pyx[ok] > 90) & (pyx[ok] <= 180)))
    if frac_neg > 0.8:
        return np.conj(z), (None if t is None else np.conj(t)), "conjugated from exp(-i omega t)"
    return z, t, ""
