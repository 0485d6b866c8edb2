"""The embedded SYNTHETIC Siping ERT survey: files, labelling, and the fault found where the model has it."""

from __future__ import annotations

import numpy as np
import pytest

from geoexplore.ert import io
from geoexplore.ert.synth import CHAINAGE0_M, N_ELECTRODES, SPACING_M


@pytest.fixture(scope="module")
def survey(siping_dir):
    files = sorted((siping_dir / "ert").glob("*.dat"))
    if len(files) != 2:
        pytest.fail(f"expected 2 synthetic ERT files in {siping_dir / 'ert'}, found {len(files)}")
    return files


def test_files_are_real_format_labelled_and_small(survey, siping_model, siping_dir):
    total = sum(f.stat().st_size for f in survey)
    assert total < 3 * 2**20
    readme = (siping_dir / "ert" / "README.md").read_text()
    assert "SYNTHETIC" in readme and "model.yaml" in readme
    arrays = set()
    for f in survey:
        d = io.read(f)
        assert d.meta["format"] == "res2dinv" and "SYNTHETIC" in d.meta["title"]
        assert d.n_electrodes == N_ELECTRODES
        assert d.spacing() == pytest.approx(SPACING_M, rel=1e-3)
        # electrode elevations are the model's topography
        np.testing.assert_allclose(d.electrodes[:, 2], siping_model.elevation(d.electrodes[:, 0] + CHAINAGE0_M),
                                   atol=1e-3)
        arrays |= set(d.arrays())
    assert "dipole-dipole" in arrays and "schlumberger" in arrays


@pytest.mark.slow
def test_inversion_places_f3_within_two_spacings(survey, siping_model):
    """Invert both arrays (workflow settings); the conductive damage zone of F3 lies within
    2 electrode spacings of the model's fault plane at the depth of the band."""
    from geoexplore.core.images import check_image
    from geoexplore.ert.anomaly import locate_conductive_zone
    from geoexplore.ert.data import merge
    from geoexplore.ert.inversion import invert_resistivity, to_image
    from geoexplore.ert.qc import quality_control
    from geoexplore.ert.settings import ImageSettings, InversionSettings, QCSettings

    data = merge([io.read(f) for f in survey])
    clean, rep = quality_control(data, QCSettings(default_current_a=0.5, geometric_factors="analytic"))
    assert rep.n_used > 0.95 * data.n_data
    s = InversionSettings(para_dx=0.5, para_max_cell_size_m2=400.0, para_depth_m=150.0, max_iter=6, doi=False)
    res = invert_resistivity(clean, s)
    assert res.chi2 < 3.0
    img = to_image(res, ImageSettings(chainage_offset_m=CHAINAGE0_M, dx_m=5.0, dz_m=2.5), line="shallow",
                   synthetic=True)
    assert check_image(img) == "ert" and img.attrs["synthetic"] == 1
    f3 = siping_model.fault("F3")
    z0, z1 = 15.0, 60.0
    found = locate_conductive_zone(img, z0, z1, edge_m=150.0)
    truth = float(f3.position(0.5 * (z0 + z1)))
    assert abs(found - truth) <= 2 * SPACING_M, (found, truth)
