"""Fixtures of the report tests: an assessment bundle of the Siping SYNTHETIC TEST IMAGES."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def bundle(siping_model):
    from geoexplore.fault.rules import load_rules
    from geoexplore.fault.steps import AssessSettings, run_assessment
    from geoexplore.fault.synth import test_images

    ims = test_images(siping_model)
    return run_assessment(ims, {m: "test image" for m in ims}, siping_model, AssessSettings(thumbnail_cells=150), load_rules(), line="shallow")
