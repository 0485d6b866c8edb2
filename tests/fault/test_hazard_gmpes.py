"""The array form of Yu et al. (2013) against OpenQuake's own classes (the ellipse bisection in a Python loop)."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("openquake.hazardlib", reason="the hazard extra is not installed (pip install -e '.[hazard]')")


@pytest.mark.parametrize("name", ["YuEtAl2013Mw", "YuEtAl2013MwEastern", "YuEtAl2013MwStable", "YuEtAl2013MwTibet"])
def test_yu2013_array_equals_openquake(name):
    from openquake.hazardlib import valid
    from openquake.hazardlib.contexts import RuptureContext, get_mean_stds
    from openquake.hazardlib.imt import PGA, PGV

    from geoexplore.fault.hazard.gmpes import gsim

    rng = np.random.default_rng(2013)
    n = 400
    ctx = RuptureContext()
    # both magnitude branches of the Mw -> Ms conversion (6.58) and of the coefficients (Ms 6.5), near and far sites,
    # every azimuth quadrant, and a site on the epicentre
    ctx.mag = np.r_[rng.uniform(5.0, 8.0, n - 3), 6.58, 6.5, 5.05]
    ctx.repi = np.r_[rng.uniform(0.0, 300.0, n - 3), 10.0, 0.0, 250.0]
    ctx.azimuth = np.r_[rng.uniform(-180.0, 360.0, n - 3), 90.0, 0.0, 180.0]
    ctx.sids = np.arange(n)
    fast = gsim(name)
    assert type(fast).__name__ == f"{name}Array" and isinstance(fast, type(valid.gsim(name)))
    ref = get_mean_stds(valid.gsim(name), ctx, [PGA(), PGV()])
    got = get_mean_stds(fast, ctx, [PGA(), PGV()])
    assert np.all(np.isfinite(ref[:2]))
    np.testing.assert_allclose(got, ref, rtol=1e-12, atol=0.0)


def test_other_names_are_openquake_models():
    from openquake.hazardlib import valid

    from geoexplore.fault.hazard.gmpes import gsim

    assert gsim("BooreEtAl2014") == valid.gsim("BooreEtAl2014")
    assert type(gsim("YuEtAl2013MsEastern")) is type(valid.gsim("YuEtAl2013MsEastern"))
