"""Peer check against mtpy-v2 (a dependency we did not write) on real and embedded EDI files.

Apparent resistivity, phase, their errors and the phase-tensor invariants
(Caldwell et al. 2004) computed by geoexplore from its own EDI reader equal
mtpy-v2's (``mtpy.MT``) to rounding. mtpy's phase-tensor *errors* are not
compared one to one: they are a conservative bound, 1.5-2.5 x the first-order
propagation. Ours (Monte-Carlo) are checked against an independent linear
propagation through a numerical Jacobian instead.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from geoexplore.mt.analysis import rho_phase
from geoexplore.mt.edi import read_edi
from geoexplore.mt.phase_tensor import invariant_errors, invariants, phase_tensor

ROOT = Path(__file__).resolve().parents[2]
SHARED = ["tf_edi_empower.edi", "tf_edi_metronix.edi", "tf_edi_phoenix.edi", "tf_edi_quantec.edi"]
EMBEDDED = ["SP02.edi", "SP22.edi"]  # SYNTHETIC Siping stations west and east of F3


def _mtpy(path: Path):
    mtpy = pytest.importorskip("mtpy")
    m = mtpy.MT(str(path))
    m.read()
    return m


def _paths(shared_data: Path | None, name: str) -> Path:
    if name in EMBEDDED:
        return ROOT / "data" / "siping" / "mt" / "edi" / name
    assert shared_data is not None
    return shared_data / "mt" / name


@pytest.fixture
def edi_path(request) -> Path:
    name = request.param
    if name in EMBEDDED:
        return _paths(None, name)
    return _paths(request.getfixturevalue("shared_data"), name)


def _close(ours: np.ndarray, theirs: np.ndarray, atol: float) -> int:
    ok = np.isfinite(ours) & np.isfinite(theirs)
    assert ok.sum() >= 0.9 * ours.size, "values missing on one side"
    np.testing.assert_allclose(ours[ok], theirs[ok], rtol=0, atol=atol)
    return int(ok.sum())


@pytest.mark.parametrize("edi_path", SHARED + EMBEDDED, indirect=True)
def test_rho_phase_and_phase_tensor_equal_mtpy(edi_path):
    ds = read_edi(edi_path)
    m = _mtpy(edi_path)
    period = ds["period_s"].values
    idx = np.array([int(np.argmin(np.abs(np.log(m.period / p)))) for p in period])
    np.testing.assert_allclose(m.period[idx], period, rtol=1e-6)

    rp = rho_phase(ds)
    rho, rho_err = rp["rho_a_ohm_m"].values, rp["rho_a_err_ohm_m"].values
    ph, ph_err = rp["phase_deg"].values, rp["phase_err_deg"].values
    for (i, j), comp in (((0, 1), "xy"), ((1, 0), "yx")):
        _close(np.log10(rho[:, i, j]), np.log10(getattr(m.Z, f"res_{comp}")[idx]), 1e-9)
        _close(ph[:, i, j], getattr(m.Z, f"phase_{comp}")[idx], 1e-9)
        with np.errstate(divide="ignore", invalid="ignore"):
            r_rho = rho_err[:, i, j] / getattr(m.Z, f"res_error_{comp}")[idx]
            r_ph = ph_err[:, i, j] / getattr(m.Z, f"phase_error_{comp}")[idx]
        assert np.nanmedian(r_rho) == pytest.approx(1.0, abs=1e-6)
        # phase errors agree to first order; at large relative errors the two angle formulas part (<= 3 %)
        assert np.nanmedian(r_ph) == pytest.approx(1.0, abs=5e-3)
        assert np.nanmax(np.abs(r_ph - 1.0)) < 0.05

    inv = invariants(phase_tensor(ds["z"].values))
    pt = m.pt
    n = _close(inv["phi_min_deg"], pt.phimin[idx], 1e-9)
    _close(inv["phi_max_deg"], pt.phimax[idx], 1e-9)
    _close(inv["beta_deg"], pt.skew[idx], 1e-9)
    # mtpy's azimuth is alpha - beta in [0, 360); ours the same angle modulo 180
    d = np.mod(inv["strike_deg"] - pt.azimuth[idx] + 90.0, 180.0) - 90.0
    _close(d, np.zeros_like(d), 1e-8)
    assert n > 10


@pytest.mark.parametrize("edi_path", ["tf_edi_metronix.edi", "SP22.edi"], indirect=True)
def test_phase_tensor_errors_are_first_order_propagation(edi_path):
    """Monte-Carlo errors of phi_min, phi_max, skew = linear propagation through a numerical Jacobian."""
    ds = read_edi(edi_path)
    z = ds["z"].values
    e = np.nan_to_num(ds["z_err"].values)
    keys = ("phi_min_deg", "phi_max_deg", "beta_deg")
    base = invariants(phase_tensor(z))
    var = {k: np.zeros(len(z)) for k in keys}
    for i in range(2):
        for j in range(2):
            for part in (1.0, 1j):  # z_err is the standard deviation of each of the real and imaginary parts
                step = 1e-6 * np.abs(z[:, i, j]) + 1e-30
                zp = z.copy()
                zp[:, i, j] += part * step
                moved = invariants(phase_tensor(zp))
                for k in keys:
                    var[k] += ((moved[k] - base[k]) / step * e[:, i, j]) ** 2
    mc = invariant_errors(z, e, n_draws=4000)
    for k in keys:
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = mc[k] / np.sqrt(var[k])
        assert np.nanmedian(ratio) == pytest.approx(1.0, abs=0.05), k
