"""Shared fixtures: the real field files in ../shared/data, the embedded Siping data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def shared_data_dir() -> Path:
    return Path(os.environ.get("GEOEXPLORE_SHARED_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of real field files (../shared/data, or $GEOEXPLORE_SHARED_DATA); skip if absent."""
    d = shared_data_dir()
    if not d.is_dir():
        pytest.skip(f"real field data folder not found at {d} (set GEOEXPLORE_SHARED_DATA)")
    return d


@pytest.fixture(scope="session")
def shared_data_path() -> Path:
    """Where the real field files would be (may not exist: for tests that also run without them)."""
    return shared_data_dir()


@pytest.fixture(scope="session")
def siping_dir() -> Path:
    """The embedded synthetic Siping survey (data/siping)."""
    return ROOT / "data" / "siping"


@pytest.fixture(scope="session")
def siping_model():
    from geoexplore.core.geomodel import load_model

    return load_model(ROOT / "data" / "siping" / "model.yaml")


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT
