"""Issue 23: the unit of SEG-2 location strings (UNITS) from the CLI (``seismic pick --coordinate-unit``) and the workflow
(``refraction.pick`` setting ``coordinate_unit``); a file without UNITS and no given unit is still refused, naming UNITS.

Real file: wghs-shot1.seg2 (states UNITS METERS); its copy with the UNITS string renamed has locations of unknown unit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geoexplore.cli import main
from geoexplore.core.errors import GeoexploreError
from geoexplore.seismic import io


@pytest.fixture(scope="module")
def files(shared_data, tmp_path_factory):
    ref = shared_data / "seismic" / "wghs-shot1.seg2"
    raw = ref.read_bytes()
    assert raw.count(b"UNITS METERS") == 1
    d = tmp_path_factory.mktemp("seg2units")
    none = d / "nounits.seg2"
    none.write_bytes(raw.replace(b"UNITS METERS", b"NOTES METERS"))  # same length: no UNITS string any more
    return ref, none


def test_cli_pick_refuses_without_the_unit_and_reads_it_when_given(files, tmp_path, capsys) -> None:
    ref, none = files
    assert main(["seismic", "pick", str(none), "--out", str(tmp_path / "a")]) == 1
    assert "UNITS" in capsys.readouterr().err
    assert main(["seismic", "pick", str(none), "--out", str(tmp_path / "b"), "--coordinate-unit", "m"]) == 0
    assert main(["seismic", "pick", str(ref), "--out", str(tmp_path / "c")]) == 0
    given, stated = pd.read_csv(tmp_path / "b" / "picks.csv"), pd.read_csv(tmp_path / "c" / "picks.csv")
    for k in ("source_x_m", "receiver_x_m"):  # the given unit reproduces the file that states METERS
        np.testing.assert_array_equal(given[k].values, stated[k].values)
    capsys.readouterr()
    # a unit that contradicts the file's UNITS is refused, naming the file
    assert main(["seismic", "pick", str(ref), "--out", str(tmp_path / "d"), "--coordinate-unit", "ft"]) == 1
    assert "contradicts" in capsys.readouterr().err


def test_workflow_step_setting(files) -> None:
    from geoexplore.pipeline.step import StepContext, get_step

    ref, none = files
    spec = get_step("refraction.pick")

    def run(path, **settings):
        ctx = StepContext(step_id="pick", item=path.stem, item_value=path, input_dir=path.parent)
        return spec(ctx, spec.settings.from_mapping(settings))

    with pytest.raises(GeoexploreError, match="UNITS"):
        run(none)
    a, b = run(none, coordinate_unit="ft"), run(ref)
    np.testing.assert_allclose(a["receiver_x_m"].values, b["receiver_x_m"].values * 0.3048, rtol=1e-12)


def test_coordinate_unit_is_for_seg2_only(shared_data) -> None:
    with pytest.raises(GeoexploreError, match="SEG-2 location strings.*segy"):
        io.read(shared_data / "seismic" / "f3.sgy", coordinate_unit="m")


def test_reflection_header_geometry_from_seg2_without_units(shared_data, tmp_path) -> None:
    """The reflection flow's header geometry: a SEG-2 shot without UNITS is refused naming UNITS; with the unit given
    (coordinate_units, CLI --coordinate-units, GathersSettings.coordinate_units) it equals the file that states METERS."""
    from geoexplore.seismic.reflection import flow

    ref = shared_data / "seismic" / "wghs-shot10.seg2"
    raw = ref.read_bytes()
    assert raw.count(b"UNITS METERS") == 1
    none = tmp_path / "nounits.seg2"
    none.write_bytes(raw.replace(b"UNITS METERS", b"NOTES METERS"))
    with pytest.raises(GeoexploreError, match="states no UNITS"):
        flow.load_shots([none], None, None, None)
    a, b = flow.load_shots([ref], None, None, None), flow.load_shots([none], None, None, None, coordinate_units="m")
    for k in ("offset_m", "receiver_chainage_m", "data"):
        np.testing.assert_array_equal(a[k].values, b[k].values)
