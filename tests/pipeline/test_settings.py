"""Typed settings: unknown keys with suggestions, type errors naming key and source."""

import pytest
from pydantic import Field

from geoexplore.core.errors import SettingsError
from geoexplore.core.settings import Settings


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


def test_path_settings_are_declared_and_their_files_hashed(tmp_path):
    """InputFile / InputGlob settings: the runner hashes the files they name, match or list (sha256 of the bytes)."""
    import hashlib
    from typing import Annotated

    from geoexplore.core.settings import InputFile, InputGlob, InputPath
    from geoexplore.pipeline.runner import settings_file_digests

    class Reads(Settings):
        model_file: InputFile = "model.yaml"
        picks_file: InputFile | None = None
        shots_glob: InputGlob = "shots/*.sg2"
        array_file: Annotated[str, InputPath("file", lists="file")] = "array/array.csv"
        n: int = 3

    assert set(Reads.path_fields()) == {"model_file", "picks_file", "shots_glob", "array_file"}
    (tmp_path / "shots").mkdir()
    (tmp_path / "array").mkdir()
    files = {"model.yaml": b"dip_deg: 70\n", "shots/1.sg2": b"\x01", "shots/2.sg2": b"\x02",
             "array/array.csv": b"station,file\nA,a.mseed\nB,b.mseed\n", "array/a.mseed": b"a", "array/b.mseed": b"b"}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    sha = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    d = settings_file_digests(Reads(), tmp_path)
    assert d == {
        "model_file": sha["model.yaml"],
        "shots_glob": {"shots/1.sg2": sha["shots/1.sg2"], "shots/2.sg2": sha["shots/2.sg2"]},
        "array_file": {"file": sha["array/array.csv"], "lists": {"array/a.mseed": sha["array/a.mseed"], "array/b.mseed": sha["array/b.mseed"]}},
    }
    (tmp_path / "array" / "b.mseed").write_bytes(b"changed")  # a record the table lists
    (tmp_path / "shots" / "3.sg2").write_bytes(b"\x03")  # one more shot matches
    d2 = settings_file_digests(Reads(picks_file="nowhere.csv"), tmp_path)
    assert d2["array_file"]["lists"]["array/b.mseed"] != sha["array/b.mseed"]
    assert len(d2["shots_glob"]) == 3 and d2["picks_file"] == "missing"
    assert d2["model_file"] == d["model_file"]
    (tmp_path / "inside").mkdir()
    d3 = settings_file_digests(Reads(model_file="../model.yaml"), tmp_path / "inside")  # leaves the input directory
    assert d3["model_file"] == "outside the input directory"  # not read (the step refuses the path)
    assert settings_file_digests(Reads(model_file=str(tmp_path / "model.yaml")), tmp_path / "inside")["model_file"] == sha["model.yaml"]


def test_settings_must_be_a_mapping():
    with pytest.raises(SettingsError, match=r"wf.yaml: steps\[0\].settings: Hv: settings must be a mapping of names to values, got list \[1, 2\]"):
        Hv.from_mapping([1, 2], source="wf.yaml: steps[0].settings")  # type: ignore[arg-type]


def test_every_file_setting_of_the_registered_steps_is_typed():
    """A setting named like a path (..._file, ..._glob, ..._path, ..._dir) must be InputFile/InputGlob, or --resume
    would not see its file change (the audit found model.build's model_file reused after model.yaml changed)."""
    from geoexplore.pipeline.step import all_steps

    untyped = [f"{name}.{field}" for name, spec in all_steps().items() for field in spec.settings.model_fields
               if field.endswith(("_file", "_glob", "_path", "_dir")) and field not in spec.settings.path_fields()]
    assert not untyped, f"settings naming files but not typed InputFile/InputGlob: {untyped}"
    assert all_steps()["model.build"].settings.path_fields()["model_file"].kind == "file"
    assert all_steps()["seismic.reflection_gathers"].settings.path_fields()["shots_glob"].kind == "glob"
