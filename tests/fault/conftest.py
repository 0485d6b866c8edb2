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
