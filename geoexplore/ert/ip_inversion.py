"""Induced polarisation: chargeability (or phase) inverted on the DC resistivity model.

Seigel's (1959) definition: a polarisable earth behaves as the DC earth
with every resistivity raised to ``rho / (1 - m)``, so the apparent
chargeability is ``m_a = 1 - rho_a(rho) / rho_a(rho / (1 - m))``. For small
chargeabilities this is linear in the intrinsic chargeabilities, with the
DC sensitivities (Oldenburg and Li 1994)::

    m_a,i = sum_j (d ln rho_a,i / d ln rho_j) m_j

The Jacobian of the final DC model (pyGIMLi's, the same mesh) is the IP
forward operator; the same holds for small phases in frequency-domain IP
(``phi_a = sum_j J_ij phi_j``). :func:`invert_ip` solves the linear,
regularised least-squares problem::

    min ||W (m_a - J m)||^2 + lam ||C m||^2

with ``W = 1 / (absolute_error + relative_error |m_a|)``, ``C`` the DC
inversion's smoothness rows plus a small area-weighted smallness (the
rows of :func:`geoexplore.ert.doi.constraint_matrix`), and lambda chosen by
bisection in log lambda so that chi2 is within the target band (the
smoothest model on the target; if even the smallest lambda cannot reach it,
that model is returned and the summary says so). Its DOI index is the
Oldenburg-Li index of this linear problem: exact, two reference
chargeabilities, one solve.

Seigel, H.O. (1959). Mathematical formulation and type curves for induced
polarization. Geophysics 24, 547-565. Oldenburg, D.W., Li, Y. (1994).
Inversion of induced polarization data. Geophysics 59, 1327-1341.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from geoexplore.core.errors import GeoexploreError

#: IP data columns of ERTData and their units
IP_COLUMNS = {"chargeability_mv_v": "mV/V", "ip_mrad": "mrad"}


@dataclass
class IPResult:
    """Intrinsic chargeability (or phase) of the parameter cells.

    Attributes
    ----------
    values : ndarray, shape (n_cells,)
        Chargeability (mV/V) or phase (mrad), in ``unit``.
    column : str
        The data column inverted (``chargeability_mv_v`` or ``ip_mrad``).
    unit : str
    response : ndarray, shape (n_data,)
        Modelled apparent chargeability/phase.
    chi2 : float
    lam : float
    doi_index : ndarray, shape (n_cells,)
        Normalised Oldenburg-Li DOI index of the IP problem.
    lambda_table : list of dict
        The lambdas tried and their chi2.
    stop_reason : str
        ``"target"`` or ``"noise_floor"``: even the smallest lambda (1e-4) leaves chi2 above the band (errors
        too small for the data's noise); then the smoothest model within ``chi2_tolerance`` (relative) of
        that floor is returned.
    """

    values: np.ndarray
    column: str
    unit: str
    response: np.ndarray
    chi2: float
    lam: float
    doi_index: np.ndarray
    lambda_table: list[dict[str, float]] = field(default_factory=list)
    stop_reason: str = "target"

    def summary(self) -> dict[str, Any]:
        """column, unit, chi2, lam, stop_reason, value range, lambda table."""
        return {"column": self.column, "unit": self.unit, "chi2": float(self.chi2), "lam": float(self.lam),
                "stop_reason": self.stop_reason, "min": float(np.min(self.values)),
                "max": float(np.max(self.values)), "lambda_table": self.lambda_table}


def ip_column(data: Any) -> str | None:
    """The IP column of the data (chargeability first), or None."""
    for col in IP_COLUMNS:
        if data.has(col) and np.any(np.isfinite(data.data[col].to_numpy(float))):
            return col
    return None


def solve_linear(jw: np.ndarray, dw: np.ndarray, ctc: np.ndarray, lam: float) -> np.ndarray:
    """argmin ||jw m - dw||^2 + lam m' ctc m (dense normal equations)."""
    return np.linalg.solve(jw.T @ jw + lam * ctc, jw.T @ dw)


def choose_lambda(jw: np.ndarray, dw: np.ndarray, ctc: np.ndarray, target: float, tolerance: float,
                  lam_max: float = 1e4, lam_min: float = 1e-4, max_solves: int = 30
                  ) -> tuple[float, np.ndarray, list[dict[str, float]], str]:
    """Largest lambda whose chi2 is within the target band (bisection in log lambda).

    Returns
    -------
    (lam, model, table, reason) : reason ``"target"`` or ``"noise_floor"`` (then the band is
        ``tolerance`` relative around the floor chi2 at ``lam_min`` times ``1 + tolerance``).
    """
    n = len(dw)
    table: list[dict[str, float]] = []

    def chi2_at(lam: float) -> tuple[float, np.ndarray]:
        m = solve_linear(jw, dw, ctc, lam)
        c = float(np.sum((jw @ m - dw) ** 2) / n)
        table.append({"lam": float(lam), "chi2": c})
        return c, m

    reason = "target"
    c_lo, m_lo = chi2_at(lam_min)
    if c_lo > target + tolerance:  # a noise floor: the smoothest model within the band above the floor
        reason, target = "noise_floor", c_lo * (1.0 + tolerance)
        tolerance = c_lo * tolerance
    c_hi, m_hi = chi2_at(lam_max)
    if c_hi <= target + tolerance:
        return lam_max, m_hi, table, reason
    a, b = np.log(lam_min), np.log(lam_max)  # chi2(a) <= band top < chi2(b)
    best = (lam_min, m_lo, c_lo)
    for _ in range(max_solves):
        mid = 0.5 * (a + b)
        c, m = chi2_at(float(np.exp(mid)))
        if c <= target + tolerance:
            best = (float(np.exp(mid)), m, c)
            a = mid
            if c >= target - tolerance:
                break
        else:
            b = mid
    return best[0], best[1], table, reason


def invert_ip(data: Any, manager: Any, settings: Any) -> IPResult:
    """Invert the IP column of ``data`` on the final DC model of ``manager``.

    Parameters
    ----------
    data : ERTData
        The data of the DC inversion, with ``chargeability_mv_v`` or ``ip_mrad``.
    manager : pyGIMLi ERTManager
        The finished DC inversion (its last Jacobian, mesh and forward operator).
    settings : InversionSettings
        ``ip`` (errors), ``chi2_target``, ``chi2_tolerance``, ``z_weight``, ``doi_smallness``.

    Returns
    -------
    IPResult
    """
    from geoexplore.ert.doi import constraint_matrix, linearised_doi, log_jacobian

    col = ip_column(data)
    if col is None:
        raise GeoexploreError("IP inversion asked for (ip.invert 'on') but the data carry no chargeability "
                              "(chargeability_mv_v) or phase (ip_mrad)")
    d = data.data[col].to_numpy(float)
    ok = np.isfinite(d)
    if ok.sum() < 3:
        raise GeoexploreError(f"IP inversion needs at least 3 finite {col} values, got {int(ok.sum())}")
    ips = settings.ip
    err = ips.absolute_error + ips.relative_error * np.abs(d)
    j = log_jacobian(manager)
    area = np.array([c.size() for c in manager.paraDomain.cells()])
    c = constraint_matrix(manager.fop, area, data.spacing(), settings.doi_smallness, settings.z_weight)
    ctc = (c.T @ c).toarray()
    w = 1.0 / err[ok]
    jw = j[ok] * w[:, None]
    lam, m, table, reason = choose_lambda(jw, d[ok] * w, ctc, settings.chi2_target, settings.chi2_tolerance)
    resp = j @ m
    chi2 = float(np.mean(((resp[ok] - d[ok]) * w) ** 2))
    doi = linearised_doi(j[ok], w, c, lam)
    if doi.max() > 0:
        doi = doi / doi.max()
    return IPResult(values=m, column=col, unit=IP_COLUMNS[col], response=resp, chi2=chi2, lam=lam, doi_index=doi,
                    lambda_table=table, stop_reason=reason)


__all__ = ["IPResult", "IP_COLUMNS", "choose_lambda", "invert_ip", "ip_column", "solve_linear"]
