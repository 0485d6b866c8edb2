"""Which chi2 an ERT inversion records (issue 20): one value for the target, the history and the result.

With the L1 data norm pyGIMLi reweights the data (IRLS) and its core reports the reweighted chi2; the
lambda control lands that one on the target. ``result.chi2`` is the same value as
``chi2_history[-1]`` and the iteration table; ``result.chi2_plain`` is the error-weighted chi2 with the
data's own errors, checked here against its definition (pyGIMLi's log data transform takes the
relative error e as the error of ln d: mean(((ln d - ln f) / e)^2)) computed from the result's response.
"""

from __future__ import annotations

import numpy as np
import pytest


def _plain_chi2(res) -> float:
    d = res.data.data["apparent_resistivity_ohm_m"].to_numpy(float)
    e = res.data.data["error"].to_numpy(float)
    return float(np.mean(((np.log(d) - np.log(res.response_ohm_m)) / e) ** 2))


@pytest.mark.parametrize("data_norm", ["L2", "L1"])
def test_result_chi2_is_the_recorded_one_and_chi2_plain_its_definition(shared_data, data_norm):
    """gallery.dat (real, 116 data), defaults with data_norm L2 and L1."""
    from geoexplore.ert import io
    from geoexplore.ert.inversion import invert_resistivity
    from geoexplore.ert.qc import quality_control
    from geoexplore.ert.settings import InversionSettings, QCSettings

    data, _ = quality_control(io.read(shared_data / "ert/gallery.dat"), QCSettings())
    res = invert_resistivity(data, InversionSettings(doi=False, data_norm=data_norm))
    assert res.chi2 == res.chi2_history[-1] == res.iteration_table[-1]["chi2"]
    assert res.chi2_plain == pytest.approx(_plain_chi2(res), rel=1e-6)
    s = res.summary()
    assert s["chi2"] == res.chi2 and s["chi2_plain"] == res.chi2_plain
    img = res.to_image()
    assert img.attrs["chi2"] == res.chi2 and img.attrs["chi2_plain"] == res.chi2_plain
    if data_norm == "L2":
        assert res.chi2 == pytest.approx(res.chi2_plain, rel=1e-9)
    if res.stop_reason == "target":
        assert abs(res.chi2 - 1.0) <= 0.2
