"""Chinese text of the assessment's reasoning (activity class and setback).

The English reasons are built by :func:`geoexplore.fault.activity.classify_activity`,
:mod:`geoexplore.fault.assess` and :func:`geoexplore.fault.setback.setback`
from fixed templates; :func:`reason_zh` maps each template to its Chinese
form with the numbers, horizon names and class labels carried over. A
fragment that matches no template is kept in English (in brackets) rather
than dropped, and :func:`untranslated` lists such fragments for tests.
"""

from __future__ import annotations

import re
from typing import Any

METHODS_ZH = {
    "reflection": "地震反射",
    "refraction": "折射层析",
    "ert": "高密度电法",
    "mt": "大地电磁",
    "microtremor": "微动",
}

KINDS_ZH = {
    "conductive band": "低阻带",
    "slow band": "低速带",
    "low-velocity band": "低速带",
    "lateral gradient": "横向梯度带",
    "reflector offsets": "反射层错断",
}

_NUM = r"[-+0-9.eE]+"


def _tie(t: str) -> str:
    """'base of Q3u' -> 'Q3u底界', 'within Q4' -> 'Q4内部', 'top of N2' -> 'N2顶界'."""
    t = t.strip()
    for pat, rep in ((r"^base of (.+)$", r"\1底界"), (r"^top of (.+)$", r"\1顶界"), (r"^within (.+)$", r"\1内部"),
                     (r"^undated \((.*)\)$", r"未定年（\1）")):
        if re.match(pat, t):
            return re.sub(pat, rep, t)
    return t


def _horizon(h: str) -> str:
    """'base of Q3u at 25 m (50 ka)' -> 'Q3u底界（25 m，50 ka）'."""
    m = re.match(rf"^(.*) at ({_NUM}) m \(({_NUM}) ka\)$", h.strip())
    if not m:
        return h
    return f"{_tie(m.group(1))}（{m.group(2)} m，{m.group(3)} ka）"


def _source(src: str) -> str:
    src = src.strip()
    if src == "reflection: shallowest offset and unbroken reflectors":
        return "地震反射：最浅的断错反射层与其上未断错的反射层"
    if src == "none (microtremor step only)":
        return "无（仅微动台阶）"
    m = re.match(r"^(\w+): top of the (.+?) \((low vertical resolution|reflection unresolved above (" + _NUM + r") m)\)$", src)
    if m:
        meth, kind = METHODS_ZH.get(m.group(1), m.group(1)), KINDS_ZH.get(m.group(2), m.group(2))
        tail = "垂向分辨率低" if m.group(4) is None else f"反射在 {m.group(4)} m 以浅无法分辨"
        return f"{meth}{kind}顶部（{tail}）"
    return f"[{src}]"


def class_labels(rules: Any = None, pairs: Any = ()) -> dict[str, str]:
    """English -> Chinese activity-class labels: those of ``rules`` (default the GB 50011 table) plus ``pairs``."""
    if rules is None:
        from geoexplore.fault.rules import load_rules

        rules = load_rules()
    out = {}
    for en, zh in [*((c.label_en, c.label_zh) for c in [*rules.activity.classes, rules.activity.undetermined]), *pairs]:
        out[str(en)] = str(zh)
        out[str(en).lower()] = str(zh)
    return out


def _fragment(f: str, labels: dict[str, str]) -> str:
    """One '; '-separated fragment of an English reason."""
    f = f.strip()
    lab = lambda s: labels.get(s.strip(), labels.get(s.strip().lower(), s))  # noqa: E731
    rules_: list[tuple[str, Any]] = [
        (r"^offsets (.+)$", lambda m: f"断错{_horizon(m.group(1))}"),
        (rf"^(.+) is not offset: the last movement lies between ({_NUM}) and ({_NUM}) ka(?:, within the (.+) age range)?$",
         lambda m: f"{_horizon(m.group(1))}未被断错：最新活动时代介于 {m.group(2)} 与 {m.group(3)} ka 之间"
                   + (f"，属于{lab(m.group(4))}的年代范围" if m.group(4) else "")),
        (r"^younger activity \((.+)\) is not excluded because the bracket spans a class boundary$",
         lambda m: f"年代区间跨越类别界限，不能排除更新的活动（{lab(m.group(1))}）"),
        (rf"^the offset horizon's age \(({_NUM}) \+- ({_NUM}) ka\) is within 2 sigma of the class bound ({_NUM}) ka$",
         lambda m: f"断错层位年龄（{m.group(1)} ± {m.group(2)} ka）与类别界限 {m.group(3)} ka 相差不足 2 倍标准差"),
        (r"^upper breakpoint from (.+)$", lambda m: f"上断点来自{_source(m.group(1))}"),
        (r"^undetermined: no dated offset horizon$", lambda m: "无法判定：没有已定年的断错层位"),
        (r"^no stratigraphy \(model or borehole table\) given$", lambda m: "未提供地层年代（模型或钻孔表）"),
        (r"^no offset horizon could be dated$", lambda m: "断错层位无法定年"),
        (r"^no upper breakpoint$", lambda m: "无上断点"),
        (rf"^only (.+) see it, at ({_NUM}) m or deeper: their vertical resolution does not allow dating the upper breakpoint$",
         lambda m: f"仅{'、'.join(METHODS_ZH.get(x.strip(), x.strip()) for x in m.group(1).split(','))}"
                   f"在 {m.group(2)} m 及更深处见到该断层：其垂向分辨率不足以对上断点定年"),
        (r"^undetermined$", lambda m: "无法判定"),
        # setbacks (GB 50011-2010 4.1.7)
        (rf"^exempt \(4\.1\.7-1\): design intensity ({_NUM}) is below ({_NUM})$",
         lambda m: f"可不避让（4.1.7-1）：设计烈度 {m.group(1)} 度，低于 {m.group(2)} 度"),
        (r"^exempt \(4\.1\.7-2\): the fault is not (.+) \((.+)\)$",
         lambda m: f"可不避让（4.1.7-2）：非{lab(m.group(1))}（{lab(m.group(2))}）"),
        (rf"^exempt \(4\.1\.7-3\): buried under ({_NUM}) m of soil, more than ({_NUM}) m at intensity ({_NUM})$",
         lambda m: f"可不避让（4.1.7-3）：隐伏断层上覆土层厚 {m.group(1)} m，大于 {m.group(3)} 度时的 {m.group(2)} m"),
        (r"^category A: special study required \(4\.1\.7\)$", lambda m: "甲类建筑：应专门研究（4.1.7）"),
        (r"^no requirement for this category \(4\.1\.7\)$", lambda m: "该类别无避让要求（4.1.7）"),
        (rf"^avoid the main fault zone by at least ({_NUM}) m \(4\.1\.7\)$",
         lambda m: f"避开主断裂带不小于 {m.group(1)} m（4.1.7）"),
    ]
    for pat, fn in rules_:
        m = re.match(pat, f)
        if m:
            return fn(m)
    src = _source(f)
    return src if not src.startswith("[") else f"[{f}]"


def reason_zh(text: str, labels: dict[str, str] | None = None) -> str:
    """Chinese form of an English reason produced by the assessment (see module docstring).

    ``labels`` maps activity-class labels (English, also lower case) to Chinese
    (default: :func:`class_labels` of the GB 50011 rules table).
    """
    labels = class_labels() if labels is None else labels
    text = str(text).strip()
    pre = "activity undetermined, treated as Holocene active (conservative): "
    head = ""
    if text.startswith(pre):
        head, text = "活动性待定，按全新世活动断层从严处理：", text[len(pre):]
    m = re.match(r"^undetermined: the fault offsets the shallowest resolved horizon \((.+?)\); no unbroken horizon above it "
                 r"is resolved, so younger activity cannot be excluded \(at least (.+?)\)(?:; (.*))?$", text)
    if m:
        out = (f"无法判定：断层错断了可分辨的最浅层位（{_horizon(m.group(1))}），其上没有可分辨的未断错层位，"
               f"不能排除更新的活动（至少为{labels.get(m.group(2), labels.get(m.group(2).lower(), m.group(2)))}）")
        if m.group(3):
            out += "；" + "；".join(_fragment(f, labels) for f in _split(m.group(3)))
        return head + out
    m = re.match(r"^undetermined: no dated offset horizon; (.+)$", text)
    if m:
        return head + "无法判定：没有已定年的断错层位；" + "；".join(_fragment(f, labels) for f in _split(m.group(1)))
    return head + "；".join(_fragment(f, labels) for f in _split(text))


def _split(text: str) -> list[str]:
    """Split at '; ' but not inside parentheses."""
    out, depth, cur = [], 0, ""
    i = 0
    while i < len(text):
        ch = text[i]
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and text.startswith("; ", i):
            out.append(cur)
            cur = ""
            i += 2
            continue
        cur += ch
        i += 1
    out.append(cur)
    return [f for f in out if f.strip()]


def untranslated(text_zh: str) -> list[str]:
    """Fragments left in English (bracketed by :func:`reason_zh`)."""
    return re.findall(r"\[([^\]]*[A-Za-z]{3,}[^\]]*)\]", text_zh)


__all__ = ["METHODS_ZH", "class_labels", "reason_zh", "untranslated"]
