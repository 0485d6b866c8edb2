"""Inversion: the thread-count trap, slagdump.ohm with default settings, DOI, the image contract, the CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest

from geoexplore.core.images import check_image
from geoexplore.ert import io
from geoexplore.ert.doi import doi_from_models
from geoexplore.ert.settings import ErtSettings


@pytest.fixture(scope="module")
def slagdump_result(shared_data):
    """slagdump.ohm with geoexplore's default settings (QC + inversion + DOI), the thread count
    deliberately broken first: geoexplore must set it on the forward operator itself."""
    from geoexplore.core.gimli import import_pygimli
    from geoexplore.ert.inversion import invert_resistivity
    from geoexplore.ert.qc import quality_control

    pg = import_pygimli()
    pg.core.setThreadCount(1)  # whatever the process has, invert_resistivity() sets it on the operator
    s = ErtSettings()
    data, report = quality_control(io.read(shared_data / "ert/slagdump.ohm"), s.qc)
    return invert_resistivity(data, s.inversion), report


def test_jacobian_not_zero_and_matches_finite_differences(shared_data):
    """The Jacobian the inversion uses is non-zero and equals a finite-difference derivative."""
    from geoexplore.core.gimli import check_jacobian, import_pygimli, set_threads
    from geoexplore.ert.inversion import create_mesh
    from geoexplore.ert.qc import quality_control
    from geoexplore.ert.settings import InversionSettings, QCSettings

    pg = import_pygimli()
    from pygimli.physics import ert

    data, _ = quality_control(io.read(shared_data / "ert/gallery.dat"), QCSettings())
    mesh = create_mesh(data, InversionSettings(para_max_cell_size_m2=20.0))
    fop = ert.ERTModelling(sr=False)
    set_threads(None, fop)
    fop.setData(data.to_pygimli())
    fop.setMesh(mesh)
    n = fop.parameterCount
    m = pg.Vector(n, 100.0)
    m[n // 2] = 30.0
    fop.createJacobian(m)
    J = fop.jacobian()
    check_jacobian(J)  # raises on an all-zero Jacobian: the 2-CPU trap
    Jd = np.array([np.asarray(J.row(i)) for i in range(J.rows())])
    assert np.count_nonzero(Jd) > 0.5 * Jd.size
    j = int(np.argmax(np.abs(Jd).sum(axis=0)))
    f0 = np.asarray(fop.response(m))
    m2 = pg.Vector(m)
    h = 1e-3 * m[j]
    m2[j] += h
    f1 = np.asarray(fop.response(m2))
    fd = (f1 - f0) / h
    big = np.abs(Jd[:, j]) > 0.1 * np.abs(Jd[:, j]).max()
    np.testing.assert_allclose(Jd[big, j], fd[big], rtol=0.02)


def test_all_zero_jacobian_is_caught():
    from geoexplore.core.errors import GeoexploreError
    from geoexplore.core.gimli import check_jacobian

    with pytest.raises(GeoexploreError, match="all zeros"):
        check_jacobian(np.zeros((5, 7)))


def test_slagdump_default_settings_chi2(slagdump_result):
    res, report = slagdump_result
    assert report.n_used == 222
    assert res.jacobian_max_abs > 0
    assert 0.7 <= res.chi2 <= 1.3, res.summary()
    assert 1 <= res.iterations <= 20
    # not the uniform model of the thread trap: the section spans more than a decade
    assert res.resistivity_ohm_m.max() / res.resistivity_ohm_m.min() > 10
    assert res.rrms_percent < 6
    assert res.doi_index is not None and res.doi_index.shape == res.resistivity_ohm_m.shape
    # the deepest cells are less data-determined than the shallow ones
    depth = res.cell_z_m.max() - res.cell_z_m
    assert np.median(res.doi_index[depth > np.percentile(depth, 95)]) > np.median(res.doi_index[depth < 3])


def test_slagdump_doi_small_near_surface_and_mask_fraction(slagdump_result):
    """Oldenburg-Li with area-weighted smallness: the shallow cells are data-determined, part of the image is masked."""
    from geoexplore.ert.inversion import to_image

    res, _ = slagdump_result
    depth = res.cell_z_m.max() - res.cell_z_m
    img = to_image(res, line="slagdump")
    assert np.median(res.doi_index[depth < 3]) < 0.2
    # within the data's trapezoid down to the deepest pseudo-depth, most of the section is kept
    from geoexplore.ert.geometric import pseudo_positions
    from geoexplore.ert.inversion import pseudosection_extent

    _, pz = pseudo_positions(res.data.electrodes, res.data.abmn())
    z = img["depth_m"].values
    ext = pseudosection_extent(res.data, img["chainage_m"].values, z) & (z <= pz.max())[:, None]
    kept = float(img["mask"].values[ext].mean())
    assert 0.7 < kept < 1.0, kept
    assert not img["mask"].values[~pseudosection_extent(res.data, img["chainage_m"].values, z)].any()


def test_slagdump_image_contract(slagdump_result):
    from geoexplore.ert.inversion import to_image

    res, _ = slagdump_result
    img = to_image(res, line="slagdump")
    assert check_image(img) == "ert"
    assert img.attrs["synthetic"] == 0
    assert img["mask"].dtype == bool and 0.0 < float(img["mask"].mean()) < 1.0
    assert np.all(np.isfinite(img["resistivity_ohm_m"].values[img["mask"].values]))
    # elevation follows the electrodes (108.8 m at the first, 121.2 m on the crest)
    assert img["elevation_m"].values[0] == pytest.approx(108.8)
    assert img["elevation_m"].max() == pytest.approx(121.2)
    s = json.loads(img.attrs["inversion_settings"])
    assert s["lam"] == ErtSettings().inversion.lam


def test_doi_formula():
    m1 = np.array([100.0, 50.0, 1000.0])
    m2 = np.array([100.0, 50.0, 10.0])
    np.testing.assert_allclose(doi_from_models(m1, m2, 1000.0, 10.0), [0.0, 0.0, 1.0])


def test_settings_validation():
    from geoexplore.core.errors import SettingsError

    with pytest.raises(SettingsError, match="lamda"):
        ErtSettings.from_mapping({"inversion": {"lamda": 3}})
    with pytest.raises(SettingsError):
        ErtSettings.from_mapping({"inversion": {"norm": "L3"}})
    s = ErtSettings.from_mapping({"inversion": {"norm": "L1", "lam": 5}})
    assert s.inversion.norm == "L1" and ErtSettings.from_json(s.to_json()) == s


def test_cli_info(shared_data, tmp_path, capsys):
    from geoexplore.cli import main

    bad = tmp_path / "broken.bin"
    bad.write_bytes((shared_data / "ert/instruments/syscal-bin.bin").read_bytes()[:2000])
    files = [str(shared_data / "ert/gallery.dat"), str(bad), str(shared_data / "ert/instruments/sting_2D_noIP.stg")]
    rc = main(["ert", "info", *files])
    out, err = capsys.readouterr()
    assert rc != 0
    assert "gallery.dat: format unified, 21 electrodes" in out and "116 data" in out and "dipole-dipole 116" in out
    assert "sting_2D_noIP.stg: format sting" in out
    assert len(err.strip().splitlines()) == 1 and "broken.bin" in err and "record" in err


@pytest.mark.slow
def test_cli_invert(shared_data, tmp_path):
    from geoexplore.cli import main

    out = tmp_path / "inv"
    st = tmp_path / "s.yaml"
    st.write_text("inversion: {doi: false, max_iter: 6}\n")
    rc = main(["ert", "invert", str(shared_data / "ert/gallery.dat"), "--out", str(out), "--settings", str(st)])
    assert rc == 0
    s = json.loads((out / "summary.json").read_text())
    for k in ("chi2", "rrms", "iterations", "n_data_used", "chi2_history", "lambda_history", "stop_reason"):
        assert k in s
    assert s["n_data_used"] == 116 and s["chi2"] < 5
    assert s["stop_reason"] == "target" and len(s["lambda_history"]) == s["iterations"] + 1
    for f in ("model.vtk", "model.csv", "section.png", "pseudosection.png", "image.nc", "convergence.png"):
        assert (out / f).stat().st_size > 0
