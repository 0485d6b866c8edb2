"""The MT analysis/inversion figures draw from real results and carry the synthetic stamp."""

import numpy as np

from geoexplore.mt.analysis import rho_phase
from geoexplore.mt.forward1d import mt1d_tf
from geoexplore.mt.invert1d import data_from_tf, occam1d, result_dataset
from geoexplore.mt.phase_tensor import phase_tensor_dataset


def _stations():
    out = []
    for k, h in enumerate((500.0, 1000.0, 2000.0)):
        ds = mt1d_tf([100.0, 10.0, 1000.0], [h, 2000.0], np.logspace(-2, 2, 9), station=f"S{k}",
                     chainage_m=1000.0 * k, synthetic=1)
        ds["z_err"].values[...] = 0.02 * np.abs(ds["z"].values).max()
        out.append(ds)
    return out


def _texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_figures(tmp_path):
    from geoexplore.mt import plot

    tfs = _stations()
    pts = [phase_tensor_dataset(t, n_draws=20) for t in tfs]
    res = {"tf": tfs[0], "rho_phase": rho_phase(tfs[0]), "phase_tensor": pts[0]}
    plot.plot_station_result(res, tmp_path / "station.png")
    d = data_from_tf(tfs[1])
    r = result_dataset(occam1d(d, n_layers=20, max_iter=4), d, {"station": "S1", "synthetic": 1})
    fig = plot.plot_model1d(r)
    assert "SYNTHETIC DATA" in _texts(fig)
    plot.plot_pseudosection(tfs, tmp_path / "pseudo.png")
    for p, t in zip(pts, tfs):
        p.attrs["chainage_m"] = t.attrs["chainage_m"]
    fig = plot.plot_phase_tensor_pseudosection(pts, invariant="beta_deg")
    assert "SYNTHETIC DATA" in _texts(fig)
    for f in ("station.png", "pseudo.png"):
        assert (tmp_path / f).stat().st_size > 5000
