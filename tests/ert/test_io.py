"""ERT readers and writers against the real files in ../shared/data/ert and pyGIMLi's loader."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from geoexplore.core.errors import FileFormatError
from geoexplore.ert import io
from geoexplore.ert.geometric import geometric_factors

FILES = {
    "slagdump.ohm": ("unified", 38, 222),
    "lake.ohm": ("unified", 48, 658),
    "gallery.dat": ("unified", 21, 116),
    "instruments/syscal-bin.bin": ("syscal-bin", 16, 68),
    "instruments/syscal-bin.csv": ("syscal-text", 16, 68),
    "instruments/abem-lund-norm.ohm": ("abem-lund", 32, 431),
    "instruments/res2dinv-dd.dat": ("res2dinv", 61, 591),
    "instruments/res2dinv-ga.dat": ("res2dinv", 47, 540),
    "instruments/res2dinv-ipgeneral.dat": ("res2dinv", 35, 228),
    "instruments/res2dinv_PoleDipole.DAT": ("res2dinv", 19, 162),
    "instruments/sting_2D_noIP.stg": ("sting", 32, 712),
    "instruments/BERT_2D_topo.ohm": ("unified", 38, 222),
}


@pytest.mark.parametrize("name", sorted(FILES))
def test_every_shared_file_reads(shared_data, name):
    fmt, n_el, n_data = FILES[name]
    d = io.read(shared_data / "ert" / name)
    assert d.meta["format"] == fmt
    assert d.n_electrodes == n_el
    assert d.n_data == n_data
    q = d.abmn()
    assert q.min() >= 0 and q.max() <= n_el
    # every datum has a resistance or an apparent resistivity, and K consistent with rho_a = K R
    r = d.data["resistance_ohm"].to_numpy(float)
    rho = d.data["apparent_resistivity_ohm_m"].to_numpy(float)
    k = d.data["geometric_factor_m"].to_numpy(float)
    assert np.isfinite(r).all() and np.isfinite(rho).all()
    ok = np.isfinite(k)
    if fmt in ("sting", "syscal-bin", "syscal-text"):
        # the instrument writes both R and its own rho_a (printed to 5-6 digits, CSV to 0.01 ohm m)
        ok &= np.abs(rho) > 10
        np.testing.assert_allclose(rho[ok], k[ok] * r[ok], rtol=1e-2 if fmt == "syscal-text" else 1e-3)
    else:
        np.testing.assert_allclose(rho[ok], k[ok] * r[ok], rtol=1e-9)


def test_syscal_binary_equals_csv_export(shared_data):
    b = io.read(shared_data / "ert/instruments/syscal-bin.bin")
    c = io.read(shared_data / "ert/instruments/syscal-bin.csv")
    np.testing.assert_array_equal(b.abmn(), c.abmn())
    np.testing.assert_allclose(b.electrodes, c.electrodes, atol=1e-6)
    vb, ib = b.data["voltage_v"].to_numpy(), b.data["current_a"].to_numpy()
    vc, ic = c.data["voltage_v"].to_numpy(), c.data["current_a"].to_numpy()
    # the CSV prints VMN and IAB to 0.001 mV / mA: the binary's float32 must round to those digits
    assert np.all(np.abs(vb - vc) <= 0.5e-6 + 1e-6 * np.abs(vc))
    assert np.all(np.abs(ib - ic) <= 0.5e-6 + 1e-6 * np.abs(ic))
    rb, rc = b.data["resistance_ohm"].to_numpy(), c.data["resistance_ohm"].to_numpy()
    rel = np.abs(rb - rc) / np.abs(rc)
    # 1e-5 relative wherever the CSV's printed precision allows it; never worse than that precision
    bound = 0.5e-6 / np.abs(vc) + 0.5e-6 / np.abs(ic)
    assert np.all(rel <= 1e-5 + 1.01 * bound)
    assert np.median(rel) <= 1e-5
    assert np.median(rel) < 1e-4


@pytest.mark.parametrize("name", ["slagdump.ohm", "lake.ohm", "gallery.dat", "instruments/BERT_2D_topo.ohm"])
def test_unified_reader_matches_pygimli(shared_data, name):
    from geoexplore.core.gimli import import_pygimli

    import_pygimli()
    from pygimli.physics import ert

    path = shared_data / "ert" / name
    d = io.read(path)
    g = ert.load(str(path))
    np.testing.assert_array_equal(d.abmn() - 1, np.column_stack([np.asarray(g[c]) for c in "abmn"]))
    np.testing.assert_allclose(d.electrodes, np.array(g.sensorPositions()), atol=1e-9)
    for tok, col in (("r", "resistance_ohm"), ("rhoa", "apparent_resistivity_ohm_m"), ("err", "error"),
                     ("u", "voltage_v"), ("i", "current_a")):
        v = np.asarray(g[tok], float)
        if np.any(v):
            np.testing.assert_allclose(d.data[col].to_numpy(float), v, rtol=1e-12)
    # on flat ground our analytic K equals pyGIMLi's (pyGIMLi's analytic K treats electrodes with z != 0 as
    # buried, with image sources, so over topography the two differ by design)
    if not d.has_topography:
        k = np.asarray(ert.createGeometricFactors(g, numerical=False), float)
        np.testing.assert_allclose(geometric_factors(d.electrodes, d.abmn()), k, rtol=1e-10)


def test_res2dinv_details(shared_data):
    dd = io.read(shared_data / "ert/instruments/res2dinv-dd.dat")
    assert dd.meta["array_code"] == 3 and set(dd.arrays()) == {"dipole-dipole"}
    assert dd.has_topography and dd.meta["topography_flag"] == 2
    # first electrode elevation from the topography section: x = 0 -> 175.0 m
    assert dd.electrodes[0, 0] == 0.0 and dd.electrodes[0, 2] == pytest.approx(175.0)
    # first datum "0.00 9.00 6.000000 1264.9": B=0, A=9, M=9+54=63, N=72; K = pi n(n+1)(n+2) a on flat ground
    row = dd.data.iloc[0]
    xs = [dd.electrodes[int(row[c]) - 1, 0] for c in "abmn"]
    assert xs == [9.0, 0.0, 63.0, 72.0]
    assert row["apparent_resistivity_ohm_m"] == pytest.approx(1264.926766)
    ga = io.read(shared_data / "ert/instruments/res2dinv-ga.dat")
    assert ga.has_topography and ga.electrodes[:, 2].max() > 20
    ip = io.read(shared_data / "ert/instruments/res2dinv-ipgeneral.dat")
    assert ip.meta["ip_unit"] == "mV/V" and ip.has("chargeability_mv_v")
    assert ip.data["chargeability_mv_v"].iloc[0] == pytest.approx(12.5858)
    pdp = io.read(shared_data / "ert/instruments/res2dinv_PoleDipole.DAT")
    assert set(pdp.arrays()) == {"pole-dipole"} and (pdp.data["b"] == 0).all()
    # forward and reverse pole-dipole: a pole left and right of the dipole
    xa = pdp.electrodes[pdp.data["a"].to_numpy() - 1, 0]
    xm = pdp.electrodes[pdp.data["m"].to_numpy() - 1, 0]
    assert (xa < xm).any() and (xa > xm).any()
    assert np.all(pdp.data["geometric_factor_m"] > 0)


def test_abem_and_sting(shared_data):
    ab = io.read(shared_data / "ert/instruments/abem-lund-norm.ohm")
    assert ab.spacing() == pytest.approx(4.0)
    assert ab.electrodes[0, 0] == -62.0 and ab.electrodes[-1, 0] == 62.0
    st = io.read(shared_data / "ert/instruments/sting_2D_noIP.stg")
    # the Sting's own apparent resistivity equals K R with our analytic K (flat ground)
    rho = st.data["apparent_resistivity_ohm_m"].to_numpy()
    kr = st.data["geometric_factor_m"].to_numpy() * st.data["resistance_ohm"].to_numpy()
    np.testing.assert_allclose(kr, rho, rtol=2e-5)


@pytest.mark.parametrize("name", ["gallery.dat", "instruments/res2dinv-ipgeneral.dat", "instruments/res2dinv_PoleDipole.DAT",
                                  "instruments/res2dinv-ga.dat"])
def test_writers_round_trip(shared_data, tmp_path, name):
    d = io.read(shared_data / "ert" / name)
    for fmt in ("unified", "res2dinv"):
        p = tmp_path / f"out.{fmt}.dat"
        io.write(d, p, fmt)
        e = io.read(p)
        assert e.meta["format"] == fmt
        np.testing.assert_allclose(e.electrodes[:, [0, 2]], d.electrodes[:, [0, 2]], atol=1e-4)
        np.testing.assert_array_equal(e.abmn()[:, [0, 2]], d.abmn()[:, [0, 2]])
        np.testing.assert_allclose(e.data["apparent_resistivity_ohm_m"], d.data["apparent_resistivity_ohm_m"], rtol=1e-5)
        if d.has("chargeability_mv_v") and fmt == "res2dinv":
            np.testing.assert_allclose(e.data["chargeability_mv_v"], d.data["chargeability_mv_v"], rtol=1e-5)


def test_unified_written_file_is_read_by_pygimli(shared_data, tmp_path):
    from geoexplore.core.gimli import import_pygimli

    import_pygimli()
    from pygimli.physics import ert

    d = io.read(shared_data / "ert/instruments/res2dinv-dd.dat")
    p = tmp_path / "dd.ohm"
    io.write(d, p, "unified")
    g = ert.load(str(p))
    assert g.size() == d.n_data and g.sensorCount() == d.n_electrodes
    np.testing.assert_allclose(np.asarray(g["rhoa"]), d.data["apparent_resistivity_ohm_m"], rtol=1e-9)


# -- bad input ---------------------------------------------------------------------------
def test_truncated_syscal_binary(shared_data, tmp_path):
    raw = (shared_data / "ert/instruments/syscal-bin.bin").read_bytes()
    p = tmp_path / "cut.bin"
    p.write_bytes(raw[:-100])
    with pytest.raises(FileFormatError) as ei:
        io.read(p)
    assert "cut.bin" in str(ei.value) and "record 68" in str(ei.value)
    p.write_bytes(raw[:500])
    with pytest.raises(FileFormatError, match="truncated header"):
        io.read(p)


def test_electrode_outside_spread(shared_data, tmp_path):
    lines = (shared_data / "ert/gallery.dat").read_text().splitlines()
    i = next(k for k, ln in enumerate(lines) if ln.strip().startswith("1\t") or ln.split()[:4] == ["1", "2", "3", "4"])
    lines[i] = "   1	   2	   3	  99	107.57	0.0101752"
    p = tmp_path / "bad.dat"
    p.write_text("\n".join(lines))
    with pytest.raises(FileFormatError) as ei:
        io.read(p)
    assert f"line {i + 1}" in str(ei.value) and "outside the spread" in str(ei.value)


def test_unknown_array_code(shared_data, tmp_path):
    src = (shared_data / "ert/instruments/res2dinv-dd.dat").read_text().splitlines()
    src[2] = "14"
    p = tmp_path / "code.dat"
    p.write_text("\n".join(src))
    with pytest.raises(FileFormatError, match=r"line 3.*unknown array code 14"):
        io.read(p)


def test_truncated_text_files(shared_data, tmp_path):
    for name in ("ert/instruments/res2dinv-dd.dat", "ert/lake.ohm"):
        lines = (shared_data / name).read_text().splitlines()
        p = tmp_path / ("t_" + name.split("/")[-1])
        p.write_text("\n".join(lines[:40]))
        with pytest.raises(FileFormatError) as ei:
            io.read(p)
        assert p.name in str(ei.value) and "line" in str(ei.value)


def test_unknown_file(tmp_path):
    p = tmp_path / "x.txt"
    p.write_text("hello\nworld\n")
    with pytest.raises(FileFormatError, match="known formats"):
        io.read(p)
    shutil.copy(p, tmp_path / "y.bin")
    (tmp_path / "z.bin").write_bytes(b"\x00\x01\x02" * 100)
    with pytest.raises(FileFormatError, match="z.bin"):
        io.read(tmp_path / "z.bin")
