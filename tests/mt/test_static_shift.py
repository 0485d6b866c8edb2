"""Static shift (item 7) on a synthetic with a known shift: 3-layer analytic 1D response (labelled synthetic),
1 % noise, the Ex row scaled by sqrt(3) and the Ey row by sqrt(0.5) (rho_xy x 3, rho_yx x 0.5)."""

import re

import numpy as np
import pytest

from geoexplore.mt.analysis import apply_static_shift
from geoexplore.mt.invert1d import invert_station
from geoexplore.mt.settings import Invert1DSettings
from geoexplore.mt.static_shift import correct, mode_split, shift_from_reference
from tests.mt.test_occam import RHO, H, T, noisy

SX, SY = 3.0, 0.5


@pytest.fixture(scope="module")
def shifted():
    return apply_static_shift(noisy(RHO, H, T, rel=0.01, seed=11), 1 / SX, 1 / SY)


def test_shift_is_a_real_scaling_phases_unchanged(shifted):
    clean = noisy(RHO, H, T, rel=0.01, seed=11)
    rxy = 0.2 * T * np.abs(shifted["z"].values[:, 0, 1]) ** 2 / (0.2 * T * np.abs(clean["z"].values[:, 0, 1]) ** 2)
    np.testing.assert_allclose(rxy, SX, rtol=1e-12)
    np.testing.assert_allclose(np.angle(shifted["z"].values), np.angle(clean["z"].values), atol=1e-12)


def test_mode_split_reports_the_relative_shift(shifted):
    rep = mode_split(shifted)
    assert rep["n_periods"] >= 25  # a 1D earth: the phases agree everywhere
    assert rep["ratio"] == pytest.approx(SX / SY, rel=0.03)


def test_phase_correction_equalises_the_modes_but_cannot_fix_the_level(shifted):
    tf, rep = correct(shifted, "phase")
    assert rep["mode_ratio"] == pytest.approx(6.0, rel=0.03)
    assert mode_split(tf)["ratio"] == pytest.approx(1.0, rel=0.02)
    fx, fy = rep["factors"]
    assert fx * fy == pytest.approx(1.0, rel=1e-12)  # the determinant is untouched (level unknown from phase)
    assert fx == pytest.approx(np.sqrt(6.0), rel=0.02)


def test_reference_correction_recovers_both_factors(shifted):
    """A TEM/ERT near-surface value of 100 ohm-m known to 300 m gives back s_x = 3 and s_y = 0.5."""
    ref = shift_from_reference(shifted, [100.0], depth_max_m=300.0)
    assert ref["factors"][0] == pytest.approx(SX, rel=0.05) and ref["factors"][1] == pytest.approx(SY, rel=0.05)
    assert ref["phase_misfit_deg"] < 1.0 and ref["periods_s"].size >= 3
    # a layered reference column (the true top two layers) down to 1 km works too
    ref2 = shift_from_reference(shifted, [100.0, 10.0], [500.0], depth_max_m=1000.0)
    assert ref2["factors"][0] == pytest.approx(SX, rel=0.05)
    with pytest.raises(ValueError, match="no period"):
        shift_from_reference(shifted, [100.0], depth_max_m=5.0)


def test_inversion_with_and_without_the_correction(shifted):
    """Determinant inversion: uncorrected, the top layer carries sqrt(3 x 0.5) = 1.22; corrected from the
    reference it comes back within 15 % of 100 ohm-m; the summary reports the mode split and the factors."""
    base = dict(floor_rho=0.0, floor_phase_deg=0.0)
    raw = invert_station(shifted, Invert1DSettings(**base))
    fixed = invert_station(shifted, Invert1DSettings(static_shift="reference", reference_ohm_m=[100.0],
                                                     reference_depth_m=300.0, **base))
    assert raw.resistivity_ohm_m[0] == pytest.approx(100.0 * np.sqrt(SX * SY), rel=0.15)
    assert fixed.resistivity_ohm_m[0] == pytest.approx(100.0, rel=0.15)
    assert float(re.search(r"modes differ by x([0-9.]+)", raw.summary()).group(1)) == pytest.approx(6.0, rel=0.03)
    assert "corrected (reference)" in fixed.summary()
    assert fixed.to_dataset().attrs["static_shift_factors"][0] == pytest.approx(SX, rel=0.05)
