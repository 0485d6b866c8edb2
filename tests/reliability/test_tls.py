"""The TLS recipe of docs/clusters.md, for real: a `dask scheduler` and a `dask worker` started with
the documented --tls-* options, and geoexplore connecting through a workflow's `cluster.security`."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from geoexplore.core.errors import WorkflowError
from geoexplore.pipeline.runner import make_security, open_client

pytestmark = pytest.mark.cluster
BIN = Path(sys.executable).parent


def _spawn(args: list[str]) -> subprocess.Popen:
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def _stop(p: subprocess.Popen) -> None:
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    p.wait(timeout=30)


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    if not shutil.which("openssl"):
        pytest.skip("openssl is needed to make a test certificate")
    d = tmp_path_factory.mktemp("tls")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(d / "key.pem"),
                    "-out", str(d / "cert.pem"), "-days", "1", "-subj", "/CN=geoexplore-test"],
                   check=True, capture_output=True)
    return d


def test_tls_scheduler_as_documented(certs, tmp_path):
    tls = ["--tls-ca-file", str(certs / "cert.pem"), "--tls-cert", str(certs / "cert.pem"), "--tls-key", str(certs / "key.pem")]
    sched_file = tmp_path / "scheduler.json"
    procs = [_spawn([str(BIN / "dask"), "scheduler", "--protocol", "tls", "--host", "127.0.0.1", "--port", "0",
                     "--no-dashboard", "--scheduler-file", str(sched_file), *tls])]
    try:
        t0 = time.time()
        while not sched_file.exists() and time.time() - t0 < 120:
            time.sleep(0.2)
        address = json.loads(sched_file.read_text())["address"]
        assert address.startswith("tls://127.0.0.1:")
        procs.append(_spawn([str(BIN / "dask"), "worker", address, "--nthreads", "1", "--host", "127.0.0.1",
                             "--no-dashboard", *tls]))
        # the workflow's cluster.security section, as in docs/clusters.md
        security = {"ca_file": str(certs / "cert.pem"), "cert": str(certs / "cert.pem"), "key": str(certs / "key.pem"),
                    "require_encryption": True}
        with open_client(scheduler=address, cluster_config={"security": security}) as c:
            c.wait_for_workers(1, timeout=120)
            assert c.submit(sum, [1, 2, 3], pure=False).result(timeout=120) == 6
            assert all(w.startswith("tls://") for w in c.scheduler_info()["workers"])
        # without the security section the scheduler cannot be reached: a clear error, not a hang
        with pytest.raises(WorkflowError, match="cannot connect to the Dask scheduler .*needs the workflow.s cluster.security"):
            with open_client(scheduler=address):
                pass
    finally:
        for p in procs:
            _stop(p)


def test_security_section_is_validated():
    with pytest.raises(WorkflowError, match="unknown keys \\['ca'\\]"):
        make_security({"ca": "x.pem"})
    assert make_security(None) is None
