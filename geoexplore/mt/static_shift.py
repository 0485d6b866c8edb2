"""Static shift of one station: how large it looks, and two corrections.

Static shift is a real, frequency-independent scaling of the electric field
by near-surface bodies smaller than the shallowest skin depth: apparent
resistivities are multiplied by a factor ``s`` (per electric-field
direction), phases are unchanged (:func:`geoexplore.mt.analysis.apply_static_shift`
divides a row of Z by ``sqrt(s)``).

What one station can tell (and what it cannot):

* **From the phase** (:func:`mode_split`, method ``phase``). Where the Zxy and
  -Zyx phases agree within ``phase_tolerance_deg`` the structure sensed is
  1D, so the two apparent-resistivity curves must coincide there; their
  median log ratio over those periods is the *relative* shift ``s_x / s_y``.
  The correction moves both modes to their geometric mean
  (``s_x = sqrt(ratio)``, ``s_y = 1 / sqrt(ratio)``). The phase cannot give
  the absolute level (a layered earth scaled by ``c`` in resistivity and
  ``sqrt(c)`` in depth has the same phases), so the determinant, whose
  magnitude carries ``sqrt(s_x s_y)``, is left unchanged by this correction.
* **From a near-surface resistivity given by the user** (ERT, TEM;
  :func:`shift_from_reference`, method ``reference``). The 1D response of the
  given near-surface column is computed at the periods whose Bostick depth
  (of that response) lies within the depth the column is known to; the
  factor of each mode is the median ratio of observed to predicted apparent
  resistivity there. The phase misfit over the same periods is reported: if
  it is large the reference does not describe what those periods sense.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from geoexplore.mt.analysis import apply_static_shift
from geoexplore.mt.tfdata import MU0


def _modes(tf: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    T = tf["period_s"].values
    z = tf["z"].values
    zxy, zyx = z[:, 0, 1], -z[:, 1, 0]
    rxy, ryx = 0.2 * T * np.abs(zxy) ** 2, 0.2 * T * np.abs(zyx) ** 2
    return T, rxy, ryx, np.degrees(np.angle(zxy)), np.degrees(np.angle(zyx))


def mode_split(tf: Any, *, phase_tolerance_deg: float = 2.0, period_max_s: float | None = None,
               min_periods: int = 3) -> dict[str, Any]:
    """Relative static shift of the two modes from the periods where their phases agree.

    Parameters
    ----------
    tf : xarray.Dataset
        Transfer functions (``z``, ``period_s``).
    phase_tolerance_deg : float
        Periods with ``|phase_xy - phase_yx| <= phase_tolerance_deg`` (the
        -Zyx phase moved to the first quadrant) count as 1D.
    period_max_s : float, optional
        Only periods up to this value (the near-surface part of the curve).
    min_periods : int
        Fewer agreeing periods than this give no estimate (ratio NaN).

    Returns
    -------
    dict
        ``ratio`` (rho_xy / rho_yx, median over the 1D periods; NaN if none),
        ``n_periods``, ``spread`` (factor of the 16-84 % range of the ratio),
        ``factors`` (``(s_x, s_y)`` of the phase correction).
    """
    T, rxy, ryx, pxy, pyx = _modes(tf)
    ok = np.isfinite(rxy) & np.isfinite(ryx) & (rxy > 0) & (ryx > 0) & (np.abs(pxy - pyx) <= phase_tolerance_deg)
    if period_max_s is not None:
        ok &= T <= period_max_s
    if ok.sum() < min_periods:
        return {"ratio": float("nan"), "n_periods": int(ok.sum()), "spread": float("nan"), "factors": (1.0, 1.0)}
    lr = np.log(rxy[ok] / ryx[ok])
    ratio = float(np.exp(np.median(lr)))
    spread = float(np.exp(0.5 * (np.percentile(lr, 84) - np.percentile(lr, 16)))) if lr.size > 1 else 1.0
    return {"ratio": ratio, "n_periods": int(ok.sum()), "spread": spread,
            "factors": (float(np.sqrt(ratio)), float(1.0 / np.sqrt(ratio)))}


def shift_from_reference(
    tf: Any,
    resistivity_ohm_m: Any,
    thickness_m: Any = (),
    *,
    depth_max_m: float,
) -> dict[str, Any]:
    """Static-shift factors of both modes from a near-surface column given by the user.

    Parameters
    ----------
    resistivity_ohm_m, thickness_m : arrays
        The near-surface column (ERT or TEM), top to bottom; a single value is a
        half-space. Its deepest layer is taken to continue below ``depth_max_m``.
    depth_max_m : float
        Depth (m) to which the column is known (e.g. the ERT depth of
        investigation); only periods whose Bostick depth of the column's response
        is shallower are used.

    Returns
    -------
    dict
        ``factors`` ``(s_x, s_y)`` (observed / reference apparent resistivity;
        the determinant's factor is ``sqrt(s_x s_y)``), ``periods_s`` used,
        ``phase_misfit_deg`` (median |observed - reference| phase, both modes).

    Raises
    ------
    ValueError
        If no period senses only the given depth range.
    """
    from geoexplore.mt.forward1d import mt1d_rho_phase

    T, rxy, ryx, pxy, pyx = _modes(tf)
    rr, pr = mt1d_rho_phase(resistivity_ohm_m, thickness_m, T)
    depth = np.sqrt(rr * T / (2 * np.pi * MU0))
    sel = depth <= depth_max_m
    if not np.any(sel):
        raise ValueError(f"static shift: no period senses only the top {depth_max_m:g} m of the reference column "
                         f"(shortest period {T.min():.3g} s reaches {depth.min():.0f} m Bostick depth)")
    fx = float(np.exp(np.nanmedian(np.log(rxy[sel] / rr[sel]))))
    fy = float(np.exp(np.nanmedian(np.log(ryx[sel] / rr[sel]))))
    mis = float(np.nanmedian(np.abs(np.r_[pxy[sel] - pr[sel], pyx[sel] - pr[sel]])))
    return {"factors": (fx, fy), "periods_s": T[sel], "phase_misfit_deg": mis}


def correct(tf: Any, method: str, *, reference_ohm_m: Any = None, reference_thickness_m: Any = (),
            reference_depth_m: float | None = None, phase_tolerance_deg: float = 2.0) -> tuple[Any, dict[str, Any]]:
    """Static-shift-corrected copy of ``tf`` and the report of what was done.

    Parameters
    ----------
    method : {"none", "phase", "reference"}
        ``none`` only reports the mode split; ``phase`` equalises the modes
        where their phases agree (:func:`mode_split`); ``reference`` scales each
        mode to the user's near-surface column (:func:`shift_from_reference`,
        needs ``reference_ohm_m`` and ``reference_depth_m``).

    Returns
    -------
    tf_corrected, report : Dataset, dict
        ``report``: ``method``, ``mode_ratio`` (xy/yx before the correction),
        ``factors`` applied ``(s_x, s_y)``, and the method's details.
    """
    split = mode_split(tf, phase_tolerance_deg=phase_tolerance_deg)
    rep: dict[str, Any] = {"method": method, "mode_ratio": split["ratio"], "mode_ratio_periods": split["n_periods"],
                           "factors": (1.0, 1.0)}
    if method == "none":
        return tf, rep
    if method == "phase":
        if not np.isfinite(split["ratio"]):
            rep["note"] = f"fewer than 3 periods where the modes' phases agree within {phase_tolerance_deg} deg: not corrected"
            return tf, rep
        fx, fy = split["factors"]
    elif method == "reference":
        if reference_ohm_m is None or reference_depth_m is None:
            raise ValueError("static shift 'reference' needs a reference resistivity and the depth it is known to")
        ref = shift_from_reference(tf, reference_ohm_m, reference_thickness_m, depth_max_m=reference_depth_m)
        fx, fy = ref["factors"]
        rep["phase_misfit_deg"] = ref["phase_misfit_deg"]
        rep["reference_periods"] = int(ref["periods_s"].size)
    else:
        raise ValueError(f"unknown static-shift method {method!r}; use none, phase or reference")
    rep["factors"] = (float(fx), float(fy))
    return apply_static_shift(tf, fx, fy), rep
