"""Repeatability of the traveltime tomography: the same picks give the same tomogram in a fresh process and in
a Dask worker (real LocalCluster, worker process) that first ran another pyGIMLi inversion (an ERT inversion with
its own thread count), and again in that worker.

The picks are SYNTHETIC: pyGIMLi's shortest-path forward of a two-layer model with 1 % Gaussian noise (seed 11).
Before the inversion mesh was rounded to 1 nm, pyGIMLi's mesh builder gave node positions differing by ~1e-14 m
in about 1 of 15 builds inside one process, and the inversion then took a different chi2 path; the check below
asks for the same result to 1e-9 (relative), i.e. the same computation, in all three places.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

TOMO = """
import json, sys
import numpy as np
from geoexplore.seismic.io.sgt import TraveltimeData
from geoexplore.seismic.refraction.tomography import TomoSettings, forward_traveltimes, invert


def make_picks(path):
    x = np.arange(0.0, 41.0, 2.0)
    sensors = np.column_stack([x, 0.04 * x])
    pairs = [(i, j) for i in range(0, 21, 5) for j in range(21) if i != j]
    s, g = (np.array(v) for v in zip(*pairs))

    def vel(xx, yy):
        return np.where(np.interp(xx, x, sensors[:, 1]) - yy < 4.0, 500.0, 1800.0)

    t = forward_traveltimes(sensors, s, g, vel, depth_m=16.0, max_cell_area_m2=0.5, sec_nodes=4)
    err = 0.01 * t + 1e-4
    np.savez(path, sensors=sensors, s=s, g=g, t=t + err * np.random.default_rng(11).standard_normal(t.size), err=err)


def tomo(path):
    f = np.load(path)
    picks = TraveltimeData(f["sensors"], f["s"], f["g"], f["t"], f["err"])
    r = invert(picks, TomoSettings(v_top_m_s=400.0, v_bottom_m_s=2500.0, threads=2))
    return {"chi2_history": r.chi2_history, "lambda_history": r.summary()["lambda_history"],
            "stop_reason": r.stop_reason, "velocity": r.velocity_m_s.tolist()}
"""

ERT = """
def ert_inversion():
    '''Another pyGIMLi inversion in the same process: a small 2-layer ERT inversion with 1 thread set.'''
    import numpy as np
    from geoexplore.core.gimli import import_pygimli, set_threads

    pg = import_pygimli()
    from pygimli.physics import ert

    scheme = ert.createData(elecs=np.linspace(0.0, 30.0, 16), schemeName="dd")
    world = pg.meshtools.createWorld(start=[-20, 0], end=[50, -20], layers=[-4], worldMarker=True)
    for p in scheme.sensors():  # electrodes as mesh nodes, refined below them (pyGIMLi's ERT examples)
        world.createNode(p)
        world.createNode(p - [0, 0.1])
    mesh = pg.meshtools.createMesh(world, quality=33, area=2.0)
    data = ert.simulate(mesh, scheme=scheme, res=[[1, 100.0], [2, 20.0]], noiseLevel=2, noiseAbs=1e-6, seed=3)
    mgr = ert.ERTManager(verbose=False)
    set_threads(1, mgr.fop)
    mgr.invert(data, lam=20, maxIter=3, verbose=False)
    return float(mgr.inv.chi2())
"""


def _worker_runs(tmp_path: Path, picks: Path) -> list[dict]:
    from distributed import Client, LocalCluster

    src = tmp_path / "tomo_repeat_helpers.py"
    src.write_text(TOMO + ERT, encoding="utf-8")
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        client.upload_file(str(src))

        def run(name: str, *args: object) -> object:
            import tomo_repeat_helpers as h

            return getattr(h, name)(*args)

        chi2_ert = client.submit(run, "ert_inversion", pure=False).result()
        assert np.isfinite(chi2_ert)
        return [client.submit(run, "tomo", str(picks), pure=False).result() for _ in range(2)]


@pytest.mark.slow
def test_tomography_same_in_fresh_process_and_in_a_worker_after_ert(tmp_path):
    import geoexplore

    root = Path(geoexplore.__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    picks = tmp_path / "picks.npz"
    run = [sys.executable, "-c"]
    subprocess.run(run + [TOMO + f"\nmake_picks({str(picks)!r})\n"], check=True, cwd=tmp_path, env=env)
    out = subprocess.run(run + [TOMO + f"\nprint(json.dumps(tomo({str(picks)!r})))\n"], capture_output=True,
                         text=True, check=True, cwd=tmp_path, env=env)
    fresh = json.loads(out.stdout.strip().splitlines()[-1])
    assert fresh["stop_reason"] == "target" and abs(fresh["chi2_history"][-1] - 1.0) <= 0.2
    for other in _worker_runs(tmp_path, picks):
        assert other["stop_reason"] == fresh["stop_reason"]
        np.testing.assert_allclose(other["chi2_history"], fresh["chi2_history"], rtol=1e-9)
        np.testing.assert_allclose(other["lambda_history"], fresh["lambda_history"], rtol=1e-12)
        np.testing.assert_allclose(other["velocity"], fresh["velocity"], rtol=1e-9)
