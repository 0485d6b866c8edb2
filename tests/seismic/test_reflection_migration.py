"""Post-stack migration of a point diffractor: the energy must focus at the diffractor."""

from __future__ import annotations

import numpy as np
import pytest

from geoexplore.seismic.reflection.migration import kirchhoff, phase_shift, stolt
from geoexplore.seismic.reflection.modelling import diffraction_section

DX, DT, NX, NS = 5.0, 0.002, 161, 400
X = np.arange(NX) * DX
X0, T0, V = 400.0, 0.3, 2000.0


@pytest.fixture(scope="module")
def section() -> np.ndarray:
    return diffraction_section(X, X0, T0, V, NS, DT, freq_hz=25.0)


def _focus(m: np.ndarray) -> tuple[float, int, float]:
    """(fraction of energy in the focal zone, trace error, time error s)."""
    e = m**2
    ix, it = np.unravel_index(np.argmax(np.abs(m)), m.shape)
    i0, t0 = int(round(X0 / DX)), int(round(T0 / DT))
    # focal zone: within 3 traces and one dominant period (40 ms at 25 Hz) of the true position
    zone = e[i0 - 3 : i0 + 4, t0 - 10 : t0 + 11].sum()
    return zone / e.sum(), abs(ix - i0), abs(it - t0) * DT


@pytest.mark.parametrize("method", ["stolt", "phase_shift", "kirchhoff"])
def test_point_diffractor_focuses(section: np.ndarray, method: str) -> None:
    # before migration the energy is spread along the hyperbola
    frac0, _, _ = _focus(section)
    assert frac0 < 0.5
    if method == "stolt":
        m = stolt(section, DX, DT, V)
    elif method == "phase_shift":
        m = phase_shift(section, DX, DT, np.full(NS, V))
    else:
        m = kirchhoff(section, X, DT, V, aperture_m=800.0, max_angle_deg=80.0)
    frac, dtr, dtt = _focus(m)
    assert frac >= 0.75, f"{method}: only {frac:.2f} of the energy in the focal zone"
    assert dtr <= 1 and dtt <= 0.005


def test_flat_reflector_is_unchanged_by_migration() -> None:
    # a horizontal reflector is its own migrated image
    from geoexplore.seismic.reflection.modelling import add_wavelet

    d = add_wavelet(NS, DT, np.full((NX, 1), 0.25), np.ones((NX, 1)), 25.0)
    for m in (stolt(d, DX, DT, V), phase_shift(d, DX, DT, np.full(NS, V))):
        mid = m[40:120]
        assert np.all(np.abs(np.argmax(mid, axis=1) * DT - 0.25) <= DT)
