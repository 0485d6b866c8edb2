"""pyGIMLi containment: no process-wide side effects, a positive thread count, zero-Jacobian detection."""

import locale
import logging
import subprocess
import sys

import numpy as np
import pytest

from geoexplore.core.errors import GeoexploreError


def test_import_geoexplore_is_light_and_clean():
    code = (
        "import logging, sys, time, locale, warnings\n"
        "import matplotlib\n"  # imported first, so a global change of its settings by geoexplore would show
        "raw = lambda: dict(dict.items(matplotlib.rcParams))  # not rcParams[...]: reading the backend imports pyplot\n"
        "rc = raw(); loc = locale.setlocale(locale.LC_ALL); filters = list(warnings.filters)\n"
        "t = time.perf_counter(); import geoexplore, geoexplore.cli; dt = time.perf_counter() - t\n"
        "heavy = [m for m in ('pygimli', 'simpeg', 'mtpy', 'obspy', 'matplotlib.pyplot', 'dask', 'distributed', 'scipy', 'xarray', 'loguru') if m in sys.modules]\n"
        "print(dt); print(heavy); print(logging.getLogger().handlers); print(logging.getLogger('geoexplore').handlers)\n"
        "print(raw() == rc, locale.setlocale(locale.LC_ALL) == loc, list(warnings.filters) == filters)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    assert float(out[0]) < 1.0, f"import took {out[0]} s"
    assert out[1] == "[]", f"heavy modules imported eagerly: {out[1]}"
    assert out[2] == "[]"  # no handler on the root logger
    assert "NullHandler" in out[3]
    assert out[4] == "True True True", "import changed matplotlib's rcParams, the locale or the warning filters: " + out[4]


def test_import_pygimli_contained():
    code = (
        "import locale, logging\n"
        "locale.setlocale(locale.LC_NUMERIC, 'C.UTF-8')\n"
        "before = locale.setlocale(locale.LC_NUMERIC)\n"
        "from geoexplore.core.gimli import import_pygimli\n"
        "pg = import_pygimli()\n"
        "print(before == locale.setlocale(locale.LC_NUMERIC), logging.getLogger().handlers, pg.core.threadCount())\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    same, handlers, threads = r.stdout.split(" ", 1)[0], r.stdout.split(" ", 1)[1].rsplit(" ", 1)[0], r.stdout.split()[-1]
    assert same == "True"
    assert handlers == "[]"
    assert int(threads) >= 1
    assert "fatal" not in r.stderr  # no git run in the surrounding repository


def test_thread_trap_detected_and_fixed():
    """With the thread count at 0 (the 2-CPU default) a pyGIMLi Jacobian is all zeros; we catch and fix it."""
    from geoexplore.core.gimli import check_jacobian, import_pygimli, set_threads

    pg = import_pygimli()
    from pygimli.physics import ert

    scheme = ert.createData(elecs=np.linspace(0, 20, 11), schemeName="dd")
    mesh = pg.meshtools.createParaMesh(scheme, paraMaxCellSize=5, quality=33)
    fop = ert.ERTModelling()
    fop.setData(scheme)
    fop.setMesh(mesh)
    model = pg.Vector(fop.paraDomain.cellCount(), 100.0)
    pg.core.setThreadCount(0)
    try:
        fop.setThreadCount(0)
        fop.createJacobian(model)
        J0 = fop.jacobian()
        if np.any(np.asarray(pg.utils.gmat2numpy(J0)) if hasattr(pg.utils, "gmat2numpy") else [J0.row(i) for i in range(J0.rows())]):
            pytest.skip("this pyGIMLi build does not show the zero-thread trap")
        with pytest.raises(GeoexploreError, match="Jacobian is all zeros"):
            check_jacobian(J0)
    finally:
        n = set_threads(None, fop)
    assert n >= 1
    fop.createJacobian(model)
    check_jacobian(fop.jacobian())  # no error once the thread count is set
