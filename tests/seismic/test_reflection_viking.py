"""Validation on the real Viking Graben marine line (../shared/data/seismic/viking_small.segy), default settings, no tables.

* The water-bottom reflection: sea water is 1480-1500 m/s (the physical reference); the semblance
  picks of the first reflector must lie within 3 % of that range.
* Diffraction focusing: point diffractors (SYNTHETIC: the exact 2-D Green's function of a point
  in the exploding-reflector model, ``-i pi/2 H0(2)(w tau)``, with a 25 Hz Ricker wavelet, at the
  section's own migration velocity) are added to the real stack of the line; after migration with
  default settings at least 80 % of their energy must lie within +-3 traces and +-20 ms of each
  diffractor.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from geoexplore.seismic.reflection import flow


@pytest.fixture(scope="module")
def viking(shared_data):
    ds = flow.load_shots([shared_data / "seismic" / "viking_small.segy"], None, None, None)
    ds = flow.apply_elevation_statics(ds)
    pre = flow.preprocess(ds)
    spectra, picks = flow.velocity_analysis(pre)
    return {"raw": ds, "pre": pre, "spectra": spectra, "picks": picks, "stack": flow.stack(pre, picks)}


def test_defaults_follow_the_data(viking) -> None:
    pre = viking["pre"]
    notes = json.loads(pre.attrs["notes"])
    # the high corner from the record's spectrum: signal stands above noise beyond 0.8 x the 125 Hz Nyquist of 4 ms
    # sampling, so the corner is capped there, and said so
    assert json.loads(pre.attrs["band_hz"]) == [30.0, 100.0]
    assert any("from the record's spectrum: 100 Hz" in n and "capped at 0.8 x Nyquist" in n for n in notes)
    # a given 180 Hz corner is still clamped to 0.8 x Nyquist, and said so
    pre180 = flow.preprocess(viking["raw"], freq_max_hz=180.0)
    assert json.loads(pre180.attrs["band_hz"]) == [30.0, 100.0]
    assert any("clamped to 100 Hz" in n for n in json.loads(pre180.attrs["notes"]))
    # the mute follows the first arrivals (the water bottom at sea), not a land velocity of 1000 m/s
    assert 1400 < pre.attrs["mute_velocity_m_s"] < 1700
    assert 0.44 < pre.attrs["first_arrival_t0_s"] < 0.50  # the water bottom at zero offset (README: 0.48-0.50 s)
    # the velocity scan's top from the offsets and record length: 3237 m at 2.4 s resolves RMS velocities far above
    # the 6000 m/s ceiling of interval velocities, so the scan reaches that ceiling (was a fixed 3500 m/s)
    sp = viking["spectra"]
    assert sp.attrs["v_max_m_s"] == 6000.0 and "velocity scan up to 6000 m/s" in json.loads(sp.attrs["notes"])[0]
    rej = json.loads(viking["picks"].attrs["rejected"])
    assert any("above the first reflector" in r["reason"] for r in rej)
    assert all(r["reason"] for r in rej)


def test_water_bottom_velocity_from_semblance(viking) -> None:
    p = viking["picks"]
    t0 = viking["pre"].attrs["first_arrival_t0_s"]
    first = []
    for c in np.unique(p["cdp"].values):
        sel = p["cdp"].values == c
        k = np.argmin(p["time_s"].values[sel])
        t, v = p["time_s"].values[sel][k], p["vrms_m_s"].values[sel][k]
        if abs(t - t0) < 0.06:  # this location's first pick is on the water bottom
            first.append(v)
    assert len(first) >= 6
    lo, hi = 1480 * 0.97, 1500 * 1.03
    assert lo <= np.median(first) <= hi, first
    assert all(lo <= v <= hi for v in first), first
    # no pick anywhere is above the water bottom
    assert p["time_s"].values.min() >= t0 - 0.02


def _diffraction(t, ch, x0, t0, v, f=25.0):
    from scipy.special import hankel2

    dt = t[1] - t[0]
    nf = 4 * t.size
    w = 2 * np.pi * np.fft.rfftfreq(nf, dt)
    tr = np.arange(nf) * dt - 0.2
    a = (np.pi * f * tr) ** 2
    R = np.fft.rfft((1 - 2 * a) * np.exp(-a), nf) * np.exp(1j * w * 0.2)
    out = np.zeros((t.size, ch.size))
    for k, x in enumerate(ch):
        tau = np.sqrt(t0**2 + 4 * (x - x0) ** 2 / v**2)
        G = np.zeros(w.size, complex)
        G[1:] = -0.5j * np.pi * hankel2(0, w[1:] * tau)
        out[:, k] = np.fft.irfft(R * G, nf)[: t.size]
    return out


def test_diffractions_in_the_real_stack_focus(viking) -> None:
    from geoexplore.seismic.reflection.imaging import smooth_velocity

    stk = viking["stack"]
    a = stk["amplitude"].values.astype(float)
    t, ch = stk["time_s"].values, stk["chainage_m"].values
    v_mig = smooth_velocity(stk, "auto", for_migration=True)[0].T  # the velocities migration uses (time, x)
    base = flow.migrate(stk)["amplitude"].values
    ix0 = ch.size // 2
    shares = {}
    for t0 in (0.6, 1.0, 1.5, 2.0):
        it0 = int(round(t0 / stk.attrs["dt_s"]))
        d = _diffraction(t, ch, ch[ix0], t0, v_mig[it0, ix0])
        d *= 5 * np.sqrt(np.mean(a**2)) / np.abs(d).max()  # strong but not dominating the section
        s2 = stk.copy()
        s2["amplitude"] = (("time_s", "chainage_m"), (a + d).astype(np.float32))
        e = (flow.migrate(s2)["amplitude"].values - base) ** 2  # migration is linear: the diffraction's image
        shares[t0] = float(e[it0 - 5:it0 + 6, ix0 - 3:ix0 + 4].sum() / e.sum())
    assert all(s >= 0.8 for s in shares.values()), shares
