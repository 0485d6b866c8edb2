"""Workflow step ``report.build``: the editable report (DOCX, HTML), composite figure and GeoJSON.

The step returns the assessment bundle with the report settings in its
attributes; the documents are written by its figure function
(:func:`write_from_result`), which the runner calls with a path in the run's
``figures/`` folder: the report goes to the sibling ``report/`` folder and
includes the method figures found in ``figures/``. ``geoexplore report
STORE --out DIR`` writes the same from a project store.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from geoexplore.core.settings import Settings, added_field
from geoexplore.pipeline.step import StepContext, step


class ReportSettings(Settings):
    """Settings of ``report.build``."""

    languages: list[Literal["en", "zh"]] = Field(["en", "zh"], description="report languages (Chinese figures get English "
                                                 "labels, and the report a note, where no CJK font is installed)")
    formats: list[Literal["docx", "html"]] = Field(["docx", "html"], description="document formats")
    title: str | None = Field(None, description="report title (default: the i18n title)")
    method_figures: bool = Field(True, description="include the method figures of the run's figures/ folder")
    figure_formats: list[Literal["png", "pdf", "svg"]] = added_field(
        ["png", "pdf", "svg"], added_in="0.5", description="formats of the composite figure (PNG is always written: the "
        "documents embed it; PDF and SVG are the print versions)")
    image_max_px: int = added_field(
        1600, added_in="0.5", ge=64, description="the largest size (px, width and height) of the method figures in the "
        "documents; smaller sizes (x 0.75 each time, down to 500 px) are tried until the images of one document fit its "
        "budget (3.5 MB). Giving the size the search lands on gives the same documents and skips proving that the larger "
        "sizes do not fit")


@step("report.build", settings=ReportSettings, inputs=("assessment", "hazard?", "traces?"), figure="geoexplore.report.steps:write_from_result")
def build(ctx: StepContext, settings: ReportSettings) -> dict[str, Any]:
    """Bundle the assessment (and the hazard and the fault traces of several lines, when given) with the report
    settings (documents written by the figure function)."""
    bundle = ctx.require("assessment")
    out = {k: v.copy() for k, v in bundle.items()}
    hazard = ctx.inputs.get("hazard")
    if hazard is not None:
        out.update({k: v.copy() for k, v in hazard.items() if k.startswith("hazard_")})
    traces = ctx.inputs.get("traces")
    if traces is not None:  # a fault.traces result: the report gains the traces section (geoexplore.report.traces)
        out["traces"] = traces["traces"].copy()
        if "dem" in traces:
            out["traces_dem"] = traces["dem"].copy()
    out["candidates"].attrs["report_settings_json"] = settings.to_json()
    return out


def method_figure_list(fig_dir: Path) -> list[tuple[str, Path]]:
    """(caption, path) of the PNG figures of the method steps in a run's figures folder."""
    skip = ("fault__", "report__")
    return [(p.stem.replace("__", " / "), p) for p in sorted(fig_dir.glob("*.png")) if not p.name.startswith(skip)]


def write_outputs(bundle: dict[str, Any], out_dir: Path, *, languages: list[str], formats: list[str], fig_dir: Path | None = None,
                  provenance: dict[str, Any] | None = None, figure_formats: tuple[str, ...] = ("png", "pdf", "svg"),
                  image_max_px: int | None = None) -> list[Path]:
    """Report documents, composite figures and GeoJSON for a bundle (``figure_formats``, ``image_max_px``: see
    :class:`ReportSettings`; None: the writers' default size)."""
    from geoexplore.report.writers import MAX_PX, write_report

    written: list[Path] = []
    figs = method_figure_list(fig_dir) if fig_dir is not None and fig_dir.is_dir() else None
    for lang in languages:
        written += write_report(bundle, out_dir, lang=lang, method_figures=figs, provenance=provenance, formats=tuple(formats),
                                figure_formats=tuple(figure_formats), image_max_px=image_max_px or MAX_PX,
                                composite_drawn_in=fig_dir)
    mj = bundle["candidates"].attrs.get("model_json")
    if mj:
        from geoexplore.core.geomodel import model_from_dict
        from geoexplore.fault.geojson import write_geojson

        model = model_from_dict(json.loads(mj), source="stored model")
        if model.profile_spec:
            written += write_geojson(bundle["candidates"], model.profile(), out_dir, model=model)
    return written


def write_from_result(result: dict[str, Any], path: str | Path) -> None:
    """Figure function of ``report.build``: writes ``report/`` beside the run's ``figures/`` folder."""
    p = Path(path)
    st = json.loads(result["candidates"].attrs.get("report_settings_json", "{}") or "{}")
    out_dir = p.parent.parent / "report"
    written = write_outputs(result, out_dir, languages=st.get("languages", ["en", "zh"]), formats=st.get("formats", ["docx", "html"]),
                            fig_dir=p.parent, figure_formats=tuple(st.get("figure_formats", ("png", "pdf", "svg"))),
                            image_max_px=st.get("image_max_px"))
    png = next((w for w in written if w.suffix == ".png"), None)
    if png is not None:
        shutil.copyfile(png, p)


# the fault-trace report (report.traces) registers with this module
import geoexplore.report.traces  # noqa: E402,F401
