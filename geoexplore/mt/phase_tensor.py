"""Phase tensor (Caldwell, Bibby and Brown 2004), dimensionality and regional strike.

With ``Z = X + iY`` the phase tensor is ``Phi = X^-1 Y`` (real, 2x2). It is
unaffected by galvanic distortion of the electric field (static shift).
Following Caldwell et al. (2004) and Bibby et al. (2005)::

    Pi1 = sqrt((P11 - P22)^2 + (P12 + P21)^2) / 2
    Pi2 = sqrt((P11 + P22)^2 + (P12 - P21)^2) / 2
    phi_max = Pi2 + Pi1,  phi_min = Pi2 - Pi1        (reported as arctan, deg)
    alpha = arctan2(P12 + P21, P11 - P22) / 2
    beta  = arctan2(P12 - P21, P11 + P22) / 2         (skew angle)
    ellipticity = (phi_max - phi_min) / (phi_max + phi_min)
    strike = alpha - beta                            (major-axis direction)

Angles are clockwise from the x axis of the tensor's frame (north when
``rotation_deg`` = 0). Over a 2D earth the major axis is parallel or
perpendicular to the geoelectric strike: **the phase tensor (like every
impedance-based strike) has a 90 deg ambiguity**, resolved only by geology
or the tipper.

Dimensionality (Bibby et al. 2005; Booker 2014 thresholds): ``1D`` if
``|beta| < skew_max_deg`` and ellipticity < ``ellipticity_max``; ``2D`` if
``|beta| < skew_max_deg``; else ``3D``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

DIM_CODES = {"1D": 1, "2D": 2, "3D": 3}


def phase_tensor(z: Any) -> np.ndarray:
    """``Phi = X^-1 Y`` of impedances ``z`` (..., 2, 2) complex; NaN where X is singular."""
    z = np.asarray(z)
    x, y = z.real, z.imag
    det = x[..., 0, 0] * x[..., 1, 1] - x[..., 0, 1] * x[..., 1, 0]
    ok = np.abs(det) > 1e-300
    d = np.where(ok, det, np.nan)
    inv = np.stack(
        [np.stack([x[..., 1, 1], -x[..., 0, 1]], -1), np.stack([-x[..., 1, 0], x[..., 0, 0]], -1)], -2
    ) / d[..., None, None]
    return inv @ y


def invariants(phi: Any) -> dict[str, np.ndarray]:
    """Phase-tensor parameters of ``phi`` (..., 2, 2).

    Returns
    -------
    dict with ``phi_max_deg``, ``phi_min_deg`` (arctan of the principal values),
    ``alpha_deg``, ``beta_deg`` (skew), ``ellipticity``, ``strike_deg``
    (alpha - beta, in [0, 180)), ``phi_det_deg`` (arctan of sqrt(det)).
    """
    p = np.asarray(phi, float)
    p11, p12, p21, p22 = p[..., 0, 0], p[..., 0, 1], p[..., 1, 0], p[..., 1, 1]
    pi1 = 0.5 * np.hypot(p11 - p22, p12 + p21)
    pi2 = 0.5 * np.hypot(p11 + p22, p12 - p21)
    pmax, pmin = pi2 + pi1, pi2 - pi1
    alpha = 0.5 * np.degrees(np.arctan2(p12 + p21, p11 - p22))
    beta = 0.5 * np.degrees(np.arctan2(p12 - p21, p11 + p22))
    with np.errstate(divide="ignore", invalid="ignore"):
        ell = (pmax - pmin) / (pmax + pmin)
    det = p11 * p22 - p12 * p21
    return {
        "phi_max_deg": np.degrees(np.arctan(pmax)),
        "phi_min_deg": np.degrees(np.arctan(pmin)),
        "alpha_deg": alpha,
        "beta_deg": beta,
        "ellipticity": ell,
        "strike_deg": np.mod(alpha - beta, 180.0),
        "phi_det_deg": np.degrees(np.arctan(np.sqrt(np.abs(det)))) * np.sign(det),
    }


def invariant_errors(z: Any, z_err: Any, *, n_draws: int = 200, seed: int = 0) -> dict[str, np.ndarray]:
    """Standard deviations of the :func:`invariants` by Monte-Carlo propagation of ``z_err``.

    ``z_err`` is the standard deviation of each of the real and imaginary
    parts; draws use a fixed ``seed``. Angles use circular statistics
    (period 180 deg for strike and alpha).
    """
    z = np.asarray(z)
    e = np.nan_to_num(np.asarray(z_err, float))
    rng = np.random.default_rng(seed)
    shape = (n_draws,) + z.shape
    draws = z[None] + e[None] * (rng.standard_normal(shape) + 1j * rng.standard_normal(shape))
    inv = invariants(phase_tensor(draws))
    out = {}
    for k, v in inv.items():
        if k in ("strike_deg", "alpha_deg"):
            a = np.deg2rad(2 * v)
            r = np.hypot(np.nanmean(np.cos(a), 0), np.nanmean(np.sin(a), 0))
            out[k] = np.degrees(np.sqrt(-2 * np.log(np.clip(r, 1e-12, 1.0)))) / 2
        else:
            out[k] = np.nanstd(v, axis=0)
    return out


def dimensionality(beta_deg: Any, ellipticity: Any, *, skew_max_deg: float = 3.0, ellipticity_max: float = 0.1) -> np.ndarray:
    """Classify each tensor as 1 (1D), 2 (2D) or 3 (3D); see module docstring."""
    b = np.abs(np.asarray(beta_deg, float))
    e = np.asarray(ellipticity, float)
    out = np.full(b.shape, 3, dtype=np.int8)
    out[(b < skew_max_deg) & (e >= ellipticity_max)] = 2
    out[(b < skew_max_deg) & (e < ellipticity_max)] = 1
    return out


def regional_strike(
    strike_deg: Any,
    *,
    weights: Any | None = None,
    profile_azimuth_deg: float | None = None,
) -> dict[str, float]:
    """Regional strike from many phase-tensor strikes (circular mean, period 90 deg).

    The 90 deg ambiguity is inherent: ``strike_deg`` and ``strike_deg + 90``
    are equally consistent with the data. If ``profile_azimuth_deg`` is
    given, the returned ``strike_deg`` is the candidate closer to
    perpendicular to the profile (the usual survey design); the other is
    ``alternative_deg``.

    Parameters
    ----------
    strike_deg : array
        Individual strikes (deg, clockwise from north); NaNs ignored.
    weights : array, optional
        e.g. ellipticity (1D tensors carry no strike information).

    Returns
    -------
    dict: ``strike_deg`` in [0, 180), ``alternative_deg``, ``spread_deg``
    (circular standard deviation), ``n`` (number used), ``ambiguity_deg`` = 90.
    """
    s = np.asarray(strike_deg, float).ravel()
    w = np.ones_like(s) if weights is None else np.asarray(weights, float).ravel()
    ok = np.isfinite(s) & np.isfinite(w) & (w > 0)
    if not np.any(ok):
        raise ValueError("regional strike: no finite strikes with positive weight")
    a = np.deg2rad(4 * s[ok])
    c, si = np.average(np.cos(a), weights=w[ok]), np.average(np.sin(a), weights=w[ok])
    mean = np.mod(np.degrees(np.arctan2(si, c)) / 4, 90.0)
    r = np.hypot(c, si)
    spread = np.degrees(np.sqrt(-2 * np.log(np.clip(r, 1e-12, 1.0)))) / 4
    cands = [mean, mean + 90.0]
    if profile_azimuth_deg is not None:
        perp = lambda c_: abs(((c_ - profile_azimuth_deg) % 180.0) - 90.0)  # noqa: E731
        cands.sort(key=perp)
    return {
        "strike_deg": float(cands[0] % 180.0),
        "alternative_deg": float(cands[1] % 180.0),
        "spread_deg": float(spread),
        "n": int(ok.sum()),
        "ambiguity_deg": 90.0,
    }


def phase_tensor_dataset(ds: Any, *, skew_max_deg: float = 3.0, ellipticity_max: float = 0.1, n_draws: int = 200) -> Any:
    """Phase-tensor parameters of a transfer-function Dataset (period_s), with errors and dimensionality."""
    import xarray as xr

    z = ds["z"].values
    phi = phase_tensor(z)
    inv = invariants(phi)
    err = invariant_errors(z, ds["z_err"].values, n_draws=n_draws) if n_draws else {}
    rot = float(ds.attrs.get("rotation_deg", 0.0))
    data: dict[str, Any] = {"phi": (("period_s", "i", "j"), phi)}
    for k, v in inv.items():
        if k in ("alpha_deg", "strike_deg"):
            v = np.mod(v + rot, 180.0)  # to geographic (clockwise from north)
        data[k] = ("period_s", v)
        if k in err:
            data[k.replace("_deg", "") + "_err" + ("_deg" if k.endswith("_deg") else "")] = ("period_s", err[k])
    data["dimensionality"] = (
        "period_s",
        dimensionality(inv["beta_deg"], inv["ellipticity"], skew_max_deg=skew_max_deg, ellipticity_max=ellipticity_max),
    )
    out = xr.Dataset(data, coords={"period_s": ds["period_s"].values, "i": [0, 1], "j": [0, 1]}, attrs=dict(ds.attrs))
    out.attrs.update({"skew_max_deg": skew_max_deg, "ellipticity_max": ellipticity_max,
                      "dimensionality_codes": "1=1D 2=2D 3=3D", "strike_reference": "clockwise from north, 90 deg ambiguity"})
    return out
