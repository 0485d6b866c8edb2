"""Composite profile figure: all images stacked on one chainage axis, fault candidates drawn through them.

:func:`plot_composite` takes the assessment bundle (the ``fault.assess``
result: ``candidates``, ``indicators`` and ``img_<method>`` thumbnails) and
draws reflection, refraction, ERT, MT and microtremor panels over the
assessed line's chainage range. Each candidate is drawn as its fault plane
(from the upper breakpoint down, with its dip) and a star at the upper
breakpoint with its depth uncertainty. Masked (unconstrained) cells are
blanked. Panels of synthetic data carry the synthetic stamp; synthetic
*test images* carry their own stamp. Saved for print (PDF, SVG) and screen (PNG)
by :func:`save_composite`. Axes-level: :func:`draw_candidates`,
:func:`draw_section_panel`, :func:`draw_microtremor_panel`.
``composite_figure`` is the old name of :func:`plot_composite` (kept for one release).
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path
from typing import Any

import numpy as np

from geoexplore.viz.i18n import font_rc, t
from geoexplore.viz.style import UNCERTAIN_REL_SD, hatch_uncertain

ORDER = ("reflection", "refraction", "ert", "mt", "microtremor")
COLORS = ("#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2")


def _xrange(bundle: dict[str, Any]) -> tuple[float, float]:
    shallow = [bundle[f"img_{m}"] for m in ORDER if f"img_{m}" in bundle and m != "mt"]
    src = shallow or [bundle[k] for k in bundle if k.startswith("img_")]
    if not src:
        c = bundle["candidates"]["chainage_m"].values
        return float(np.nanmin(c) - 500), float(np.nanmax(c) + 500)
    lo = min(float(d["chainage_m"].min()) for d in src)
    hi = max(float(d["chainage_m"].max()) for d in src)
    return lo, hi


def _stamp(ax: Any, ds: Any, lang: str) -> None:
    from geoexplore.viz.style import synthetic_stamp

    if int(ds.attrs.get("test_image", 0)):
        synthetic_stamp(ax, t("test_image", lang))
    elif int(ds.attrs.get("synthetic", 0)):
        synthetic_stamp(ax, t("synthetic", lang))


def draw_candidates(ax: Any, cands: Any, zmax: float, lang: str = "en", label: bool = False, lines_only: bool = False) -> None:
    """Draw the fault candidates on a section axes: plane from the upper breakpoint down, star with error bars.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes in (chainage, depth) m, depth down.
    cands : xarray.Dataset
        The ``candidates`` of an assessment bundle.
    zmax : float
        Depth (m) the planes are drawn down to.
    lang : {"en", "zh"}
        Labels.
    label : bool
        Annotate each candidate with its id and activity class.
    lines_only : bool
        Only a dashed vertical line at each chainage (panels without depth).
    """
    for k in range(cands.sizes.get("candidate", 0)):
        col = COLORS[k % len(COLORS)]
        x = float(cands["chainage_m"].values[k])
        z = float(cands["upper_breakpoint_m"].values[k])
        if lines_only:
            ax.axvline(x, color=col, ls="--", lw=1.0)
            continue
        dip = float(cands["dip_deg"].values[k])
        tw = str(cands["dips_toward"].values[k])
        if math.isfinite(z):
            if math.isfinite(dip) and tw in ("increasing", "decreasing"):
                s = 1.0 if tw == "increasing" else -1.0
                zz = np.array([z, max(z, zmax)])
                ax.plot(x + s * (zz - z) / math.tan(math.radians(dip)), zz, "-", color=col, lw=1.4)
            else:
                ax.plot([x, x], [z, zmax], "--", color=col, lw=1.2)
            zs = float(cands["upper_breakpoint_sigma_m"].values[k])
            ax.errorbar([x], [z], yerr=[[zs if math.isfinite(zs) else 0.0], [zs if math.isfinite(zs) else 0.0]],
                        xerr=[[float(cands["chainage_sigma_m"].values[k])], [float(cands["chainage_sigma_m"].values[k])]],
                        fmt="*", color=col, ms=9, mec="k", mew=0.5, capsize=2, lw=0.8)
        else:
            ax.axvline(x, color=col, ls=":", lw=1.2)
        if label:
            cid = str(cands["candidate"].values[k])
            cls = str(cands["activity_label_zh" if lang == "zh" else "activity_label_en"].values[k])
            ax.annotate(f"{cid}\n{cls}", (x, 0), xytext=(0, 18 + 22 * (k % 2)), textcoords="offset points", ha="center", va="bottom",
                        fontsize=7, color=col, annotation_clip=False)


def _ext(x: np.ndarray, z: np.ndarray) -> dict[str, Any]:
    dx = (x[-1] - x[0]) / max(x.size - 1, 1)
    dz = (z[-1] - z[0]) / max(z.size - 1, 1)
    return {"extent": (x[0] - dx / 2, x[-1] + dx / 2, z[-1] + dz / 2, z[0] - dz / 2), "aspect": "auto",
            "interpolation": "nearest", "origin": "upper", "rasterized": True}


def draw_microtremor_panel(ax: Any, ds: Any, cands: Any, lang: str = "en") -> None:
    """Draw the microtremor stations on ``ax``: thickness (m, depth down) with error bars, f0 (Hz) on a twin axis."""
    o = np.argsort(ds["chainage_m"].values)
    ch = ds["chainage_m"].values[o]
    ax.errorbar(ch, ds["thickness_m"].values[o], yerr=ds["thickness_err_m"].values[o], fmt="o-", ms=3, lw=0.8,
                color="#444444", label=t("thickness_m", lang))
    th = np.asarray(ds["thickness_m"].values, float)
    th = th[np.isfinite(th)]
    if th.size:
        lo, hi = np.percentile(th, [10, 90])
        span = max(hi - lo, 0.1 * hi, 1.0)
        ax.set_ylim(hi + 0.5 * span, max(0.0, lo - 0.5 * span))  # robust range: outlying stations clip
    else:
        ax.invert_yaxis()
    ax.set_ylabel(t("thickness_m", lang))
    ax2 = ax.twinx()
    ax2.plot(ch, ds["f0_hz"].values[o], "s--", ms=2.5, lw=0.7, color="#1f77b4")
    ax2.set_ylabel(t("f0_hz", lang), color="#1f77b4")
    draw_candidates(ax, cands, 0, lang, lines_only=True)
    ax.set_title(t("microtremor", lang), loc="left")
    _stamp(ax, ds, lang)


def draw_section_panel(ax: Any, ds: Any, method: str, cands: Any, lang: str = "en", *, xlim: tuple[float, float] | None = None,
                       label: bool = False) -> None:
    """Draw one (depth, chainage) image on ``ax`` with a colour bar and the candidates.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    ds : xarray.Dataset
        Image of ``method`` (reflection ``amplitude``, refraction ``vp_m_s``, else ``resistivity_ohm_m``);
        masked cells blanked.
    method : str
        'reflection', 'refraction', 'ert' or 'mt'.
    cands : xarray.Dataset
        The ``candidates`` of the bundle.
    lang : {"en", "zh"}
    xlim : (float, float), optional
        Chainage range (m) of the image to draw.
    label : bool
        Annotate the candidates (the top panel).
    """
    from matplotlib.colors import LogNorm

    if xlim is not None:
        ds = ds.sel(chainage_m=slice(*xlim))
    z = ds["depth_m"].values
    x = ds["chainage_m"].values
    mask = ds["mask"].values.astype(bool) if "mask" in ds else np.ones((z.size, x.size), bool)
    title_note = ""
    if method == "reflection":
        a = ds["amplitude"].values
        v = np.nanpercentile(np.abs(a), 98) or 1.0
        im = ax.imshow(np.where(mask, a, np.nan), cmap="Greys", vmin=-v, vmax=v, **_ext(x, z))
    elif method == "refraction":
        im = ax.imshow(np.where(mask, ds["vp_m_s"].values, np.nan), cmap="viridis", **_ext(x, z))
        if "vp_rel_sd" in ds and hatch_uncertain(ax, x, z, np.where(mask, ds["vp_rel_sd"].values, np.nan), outline=False):
            title_note = t("vp_uncertain", lang).format(pct=f"{UNCERTAIN_REL_SD:.0%}")
    else:
        r = np.where(mask, ds["resistivity_ohm_m"].values, np.nan)
        fin = r[np.isfinite(r)]
        norm = LogNorm(vmin=max(fin.min(), 1e-3), vmax=fin.max()) if fin.size else None
        im = ax.imshow(r, cmap="cividis_r", norm=norm, **_ext(x, z))
    ax.set_ylim(float(z.max()), float(z.min()))
    ax.set_ylabel(t("depth_m", lang))
    cb = ax.figure.colorbar(im, cax=ax.inset_axes((1.01, 0.0, 0.015, 1.0)))
    cb.ax.tick_params(labelsize=7)
    draw_candidates(ax, cands, float(z.max()), lang, label=label)
    ax.set_title(t(method, lang) + (f"; {title_note}" if title_note else ""), loc="left", pad=4)
    _stamp(ax, ds, lang)


def plot_composite(bundle: dict[str, Any], path: str | Path | None = None, *, lang: str = "en",
                   xlim: tuple[float, float] | None = None) -> Any:
    """Draw the composite profile: every image of the bundle on one chainage axis, the candidates through them.

    Parameters
    ----------
    bundle : dict of xarray.Dataset
        The assessment bundle (``candidates``, ``indicators``, ``img_<method>``).
    path : path-like, optional
        Save the figure here (PNG, PDF or SVG by suffix); :func:`save_composite` writes several formats.
    lang : {"en", "zh"}
        Labels.
    xlim : (float, float), optional
        Chainage range (m); default: the shallow images' range.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    GeoexploreError
        If ``lang='zh'`` and no CJK font is available.
    """
    from geoexplore.viz.figure import new_figure
    from geoexplore.viz.style import figure_style

    rc = font_rc(lang)
    cands = bundle["candidates"]
    panels = [m for m in ORDER if f"img_{m}" in bundle]
    x0, x1 = xlim or _xrange(bundle)
    heights = [2.2 if m == "reflection" else (1.2 if m == "microtremor" else 1.6) for m in panels] or [1.0]
    with figure_style(**rc):
        fig, axes = new_figure(len(heights), 1, figsize=(9.0, 1.2 + 1.9 * sum(heights) / 1.6), sharex=True,
                               gridspec_kw={"height_ratios": heights}, squeeze=False)
        axes = axes[:, 0]
        for ax, m in zip(axes, panels):
            if m == "microtremor":
                draw_microtremor_panel(ax, bundle[f"img_{m}"], cands, lang)
            else:
                draw_section_panel(ax, bundle[f"img_{m}"], m, cands, lang, xlim=(x0, x1), label=(m == panels[0]))
        axes[-1].set_xlim(x0, x1)
        axes[-1].set_xlabel(t("chainage_m", lang))
        fig.subplots_adjust(left=0.09, right=0.88, top=1.0 - 1.1 / fig.get_figheight(), bottom=0.06, hspace=0.45)
        fig.suptitle(t("composite_title", lang) + (f" - {cands.attrs.get('line', '')}" if cands.attrs.get("line") else ""), fontsize=10, y=0.998, va="top")
        if path is not None:
            fig.savefig(path, dpi=200)  # the canvas trims the log ticks (viz.canvas)
    return fig


#: the old name of :func:`plot_composite`, kept for one release
composite_figure = plot_composite


def _save_formats(fig: Any, stem: Path, lang: str, formats: tuple[str, ...]) -> list[Path]:
    from geoexplore.viz.style import figure_style

    out = []
    stem.parent.mkdir(parents=True, exist_ok=True)
    with figure_style(**font_rc(lang)):
        for fmt in formats:
            p = stem.with_suffix(f".{fmt}")
            fig.savefig(p, dpi=200 if fmt == "png" else None)
            out.append(p)
    return out


#: attributes the report step adds to the assessment's candidates; the composite does not draw them
_REPORT_ONLY_ATTRS = frozenset(("report_settings_json",))
#: suffix of the note a saved composite leaves beside its files: what it was drawn from (:func:`composite_digest`)
DRAWN_FROM = ".composite.json"


def composite_digest(bundle: dict[str, Any], lang: str) -> str:
    """SHA-256 of what the composite of ``bundle`` in ``lang`` is drawn from: the candidates (without the report's
    settings), every ``img_*`` image, the language, and the geoexplore and matplotlib versions (a figure saved by
    another version is drawn again)."""
    import hashlib

    import matplotlib

    from geoexplore import __version__
    from geoexplore.core.store.encoding import dataset_digest

    cands = bundle["candidates"]
    if _REPORT_ONLY_ATTRS & set(cands.attrs):
        cands = cands.copy()
        cands.attrs = {k: v for k, v in cands.attrs.items() if k not in _REPORT_ONLY_ATTRS}
    h = hashlib.sha256(f"{lang}|geoexplore {__version__}|matplotlib {matplotlib.__version__}|".encode())
    h.update(dataset_digest(cands).encode())
    for k in sorted(bundle):
        if k.startswith("img_"):
            h.update(k.encode())
            h.update(dataset_digest(bundle[k]).encode())
    return h.hexdigest()


def _note_drawn_from(stem: Path, digest: str, files: list[Path]) -> None:
    stem.with_suffix(DRAWN_FROM).write_text(json.dumps({"digest": digest, "files": [f.name for f in files]}), encoding="utf-8")


def _drawn_before(search_dir: Path, digest: str, formats: tuple[str, ...]) -> list[Path] | None:
    """The files of a composite already saved in ``search_dir`` from the same data, one per format; None if none."""
    for note in sorted(search_dir.glob("*" + DRAWN_FROM)):
        try:
            meta = json.loads(note.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if meta.get("digest") != digest:
            continue
        stem = note.parent / note.name[: -len(DRAWN_FROM)]
        files = [stem.with_suffix(f".{fmt}") for fmt in formats]
        if all(f.name in meta.get("files", ()) and f.is_file() for f in files):
            return files
    return None


def save_composite(bundle: dict[str, Any], out_stem: str | Path, *, lang: str = "en", formats: tuple[str, ...] = ("png", "pdf", "svg"),
                   drawn_in: str | Path | None = None) -> list[Path]:
    """Write the composite figure in several formats (PNG for screen, PDF/SVG for print); returns the files.

    ``drawn_in``: a folder where the fault step's figure (:func:`plot_bundle`) may have saved the same composite
    already (a run's ``figures/``); when a note there says it was drawn from the same data (:func:`composite_digest`)
    in every format asked for, its files are copied instead of drawing it again. The PNG is the same bytes either way;
    the PDF and SVG differ only in the creation date they record.
    """
    stem = Path(out_stem)
    if drawn_in is not None and Path(drawn_in).is_dir():
        found = _drawn_before(Path(drawn_in), composite_digest(bundle, lang), formats)
        if found is not None:
            stem.parent.mkdir(parents=True, exist_ok=True)
            out = [stem.with_suffix(f.suffix) for f in found]
            for src, dst in zip(found, out):
                shutil.copyfile(src, dst)
            return out
    return _save_formats(plot_composite(bundle, lang=lang), stem, lang, formats)


def plot_bundle(result: dict[str, Any], path: str | Path | None = None) -> Any:
    """Figure function of ``fault.assess``: the composite profile in the bundle's language.

    With ``path``, the PNG is written there and the PDF and SVG beside it, with a note of what they were drawn
    from (``<name>.composite.json``, :func:`composite_digest`): the report copies them instead of drawing the
    same composite again (:func:`save_composite`).

    Returns
    -------
    matplotlib.figure.Figure
    """
    lang = str(result["candidates"].attrs.get("lang", "en"))
    fig = plot_composite(result, lang=lang)
    if path is not None:
        stem = Path(path).with_suffix("")
        files = _save_formats(fig, stem, lang, ("png", "pdf", "svg"))
        _note_drawn_from(stem, composite_digest(result, lang), files)  # the report copies these (save_composite)
    return fig
