"""The floating-point environment pyGIMLi's mesh generator leaves changed, and geoexplore putting it back.

Reference: the x87 control word's documented default on x86-64 Linux (0x037f:
64-bit precision, round to nearest, every exception masked) and what Triangle's
``exactinit`` sets (0x1272: 53-bit precision, invalid, divide-by-zero and
overflow unmasked). The consequence checked is the one the demo soak found:
LAPACK's least squares (OpenBLAS's ``dnrm2`` accumulates on the x87 unit) gave
other last bits after a mesh had been made in the process.
"""

from __future__ import annotations

import numpy as np
import pytest

from geoexplore.core import fpenv

#: exception masks (bits 0-5), precision (8-9) and rounding (10-11); bit 12 is ignored by the hardware
#: and neither glibc's fesetenv nor FE_DFL_ENV clears it
CW_BITS = 0x0F3F
DEFAULT_CW = 0x037F & CW_BITS


def _cw() -> int:
    cw = fpenv.x87_control_word()
    assert cw is not None, "x87 control word not readable (the CI machines are x86-64 Linux)"
    return cw & CW_BITS


def _raw_triangle_mesh():
    """A mesh made by pyGIMLi's Triangle directly, as a library call outside geoexplore would."""
    from geoexplore.core.gimli import import_pygimli

    import_pygimli()
    import pygimli.meshtools as mt

    return mt.createMesh(mt.createRectangle(start=[0.0, 0.0], end=[40.0, -10.0]), quality=33, area=2.0)


def _fit() -> bytes:
    """np.polyfit (LAPACK's least squares) on chainages like the demo's fault points."""
    rng = np.random.default_rng(0)
    x = 21900.0 + rng.uniform(0.0, 200.0, 30)
    z = rng.uniform(0.0, 50.0, 30)
    return np.polyfit(z, x, 1).tobytes() + np.linalg.lstsq(np.c_[np.ones_like(z), z], x, rcond=None)[0].tobytes()


@pytest.fixture(autouse=True)
def _default_env():
    fpenv.reset()
    yield
    fpenv.reset()


def test_triangle_leaves_the_control_word_changed_and_preserved_puts_it_back():
    assert _cw() == DEFAULT_CW
    with fpenv.preserved():
        _raw_triangle_mesh()
    assert _cw() == DEFAULT_CW
    _raw_triangle_mesh()  # the reason for all this: pyGIMLi's Triangle never restores it
    assert _cw() == 0x1272 & CW_BITS
    fpenv.reset()
    assert _cw() == DEFAULT_CW


def test_least_squares_keep_their_bits_after_geoexplore_makes_meshes(shared_data):
    from geoexplore.ert import io
    from geoexplore.ert.inversion import create_mesh
    from geoexplore.seismic.refraction.tomography import forward_traveltimes

    before = _fit()
    _raw_triangle_mesh()
    assert _fit() != before  # what a mesh made without geoexplore's guard does to a least-squares fit
    fpenv.reset()
    assert _fit() == before
    create_mesh(io.read(shared_data / "ert" / "gallery.dat"))
    x = np.arange(0.0, 48.0, 4.0)
    forward_traveltimes(np.c_[x, np.zeros_like(x)], np.array([0, 0, 11]), np.array([5, 11, 0]), lambda xx, zz: 1500.0 + 0 * xx)
    assert _cw() == DEFAULT_CW
    assert _fit() == before


def write_control_word(result, path: str) -> None:
    """The probe's 'figure': the x87 control word while drawing, as text."""
    with open(path, "w") as f:
        f.write(str(fpenv.x87_control_word()))


@pytest.fixture()
def probe_step():
    import xarray as xr

    from geoexplore.core.settings import NoSettings
    from geoexplore.pipeline import step as step_module

    @step_module.step("fpenv.probe", settings=NoSettings, inputs=())
    def probe(ctx, settings):
        return xr.Dataset({"cw": ((), int(fpenv.x87_control_word()))})

    yield
    step_module._REGISTRY.pop("fpenv.probe", None)


def test_every_pipeline_task_starts_from_the_default_environment(tmp_path, probe_step):
    """A task or figure on a worker whose earlier task left Triangle's control word computes as in a fresh process."""
    from geoexplore.pipeline.task import draw_figure, execute_task, result_from_image

    _raw_triangle_mesh()
    assert _cw() != DEFAULT_CW
    out = execute_task({"step": "fpenv.probe", "module": None, "step_id": "probe", "settings_json": "{}",
                        "item": None, "item_value": None, "inputs": {}, "store": str(tmp_path / "project.h5"),
                        "input_dir": str(tmp_path), "line": "l"})
    assert "error" not in out, out.get("error")
    assert int(result_from_image(out["result"])["cw"]) & CW_BITS == DEFAULT_CW
    _raw_triangle_mesh()
    probe = tmp_path / "probe.txt"
    res = draw_figure(f"{__name__}:write_control_word", str(tmp_path / "project.h5"), "probe", str(probe),
                      stored=out["result"])
    assert "error" not in res, res.get("error")
    assert int(probe.read_text()) & CW_BITS == DEFAULT_CW
