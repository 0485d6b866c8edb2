"""The 2D MT inversion on Dask: same model on 1 and 2 real worker processes as in this process.

Data: SYNTHETIC, computed with SimPEG's 2D TE/TM forward (our set-up,
checked against the analytic 1D response in test_invert2d.py) on a finer
mesh, over a conductive block in a layered earth.
"""

import itertools
import time

import numpy as np
import pytest

from geoexplore.mt.invert2d import ProfileData, invert
from geoexplore.mt.invert2d_dask import (
    ShardedSurvey,
    contiguous_assign,
    lpt_assign,
    project_speedup,
    workers_of,
)
from geoexplore.mt.mesh2d import active_cells, depth_nodes, profile_mesh
from geoexplore.mt.simpeg2d import active_mapping, blas_threads, make_simulation, unpack
from geoexplore.pipeline.subtasks import distributing


def _synthetic_profile() -> tuple[ProfileData, object]:
    """4 stations x 3 periods, TE+TM, forward-modelled on a finer mesh (synthetic, noise-free, 5 % / 1.43 deg errors)."""
    x = np.array([500.0, 1500.0, 2500.0, 3500.0])
    T = np.array([0.1, 3.0, 100.0])
    fine = profile_mesh(0.0, 4000.0, 250.0, depth_nodes(25.0, 1.3, 500.0, 4000.0, [500.0]),
                        pad_x_m=2e5, pad_z_m=2e5, air_m=2e5)
    act = active_cells(fine)
    cc = fine.cell_centers[act]
    rho = np.where(-cc[:, 1] < 500.0, 30.0, 300.0)
    rho[(np.abs(cc[:, 0] - 2000.0) < 750.0) & (-cc[:, 1] > 500.0) & (-cc[:, 1] < 2000.0)] = 5.0
    r, p, rs, ps = {}, {}, {}, {}
    with blas_threads(1):
        for mode in ("te", "tm"):
            sim = make_simulation(fine, mode, 1 / T, x, mapping=active_mapping(fine, act), forward_only=True)
            r[mode], p[mode] = unpack(sim.dpred(np.log(1 / rho)), T.size, x.size)
            rs[mode], ps[mode] = 0.05 * r[mode], np.full_like(p[mode], 1.43)
    r["te"][1, 2] = np.nan  # one missing datum: zero weight on every path
    data = ProfileData(period_s=T, chainage_m=x, station=[f"S{k}" for k in range(4)], rho=r, phase=p, rho_sd=rs,
                       phase_sd=ps, strike_deg=0.0, elevation_m=np.zeros(4), synthetic=1)
    coarse = profile_mesh(0.0, 4000.0, 1000.0, depth_nodes(50.0, 1.3, 1000.0, 4000.0), pad_x_m=2e5, pad_z_m=2e5,
                          air_m=2e5)
    return data, coarse


KW = {"max_iter": 2, "beta0_ratio": 1.0, "cg_maxiter": 5, "start_ohm_m": 100.0}


@pytest.mark.parametrize("assign", ["lpt", "contiguous"])
def test_same_model_serial_one_two_and_three_workers(assign, monkeypatch):
    """The distributed inversion (real LocalCluster, worker processes) gives the serial model on 1, 2 and 3
    workers, and 1, 2 and 3 workers the same model bit for bit, with the tasks cut by cost (LPT: TE and TM
    on different workers, the data order restored on the head) or in consecutive runs."""
    from distributed import Client

    from geoexplore.mt import invert2d_dask as dd
    from geoexplore.pipeline.cluster import local_cluster

    monkeypatch.setattr(dd, "ASSIGN", assign)
    data, mesh = _synthetic_profile()
    with blas_threads(1):
        ref = invert(data, mesh, **KW)
    assert ref.chi2_history[-1] < ref.chi2_history[0] or ref.iterations == 1
    runs = []
    with local_cluster(3) as cl, Client(cl) as c:
        ws = sorted(c.scheduler_info()["workers"])
        for workers in (ws[:1], ws[1::-1], ws):
            timings: list = []
            res = invert(data, mesh, client=c, workers=workers, timings=timings, **KW)
            runs.append(res)
            shards = {}
            for t in timings:
                shards.setdefault(t["worker"], []).append((t["mode"], t["frequency_hz"]))
            assert len(shards) == len(workers)
            if assign == "lpt" and len(workers) == 2:  # 6 tasks of equal modelled cost: TE on one, TM on the other
                assert sorted({m for m, _ in g} == {"te"} or {m for m, _ in g} == {"tm"} for g in shards.values())
            print("max |d log sigma| against 1 worker", np.max(np.abs(res.log_sigma - runs[0].log_sigma)),
                  "against serial", np.max(np.abs(res.log_sigma - ref.log_sigma)))
            # same model to solver tolerance (the sums over frequencies differ in order only)
            np.testing.assert_allclose(res.log_sigma, ref.log_sigma, rtol=0, atol=1e-5)
            np.testing.assert_allclose(res.chi2_history, ref.chi2_history, rtol=1e-6)
            for mode in ("te", "tm"):
                np.testing.assert_allclose(res.predicted[mode][0], ref.predicted[mode][0], rtol=1e-6)
                np.testing.assert_allclose(res.predicted[mode][1], ref.predicted[mode][1], rtol=0, atol=1e-4)  # deg
            np.testing.assert_allclose(res.sensitivity, ref.sensitivity, rtol=1e-5, atol=1e-12)
            assert res.chi2["total"] == pytest.approx(ref.chi2["total"], rel=1e-6)
            # one timing row per (mode, frequency), each with real factorisation work
            got = sorted((t["mode"], t["frequency_hz"]) for t in timings)
            assert got == sorted((m, f) for m in ("te", "tm") for f in 1 / data.period_s)
            assert all(t["fields"] > 0 and t["getJ"] > 0 for t in timings)
    # 1, 2 and 3 workers: the same float64 arithmetic (canonical data order, double-double sums over tasks)
    one = runs[0]
    for other in runs[1:]:
        assert other.chi2_history == one.chi2_history
        np.testing.assert_array_equal(other.log_sigma, one.log_sigma)
        np.testing.assert_array_equal(other.sensitivity, one.sensitivity)
        for mode in ("te", "tm"):
            np.testing.assert_array_equal(other.predicted[mode][0], one.predicted[mode][0])


def test_distributing_needs_a_worker_and_more_than_one(tmp_path):
    """``auto`` yields a client only inside a task on a cluster of >= 2 workers; ``off`` never."""
    from distributed import Client

    from geoexplore.pipeline.cluster import local_cluster

    def probe(setting):
        with distributing(setting) as c:
            return None if c is None else len(c.scheduler_info()["workers"])

    def shard_workers():
        from distributed import get_worker

        with distributing("auto") as c:
            return get_worker().address, workers_of(c)

    def hold(path):
        import pathlib
        import time

        while not pathlib.Path(path).exists():
            time.sleep(0.05)
        return 1

    assert probe("auto") is None  # not on a worker
    with local_cluster(2) as cl, Client(cl) as c:
        assert c.submit(probe, "auto", pure=False).result() == 2
        assert c.submit(probe, "off", pure=False).result() is None
        ws = sorted(c.scheduler_info()["workers"])
        me, got = c.submit(shard_workers, workers=[ws[0]], pure=False).result()
        assert me == ws[0] and got == ws  # both idle
        flag = tmp_path / "go"
        busy = c.submit(hold, str(flag), workers=[ws[1]], pure=False)
        while not c.processing()[ws[1]]:
            time.sleep(0.05)
        me, got = c.submit(shard_workers, workers=[ws[0]], pure=False).result()
        flag.write_text("")
        assert busy.result() == 1
        assert got == [ws[0]]  # the busy worker is left out
    with local_cluster(1) as cl, Client(cl) as c:
        assert c.submit(probe, "auto", pure=False).result() is None


def test_lpt_within_grahams_bound():
    """LPT makespan <= (4/3 - 1/(3m)) x optimum (Graham 1969), optimum by enumeration."""
    rng = np.random.default_rng(3)
    for m in (2, 3):
        for _ in range(20):
            t = rng.uniform(0.5, 2.0, 7)
            lpt = max(t[b].sum() for b in lpt_assign(t, m))
            opt = min(max(np.bincount(a, weights=t, minlength=m)) for a in itertools.product(range(m), repeat=t.size))
            assert opt - 1e-12 <= lpt <= (4 / 3 - 1 / (3 * m)) * opt + 1e-12


def test_contiguous_runs_cover_every_task_once():
    """Consecutive runs, every task once, no empty run; equal costs split evenly; near-equal within one task."""
    rng = np.random.default_rng(5)
    for n in (1, 2, 3, 7, 46):
        for k in (1, 2, 3, 8, 32, 60):
            t = rng.uniform(1.0, 1.1, n)
            bins = contiguous_assign(t, k)
            assert [i for b in bins for i in b] == list(range(n))
            assert len(bins) == min(n, k) and all(bins)
            assert max(t[b].sum() for b in bins) <= t.sum() / min(n, k) + t.max() + 1e-12
    assert [len(b) for b in contiguous_assign(np.ones(46), 2)] == [23, 23]
    # the cut nearest to half: TE, TM alternating at 1.0 / 1.1 (the old cost estimate) still split 11 + 11
    # (cutting after the run that first reached half gave 12 + 10, 23 + 23 -> 24 + 22 on the full setting)
    assert [len(b) for b in contiguous_assign(np.tile([1.0, 1.1], 11), 2)] == [11, 11]
    assert [len(b) for b in contiguous_assign(np.tile([1.0, 1.1], 23), 2)] == [23, 23]


def test_projection_limits():
    """One worker: the sum; many workers: the serial part plus the longest task."""
    t = np.array([3.0, 2.0, 2.0, 1.0])
    assert project_speedup(t, 2.0, 1)["wall_s"] == pytest.approx(10.0)
    assert project_speedup(t, 2.0, 2, assign="lpt")["wall_s"] == pytest.approx(2.0 + 4.0)
    assert project_speedup(t, 2.0, 2, assign="contiguous")["wall_s"] == pytest.approx(2.0 + 5.0)  # [3, 2], [2, 1]
    assert project_speedup(t, 2.0, 2)["wall_s"] == pytest.approx(2.0 + 4.0)  # the default: LPT
    p = project_speedup(t, 2.0, 32)
    assert p["wall_s"] == pytest.approx(5.0) and p["speedup"] == pytest.approx(2.0)


def test_sharded_survey_round_trip():
    """Per-mode data vectors survive the canonical order and back, and the shard order and back; every
    (mode, frequency) appears once; the canonical order does not depend on the shards or the assignment."""
    rng = np.random.default_rng(0)
    d = {m: rng.standard_normal(3 * 2 * 4) for m in ("te", "tm")}
    one = ShardedSurvey(("te", "tm"), [10.0, 1.0, 0.1], 4, 1)
    np.testing.assert_array_equal(one.order, np.arange(one.n_data))  # one shard: the canonical order itself
    for n, assign, costs in ((2, "contiguous", None), (2, "lpt", None), (3, "lpt", [1, 5, 2, 2, 3, 1])):
        s = ShardedSurvey(("te", "tm"), [10.0, 1.0, 0.1], 4, n, assign=assign, costs=costs)
        assert sorted(t for g in s.groups for t in g) == sorted(s.parts) == sorted(one.parts)
        assert s.parts == one.parts and all(np.array_equal(one.pos[m], s.pos[m]) for m in s.pos)
        assert sorted(s.order) == list(range(s.n_data))
        canon = s.to_meta(d)
        np.testing.assert_array_equal(canon, one.to_meta(d))
        back = s.from_meta(canon)
        for m in d:
            np.testing.assert_array_equal(back[m], d[m])
        np.testing.assert_array_equal(s.from_shards(s.to_shards(canon)), canon)
        # the shard order is the shards' tasks one after the other, each task's 2 x 4 data in SimPEG order
        nd = 8
        sh = s.to_shards(canon)
        tasks = [t for g in s.groups for t in g]
        for j, (m, i) in enumerate(tasks):
            np.testing.assert_array_equal(sh[j * nd:(j + 1) * nd], d[m][i * nd:(i + 1) * nd])
    assert [t for g in ShardedSurvey(("te", "tm"), [10.0, 1.0, 0.1], 4, 2, assign="contiguous").groups
            for t in g] == one.parts  # consecutive runs
    lpt = ShardedSurvey(("te", "tm"), [10.0, 1.0, 0.1], 4, 3, assign="lpt", costs=[1, 5, 2, 2, 3, 1])
    assert lpt.groups == [[("tm", 0)], [("te", 0), ("te", 2), ("tm", 2)], [("te", 1), ("tm", 1)]]  # 5 | 1+3+1 | 2+2


def test_fused_hessian_product_is_jvec_then_jtvec():
    """The CG's data-misfit Hessian product in one task per shard equals SimPEG's Jvec, W^T W, Jtvec bit for bit,
    on 1 and 2 workers, and SimPEG's serial per-mode L2DataMisfit.deriv2 to solver tolerance."""
    from distributed import Client

    from geoexplore.mt.invert2d_dask import hessian_product
    from geoexplore.mt.misfit2d import dask_misfit, serial_misfit
    from geoexplore.pipeline.cluster import local_cluster

    data, mesh = _synthetic_profile()
    act = active_cells(mesh)
    rng = np.random.default_rng(11)
    m = np.log(1 / 100.0) + 0.3 * rng.standard_normal(int(act.sum()))
    v = rng.standard_normal(m.size)
    with blas_threads(1):
        serial, _, _ = serial_misfit(data, mesh, act)
        ref = serial.deriv2(m, v)
    got = []
    with local_cluster(2) as cl, Client(cl) as c:
        ws = sorted(c.scheduler_info()["workers"])
        for workers in (ws[:1], ws):
            dmis, meta, _, _ = dask_misfit(data, mesh, act, c, workers)
            w = dmis.W.diagonal()
            f = meta.fields(m)
            fused = hessian_product(meta, m, v, w, f=f)
            plain = meta.Jtvec(m, w * (w * meta.Jvec(m, v, f=f)), f=f)
            np.testing.assert_array_equal(fused, plain)
            np.testing.assert_array_equal(dmis.deriv2(m, v, f=f), 2 * plain)  # the bound misfit uses it
            got.append(fused)
    np.testing.assert_array_equal(got[1], got[0])
    assert np.linalg.norm(2 * got[0] - ref) <= 1e-6 * np.linalg.norm(ref)
