"""Defaults from the data: the record's signal band (against a constructed spectrum) and the velocity scan's top
(against the moveout it is defined by).

Signal band: traces of white noise (flat spectrum) with, after a known first-arrival time, a signal whose spectrum is
an ideal band 20-80 Hz at a chosen multiple of the noise power: the band where signal stands above noise (of one trace,
or of an n-fold stack: noise power / n) is 20-80 Hz or nothing, by construction (the estimate may blur the edges by
the 5 Hz smoothing and the Hann window's leakage).
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from geoexplore.core.errors import GeoexploreError
from geoexplore.seismic.reflection.datadefaults import (
    check_band,
    scan_v_max,
    signal_band,
)


def _record(n_tr=24, n=1000, dt=0.001, t_fb=0.3, band=(20.0, 80.0), snr_power=100.0, seed=3):
    rng = np.random.default_rng(seed)
    d = rng.standard_normal((n_tr, n))  # white noise, unit power per sample
    i = int(t_fb / dt)
    m = n - i
    f = np.fft.rfftfreq(m, dt)
    spec = np.exp(2j * np.pi * rng.random((n_tr, f.size))) * ((f >= band[0]) & (f <= band[1]))  # flat amplitude, random phase
    sig = np.fft.irfft(spec, m, axis=1)
    in_band = ((f >= band[0]) & (f <= band[1])).mean()  # fraction of the spectrum the signal fills
    sig *= np.sqrt(snr_power * in_band) / sig.std()  # its power density in the band: snr_power x the noise's
    d[:, i:] += sig
    return d, dt, np.full(n_tr, t_fb)


def test_signal_band_of_a_constructed_spectrum() -> None:
    d, dt, fb = _record()
    b = signal_band(d, dt, fb)
    assert abs(b["low_hz"] - 20.0) <= 6.0 and abs(b["high_hz"] - 80.0) <= 6.0, b
    assert 20.0 <= b["peak_hz"] <= 80.0
    # a weaker signal (power density 0.5 x the noise) is nowhere above the noise of one trace: the band shrinks to the
    # peak bin; in a 10-fold stack the noise power is a tenth, below the signal's: the band is 20-80 Hz again
    b2 = signal_band(*_record(snr_power=0.5))
    assert b2["high_hz"] - b2["low_hz"] < 10.0
    b4 = signal_band(*_record(n_tr=400, snr_power=0.5), stack_fold=10.0)
    assert abs(b4["low_hz"] - 20.0) <= 6.0 and abs(b4["high_hz"] - 80.0) <= 6.0, b4


def test_signal_band_needs_a_noise_window() -> None:
    d, dt, _ = _record()
    with pytest.raises(GeoexploreError, match="pre-arrival noise window"):
        signal_band(d, dt, np.full(d.shape[0], 0.005))


def test_check_band_adapts_auto_keeps_given_and_refuses_a_low_corner_above_the_band() -> None:
    band = {"low_hz": 18.0, "high_hz": 82.0, "peak_hz": 40.0, "n_noise_traces": 24}
    lo, hi, notes = check_band(30.0, "auto", band, 0.001)
    assert (lo, hi) == (30.0, 82.0) and "from the record's spectrum" in notes[0]
    lo, hi, notes = check_band(30.0, "auto", band, 0.008)  # Nyquist 62.5 Hz: at most 0.8 x Nyquist
    assert hi == 50.0
    lo, hi, notes = check_band(30.0, 180.0, band, 0.001)
    assert hi == 180.0 and "kept as given" in notes[0]
    with pytest.raises(GeoexploreError, match="nothing but noise"):
        check_band(90.0, "auto", band, 0.001)


@pytest.mark.parametrize("x, t_end, w", [(1000.0, 1.0, 0.016), (470.0, 0.5, 0.016), (3237.0, 2.4, 0.016)])
def test_scan_v_max_is_where_the_moveout_equals_the_window(x, t_end, w) -> None:
    v, note = scan_v_max(x, t_end, w, v_min_m_s=900.0, max_vint_m_s=1e9, dv_m_s=1e-6)
    # at the end of the record the moveout of the top velocity over the largest offset is the semblance window
    assert np.sqrt(t_end**2 + x**2 / v**2) - t_end == pytest.approx(w, rel=1e-6)
    assert "velocity scan up to" in note
    # rounded up to the step; never above max_vint_m_s; at least four steps above v_min
    assert scan_v_max(x, t_end, w, v_min_m_s=900.0, max_vint_m_s=1e9, dv_m_s=25.0)[0] % 25 == 0
    assert scan_v_max(x, t_end, w, v_min_m_s=900.0, max_vint_m_s=2000.0, dv_m_s=25.0)[0] <= max(2000.0, 1000.0)
    assert scan_v_max(10.0, 5.0, w, v_min_m_s=900.0, max_vint_m_s=6000.0, dv_m_s=25.0)[0] == 1000.0
    with pytest.raises(GeoexploreError, match="give v_max_m_s"):
        scan_v_max(0.0, t_end, w, v_min_m_s=900.0, max_vint_m_s=6000.0, dv_m_s=25.0)


def test_real_records_signal_band(shared_data) -> None:
    """The real Viking line (4 ms, Nyquist 125 Hz): the band's high edge lies between the signal peak and Nyquist;
    the preprocessing's 'auto' corner is that edge (at most 0.8 x Nyquist) and is recorded."""
    from geoexplore.seismic.reflection import flow

    ds = flow.load_shots([shared_data / "seismic" / "viking_small.segy"], None, None, None)
    pre = flow.preprocess(ds)
    lo_s, hi_s = json.loads(pre.attrs["band_signal_hz"])
    lo, hi = json.loads(pre.attrs["band_hz"])
    assert lo_s < 30.0 < hi_s <= 125.0
    assert hi == pytest.approx(min(hi_s, 100.0), abs=0.1)
    assert any("from the record's spectrum" in n for n in json.loads(pre.attrs["notes"]))


def test_signal_band_on_real_records(shared_data) -> None:
    """The band estimate on the real shot records of ../shared/data/seismic (default first-break threshold):
    it holds the signal peak and stays below Nyquist; where the estimate is poor the flow refuses rather than filters.

    * wghs-shot1.seg2 (Geode, 0.125 ms): a band with room for the default 30 Hz low corner.
    * oz-ozdata16.su (Yilmaz Oz land shot, strong ground roll): the 0.2 x peak first break falls on the ground roll,
      the pre-arrival window then holds the refractions and reflections, and the band is narrow, below 30 Hz: the
      default 30 Hz low corner is refused with a message, never applied silently (give the corners).
    * su-329.seg2 (3 traces, arrivals at the start): no pre-arrival noise window, so no estimate: refused.
    """
    from geoexplore.seismic import io
    from geoexplore.seismic.reflection.datadefaults import first_breaks

    seis = shared_data / "seismic"
    bands = {}
    for name in ("wghs-shot1.seg2", "oz-ozdata16.su", "viking_small.segy"):
        g = io.read(seis / name)
        d, dt = np.asarray(g["data"].values, float), float(g.attrs["dt_s"])
        b = signal_band(d, dt, first_breaks(d, dt))
        assert b["low_hz"] <= b["peak_hz"] <= b["high_hz"] <= 0.5 / dt, (name, b)
        bands[name] = (b, dt)
    b, dt = bands["wghs-shot1.seg2"]
    assert b["low_hz"] < 30.0 < b["high_hz"]
    assert check_band(30.0, "auto", b, dt)[1] == pytest.approx(b["high_hz"], abs=0.1)
    b, dt = bands["oz-ozdata16.su"]
    assert b["high_hz"] < 30.0
    with pytest.raises(GeoexploreError, match="nothing but noise would pass"):
        check_band(30.0, "auto", b, dt)
    g = io.read(seis / "su-329.seg2")
    d, dt = np.asarray(g["data"].values, float), float(g.attrs["dt_s"])
    with pytest.raises(GeoexploreError, match="pre-arrival noise window"):
        signal_band(d, dt, first_breaks(d, dt))
