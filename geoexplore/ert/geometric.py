"""Geometric factors, array classification and analytic layered-earth responses.

All kernels are pure NumPy. Electrodes are rows ``x, y, z`` (m); quadrupoles
are electrode numbers from 1 with 0 for a remote electrode at infinity.

For surface electrodes on flat ground (point sources on a half-space)::

    U_MN / I = rho / (2 pi) * (1/AM - 1/AN - 1/BM + 1/BN)
    K = 2 pi / (1/AM - 1/AN - 1/BM + 1/BN)        (rho_a = K R)

where a term is dropped when either of its electrodes is remote.
"""

from __future__ import annotations

from typing import Any

import numpy as np

ARRAY_NAMES = (
    "wenner-alpha", "wenner-gamma", "schlumberger", "dipole-dipole",
    "pole-dipole", "dipole-pole", "pole-pole", "gradient", "general",
)


def _inv_dist(p: np.ndarray, q: np.ndarray, *, horizontal: bool = False) -> np.ndarray:
    """1/|p-q| with 0 where either point is NaN (remote)."""
    d = p - q
    if horizontal:
        d = d[:, :2]
    r = np.sqrt(np.sum(d * d, axis=1))
    out = np.zeros(len(r))
    ok = np.isfinite(r)
    with np.errstate(divide="ignore"):
        out[ok] = 1.0 / r[ok]
    return out


def _quad_positions(electrodes: np.ndarray, abmn: np.ndarray) -> list[np.ndarray]:
    el = np.asarray(electrodes, float)
    if el.shape[1] == 2:
        el = np.column_stack([el[:, 0], np.zeros(len(el)), el[:, 1]])
    q = np.asarray(abmn, np.int64)
    out = []
    for k in range(4):
        p = np.full((len(q), 3), np.nan)
        ok = q[:, k] > 0
        p[ok] = el[q[ok, k] - 1]
        out.append(p)
    return out


def geometric_factors(electrodes: np.ndarray, abmn: np.ndarray) -> np.ndarray:
    """Analytic geometric factors for surface electrodes on flat ground.

    Parameters
    ----------
    electrodes : ndarray, shape (n_electrodes, 3) or (n_electrodes, 2)
        Positions x, y, z (or x, z). Straight-line distances between the
        electrodes are used (as pyGIMLi's analytic factors do); over
        topography use :func:`numerical_geometric_factors`.
    abmn : ndarray, shape (n_data, 4)
        Electrode numbers from 1, 0 = remote electrode at infinity.

    Returns
    -------
    ndarray, shape (n_data,)
        K in metres (inf where the electrode configuration measures nothing).
    """
    a, b, m, n = _quad_positions(electrodes, abmn)
    g = _inv_dist(a, m) - _inv_dist(a, n) - _inv_dist(b, m) + _inv_dist(b, n)
    with np.errstate(divide="ignore"):
        return np.where(g != 0, 2.0 * np.pi / np.where(g != 0, g, 1.0), np.inf)


def classify_arrays(electrodes: np.ndarray, abmn: np.ndarray, *, rtol: float = 1e-3) -> np.ndarray:
    """Name the array type of every quadrupole (one of :data:`ARRAY_NAMES`).

    The pattern is judged on the electrode numbers (take-out indices along
    the line, as the readers number electrodes in order of position), so a
    Wenner array stays a Wenner array over uneven topography. Dipole-dipole
    includes n = 1 with equal dipoles (Wenner-beta).
    """
    q = np.asarray(abmn, np.int64)
    a, b, m, n = (np.where(q[:, k] > 0, q[:, k].astype(float), np.nan) for k in range(4))
    out = np.full(len(a), "general", dtype=object)
    fa, fb, fm, fn = (np.isfinite(v) for v in (a, b, m, n))
    out[(fa ^ fb) & (fm ^ fn)] = "pole-pole"
    out[(fa ^ fb) & fm & fn] = "pole-dipole"
    out[fa & fb & (fm ^ fn)] = "dipole-pole"
    full = fa & fb & fm & fn
    idx = np.where(full)[0]
    for i in idx:
        c1, c2 = sorted((a[i], b[i]))
        p1, p2 = sorted((m[i], n[i]))
        s = sorted((a[i], b[i], m[i], n[i]))
        gaps = np.diff(s)
        scale = max(s[-1] - s[0], 1e-12)
        equal = np.all(np.abs(gaps - gaps[0]) <= rtol * scale) and gaps[0] > 0
        if c1 < p1 and p2 < c2:  # potential dipole inside the current dipole
            if equal:
                out[i] = "wenner-alpha"
            elif abs((p1 - c1) - (c2 - p2)) <= rtol * scale:
                out[i] = "schlumberger"
            else:
                out[i] = "gradient"
        elif c2 <= p1 or p2 <= c1:  # separate dipoles (n = 1 with equal gaps is Wenner-beta)
            out[i] = "dipole-dipole"
        elif equal and (c1 < p1 < c2 < p2 or p1 < c1 < p2 < c2):
            out[i] = "wenner-gamma"
    return out.astype(str)


def numerical_geometric_factors(data: Any, **kwargs: Any) -> np.ndarray:
    """Geometric factors with topography from a homogeneous pyGIMLi forward run.

    Parameters
    ----------
    data : ERTData
        Electrodes with elevation.
    **kwargs
        Passed to ``pygimli.physics.ert.createGeometricFactors``.

    Returns
    -------
    ndarray, shape (n_data,)
        K (m) such that the simulated apparent resistivity of a 1 ohm-m
        half-space under the same topography is 1.
    """
    from geoexplore.core.gimli import import_pygimli, set_threads

    import_pygimli()
    from pygimli.physics import ert  # noqa: PLC0415 - after the contained import

    set_threads(None)
    dc = data.to_pygimli(include_k=False)
    k = ert.createGeometricFactors(dc, numerical=True, verbose=False, **kwargs)
    return np.asarray(k, float)


def two_layer_potential(r: np.ndarray, rho1: float, rho2: float, h: float, *, n_terms: int = 2000) -> np.ndarray:
    """Surface potential of a unit point current on a two-layer earth (image series).

    ``V(r) = rho1 / (2 pi) [1/r + 2 sum_{j>=1} k^j / sqrt(r^2 + (2 j h)^2)]``
    with ``k = (rho2 - rho1) / (rho2 + rho1)`` (Telford et al. 1990, eq. 8.39).

    Parameters
    ----------
    r : ndarray
        Distances from the source (m), > 0.
    rho1, rho2 : float
        Resistivity of the top layer and of the substratum (ohm m).
    h : float
        Thickness of the top layer (m).
    n_terms : int
        Image terms (|k|^n_terms must be negligible).

    Returns
    -------
    ndarray
        Potential per unit current (V/A = ohm), same shape as ``r``.
    """
    r = np.asarray(r, float)
    k = (rho2 - rho1) / (rho2 + rho1)
    j = np.arange(1, n_terms + 1)
    kj = k**j
    keep = np.abs(kj) > 1e-16
    j, kj = j[keep], kj[keep]
    s = (kj / np.sqrt(r[..., None] ** 2 + (2.0 * j * h) ** 2)).sum(axis=-1)
    return rho1 / (2.0 * np.pi) * (1.0 / r + 2.0 * s)


def two_layer_apparent_resistivity(
    electrodes: np.ndarray, abmn: np.ndarray, rho1: float, rho2: float, h: float
) -> np.ndarray:
    """Apparent resistivity of any surface array over a two-layer earth (image series).

    Returns
    -------
    ndarray, shape (n_data,)
        rho_a (ohm m) = K * (V_M - V_N) for unit current with A = +1, B = -1.
    """
    a, b, m, n = _quad_positions(electrodes, abmn)

    def pot(src: np.ndarray, rec: np.ndarray) -> np.ndarray:
        ok = np.isfinite(src[:, 0]) & np.isfinite(rec[:, 0])
        out = np.zeros(len(src))
        r = np.linalg.norm((src - rec)[ok], axis=1)
        out[ok] = two_layer_potential(r, rho1, rho2, h)
        return out

    u = pot(a, m) - pot(a, n) - pot(b, m) + pot(b, n)
    return geometric_factors(electrodes, abmn) * u


def wenner_two_layer(a_m: np.ndarray, rho1: float, rho2: float, h: float, *, n_terms: int = 2000) -> np.ndarray:
    """Closed-form Wenner-alpha apparent resistivity over two layers.

    ``rho_a = rho1 [1 + 4 sum k^j (1/sqrt(1 + (2jh/a)^2) - 1/sqrt(4 + (2jh/a)^2))]``
    """
    a = np.asarray(a_m, float)[..., None]
    k = (rho2 - rho1) / (rho2 + rho1)
    j = np.arange(1, n_terms + 1)
    t = 2.0 * j * h / a
    s = (k**j * (1.0 / np.sqrt(1.0 + t**2) - 1.0 / np.sqrt(4.0 + t**2))).sum(axis=-1)
    return rho1 * (1.0 + 4.0 * s)


def pseudo_positions(electrodes: np.ndarray, abmn: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pseudosection plotting positions: midpoint (m) and pseudo-depth (m, positive down).

    The midpoint is the mean x of the finite electrodes; the pseudo-depth is
    the median depth of investigation of Edwards (1977), approximated as
    0.19 x the largest electrode separation for surface arrays (0.35 x for
    pole-pole).
    """
    a, b, m, n = (p[:, 0] for p in _quad_positions(electrodes, abmn))
    xs = np.column_stack([a, b, m, n])
    mid = np.nanmean(xs, axis=1)
    span = np.nanmax(xs, axis=1) - np.nanmin(xs, axis=1)
    finite = np.isfinite(xs).sum(axis=1)
    depth = np.where(finite == 2, 0.35, np.where(finite == 3, 0.26, 0.19)) * span
    return mid, depth


#: old name of :func:`classify_arrays`, kept for one release
classify = classify_arrays
