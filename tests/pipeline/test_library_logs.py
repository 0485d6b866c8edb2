"""SimPEG's and pyGIMLi's log records stay off the terminal of a run (issue 25: "INFO: Directive TargetMisfit ...").

Each check runs in a fresh interpreter (the libraries attach their handlers at import) and reads what it wrote
to stdout and stderr.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

LIBRARY_LINES = textwrap.dedent("""
    import logging, sys
    if "route" in sys.argv:
        from geoexplore.pipeline.capture import route_library_logs
        route_library_logs()
    if "verbose" in sys.argv:
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
        logging.getLogger("geoexplore").setLevel(logging.INFO)
    from simpeg.utils import get_logger
    get_logger().info("Directive TargetMisfit: Target data misfit is 36.0")
    from geoexplore.core.gimli import import_pygimli
    pg = import_pygimli()
    pg.warn("a pyGIMLi warning")
    pg.info("a pyGIMLi info")
""")


def _run(args: list[str], timeout: float = 600.0) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(args, capture_output=True, text=True, env=env, timeout=timeout, cwd=ROOT)


def test_simpeg_and_pygimli_records_routed_to_the_log():
    pytest.importorskip("simpeg")
    pytest.importorskip("pygimli")
    plain = _run([sys.executable, "-c", LIBRARY_LINES])
    assert plain.returncode == 0, plain.stderr
    # without the routing, both libraries reach stderr (what the demo showed)
    assert "Directive TargetMisfit" in plain.stderr and "a pyGIMLi warning" in plain.stderr

    routed = _run([sys.executable, "-c", LIBRARY_LINES, "route"])
    assert routed.returncode == 0, routed.stderr
    assert routed.stdout == "" and routed.stderr == ""

    verbose = _run([sys.executable, "-c", LIBRARY_LINES, "route", "verbose"])
    assert verbose.returncode == 0, verbose.stderr
    assert "INFO geoexplore.thirdparty: SimPEG: Directive TargetMisfit: Target data misfit is 36.0" in verbose.stderr
    assert "INFO geoexplore.thirdparty: pyGIMLi: a pyGIMLi warning" in verbose.stderr
    assert verbose.stdout == ""


LEAN_MT2D = """
workflow: library-logs
input_dir: {siping}
line: shallow
steps:
  - id: mt-analyse
    step: mt.analyse
    foreach: {{glob: "mt/edi/SP1[024].edi"}}
    line: mt
    settings: {{error_draws: 5}}
  - id: mt
    step: mt.invert2d
    line: mt
    inputs: {{stations: mt-analyse}}
    settings: {{station_step: 1, per_decade: 0.5, period_min_s: 0.1, period_max_s: 100.0, max_iter: 1, warm_start: false,
               dx_m: 1000.0, core_depth_m: 6000.0, cg_maxiter: 2, distribute: "off"}}
"""


@pytest.mark.slow
def test_mt_invert2d_run_prints_nothing_from_simpeg(tmp_path, siping_dir):
    """A real run of the 2D MT inversion (one Gauss-Newton step, SYNTHETIC Siping EDIs) through the CLI on a worker."""
    pytest.importorskip("simpeg")
    wf = tmp_path / "wf.yaml"
    wf.write_text(LEAN_MT2D.format(siping=siping_dir))
    out = _run([sys.executable, "-m", "geoexplore.cli", "run", str(wf), "--out", str(tmp_path / "out"), "--workers", "1"])
    assert out.returncode == 0, out.stdout + out.stderr
    assert "mt (mt.invert2d): finished" in out.stdout and "1 done" in out.stdout
    for stream in (out.stdout, out.stderr):
        assert "INFO:" not in stream and "Directive" not in stream and "SimPEG" not in stream
    assert out.stderr == ""
