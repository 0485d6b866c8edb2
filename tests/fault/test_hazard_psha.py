"""Site hazard through OpenQuake's hazardlib, checked against a hand calculation.

The hand calculation integrates the exceedance rate of one fault source and one
GMPE itself: magnitudes from the MFD bins, ruptures floated along the fault by
the documented rule (median area of Wells and Coppersmith 1994, aspect ratio,
clipping to the fault, positions on the rupture mesh), Joyner-Boore distances
from plane geometry, and the truncated-normal exceedance probability. Only the
GMPE's median and sigma are taken from OpenQuake.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

pytest.importorskip("openquake.hazardlib", reason="the hazard extra is not installed (pip install -e '.[hazard]')")

R_EARTH_KM = 6371.0
LAT0, LON0 = 43.0, 124.0
L_KM, W_KM, SPACING = 21.0, 10.0, 2.0
RATES = {5.25: 2e-3, 5.75: 6e-4, 6.25: 2e-4}   # bins of 0.5 (centres), annual
SITE_X_KM, SITE_Y_KM = 8.0, 6.0                 # east of the trace, north of its southern end
LEVEL_G = 0.1


def _sources_and_site():
    from openquake.hazardlib.geo import Line, Point
    from openquake.hazardlib.mfd import EvenlyDiscretizedMFD
    from openquake.hazardlib.scalerel import WC1994
    from openquake.hazardlib.source import SimpleFaultSource
    from openquake.hazardlib.tom import PoissonTOM

    from geoexplore.fault.hazard.psha import TRT, Site

    lat1 = LAT0 + math.degrees(L_KM / R_EARTH_KM)
    src = SimpleFaultSource(
        "hand", "hand", TRT, EvenlyDiscretizedMFD(5.25, 0.5, list(RATES.values())), SPACING, WC1994(), 1.5,
        PoissonTOM(1.0), 0.0, W_KM, Line([Point(LON0, LAT0), Point(LON0, lat1)]), 90.0, 0.0)
    lat_s = LAT0 + math.degrees(SITE_Y_KM / R_EARTH_KM)
    lon_s = LON0 + math.degrees(SITE_X_KM / (R_EARTH_KM * math.cos(math.radians(lat_s))))
    return src, Site("hand", lon_s, lat_s, vs30_m_s=760.0)


def _hand_rate(gsim_name: str) -> float:
    from openquake.hazardlib import valid
    from openquake.hazardlib.contexts import RuptureContext, get_mean_stds
    from openquake.hazardlib.imt import PGA
    from scipy.stats import norm

    gsim = valid.gsim(gsim_name)
    # the trace is divided into round(L / spacing) equal segments; rupture sizes are counted in
    # nominal spacings, positions lie on the actual nodes
    n_cols, n_rows = int(round(L_KM / SPACING)) + 1, int(round(W_KM / SPACING)) + 1
    fl, fw = (n_cols - 1) * SPACING, (n_rows - 1) * SPACING
    node = L_KM / (n_cols - 1)
    trunc = 3.0
    total = 0.0
    for mag, rate in RATES.items():
        area = 10.0 ** (-3.42 + 0.90 * mag)            # Wells & Coppersmith 1994, strike-slip rupture area (km2)
        rl = math.sqrt(area * 1.5)
        rw = area / rl
        if area >= fl * fw:
            rl, rw = fl, fw
        elif rw > fw:
            rl, rw = rl * rw / fw, fw
        elif rl > fl:
            rw, rl = rw * rl / fl, fl
        cols = int(round(rl / SPACING) + 1)
        starts = np.arange(n_cols - cols + 1) * node      # along-strike start of each floating rupture (km)
        ends = starts + (cols - 1) * node
        dy = np.where(SITE_Y_KM < starts, starts - SITE_Y_KM, np.where(SITE_Y_KM > ends, SITE_Y_KM - ends, 0.0))
        rjb = np.hypot(SITE_X_KM, dy)                   # vertical fault: the surface projection is the top edge
        ctx = RuptureContext()
        ctx.mag, ctx.rake, ctx.hypo_depth = mag, 0.0, 5.0
        ctx.rjb = rjb
        ctx.vs30 = np.full_like(rjb, 760.0)
        ctx.sids = np.arange(len(rjb))
        mean, sig, _, _ = get_mean_stds(gsim, ctx, [PGA()])
        eps = (math.log(LEVEL_G) - mean[0]) / sig[0]
        p = (norm.cdf(trunc) - norm.cdf(np.clip(eps, -trunc, trunc))) / (norm.cdf(trunc) - norm.cdf(-trunc))
        total += rate * float(np.mean(p))               # each floating position equally likely
    return total


def test_exceedance_rate_matches_hand_integration():
    from geoexplore.fault.hazard.psha import annual_rates_for

    src, site = _sources_and_site()
    levels = np.array([0.05, LEVEL_G, 0.2])
    oq = annual_rates_for([src], [site], "PGA", levels, "BooreEtAl2014")[0, 1]
    hand = _hand_rate("BooreEtAl2014")
    assert hand > 1e-5
    assert oq == pytest.approx(hand, rel=0.02)


def test_site_hazard_small_logic_tree_and_poe_values():
    """Two source-model branches x two GMPEs for one site; the 2 %/50 yr value lies on the curve."""
    from geoexplore.fault.hazard.psha import site_hazard

    src, site = _sources_and_site()
    import copy

    src2 = copy.deepcopy(src)
    hc = site_hazard([(0.5, "a", [src]), (0.5, "b", [src2])], [site],
                     gmpes={"PGA": {"BooreEtAl2014": 0.5, "ChiouYoungs2014": 0.5}},
                     levels={"PGA": tuple(np.geomspace(0.01, 1.0, 12))})
    poe = hc.poe["hand"]["PGA"]
    assert np.all(np.diff(poe) <= 1e-12) and poe[0] > 0.02       # decreasing, and 2 %/50 yr is reached
    assert len(hc.branches["hand"]["PGA"]) == 4
    w = sum(b[0] for b in hc.branches["hand"]["PGA"])
    assert w == pytest.approx(1.0)
    # weighted mean of the branch curves
    assert np.allclose(poe, sum(b[0] * b[2] for b in hc.branches["hand"]["PGA"]))
    v2 = hc.value_at_poe("hand", "PGA", 0.02, 50.0)
    rate = hc.annual_rate("hand", "PGA")
    assert np.interp(math.log(v2), np.log(hc.levels["PGA"]), np.log(rate)) == pytest.approx(math.log(-math.log(0.98) / 50), abs=1e-6)


def test_shared_contexts_equal_openquake_calc_hazard_curves():
    """The fast path (contexts built once, all GMPEs) gives OpenQuake's calc_hazard_curves numbers."""
    from geoexplore.fault.hazard.psha import annual_rates_by_gmpe, annual_rates_for

    src, site = _sources_and_site()
    lv = np.geomspace(0.02, 0.5, 6)
    fast = annual_rates_by_gmpe([src], [site], {"PGA": lv, "SA(1.0)": lv},
                                {"PGA": {"BooreEtAl2014": 0.5, "YuEtAl2013MwEastern": 0.5}, "SA(1.0)": {"ChiouYoungs2014": 1.0}})
    for (imt, g), rate in fast.items():
        ref = annual_rates_for([src], [site], imt, lv, g)
        # OpenQuake sums probabilities in single precision (float32 poes): 1 % at rates near 1e-5
        np.testing.assert_allclose(rate, ref, rtol=0.01, atol=1e-12)


def test_branches_sharing_contexts_equal_per_branch_contexts():
    """Branches with the same scaling relation share one set of contexts: the same rates as building them per branch.

    Two scaling relations x two MFDs of different lengths (one with a zero-rate bin): the shared path
    (:func:`annual_rates_by_branch` with ``share``) against OpenQuake's contexts built for every branch.
    """
    import copy

    from openquake.hazardlib import valid
    from openquake.hazardlib.mfd import EvenlyDiscretizedMFD

    from geoexplore.fault.hazard.psha import annual_rates_by_branch
    from geoexplore.fault.hazard.ruptures import share_groups

    src, site = _sources_and_site()
    far = copy.deepcopy(src)
    far.source_id = "far"
    far.fault_trace = copy.deepcopy(src.fault_trace)
    far.fault_trace.coo[:, 0] += 0.3
    branches = []
    for msr in (None, valid.mag_scale_rel("Leonard2014_SCR")):
        for rates in ([2e-3, 6e-4, 2e-4], [1e-3, 0.0, 3e-4, 1e-4]):
            srcs = []
            for s in (src, far):
                b = copy.deepcopy(s)
                b.mfd = EvenlyDiscretizedMFD(5.25, 0.5, rates)
                if msr is not None:
                    b.magnitude_scaling_relationship = msr
                srcs.append(b)
            branches.append(srcs)
    assert share_groups(branches) == [[0, 1], [2, 3]]
    lv = {"PGA": np.geomspace(0.01, 1.0, 10), "SA(1.0)": np.geomspace(0.01, 1.0, 10)}
    gm = {"PGA": {"BooreEtAl2014": 0.5, "YuEtAl2013MwEastern": 0.5}, "SA(1.0)": {"ChiouYoungs2014": 1.0}}
    sites = [site, type(site)("b", site.lon + 0.2, site.lat + 0.1)]
    shared = annual_rates_by_branch(branches, sites, lv, gm)
    alone = annual_rates_by_branch(branches, sites, lv, gm, share=False)
    for s_b, a_b in zip(shared, alone):
        assert s_b.keys() == a_b.keys()
        for key in a_b:
            assert a_b[key].max() > 1e-6
            np.testing.assert_allclose(s_b[key], a_b[key], rtol=1e-10, atol=0.0)
