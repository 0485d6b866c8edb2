"""The geological model: properties at known points, fault offsets as specified, validation."""

import copy

import numpy as np
import pytest
import yaml

from geoexplore.core.errors import ModelError
from geoexplore.core.geomodel import load_model, model_from_dict


@pytest.fixture()
def raw(repo_root):
    return yaml.safe_load((repo_root / "data" / "siping" / "model.yaml").read_text())


def test_siping_model_loads_and_is_synthetic(siping_model):
    m = siping_model
    assert m.synthetic
    assert [f.name for f in m.faults] == ["F1", "F2", "F3"]
    assert m.unit_names[0] == "Q4" and m.unit_names[-1] == "Bsm"
    assert set(m.lines) == {"mt", "shallow"}


def test_properties_at_known_points(siping_model):
    m = siping_model
    # graben centre, 5 m: Holocene silt; 30 m: late Pleistocene gravel (base of Q3u at 26 m in the graben)
    assert m.sample("vs_m_s", 15000.0, 5.0) == 170.0
    assert m.sample("resistivity_ohm_m", 15000.0, 30.0) == 150.0
    # graben centre 2 km: Paleogene fill (base at 2800 m); 3 km: basement
    assert m.sample("resistivity_ohm_m", 15000.0, 2000.0) == 6.0
    assert m.sample("resistivity_ohm_m", 15000.0, 3000.0) == 2000.0
    # SE shoulder: basement at 500 m
    assert m.sample("vp_m_s", 26000.0, 600.0) == 5600.0
    # above ground: NaN
    assert np.isnan(m.sample("vp_m_s", 15000.0, -1.0))


def test_fault_offsets_as_specified(siping_model):
    m = siping_model
    # F3 dips 70 deg towards decreasing chainage from 22400 m: at depth z the plane is at 22400 - z/tan(70)
    f3 = m.fault("F3")
    assert f3.position(100.0) == pytest.approx(22400 - 100 / np.tan(np.deg2rad(70)))
    # base of Q3u: 26 m in the hanging wall (step block), 23 m in the footwall (SE shoulder): throw 3 m
    plane_26 = f3.position(26.0)
    d_hw = m.interface_depth("Q3u", plane_26 - 20)
    d_fw = m.interface_depth("Q3u", plane_26 + 20)
    assert d_hw == pytest.approx(26.0) and d_fw == pytest.approx(23.0)
    # the Holocene base is not offset by F3 (tip at 15 m)
    np.testing.assert_allclose(m.interface_depth("Q4", [22300.0, 22500.0]), [12.0, 12.0])
    throws = {r["unit"]: r["throw_m"] for r in m.throws("F3")}
    assert throws["Q4"] == 0 and throws["Q3u"] == 3 and throws["E"] == 1000
    assert m.youngest_offset_unit("F3").name == "Q3u"
    assert m.youngest_offset_unit("F2").name == "N2"
    # throws grow with depth
    t = [r["throw_m"] for r in m.throws("F2")]
    assert all(b >= a for a, b in zip(t, t[1:]))


def test_damage_zone(siping_model):
    m = siping_model
    f3 = m.fault("F3")
    x = float(f3.position(60.0))
    # inside the 40 m damage zone below the tip: resistivity x 0.3 and velocity x 0.7 of the host unit
    host = m.sample("resistivity_ohm_m", x + 100, 60.0, damage=False)
    assert m.sample("resistivity_ohm_m", x, 60.0) == pytest.approx(0.3 * m.sample("resistivity_ohm_m", x, 60.0, damage=False))
    assert m.sample("vp_m_s", x + 30, 60.0) == m.sample("vp_m_s", x + 30, 60.0, damage=False)
    assert host > 0
    # above the tip there is no damage
    assert m.sample("vp_m_s", 22400.0, 5.0) == 1000.0


def test_column_matches_blocks(siping_model):
    col = siping_model.column(15000.0, max_depth_m=4000.0, dz_m=1.0)
    # graben column: bases at 12, 26, 44, 115, 180, 420, 2800
    tops = col["top_m"]
    np.testing.assert_allclose(tops[:8], [0, 12, 26, 44, 115, 180, 420, 2800], atol=1.0)
    assert col["thickness_m"][-1] == 0.0
    np.testing.assert_array_equal(col["vs_m_s"][:3], [170, 280, 380])


def test_section_dataset(siping_model):
    ds = siping_model.section(np.linspace(21000, 23000, 11), np.linspace(0, 400, 5))
    assert ds["vp_m_s"].dims == ("depth_m", "chainage_m")
    assert ds.attrs["synthetic"] == 1


def test_validation_errors(raw):
    bad = copy.deepcopy(raw)
    bad["blocks"]["rows"]["SE-shoulder"][0] = 11  # Holocene base offset across F3 above its tip
    with pytest.raises(ModelError, match="F3: offsets the base of Q4"):
        model_from_dict(bad)
    bad = copy.deepcopy(raw)
    bad["units"][1]["age_top_ka"] = 5.0  # overlaps Q4 (0-11.7 ka)
    with pytest.raises(ModelError, match="overlap"):
        model_from_dict(bad)
    bad = copy.deepcopy(raw)
    bad["units"][0]["vs_m_s"] = 2000
    with pytest.raises(ModelError, match="vs_m_s"):
        model_from_dict(bad)
    bad = copy.deepcopy(raw)
    bad["faults"][1]["dips_toward"] = "east"
    with pytest.raises(ModelError, match="dips_toward"):
        model_from_dict(bad)
    bad = copy.deepcopy(raw)
    del bad["units"][2]["vp_m_s"]
    with pytest.raises(ModelError, match=r"units\[2\]: missing 'vp_m_s'"):
        model_from_dict(bad)


def test_load_model_bad_yaml(tmp_path):
    p = tmp_path / "m.yaml"
    p.write_text("units: [a, b\n")
    from geoexplore.core.errors import FileFormatError

    with pytest.raises(FileFormatError, match=r"m.yaml at line \d+"):
        load_model(p)


def test_profile_from_model(siping_model):
    prof = siping_model.profile()
    assert prof.length_m == pytest.approx(30000.0)
    lon, lat = prof.lonlat(0.0)
    assert lon == pytest.approx(124.489) and lat == pytest.approx(43.316)


def test_supersampled_section_averages(siping_model):
    m = siping_model
    x = np.array([15000.0])
    # a node at 12 m with 4 m spacing straddles the Holocene base (12 m): half 25 ohm-m, half 80 ohm-m
    ds = m.section(x, np.array([8.0, 12.0, 16.0]), supersample=8)
    assert ds["resistivity_ohm_m"].values[1, 0] == pytest.approx(np.sqrt(25.0 * 80.0))
    assert ds["vs_m_s"].values[1, 0] == pytest.approx(2.0 / (1 / 170.0 + 1 / 280.0))
    assert ds["density_kg_m3"].values[1, 0] == pytest.approx((1850.0 + 1950.0) / 2)
    # away from interfaces the average is the unit value
    assert ds["resistivity_ohm_m"].values[0, 0] == pytest.approx(25.0)


def test_a_profile_in_lonlat_without_a_datum_is_refused(tmp_path):
    """Issue 23 audit: the datum of the profile's longitudes/latitudes is stated, never assumed (CGCS2000 was)."""
    from pathlib import Path

    from geoexplore.core.errors import ModelError
    from geoexplore.core.geomodel import load_model

    root = Path(__file__).resolve().parents[2]
    text = (root / "data" / "siping" / "model.yaml").read_text()
    start = text.index("crs:")
    end = text.index("profile:")
    p = tmp_path / "model.yaml"
    p.write_text(text[:start] + text[end:])
    model = load_model(p)
    with pytest.raises(ModelError, match="no datum \\(crs.geographic\\)"):
        model.profile()
    assert load_model(root / "data" / "siping" / "model.yaml").profile().geographic_crs == "EPSG:4490"


def test_a_fault_kind_not_stated_is_unknown(raw):
    """Issue 23 audit: a fault's kind is read or left unknown (None), never taken as "normal"; nothing downstream
    computes with it (the magnitude's slip type follows the rake, which is also never assumed)."""
    assert model_from_dict(raw).fault("F3").kind == "normal"  # stated in the Siping model
    bare = copy.deepcopy(raw)
    for f in bare["faults"]:
        f.pop("kind", None)
    m = model_from_dict(bare)
    assert [f.kind for f in m.faults] == [None] * len(m.faults)
    assert all(f["kind"] is None for f in m.to_dict()["faults"])
    assert model_from_dict(m.to_dict()).faults == m.faults  # the unknown kind round-trips as unknown
