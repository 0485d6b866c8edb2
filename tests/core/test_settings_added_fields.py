"""Settings added after results were stored keep old run keys while at their default."""

import json

from geoexplore.core.settings import Settings, added_field


class Old(Settings):
    width_m: float = 1.0


class New(Settings):
    width_m: float = 1.0
    taper: bool = added_field(False, added_in="0.2", description="taper the edges")


def test_added_field_at_default_leaves_the_stored_json_unchanged():
    assert New().to_json() == Old().to_json()
    assert New.from_json(Old().to_json()) == New()


def test_added_field_set_is_stored_and_read_back():
    s = New(taper=True)
    assert json.loads(s.to_json()) == {"taper": True, "width_m": 1.0}
    assert New.from_json(s.to_json()) == s
    assert New.model_fields["taper"].description == "taper the edges"
