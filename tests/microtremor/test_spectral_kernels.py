"""The compiled window preparation and the float32 H/V path against a straightforward float64 reference
(scipy.signal's detrend and Tukey window, numpy's FFT, the direct Konno-Ohmachi sum) on random noise."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import detrend as sp_detrend
from scipy.signal.windows import tukey as sp_tukey

from geoexplore.microtremor.smoothing import konno_ohmachi_direct, log_frequencies
from geoexplore.microtremor.spectral_ratio import hvsr_windows, window_spectra

FS = 50.0
LENGTH = 1000


@pytest.fixture(scope="module")
def record():
    rng = np.random.default_rng(11)
    t = np.arange(12000) / FS
    return rng.standard_normal((3, t.size)) + np.array([[0.3], [-0.2], [0.1]]) * t  # noise with a drift


def _reference_spectra(data, starts, detrend, alpha, n_fft):
    seg = np.stack([data[:, s:s + LENGTH] for s in starts])
    if detrend != "none":
        seg = sp_detrend(seg, axis=-1, type=detrend)
    return np.fft.rfft(seg * sp_tukey(LENGTH, alpha), n=n_fft, axis=-1)


@pytest.mark.parametrize("detrend", ["linear", "constant", "none"])
@pytest.mark.parametrize("n_fft", [None, 4096])
def test_window_spectra_equal_the_reference(record, detrend, n_fft):
    starts = np.array([0, 700, 3333, 11000])
    ref = _reference_spectra(record, starts, detrend, 0.1, n_fft or LENGTH)
    spec, df = window_spectra(record, FS, starts, LENGTH, detrend=detrend, taper_alpha=0.1, n_fft=n_fft)
    assert df == FS / (n_fft or LENGTH)
    np.testing.assert_allclose(spec, ref, rtol=0, atol=1e-10 * np.abs(ref).max())
    s32, _ = window_spectra(record, FS, starts, LENGTH, detrend=detrend, taper_alpha=0.1, n_fft=n_fft, dtype=np.float32)
    assert s32.dtype == np.complex64
    np.testing.assert_allclose(s32, ref, rtol=0, atol=2e-6 * np.abs(ref).max())


def test_windows_past_the_record_are_refused(record):
    with pytest.raises(ValueError, match="exceed"):
        window_spectra(record, FS, np.array([11500]), LENGTH)


@pytest.mark.parametrize("combination", ["squared_average", "total_horizontal", "geometric_mean"])
def test_hvsr_windows_equal_the_float64_direct_reference(record, combination):
    starts = np.arange(0, 11000, 1000)
    f = log_frequencies(0.5, 20.0, 200)
    ref = _reference_spectra(record, starts, "linear", 0.1, LENGTH)
    fb = np.fft.rfftfreq(LENGTH, 1 / FS)
    n, e = np.abs(ref[:, 0]), np.abs(ref[:, 1])
    h = {"squared_average": np.sqrt((n**2 + e**2) / 2), "total_horizontal": np.sqrt(n**2 + e**2),
         "geometric_mean": np.sqrt(n * e)}[combination]
    hv_ref = konno_ohmachi_direct(fb, h, f, 40.0, 3.0) / konno_ohmachi_direct(fb, np.abs(ref[:, 2]), f, 40.0, 3.0)
    got = hvsr_windows(record, FS, starts, LENGTH, f, combination=combination, smoothing_b=40.0, smoothing_cutoff=3.0)
    # float32 spectra (~1e-6) and the block-mean smoothing (< 1e-4, tests/microtremor/test_smoothing_sh.py)
    np.testing.assert_allclose(got.hv, hv_ref, rtol=2e-4)


@pytest.mark.parametrize("band", [(None, None), (0.8, 6.0), (0.8, 6.0, "shuffled")])
def test_bootstrap_f0_sigma_equals_the_unpruned_computation(band):
    """The pruned bootstrap (only frequencies that can hold a resample's peak) equals the plain one:
    every resampled median curve over every frequency of the search range, its peak, std of ln f0."""
    from geoexplore.microtremor.stats import bootstrap_f0_sigma_ln

    rng = np.random.default_rng(5)
    f = log_frequencies(0.3, 20.0, 400)
    # window curves with two competing peaks (1.2 and 3 Hz) of random heights, lognormal scatter
    a1, a2 = rng.uniform(2.0, 4.0, (2, 25, 1))
    hv = (1 + a1 * np.exp(-np.log(f / 1.2) ** 2 / 0.02) + a2 * np.exp(-np.log(f / 3.0) ** 2 / 0.02)) * np.exp(
        0.2 * rng.standard_normal((25, f.size)))
    fmin, fmax = band[:2]
    if len(band) > 2:  # frequencies out of order: the searched columns are not one range
        order = np.random.default_rng(7).permutation(f.size)
        f, hv = f[order], hv[:, order]
    got = bootstrap_f0_sigma_ln(f, hv, fmin, fmax, n_boot=200, seed=3)
    ln = np.log(hv)
    counts = np.random.default_rng(3).multinomial(25, np.full(25, 1 / 25), size=200).astype(float)
    m = np.ones(f.size, bool) if fmin is None else (f >= fmin) & (f <= fmax)
    pk = f[np.argmax(np.where(m, counts @ ln / 25, -np.inf), axis=1)]
    assert got == pytest.approx(float(np.std(np.log(pk), ddof=1)), rel=1e-12)
    assert got > 0.05  # the two peaks trade places between resamples: a real spread to get right
