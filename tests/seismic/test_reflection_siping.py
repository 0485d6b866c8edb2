"""The synthetic Siping reflection survey: shots -> stack -> migration -> depth, faults F2 and F3 imaged.

Truth comes from data/siping/model.yaml (the model the synthetic SEG-2
files were computed from with Kirchhoff modelling), not from our processing.
"""

from __future__ import annotations

import numpy as np
import pytest

from geoexplore.core.images import check_image


@pytest.fixture(scope="module")
def processed(siping_dir, siping_model):
    """The workflow steps of the reflection block, chained in memory (as the runner would)."""
    from pathlib import Path

    from geoexplore.core.geomodel import load_model
    from geoexplore.core.modelcodec import model_to_dataset
    from geoexplore.pipeline.step import StepContext, get_step

    model = model_to_dataset(load_model(siping_dir / "model.yaml"))

    def run(name, inputs, **settings):
        spec = get_step(name)
        ctx = StepContext(step_id=name, inputs=inputs, input_dir=Path(siping_dir), line="shallow")
        return spec(ctx, spec.settings.from_mapping(settings))

    gathers = run("seismic.reflection_gathers", {"model": model})
    velocity = run("seismic.velocity_analysis", {"gathers": gathers})
    stk = run("seismic.stack", {"gathers": gathers, "velocity": velocity})
    mig = run("seismic.migrate", {"stack": stk})
    dep = run("seismic.depth_convert", {"migrated": mig, "model": model}, max_depth_m=500.0)
    return {"cmp": gathers["cmp"], "geometry": gathers["geometry"], "spectra": velocity["spectra"],
            "picks": velocity["picks"], "stack": stk, "mig": mig, "depth": dep}


def _track(env: np.ndarray, z: np.ndarray, start: int, z0: float, step: int, max_dz: float = 2.0, rel: float = 0.35):
    """Follow a reflector (envelope maximum within +-max_dz per trace) until it fades; {trace index: depth}."""
    w = max(1, int(round(max_dz / (z[1] - z[0]))))
    cur = int(np.argmin(np.abs(z - z0)))
    amps: list[float] = []
    path: dict[int, float] = {}
    miss, k = 0, start
    while 0 <= k < env.shape[1]:
        lo, hi = max(0, cur - w), min(env.shape[0], cur + w + 1)
        j = lo + int(np.argmax(env[lo:hi, k]))
        if len(amps) < 5 or env[j, k] >= rel * np.median(amps[-20:]):
            amps.append(env[j, k])
            cur, path[k], miss = j, z[j], 0
        else:
            miss += 1
            if miss > 2:
                break
        k += step
    return path


def reflector_offset(dep, zmin: float, zmax: float, lo: float, hi: float, n_ref: int = 20):
    """Where a reflector is offset: (depth left, depth right, chainage of the offset).

    The reflector is tracked from each end of the window towards the other
    until it fades or leaves its own level by more than half the throw; the
    offset lies midway between the two ends.
    """
    from scipy.signal import hilbert

    sub = dep.sel(chainage_m=slice(lo, hi), depth_m=slice(zmin, zmax))
    env = np.abs(hilbert(np.nan_to_num(sub["amplitude"].values), axis=0))
    z, ch = sub["depth_m"].values, sub["chainage_m"].values
    zpk = z[np.argmax(env, axis=0)]
    zl, zr = float(np.median(zpk[:n_ref])), float(np.median(zpk[-n_ref:]))
    ends = []
    for start, z0, step in ((0, zl, 1), (ch.size - 1, zr, -1)):
        path = _track(env, z, start, z0, step)
        ks = sorted(path, reverse=step < 0)
        b = ks[0]
        for k in ks:
            if abs(path[k] - z0) > abs(zl - zr) / 2:
                break
            b = k
        ends.append(float(ch[b]))
    return zl, zr, 0.5 * (ends[0] + ends[1])


def test_siping_depth_section_is_a_reflection_image(processed) -> None:
    dep = processed["depth"]
    assert check_image(dep) == "reflection"
    # the image is blanked where fewer than 3 traces survived the mutes: the shallow short-offset window
    mask = dep["mask"].values
    assert np.array_equal(mask, np.isfinite(dep["amplitude"].values))
    first_live = dep["depth_m"].values[np.argmax(mask[:, 20:-20], axis=0)]
    assert 20.0 < np.median(first_live) < 60.0 and mask[200:400].mean() > 0.95
    assert dep.attrs["synthetic"] == 1 and dep.attrs["line"] == "shallow"
    assert dep["chainage_m"].min() <= 21010 and dep["chainage_m"].max() >= 22990
    assert processed["cmp"].attrs["bad_files"] == "[]"
    assert int(processed["cmp"]["fold"].max()) >= 6
    # the crooked line: midpoints up to a few metres off the profile, projected onto it
    assert 1.0 < processed["geometry"].attrs["max_offline_m"] < 10.0


def test_siping_figures(processed, tmp_path) -> None:
    from geoexplore.seismic import plot

    plot.plot_gathers({"cmp": processed["cmp"], "geometry": processed["geometry"]}, tmp_path / "g.png")
    plot.plot_velocity({"spectra": processed["spectra"], "picks": processed["picks"]}, tmp_path / "v.png")
    plot.plot_time_section(processed["stack"], tmp_path / "s.png", wiggles=True)
    plot.plot_depth_section(processed["depth"], tmp_path / "d.png")
    assert all((tmp_path / f).stat().st_size > 10_000 for f in ("g.png", "v.png", "s.png", "d.png"))


def test_picks_csv_round_trip_feeds_back(processed, tmp_path) -> None:
    from geoexplore.seismic.reflection import flow
    from geoexplore.seismic.reflection.velocity import (
        read_velocity_picks,
        write_velocity_picks,
    )

    p = processed["picks"]
    write_velocity_picks({k: p[k].values for k in ("cdp", "chainage_m", "time_s", "vrms_m_s")}, tmp_path / "picks.csv")
    back = read_velocity_picks(tmp_path / "picks.csv")
    assert np.allclose(back["vrms_m_s"], p["vrms_m_s"].values, atol=0.06)
    # an edited table (all velocities +10 %) changes the stack: the edit is used
    back["vrms_m_s"] = back["vrms_m_s"] * 1.1
    stk2 = flow.stack(processed["cmp"], flow.picks_dataset(back))
    assert float(np.abs(stk2["vrms_m_s"] / processed["stack"]["vrms_m_s"] - 1.1).max()) < 1e-3


@pytest.mark.parametrize("fault, window, span", [("F2", (320, 460), (21150, 21700)), ("F3", (250, 400), (22050, 22600))])
def test_siping_faults_offset_reflector_at_right_chainage(processed, siping_model, fault, window, span) -> None:
    # the base of the Neogene (N1 base): the reflector both faults offset most (50 m at F2, 70 m at F3)
    dep = processed["depth"]
    zl, zr, x = reflector_offset(dep, *window, *span)
    f = siping_model.fault(fault)
    k = siping_model.unit_names.index("N1")
    blocks = siping_model.base_depth_m[:, k]
    i = siping_model.faults.index(f)
    true_throw = blocks[i] - blocks[i + 1]
    x_true = float(f.position(0.5 * (blocks[i] + blocks[i + 1])))
    bin_m = float(processed["cmp"].attrs["bin_m"])
    assert abs(x - x_true) <= 2 * bin_m, f"{fault}: offset imaged at {x:.1f} m, fault at {x_true:.1f} m"
    # the offset has the right sense and about the right size (depth conversion uses picked velocities)
    assert zl > zr and abs((zl - zr) - true_throw) <= 0.25 * true_throw
    # and the reflector depths are right within 5 % (Dix velocities from automatic picks)
    assert abs(zl - blocks[i]) <= 0.05 * blocks[i] and abs(zr - blocks[i + 1]) <= 0.05 * blocks[i + 1]


def test_siping_velocity_picks_match_the_model(processed, siping_model) -> None:
    # RMS velocity of the model column at each analysis location vs the picks (at the picked times)
    picks = processed["picks"]
    errs = []
    for ch, t, v in zip(picks["chainage_m"].values, picks["time_s"].values, picks["vrms_m_s"].values):
        col = siping_model.column(float(ch), max_depth_m=800.0)
        dtl = 2 * col["thickness_m"][:-1] / col["vp_m_s"][:-1]
        tb = np.cumsum(dtl)
        vr = np.sqrt(np.cumsum(col["vp_m_s"][:-1] ** 2 * dtl) / tb)
        j = int(np.argmin(np.abs(tb - t)))
        if abs(tb[j] - t) < 0.006 and 0.05 < t < 0.45:  # picks on a model reflection
            errs.append(abs(v - vr[j]) / vr[j])
    assert len(errs) >= 20
    assert np.median(errs) < 0.05


def test_siping_land_mute_follows_the_direct_wave_and_keeps_the_shallow_picks(processed, siping_model) -> None:
    """Issue 26: on land the automatic top mute follows the direct wave (the Holocene silt, 1000 m/s in the model),
    not the earliest head waves. With the head-wave mute (1535 m/s) the direct and refracted waves stayed in the
    gathers and 10 of 41 analysis locations had no pick above 0.13 s (RMS velocity 1770 m/s held to time zero):
    a false offset of the Quaternary base at F2 in the depth section."""
    cmp = processed["cmp"]
    assert cmp.attrs["first_arrival_direct"] == 1.0
    v_q4 = siping_model.units[siping_model.unit_names.index("Q4")].vp_m_s
    assert abs(cmp.attrs["mute_velocity_m_s"] - v_q4) <= 0.1 * v_q4
    picks = processed["picks"]
    first = {}
    for ch, t in zip(picks["chainage_m"].values, picks["time_s"].values):
        first[float(ch)] = min(first.get(float(ch), np.inf), float(t))
    # every location has a pick in the Quaternary (two-way time to the Q3l base, 44 m: 0.06 s in the model)
    assert len(first) >= 35 and max(first.values()) < 0.08, {c: t for c, t in first.items() if t >= 0.08}


def test_siping_defaults_from_the_data_band_and_velocity_scan(processed) -> None:
    """Issue 26: the band-pass high corner comes from the record's spectrum (inside the band where the signal stands
    above the noise of a stack of the median fold), the velocity scan's top from the largest offset and the record
    length; the scan top gives the same picks as the old fixed 3500 m/s (Siping results kept)."""
    import json

    from geoexplore.seismic.reflection import flow

    cmp = processed["cmp"]
    lo_s, hi_s = json.loads(cmp.attrs["band_signal_hz"])
    lo, hi = json.loads(cmp.attrs["band_hz"])
    assert lo_s <= lo < hi <= hi_s
    spectra = processed["spectra"]
    x = float(np.abs(cmp["offset_m"].values).max())
    t_end = float(cmp["time_s"].values[-1])
    v = spectra.attrs["v_max_m_s"]
    # the scan top: the moveout at the largest offset at the end of the record is the semblance window (within a step)
    w = spectra.attrs["window_s"]
    assert np.sqrt(t_end**2 + x**2 / v**2) - t_end <= w < np.sqrt(t_end**2 + x**2 / (v - 25.0) ** 2) - t_end
    _, old = flow.velocity_analysis(cmp, v_max_m_s=3500.0)
    new = processed["picks"]
    for k in ("cdp", "time_s", "vrms_m_s"):
        np.testing.assert_array_equal(old[k].values, new[k].values)
