"""save_tight: one draw per file, the image matplotlib's savefig writes for the same box.

The reference is matplotlib itself: ``savefig(bbox_inches="tight")`` (the box) and ``savefig(bbox_inches=<box>)``
(the pixels). Figures are geoexplore's own, drawn from real forward results (the analytic 1D MT response, an
H/V of a noise record modelled from a layered ground).
"""

import io
import re

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.image import imread
from matplotlib.transforms import Bbox

from geoexplore.viz.figure import MARGIN_IN, new_figure, save_tight, tight_render
from geoexplore.viz.style import figure_style


def _station_result():
    from geoexplore.mt.analysis import rho_phase
    from geoexplore.mt.forward1d import mt1d_tf
    from geoexplore.mt.phase_tensor import phase_tensor_dataset

    tf = mt1d_tf([100.0, 10.0, 1000.0], [500.0, 2000.0], np.logspace(-3, 3, 25), station="S0", chainage_m=0.0, synthetic=1)
    tf["z_err"].values[...] = 0.02 * np.abs(tf["z"].values).max()
    return {"tf": tf, "rho_phase": rho_phase(tf), "phase_tensor": phase_tensor_dataset(tf, n_draws=20)}


def _model1d_result():
    from geoexplore.mt.forward1d import mt1d_tf
    from geoexplore.mt.invert1d import data_from_tf, occam1d, result_dataset

    tf = mt1d_tf([100.0, 10.0, 1000.0], [1000.0, 2000.0], np.logspace(-2, 2, 9), station="S1", chainage_m=0.0, synthetic=1)
    tf["z_err"].values[...] = 0.02 * np.abs(tf["z"].values).max()
    d = data_from_tf(tf)
    return result_dataset(occam1d(d, n_layers=20, max_iter=4), d, {"station": "S1", "synthetic": 1})


def _hvsr_result():
    from geoexplore import microtremor as mtr
    from geoexplore.microtremor.synth import noise_record

    rec = noise_record(np.array([50.0, 0.0]), np.array([200.0, 800.0]), np.array([600.0, 2000.0]),
                       np.array([1800.0, 2200.0]), fs_hz=50.0, duration_s=300.0, station="FD1")
    return mtr.hvsr(rec, mtr.HvsrSettings(window_length_s=20.0)).to_dataset()


@pytest.fixture(scope="module")
def figures():
    """name -> (figure function of geoexplore, its result, whether it saves inside the figure style)."""
    from geoexplore.microtremor.plot import plot_hvsr
    from geoexplore.mt.plot import plot_model1d, plot_station_result

    return {"mt-analyse": (plot_station_result, _station_result(), False),
            "mt-invert1d": (plot_model1d, _model1d_result(), False),
            "hvsr": (plot_hvsr, _hvsr_result(), True)}


def _matplotlib_tight_box(fig, dpi):
    """Matplotlib's tight box (inches) of a figure, measured after a full Agg draw, padded by savefig.pad_inches."""
    canvas = FigureCanvasAgg(fig)
    old = fig.dpi
    fig.dpi = dpi
    canvas.draw()
    box = fig.get_tightbbox(canvas.get_renderer()).padded(mpl.rcParams["savefig.pad_inches"])
    fig.dpi = old
    return box


def _whole_pixels(box, dpi):
    x0, y0 = np.floor(box.p0 * dpi + 1e-6)
    x1, y1 = np.ceil(box.p1 * dpi - 1e-6)
    return Bbox(np.array([[x0, y0], [x1, y1]]) / dpi)


def _assert_same_render(path, ref_bytes):
    """The PNG at ``path`` is ``ref_bytes``'s image: same size, dpi and text chunks, and the same pixels but for at most
    0.1 % of them. Matplotlib places a box given in inches at ``x0 * dpi`` px, which floating point can leave a
    hair off the whole pixel (0.03 * 100 = 3.0000000000000004); a line snapped to the pixel grid then lands one
    pixel over. The crop has no such offset. Any other difference (a missing tick, a shifted label) is far more."""
    from PIL import Image

    with Image.open(path) as a, Image.open(io.BytesIO(ref_bytes)) as b:
        assert a.size == b.size and a.info == b.info and a.mode == b.mode
        pa, pb = np.asarray(a), np.asarray(b)
    assert (pa != pb).any(axis=2).mean() <= 1e-3


def _png(fig, **kw):
    buf = io.BytesIO()
    fig.savefig(buf, format="png", **kw)
    return buf.getvalue()


@pytest.mark.parametrize("name", ["mt-analyse", "mt-invert1d", "hvsr"])
def test_png_is_the_one_savefig_writes_for_the_whole_pixel_tight_box(figures, name, tmp_path):
    func, result, styled = figures[name]
    with figure_style() if styled else mpl.rc_context():
        dpi = mpl.rcParams["savefig.dpi"]
        fig = func(result)
        dpi = fig.dpi if dpi == "figure" else float(dpi)
        save_tight(fig, tmp_path / "new.png")
        box = _whole_pixels(_matplotlib_tight_box(func(result), dpi), dpi)
        ref = _png(func(result), dpi=dpi, bbox_inches=box)
        old = imread(io.BytesIO(_png(func(result), bbox_inches="tight")))
    new = imread(tmp_path / "new.png")
    _assert_same_render(tmp_path / "new.png", ref)
    # against bbox_inches="tight": the box differs by less than a pixel on each side
    assert 0 <= new.shape[0] - old.shape[0] <= 2 and 0 <= new.shape[1] - old.shape[1] <= 2
    # and shows the same picture: shifted by less than a pixel, so only anti-aliased edges differ
    h, w = old.shape[0] - 2, old.shape[1] - 2
    best = min(np.abs(new[1 + dy:1 + dy + h, 1 + dx:1 + dx + w] - old[1:1 + h, 1:1 + w]).mean()
               for dy in (-1, 0, 1) for dx in (-1, 0, 1))
    assert best < 0.03


def _edge_figure(x_in):
    """A log-axis figure (4 x 3 in) with a short label centred ``x_in`` inches right of its left edge."""
    fig, ax = new_figure(figsize=(4, 3))
    ax.loglog(np.logspace(-2, 3, 30), np.logspace(1, 3, 30), "o-")
    fig.text(x_in / 4.0, 0.5, "label", ha="center")
    ax.set_title("a title")
    return fig


@pytest.mark.parametrize("x_in", [0.0, -(MARGIN_IN + 1.0)])
def test_artists_past_the_figure_edge_are_kept(tmp_path, x_in):
    """Within the margin the pixels come from the one draw; past it the box is drawn again: the same image both ways."""
    box, pixels = tight_render(_edge_figure(x_in), 100.0, 0.1)
    assert box.x0 < 0  # the tight box reaches left of the figure
    assert (pixels is None) == (x_in < -MARGIN_IN)
    save_tight(_edge_figure(x_in), tmp_path / "e.png", dpi=100)
    ref = _png(_edge_figure(x_in), dpi=100, bbox_inches=_whole_pixels(_matplotlib_tight_box(_edge_figure(x_in), 100.0), 100.0))
    _assert_same_render(tmp_path / "e.png", ref)
    assert imread(tmp_path / "e.png").shape[1] == round(box.width * 100)


def test_vector_formats_use_the_same_box(figures, tmp_path):
    func, result, _ = figures["mt-analyse"]
    fig = func(result)
    paths = save_tight(fig, [tmp_path / "a.png", tmp_path / "a.pdf", tmp_path / "a.svg"])
    assert [p.rsplit(".", 1)[1] for p in paths] == ["png", "pdf", "svg"]
    box = _whole_pixels(_matplotlib_tight_box(func(result), fig.dpi), fig.dpi)
    media = re.search(rb"/MediaBox \[ *([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) *\]", (tmp_path / "a.pdf").read_bytes())
    assert [float(v) for v in media.groups()] == pytest.approx([0, 0, box.width * 72, box.height * 72], abs=0.01)
    svg = (tmp_path / "a.svg").read_text()
    w = float(re.search(r'<svg[^>]* width="([\d.]+)pt"', svg).group(1))
    assert w == pytest.approx(box.width * 72, abs=0.01)
    png = imread(tmp_path / "a.png")
    assert png.shape[:2] == (round(box.height * fig.dpi), round(box.width * fig.dpi))
    # the figure is left as it was: its own canvas and dpi
    assert fig.dpi == 100 and type(fig.canvas).__name__ == "SharedMathtextCanvas"


def test_transparent_rc_falls_back_to_matplotlib(figures, tmp_path):
    func, result, _ = figures["mt-analyse"]
    with mpl.rc_context({"savefig.transparent": True}):
        save_tight(func(result), tmp_path / "t.png")
        ref = _png(func(result), bbox_inches="tight")
    assert (tmp_path / "t.png").read_bytes() == ref
