"""Fixtures of the fault tests: rules and SYNTHETIC TEST IMAGES of the Siping model (computed once)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def rules():
    from geoexplore.fault.rules import load_rules

    return load_rules()


@pytest.fixture(scope="session")
def test_images(siping_model):
    from geoexplore.fault.synth import test_images

    return test_images(siping_model)


@pytest.fixture(scope="session")
def siping_assessment(siping_model, test_images, rules):
    from geoexplore.fault.assess import assess

    return assess(test_images, model=siping_model, rules=rules)


@pytest.fixture(scope="session")
def line_bundles(siping_model, siping_dir, rules):
    """(fault map, single-line assessments of the four Siping lines from ERT + refraction SYNTHETIC TEST IMAGES,
    DEM): the inputs of the trace tests, computed once. Tests that change a bundle copy it first."""
    from geoexplore.core.dem import read_dem
    from geoexplore.core.faultmap import fault_map
    from geoexplore.fault.multiline import assess_line

    fm = fault_map(siping_model)
    bundles = {ln: assess_line(fm, ln, methods=("ert", "refraction"), rules=rules) for ln in ("S1", "shallow", "S3", "S4")}
    return fm, bundles, read_dem(siping_dir / "dem" / "siping-dem.tif")
