"""Chinese reasoning: every template of the activity and setback reasons has a Chinese form."""

from __future__ import annotations

import itertools
import re

import pytest

from geoexplore.fault.activity import classify_activity
from geoexplore.fault.rules import load_rules
from geoexplore.fault.setback import setback
from geoexplore.report.reason_zh import reason_zh, untranslated

RULES = load_rules()


def _h(tie: str, depth: float, age: float, sigma: float = 0.0) -> dict:
    return {"tie": tie, "depth_m": depth, "age_ka": age, "sigma_ka": sigma}


NOTES = ["", "upper breakpoint from ert: top of the conductive band (low vertical resolution)",
         "upper breakpoint from refraction: top of the lateral gradient (reflection unresolved above 40 m)",
         "no offset horizon could be dated"]

CASES = [
    (_h("base of Q3u", 25.0, 50.0, 5.0), _h("base of Q4", 15.0, 11.7)),
    (_h("within Q3u", 18.0, 30.85, 11.06), _h("within Q4", 8.0, 7.3)),
    (_h("base of N2", 158.0, 5330.0), _h("base of Q12", 113.0, 2580.0)),
    (_h("base of Q4", 10.0, 11.7), _h("within Q4", 3.0, 2.0)),
    (_h("base of Q3u", 25.0, 50.0), None),
    (None, None),
]


def _latin_words(s: str) -> list[str]:
    """Latin words other than horizon codes (Q3u, N2 ...), units (m, ka) and the standard's clause numbers."""
    return [w for w in re.findall(r"[A-Za-z][A-Za-z]+\w*", s) if not re.fullmatch(r"[QNEK]\d\w*|ka|sigma", w)]


@pytest.mark.parametrize(("case", "note"), list(itertools.product(range(len(CASES)), range(len(NOTES)))))
def test_activity_reasons_translate(case, note):
    off, unb = CASES[case]
    r = classify_activity(off, unb, RULES, note=NOTES[note])
    zh = reason_zh(r.reason)
    assert untranslated(zh) == [] and _latin_words(zh) == [], (r.reason, zh)
    for num in re.findall(r"\d+(?:\.\d+)?", r.reason):  # every number carried over
        assert num in zh, (num, r.reason, zh)


def test_activity_reason_wording():
    r = classify_activity(_h("base of Q3u", 25.0, 50.0), _h("base of Q4", 15.0, 11.7), RULES)
    assert reason_zh(r.reason) == ("断错Q3u底界（25 m，50 ka）；Q4底界（15 m，11.7 ka）未被断错：最新活动时代介于 11.7 与 50 ka 之间，"
                                   "属于晚更新世活动断层的年代范围")


@pytest.mark.parametrize(("intensity", "category", "cls", "cover"),
                         [(6, "C", "holocene", 5.0), (8, "C", "late_pleistocene", 5.0), (8, "B", "holocene", 100.0),
                          (8, "A", "holocene", 5.0), (8, "D", "holocene", 5.0), (8, "B", "holocene", 5.0),
                          (8, "C", "undetermined", 5.0), (9, "C", "undetermined", 5.0)])
def test_setback_reasons_translate(intensity, category, cls, cover):
    s = setback(intensity, category, cls, RULES, cover_m=cover)
    zh = reason_zh(s.reason)
    assert untranslated(zh) == [] and _latin_words(zh) == [], (s.reason, zh)
    assert "4.1.7" in zh


def test_unknown_text_kept_not_dropped():
    zh = reason_zh("offsets base of Q3u at 25 m (50 ka); a remark nobody templated")
    assert untranslated(zh) == ["a remark nobody templated"]
