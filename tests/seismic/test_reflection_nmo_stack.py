"""NMO, CMP stack and semblance against analytic hyperbolae with known reflectors."""

from __future__ import annotations

import numpy as np
import pytest

from geoexplore.seismic.reflection.modelling import hyperbolic_gathers
from geoexplore.seismic.reflection.nmo import nmo_correct, nmo_time
from geoexplore.seismic.reflection.stack import cmp_stack, nmo_stack
from geoexplore.seismic.reflection.velocity import dix, semblance, vrms_function

DT = 0.001
NS = 800
OFFSETS = np.arange(20.0, 1001.0, 20.0)
T0 = np.array([0.2, 0.35, 0.5])
VRMS = np.array([1800.0, 2100.0, 2400.0])


def _peak_time(trace: np.ndarray, dt: float = DT, t0: float = 0.0) -> float:
    """Sub-sample peak time by a parabola through the three largest samples."""
    i = int(np.argmax(trace))
    a, b, c = trace[i - 1], trace[i], trace[i + 1]
    return t0 + (i + 0.5 * (a - c) / (a - 2 * b + c)) * dt


def test_nmo_flattens_an_analytic_hyperbola() -> None:
    g = hyperbolic_gathers(OFFSETS, [0.3], [2000.0], NS, DT, freq_hz=30.0)
    # before NMO the peaks lie on the analytic hyperbola
    for k in (0, 20, 49):
        assert abs(_peak_time(g[k]) - nmo_time(0.3, OFFSETS[k], 2000.0)) < 0.25 * DT
    out = nmo_correct(g, OFFSETS, 2000.0, DT, stretch_mute=np.inf)
    peaks = np.array([_peak_time(tr) for tr in out])
    assert np.max(np.abs(peaks - 0.3)) < 0.5 * DT
    # inverse NMO restores the moveout
    back = nmo_correct(out, OFFSETS, 2000.0, DT, stretch_mute=np.inf, inverse=True)
    for k in (0, 25, 49):
        assert abs(_peak_time(back[k]) - nmo_time(0.3, OFFSETS[k], 2000.0)) < 0.5 * DT


def test_stretch_mute_removes_stretched_samples() -> None:
    g = hyperbolic_gathers(OFFSETS, [0.1], [1500.0], NS, DT)
    out = nmo_correct(g, OFFSETS, 1500.0, DT, stretch_mute=0.3)
    t = np.arange(NS) * DT
    tx = nmo_time(t[None, :], OFFSETS[:, None], 1500.0)
    muted = tx > 1.3 * np.maximum(t[None, :], 1e-12)
    assert np.all(out[muted] == 0)
    assert np.any(out[~muted] != 0)


def test_stack_peaks_at_true_t0() -> None:
    t = np.arange(NS) * DT
    v = vrms_function(T0, VRMS, t)
    g = hyperbolic_gathers(OFFSETS, T0, VRMS, NS, DT)
    rng = np.random.default_rng(1)
    g = g + 0.2 * rng.standard_normal(g.shape)
    stack, fold = nmo_stack(g, OFFSETS, np.zeros(OFFSETS.size, int), v, DT, stretch_mute=0.6)
    s = stack[0]
    for t0 in T0:
        win = slice(int((t0 - 0.03) / DT), int((t0 + 0.03) / DT))
        ipk = win.start + int(np.argmax(s[win]))
        assert abs(ipk * DT - t0) <= DT
    assert fold.max() == OFFSETS.size
    # the fused kernel equals NMO followed by a plain stack
    ref, _ = cmp_stack(nmo_correct(g, OFFSETS, v, DT, stretch_mute=0.6), np.zeros(OFFSETS.size, int))
    assert np.allclose(s[50:], ref[0][50:], atol=1e-4 * np.abs(ref).max())


def test_fault_throw_recovered_within_2ms() -> None:
    # 60 CMPs at 5 m; a reflector at 0.300 s steps down to 0.310 s (10 ms throw) at CMP 30
    n_cmp = 60
    true = np.where(np.arange(n_cmp) < 30, 0.300, 0.310)
    offs = np.arange(25.0, 601.0, 25.0)
    data, cmp_idx, off = [], [], []
    for c in range(n_cmp):
        data.append(hyperbolic_gathers(offs, [true[c]], [2000.0], 500, DT, freq_hz=50.0))
        cmp_idx += [c] * offs.size
        off += list(offs)
    d = np.concatenate(data)
    d += 0.1 * np.random.default_rng(3).standard_normal(d.shape)
    stack, _ = nmo_stack(d, off, cmp_idx, 2000.0, DT)
    tpk = np.array([_peak_time(tr) for tr in stack])
    left, right = np.median(tpk[5:25]), np.median(tpk[35:55])
    assert abs((right - left) - 0.010) < 0.002
    assert abs(left - 0.300) <= DT and abs(right - 0.310) <= DT


def test_semblance_maximum_within_one_velocity_step() -> None:
    vels = np.arange(1400.0, 3001.0, 25.0)
    g = hyperbolic_gathers(OFFSETS, T0, VRMS, NS, DT)
    g += 0.3 * np.random.default_rng(2).standard_normal(g.shape)
    S = semblance(g, OFFSETS, vels, DT, window_s=0.02)
    assert S.shape == (vels.size, NS)
    for t0, v in zip(T0, VRMS):
        i = int(round(t0 / DT))
        vbest = vels[np.argmax(S[:, i - 5 : i + 6].max(axis=1))]
        assert abs(vbest - v) <= 25.0 + 1e-9


def test_dix_inverts_rms_of_a_layered_model() -> None:
    # three layers with interval velocities 1500, 2000, 3000 m/s, layer two-way times 0.1, 0.2, 0.3 s
    vint = np.array([1500.0, 2000.0, 3000.0])
    tl = np.array([0.1, 0.2, 0.3])
    tb = np.cumsum(tl)
    vr = np.sqrt(np.cumsum(vint**2 * tl) / tb)
    assert np.allclose(dix(vr, tb)[1:], vint[1:])


@pytest.mark.parametrize("bad", [0.0, -1.0, np.nan])
def test_nmo_rejects_bad_velocity(bad: float) -> None:
    from geoexplore.core.errors import GeoexploreError

    with pytest.raises(GeoexploreError):
        nmo_correct(np.zeros((2, 10)), [0, 10], bad, DT)


def _reference_nmo_stack(data, off, cmp, vel, dt, stretch):
    """Straightforward NumPy NMO + stack (loops over bins and traces), the definition the fused kernel follows:
    linear interpolation at sqrt(t^2 + x^2/v^2), samples stretched by more than ``stretch`` muted, the span
    ending before the last pair of input samples, each output sample divided by its live fold."""
    ns = data.shape[1]
    t = np.arange(ns) * dt
    out = np.zeros(vel.shape)
    fold = np.zeros(vel.shape)
    for c in range(vel.shape[0]):
        for k in np.flatnonzero(cmp == c):
            x = abs(off[k])
            f = np.sqrt(t**2 + x**2 / vel[c] ** 2) / dt
            live = (t > 0) & (np.sqrt(t**2 + x**2 / vel[c] ** 2) <= (1 + stretch) * t) if x > 0 else np.ones(ns, bool)
            i0 = int(np.argmax(live)) if live.any() else ns
            past = np.flatnonzero(np.floor(f[i0:]) >= ns - 1)
            i1 = i0 + past[0] if past.size else ns
            j = np.floor(f[i0:i1]).astype(int)
            w = f[i0:i1] - j
            out[c, i0:i1] += (1 - w) * data[k, j] + w * data[k, j + 1]
            fold[c, i0:i1] += 1
    return np.where(fold > 0, out / np.maximum(fold, 1), 0.0), fold


def test_fused_kernel_equals_a_straightforward_reference() -> None:
    """Shuffled traces, a velocity function per bin and a stretch mute: same stack and fold as the loops above."""
    rng = np.random.default_rng(7)
    n_cmp, ns = 12, 600
    offsets = np.arange(1, 25) * 40.0
    t = np.arange(ns) * DT
    g = hyperbolic_gathers(offsets, T0, VRMS, ns, DT, freq_hz=30.0)
    data = np.vstack([g + 0.1 * rng.standard_normal(g.shape) for _ in range(n_cmp)]).astype(np.float32)
    off = np.tile(offsets, n_cmp) * rng.choice([-1.0, 1.0], offsets.size * n_cmp)
    cmp = np.repeat(np.arange(n_cmp), offsets.size)
    perm = rng.permutation(cmp.size)
    vel = vrms_function(T0, VRMS, t)[None, :] * (1 + 0.05 * np.sin(np.arange(n_cmp)))[:, None]
    stack, fold = nmo_stack(data[perm], off[perm], cmp[perm], vel, DT, stretch_mute=0.4, n_cmp=n_cmp)
    ref, ref_fold = _reference_nmo_stack(data.astype(float), off, cmp, vel, DT, 0.4)
    np.testing.assert_array_equal(fold, ref_fold)
    assert np.max(np.abs(stack - ref)) < 1e-5 * np.max(np.abs(ref))
