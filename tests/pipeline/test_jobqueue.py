"""The job-queue section, tested as far as possible without a queue: the generated job scripts."""

import pytest

from geoexplore.core.errors import WorkflowError
from geoexplore.pipeline.runner import make_jobqueue_cluster, make_security
from geoexplore.pipeline.workflow import load_workflow

pytest.importorskip("dask_jobqueue")


def test_example_workflow_slurm_job_script(repo_root):
    wf = load_workflow(repo_root / "workflows" / "examples" / "slurm.yaml")
    cfg = dict(wf.cluster["jobqueue"], jobs=0)  # do not submit
    cluster = make_jobqueue_cluster(cfg)
    try:
        script = cluster.job_script()
    finally:
        cluster.close()
    assert "#SBATCH -p normal" in script
    assert "#SBATCH -A geophysics" in script
    assert "#SBATCH -t 02:00:00" in script
    assert "#SBATCH --constraint=intel" in script
    assert "--nworkers 8" in script and "--nthreads 1" in script
    assert "distributed.cli.dask_worker" in script or "dask worker" in script or "dask-worker" in script


def test_pbs_job_script():
    cluster = make_jobqueue_cluster({"system": "pbs", "jobs": 0, "cores": 4, "memory": "16GB", "walltime": "01:00:00", "queue": "workq"})
    try:
        script = cluster.job_script()
    finally:
        cluster.close()
    assert "#PBS -q workq" in script and "#PBS -l walltime=01:00:00" in script


def test_bad_jobqueue_sections():
    with pytest.raises(WorkflowError, match="unknown 'condor'"):
        make_jobqueue_cluster({"system": "condor"})
    with pytest.raises(WorkflowError, match="cluster.jobqueue"):
        make_jobqueue_cluster({"system": "slurm", "jobs": 0, "no_such_option": 1})


def test_tls_security_settings(tmp_path):
    assert make_security(None) is None
    with pytest.raises(WorkflowError, match="unknown keys"):
        make_security({"ca": "x"})
    sec = make_security({"ca_file": str(tmp_path / "ca.pem"), "cert": str(tmp_path / "c.pem"), "key": str(tmp_path / "k.pem")})
    assert sec.require_encryption
    assert sec.tls_ca_file.endswith("ca.pem") and sec.tls_client_cert.endswith("c.pem")
