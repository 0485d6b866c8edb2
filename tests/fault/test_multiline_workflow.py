"""workflows/siping-multiline.yaml end to end on a local Dask cluster (slow: about 1.5 min on 2 cores).

Four lines assessed as separate tasks (one store result per line), traces scored against
data/siping/model.yaml, the trace report, map and GeoPackages written. SYNTHETIC TEST IMAGES (labelled).
"""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.cluster]


def test_multiline_workflow(repo_root, tmp_path, siping_model):
    import geopandas as gpd

    from geoexplore.core.faultmap import fault_map
    from geoexplore.core.store import ProjectStore
    from geoexplore.fault.tracestore import traces_from_dataset
    from geoexplore.pipeline.runner import run_workflow

    out = tmp_path / "run"
    rep = run_workflow(repo_root / "workflows" / "siping-multiline.yaml", out, n_workers=2, progress=lambda s: None)
    assert rep.ok
    st = ProjectStore(out / "project.h5")
    keys = st.keys()
    for ln in ("S1", "shallow", "S3", "S4"):
        assert any(k.endswith(f"line-fault/{ln}") for k in keys), keys
    res = traces_from_dataset(st.read(next(k for k in keys if k.endswith("/traces")))["traces"])["result"]
    fm = fault_map(siping_model)
    faults = sorted({m.model_fault for t in res.traces for m in t.members})
    assert faults == ["F2", "F3"] and len(res.traces) == 2
    for t in res.traces:
        f = t.members[0].model_fault
        assert all(m.model_fault == f for m in t.members)
        assert max(abs(m.chainage_m - fm.trace_chainage(f, fm.lines[m.line].s_m)) for m in t.members) <= 30.0
    rd = out / "report"
    for name in ("fault-map-en.png", "fault-map-zh.png", "traces-en.html", "traces-zh.docx"):
        assert (rd / name).stat().st_size > 1000
    g = gpd.read_file(rd / "fault_traces_wgs84.gpkg", layer="traces")
    assert g.crs.to_epsg() == 4326 and len(g) == 2
