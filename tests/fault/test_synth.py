"""The SH transfer function of the test-image generator (microtremor's) against the analytic one-layer solution."""

from __future__ import annotations

import numpy as np
import pytest

from geoexplore.microtremor.transfer import sh_transfer


def test_single_layer_resonance_and_amplification():
    h, vs1, vs2, r1, r2 = 30.0, 200.0, 800.0, 1800.0, 2200.0
    f = np.linspace(0.2, 12.0, 20000)
    tf = np.abs(sh_transfer(f, np.array([h, 0.0]), np.array([vs1, vs2]), np.array([r1, r2]), damping=0.0))
    i = np.argmax(tf[f < 3.0])
    assert f[i] == pytest.approx(vs1 / (4 * h), rel=2e-3)  # f0 = Vs / 4H
    assert tf[i] == pytest.approx(r2 * vs2 / (r1 * vs1), rel=1e-3)  # peak = impedance ratio
    j = np.argmax(np.where((f > 3.0) & (f < 7.0), tf, 0))
    assert f[j] == pytest.approx(3 * vs1 / (4 * h), rel=2e-3)  # second mode at 3 f0
    # analytic |TF| = 1 / sqrt(cos^2(kH) + (alpha sin(kH))^2)
    k = 2 * np.pi * f / vs1
    alpha = r1 * vs1 / (r2 * vs2)
    np.testing.assert_allclose(tf, 1 / np.sqrt(np.cos(k * h) ** 2 + (alpha * np.sin(k * h)) ** 2), rtol=1e-9)


def test_test_images_are_labelled(test_images):
    from geoexplore.core.images import check_image

    for m, ds in test_images.items():
        assert check_image(ds) == m
        assert ds.attrs["synthetic"] == 1 and ds.attrs["test_image"] == 1 and "not a method result" in ds.attrs["note"]
