"""The real 9-station array (array-bigx, Wellington, 105 m) against Geopsy 3.2's FK picks, trimmed by the authors.

Reference: ``geopsy_fk_trimmed.json`` (the valid picks per window, median per frequency as in the data README:
527 m/s at 2.48 Hz ... 259 m/s at 4.89 Hz). Default settings. Targets (issue 18): the combined curve within 5 %
(median absolute relative difference) of Geopsy over 2.5-4.9 Hz, no point outside the array's valid band used,
every ensemble model physical.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from geoexplore.microtremor.arrays import array_dispersion, process_array
from geoexplore.microtremor.fk import array_limits
from geoexplore.microtremor.io import read_record
from geoexplore.microtremor.settings import ArraySettings


def geopsy_reference(d):
    """Frequencies (Hz), median velocity (m/s) and log standard deviation of Geopsy's valid trimmed picks."""
    data = json.loads((d / "geopsy_fk_trimmed.json").read_text())
    f = np.concatenate([np.array(v["frequency"], float) for v in data.values()])
    c = np.concatenate([np.array(v["velocity"], float) for v in data.values()])
    ok = np.concatenate([np.array(v["valid"], bool) for v in data.values()]) & np.isfinite(c)
    fr = np.nanmax(f, axis=0)
    keep = ok.any(axis=0)
    med = np.array([np.median(c[ok[:, j], j]) for j in np.flatnonzero(keep)])
    sd = np.array([np.std(np.log(c[ok[:, j], j])) for j in np.flatnonzero(keep)])
    o = np.argsort(fr[keep])
    return fr[keep][o], med[o], sd[o]


@pytest.fixture(scope="module")
def bigx(shared_data):
    d = shared_data / "microtremor" / "array-bigx"
    if not d.is_dir():
        pytest.skip(f"real array data not found at {d}")
    rows = [ln.split() for ln in (d / "nz_wghs_bigx_coordinates.txt").read_text().splitlines() if ln.strip()]
    recs = [read_record(d / f"UT.{name.split('_')[1]}.WGHS_BigX.miniseed") for name, *_ in rows]
    xy = np.array([[float(x), float(y)] for _, x, y in rows])
    return recs, xy, geopsy_reference(d)


def check_against_geopsy(f, combined, codes, velocities, k_low, kmax, ref):
    """The targets on a dispersion result; returns the median absolute relative difference to Geopsy."""
    fg, cg, sg = ref
    assert fg.size == 7 and fg[0] == pytest.approx(2.477, abs=1e-3) and cg[0] == pytest.approx(527, abs=1)
    c = np.interp(np.log(fg), np.log(f), combined, left=np.nan, right=np.nan)
    assert np.all(np.isfinite(c))  # the combined curve covers 2.5-4.9 Hz
    dev = float(np.median(np.abs(c / cg - 1)))
    assert dev <= 0.05
    for name, code in codes.items():
        used = code == 0
        k = 2 * np.pi * f[used] / velocities[name][used]
        assert np.all((k >= k_low) & (k <= kmax)), name  # every used point inside [kmin/2, kmax]
        # Geopsy's curve, extended as the fundamental mode slows with frequency (2 log sigma margin): where it puts k
        # below kmin/2 (f < 2.48 Hz, c >= 527) or above kmax (f > 4.89 Hz, c <= 259), nothing may be used
        low = 2 * np.pi * f / (cg[0] * np.exp(-2 * sg[0])) < k_low
        high = 2 * np.pi * f / (cg[-1] * np.exp(2 * sg[-1])) > kmax
        assert low.any() and high.any()
        assert not np.any(used & (low | high)), name
    return dev


def test_bigx_dispersion_within_5_percent_of_geopsy_inside_the_band(bigx):
    """MSPAC and FK (Capon) of the vertical records, default settings: about 15 s."""
    recs, xy, ref = bigx
    z = np.stack([r.data[2] for r in recs])
    s = ArraySettings()
    d = array_dispersion(z, recs[0].fs_hz, xy, s)
    assert d.limits == array_limits(xy)  # kmin, kmax from the coordinates' array response
    k_low = s.fk_kmin_factor * d.limits.kmin_rad_m
    vel = {"spac": d.spac_m_s, "fk": d.fk.phase_velocity_m_s}
    dev = check_against_geopsy(d.frequency_hz, d.combined.phase_velocity_m_s, d.combined.codes, vel, k_low,
                               d.limits.kmax_rad_m, ref)
    print(f"median |c / c_geopsy - 1| over 2.5-4.9 Hz: {dev:.4f}")
    codes = d.combined.codes
    # MSPAC gives velocities below the resolution limit (1-1.9 Hz) and FK aliases above 9 Hz: flagged, not used
    assert np.all(codes["spac"][d.frequency_hz < 1.9][np.isfinite(d.spac_m_s[d.frequency_hz < 1.9])] == 2)
    assert np.all(np.isin(codes["fk"][d.frequency_hz > 9.5], [1, 4]))
    # the FK result itself reports the same band
    np.testing.assert_array_equal(d.fk.valid, codes["fk"] == 0)


@pytest.mark.slow
def test_bigx_array_step_targets_and_physical_ensemble(bigx):
    """The whole array step with default settings (about a minute): the same targets on the stored dataset, and
    every ensemble model physical and inside its bounds."""
    recs, xy, ref = bigx
    ds = process_array(recs, xy, ArraySettings()).dataset
    f = ds["frequency_hz"].values
    codes = {"spac": ds["spac_band_code"].values, "fk": ds["fk_band_code"].values}
    vel = {"spac": ds["phase_velocity_m_s"].values, "fk": ds["fk_phase_velocity_m_s"].values}
    check_against_geopsy(f, ds["combined_phase_velocity_m_s"].values, codes, vel, ds.attrs["k_low_rad_m"],
                         ds.attrs["kmax_rad_m"], ref)
    np.testing.assert_array_equal(ds["fk_valid"].values, codes["fk"] == 0)
    np.testing.assert_array_equal(ds["spac_valid"].values, codes["spac"] == 0)
    th, vs = ds["ensemble_thickness_m"].values, ds["ensemble_vs_m_s"].values
    assert th.shape[0] >= 500
    assert np.all(th >= 2.0) and np.all(th <= 80.0) and np.all(vs >= 100.0) and np.all(vs <= 1200.0)
    assert np.all(ds["ensemble_misfit"].values <= ds.attrs["misfit_threshold"] + 1e-9)
    a = ds.attrs
    assert 100 <= a["vs30_min_m_s"] <= a["vs30_m_s"] <= a["vs30_max_m_s"] <= 1200
    assert 0 < a["halfspace_depth_min_m"] <= a["halfspace_depth_m"] <= a["halfspace_depth_max_m"]
