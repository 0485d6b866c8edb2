"""First breaks on a real survey: the 'onset' picker against the survey authors' hand picks (refraction-field01),
its kernels against an analytic onset on a drifting trace, pick uncertainties written and used by the tomography."""

from __future__ import annotations

import numpy as np
import pytest

from geoexplore.seismic.refraction.onsets import (
    causal_highpass,
    refine_onset,
    trigger_onset,
)
from geoexplore.seismic.refraction.picking import pick_gather
from geoexplore.seismic.settings import PickSettings, TomoSettings

FIELD = ("seismic", "refraction-field01")
#: the README's pyGIMLi settings for the hand picks (secNodes 3, paraMaxCellSize 15, zWeight 0.2, 300 -> 3000 m/s, lam 100)
TOMO = dict(sec_nodes=3, max_cell_area_m2=15.0, z_weight=0.2, v_top_m_s=300.0, v_bottom_m_s=3000.0, lam=100.0)


def _onset_trace(dt=1.25e-4, n=2000, k_on=900, seed=3):
    """An analytic onset: a causal 120 Hz damped sine from sample k_on over a 15 Hz drift of a third of its size and white noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(n) * dt
    drift = 0.3 * np.sin(2 * np.pi * 15 * t + 0.4)
    tau = np.clip(t - k_on * dt, 0, None)
    arrival = np.where(t >= k_on * dt, np.sin(2 * np.pi * 120 * tau) * np.exp(-tau / 0.02), 0.0)
    return drift + arrival + 0.003 * rng.standard_normal(n), k_on


def test_causal_highpass_does_not_ring_before_the_onset():
    """A zero-phase filter rings ahead of a sharp onset; the causal one's output is zero before it (it is causal)."""
    dt = 1.25e-4
    x = np.zeros(1000)
    x[600:] = np.sin(2 * np.pi * 120 * np.arange(400) * dt)
    y = causal_highpass(x, 60.0, dt)
    assert np.all(y[:600] == 0.0)
    assert np.max(np.abs(y[600:640])) > 0.1


def test_onset_found_on_a_drifting_trace():
    x, k_on = _onset_trace()
    y = causal_highpass(x, 1 / (128 * 1.25e-4), 1.25e-4)
    k0 = trigger_onset(y, 10, x.size - 40, 32, 30.0, float(np.mean(y[:500] ** 2)))
    assert k0 is not None and k_on - 32 <= k0 <= k_on + 8
    k, err, snr = refine_onset(x - x[:k0].mean(), k0, 32, 64, lo=10)
    assert abs(k - k_on) <= 3  # samples; the drift is a third of the arrival
    assert 0 < err < 16 and abs(k - k_on) <= 3 * max(err, 1.0)
    assert snr > 10


def _hand_picks(shared_data):
    from geoexplore.seismic.io.sgt import read_sgt

    hand = read_sgt(shared_data.joinpath(*FIELD, "manual-picks.sgt"))
    key = zip(np.round(hand.sensors[hand.s, 0], 2), np.round(hand.sensors[hand.g, 0], 2), strict=True)
    return hand, dict(zip(key, hand.t_s, strict=True))


@pytest.fixture(scope="module")
def field_picks(shared_data):
    import geoexplore.seismic as gs

    files = sorted(shared_data.joinpath(*FIELD).glob("20*.dat"))
    assert len(files) == 5
    return gs.pick_first_breaks(files)  # default settings, geometry from the SEG-2 headers


def agreement(table, hand_lut):
    """Fraction of the hand-picked traces with a used automatic pick, and |auto - hand| (ms) on those."""
    diffs, n = [], 0
    for r in table.itertuples():
        key = (round(r.source_x_m, 2), round(r.receiver_x_m, 2))
        if key not in hand_lut:
            continue
        n += 1
        if r.use == 1 and np.isfinite(r.t_s):
            diffs.append(abs(r.t_s - hand_lut[key]) * 1e3)
    return len(diffs) / n, np.array(diffs), n


def test_field01_picks_land_on_the_hand_picks(shared_data, field_picks):
    """Issue 18 targets with default settings: >= 90 % of the 120 hand-picked traces picked, median
    |auto - hand| <= 1 ms, 90th percentile <= 3 ms (measured: 94.2 % (113/120), 0.71 ms, 2.09 ms, largest 3.57 ms;
    before the air-wave and neighbour stages: 90.0 %, 0.77 ms, 2.48 ms, largest 8.5 ms)."""
    hand, lut = _hand_picks(shared_data)
    frac, d, n = agreement(field_picks.table, lut)
    assert n == hand.n_data == 120
    assert frac >= 0.93
    assert np.median(d) <= 1.0
    assert np.percentile(d, 90) <= 3.0
    assert d.max() <= 4.0  # no air-wave pick 7-9 ms early any more


def test_field01_air_wave_picks_replaced_by_the_ground_arrival(shared_data, field_picks):
    """The near traces of shots 3 and 4 (source at 46 and 96 m) first record the air wave (about |x| / 340 m/s,
    onset centroid several hundred Hz) before the slower ground arrival the authors picked; they are flagged
    ``airwave`` and re-picked within 2.5 ms of the hand picks (they were 2-9 ms early)."""
    _, lut = _hand_picks(shared_data)
    t = field_picks.table
    air = t[t["flags"].str.contains("airwave")]
    assert len(air) >= 7 and set(air["shot"]) <= {3, 4}
    assert np.all(np.abs(air["offset_m"]) <= 16.0)
    d = np.array([r.t_s - lut[(round(r.source_x_m, 2), round(r.receiver_x_m, 2))] for r in air.itertuples()])
    assert np.all(np.abs(d) <= 2.5e-3)
    # an air-wave pick carries the ambiguity of the overlap in its error
    assert np.median(air["err_s"]) > np.median(t.loc[t["use"] == 1, "err_s"])


def test_field01_neighbour_correlation_recovers_rejected_traces(shared_data, field_picks):
    """Traces the trend rule had rejected are picked from their neighbours by cross-correlation (flag ``xcorr``):
    at least 5 such used picks (measured: 5 of the 12 traces tried), their median |auto - hand| below 1 ms."""
    _, lut = _hand_picks(shared_data)
    t = field_picks.table
    xc = t[t["flags"].str.contains("xcorr") & (t["use"] == 1)]
    assert len(xc) >= 5
    d = np.array([abs(r.t_s - lut[(round(r.source_x_m, 2), round(r.receiver_x_m, 2))]) for r in xc.itertuples()])
    assert np.median(d) <= 1.0e-3


def test_field01_geometry_and_method_from_the_records(shared_data, field_picks):
    """Positions come from SOURCE_LOCATION / RECEIVER_LOCATION (no geometry table); they are the hand picks' positions."""
    hand, lut = _hand_picks(shared_data)
    t = field_picks.table
    assert sorted(t["source_x_m"].unique()) == [-20.0, -4.0, 46.0, 96.0, 112.0]
    assert np.allclose(np.sort(t["receiver_x_m"].unique()), np.arange(0, 93, 4.0))
    assert {(round(a, 2), round(b, 2)) for a, b in zip(t.source_x_m, t.receiver_x_m, strict=True)} == set(lut)
    g = field_picks.gathers[0]
    r = pick_gather(g["data"].values, float(g.attrs["dt_s"]), float(g["time_s"][0]), g["offset_m"].values)
    assert r.method == "onset"  # the pre-arrival noise is a drift: most of its power lies below the trigger's corner
    # no pick before the fastest plausible wave could arrive
    used = t[t["use"] == 1]
    assert np.all(used["t_s"] >= used["offset_m"].abs() / PickSettings().v_max_m_s)


def test_field01_uncertainties_written_and_meaningful(tmp_path, shared_data, field_picks):
    """Every used pick carries an uncertainty (ms scale), written to picks.csv and the .sgt err column; the
    uncertainties mean something: the picks that disagree with the hand picks by more than 3 ms have larger ones."""
    from geoexplore.seismic.io.sgt import read_sgt
    from geoexplore.seismic.refraction.first_breaks import read_picks

    t = field_picks.table
    used = t[t["use"] == 1]
    e = used["err_s"].to_numpy(float)
    assert np.all(np.isfinite(e) & (e > 0)) and 1e-5 < np.median(e) < 5e-3
    csv = field_picks.write(tmp_path / "picks.csv")
    back = read_picks(csv).table
    np.testing.assert_allclose(back["err_s"].to_numpy(float)[t["use"].to_numpy(int) == 1], e, rtol=1e-6)
    sgt = read_sgt(field_picks.write(tmp_path / "picks.sgt"))
    assert sgt.err_s is not None and sgt.n_data == len(used)
    np.testing.assert_allclose(np.sort(sgt.err_s), np.sort(e), rtol=1e-3)
    _, lut = _hand_picks(shared_data)
    off = np.array([abs(r.t_s - lut[(round(r.source_x_m, 2), round(r.receiver_x_m, 2))]) for r in used.itertuples()])
    assert np.median(e[off > 0.003]) > np.median(e[off <= 0.001])


def _straight_segments(hand):
    """Per hand pick: whether it lies on a straight segment drawn across traces (it or a neighbour is the middle of
    three picks 4 m apart whose second difference is below 0.03 ms), and the counts (middles, inner picks)."""
    sx, gx, t = hand.sensors[hand.s, 0], hand.sensors[hand.g, 0], hand.t_s * 1e3
    on = np.zeros(t.size, bool)
    middles = inner = 0
    for shot in np.unique(sx):
        idx = np.flatnonzero(sx == shot)
        idx = idx[np.argsort(gx[idx])]
        g, tt = gx[idx], t[idx]
        spaced = (np.diff(g)[:-1] == 4.0) & (np.diff(g)[1:] == 4.0)
        straight = spaced & (np.abs(tt[:-2] - 2 * tt[1:-1] + tt[2:]) < 0.03)
        for k in np.flatnonzero(straight):
            on[idx[k:k + 3]] = True
        middles, inner = middles + int(straight.sum()), inner + int(spaced.sum())
    return on, middles, inner


def test_field01_hand_picks_are_drawn_partly_as_straight_segments(shared_data):
    """The reference itself: 43 of the 110 inner hand picks with both neighbours 4 m away sit exactly on the line
    through those neighbours (second difference below 0.03 ms; a picked arrival is never that straight), so 77 of
    the 120 hand picks lie on segments drawn across traces; on the emergent far arrivals such a segment runs up to
    2 ms before or after the visible break (shot -20 m, receivers 56-64 m and 76-80 m)."""
    hand, _ = _hand_picks(shared_data)
    on, middles, inner = _straight_segments(hand)
    assert (middles, inner, int(on.sum())) == (43, 110, 77)


def test_field01_far_disagreement_is_with_the_drawn_segments(shared_data, field_picks):
    """Where the automatic picks disagree with the hand picks: against the 40 used hand picks not on a drawn
    segment, median |auto - hand| 0.61 ms and median auto - hand +0.19 ms (late by 1.6 ms only on the 8 within
    10 m of the shot); against the 21 segment picks 80 m or more from the shot, median +1.27 ms."""
    hand, lut = _hand_picks(shared_data)
    on, _, _ = _straight_segments(hand)
    seg = dict(zip(zip(np.round(hand.sensors[hand.s, 0], 2), np.round(hand.sensors[hand.g, 0], 2), strict=True), on,
                   strict=True))
    t = field_picks.table
    used = t[t["use"] == 1]
    keys = list(zip(np.round(used["source_x_m"], 2), np.round(used["receiver_x_m"], 2), strict=True))
    d = np.array([(r.t_s - lut[k]) * 1e3 for r, k in zip(used.itertuples(), keys, strict=True)])
    on_seg = np.array([seg[k] for k in keys])
    off = np.abs(used["receiver_x_m"].to_numpy() - used["source_x_m"].to_numpy())
    genuine = d[~on_seg]
    assert genuine.size == 40 and np.median(np.abs(genuine)) <= 0.7 and abs(np.median(genuine)) <= 0.3
    far_seg = d[on_seg & (off >= 80.0)]
    assert far_seg.size >= 15 and np.median(far_seg) > 0.8


@pytest.fixture(scope="module")
def tomograms(shared_data, field_picks):
    """Tomograms of the hand picks and of the automatic picks (same mesh, README settings) and their cell-by-cell
    comparison over the cells the rays of both pick sets cross (:func:`compare_tomograms`, mask 'rays')."""
    from geoexplore.seismic.io.sgt import TraveltimeData, read_sgt
    from geoexplore.seismic.refraction.tomo_compare import compare_tomograms
    from geoexplore.seismic.refraction.tomography import invert

    hand = read_sgt(shared_data.joinpath(*FIELD, "manual-picks.sgt"))
    s = TomoSettings(**TOMO)
    rh = invert(hand, s)
    ta = field_picks.traveltimes  # the picks' own errors are the data errors (use_pick_errors, the default)
    idx = np.array([int(np.argmin(np.abs(hand.sensors[:, 0] - x))) for x in ta.sensors[:, 0]])
    assert np.allclose(hand.sensors[idx, 0], ta.sensors[:, 0])  # the same positions, listed as in the .sgt: same mesh
    auto = TraveltimeData(hand.sensors, idx[ta.s], idx[ta.g], ta.t_s, ta.err_s)
    ra = invert(auto, s)
    return hand, auto, rh, ra, compare_tomograms(rh, ra)


@pytest.mark.slow
def test_field01_tomography_of_auto_picks_close_to_hand_picks(tomograms):
    """Measured (lambda_control 'auto', the default): hand picks chi2 0.976 (with 'fixed' pyGIMLi's stop gives the
    README's 0.74: one step past the target); automatic picks with their calibrated errors chi2 0.931 (5.0 with the
    uncalibrated ones before); both stop on the target. Relative velocity difference over the 460 cells both ray
    sets cross: median 5.0 %, p90 11.1 %, p95 13.4 %, 60 cells above 10 % ('fixed': 3.9 %, 11.2 %, 13.8 %, 63)."""
    _, _, rh, ra, cmp = tomograms
    assert rh.stop_reason == "target" and abs(rh.chi2 - 1.0) <= 0.2
    assert ra.stop_reason == "target" and abs(ra.chi2 - 1.0) <= 0.2
    assert cmp.summary["median"] <= 0.06
    assert cmp.summary["p95"] <= 0.20


@pytest.mark.slow
def test_field01_comparison_mask_keeps_no_cell_pygimli_blanks(tomograms):
    """pyGIMLi's own blanking of a traveltime tomogram (``standardizedCoverage``: crossed cells plus their edge
    neighbours) holds every cell of the comparison's 'rays' mask, in both tomograms; on pyGIMLi's mask the largest
    difference is the same cell's (measured: 638 cells, largest 43.2 %, 79 above 10 %)."""
    from geoexplore.seismic.refraction.tomo_compare import compare_tomograms, covered

    _, _, rh, ra, cmp = tomograms
    for r in (rh, ra):
        assert np.all(covered(r, "pygimli")[covered(r, "rays")])
    wide = compare_tomograms(rh, ra, mask="pygimli")
    assert wide.summary["cells"] > cmp.summary["cells"] and wide.summary["max"] >= cmp.summary["max"]


@pytest.mark.slow
def test_field01_error_model_alone_moves_the_tomogram_more_than_10_percent(tomograms):
    """Why the cell-wise 10 % is not met, part 1: the hand picks carry no errors (3 % of the time by default), the
    automatic picks their calibrated errors. The *same* hand picks inverted under the two error models (on the 113
    traces both picked) already differ by more than 10 % in more cells than the automatic picks do from the hand
    picks (measured: 91 cells, largest 33 %, p90 13.2 %; automatic vs hand: 60 cells). Under one error model the
    picks alone leave: 3 % for both 26 cells (largest 39 %, all in the top 5 m, 8 beside shot 3), the pick errors
    for both 50 cells (largest 21 %, 15 at the bottom of the ray fan under far-offset picks the automatic picker
    sets 1-3.6 ms after the hand picks' straight-line segments)."""
    from geoexplore.seismic.io.sgt import TraveltimeData
    from geoexplore.seismic.refraction.tomo_compare import compare_tomograms
    from geoexplore.seismic.refraction.tomography import invert

    hand, auto, _, _, cmp = tomograms
    hk = {(a, b): k for k, (a, b) in enumerate(zip(hand.s, hand.g, strict=True))}
    ia = np.array([k for k, (a, b) in enumerate(zip(auto.s, auto.g, strict=True)) if (a, b) in hk])
    ih = np.array([hk[(a, b)] for a, b in zip(auto.s[ia], auto.g[ia], strict=True)])
    assert ia.size >= 108
    s = TomoSettings(**TOMO)
    h3 = invert(TraveltimeData(hand.sensors, auto.s[ia], auto.g[ia], hand.t_s[ih]), s)
    he = invert(TraveltimeData(hand.sensors, auto.s[ia], auto.g[ia], hand.t_s[ih], auto.err_s[ia]), s)
    only = compare_tomograms(h3, he)
    assert only.summary["n_over"] > cmp.summary["n_over"]
    assert only.summary["max"] > 0.2


@pytest.mark.slow
def test_field01_hand_picks_beside_shot_3_do_not_fix_those_cells_to_10_percent(tomograms):
    """Why the cell-wise 10 % is not met, part 2: the hand picks at +-2 m from shot 3 (x 46 m) differ in kind (4.67 ms
    on a first weak onset at +2 m, 6.44 ms on the strong onset at -2 m). Giving the +2 m trace its mirror's time
    moves the hand-pick tomogram itself by more than 10 % beside the shot (measured: 29.8 % at x 46.4 m, 8 cells),
    so no automatic pick of either onset can bring every cell there within 10 % of the hand-pick tomogram."""
    from geoexplore.seismic.io.sgt import TraveltimeData
    from geoexplore.seismic.refraction.tomo_compare import compare_tomograms
    from geoexplore.seismic.refraction.tomography import invert

    hand, _, rh, _, _ = tomograms
    x = hand.sensors[:, 0]
    s3 = int(np.flatnonzero(np.isclose(x, 46.0))[0])
    plus = int(np.flatnonzero((hand.s == s3) & np.isclose(x[hand.g], 48.0))[0])
    minus = int(np.flatnonzero((hand.s == s3) & np.isclose(x[hand.g], 44.0))[0])
    assert hand.t_s[minus] - hand.t_s[plus] > 1.5e-3  # the two kinds of onset, 1.77 ms apart
    t = hand.t_s.copy()
    t[plus] = t[minus]
    moved = compare_tomograms(rh, invert(TraveltimeData(hand.sensors, hand.s, hand.g, t), TomoSettings(**TOMO)))
    worst = moved.over()
    assert moved.summary["max"] > 0.2
    assert abs(worst["x_m"].iloc[0] - 46.0) < 3.0 and worst["elevation_m"].iloc[0] > -3.0


def test_field01_trace_errors_cover_every_hand_picked_trace(shared_data, field_picks):
    """Comparison mode 'trace': every hand-picked trace gets the picker's calibrated uncertainty of that trace (the
    used picks keep theirs exactly; a trace whose pick was rejected gets its onset error with the floor added), so
    the hand and automatic pick sets can be inverted under one error model."""
    from geoexplore.seismic.io.sgt import TraveltimeData, read_sgt
    from geoexplore.seismic.refraction.tomo_compare import trace_errors, with_errors

    hand = read_sgt(shared_data.joinpath(*FIELD, "manual-picks.sgt"))
    floor = field_picks.error_model["floor_s"]
    lut = trace_errors(field_picks.table, floor)
    h = with_errors(hand, lut)
    assert h.n_data == hand.n_data == 120 and np.array_equal(h.t_s, hand.t_s)
    assert np.all(h.err_s >= floor * (1 - 1e-9))  # the floor is in every trace's error, used pick or not
    t = field_picks.table
    used = t[t["use"] == 1]
    ta = field_picks.traveltimes
    a = with_errors(TraveltimeData(ta.sensors, ta.s, ta.g, ta.t_s, ta.err_s), lut)
    np.testing.assert_allclose(a.err_s, ta.err_s, rtol=1e-12)  # the automatic picks' own errors are the trace errors
    rej = t[(t["use"] != 1) & np.isfinite(t["err_s"])].iloc[0]
    key = (round(rej.source_x_m, 2), round(rej.receiver_x_m, 2))
    assert lut[key] == pytest.approx(np.hypot(rej.err_s, floor))
    assert len(used) < len(lut)
    with pytest.raises(ValueError, match="no trace error"):
        with_errors(hand, {k: v for k, v in lut.items() if k != key})


@pytest.fixture(scope="module")
def trace_tomograms(shared_data, field_picks, tomograms):
    """Comparison mode 'trace': the hand and the automatic picks, each set complete, both under the same per-trace
    errors (the picker's calibrated uncertainty of each trace); README settings, the same mesh."""
    from geoexplore.seismic.refraction.tomo_compare import (
        compare_tomograms,
        trace_errors,
        with_errors,
    )
    from geoexplore.seismic.refraction.tomography import invert

    hand, auto, _, _, _ = tomograms
    lut = trace_errors(field_picks.table, field_picks.error_model["floor_s"])
    s = TomoSettings(**TOMO)
    rh, ra = invert(with_errors(hand, lut), s), invert(with_errors(auto, lut), s)
    return rh, ra, compare_tomograms(rh, ra)


@pytest.mark.slow
def test_field01_tomograms_under_one_error_model_differ_by_the_picks_only(tomograms, trace_tomograms):
    """The stated reading of the 10 % target ('trace', see docs/refraction.md): both pick sets under the same
    per-trace errors. Measured (pyGIMLi 1.6.1, tenth session): both stop on the target (chi2 1.136 hand, 0.931
    automatic); over the 435 cells both ray sets cross: median 4.1 %, p90 11.2 %, p95 13.7 %, largest 21.1 %, 57 cells
    above 10 % (each with its own errors: median 5.0 %, p95 13.4 %, largest 43.2 %, 60 cells). The sixth session
    measured 445 cells, largest 19.3 %, 50 above 10 % with the same picks: the cell-wise figures move with the
    last bits of the arithmetic (the floating-point environment was fixed in the seventh session)."""
    rh, ra, cmp = trace_tomograms
    own = tomograms[-1]
    for r in (rh, ra):
        assert r.stop_reason == "target" and abs(r.chi2 - 1.0) <= 0.2
    sm = cmp.summary
    assert sm["median"] < own.summary["median"] and sm["max"] < own.summary["max"]
    assert sm["median"] <= 0.045 and sm["p95"] <= 0.15 and sm["max"] <= 0.25


@pytest.mark.slow
def test_field01_ten_percent_sits_at_the_tomograms_noise_floor(shared_data, field_picks, tomograms, trace_tomograms):
    """Why the cell-wise 10 % is not met, part 3 (mode 'trace'): the target sits at the tomogram's own noise floor.
    Gaussian noise of 0.02 ms on the hand picks (a sixth of a sample; the hand picks sit on a 0.3 ms screen grid)
    already moves a cell by 4.5 %, 11.5 % and 4.3 % (seeds 1-3): the diving rays at the bottom of the ray fan switch
    cells (measured: the worst cells 28-32 m deep, ray counts 20 -> 7). With 0.2 ms noise: 11.0 %, 10.4 %, 10.4 %.
    The hand picks moved toward the automatic picks by at most 0.5 ms: 9 cells above 10 %, largest 12.7 %; by at most
    1 ms: 20 cells, largest 15.9 % (the sixth session: 0 cells, 9.9 % and 13 cells, 13.9 %). The picks' own targets
    allow a median of 1 ms and a 90th percentile of 3 ms (measured: 0.71 and 2.09 ms)."""
    from geoexplore.seismic.refraction.tomo_compare import (
        compare_tomograms,
        moved_toward,
        trace_errors,
        with_errors,
    )
    from geoexplore.seismic.refraction.tomography import invert

    hand, auto, _, _, _ = tomograms
    rh = trace_tomograms[0]
    lut = trace_errors(field_picks.table, field_picks.error_model["floor_s"])
    h, a = with_errors(hand, lut), with_errors(auto, lut)
    s = TomoSettings(**TOMO)

    def floor(noise_s: float) -> list[float]:
        return [compare_tomograms(rh, invert(moved_toward(h, a, 0.0, noise_s=noise_s, seed=k), s)).summary["max"]
                for k in (1, 2, 3)]

    assert max(floor(0.02e-3)) > 0.03  # a sixth of a sample moves a cell by more than 3 %
    assert max(floor(0.2e-3)) > 0.08
    half = compare_tomograms(rh, invert(moved_toward(h, a, 0.5e-3), s)).summary
    one = compare_tomograms(rh, invert(moved_toward(h, a, 1.0e-3), s)).summary
    assert half["max"] < one["max"] and half["n_over"] < one["n_over"]
    assert half["max"] <= 0.15 and one["n_over"] >= 5 and one["max"] > 0.12


@pytest.mark.slow
def test_field01_tomograms_differ_by_about_their_uncertainty_from_the_pick_errors(trace_tomograms):
    """The tomograms' own uncertainty from the pick errors (12 Monte Carlo runs each, tomo_uncertainty) against
    their difference (mode 'trace'): a Gaussian difference of that size has 68 % of the cells within one combined
    standard deviation and 95 % within two. Measured: 72 % and 94 % of the 435 cells; median spread 4.5 % (hand)
    and 3.8 % (automatic), 13 and 5 crossed cells above 10 %; of the 57 cells above 10 %, 33 are within two
    standard deviations (the other 24 lie under the far picks against the hand picks' straight segments and
    beside the shots)."""
    from geoexplore.seismic.refraction.tomo_compare import compare_tomograms
    from geoexplore.seismic.refraction.tomo_uncertainty import velocity_spread

    rh, ra, _ = trace_tomograms
    s = TomoSettings(**TOMO)
    for r in (rh, ra):
        r.velocity_rel_sd = velocity_spread(r.data, s, runs=12, seed=0, reference=r).rel_sd
    try:
        sm = compare_tomograms(rh, ra).summary
    finally:
        rh.velocity_rel_sd = ra.velocity_rel_sd = None  # the module's fixture stays as it was
    assert sm["within_2sd"] >= 0.90 and sm["within_1sd"] >= 0.60
    assert sm["n_over_beyond_2sd"] < sm["n_over"]


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason="issue 18 target not reached under the stated reading (both pick sets under the "
                   "same per-trace errors): 57 of the 435 cells both ray sets cross differ by more than 10 % (largest "
                   "21.1 %), in the top 5 m under near picks and picks of shots 96/112/-20 m, and at the bottom of the "
                   "ray fan under far picks 1-3.6 ms late against the hand picks' straight segments; the target sits "
                   "at the tomogram's noise floor (0.02 ms of noise moves a cell by up to 11.5 %) and 94 % of the "
                   "cells differ by less than twice the tomograms' uncertainty from the pick errors "
                   "(see the tests above and docs/refraction.md)")
def test_field01_tomography_within_10_percent_at_every_covered_cell(trace_tomograms):
    assert trace_tomograms[-1].summary["max"] <= 0.10


def test_field01_cli_writes_the_calibrated_errors(tmp_path, shared_data, field_picks, capsys):
    """``geoexplore seismic pick`` calibrates like the API: the same floor is printed and the .sgt err column
    holds the same calibrated errors."""
    from geoexplore.cli import main
    from geoexplore.seismic.io.sgt import read_sgt

    files = sorted(shared_data.joinpath(*FIELD).glob("20*.dat"))
    assert main(["seismic", "pick", "--out", str(tmp_path), *map(str, files)]) == 0
    floor_ms = field_picks.error_model["floor_s"] * 1e3
    assert f"floor {floor_ms:.3f} ms" in capsys.readouterr().out
    sgt = read_sgt(tmp_path / "picks.sgt")
    used = field_picks.table[field_picks.table["use"] == 1]
    np.testing.assert_allclose(np.sort(sgt.err_s), np.sort(used["err_s"].to_numpy(float)), rtol=1e-3)
    assert np.min(sgt.err_s) >= field_picks.error_model["floor_s"] * (1 - 1e-3)
