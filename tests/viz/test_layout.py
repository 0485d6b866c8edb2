"""viz.figure.tight_layout: matplotlib's tight_layout without the placeholder engine, so savefig draws once.

Reference: the same figure laid out by ``Figure.tight_layout`` and saved by matplotlib (same bytes), drawn from
a shot record of the embedded Siping survey (SEG-2) with its automatic picks.
"""

import io

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.artist import Artist

from geoexplore.viz.figure import new_figure, save_tight, tight_layout


class DrawCounter(Artist):
    """An invisible artist counting how often the figure is drawn."""

    def __init__(self):
        super().__init__()
        self.n = 0

    def draw(self, renderer):
        self.n += 1


@pytest.fixture(scope="module")
def shot(siping_dir):
    from geoexplore.seismic import io as sio
    from geoexplore.seismic.refraction.pick_tables import pick_shot

    g = sio.read(sorted((siping_dir / "refraction").glob("shot*.seg2"))[5])
    t = pick_shot(g)
    return g, t


def _shot_figure(shot, layout):
    from geoexplore.seismic.refraction.plot import draw_shot

    g, t = shot
    fig, ax = new_figure(figsize=(7, 5))
    draw_shot(ax, g["data"].values, g["time_s"].values, np.asarray(t["receiver_x_m"], float), np.asarray(t["t_s"], float),
              np.asarray(t["use"], int) == 1, t_max_s=float(np.nanmax(t["t_s"])) * 1.5)
    ax.set_title("first breaks")
    counter = DrawCounter()
    fig.add_artist(counter)
    layout(fig)
    return fig, counter


def _png(fig, **kw):
    buf = io.BytesIO()
    fig.savefig(buf, format="png", **kw)
    return buf.getvalue()


def test_same_file_in_one_draw(shot):
    ref, ref_n = _shot_figure(shot, lambda f: f.tight_layout())
    new, new_n = _shot_figure(shot, tight_layout)
    assert _png(new) == _png(ref)
    assert (new_n.n, ref_n.n) == (1, 2)  # matplotlib's placeholder engine costs a draw without rendering
    assert new.get_layout_engine() is None


def test_save_tight_after_matplotlibs_tight_layout_draws_once_and_keeps_the_engine(shot, tmp_path):
    fig, n = _shot_figure(shot, lambda f: f.tight_layout())
    engine = fig.get_layout_engine()
    save_tight(fig, tmp_path / "s.png")
    assert n.n == 1 and fig.get_layout_engine() is engine


def test_rc_asking_for_a_layout_keeps_matplotlibs_behaviour(shot):
    with mpl.rc_context({"figure.autolayout": True}):
        fig, _ = _shot_figure(shot, tight_layout)
        assert fig.get_layout_engine() is not None
