"""Typed settings: unknown keys with suggestions, type errors naming key and source."""

import pytest
from pydantic import Field

from geoexplore.core.errors import SettingsError
from geoexplore.pipeline.settings import Settings


class Hv(Settings):
    window_length_s: float = Field(60.0, gt=0)
    bandwidth_b: float = 40.0
    combine: str = "geometric_mean"


def test_defaults_and_json_round_trip():
    s = Hv.from_mapping({"window_length_s": 30})
    assert s.window_length_s == 30.0
    assert Hv.from_json(s.to_json()) == s
    assert s.to_json() == '{"bandwidth_b": 40.0, "combine": "geometric_mean", "window_length_s": 30.0}'


def test_unknown_key_suggests():
    with pytest.raises(SettingsError, match=r"wf.yaml: steps\[2\]: Hv: unknown setting 'bandwith_b' \(did you mean 'bandwidth_b'\?\); valid: window_length_s, bandwidth_b, combine"):
        Hv.from_mapping({"bandwith_b": 30}, source="wf.yaml: steps[2]")


def test_wrong_type_and_range():
    with pytest.raises(SettingsError, match=r"'window_length_s'.*got 'long'"):
        Hv.from_mapping({"window_length_s": "long"})
    with pytest.raises(SettingsError, match=r"'window_length_s': Input should be greater than 0"):
        Hv.from_mapping({"window_length_s": -1})


def test_frozen():
    s = Hv()
    with pytest.raises(Exception):
        s.window_length_s = 3  # type: ignore[misc]
