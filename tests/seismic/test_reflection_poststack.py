"""Post-stack entry: a real stacked SEG-Y (F3, North Sea) -> migration -> depth; migration amplitudes and anti-aliasing.

Checks against things we did not write: the F3 crop's own CDP coordinates (25 m bins, read by
segyio), the Stolt migration (exact for constant velocity) for the amplitude of a flat event, and
the aliasing limit of a Kirchhoff operator, ``f = 1 / (2 dx |dt/dx|)``.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from geoexplore.core.errors import GeoexploreError
from geoexplore.seismic import io
from geoexplore.seismic.reflection import flow
from geoexplore.seismic.reflection import migration as mig
from geoexplore.seismic.reflection.poststack import section_from_gather


@pytest.fixture(scope="module")
def f3(shared_data):
    return shared_data / "seismic" / "f3.sgy"


def test_f3_inline_as_a_section(f3) -> None:
    import segyio

    g = io.read(f3)
    with pytest.raises(GeoexploreError, match="choose one inline"):
        section_from_gather(g, velocity_m_s=1800.0)
    with pytest.raises(GeoexploreError, match="no velocities"):
        section_from_gather(g, inline=111)
    sec = section_from_gather(g, inline=111, velocity_m_s=1800.0)
    with segyio.open(str(f3)) as f:
        x = np.array([f.header[i][segyio.TraceField.CDP_X] for i in range(18)]) / 10.0  # scalar -10
        y = np.array([f.header[i][segyio.TraceField.CDP_Y] for i in range(18)]) / 10.0
        first = f.trace[0]
    step = np.hypot(np.diff(x), np.diff(y))
    assert np.allclose(np.diff(sec["chainage_m"].values), step, atol=0.05)
    rep = json.loads(sec.attrs["geometry_report"])
    assert "CDP X/Y" in rep["positions"] and rep["selection"].startswith("inline 111")
    # the 4 ms recording delay becomes one leading zero sample from 0 s
    assert sec["time_s"].values[0] == 0.0 and sec.sizes["time_s"] == 76
    assert np.allclose(sec["amplitude"].values[1:, 0], first) and sec["amplitude"].values[0, 0] == 0


def test_section_without_positions_needs_the_trace_spacing(f3, tmp_path) -> None:
    g = io.read(f3).isel(trace=slice(0, 18))
    for k in ("cdp_x_m", "cdp_y_m", "source_x_m", "source_y_m", "receiver_x_m", "receiver_y_m"):
        g[k] = ("trace", np.zeros(18))
    p = tmp_path / "nopos.su"
    io.write(g, p, format="su")
    g2 = io.read(p)
    with pytest.raises(GeoexploreError, match="trace spacing"):
        section_from_gather(g2, velocity_m_s=1800.0)
    sec = section_from_gather(g2, velocity_m_s=1800.0, trace_spacing_m=25.0)
    assert np.allclose(sec["chainage_m"].values, np.arange(18) * 25.0)


def test_section_from_su_needs_the_length_unit(f3, tmp_path) -> None:
    # the F3 crop as SU keeps its CDP X/Y but SU states no metres or feet: refused until the unit is given
    g = io.read(f3).isel(trace=slice(0, 18))
    ref = section_from_gather(g, velocity_m_s=1800.0)
    p = tmp_path / "f3.su"
    io.write(g, p, format="su")
    g2 = io.read(p)
    with pytest.raises(GeoexploreError, match="not stated"):
        section_from_gather(g2, velocity_m_s=1800.0)
    in_m = section_from_gather(g2, velocity_m_s=1800.0, coordinate_units="m")
    np.testing.assert_allclose(in_m["chainage_m"].values, ref["chainage_m"].values)
    in_ft = section_from_gather(g2, velocity_m_s=1800.0, coordinate_units="ft")
    np.testing.assert_allclose(in_ft["chainage_m"].values, ref["chainage_m"].values * 0.3048)


def test_velocity_table_located_by_cdp_number(f3, tmp_path) -> None:
    p = tmp_path / "v.par"
    p.write_text("cdp=875,892\ntnmo=0,0.3\nvnmo=5000,6000\ntnmo=0,0.3\nvnmo=5500,6500\n")
    from geoexplore.seismic.io.velocity import read_velocity

    sec = section_from_gather(io.read(f3), inline=120, velocity=read_velocity(p, velocity_units="ft/s"))
    v = sec["vrms_m_s"].values
    assert np.isclose(v[0, 0], 5000 * 0.3048, rtol=1e-6) and np.isclose(v[0, -1], 5500 * 0.3048, rtol=1e-6)
    assert sec.attrs["velocity_location_spacing_m"] > 400  # 17 bins of 25 m


def _ricker(t, f=25.0):
    a = (np.pi * f * t) ** 2
    return (1 - 2 * a) * np.exp(-a)


def test_flat_event_amplitude_is_the_same_for_every_method() -> None:
    nx, nt, dt, dx, v = 161, 400, 0.004, 12.5, 2000.0
    t = np.arange(nt) * dt
    sec = np.tile(_ricker(t - 0.8), (nx, 1))
    ref = mig.stolt(sec, dx, dt, v)[nx // 2]
    for out in (mig.phase_shift(sec, dx, dt, v), mig.kirchhoff(sec, np.arange(nx) * dx, dt, v, max_angle_deg=80)):
        c = out[nx // 2]
        assert abs(c[200] - ref[200]) < 0.06 * abs(ref[200])
        assert np.corrcoef(c[150:250], ref[150:250])[0, 1] > 0.99


def test_kirchhoff_anti_alias_removes_aliased_frequencies() -> None:
    # a spike migrated with coarse traces: the impulse response is an ellipse whose flanks alias above
    # f = 1 / (2 dx |dt/dx|); the triangle filter must take the energy above that limit down
    nx, nt, dt, dx, v = 121, 500, 0.002, 25.0, 2000.0
    sec = np.zeros((nx, nt))
    sec[nx // 2] = _ricker(np.arange(nt) * dt - 0.3, 60.0)
    x = np.arange(nx) * dx
    kw = dict(aperture_m=2000.0, max_angle_deg=80.0)
    aa, raw = mig.kirchhoff(sec, x, dt, v, anti_alias=True, **kw), mig.kirchhoff(sec, x, dt, v, anti_alias=False, **kw)
    # output trace at 500 m from the spike, near t0 = 0.6 s: the operator slope there is 4 h / (v^2 t)
    k, t0 = nx // 2 + 20, 0.6
    t = np.sqrt(t0**2 + 4 * 500.0**2 / v**2)
    f_alias = 1.0 / (2 * dx * 4 * 500.0 / (v**2 * t))
    f = np.fft.rfftfreq(nt, dt)

    def high(m):
        s = np.abs(np.fft.rfft(m[k])) ** 2
        return s[f > 1.2 * f_alias].sum() / s.sum()

    assert high(raw) > 0.1  # the plain sum is aliased there
    assert high(aa) < 0.3 * high(raw)


def test_migrate_and_depth_convert_a_real_stack(f3) -> None:
    sec = section_from_gather(io.read(f3), inline=111, velocity_m_s=1800.0)
    m = flow.migrate(sec)
    assert m.attrs["aperture_m"] == pytest.approx(np.tan(np.radians(60)) * 1800 * 0.3 / 2)
    d = flow.depth_section(m, max_depth_m=None)
    assert d["depth_m"].values[-1] == pytest.approx(1800 * 0.3 / 2, abs=1.0)
    assert np.isfinite(d["amplitude"].values).mean() > 0.9


def test_workflow_steps_post_stack_entry_and_header_geometry_without_model(shared_data, tmp_path) -> None:
    from geoexplore.core.images import check_image
    from geoexplore.pipeline.step import StepContext, get_step

    (tmp_path / "vel.csv").write_text("chainage_m,time_ms,vint_m_s\n0,0,1700\n0,150,2100\n")

    def run(name, inputs, **settings):
        spec = get_step(name)
        ctx = StepContext(step_id=name, inputs=inputs, input_dir=shared_data / "seismic", line="f3")
        return spec(ctx, spec.settings.from_mapping(settings))

    sec = run("seismic.section", {}, section_file="f3.sgy", velocity_file=str(tmp_path / "vel.csv"), crossline=880)
    assert sec.sizes["chainage_m"] == 23  # one trace per inline on crossline 880
    mig = run("seismic.migrate", {"stack": sec})
    dep = run("seismic.depth_convert", {"migrated": mig})
    check_image(dep)
    # the pre-stack step with geometry from the headers and no model input
    g = run("seismic.reflection_gathers", {}, shots_glob="viking_small.segy", stations_file=None, observer_log_file=None)
    assert np.unique(g["cmp"]["ffid"].values).size == 4 and g["geometry"].attrs["n_traces"] == 480
