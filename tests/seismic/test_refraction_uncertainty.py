"""Velocity uncertainty of a tomogram from its pick errors (Monte Carlo re-inversions, seismic.refraction.tomo_uncertainty):
outputs, seeding, and the spread against the estimator's true sampling spread on a SYNTHETIC survey whose traveltimes
come from pyGIMLi's shortest-path forward solver."""

from __future__ import annotations

import numpy as np
import pytest

from geoexplore.core.errors import ModelError
from geoexplore.core.images import check_image
from geoexplore.seismic.io.sgt import TraveltimeData
from geoexplore.seismic.refraction.tomo_uncertainty import perturbed, velocity_spread
from geoexplore.seismic.refraction.tomography import (
    TomoSettings,
    forward_traveltimes,
    invert,
    result_to_dataset,
    save,
    to_image,
)

#: coarse mesh, so that one inversion of the small survey takes about a second
SETTINGS = dict(v_top_m_s=500.0, v_bottom_m_s=3000.0, max_cell_area_spacings2=3.0, sec_nodes=2)


@pytest.fixture(scope="module")
def survey():
    """SYNTHETIC: 600 m/s over 2000 m/s at 4 m depth, 13 geophones at 3 m, 4 shots; exact times and errors
    of 1 % + 0.1 ms (the data are drawn from them below)."""
    x = np.arange(0.0, 37.0, 3.0)
    sensors = np.column_stack([x, np.zeros_like(x)])
    s, g = [], []
    for i in (0, 4, 8, 12):
        for j in range(x.size):
            if i != j:
                s.append(i)
                g.append(j)
    s, g = np.array(s), np.array(g)
    t = forward_traveltimes(sensors, s, g, lambda xx, yy: np.where(-yy < 4.0, 600.0, 2000.0), depth_m=15.0,
                            max_cell_area_m2=0.5, sec_nodes=4)
    return sensors, s, g, t, 0.01 * t + 1e-4


def _draw(survey, seed: int) -> TraveltimeData:
    sensors, s, g, t, err = survey
    return TraveltimeData(sensors, s, g, t + err * np.random.default_rng(seed).standard_normal(t.size), err)


def test_perturbed_moves_each_pick_by_its_error_and_keeps_times_positive():
    d = TraveltimeData([[0, 0], [1, 0], [2, 0]], [0, 0, 1], [1, 2, 2], [0.002, 0.004, 0.002], [1e-3, 1e-3, 5e-3])
    p = perturbed(d, d.err_s, np.array([1.0, -2.0, -1.0]))
    np.testing.assert_allclose(p.t_s, [0.003, 0.002, 0.001])  # the last would be -0.003: half its time kept
    np.testing.assert_array_equal(p.err_s, d.err_s)
    assert d.t_s[0] == 0.002  # the input is not changed


def test_uncertainty_runs_give_a_seeded_spread_in_result_image_and_files(survey, tmp_path):
    """Four runs: every cell gets a finite spread, crossed cells a positive one; the same seed gives the same
    spread bit for bit, another seed another; the spread travels to the cell dataset, the image
    (``vp_rel_sd``), the CSV, the VTK, the summary and the figure."""
    s = TomoSettings(**SETTINGS, uncertainty_runs=4, uncertainty_seed=3)
    d = _draw(survey, 0)
    r = invert(d, s, keep_manager=True)
    sd = r.velocity_rel_sd
    assert sd is not None and sd.shape == r.velocity_m_s.shape and np.all(np.isfinite(sd)) and np.all(sd >= 0)
    assert np.all(sd[r.ray_count > 0] > 0)
    again = velocity_spread(d, s, runs=4, seed=3, reference=r)
    np.testing.assert_array_equal(again.rel_sd, sd)
    assert again.runs == 4 and again.chi2.shape == (4,) and len(again.stop_reasons) == 4
    other = velocity_spread(d, s, runs=4, seed=4, reference=r)
    assert not np.array_equal(other.rel_sd, sd)
    img = to_image(r, line="t", synthetic=True)
    assert check_image(img) == "refraction" and img["vp_rel_sd"].attrs["runs"] == 4
    v = img["vp_rel_sd"].values
    assert np.all(np.isfinite(v)) and sd.min() - 1e-12 <= v.min() and v.max() <= sd.max() + 1e-12
    assert np.array_equal(result_to_dataset(r)["velocity_rel_sd"].values, sd)
    summ = r.summary()
    assert summ["uncertainty_runs"] == 4 and summ["velocity_rel_sd_median"] == pytest.approx(np.median(sd[r.ray_count > 0]))
    files = save(r, tmp_path)
    head = open(files["csv"], encoding="utf-8").readline().strip().split(",")
    assert head[-1] == "velocity_rel_sd"
    np.testing.assert_allclose(np.loadtxt(files["csv"], delimiter=",", skiprows=1)[:, -1], sd, rtol=1e-5)
    assert "velocity_rel_sd" in open(files["vtk"], encoding="utf-8", errors="replace").read()
    fig = r.plot(synthetic=True)
    assert "pick errors (4 runs)" in fig.axes[0].get_title()


def test_one_run_is_refused():
    with pytest.raises(ModelError, match="at least 2"):
        TomoSettings(uncertainty_runs=1).check()
    d = TraveltimeData([[0, 0], [1, 0], [2, 0]], [0, 0, 1], [1, 2, 2], [0.002, 0.004, 0.002])
    with pytest.raises(ModelError, match="at least 2 runs"):
        velocity_spread(d, runs=1)


def test_spread_matches_the_sampling_spread_of_independent_surveys(survey):
    """The spread from one survey's picks (the parametric bootstrap, 24 runs) against the true sampling spread of
    the tomogram: 24 independent noise draws around the exact SYNTHETIC times, each inverted. Over the cells the
    rays cross, the two agree in level (median ratio) and cell by cell in order of size (rank correlation).
    Measured with base surveys 0, 1, 2: median ratio 1.09, 1.04, 1.02; rank correlation 0.63, 0.63, 0.67 over
    123-131 cells (24 draws give each standard deviation to about 15 %)."""
    from scipy.stats import spearmanr

    s = TomoSettings(**SETTINGS)
    ref = invert(_draw(survey, 0), s)
    boot = velocity_spread(ref.data, s, runs=24, seed=1, reference=ref).rel_sd
    truth = np.std(np.log([invert(_draw(survey, 100 + k), s).velocity_m_s for k in range(24)]), axis=0, ddof=1)
    crossed = ref.ray_count > 0
    ratio = boot[crossed] / truth[crossed]
    assert 0.8 < np.median(ratio) < 1.25
    assert spearmanr(boot[crossed], truth[crossed]).statistic > 0.5


def test_refraction_tomo_step_carries_the_spread(survey):
    """The ``refraction.tomo`` step with ``uncertainty_runs``: the image gets ``vp_rel_sd``, the cell model
    ``velocity_rel_sd``, and the step's figure hatches the cells above 10 %."""
    import pandas as pd

    from geoexplore.pipeline.step import StepContext
    from geoexplore.seismic.refraction.plot import plot_tomogram
    from geoexplore.seismic.refraction.settings import RefractionTomoSettings
    from geoexplore.seismic.refraction.steps import _pick_dataset, tomo

    d = _draw(survey, 0)
    x, z = d.sensors[:, 0], d.sensors[:, 1]
    table = pd.DataFrame({
        "shot": d.s + 1, "trace": d.g + 1, "source_file": [f"shot{k}.sg2" for k in d.s],
        "source_x_m": x[d.s], "source_elevation_m": z[d.s], "receiver_x_m": x[d.g], "receiver_elevation_m": z[d.g],
        "offset_m": np.abs(x[d.g] - x[d.s]), "t_s": d.t_s, "err_s": d.err_s, "quality": 1.0, "snr_db": 40.0,
        "polarity": 1, "flags": "", "use": 1})
    picks = _pick_dataset(table)
    picks.attrs["synthetic"] = 1
    s = RefractionTomoSettings(**SETTINGS, uncertainty_runs=3)
    out = tomo(StepContext(step_id="tomo", inputs={"picks": picks}, line="L1"), s)
    assert check_image(out["image"]) == "refraction" and out["image"]["vp_rel_sd"].attrs["runs"] == 3
    sd = out["model"]["velocity_rel_sd"].values
    assert sd.shape == out["model"]["velocity_m_s"].shape and np.all(np.isfinite(sd)) and sd.max() > 0
    fig = plot_tomogram(out)
    assert "(3 runs)" in fig.axes[0].get_title()


def test_two_independent_surveys_differ_by_about_their_spread(survey):
    """Two independent noise draws of the same SYNTHETIC survey, each inverted with 24 uncertainty runs: their
    tomograms differ cell by cell by about the combined spread (a Gaussian difference has 68 % of the cells within
    one and 95 % within two standard deviations). ``compare_tomograms`` reports it; its ``z`` is recomputed here.
    Measured: 111 cells, 77 % within one and 96 % within two; the two surveys of the same truth also differ by more
    than 10 % at 17 cells (largest 32 %)."""
    from geoexplore.seismic.refraction.tomo_compare import compare_tomograms

    s = TomoSettings(**SETTINGS, uncertainty_runs=24)
    a, b = invert(_draw(survey, 0), s), invert(_draw(survey, 1), s.model_copy(update={"uncertainty_seed": 5}))
    cmp = compare_tomograms(a, b)
    c = cmp.cells
    z = np.abs(np.log(c["v_other_m_s"] / c["v_ref_m_s"])) / np.hypot(c["rel_sd_ref"], c["rel_sd_other"])
    np.testing.assert_allclose(c["z"], z, rtol=1e-12)
    sm = cmp.summary
    assert 0.5 <= sm["within_1sd"] <= 0.9 and sm["within_2sd"] >= 0.85
    assert sm["n_over_beyond_2sd"] == int(np.sum((c["rel_diff"] > 0.10) & (z > 2.0)))


@pytest.mark.slow
def test_field_workflow_example_on_real_shots(shared_data, tmp_path):
    """``workflows/examples/refraction-field.yaml`` on the five real SEG-2 shots of refraction-field01 (local Dask
    cluster, one worker): picks, tomography and 20 uncertainty runs stored in the project store. Measured: 1 min
    15 s; chi2 0.97; the hatched cells (spread above 10 %) lie at the bottom of the ray fan and under x 85-100 m."""
    from pathlib import Path

    from geoexplore.cli import main
    from geoexplore.core.store.project import ProjectStore

    wf = Path(__file__).resolve().parents[2] / "workflows" / "examples" / "refraction-field.yaml"
    out = tmp_path / "out"
    rc = main(["run", str(wf), "--input-dir", str(shared_data / "seismic" / "refraction-field01"), "--out", str(out),
               "--workers", "1"])
    assert rc == 0
    res = ProjectStore(out / "project.h5").read("refraction/field/refraction")
    img, model = res["image"], res["model"]
    assert check_image(img) == "refraction" and img["vp_rel_sd"].attrs["runs"] == 20
    assert abs(float(img.attrs["chi2"]) - 1.0) <= 0.2
    sd = model["velocity_rel_sd"].values
    assert sd.shape == model["velocity_m_s"].shape and 0.01 < np.median(sd) < 0.2
    assert (out / "figures" / "refraction__field__refraction.png").stat().st_size > 10_000


def test_runs_spread_over_the_workers_give_the_same_spread(survey):
    """A tomography task with ``uncertainty_runs`` on a real local Dask cluster of two worker processes: the runs
    go to both workers (``distributing``, the task's ``worker_client``) and the spread is the one computed in this
    process, bit for bit; with ``uncertainty_distribute: off`` every run stays on the task's worker."""
    from distributed import Client

    from geoexplore.pipeline.cluster import local_cluster
    from geoexplore.seismic.refraction import tomo_uncertainty

    d = _draw(survey, 0)
    s = TomoSettings(**SETTINGS, uncertainty_runs=6, uncertainty_seed=2)
    here = invert(d, s)

    def on_worker(setting):
        import geoexplore.seismic.refraction.tomo_uncertainty as tu
        from geoexplore.pipeline.subtasks import distributing
        from geoexplore.seismic.refraction.tomography import invert as inv

        st = s.model_copy(update={"uncertainty_distribute": setting})
        ref = inv(d, st.model_copy(update={"uncertainty_runs": 0}))
        with distributing(setting) as c:
            sp = tu.velocity_spread(d, st, runs=6, seed=2, reference=ref, client=c)
        full = inv(d, st)
        from distributed import get_worker

        return sp.rel_sd, sp.workers, full.velocity_rel_sd, get_worker().address

    with local_cluster(n_workers=2) as cluster, Client(cluster) as client:
        sd, workers, full_sd, task_worker = client.submit(on_worker, "auto", pure=False).result()
        sd_off, workers_off, _, task_worker_off = client.submit(on_worker, "off", pure=False).result()
    assert len(set(workers)) == 2 and task_worker in workers
    np.testing.assert_array_equal(sd, here.velocity_rel_sd)
    np.testing.assert_array_equal(full_sd, here.velocity_rel_sd)
    np.testing.assert_array_equal(sd_off, here.velocity_rel_sd)
    assert set(workers_off) == {task_worker_off}  # no client: every run ran inside the task, on its worker
    assert tomo_uncertainty.velocity_spread(d, s, runs=6, seed=2, reference=here).workers == [""] * 6


def test_refused_runs_never_lose_the_tomogram(survey):
    """Runs the inversion refuses are listed, not fatal: with settings every run refuses (velocity limits the wrong
    way round), ``velocity_spread`` says how many succeeded and why the others failed, and ``attach_spread`` keeps
    the tomogram, leaves ``velocity_rel_sd`` at None and puts the reason in the summary."""
    from geoexplore.seismic.refraction.tomography import attach_spread

    s = TomoSettings(**SETTINGS)
    ref = invert(_draw(survey, 0), s)
    bad = s.model_copy(update={"v_min_m_s": 3000.0, "v_max_m_s": 300.0, "uncertainty_runs": 3})
    with pytest.raises(ModelError, match=r"0 of 3 runs succeeded.*run 0 failed: v_min_m_s \(3000.0\) must be below"):
        velocity_spread(ref.data, bad, runs=3, reference=ref)
    v = ref.velocity_m_s.copy()
    kept = attach_spread(ref, bad)
    assert kept is ref and np.array_equal(kept.velocity_m_s, v) and kept.velocity_rel_sd is None
    assert kept.summary()["uncertainty_message"].startswith("no velocity uncertainty: velocity_spread: 0 of 3 runs")
