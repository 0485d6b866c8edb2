"""Resonance frequency f0 to sediment thickness, with uncertainty from the f0 statistics.

* ``power_law``: h = a * f0**(-b) (h in m, f0 in Hz, b > 0 as published). Published regional fits
  are in :data:`geoexplore.microtremor.settings.POWER_LAW_DEFAULTS`
  (default Ibs-von Seht and Wohlenberg 1999: a = 96, b = -1.388).
* ``quarter_wavelength``: the depth h at which the vertical S travel time
  through the Vs profile reaches 1 / (4 f0) (exact for a uniform layer).
* ``sh_transfer``: the depth h of a half-space under the Vs profile for
  which the exact 1D SH transfer function peaks at f0 (exact for any
  layered profile; use when the profile is graded).

Uncertainty (``thickness_err_m``, half the spread of the thickness at
f0 exp(-+ sigma)):

* sigma of ln f0 is the bootstrap spread of the median curve's peak over the
  windows (:func:`geoexplore.microtremor.stats.bootstrap_f0_sigma_ln`), not
  the standard error sigma_ln / sqrt(n) of the window peaks, which on the
  SYNTHETIC Siping line left half the stations outside +-1 sigma of the exact
  SH resonance;
* the power law adds the uncertainty of its coefficients
  (:func:`power_law_with_error`): a regional fit carried to another basin is
  uncertain by about the spread of the published fits, which is the default
  (:func:`preset_sigma_ln`, ~0.3 in ln h near 1 Hz);
* the Vs-profile conversions carry the f0 term only (the Vs profile's own
  uncertainty is not propagated).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from geoexplore.microtremor.transfer import peak_frequency, sh_transfer

__all__ = ["Thickness", "thickness", "power_law", "power_law_coefficients", "power_law_with_error", "preset_sigma_ln", "quarter_wavelength", "sh_transfer_depth",
           "thickness_with_error", "step_fit"]


def power_law(f0_hz: np.ndarray, a: float = 96.0, b: float = 1.388) -> np.ndarray:
    """h = a f0^(-b) (m), with a and b > 0 as published (Ibs-von Seht and Wohlenberg 1999: a = 96, b = 1.388).

    Raises
    ------
    ValueError
        For b <= 0 (a sign typed with the exponent would make h grow with f0).
    """
    from geoexplore.microtremor.settings import check_power_law_exponent

    check_power_law_exponent(b)
    return a * np.asarray(f0_hz, float) ** (-b)


def power_law_coefficients(settings: Any) -> tuple[float, float, float | None, str]:
    """(a, b, coef_sigma_ln, source) of the power law a thickness setting asks for.

    With neither ``a`` nor ``b`` given, the ``preset``'s published fit, whose
    uncertainty is the spread of the published laws (``coef_sigma_ln`` None:
    :func:`power_law_with_error` adds :func:`preset_sigma_ln`). With the user's
    own ``a`` and/or ``b`` (the other taken from the preset), the uncertainty is
    the user's ``coef_sigma_ln``, or 0 when none is given: none is invented.
    """
    from geoexplore.microtremor.settings import POWER_LAW_DEFAULTS

    a0, b0, ref = POWER_LAW_DEFAULTS[settings.preset]
    if settings.a is None and settings.b is None:
        return a0, b0, None, ref
    a = settings.a if settings.a is not None else a0
    b = settings.b if settings.b is not None else b0
    coef = settings.coef_sigma_ln if settings.coef_sigma_ln is not None else 0.0
    return a, b, coef, "user"


def preset_sigma_ln(f0_hz: np.ndarray) -> np.ndarray:
    """Spread (std of ln h, ddof=1) of the published power laws (settings.POWER_LAW_DEFAULTS) at ``f0_hz``."""
    from geoexplore.microtremor.settings import POWER_LAW_DEFAULTS

    f = np.asarray(f0_hz, float)
    ln_h = np.stack([np.log(power_law(f, a, b)) for a, b, _ in POWER_LAW_DEFAULTS.values()])
    return ln_h.std(axis=0, ddof=1)


def power_law_with_error(f0_hz: np.ndarray, f0_sigma_ln: np.ndarray, a: float = 96.0, b: float = 1.388,
                         coef_sigma_ln: float | np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(h, error, sigma of ln h) for h = a f0^(-b).

    sigma_ln(h)^2 = (b sigma_ln(f0))^2 + coef_sigma_ln^2; the coefficient term
    defaults to the spread of the published fits at f0 (:func:`preset_sigma_ln`):
    right for a preset, while a user's own law passes its own (or 0).
    The error is half the spread of h exp(-+ sigma_ln(h)), i.e. h sinh(sigma).
    """
    f0 = np.asarray(f0_hz, float)
    sf = np.nan_to_num(np.asarray(f0_sigma_ln, float))
    coef = preset_sigma_ln(f0) if coef_sigma_ln is None else np.asarray(coef_sigma_ln, float)
    s = np.sqrt((b * sf) ** 2 + coef**2)
    h = power_law(f0, a, b)
    return h, h * np.sinh(s), s


def _travel_time(top_m: np.ndarray, vs_m_s: np.ndarray, depth_m: np.ndarray) -> np.ndarray:
    """Vertical S travel time (s) from the surface to ``depth_m`` through layers with tops ``top_m``."""
    top = np.asarray(top_m, float)
    v = np.asarray(vs_m_s, float)
    z = np.atleast_1d(np.asarray(depth_m, float))
    edges = np.r_[top, np.inf]
    t = np.zeros_like(z)
    for i in range(len(top)):
        dz = np.clip(z - edges[i], 0, edges[i + 1] - edges[i])
        t += dz / v[i]
    return t


def quarter_wavelength(f0_hz: np.ndarray, top_m: np.ndarray, vs_m_s: np.ndarray) -> np.ndarray:
    """Depth (m) where the S travel time equals 1/(4 f0); the last layer extends to infinity."""
    f = np.atleast_1d(np.asarray(f0_hz, float))
    target = 1.0 / (4.0 * f)
    zz = np.linspace(0, 5000, 50001)
    tt = _travel_time(top_m, vs_m_s, zz)
    return np.interp(target, tt, zz).reshape(np.shape(f0_hz))


def sh_transfer_depth(
    f0_hz: np.ndarray, top_m: np.ndarray, vs_m_s: np.ndarray, density_kg_m3: np.ndarray, *,
    halfspace_vs_m_s: float, halfspace_density_kg_m3: float = 2150.0, damping: float = 0.03,
    depths_m: np.ndarray | None = None,
) -> np.ndarray:
    """Depth (m) of the half-space for which the SH transfer function of the profile peaks at f0.

    The fundamental peak frequency is computed for trial depths (decreasing
    with depth) and interpolated in log-log. The profile should hold the
    sediments only (the layers above the mapped contrast): its last layer is
    extended down to each trial depth.
    """
    z = np.asarray(depths_m if depths_m is not None else np.geomspace(5, 2000, 120), float)
    top = np.asarray(top_m, float)
    f = np.geomspace(0.02, 50, 1500)
    fp = np.empty(z.size)
    for j, h in enumerate(z):
        k = top < h
        th = np.diff(np.r_[top[k], h])
        tf = sh_transfer(f, np.r_[th, 0.0], np.r_[np.asarray(vs_m_s)[k], halfspace_vs_m_s],
                         np.r_[np.asarray(density_kg_m3)[k], halfspace_density_kg_m3], damping)
        # fundamental: the lowest local maximum reaching half the highest one (and 1.2)
        a = np.abs(tf)
        loc = np.flatnonzero((a[1:-1] > a[:-2]) & (a[1:-1] >= a[2:]) & (a[1:-1] > max(1.2, 0.5 * a.max()))) + 1
        i = loc[0] if loc.size else int(np.argmax(a))
        fp[j] = peak_frequency(f[i - 1:i + 2], tf[i - 1:i + 2])[0] if 0 < i < f.size - 1 else f[i]
    order = np.argsort(fp)
    return np.exp(np.interp(np.log(np.atleast_1d(f0_hz)), np.log(fp[order]), np.log(z[order]))).reshape(np.shape(f0_hz))


def thickness_with_error(f0_hz: np.ndarray, sigma_ln: np.ndarray, convert) -> tuple[np.ndarray, np.ndarray]:
    """(thickness, error) with error = |h(f0 e^-s) - h(f0 e^s)| / 2 for a conversion function ``convert``."""
    f0 = np.asarray(f0_hz, float)
    s = np.nan_to_num(np.asarray(sigma_ln, float))
    h = convert(f0)
    lo, hi = convert(f0 * np.exp(-s)), convert(f0 * np.exp(s))
    return np.asarray(h, float), np.abs(np.asarray(lo) - np.asarray(hi)) / 2.0


def step_fit(chainage_m: np.ndarray, value: np.ndarray, weight: np.ndarray | None = None, min_side: int = 3) -> dict:
    """Best single step (two constant segments, weighted least squares) of a profile.

    Returns ``{"chainage_m": midpoint between the stations either side of the step,
    "left": mean left, "right": mean right, "step": right - left, "rms": residual RMS,
    "index": first station of the right segment}``. Averaging along each segment
    beats the station-to-station scatter of f0 down.
    """
    x = np.asarray(chainage_m, float)
    v = np.asarray(value, float)
    w = np.ones_like(v) if weight is None else np.asarray(weight, float)
    o = np.argsort(x)
    x, v, w = x[o], v[o], w[o]
    best = None
    for k in range(min_side, x.size - min_side + 1):
        l_mean = np.average(v[:k], weights=w[:k])
        r_mean = np.average(v[k:], weights=w[k:])
        res = np.r_[v[:k] - l_mean, v[k:] - r_mean]
        cost = float(np.sum(np.r_[w[:k], w[k:]] * res**2))
        if best is None or cost < best[0]:
            best = (cost, k, l_mean, r_mean)
    if best is None:
        raise ValueError(f"need at least {2 * min_side} stations for a step fit, got {x.size}")
    cost, k, lm, rm = best
    return {"chainage_m": float((x[k - 1] + x[k]) / 2), "left": float(lm), "right": float(rm), "step": float(rm - lm),
            "rms": float(np.sqrt(cost / np.sum(w))), "index": int(k)}


class Thickness(NamedTuple):
    """Sediment thickness (m) with its error (m) and how it was converted."""

    thickness_m: Any
    error_m: Any
    method: str


def thickness(f0: Any, settings: Any = None, *, f0_sigma_ln: Any = None, **overrides: Any) -> Thickness:
    """f0 -> sediment thickness with its error (the front door's conversion call).

    Parameters
    ----------
    f0 : float, ndarray or HvsrResult
        Resonance frequency (Hz); an :class:`~geoexplore.microtremor.process.HvsrResult`
        gives its ``f0_hz`` and its bootstrap ``f0_sigma_ln``.
    settings : ThicknessSettings, optional
        ``method="power_law"`` (default; coefficients ``a``, ``b`` or a
        ``preset`` of :data:`~geoexplore.microtremor.settings.POWER_LAW_DEFAULTS`)
        or ``"quarter_wavelength"`` through a uniform ``vs_m_s`` (m/s).
    f0_sigma_ln : float or ndarray, optional
        Uncertainty of ln f0 (default: the result's, else 0).
    **overrides
        Settings given by name (``a=96, b=1.388`` for h = 96 f0^-1.388, ``method=...``).

    Returns
    -------
    Thickness
        ``(thickness_m, error_m, method)``; a preset power law adds the spread
        of the published fits, a user's own law its ``coef_sigma_ln`` (or none).
    """
    from geoexplore.microtremor.settings import ThicknessSettings

    s = settings or ThicknessSettings()
    if overrides:  # validated like a settings file: a negative b is refused with the expected form
        s = type(s).from_mapping({**s.model_dump(), **overrides})
    if hasattr(f0, "f0_hz"):
        sig = f0.f0_sigma_ln if f0_sigma_ln is None else f0_sigma_ln
        f0 = f0.f0_hz
    else:
        sig = 0.0 if f0_sigma_ln is None else f0_sigma_ln
    f = np.asarray(f0, float)
    sig = np.broadcast_to(np.asarray(sig, float), f.shape)
    if s.method == "power_law":
        a, b, coef, _ = power_law_coefficients(s)
        h, err, _ = power_law_with_error(f, sig, a, b, coef_sigma_ln=coef)
        how = f"power law h = {a:g} f0^-{b:g}"
    else:
        if s.vs_m_s is None:
            raise ValueError("method 'quarter_wavelength' needs vs_m_s (average sediment Vs, m/s)")
        h, err = thickness_with_error(f, sig, lambda x: quarter_wavelength(x, np.array([0.0]), np.array([s.vs_m_s])))
        how = f"quarter wavelength, Vs {s.vs_m_s:g} m/s"
    if np.ndim(f0) == 0:
        return Thickness(float(h), float(err), how)
    return Thickness(h, err, how)
