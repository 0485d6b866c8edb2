"""Fault sources from the Siping assessment (SYNTHETIC test images), the NRML export read by OpenQuake, moment balance."""

from __future__ import annotations

import json

import numpy as np
import pytest

from geoexplore.fault.hazard.logic import RateSettings, branches_for, rates_mc
from geoexplore.fault.hazard.mfd import moment_rate_nm_yr
from geoexplore.fault.hazard.sources import FaultSource, sources_from_candidates


@pytest.fixture(scope="module")
def siping_sources(siping_model, siping_assessment, rules):
    from geoexplore.fault.assess import to_datasets

    cands = to_datasets(siping_assessment)["candidates"]
    return sources_from_candidates(cands, siping_model, rules)


def test_sources_from_the_assessment(siping_sources, siping_model):
    srcs, skipped = siping_sources
    assert srcs, skipped
    for s in srcs:
        assert s.activity in ("holocene", "late_pleistocene")
        assert "model" in s.sources["length"] and "single line" in s.sources["length"]    # labelled fallback
        assert s.synthetic
        mf = next(f for f in siping_model.faults if s.name.startswith(f.name))
        assert s.length_km == mf.length_km
        # the trace is centred on the candidate and as long as the mapped fault
        from pyproj import Geod

        (lo0, la0), (lo1, la1) = s.trace_lonlat
        assert Geod(ellps="GRS80").inv(lo0, la0, lo1, la1)[2] / 1e3 == pytest.approx(mf.length_km, rel=0.01)
    assert all(":" in k for k in skipped)


def test_branch_moment_balance(siping_sources, rules):
    """Every branch's MFD carries mu A s of the median slip rate (issue 22: within 1 %)."""
    srcs, _ = siping_sources
    for s in srcs:
        want = moment_rate_nm_yr(s.slip_rate_mm_yr[1], s.length_km, s.width_km)
        brs = branches_for(s, rules)
        assert [b.weight for b in brs] == [0.25] * 4
        for b in brs:
            assert b.mfd.moment_rate() == pytest.approx(want, rel=0.01)
            assert b.mfd.max_mag == pytest.approx(b.mmax, abs=0.3)


def test_monte_carlo_rates_are_seeded_and_ordered(rules):
    src = FaultSource("T", "T", [(124.4, 43.2), (124.7, 43.4)], 70.0, -90.0, 0.0, 15.0, 40.0, (0.05, 0.1, 0.2))
    a = rates_mc(src, rules, RateSettings(n_samples=400))
    b = rates_mc(src, rules, RateSettings(n_samples=400))
    assert a == b
    for k in ("moment_rate_nm_yr", "rate_m_min", "rate_m6", "mmax"):
        p16, p50, p84 = a[k]
        assert p16 <= p50 <= p84
    # the median moment rate is mu A s at the median slip rate within the Monte Carlo scatter
    assert a["moment_rate_nm_yr"][1] == pytest.approx(moment_rate_nm_yr(0.1, 40.0, src.width_km), rel=0.15)


def test_nrml_export_loads_in_openquake_and_balances_moment(siping_sources, rules, tmp_path):
    """Every exported file is read by OpenQuake's own parsers; the MFD OpenQuake reads carries the slip-rate moment rate."""
    pytest.importorskip("openquake.hazardlib", reason="hazard extra not installed (pip install -e '.[hazard]')")
    from geoexplore.fault.hazard.psha import Site
    from geoexplore.fault.hazard.run import fault_hazard

    srcs, _ = siping_sources
    res = fault_hazard(srcs, rules, sites=[Site("Siping", 124.3506, 43.1668)], out_dir=tmp_path, compute_curves=False,
                       rate_settings=RateSettings(n_samples=200))
    names = sorted(p.name for p in res.exported)
    assert "job.ini" in names and "gmpe_logic_tree.xml" in names and "source_model_logic_tree.xml" in names
    assert res.validation["source_branches"] == 4 and res.validation["gmpe_branches"] == 3 and res.validation["job_ini"]
    from geoexplore.fault.hazard.nrml import validate_export

    parsed = validate_export(tmp_path)
    for fname, oq_sources in parsed["sources"].items():
        assert len(oq_sources) == len(srcs)
        for oqs in oq_sources:
            s = next(x for x in srcs if x.id == oqs.source_id)
            mags, rates = np.array(oqs.mfd.get_annual_occurrence_rates()).T
            mo = float(np.sum(rates * 10 ** (1.5 * mags + 9.05)))
            assert mo == pytest.approx(moment_rate_nm_yr(s.slip_rate_mm_yr[1], s.length_km, s.width_km), rel=0.01), fname
            assert oqs.dip == pytest.approx(s.dip_deg, abs=1e-3)
    assert parsed["oqparam"].investigation_time == 50.0


def test_step_result_round_trip(siping_model, siping_assessment, rules, tmp_path):
    """The step's Datasets store the table, the curves and the NRML texts; the figure function writes them out."""
    pytest.importorskip("openquake.hazardlib", reason="hazard extra not installed")
    from geoexplore.fault.assess import to_datasets
    from geoexplore.fault.hazard.steps import HazardSettings, run_hazard, write_outputs
    from geoexplore.fault.hazard.store import curves_from_dataset

    bundle = to_datasets(siping_assessment)
    out = run_hazard(bundle, siping_model, rules, HazardSettings(imts=["PGA"], n_levels=8, n_samples=200, survey_centre=False))
    assert set(out) == {"hazard_sources", "hazard_curves"}
    hc = curves_from_dataset(out["hazard_curves"])
    assert [s.name for s in hc.sites] == ["Siping city centre"]
    poe = hc.poe["Siping city centre"]["PGA"]
    assert np.all(np.diff(poe) <= 1e-12)
    rows = json.loads(out["hazard_curves"].attrs["poe_values_json"])
    assert {(r["poe"], r["years"]) for r in rows} == {(0.1, 50.0), (0.02, 50.0)}
    notes = json.loads(out["hazard_sources"].attrs["notes_json"])
    assert any("GB 18306" in n for n in notes)
    fig = tmp_path / "figures" / "fault-hazard.png"
    fig.parent.mkdir()
    write_outputs(out, fig)
    assert fig.stat().st_size > 10_000
    assert (tmp_path / "hazard" / "job.ini").is_file()


def test_sources_from_traces_use_the_traced_length(siping_model, rules):
    """Traces of four lines (ERT + refraction SYNTHETIC TEST IMAGES) become sources with the traced length and polyline."""
    from pyproj import Geod

    from geoexplore.core.dem import read_dem
    from geoexplore.core.faultmap import fault_map
    from geoexplore.fault.hazard.sources import sources_from_traces
    from geoexplore.fault.multiline import assess_line, candidates_on_map, trace_faults

    fmap = fault_map(siping_model)
    from pathlib import Path

    dem = read_dem(Path(siping_model.source).parent / "dem" / "siping-dem.tif")
    bundles = {ln: assess_line(fmap, ln, methods=("ert", "refraction")) for ln in ("S1", "shallow", "S3", "S4")}
    res = trace_faults(fmap, bundles, dem=dem)
    _, profiles = candidates_on_map(fmap, bundles)
    t3 = next(t for t in res.traces if t.activity_class == "late_pleistocene")
    # ERT and refraction date no horizon: without a given slip rate the trace is left out, and says why
    srcs, skipped = sources_from_traces(res.traces, profiles, rules, crs=profiles["shallow"].crs, synthetic=True)
    assert not srcs and any(s.startswith(f"{t3.id}:") and "slip rate" in s for s in skipped)
    # nor their rake (no offset horizon gives the sense of throw): the user states both
    srcs, skipped = sources_from_traces(res.traces, profiles, rules, crs=profiles["shallow"].crs, synthetic=True,
                                        slip_rates={t3.id: (0.04, 0.06, 0.09)})
    assert not srcs and any(s.startswith(f"{t3.id}:") and "rake" in s for s in skipped)
    srcs, _ = sources_from_traces(res.traces, profiles, rules, crs=profiles["shallow"].crs, synthetic=True,
                                  slip_rates={t3.id: (0.04, 0.06, 0.09)}, rakes={t3.id: -90.0})
    (s,) = srcs
    assert s.length_km == pytest.approx(t3.length_m / 1e3) and "traced over lines S1, shallow, S3, S4" in s.sources["length"]
    assert s.slip_rate_mm_yr == (0.04, 0.06, 0.09) and s.sources["slip_rate"] == "given by the user"
    assert len(s.trace_lonlat) == len(t3.polyline_xy)
    # the polyline runs along the trace's strike (or its reverse, by the right-hand rule)
    (lo0, la0), (lo1, la1) = s.trace_lonlat[0], s.trace_lonlat[-1]
    az = Geod(ellps="GRS80").inv(lo0, la0, lo1, la1)[0] % 180.0
    assert min(abs(az - t3.strike_deg % 180.0), 180 - abs(az - t3.strike_deg % 180.0)) < 5.0
    b = branches_for(s, rules)[0]
    assert b.mfd.moment_rate() == pytest.approx(moment_rate_nm_yr(0.06, s.length_km, s.width_km), rel=1e-9)
