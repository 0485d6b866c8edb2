"""QC: checks, reciprocal error model, filters; nothing is dropped without a reason."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geoexplore.ert import io
from geoexplore.ert.data import ERTData, make_table
from geoexplore.ert.error_model import ErrorModel, fit_binned, fit_reciprocal_std
from geoexplore.ert.geometric import geometric_factors
from geoexplore.ert.qc import (
    assign_errors,
    check,
    filter_outliers,
    filter_rhoa,
    find_reciprocals,
    quality_control,
    reciprocal_analysis,
)
from geoexplore.ert.settings import QCSettings
from geoexplore.ert.synth import dipole_dipole


def _synthetic_dd(rng: np.random.Generator, n_el: int = 32, rho: float = 100.0) -> ERTData:
    el = np.column_stack([np.arange(n_el) * 2.0, np.zeros(n_el), np.zeros(n_el)])
    q = dipole_dipole(n_el, (1, 2), 4)
    k = geometric_factors(el, q)
    r = rho / k
    return ERTData(el, make_table(a=q[:, 0], b=q[:, 1], m=q[:, 2], n=q[:, 3], resistance_ohm=r,
                                  current_a=np.full(len(q), 0.1), geometric_factor_m=k))


def test_fit_binned_recovers_linear_error_model():
    rng = np.random.default_rng(1)
    r = 10 ** rng.uniform(-3, 1, 4000)
    a_true, b_true = 2e-3, 0.02
    sd = a_true + b_true * r
    # |N(0, sd)| has mean sd * sqrt(2/pi): the fit of mean |dR| recovers that line
    e = rng.standard_normal(r.size) * sd
    a, b, br, be = fit_binned(r, e, n_bins=20)
    f = np.sqrt(2 / np.pi)
    assert a == pytest.approx(a_true * f, rel=0.15)
    assert b == pytest.approx(b_true * f, rel=0.1)
    assert len(br) == 20 and np.all(np.diff(br) > 0)


def test_reciprocal_pairs_and_error_model():
    rng = np.random.default_rng(7)
    d = _synthetic_dd(rng).fill_derived()
    q = d.abmn()
    rec = q[:, [2, 3, 0, 1]]  # reciprocals: current on M N, potential on A B
    rec[::3] = rec[::3][:, [1, 0, 3, 2]]  # both dipoles reversed: same sign
    r = d.data["resistance_ohm"].to_numpy()
    sd = 1e-4 + 0.01 * np.abs(r)
    rn = r + rng.standard_normal(r.size) * sd
    rr = r + rng.standard_normal(r.size) * sd
    rr[5] *= 1.5  # a bad pair
    table = make_table(a=np.r_[q[:, 0], rec[:, 0]], b=np.r_[q[:, 1], rec[:, 1]], m=np.r_[q[:, 2], rec[:, 2]],
                       n=np.r_[q[:, 3], rec[:, 3]], resistance_ohm=np.r_[rn, rr], record=np.arange(1, 2 * r.size + 1))
    data = ERTData(d.electrodes, table).fill_derived()
    pairs = find_reciprocals(data)
    assert len(pairs) == r.size
    np.testing.assert_allclose(pairs["r_reciprocal_ohm"].to_numpy(), rr, rtol=1e-12)
    out, res = reciprocal_analysis(data, max_error=0.2, min_pairs=10)
    # the statistic of pyGIMLi (std of R_N - R_R per bin of |R|, all pairs, the bad one too): its own function here
    from geoexplore.core.gimli import import_pygimli

    import_pygimli()
    from pygimli.physics.ert import fitReciprocalErrorModel

    ga, gb = fitReciprocalErrorModel(data.to_pygimli())
    assert res.model is not None
    assert (res.model.absolute_ohm, res.model.relative) == (pytest.approx(ga, rel=1e-9), pytest.approx(gb, rel=1e-9))
    # without the bad pair the relative term is std(R_N - R_R) / |R| = sqrt(2) x 1 %
    good = ~res.pairs["flagged"].to_numpy()
    _, b, _, _ = fit_reciprocal_std(res.pairs["r_normal_ohm"][good], res.pairs["r_reciprocal_ohm"][good])
    assert b == pytest.approx(0.01 * np.sqrt(2), rel=0.2)
    # the bad pair is removed (both), the other reciprocals are averaged into their normals: nothing lost silently
    assert out.n_data == r.size - 1
    assert len(out.removed) == r.size + 1
    reasons = out.removed["reason"].tolist()
    assert sum("reciprocal error" in s for s in reasons) == 2
    assert sum("averaged into record" in s for s in reasons) == r.size - 1


def test_check_removes_bad_rows_with_reasons():
    rng = np.random.default_rng(3)
    d = _synthetic_dd(rng).fill_derived()
    t = d.data.copy()
    t.loc[0, "current_a"] = 0.0
    t.loc[1, "b"] = t.loc[1, "a"]
    t = pd.concat([t, t.iloc[[10]]], ignore_index=True)
    t.loc[len(t) - 1, "record"] = 999
    bad = ERTData(d.electrodes, t)
    out = check(bad)
    reasons = dict(zip(out.removed["record"], out.removed["reason"]))
    assert reasons[1] == "zero current"
    assert reasons[2] == "electrode used twice in the quadrupole"
    assert reasons[999] == "duplicate of record 11"
    assert out.n_data + len(out.removed) == bad.n_data


def test_filters_and_outliers():
    rng = np.random.default_rng(5)
    d = _synthetic_dd(rng).fill_derived()
    rho = d.data["apparent_resistivity_ohm_m"].to_numpy().copy()
    rho *= np.exp(0.02 * rng.standard_normal(rho.size))
    rho[20] = -5.0
    rho[40] = 5000.0  # a spike in a smooth pseudosection
    d.data["apparent_resistivity_ohm_m"] = rho
    a = filter_rhoa(d, 0.0, 1e6)
    assert a.removed["reason"].tolist() == ["negative apparent resistivity"]
    b = filter_outliers(a, 4.0, 3.0)
    assert 41 in b.removed["record"].tolist()
    assert all("outlier" in s for s in b.removed["reason"].iloc[1:])
    assert len(b.removed) <= 3


def test_error_model_assignment():
    rng = np.random.default_rng(2)
    d = _synthetic_dd(rng).fill_derived()
    e = assign_errors(d, None, relative=0.03, absolute_v=1e-4, current_a=0.1)
    u = np.abs(d.data["resistance_ohm"].to_numpy() * 0.1)
    np.testing.assert_allclose(e.data["error"], 0.03 + 1e-4 / u)
    m = ErrorModel(1e-3, 0.02)
    e2 = assign_errors(d, m)
    np.testing.assert_allclose(e2.data["error"], 0.02 + 1e-3 / np.abs(d.data["resistance_ohm"]))


def test_run_qc_on_real_files_keeps_every_datum_accounted(shared_data):
    for name in ("instruments/sting_2D_noIP.stg", "instruments/abem-lund-norm.ohm", "instruments/syscal-bin.bin"):
        d = io.read(shared_data / "ert" / name)
        out, rep = quality_control(d, QCSettings(geometric_factors="analytic"))
        assert out.n_data + len(rep.removed) == d.n_data
        assert (rep.removed["reason"].str.len() > 0).all()
        assert np.all(out.data["apparent_resistivity_ohm_m"] > 0)
        assert np.all(np.isfinite(out.data["error"])) and np.all(out.data["error"] > 0)
    # the Sting file holds normals and reciprocals: a reciprocal error model is fitted
    d = io.read(shared_data / "ert/instruments/sting_2D_noIP.stg")
    out, rep = quality_control(d, QCSettings(geometric_factors="analytic"))
    s = rep.summary()
    assert s["n_reciprocal_pairs"] > 300
    assert s["error_model_relative"] is not None and 0 < s["error_model_relative"] < 0.05
    assert out.meta["error_source"].startswith("reciprocal fit")


def test_numerical_geometric_factors_flat_equal_analytic(shared_data):
    """pyGIMLi's numerical K on flat ground equals the analytic K (gallery.dat, 21 electrodes)."""
    from geoexplore.ert.geometric import numerical_geometric_factors

    d = io.read(shared_data / "ert/gallery.dat")
    kn = numerical_geometric_factors(d)
    np.testing.assert_allclose(kn, geometric_factors(d.electrodes, d.abmn()), rtol=0.01)
