"""The TLS recipe of docs/clusters.md, for real: a `dask scheduler` and a `dask worker` started with
the documented --tls-* options, and geoexplore connecting through a workflow's `cluster.security`
(paths relative to the workflow file) or the `--tls-*` options of `geoexplore run`; a client with
another CA is refused with one clear line."""

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


def _self_signed(d: Path, stem: str) -> None:
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(d / f"{stem}key.pem"),
                    "-out", str(d / f"{stem}cert.pem"), "-days", "1", "-subj", f"/CN=geoexplore-test{stem}"],
                   check=True, capture_output=True)


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    """cert.pem/key.pem: the cluster's certificate (its own CA); other-cert.pem/other-key.pem: another CA's."""
    if not shutil.which("openssl"):
        pytest.skip("openssl is needed to make a test certificate")
    d = tmp_path_factory.mktemp("tls")
    _self_signed(d, "")
    _self_signed(d, "other-")
    return d


def test_tls_scheduler_as_documented(certs, tmp_path, capsys):
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
        with pytest.raises(WorkflowError, match="cannot connect to the Dask scheduler .*needs cluster.security in the workflow or --tls-ca-file"):
            with open_client(scheduler=address):
                pass
        _run_through_tls(certs, tmp_path, address, capsys)
    finally:
        for p in procs:
            _stop(p)


def test_security_section_is_validated():
    with pytest.raises(WorkflowError, match="unknown keys \\['ca'\\]"):
        make_security({"ca": "x.pem"})
    assert make_security(None) is None


WORKFLOW = """\
workflow: tls
input_dir: input
line: shallow
SECURITY
steps:
  - id: model
    step: model.build
  - id: section
    step: model.section
    foreach: {items: [mt, shallow]}
    inputs: {model: model}
    settings: {n_chainage: 101, n_depth: 51}
"""


def _run_through_tls(certs: Path, tmp: Path, address: str, capsys) -> None:
    """`geoexplore run --scheduler tls://...` end to end: certificates from the workflow, then from --tls-* options."""
    from geoexplore.cli import main
    from geoexplore.core.store import ProjectStore

    root = Path(__file__).resolve().parents[2]
    (tmp / "input").mkdir()
    shutil.copy(root / "data" / "siping" / "model.yaml", tmp / "input" / "model.yaml")
    shutil.copytree(certs, tmp / "certs")  # next to the workflow: cluster.security paths are relative to it
    wf = tmp / "wf.yaml"
    wf.write_text(WORKFLOW.replace("SECURITY", "cluster:\n  security: {ca_file: certs/cert.pem, cert: certs/cert.pem, key: certs/key.pem}"))
    r = subprocess.run([str(BIN / "geoexplore"), "run", str(wf), "--out", str(tmp / "out"), "--scheduler", address, "--no-figures"],
                       capture_output=True, text=True, timeout=300, cwd=str(root / "docs"))  # another working directory
    assert r.returncode == 0, r.stdout + r.stderr
    run = json.loads((tmp / "out" / "run.json").read_text())
    assert run["scheduler"] == address and run["counts"] == {"done": 3}
    digests = ProjectStore(tmp / "out" / "project.h5").digests()
    # the same through the command-line options, on a workflow without a security section
    bare = tmp / "bare.yaml"
    bare.write_text(WORKFLOW.replace("SECURITY\n", ""))
    tls = ["--tls-ca-file", str(certs / "cert.pem"), "--tls-cert", str(certs / "cert.pem"), "--tls-key", str(certs / "key.pem")]
    assert main(["run", str(bare), "--out", str(tmp / "out2"), "--scheduler", address, "--no-figures", *tls]) == 0
    assert ProjectStore(tmp / "out2" / "project.h5").digests() == digests
    capsys.readouterr()
    # a client trusting another CA (and showing that CA's certificate): refused, one line; --tls-* override the workflow
    other = ["--tls-ca-file", str(certs / "other-cert.pem"), "--tls-cert", str(certs / "other-cert.pem"),
             "--tls-key", str(certs / "other-key.pem")]
    assert main(["run", str(wf), "--out", str(tmp / "out3"), "--scheduler", address, "--no-figures", *other]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"geoexplore: cannot connect to the Dask scheduler at {address}: "), err
    assert "TLS" in err and "certificate" in err
    assert not (tmp / "out3" / "project.h5").exists()
