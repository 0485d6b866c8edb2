"""Report writers: DOCX (python-docx) and HTML (self-contained, images embedded), both editable.

Both render the blocks of :func:`geoexplore.report.content.report_blocks`.
Synthetic-data notices are set in red bold in both; the note under each
table (what its rows are) in italics. Figures go in compressed
(:func:`compressed_images`: at most ``max_px`` wide, palette PNG or JPEG,
whichever is smaller, shrunk further until the images of one document fit
``image_budget_bytes``), so the demo's report is a few MB, not 30. The text
needs no font on the machine that writes it (DOCX names SimSun for East-Asian
text, HTML a list of common CJK fonts; the reader's machine supplies them).
"""

from __future__ import annotations

import base64
import html
import io
import os
from pathlib import Path
from typing import Any

from geoexplore.report.content import Block

IMAGE_BUDGET_BYTES = 3_500_000  # all images of one document, before base64 (HTML: x 4/3); keeps the demo's HTML under 5 MB
MAX_PX = 1600


_COMPRESSED: dict[tuple[str, int, int, int], tuple[tuple[bytes, str], tuple[int, int]]] = {}  # see compress_image
_CACHE_ENTRIES = 1024


def compress_image(path: str | Path, max_px: int = MAX_PX) -> tuple[bytes, str]:
    """An image at most ``max_px`` wide (and tall), as the smaller of a 256-colour PNG and a JPEG: (bytes, MIME type).

    Kept for the process by path, size, modification time and ``max_px``: the English and Chinese reports, each as
    DOCX and HTML, embed the same method figures, so each is compressed once, not four times."""
    return _compress(path, max_px)[0]


def _compress(path: str | Path, max_px: int) -> tuple[tuple[bytes, str], tuple[int, int]]:
    """(compressed image, its pixel size after the thumbnail)."""
    from PIL import Image

    st = Path(path).stat()
    key = (str(Path(path).resolve()), st.st_size, st.st_mtime_ns, int(max_px))
    hit = _COMPRESSED.get(key)
    if hit is not None:
        return hit
    with Image.open(path) as im:
        im = im.convert("RGB")
        im.thumbnail((max_px, max_px))
        png, jpg = io.BytesIO(), io.BytesIO()
        im.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(png, "PNG", optimize=True)
        im.save(jpg, "JPEG", quality=85, optimize=True)
        size = im.size
    out = ((png.getvalue(), "image/png") if png.tell() <= jpg.tell() else (jpg.getvalue(), "image/jpeg"), size)
    if len(_COMPRESSED) >= _CACHE_ENTRIES:
        _COMPRESSED.clear()
    _COMPRESSED[key] = out
    return out


def compressed_images(paths: list[str | Path], budget_bytes: int = IMAGE_BUDGET_BYTES, max_px: int = MAX_PX,
                      min_px: int = 500) -> dict[str, tuple[bytes, str]]:
    """Every image of a document compressed, smaller (down to ``min_px``) until together they fit ``budget_bytes``.

    The sizes tried are ``max_px`` and then 0.75 of the last one each time; the first that fits is used. A size
    is given up as soon as the images compressed so far exceed the budget (the largest files first), so a size
    that does not fit costs only the images that prove it. The result is the one trying every size in turn gives."""
    files = [str(p) for p in dict.fromkeys(paths) if Path(p).is_file()]
    px = max_px
    while True:
        out = _compress_within(files, px, None if px <= min_px else budget_bytes)
        if out is not None:
            return {p: c[0] for p, c in out.items()}
        px = max(min_px, int(px * 0.75))


def _compress_within(files: list[str], px: int, budget_bytes: int | None) -> dict[str, tuple[tuple[bytes, str], tuple[int, int]]] | None:
    """:func:`_compress` of every file at ``px``, on up to four threads (Pillow's quantizer and encoders release the
    GIL); None as soon as the bytes compressed so far exceed ``budget_bytes`` (the images not started are cancelled)."""
    from concurrent.futures import ThreadPoolExecutor, as_completed

    order = sorted(files, key=lambda p: -Path(p).stat().st_size)  # the largest first: a size that cannot fit fails early
    done: dict[str, tuple[tuple[bytes, str], tuple[int, int]]] = {}
    total = 0
    with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as ex:
        futs = {ex.submit(_compress, p, px): p for p in order}
        for f in as_completed(futs):
            done[futs[f]] = f.result()
            total += len(done[futs[f]][0][0])
            if budget_bytes is not None and total > budget_bytes:
                for g in futs:
                    g.cancel()
                return None
    return {p: done[p] for p in files}


def write_docx(blocks: list[Block], path: str | Path, *, lang: str = "en", image_budget_bytes: int = IMAGE_BUDGET_BYTES,
               image_max_px: int = MAX_PX) -> Path:
    """Write a DOCX report (East-Asian font set for Chinese text; images compressed to fit ``image_budget_bytes``, at most
    ``image_max_px`` px)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    images = compressed_images([b[1] for b in blocks if b[0] == "image"], image_budget_bytes, max(image_max_px, 1))
    doc = Document()
    st = doc.styles["Normal"]
    st.font.size = Pt(10)
    if lang == "zh":
        st.font.name = "SimSun"
        rpr = st.element.get_or_add_rPr()
        rfonts = rpr.find(qn("w:rFonts"))
        if rfonts is None:
            rfonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(rfonts)
        rfonts.set(qn("w:eastAsia"), "SimSun")
    for blk in blocks:
        kind = blk[0]
        if kind == "heading":
            doc.add_heading(blk[2], level=blk[1])
        elif kind == "para":
            p = doc.add_paragraph()
            run = p.add_run(blk[1])
            if blk[2] in ("synthetic", "warning"):
                run.font.color.rgb = RGBColor(0xB0, 0x00, 0x00)
                run.bold = blk[2] == "synthetic"
            elif blk[2] == "note":
                run.italic = True
                run.font.size = Pt(9)
        elif kind == "table":
            _, caption, header, rows = blk
            cap = doc.add_paragraph()
            cap.add_run(caption).italic = True
            table = doc.add_table(rows=1, cols=len(header))
            table.style = "Table Grid"
            for i, h in enumerate(header):
                cell = table.rows[0].cells[i]
                cell.text = ""
                cell.paragraphs[0].add_run(str(h)).bold = True
            for r in rows:
                cells = table.add_row().cells
                for i, v in enumerate(r):
                    cells[i].text = str(v)
        elif kind == "image":
            _, p, caption = blk
            if str(p) in images:
                doc.add_picture(io.BytesIO(images[str(p)][0]), width=Cm(16))
                doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
                cap = doc.add_paragraph(caption)
                cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(out))
    return out


CSS = """body{font-family:'Noto Sans CJK SC','WenQuanYi Micro Hei','Microsoft YaHei',Arial,sans-serif;max-width:1100px;margin:2em auto;font-size:14px}
table{border-collapse:collapse;margin:0.5em 0 1.5em 0}td,th{border:1px solid #999;padding:3px 6px;vertical-align:top}
th{background:#eee}.synthetic{color:#b00000;font-weight:bold;border:2px solid #b00000;padding:6px}.warning{color:#b00000}
caption{font-style:italic;text-align:left}img{max-width:100%}figure{margin:1em 0}.note{font-style:italic;font-size:13px;color:#333}"""


def write_html(blocks: list[Block], path: str | Path, *, lang: str = "en", embed_images: bool = True,
               image_budget_bytes: int = IMAGE_BUDGET_BYTES, image_max_px: int = MAX_PX) -> Path:
    """Write a self-contained HTML report (images compressed, at most ``image_max_px`` px, and embedded as base64 unless
    ``embed_images`` is False)."""
    out = Path(path)
    images = (compressed_images([b[1] for b in blocks if b[0] == "image"], image_budget_bytes, max(image_max_px, 1))
              if embed_images else {})
    parts = [f"<!DOCTYPE html>\n<html lang=\"{'zh-CN' if lang == 'zh' else 'en'}\"><head><meta charset=\"utf-8\">",
             f"<title>{html.escape(str(blocks[0][2]) if blocks and blocks[0][0] == 'heading' else 'report')}</title>",
             f"<style>{CSS}</style></head><body contenteditable=\"false\">"]
    for blk in blocks:
        kind = blk[0]
        if kind == "heading":
            lv = min(6, blk[1] + 1)
            parts.append(f"<h{lv}>{html.escape(blk[2])}</h{lv}>")
        elif kind == "para":
            cls = f' class="{blk[2]}"' if blk[2] else ""
            parts.append(f"<p{cls}>{html.escape(blk[1])}</p>")
        elif kind == "table":
            _, caption, header, rows = blk
            parts.append(f"<table><caption>{html.escape(caption)}</caption><thead><tr>"
                         + "".join(f"<th>{html.escape(str(h))}</th>" for h in header) + "</tr></thead><tbody>")
            for r in rows:
                parts.append("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in r) + "</tr>")
            parts.append("</tbody></table>")
        elif kind == "image":
            _, p, caption = blk
            pp = Path(p)
            if not pp.is_file():
                continue
            if embed_images:
                data, mime = images[str(p)]
                src = f"data:{mime};base64," + base64.b64encode(data).decode()
            else:
                src = html.escape(str(pp.name))
            parts.append(f"<figure><img src=\"{src}\" alt=\"{html.escape(caption)}\"><figcaption>{html.escape(caption)}</figcaption></figure>")
    parts.append("</body></html>")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(parts), encoding="utf-8")
    return out


def write_report(bundle: dict[str, Any], out_dir: str | Path, *, lang: str = "en", method_figures: list[tuple[str, str | Path]] | None = None,
                 provenance: dict[str, Any] | None = None, stem: str = "report", formats: tuple[str, ...] = ("docx", "html"),
                 figure_formats: tuple[str, ...] = ("png", "pdf", "svg"), cjk_font: str | None = "auto",
                 image_max_px: int = MAX_PX, composite_drawn_in: str | Path | None = None) -> list[Path]:
    """Composite figure (PNG/PDF/SVG) + report documents into ``out_dir``; returns the files written.

    ``cjk_font``: the font for Chinese figure labels ("auto": the one installed;
    None: none, so the figures get English labels and the report says why).
    ``image_max_px``: the largest size (px) of the images in the documents (:func:`compressed_images`).
    ``composite_drawn_in``: a run's ``figures/`` folder, where the fault step's figure may have saved the same
    composite already (then copied, see :func:`geoexplore.report.composite.save_composite`).
    """
    from geoexplore.report.composite import save_composite
    from geoexplore.report.content import report_blocks
    from geoexplore.viz.i18n import figure_language

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    fig_lang, font_note = figure_language(lang, cjk_font)
    figs = save_composite(bundle, out / f"composite-{lang}", lang=fig_lang, formats=("png", *[f for f in figure_formats if f != "png"]),
                          drawn_in=composite_drawn_in)
    blocks = report_blocks(bundle, lang=lang, composite_png=figs[0], method_figures=method_figures, provenance=provenance,
                           out_dir=out, figure_lang=fig_lang)
    if font_note:  # Chinese text, English figure labels: say why, under the title
        blocks.insert(1, ("para", font_note, "warning"))
    written = list(figs)
    if "docx" in formats:
        written.append(write_docx(blocks, out / f"{stem}-{lang}.docx", lang=lang, image_max_px=image_max_px))
    if "html" in formats:
        written.append(write_html(blocks, out / f"{stem}-{lang}.html", lang=lang, image_max_px=image_max_px))
    return written


def write_assessment(bundle: dict[str, Any], out_dir: str | Path, *, model: Any = None, lang: str = "en",
                     figures: bool = True) -> list[Path]:
    """The assessment's tables, GeoJSON and composite figure into ``out_dir`` (what ``geoexplore assess`` writes).

    Parameters
    ----------
    bundle : dict of xarray.Dataset
        The assessment bundle (:func:`geoexplore.fault.steps.run_assessment`).
    out_dir : path-like
        Output folder (created).
    model : GeologicalModel, optional
        With a profile in it, the candidates are also written as GeoJSON.
    lang : {"en", "zh"}
        Labels of the composite figure.
    figures : bool
        Draw the composite figure (PNG, PDF, SVG).

    Returns
    -------
    list of Path
        ``candidates.csv``, ``assessment.json``, ``indicators.csv``, then the
        GeoJSON and figure files.
    """
    import json

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    c = bundle["candidates"]
    c.drop_vars([v for v in c.data_vars if v.endswith("_json")]).to_dataframe().to_csv(out / "candidates.csv")
    detail = {str(c["candidate"].values[k]): json.loads(str(c["detail_json"].values[k])) for k in range(c.sizes.get("candidate", 0))}
    (out / "assessment.json").write_text(json.dumps({"attrs": {k: v for k, v in c.attrs.items() if k != "model_json"},
                                                     "candidates": detail}, indent=1, ensure_ascii=False, default=str), encoding="utf-8")
    ind = bundle["indicators"]
    ind.drop_vars([v for v in ind.data_vars if v.endswith("_json")]).to_dataframe().to_csv(out / "indicators.csv")
    written = [out / "candidates.csv", out / "assessment.json", out / "indicators.csv"]
    if model is not None and model.profile_spec:
        from geoexplore.fault.geojson import write_geojson

        written += write_geojson(c, model.profile(), out, model=model)
    if figures:
        from geoexplore.report.composite import save_composite

        written += save_composite(bundle, out / f"composite-{lang}", lang=lang)
    return written
