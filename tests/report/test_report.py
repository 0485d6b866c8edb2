"""Report: labels in both languages, the CJK font check, composite figure files, DOCX/HTML content."""

from __future__ import annotations

import numpy as np
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


_BOLD_TITLE = """
import sys
import matplotlib
matplotlib.use("Agg")
from matplotlib.figure import Figure
from geoexplore.viz.i18n import cjk_font, font_rc
font = cjk_font()
rc = font_rc("zh") if sys.argv[1] == "geoexplore" else {"font.family": "sans-serif", "font.sans-serif": [font]}
with matplotlib.rc_context(rc):
    fig = Figure()
    ax = fig.add_subplot()
    ax.set_title("断层 fault", fontweight="bold")
    ax.set_xlabel("x", family="no-such-family-anywhere")
    fig.savefig(sys.argv[2])
"""


def test_cjk_font_without_bold_face_prints_no_findfont_warning(tmp_path):
    # Titles are bold; a CJK font with one weight only (WenQuanYi Micro Hei) is drawn in that weight and
    # matplotlib logs "Failed to find font weight bold" on stderr in every worker. font_rc drops exactly that
    # record for that family; other font warnings (an unknown family) still reach stderr.
    import subprocess
    import sys

    from matplotlib import font_manager

    font = cjk_font()
    if font is None:
        pytest.skip("no CJK font on this machine: nothing to draw in Chinese")
    weights = {font_manager.weight_dict.get(str(f.weight), f.weight) if not isinstance(f.weight, int) else f.weight
               for f in font_manager.fontManager.ttflist if f.name == font}
    runs = {}
    for who in ("matplotlib", "geoexplore"):
        r = subprocess.run([sys.executable, "-c", _BOLD_TITLE, who, str(tmp_path / f"{who}.png")],
                           capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stderr
        runs[who] = r.stderr
    missing_bold = f"Failed to find font weight bold for {font}"
    if max(weights) >= 600:
        assert missing_bold not in runs["matplotlib"]  # the font has a bold face: nothing to drop
    else:
        assert missing_bold in runs["matplotlib"]  # plain matplotlib prints it ...
        assert missing_bold not in runs["geoexplore"]  # ... geoexplore's rc does not
    assert "no-such-family-anywhere" in runs["geoexplore"]  # other font warnings still pass


def test_composite_files(bundle, tmp_path):
    from geoexplore.report.composite import save_composite

    files = save_composite(bundle, tmp_path / "comp", lang="en")
    magic = {".png": b"\x89PNG", ".pdf": b"%PDF", ".svg": b"<?xml"}
    assert {p.suffix for p in files} == set(magic)
    for p in files:
        assert p.read_bytes()[:4] == magic[p.suffix][:4]
    svg = (tmp_path / "comp.svg").read_text()
    assert "SYNTHETIC TEST IMAGE" in svg or "SYNTHETIC" in svg


def test_the_report_copies_the_composite_the_fault_figure_drew(bundle, tmp_path):
    """The report's composite in the fault figure's language is the fault figure's files when drawn from the same
    data (the PNG is the bytes a fresh draw gives); any other data or language is drawn afresh."""
    import xarray as xr

    from geoexplore.report.composite import DRAWN_FROM, composite_digest, plot_bundle, save_composite

    figs = tmp_path / "figures"
    figs.mkdir()
    plot_bundle(bundle, figs / "fault__shallow__fault.png")
    note = figs / ("fault__shallow__fault" + DRAWN_FROM)
    assert note.is_file()
    report_bundle = dict(bundle, candidates=bundle["candidates"].copy())  # what report.build adds to the candidates
    report_bundle["candidates"].attrs["report_settings_json"] = '{"languages": ["en", "zh"]}'
    report_bundle["hazard_sources"] = xr.Dataset(attrs={"note": "not drawn in the composite"})
    assert composite_digest(report_bundle, "en") == composite_digest(bundle, "en")
    copied = save_composite(report_bundle, tmp_path / "report" / "composite-en", lang="en", drawn_in=figs)
    for p in copied:
        assert p.read_bytes() == (figs / f"fault__shallow__fault{p.suffix}").read_bytes()
    fresh = save_composite(report_bundle, tmp_path / "fresh" / "composite-en", lang="en")
    assert fresh[0].read_bytes() == copied[0].read_bytes()  # PNG: the same bytes as drawing it
    # other data: one image changed
    other = dict(report_bundle)
    img = next(k for k in other if k.startswith("img_"))
    other[img] = other[img].copy(deep=True)
    var = next(iter(other[img].data_vars))
    other[img][var].values[...] = other[img][var].values * 1.01
    assert composite_digest(other, "en") != composite_digest(bundle, "en")
    redrawn = save_composite(other, tmp_path / "other" / "composite-en", lang="en", drawn_in=figs)
    assert redrawn[0].read_bytes() != copied[0].read_bytes()
    # another language, or a format the fault figure did not write: drawn
    assert composite_digest(bundle, "zh") != composite_digest(bundle, "en")
    note.write_text(note.read_text().replace('"fault__shallow__fault.svg"', '"elsewhere.svg"'))
    drawn = save_composite(report_bundle, tmp_path / "svg" / "composite-en", lang="en", formats=("png", "svg"), drawn_in=figs)
    assert drawn[1].read_bytes() != (figs / "fault__shallow__fault.svg").read_bytes()  # its own creation date


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
    assert 'class="synthetic"' in html and "data:image/" in html and "gb50011-2010" in html
    assert html.count('class="note"') >= 3  # every table says what its rows are
    assert [p.suffix for p in files] == [".png", ".docx", ".html"]


def _glyph_warnings(caught) -> list[str]:
    return [str(w.message) for w in caught if "missing from font" in str(w.message)]


def test_chinese_report_without_a_cjk_font_has_english_figure_labels_and_says_why(bundle, tmp_path):
    import warnings

    from geoexplore.report.writers import write_report

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        write_report(bundle, tmp_path, lang="zh", formats=("html", "docx"), figure_formats=("png",), cjk_font=None)
    assert not _glyph_warnings(caught)  # matplotlib warns for every glyph it would draw as a box
    html = (tmp_path / "report-zh.html").read_text(encoding="utf-8")
    assert "候选断层" in html and "合成数据" in html and "晚更新世活动断层" in html
    assert t("figure_font_note", "zh") in html and "fonts-noto-cjk" in html


def test_chinese_report_with_a_cjk_font(bundle, tmp_path):
    import warnings

    from geoexplore.report.writers import write_report

    if cjk_font() is None:
        pytest.skip("no CJK font installed (Debian: apt-get install fonts-noto-cjk or fonts-wqy-microhei; CI installs one)")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        write_report(bundle, tmp_path, lang="zh", formats=("html",), figure_formats=("png",))
    assert not _glyph_warnings(caught), _glyph_warnings(caught)[:3]
    html = (tmp_path / "report-zh.html").read_text(encoding="utf-8")
    assert "候选断层" in html and "晚更新世活动断层" in html and "合成数据" in html
    assert t("figure_font_note", "zh") not in html
    # the standards' own wording (GB 50011-2010 4.1.7, GB/T 36072-2018)
    for term in ("发震断裂的最小避让距离", "建筑抗震设防类别", "抗震设防烈度", "上断点埋深", "垂直断距"):
        assert term in html, term


def test_fault_qc_figures(bundle, siping_model, tmp_path):
    from geoexplore.fault.plot import plot_indicators, plot_reflection_qc
    from geoexplore.fault.rules import load_rules
    from geoexplore.fault.synth import reflection_test_image

    ds = reflection_test_image(siping_model, dx_m=10.0, max_depth_m=200.0)
    plot_reflection_qc(ds, load_rules(), tmp_path / "qc.png")
    plot_indicators(bundle, tmp_path / "ind.png")
    assert (tmp_path / "qc.png").read_bytes()[:4] == b"\x89PNG" and (tmp_path / "ind.png").read_bytes()[:4] == b"\x89PNG"


def _method_figures(tmp_path, n: int) -> list[tuple[str, object]]:
    """n full-size method-like figures (a section with a colour bar and labels each), drawn with matplotlib."""
    import numpy as np

    from geoexplore.viz.figure import new_figure, save

    rng = np.random.default_rng(24)
    out = []
    for k in range(n):
        fig, ax = new_figure(figsize=(10, 5))
        z = np.cumsum(rng.normal(size=(120, 400)), axis=1)
        im = ax.pcolormesh(np.linspace(21900, 22900, 400), np.linspace(0, 150, 120), z, shading="auto")
        ax.invert_yaxis()
        ax.set(xlabel="Chainage (m)", ylabel="Depth (m)", title=f"method figure {k}")
        fig.colorbar(im, ax=ax)
        p = tmp_path / f"fig{k:02d}.png"
        save(fig, p, dpi=150)
        out.append((f"figure {k}", p))
    return out


def test_html_report_with_many_figures_stays_small_and_docx_round_trips(bundle, tmp_path):
    """60 full-size figures (the demo has about that many) fit a report under 5 MB; the DOCX reads back."""
    import docx

    from geoexplore.report.writers import write_report

    figs = _method_figures(tmp_path, 60)
    raw = sum(p.stat().st_size for _, p in figs)
    assert raw * 4 / 3 > 9e6  # what the old writer inlined as base64: nearly twice the limit
    write_report(bundle, tmp_path / "r", lang="en", method_figures=figs, figure_formats=("png",))
    html = tmp_path / "r" / "report-en.html"
    assert html.stat().st_size < 5e6, html.stat().st_size
    assert html.read_text(encoding="utf-8").count("<img ") == 61  # every figure is still there (60 + the composite)
    d = docx.Document(str(tmp_path / "r" / "report-en.docx"))
    assert len(d.inline_shapes) == 61
    assert (tmp_path / "r" / "report-en.docx").stat().st_size < 5e6


def test_docx_opens_in_libreoffice(bundle, tmp_path):
    """LibreOffice converts both reports to PDF (a DOCX Word and LibreOffice open), Chinese included."""
    import shutil
    import subprocess

    from geoexplore.report.writers import write_report

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice not installed (Debian: apt-get install libreoffice-writer-nogui; .ci/run installs it)")
    for lang in ("en", "zh"):
        write_report(bundle, tmp_path, lang=lang, formats=("docx",), figure_formats=("png",))
    res = subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--convert-to", "pdf",
                          "--outdir", str(tmp_path / "pdf"), str(tmp_path / "report-en.docx"), str(tmp_path / "report-zh.docx")],
                         capture_output=True, text=True, timeout=600, check=False)
    for lang in ("en", "zh"):
        pdf = tmp_path / "pdf" / f"report-{lang}.pdf"
        assert pdf.is_file(), res.stdout + res.stderr
        assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 20_000


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_composite_hatches_uncertain_refraction_velocities(bundle, lang):
    """A refraction image that carries the velocity uncertainty from the pick errors (``vp_rel_sd``): the composite
    hatches where it exceeds 10 % and says so in the panel title; without the variable nothing changes."""
    from geoexplore.report.composite import plot_composite
    from geoexplore.viz.i18n import t

    b = dict(bundle)
    img = b["img_refraction"].copy()
    x = img["chainage_m"].values
    img["vp_rel_sd"] = (("depth_m", "chainage_m"), np.where(np.abs(x - x.mean()) < 0.1 * np.ptp(x), 0.2, 0.03)[None, :]
                        * np.ones(img["vp_m_s"].shape))
    b["img_refraction"] = img
    note = t("vp_uncertain", lang).format(pct="10%")

    def refraction_axes(fig):
        return [ax for ax in fig.axes if ax.get_title(loc="left").startswith(t("refraction", lang))]

    ax = refraction_axes(plot_composite(b, lang=lang))[0]
    assert ax.get_title(loc="left").endswith(note)
    assert any("////" in (getattr(c, "hatches", None) or []) for c in ax.collections)
    plain = refraction_axes(plot_composite(bundle, lang=lang))[0]
    assert note not in plain.get_title(loc="left")
    assert not any("////" in (getattr(c, "hatches", None) or []) for c in plain.collections)
