"""Automatic first-break picking: NumPy kernels.

The picker works trace by trace on a shot record held as a NumPy array
(n_traces, n_samples) with its sample interval, the time of its first
sample and each trace's source-receiver offset:

1. **Trace checks**: dead traces (all zero, non-finite, or RMS below a
   fraction of the gather's median) get no pick and the flag ``dead``.
2. **Search window**: a first arrival cannot come before the fastest
   plausible wave could travel the offset (``|x| / v_max_m_s``) nor after
   the slowest (``|x| / v_min_m_s`` plus a margin).
3. **Detector**: the modified energy ratio (Han, Wong and Liu 2010;
   energy after / energy before each sample, times the amplitude, cubed)
   gives a coarse onset, the first sample where the normalised
   characteristic function exceeds a threshold before its maximum.
4. **Refinement**: the Akaike information criterion picker (Maeda 1985),
   AIC(k) = k log var(x[:k]) + (N - k - 1) log var(x[k:]), on a window
   around the coarse pick; the pick is its minimum.
5. **Quality**: signal-to-noise ratio (dB) after / before the pick, mapped
   to a quality in [0, 1], and an absolute pick error in seconds.
6. **Polarity**: the first-motion sign of every trace compared with the
   gather's majority and with a correlation against neighbouring traces;
   reversed traces are flagged ``reversed`` (their pick time is unaffected:
   the AIC picker is polarity-blind).
7. **Consistency**: within each side of the shot, picks sorted by abs(offset)
   are compared with a robust local prediction from their neighbours
   (:func:`consistency_outliers`); outliers are re-picked in a narrow window
   around the prediction (guided re-pick) and flagged ``repicked`` or, if
   that fails, ``outlier`` (not used).
8. **Reciprocity** across shots (:func:`reciprocity_outliers`): t(A->B) must
   equal t(B->A) within a tolerance; the poorer pick of a failing pair is
   flagged ``reciprocity``.

The stages 3-4 above are the ``"energy"`` method (white pre-arrival noise,
e.g. the synthetic Siping shots). Real records often carry a slow drift
before the first arrival as large as a weak far arrival; there the
``"onset"`` method (:mod:`.onsets`) replaces them: a causal high-pass
(no precursor ringing) feeds a trigger that compares the power of the next
window with the mean power of all the record before it, floored by the
gather's noise; the onset is refined on the unfiltered trace as the mean of
the AIC minimum (window ending at the arrival's first major peak) and the
first departure from the pre-arrival linear trend, twice (the second time
with the windows placed at the first estimate); each pick carries the
uncertainty of these estimators. ``method="auto"`` (the default) takes
``"onset"`` when the high-pass removes more than ``drift_fraction`` of the
pre-arrival noise power. Stages 5-8 are shared.

Everything here is pure NumPy; :func:`pick_gather` runs the stages above
as named functions. The detectors live in :mod:`.detectors`, the checks in
:mod:`.consistency`, the parameters in
:class:`~geoexplore.seismic.refraction.settings.PickSettings`; files and
gathers are handled by :mod:`.pick_tables`, the steps and the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from geoexplore.seismic.refraction.consistency import (
    consistency_outliers,
    polarity_by_correlation,
    slowness_jump_outliers,
)
from geoexplore.seismic.refraction.detectors import (
    auto_lowpass_hz,
    dominant_period,
    first_motion,
    lowpass,
    pick_energy_aic,
    pick_mer_aic,
    snr_db,
)
from geoexplore.seismic.refraction.onsets import (
    causal_highpass,
    gather_noise_power,
    refine_onset,
    trigger_onset,
)
from geoexplore.seismic.refraction.settings import PickSettings

#: flags a pick can carry (comma-separated in the picks table)
FLAGS = ("dead", "nopick", "reversed", "repicked", "extended", "outlier", "reciprocity", "manual", "airwave", "xcorr")


@dataclass
class GatherPicks:
    """Picks of one shot record.

    Attributes
    ----------
    t_s : ndarray (n_traces,)
        First-break time (s, relative to the shot; NaN where no pick).
    quality : ndarray (n_traces,)
        0 (worst) .. 1 (best), from the signal-to-noise ratio.
    snr_db : ndarray (n_traces,)
        Signal-to-noise ratio around the pick (dB).
    err_s : ndarray (n_traces,)
        Estimated absolute pick error (s).
    polarity : ndarray of int (n_traces,)
        +1 normal, -1 reversed relative to the gather, 0 unknown.
    flags : list of str (n_traces)
        Comma-separated flags from :data:`FLAGS` ('' when clean).
    use : ndarray of bool (n_traces,)
        True for picks fit for inversion.
    dominant_period_s : float
        Dominant period of the first arrivals (s).
    """

    t_s: np.ndarray
    quality: np.ndarray
    snr_db: np.ndarray
    err_s: np.ndarray
    polarity: np.ndarray
    flags: list[str] = field(default_factory=list)
    use: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    dominant_period_s: float = np.nan
    lowpass_hz: float = np.nan
    method: str = ""

    def add_flag(self, i: int, flag: str) -> None:
        """Add ``flag`` to trace ``i`` (no duplicates)."""
        have = [f for f in self.flags[i].split(",") if f]
        if flag not in have:
            have.append(flag)
        self.flags[i] = ",".join(have)


@dataclass
class _Gather:
    """One shot record as the picker's stages share it (samples, windows, scales; set by the first stages)."""

    dd: np.ndarray  # demeaned (then low-passed) traces, (n_traces, n_samples)
    off: np.ndarray  # signed offsets (m)
    dt_s: float
    t0_s: float
    lo_k: np.ndarray  # first sample of each trace's search window
    hi_k: np.ndarray  # end (exclusive) of each search window
    live: np.ndarray  # bool: not dead
    raw: np.ndarray | None = None  # demeaned traces before the low-pass (AIC refinement)
    n_smear: int = 0  # samples the low-pass smears an onset
    T: float = np.nan  # dominant period (s)
    n_er: int = 0
    n_s: int = 0
    n_before: int = 0
    n_after: int = 0
    tol: float = 0.0  # consistency tolerance (s)
    jump_tol: float = 0.0  # slowness-jump tolerance (s)
    sig: np.ndarray = field(default_factory=lambda: np.zeros(0))  # pre-arrival noise level per trace
    have_noise: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    hp: np.ndarray | None = None  # causally high-passed traces (method 'onset')
    floor: float = 0.0  # gather noise power of ``hp`` (method 'onset')
    err_s: np.ndarray = field(default_factory=lambda: np.zeros(0))  # onset uncertainty per trace (s)
    snr: np.ndarray = field(default_factory=lambda: np.zeros(0))  # first peak / noise RMS per trace (linear)

    def set_pick(self, res: GatherPicks, i: int, k: float, err: float = np.nan, snr: float = np.nan) -> None:
        """Record sample ``k`` as the pick of trace ``i`` with its SNR, first motion (and onset uncertainty, s)."""
        res.t_s[i] = round(self.t0_s + k * self.dt_s, 9)  # to the nanosecond: no float noise from t0 + k dt
        ki = int(round(k))
        if self.hp is not None:  # method 'onset': SNR and uncertainty from the onset estimators
            self.err_s[i], self.snr[i] = err, snr
            res.snr_db[i] = 20 * np.log10(max(snr, 1e-3)) if np.isfinite(snr) else np.nan
            res.polarity[i] = first_motion(self.raw[i], ki, max(self.n_s, 2))
            return
        res.snr_db[i] = snr_db(self.dd[i], ki, self.n_er * 2)
        res.polarity[i] = first_motion(self.dd[i], ki, self.n_er)


def search_window(offset_m: np.ndarray, dt_s: float, t0_s: float, n_samples: int,
                  p: PickSettings) -> tuple[np.ndarray, np.ndarray]:
    """Stage 2: first and end (exclusive) sample of each trace's plausible first-arrival window."""
    t_end = n_samples * dt_s + t0_s if p.t_max_s is None else min(p.t_max_s, n_samples * dt_s + t0_s)
    lo_k = np.array([int(np.ceil((max(0.0, abs(o) / p.v_max_m_s) - t0_s) / dt_s)) for o in offset_m])
    hi_k = np.array([int(np.floor((min(t_end, abs(o) / p.v_min_m_s + p.max_time_margin_s) - t0_s) / dt_s)) + 1
                     for o in offset_m])
    return np.clip(lo_k, 0, n_samples), np.clip(hi_k, 0, n_samples)


def check_traces(d: np.ndarray, off: np.ndarray, dt_s: float, t0_s: float, p: PickSettings, res: GatherPicks) -> _Gather:
    """Stages 1-2: search windows, the pre-arrival mean removed, dead traces flagged."""
    ntr, ns = d.shape
    finite = np.all(np.isfinite(d), axis=1)
    dd = np.where(finite[:, None], d, 0.0)
    lo_k, hi_k = search_window(off, dt_s, t0_s, ns, p)
    # remove the mean of the pre-arrival part (or of the whole trace)
    for i in range(ntr):
        k = lo_k[i]
        dd[i] -= dd[i, :k].mean() if k > 10 else dd[i].mean()
    rms = np.sqrt(np.mean(dd**2, axis=1))
    med = np.median(rms[finite & (rms > 0)]) if np.any(finite & (rms > 0)) else 0.0
    dead = ~finite | (rms <= p.dead_rms_fraction * med) | (rms == 0)
    for i in np.flatnonzero(dead):
        res.add_flag(int(i), "dead")
    return _Gather(dd=dd, off=off, dt_s=dt_s, t0_s=t0_s, lo_k=lo_k, hi_k=hi_k, live=~dead)


def filter_and_scale(g: _Gather, p: PickSettings, res: GatherPicks) -> None:
    """Low-pass (given or automatic), dominant period, window lengths, tolerances and noise levels."""
    dd, live, lo_k, dt_s = g.dd, g.live, g.lo_k, g.dt_s
    ns = dd.shape[1]
    fc = p.lowpass_hz
    if fc is None and p.auto_lowpass:
        fc = auto_lowpass_hz(dd[live], dt_s, lo_k[live])
    g.raw = dd.copy()
    if fc is not None and fc < 0.5 / dt_s:
        dd[live] = lowpass(dd[live], fc, dt_s)
        g.n_smear = int(round(1.0 / (fc * dt_s)))
    res.lowpass_hz = float(fc) if fc is not None else np.nan
    T = dominant_period(np.array([dd[i, lo_k[i]:lo_k[i] + 512] for i in np.flatnonzero(live) if lo_k[i] + 512 <= ns])
                        if np.any(lo_k[live] + 512 <= ns) else dd[live], dt_s)
    if fc is not None:
        T = min(T, 4.0 / fc)
    res.dominant_period_s = T
    g.T = T
    g.n_er = max(3, int(round((p.er_window_s or 1.5 * T) / dt_s)))
    g.n_s = max(3, int(round(0.25 * T / dt_s)))
    g.n_before = max(4, int(round((p.aic_before_s or 0.5 * T) / dt_s)))
    g.n_after = max(2, int(round((p.aic_after_s or 0.25 * T) / dt_s)))
    g.tol = p.outlier_tolerance_s if p.outlier_tolerance_s is not None else max(4 * dt_s, 0.25 * T)
    g.jump_tol = max(2 * dt_s, 0.02 * T)
    # noise level per trace from its pre-arrival samples; gather median where too short
    sig = np.full(dd.shape[0], np.nan)
    for i in np.flatnonzero(live):
        k = lo_k[i]
        if k >= 16:
            seg = dd[i, max(0, k - 4096):k]
            sig[i] = 1.4826 * np.median(np.abs(seg - np.median(seg)))
            sig[i] = max(sig[i], np.sqrt(np.mean(seg**2)) * 0.5)
    g.sig = sig
    g.have_noise = np.isfinite(sig) & (sig > 0)


def detect_onset(g: _Gather, p: PickSettings, i: int, lo: int, hi: int, nb: int) -> int | None:
    """Stages 3-4 on one trace: energy detector + AIC where the trace has pre-arrival noise, else MER + AIC."""
    if g.have_noise[i]:
        k = pick_energy_aic(g.dd[i], lo, hi, g.sig[i], p.noise_factor, g.n_s, nb, g.n_smear, g.raw[i])
        if k is not None:
            return k
    return pick_mer_aic(g.dd[i], lo, hi, g.n_er, p.er_threshold, nb, g.n_after)


def onset_in_window(g: _Gather, p: PickSettings, i: int, lo: int, hi: int, ratio: float) -> tuple[float, float, float] | None:
    """Method 'onset' on trace ``i`` in samples [lo, hi): trigger on the high-passed trace, refine on the raw one.

    Returns (onset sample, uncertainty in samples, first-peak SNR) or None.
    """
    k0 = trigger_onset(g.hp[i], lo, hi, g.n_s, ratio, g.floor)
    if k0 is None:
        return None
    k, err, snr = refine_onset(g.raw[i], k0, g.n_s, g.n_before, lo=int(g.lo_k[i]))
    if np.isfinite(k) and int(k) != k0:  # once more with the windows placed at the onset found
        k, err, snr = refine_onset(g.raw[i], max(int(k), int(g.lo_k[i]), 1), g.n_s, g.n_before, lo=int(g.lo_k[i]))
    if not np.isfinite(k) or k >= hi:
        return None
    return k, err * g.dt_s, snr


def onset_pass(g: _Gather, p: PickSettings, res: GatherPicks, T: float) -> None:
    """Method 'onset', one pass with the period scale ``T`` (s): causal high-pass, gather noise floor, trigger, refine."""
    dt = g.dt_s
    g.n_s = max(3, int(round((p.sta_s if p.sta_s is not None else 0.5 * T) / dt)))
    fc = p.highpass_hz if p.highpass_hz is not None else 1.0 / (4 * g.n_s * dt)
    g.n_before = 2 * g.n_s
    g.hp = causal_highpass(g.raw, fc, dt)
    g.floor = gather_noise_power(g.hp, g.lo_k, g.live, g.n_s)
    for i in np.flatnonzero(g.live):
        i = int(i)
        res.t_s[i] = np.nan
        lo, hi = int(g.lo_k[i]), int(g.hi_k[i])
        got = onset_in_window(g, p, i, lo, hi, p.trigger_ratio) if hi - lo >= 3 else None
        if got is None:
            res.add_flag(i, "nopick")
            continue
        g.set_pick(res, i, *got)


def choose_method(g: _Gather, p: PickSettings) -> str:
    """The first-pass method: ``p.method``, or for 'auto' 'onset' when the pre-arrival noise is coloured.

    Coloured means the trigger's causal high-pass removes more than
    ``p.drift_fraction`` of the noise power measured before the first
    possible arrivals (a slow drift, wind, traffic); white noise (or no
    measurable noise) keeps the 'energy' picker.
    """
    if p.method != "auto":
        return p.method
    n_s = max(3, int(round(p.sta_s / g.dt_s))) if p.sta_s is not None else 32
    fc = p.highpass_hz if p.highpass_hz is not None else 1.0 / (4 * n_s * g.dt_s)
    raw = gather_noise_power(g.dd, g.lo_k, g.live, n_s)
    if raw <= 0:
        return "energy"
    kept = gather_noise_power(causal_highpass(g.dd, fc, g.dt_s), g.lo_k, g.live, n_s) / raw
    return "onset" if 1.0 - kept > p.drift_fraction else "energy"


def first_pass_onset(g: _Gather, p: PickSettings, res: GatherPicks) -> None:
    """Method 'onset': the scale of the trigger from the sampling, then :func:`onset_pass`.

    Without ``sta_s`` and ``highpass_hz`` the trigger window is 32 samples
    and the high-pass corner 1 / (128 dt) (a field crew samples a first
    arrival with some tens of samples per period: 4 ms and 62.5 Hz at
    0.125 ms). The onset itself is refined on the unfiltered trace, so the
    filter only decides where to look.
    """
    n = g.dd.shape[0]
    g.raw = g.dd.copy()
    g.err_s, g.snr = np.full(n, np.nan), np.full(n, np.nan)
    T = 2.0 * p.sta_s if p.sta_s is not None else 64 * g.dt_s
    onset_pass(g, p, res, T)
    g.T = T
    res.dominant_period_s = T
    g.n_er = g.n_s
    # half a period: a smaller misfit is no cycle skip, and the onset estimators scatter by up to a quarter period
    g.tol = p.outlier_tolerance_s if p.outlier_tolerance_s is not None else max(4 * g.dt_s, 0.5 * T)
    g.jump_tol = max(2 * g.dt_s, 0.02 * T)


def first_pass(g: _Gather, p: PickSettings, res: GatherPicks) -> None:
    """Stages 3-4: a pick on every live trace inside its search window (flag ``nopick`` where none)."""
    for i in np.flatnonzero(g.live):
        lo, hi = int(g.lo_k[i]), int(g.hi_k[i])
        if hi - lo < 3:
            res.add_flag(int(i), "nopick")
            continue
        k = detect_onset(g, p, int(i), lo, hi, g.n_before)
        if k is None:
            res.add_flag(int(i), "nopick")
            continue
        g.set_pick(res, int(i), k)


def check_consistency(g: _Gather, p: PickSettings, res: GatherPicks) -> None:
    """Stage 7: neighbour consistency with a guided re-pick, a second pass, and the slowness-jump rule."""
    dd, dt_s, t0_s, tol, n_er = g.dd, g.dt_s, g.t0_s, g.tol, g.n_er
    bad, pred = consistency_outliers(g.off, res.t_s, tol, p.outlier_rel_tolerance)
    for i in np.flatnonzero(bad):
        ok = False
        if p.repick and np.isfinite(pred[i]):
            c = int(round((pred[i] - t0_s) / dt_s))
            w = int(np.ceil((tol + p.outlier_rel_tolerance * abs(pred[i])) / dt_s))
            lo, hi = max(int(g.lo_k[i]), c - w), min(int(g.hi_k[i]), c + w + 1)
            if g.hp is not None:
                got = onset_in_window(g, p, int(i), lo, hi, p.trigger_ratio) if hi - lo > 3 else None
            else:
                k = pick_mer_aic(dd[i], lo, hi, min(n_er, max(3, w)), p.er_threshold, min(g.n_before, w), g.n_after) if hi - lo > 3 else None
                got = None if k is None else (k, np.nan, np.nan)
            if got is not None and abs(t0_s + got[0] * dt_s - pred[i]) <= tol + p.outlier_rel_tolerance * abs(pred[i]):
                g.set_pick(res, int(i), *got)
                res.add_flag(int(i), "repicked")
                ok = True
        if not ok:
            res.add_flag(int(i), "outlier")
    # a second pass catches outliers that were hidden by their neighbours
    masked = np.where(["outlier" in f for f in res.flags], np.nan, res.t_s)
    again, _ = consistency_outliers(g.off, masked, tol, p.outlier_rel_tolerance)
    for i in np.flatnonzero(again):
        res.add_flag(int(i), "outlier")
    masked = np.where(["outlier" in f for f in res.flags], np.nan, res.t_s)
    for i in np.flatnonzero(slowness_jump_outliers(g.off, masked, g.jump_tol)):
        res.add_flag(int(i), "outlier")


def extend_one(g: _Gather, p: PickSettings, res: GatherPicks, i: int, acc: list[int]) -> bool:
    """Re-pick trace ``i`` around the extrapolation of the accepted picks ``acc`` (nearest first); True if picked."""
    dt_s, t0_s, off = g.dt_s, g.t0_s, g.off
    ax = np.abs(off)
    sl = [(res.t_s[acc[j]] - res.t_s[acc[j - 1]]) / max(ax[acc[j]] - ax[acc[j - 1]], 1e-9)
          for j in range(max(1, len(acc) - 3), len(acc))]
    slope = max(float(np.median(sl)), 0.0)
    t_last = float(res.t_s[acc[-1]])
    pred = t_last + slope * (ax[i] - ax[acc[-1]])
    w = g.tol + p.outlier_rel_tolerance * pred
    lo = max(int(g.lo_k[i]), int(np.ceil((max(t_last, pred - w) - t0_s) / dt_s)))
    hi = min(int(g.hi_k[i]), int(np.floor((pred + w - t0_s) / dt_s)) + 1)
    if hi - lo < 3:
        return False
    got = None
    if g.hp is not None:  # relaxed trigger: the power ratio of the two detector thresholds
        got = onset_in_window(g, p, i, lo, hi, max(1.5, p.trigger_ratio * (p.extend_noise_factor / p.noise_factor) ** 2))
    else:
        if g.have_noise[i]:
            k = pick_energy_aic(g.dd[i], lo, hi, g.sig[i], p.extend_noise_factor, g.n_s, min(g.n_before, hi - lo), g.n_smear, g.raw[i])
        else:
            k = pick_mer_aic(g.dd[i], lo, hi, min(g.n_er, max(3, (hi - lo) // 3)), p.er_threshold, min(g.n_before, hi - lo), g.n_after)
        got = None if k is None else (k, np.nan, np.nan)
    if got is None or got[0] <= lo or got[0] >= hi - 1:  # a pick on the window edge is the window, not an onset
        return False
    tk = t0_s + got[0] * dt_s
    if not (abs(tk - pred) <= w and tk > t_last):
        return False
    g.set_pick(res, i, *got)
    res.flags[i] = ",".join([f for f in res.flags[i].split(",") if f and f not in ("outlier", "nopick")] + ["extended"])
    return True


def extend_picks(g: _Gather, p: PickSettings, res: GatherPicks) -> None:
    """Walking outward from the shot on each side, follow weak far first breaks (flag ``extended``)."""
    off = g.off
    ok = np.array([np.isfinite(res.t_s[i]) and not ({"dead", "outlier", "nopick"} & set(res.flags[i].split(",")))
                   for i in range(off.size)])
    for side in (off < 0, off >= 0):
        idx = np.flatnonzero(side & g.live)
        idx = idx[np.argsort(np.abs(off[idx]), kind="stable")]
        acc: list[int] = []
        for i in idx:
            if ok[i]:
                acc.append(int(i))
                continue
            if len(acc) < 2:
                continue
            if extend_one(g, p, res, int(i), acc):
                ok[i] = True
                acc.append(int(i))
    # the extended picks obey the same monotonic / slowness-jump rule
    masked = np.where(ok, res.t_s, np.nan)
    for i in np.flatnonzero(slowness_jump_outliers(off, masked, g.jump_tol)):
        res.add_flag(int(i), "outlier")


def assign_polarity(g: _Gather, res: GatherPicks) -> None:
    """Stage 6: polarity from the correlation with neighbours, the majority first-motion sign as fallback."""
    picked = np.isfinite(res.t_s)
    signs = res.polarity[picked & (res.polarity != 0)]
    majority = int(np.sign(signs.sum())) if signs.size and signs.sum() != 0 else 1
    rel = polarity_by_correlation(g.dd, res.t_s, g.t0_s, g.dt_s, max(g.n_er, 2 * g.n_s))
    for i in np.flatnonzero(picked):
        reversed_ = rel[i] < 0 if rel[i] != 0 else res.polarity[i] == -majority
        res.polarity[i] = -1 if reversed_ else 1
        if reversed_:
            res.add_flag(int(i), "reversed")


def grade_picks(g: _Gather, p: PickSettings, res: GatherPicks) -> None:
    """Stage 5: quality and pick error from the SNR; low-SNR picks flagged ``nopick``; the ``use`` mask."""
    picked = np.isfinite(res.t_s)
    snr = np.where(np.isfinite(res.snr_db), res.snr_db, -np.inf)
    res.quality = np.clip(snr / 30.0, 0.0, 1.0)
    lin = 10 ** (np.clip(snr, -20, 60) / 20)
    res.err_s = np.where(picked, np.clip(0.5 * g.T / np.sqrt(np.maximum(lin, 1e-3)), g.dt_s, g.T), np.nan)
    if g.hp is not None:  # method 'onset': the onset estimators' own uncertainty
        res.err_s = np.where(picked, np.maximum(g.err_s, g.dt_s / np.sqrt(12.0)), np.nan)
    for i in np.flatnonzero(picked & (snr < p.min_snr_db)):
        res.add_flag(int(i), "nopick")
    res.use = picked & np.array([not ({"dead", "nopick", "outlier"} & set(f.split(","))) for f in res.flags])


def pick_gather(data: np.ndarray, dt_s: float, t0_s: float, offset_m: np.ndarray,
                params: PickSettings | None = None) -> GatherPicks:
    """Pick first breaks on one shot record.

    Parameters
    ----------
    data : ndarray (n_traces, n_samples)
        Amplitudes.
    dt_s : float
        Sample interval (s).
    t0_s : float
        Time of the first sample relative to the shot (s; negative when the
        record has a pre-trigger delay).
    offset_m : ndarray (n_traces,)
        Signed source-receiver offset (m).
    params : PickSettings, optional
        The picker's parameters (default: ``PickSettings()``).

    Returns
    -------
    GatherPicks
    """
    p = params or PickSettings()
    d = np.asarray(data, float)
    if d.ndim != 2:
        raise ValueError(f"data must be 2-D (n_traces, n_samples), got shape {d.shape}")
    ntr = d.shape[0]
    off = np.asarray(offset_m, float).ravel()
    if off.size != ntr:
        raise ValueError(f"offset_m has {off.size} values for {ntr} traces")
    res = GatherPicks(
        t_s=np.full(ntr, np.nan), quality=np.zeros(ntr), snr_db=np.full(ntr, np.nan),
        err_s=np.full(ntr, np.nan), polarity=np.zeros(ntr, int), flags=[""] * ntr, use=np.zeros(ntr, bool),
    )
    g = check_traces(d, off, dt_s, t0_s, p, res)
    if not g.live.any():
        return res
    res.method = choose_method(g, p)
    if res.method == "onset":
        first_pass_onset(g, p, res)
    else:
        filter_and_scale(g, p, res)
        first_pass(g, p, res)
    check_consistency(g, p, res)
    if p.extend:
        extend_picks(g, p, res)
    if res.method == "onset":
        from geoexplore.seismic.refraction.onset_checks import (
            correlate_rejected,
            reject_air_waves,
        )

        if p.air_wave:
            reject_air_waves(g, p, res)
        if p.xcorr:
            correlate_rejected(g, p, res)
    assign_polarity(g, res)
    grade_picks(g, p, res)
    return res


__all__ = [
    "FLAGS", "GatherPicks", "PickSettings", "assign_polarity", "check_consistency", "check_traces", "detect_onset",
    "extend_picks", "filter_and_scale", "first_pass", "grade_picks", "pick_gather", "search_window",
]
