"""Report: labels in both languages, the CJK font check, composite figure files, DOCX/HTML content."""

from __future__ import annotations

import pytest

from geoexplore.core.errors import GeoexploreError
from geoexplore.viz.i18n import LABELS, cjk_font, font_rc, t


def test_every_label_in_both_languages():
    for key, (en, zh) in LABELS.items():
        assert en and zh, key
        assert any("\u4e00" <= ch <= "\u9fff" for ch in zh), key  # real Chinese, not a copy of the English
    with pytest.raises(GeoexploreError):
        t("depth_m", "fr")
    with pytest.raises(KeyError):
        t("no-such-label", "en")


def test_chinese_needs_a_cjk_font():
    font = cjk_font()
    if font is None:
        with pytest.raises(GeoexploreError, match="CJK font"):
            font_rc("zh")
    else:
        rc = font_rc("zh")
        assert rc["font.sans-serif"][0] == font
        from matplotlib import font_manager

        path = font_manager.findfont(font, fallback_to_default=False)
        from matplotlib.ft2font import FT2Font

        ft = FT2Font(path)
        assert all(ft.get_char_index(ord(ch)) > 0 for ch in "断层里程深度")  # the glyphs exist: no boxes


def test_composite_files(bundle, tmp_path):
    from geoexplore.report.composite import save_composite

    files = save_composite(bundle, tmp_path / "comp", lang="en")
    magic = {".png": b"\x89PNG", ".pdf": b"%PDF", ".svg": b"<?xml"}
    assert {p.suffix for p in files} == set(magic)
    for p in files:
        assert p.read_bytes()[:4] == magic[p.suffix][:4]
    svg = (tmp_path / "comp.svg").read_text()
    assert "SYNTHETIC TEST IMAGE" in svg or "SYNTHETIC" in svg


def test_docx_and_html(bundle, tmp_path):
    import docx

    from geoexplore.report.writers import write_report

    files = write_report(bundle, tmp_path, lang="en", figure_formats=("png",))
    d = docx.Document(str(tmp_path / "report-en.docx"))
    text = "\n".join(p.text for p in d.paragraphs)
    assert "SYNTHETIC" in text
    cells = [c.text for tb in d.tables for row in tb.rows for c in row.cells]
    ids = [str(v) for v in bundle["candidates"]["candidate"].values]
    assert all(i in cells for i in ids)
    assert "Late Pleistocene active" in cells and any("4.1.7" in c for c in cells)
    assert d.inline_shapes, "the composite figure is embedded"
    html = (tmp_path / "report-en.html").read_text(encoding="utf-8")
    assert 'class="synthetic"' in html and "data:image/png;base64," in html and "gb50011-2010" in html
    assert [p.suffix for p in files] == [".png", ".docx", ".html"]


def test_chinese_report(bundle, tmp_path):
    from geoexplore.report.writers import write_report

    if cjk_font() is None:
        with pytest.raises(GeoexploreError, match="CJK font"):
            write_report(bundle, tmp_path, lang="zh")
        return
    write_report(bundle, tmp_path, lang="zh", formats=("html",), figure_formats=("png",))
    html = (tmp_path / "report-zh.html").read_text(encoding="utf-8")
    assert "断层候选表" in html and "晚更新世活动断层" in html and "合成数据" in html


def test_fault_qc_figures(bundle, siping_model, tmp_path):
    from geoexplore.fault.plot import plot_indicators, plot_reflection_qc
    from geoexplore.fault.rules import load_rules
    from geoexplore.fault.synth import reflection_test_image

    ds = reflection_test_image(siping_model, dx_m=10.0, max_depth_m=200.0)
    plot_reflection_qc(ds, load_rules(), tmp_path / "qc.png")
    plot_indicators(bundle, tmp_path / "ind.png")
    assert (tmp_path / "qc.png").read_bytes()[:4] == b"\x89PNG" and (tmp_path / "ind.png").read_bytes()[:4] == b"\x89PNG"
