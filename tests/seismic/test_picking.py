"""First-break picking: kernels against obspy and analytic signals, synthetic shots against the modelled
traveltimes, the real Geode refraction shot for plausibility, bad traces flagged."""

from __future__ import annotations

import numpy as np
import pytest

from geoexplore.seismic.refraction.consistency import (
    consistency_outliers,
    reciprocity_outliers,
)
from geoexplore.seismic.refraction.detectors import aic_picker, sta_lta
from geoexplore.seismic.refraction.picking import pick_gather
from geoexplore.seismic.settings import PickSettings


def test_sta_lta_matches_obspy():
    from obspy.signal.trigger import classic_sta_lta

    rng = np.random.default_rng(1)
    x = rng.standard_normal(2000)
    x[1200:] *= 8
    ours = sta_lta(x, 20, 200)
    ref = classic_sta_lta(x, 20, 200)
    np.testing.assert_allclose(ours[250:], ref[250:], rtol=1e-6)


def test_aic_finds_variance_change():
    rng = np.random.default_rng(2)
    for k0 in (150, 333, 700):
        x = rng.standard_normal(1000) * 0.1
        x[k0:] += rng.standard_normal(1000 - k0)
        assert abs(int(np.argmin(aic_picker(x))) - k0) <= 2


def test_consistency_flags_a_wrong_pick():
    off = np.arange(-100, 101, 10.0)
    t = np.abs(off) / 1500.0 + 0.004
    t[14] += 0.02
    bad, pred = consistency_outliers(off, t, 0.002)
    assert np.flatnonzero(bad).tolist() == [14]
    assert pred[14] == pytest.approx(np.abs(off[14]) / 1500 + 0.004, abs=1e-4)


def test_reciprocity_flags_the_poorer_pick():
    x = np.arange(0, 50, 10.0)
    sx, rx = np.meshgrid(x, x, indexing="ij")
    sx, rx = sx.ravel(), rx.ravel()
    t = np.abs(rx - sx) / 1000.0
    t[sx == rx] = np.nan
    q = np.ones_like(t)
    i = int(np.flatnonzero((sx == 10) & (rx == 40))[0])
    t[i] += 0.005
    q[i] = 0.3
    bad, mis = reciprocity_outliers(sx, rx, t, q, 0.001)
    assert np.flatnonzero(bad).tolist() == [i]
    assert mis[i] == pytest.approx(0.005)


def _read(path):
    from geoexplore.seismic import io

    return io.read(path)


def test_synthetic_shots_within_one_sample(siping_dir):
    """Median absolute pick error on the synthetic Siping shots: at most one sample (the issue's criterion)."""
    truth = np.loadtxt(siping_dir / "refraction" / "truth.csv", delimiter=",", skiprows=1)
    files = sorted((siping_dir / "refraction").glob("shot*.seg2"))
    assert len(files) >= 10
    errs, flagged = [], {}
    for k, f in enumerate(files[::3]):
        shot = 1 + 3 * k
        g = _read(f)
        dt = float(g.attrs["dt_s"])
        r = pick_gather(g["data"].values, dt, float(g["time_s"][0]), g["offset_m"].values)
        tt = truth[truth[:, 0] == shot][:, 4]
        assert tt.size == r.t_s.size
        errs.append((r.t_s[r.use] - tt[r.use]) / dt)
        flagged[shot] = r.flags
        assert r.use.mean() > 0.9
    e = np.concatenate(errs)
    assert np.median(np.abs(e)) <= 1.0
    assert np.percentile(np.abs(e), 90) <= 3.0


def test_dead_and_reversed_traces_flagged(siping_dir):
    """The generator put a dead channel into one shot and a reversed one into another (README)."""
    files = sorted((siping_dir / "refraction").glob("shot*.seg2"))
    n = len(files)
    dead_shot, rev_shot = n // 3, (2 * n) // 3
    g = _read(files[dead_shot])
    r = pick_gather(g["data"].values, float(g.attrs["dt_s"]), float(g["time_s"][0]), g["offset_m"].values)
    i = g.sizes["trace"] // 4
    assert "dead" in r.flags[i] and not r.use[i] and np.isnan(r.t_s[i])
    assert sum("dead" in f for f in r.flags) == 1
    g = _read(files[rev_shot])
    r = pick_gather(g["data"].values, float(g.attrs["dt_s"]), float(g["time_s"][0]), g["offset_m"].values)
    i = (3 * g.sizes["trace"]) // 4
    assert "reversed" in r.flags[i] and r.polarity[i] == -1
    assert sum("reversed" in f for f in r.flags) == 1
    assert r.use[i]  # the pick time of a reversed trace is still good


def test_all_dead_gather_gives_no_picks():
    r = pick_gather(np.zeros((5, 300)), 0.001, 0.0, np.arange(1, 6) * 2.0)
    assert all("dead" in f for f in r.flags) and not r.use.any()


def test_real_geode_shot_plausible(shared_data):
    """wghs-shot1: 24 geophones at 2 m, shot at -2 m, 0.5 s pre-trigger. Picks that are used must increase
    with offset (positive, non-decreasing apparent velocity is what a refraction curve from a velocity that
    grows with depth gives) and none may come before a wave at the fastest plausible velocity could arrive."""
    g = _read(shared_data / "seismic" / "wghs-shot1.seg2")
    off = g["offset_m"].values
    assert off[0] == 2.0 and np.all(np.diff(off) == 2.0)
    p = PickSettings()
    r = pick_gather(g["data"].values, float(g.attrs["dt_s"]), float(g["time_s"][0]), off, p)
    u = r.use
    assert u.sum() >= 6 and u[:6].all()  # the near traces, whose first breaks are clear
    t = r.t_s[u]
    x = off[u]
    assert np.all(t >= x / p.v_max_m_s)
    assert np.all(t > 0)
    assert np.all(np.diff(t) > 0)  # monotonic traveltime: positive apparent velocities
    v_app = np.diff(x) / np.diff(t)
    assert np.all(v_app > 100)
    # the first break of the nearest trace (2 m): between 3 and 5 ms (read off the record)
    assert 0.003 <= r.t_s[0] <= 0.005
    # the far traces, whose first breaks drown in noise, are flagged rather than picked on the ground roll
    assert not r.use[-1]
