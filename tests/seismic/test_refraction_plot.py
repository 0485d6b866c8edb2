"""The shot-gather wiggle plot fills every trace's positive lobe in one fill_betweenx call: the same polygons as one
call per trace (matplotlib's own, the reference), and the same picture.

Drawn from a shot of the embedded Siping survey (SEG-2, SYNTHETIC) with its automatic picks.
"""

import io

import numpy as np
import pytest
from matplotlib.image import imread

from geoexplore.viz.figure import new_figure


@pytest.fixture(scope="module")
def shot(siping_dir):
    from geoexplore.seismic import io as sio
    from geoexplore.seismic.refraction.pick_tables import pick_shot

    g = sio.read(sorted((siping_dir / "refraction").glob("shot*.seg2"))[5])
    return g, pick_shot(g)


def _args(shot):
    g, t = shot
    return (g["data"].values, g["time_s"].values, np.asarray(t["receiver_x_m"], float), np.asarray(t["t_s"], float),
            np.asarray(t["use"], int) == 1)


def _per_trace(ax, data, time_s, x_m, picks_s, use, *, t_max_s, scale=0.8):
    """The reference: matplotlib's fill_betweenx once per trace (how draw_shot drew before)."""
    data, time_s, x_m = (np.asarray(v, float) for v in (data, time_s, x_m))
    m = time_s <= t_max_s
    dxs = np.diff(np.sort(x_m))
    dx = float(np.median(dxs[dxs > 0]))
    for i in range(data.shape[0]):
        tr = data[i, m]
        a = np.max(np.abs(tr))
        tr = tr / a * scale * dx if a > 0 else tr
        ax.plot(x_m[i] + tr, time_s[m] * 1000, color="k", lw=0.4)
        ax.fill_betweenx(time_s[m] * 1000, x_m[i], x_m[i] + np.clip(tr, 0, None), color="k", lw=0)
    ax.plot(x_m[use], picks_s[use] * 1000, "_", color="#d62728", ms=10, mew=2, label="pick")
    if (~use).any():
        ax.plot(x_m[~use], picks_s[~use] * 1000, "x", color="0.5", ms=5, label="rejected")
    ax.set_ylim(time_s[m][-1] * 1000, time_s[m][0] * 1000)
    ax.set_xlabel("position (m)")
    ax.set_ylabel("time (ms)")


def _png(fig):
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    buf.seek(0)
    return imread(buf)


def test_one_fill_call_same_polygons_and_picture(shot):
    from geoexplore.seismic.refraction.plot import draw_shot

    args = _args(shot)
    tmax = float(np.nanmax(args[3])) * 1.5
    fig, ax = new_figure(figsize=(7, 5))
    draw_shot(ax, *args, t_max_s=tmax)
    ref_fig, ref_ax = new_figure(figsize=(7, 5))
    _per_trace(ref_ax, *args, t_max_s=tmax)
    ours = [p.vertices for c in ax.collections for p in c.get_paths()]
    ref = [p.vertices for c in ref_ax.collections for p in c.get_paths()]
    assert len(ours) == len(ref) == args[0].shape[0]
    for a, b in zip(ours, ref):
        np.testing.assert_array_equal(a, b)
    assert [ln.get_xydata().tolist() for ln in ax.lines] == [ln.get_xydata().tolist() for ln in ref_ax.lines]
    assert ax.get_xlim() == ref_ax.get_xlim() and ax.get_ylim() == ref_ax.get_ylim()
    # one collection of many paths is drawn by Agg's path-collection routine, a one-path collection by draw_path:
    # the anti-aliasing of some edges differs by a grey level, nothing more
    new, old = _png(fig), _png(ref_fig)
    assert new.shape == old.shape
    d = np.abs(new - old).max(axis=2)
    assert (d > 0.25).mean() < 0.01 and d.mean() < 0.01
