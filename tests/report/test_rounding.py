"""Numbers in the report rounded to what their uncertainty supports: the rule, then each reported quantity."""

from __future__ import annotations

import json
import math
import re

import pytest

from geoexplore.report.rounding import (
    fmt_age_ka,
    fmt_interval,
    fmt_magnitude,
    fmt_pm,
    round_sig,
    sigma_decimals,
)


@pytest.mark.parametrize(("sigma", "decimals"), [
    (0.31, 1), (0.14, 2), (0.138, 2), (2.67, 0), (12.3, 0), (35.0, -1), (258.0, -2), (0.0117, 3), (0.096, 1), (1.0, 1),
])
def test_uncertainty_keeps_one_digit_two_when_it_is_a_one(sigma, decimals):
    assert sigma_decimals(sigma) == decimals


def test_the_rule_on_the_numbers_of_the_issue():
    # issue 24: "26.7464 ka" and "7.3125 ka" with a 10 % age uncertainty (fault.assess's age_sigma_fraction)
    assert fmt_age_ka(26.7464, 2.67464) == "27 ± 3"
    assert fmt_age_ka(7.3125, 0.73125) == "7.3 ± 0.7"
    assert fmt_age_ka(126.0, 12.6) == "126 ± 13"
    assert fmt_age_ka(2580.0, 258.0) == "2600 ± 300"
    assert fmt_age_ka(26.7464) == "26.7"  # no uncertainty given: three significant digits
    assert fmt_age_ka(23030.0) == "23000"
    assert fmt_pm(-3.0268683, 0.1381923, "m") == "-3.03 ± 0.14 m"
    assert fmt_pm(22395.69, 12.3) == "22396 ± 12"
    assert fmt_pm(22395.69, 35.0) == "22400 ± 40"
    assert fmt_interval(0.0604666, 0.0493195, 0.0728132) == "0.060 (0.049-0.073)"
    assert fmt_interval(0.0058201, 0.0049, 0.0068) == "0.0058 (0.0049-0.0068)"
    assert fmt_magnitude(6.5941900, 0.31) == "6.6 (σ 0.31)"
    assert fmt_magnitude(6.6713906) == "6.7"
    assert fmt_pm(math.nan, 1.0) == "-" and round_sig(math.inf) == "-"
    with pytest.raises(ValueError):
        sigma_decimals(0.0)


def _decimals(text: str) -> int:
    """Decimal places of the first number in ``text`` (negative for a number ending in zeros before the point is not
    distinguishable: 0)."""
    m = re.search(r"-?\d+(?:\.(\d+))?", text)
    assert m, text
    return len(m.group(1) or "")


@pytest.fixture(scope="module")
def tables(bundle):
    from geoexplore.report.content import report_blocks

    blocks = report_blocks(bundle, lang="en")
    from geoexplore.viz.i18n import t

    by_caption = {b[1]: b for b in blocks if b[0] == "table"}
    return {name: by_caption[t(name, "en")] for name in ("fault_table", "throw_table", "magnitude_table") if t(name, "en") in by_caption}


def _details(bundle):
    return [json.loads(str(v)) for v in bundle["candidates"]["detail_json"].values]


def test_positions_and_upper_breakpoint_depths_in_the_fault_table(bundle, tables):
    c = bundle["candidates"]
    rows = tables["fault_table"][3]
    assert len(rows) == c.sizes["candidate"] > 0
    for k, row in enumerate(rows):
        sig = float(c["chainage_sigma_m"].values[k])
        assert row[1] == fmt_pm(float(c["chainage_m"].values[k]), sig)
        assert _decimals(row[1]) == max(0, sigma_decimals(sig))
        ub, ub_sig = float(c["upper_breakpoint_m"].values[k]), float(c["upper_breakpoint_sigma_m"].values[k])
        if math.isfinite(ub):
            assert row[4].startswith(fmt_pm(ub, ub_sig) + " (")
            assert _decimals(row[4]) == max(0, sigma_decimals(ub_sig))
        dip, dip_sig = float(c["dip_deg"].values[k]), float(c["dip_sigma_deg"].values[k])
        if math.isfinite(dip):
            assert row[3].startswith(fmt_pm(dip, dip_sig))


def test_depths_throws_ages_and_slip_rates_in_the_throw_table(bundle, tables):
    rows = tables["throw_table"][3]
    measured = [(d, r) for d in _details(bundle) for r in d.get("throws", [])]
    assert len(rows) == len(measured) > 0
    seen_rate = seen_age_sigma = False
    for row, (d, r) in zip(rows, measured, strict=True):
        d_sig = sigma_decimals(float(r["sigma_m"]))
        assert _decimals(row[2]) == max(0, d_sig)  # depth, to the precision of its picks
        assert row[3] == fmt_pm(float(r["throw_m"]), float(r["sigma_m"]))  # throw +- sigma
        rates = {s["horizon"]: s for s in d.get("slip_rates", [])}
        sr = rates.get(f"{r['tie']} ({float(r['depth_m']):.0f} m)")
        if sr:
            seen_rate = seen_age_sigma = True
            assert row[4] == fmt_age_ka(float(r["age_ka"]), float(sr["age_sigma_ka"]))  # age, with the rate's age uncertainty
            half = (sr["vertical_p84"] - sr["vertical_p16"]) / 2
            assert row[6] == fmt_interval(sr["vertical_mm_yr"], sr["vertical_p16"], sr["vertical_p84"])
            assert _decimals(row[6]) == max(0, sigma_decimals(half))
        else:
            assert row[4] == fmt_age_ka(float(r["age_ka"]), float(r.get("sigma_ka") or 0.0))
    assert seen_rate and seen_age_sigma


def test_magnitudes_to_a_tenth(bundle, tables):
    rows = tables["magnitude_table"][3]
    mags = [m for d in _details(bundle) for m in d.get("magnitudes", [])]
    assert len(rows) == len(mags) > 0
    for row, m in zip(rows, mags, strict=True):
        assert row[4].split(" ")[0] == f"{m['magnitude']:.1f}"
        assert _decimals(row[4]) == 1
        assert row[3] == f"{round_sig(float(m['value']), 2)} {m['unit']}"  # lengths and areas: two digits
