"""Static corrections: elevation, refraction (delay-time) and residual (stack-power) statics.

Sign convention: a static is a time shift **added** to a trace, in seconds;
a negative static moves events earlier. :func:`apply_statics` shifts traces
by fractional amounts exactly (frequency-domain phase shift).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from geoexplore.core.errors import GeoexploreError


def apply_statics(data: Any, shifts_s: Any, dt_s: float) -> np.ndarray:
    """Shift each trace by ``shifts_s[k]`` seconds (positive = later), band-limited interpolation."""
    d = np.atleast_2d(np.asarray(data, float))
    s = np.broadcast_to(np.asarray(shifts_s, float), (d.shape[0],))
    n = d.shape[1]
    nfft = int(2 ** np.ceil(np.log2(n + int(np.ceil(np.max(np.abs(s), initial=0) / dt_s)) + 8)))
    f = np.fft.rfftfreq(nfft, dt_s)
    D = np.fft.rfft(d, nfft, axis=1) * np.exp(-2j * np.pi * f[None, :] * s[:, None])
    return np.fft.irfft(D, nfft, axis=1)[:, :n]


def elevation_statics(
    source_elevation_m: Any,
    receiver_elevation_m: Any,
    datum_m: Any,
    replacement_velocity_m_s: float,
    *,
    source_depth_m: Any = 0.0,
) -> np.ndarray:
    """Per-trace elevation static (s) to a datum (flat: a number; floating: one value per trace).

    ``static = -((e_s - d_s - datum) + (e_r - datum)) / v_rep``: a station
    above the datum has its time reduced by the travel time through the
    replaced layer.
    """
    if replacement_velocity_m_s <= 0:
        raise GeoexploreError("replacement velocity must be > 0")
    es = np.asarray(source_elevation_m, float) - np.asarray(source_depth_m, float)
    er = np.asarray(receiver_elevation_m, float)
    dm = np.asarray(datum_m, float)
    return -((es - dm) + (er - dm)) / replacement_velocity_m_s


def floating_datum(cmp_chainage_m: Any, station_chainage_m: Any, station_elevation_m: Any, smooth_m: float) -> np.ndarray:
    """Floating datum per CMP: the station elevations smoothed over ``smooth_m`` and sampled at the CMPs."""
    sc = np.asarray(station_chainage_m, float)
    o = np.argsort(sc)
    sc, se = sc[o], np.asarray(station_elevation_m, float)[o]
    if sc.size > 2 and smooth_m > 0:
        step = np.median(np.diff(sc))
        n = max(1, int(round(smooth_m / step))) | 1
        from scipy.ndimage import uniform_filter1d

        se = uniform_filter1d(se, n, mode="nearest")
    return np.interp(np.asarray(cmp_chainage_m, float), sc, se)


def delay_time_solve(
    source_station: Any,
    receiver_station: Any,
    offset_m: Any,
    pick_time_s: Any,
    *,
    damping: float = 1e-3,
) -> tuple[dict[int, float], float]:
    """Delay-time method: least-squares ``t = delay_s + delay_r + |x| / V`` for refracted first breaks.

    Source and receiver at the same station share one delay. Returns
    ``({station: delay_s}, V_m_s)``. A small damping towards the mean delay
    keeps stations seen from one side only determined.
    """
    from scipy.sparse import csr_matrix, vstack
    from scipy.sparse.linalg import lsqr

    ss = np.asarray(source_station, np.int64)
    rs = np.asarray(receiver_station, np.int64)
    x = np.abs(np.asarray(offset_m, float))
    t = np.asarray(pick_time_s, float)
    ok = np.isfinite(t)
    ss, rs, x, t = ss[ok], rs[ok], x[ok], t[ok]
    if t.size < 3:
        raise GeoexploreError("delay-time statics need at least 3 first-break picks")
    st = np.unique(np.r_[ss, rs])
    col = {s: i for i, s in enumerate(st)}
    n = t.size
    rows = np.r_[np.arange(n), np.arange(n), np.arange(n)]
    cols = np.r_[[col[s] for s in ss], [col[r] for r in rs], np.full(n, st.size)]
    vals = np.r_[np.ones(n), np.ones(n), x / 1000.0]  # slowness in s/km for conditioning
    A = csr_matrix((vals, (rows, cols)), shape=(n, st.size + 1))
    reg = csr_matrix((np.full(st.size, damping), (np.arange(st.size), np.arange(st.size))), shape=(st.size, st.size + 1))
    sol = lsqr(vstack([A, reg]), np.r_[t, np.zeros(st.size)], atol=1e-12, btol=1e-12, iter_lim=10000)[0]
    slow = sol[-1] / 1000.0
    if slow <= 0:
        raise GeoexploreError("delay-time solution gave a non-positive refractor slowness; check the picks")
    return {int(s): float(sol[col[s]]) for s in st}, float(1.0 / slow)


def refraction_statics(
    delays_s: dict[int, float],
    elevation_m: dict[int, float],
    v_weathering_m_s: float,
    v_refractor_m_s: float,
    datum_m: float,
) -> dict[int, float]:
    """Per-station refraction static (s) from delay times.

    Weathering thickness ``h = delay * V1 V2 / sqrt(V2**2 - V1**2)``; the
    static removes the weathering and the sub-weathering above the datum:
    ``-(h / V1 + (e - h - datum) / V2)`` (the datum must lie below the base
    of the weathering).
    """
    v1, v2 = float(v_weathering_m_s), float(v_refractor_m_s)
    if not 0 < v1 < v2:
        raise GeoexploreError(f"need 0 < V1 < V2, got {v1}, {v2}")
    k = v1 * v2 / np.sqrt(v2**2 - v1**2)
    out = {}
    for s, d in delays_s.items():
        h = max(d, 0.0) * k
        out[s] = -(h / v1 + (elevation_m[s] - h - datum_m) / v2)
    return out


def residual_statics(
    data: Any,
    cdp: Any,
    source_id: Any,
    receiver_id: Any,
    dt_s: float,
    *,
    max_shift_s: float = 0.008,
    n_iter: int = 4,
    window: tuple[int, int] | None = None,
) -> tuple[dict[int, float], dict[int, float], np.ndarray]:
    """Surface-consistent residual statics by stack-power maximisation (Ronen and Claerbout, 1985).

    Works on NMO-corrected traces. Each iteration, for every source (then
    every receiver) the shift is found that maximises the cross-correlation
    of its traces with their CMP stacks built without them (the change in
    stack power), summed over all its traces. Shifts are de-meaned.

    Returns
    -------
    source_statics, receiver_statics : dict id -> s
    trace_statics : (n_traces,) ndarray
        ``source + receiver`` static per trace (s), to pass to :func:`apply_statics`.
    """
    d0 = np.atleast_2d(np.asarray(data, float))
    if window is not None:
        d0 = d0[:, window[0]: window[1]]
    c = np.asarray(cdp, np.int64)
    sid = np.asarray(source_id)
    rid = np.asarray(receiver_id)
    maxlag = max(1, int(round(max_shift_s / dt_s)))
    us, si = np.unique(sid, return_inverse=True)
    ur, ri = np.unique(rid, return_inverse=True)
    s_st = np.zeros(us.size)
    r_st = np.zeros(ur.size)
    ncmp = int(c.max()) + 1
    for _ in range(n_iter):
        for which in ("s", "r"):
            cur = apply_statics(d0, s_st[si] + r_st[ri], dt_s)
            stack = np.zeros((ncmp, d0.shape[1]))
            np.add.at(stack, c, cur)
            ids, inv, st = (us, si, s_st) if which == "s" else (ur, ri, r_st)
            for g in range(ids.size):
                tr = np.flatnonzero(inv == g)
                a = cur[tr]
                pilot = stack[c[tr]] - a
                num = np.zeros(2 * maxlag + 1)
                for L in range(-maxlag, maxlag + 1):
                    n = a.shape[1]
                    num[L + maxlag] = np.sum(a[:, max(0, L): n + min(0, L)] * pilot[:, max(0, -L): n - max(0, L)])
                i = int(np.argmax(num))
                lag = float(i - maxlag)
                if 0 < i < num.size - 1:
                    den = num[i - 1] - 2 * num[i] + num[i + 1]
                    if den < 0:
                        lag += 0.5 * (num[i - 1] - num[i + 1]) / den
                # a positive lag: trace events are late relative to the pilot -> shift earlier
                st[g] -= lag * dt_s
            st -= st.mean()
    return ({int(k) if np.issubdtype(type(k), np.integer) else k: float(v) for k, v in zip(us, s_st)},
            {int(k) if np.issubdtype(type(k), np.integer) else k: float(v) for k, v in zip(ur, r_st)},
            s_st[si] + r_st[ri])


__all__ = [
    "apply_statics", "delay_time_solve", "elevation_statics", "floating_datum", "refraction_statics", "residual_statics",
]
