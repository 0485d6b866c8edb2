"""Every instrument export in shared/data/ert/instruments read; numbers checked against the files themselves,
pyGIMLi's reciprocal error model, and analytic geometric factors; 3D layouts refused."""

from __future__ import annotations

import numpy as np
import pytest

from geoexplore.core.errors import FileFormatError
from geoexplore.ert import io
from geoexplore.ert.error_model import fit_reciprocal_std
from geoexplore.ert.geometric import geometric_factors
from geoexplore.ert.qc import find_reciprocals, quality_control
from geoexplore.ert.settings import QCSettings

SPACING = {"ohmpi.csv": 1.0, "bgs-prime2.tab": 1.0}
# file -> (format, electrodes, data): every shared instrument file
EXPECTED = {
    "ARESII.2dm": ("ares", 24, 247), "DAS-1_2D_DC.data": ("das1", 56, 925), "Lippmann_1.tx0": ("lippmann", 40, 808),
    "electraWenner.ele": ("electra", 24, 168), "ohmpi.csv": ("ohmpi", 30, 128), "bgs-prime2.tab": ("prime", 16, 15),
    "syscal-bin.bin": ("syscal-bin", 16, 68), "syscal-bin.csv": ("syscal-text", 16, 68),
    "syscal-bin.binx": ("syscal-binx", 16, 68),
    "syscal_ProsysIII_IP.csv": ("syscal-text", 24, 926), "res2dinv-forward-error.dat": ("res2dinv", 35, 739),
    "res2dinv-dd.dat": ("res2dinv", 61, 591), "res2dinv-ga.dat": ("res2dinv", 47, 540),
    "res2dinv-ipgeneral.dat": ("res2dinv", 35, 228), "res2dinv_PoleDipole.DAT": ("res2dinv", 19, 162),
    "sting_2D_noIP.stg": ("sting", 32, 712), "abem-lund-norm.ohm": ("abem-lund", 32, 431),
    "BERT_2D_topo.ohm": ("unified", 38, 222),
}


def _read(shared_data, name):
    return io.read(shared_data / "ert" / "instruments" / name, electrode_spacing_m=SPACING[name]) if name in SPACING \
        else io.read(shared_data / "ert" / "instruments" / name)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_instrument_file_is_read(shared_data, name):
    fmt, ne, nd = EXPECTED[name]
    d = _read(shared_data, name)
    assert (d.meta["format"], d.n_electrodes, d.n_data) == (fmt, ne, nd)
    assert np.ptp(d.electrodes[:, 1]) == 0  # a 2D line


@pytest.mark.parametrize("name,rtol", [("ARESII.2dm", 2e-4), ("Lippmann_1.tx0", 2e-5), ("electraWenner.ele", 1e-3),
                                        ("DAS-1_2D_DC.data", 1e-5)])
def test_rho_a_equals_k_times_r_from_the_file(shared_data, name, rtol):
    """The instrument's own rho_a equals K R, K from the electrode geometry read, R = U/I (or V/I) from the file."""
    d = _read(shared_data, name)
    k = geometric_factors(d.electrodes, d.abmn())
    r, rho = d.data["resistance_ohm"].to_numpy(float), d.data["apparent_resistivity_ohm_m"].to_numpy(float)
    ok = np.isfinite(r) & np.isfinite(rho) & (np.abs(rho) > 0)
    assert ok.sum() > 0.95 * d.n_data
    np.testing.assert_allclose(k[ok] * r[ok], rho[ok], rtol=rtol)


def test_electra_k_matches_file_and_waveforms_kept(shared_data):
    d = _read(shared_data, "electraWenner.ele")
    np.testing.assert_allclose(geometric_factors(d.electrodes, d.abmn()), d.data["geometric_factor_m"], rtol=1e-12)
    assert d.meta["waveforms"].shape == (168, 257)


def test_lippmann_comma_decimals_read_like_points(shared_data, tmp_path):
    src = (shared_data / "ert" / "instruments" / "Lippmann_1.tx0").read_text(encoding="latin-1")
    import re

    p = tmp_path / "comma.tx0"
    p.write_text(re.sub(r"(\d)\.(\d)", r"\1,\2", src), encoding="latin-1")
    a, b = _read(shared_data, "Lippmann_1.tx0"), io.read(p)
    assert b.meta["decimal_separator"] == ","
    assert np.array_equal(a.abmn(), b.abmn())
    np.testing.assert_allclose(b.data["resistance_ohm"], a.data["resistance_ohm"], rtol=1e-12)
    np.testing.assert_allclose(b.data["ip_mrad"], a.data["ip_mrad"], rtol=1e-12)


def test_prosys_names_without_space_and_ip_windows(shared_data, tmp_path):
    src = (shared_data / "ert" / "instruments" / "syscal_ProsysIII_IP.csv").read_bytes()
    p = tmp_path / "nospace.csv"
    p.write_bytes(src.replace(b" (m)", b"(m)").replace(b" (mV/V)", b"(mV/V)"))
    a, b = _read(shared_data, "syscal_ProsysIII_IP.csv"), io.read(p)
    assert np.array_equal(a.abmn(), b.abmn())
    np.testing.assert_allclose(b.data["resistance_ohm"], a.data["resistance_ohm"], rtol=1e-12)
    w = a.meta["ip_windows"]
    assert w.shape == (926, 41) and np.isfinite(w["M20_mv_v"]).all()
    # first row of the file: M1 = 6.08 mV/V over TM1 = 40 ms
    assert (w["M1_mv_v"].iloc[0], w["TM1_ms"].iloc[0]) == (6.08, 40.0)


def test_syscal_binary_any_header_text(shared_data, tmp_path):
    raw = bytearray((shared_data / "ert" / "instruments" / "syscal-bin.bin").read_bytes())
    text = b"Unknown system, try a lower speed rate"
    raw[5:5 + 64] = text + bytes(64 - len(text))
    p = tmp_path / "fw.bin"
    p.write_bytes(bytes(raw))
    a, b = _read(shared_data, "syscal-bin.bin"), io.read(p)
    assert b.meta["program"] == text.decode()
    assert np.array_equal(a.abmn(), b.abmn())
    np.testing.assert_array_equal(a.data["resistance_ohm"], b.data["resistance_ohm"])


def test_syscal_binx_equals_the_same_survey_as_bin(shared_data):
    """The .binx (Prosys, file version 6, data version 9) and the .bin export of the same survey: identical electrodes,
    quadrupoles, Vmn, Iab, rho, K, deviations and IP windows; the file's rho equals its K times Vmn / Iab."""
    x, b = _read(shared_data, "syscal-bin.binx"), _read(shared_data, "syscal-bin.bin")
    assert (x.meta["header_version"], x.meta["data_versions"], x.meta["program"]) == (6, [9], "SYSCAL Pro")
    np.testing.assert_array_equal(x.electrodes, b.electrodes)
    np.testing.assert_array_equal(x.abmn(), b.abmn())
    for col in ("voltage_v", "current_a", "resistance_ohm", "apparent_resistivity_ohm_m", "stacking_error",
                "chargeability_mv_v"):
        np.testing.assert_array_equal(x.data[col].to_numpy(float), b.data[col].to_numpy(float), err_msg=col)
    assert x.meta["ip_windows"].equals(b.meta["ip_windows"])
    k = geometric_factors(x.electrodes, x.abmn())  # K of the positions read = K the file states
    np.testing.assert_allclose(x.data["geometric_factor_m"], k, rtol=1e-12)
    np.testing.assert_allclose(k * x.data["resistance_ohm"], x.data["apparent_resistivity_ohm_m"], rtol=1e-6)


def test_syscal_binx_damaged(shared_data, tmp_path):
    raw = (shared_data / "ert" / "instruments" / "syscal-bin.binx").read_bytes()
    short = tmp_path / "short.binx"
    short.write_bytes(raw[:100000])
    with pytest.raises(FileFormatError, match="truncated file: record 24") as e:
        io.read(short)
    assert e.value.position.startswith("record 24 (byte ")
    longer = tmp_path / "long.binx"
    longer.write_bytes(raw + b"\x00" * 10)
    with pytest.raises(FileFormatError, match="10 bytes after the 68 records"):
        io.read(longer)
    rec1 = 42  # header: version, type, software, comments "SYSCAL Pro", empty path, two file counts, data count
    rho_at = rec1 + 4 + 16 + 8 + 32 + 160 + 8  # data version, times, overload+stacks, SP..M, M1..M20, K
    bad = bytearray(raw)
    bad[rho_at:rho_at + 8] = np.float64(99.0).tobytes()
    p = tmp_path / "rho.binx"
    p.write_bytes(bytes(bad))
    with pytest.raises(FileFormatError, match="record 1: rho 99 ohm m differs from K R"):
        io.read(p)
    two = bytearray(raw)
    two[30:34] = (2).to_bytes(4, "little")  # number of files: several surveys in one file
    p2 = tmp_path / "two.binx"
    p2.write_bytes(bytes(two))
    with pytest.raises(FileFormatError, match="several surveys in one file"):
        io.read(p2, format="syscal-binx")


def test_res2dinv_error_column_and_unread_blocks(shared_data):
    d = _read(shared_data, "res2dinv-forward-error.dat")
    # first datum: rho_a 29.1994 ohm m with an error of 1.57933 ohm m (same unit as the data)
    assert d.data["error"].iloc[0] == pytest.approx(1.57933 / 29.1994, rel=1e-12)
    assert [s for _, s in d.meta["unread_sections"]][:2] == ["Additional measurements", "General array format"]
    assert d.has_topography


def test_res2dinv_remote_electrodes_exact_factor(tmp_path):
    """Pole-pole with remote C2 and P2 at stated positions: R = rho_a / K with K from the 3D distances."""
    p = tmp_path / "pp.dat"
    rows = "\n".join(f"{x:.1f},1.0,{rho}" for x, rho in [(0, 100.0), (1, 110.0), (2, 120.0)])
    p.write_text("pole-pole remote\n1.0\n2\nRemote electrodes included\nC2 electrode location\n-50.0, 10.0, 0.0\n"
                 "P2 electrode location\n60.0, -20.0, 0.0\nExact Geometric factor used\n3\n0\n0\n" + rows + "\n0\n0\n0\n")
    d = io.read(p, "res2dinv")
    assert d.meta["exact_geometric_factor"] and d.meta["remote_electrodes_xyz_m"]["B"] == (-50.0, 10.0, 0.0)
    for i, x in enumerate((0.0, 1.0, 2.0)):
        a, m, b, n = np.array([x, 0, 0]), np.array([x + 1, 0, 0]), np.array([-50.0, 10, 0]), np.array([60.0, -20, 0])
        k = 2 * np.pi / (1 / np.linalg.norm(a - m) - 1 / np.linalg.norm(b - m) - 1 / np.linalg.norm(a - n)
                         + 1 / np.linalg.norm(b - n))
        assert d.data["resistance_ohm"].iloc[i] == pytest.approx(d.data["apparent_resistivity_ohm_m"].iloc[i] / k, rel=1e-12)
    assert (d.abmn()[:, [1, 3]] == 0).all()


def test_no_positions_refused_without_spacing(shared_data):
    for name in SPACING:
        with pytest.raises(FileFormatError, match="electrode spacing"):
            io.read(shared_data / "ert" / "instruments" / name)


def test_3d_layout_refused(shared_data, tmp_path):
    lines = (shared_data / "ert" / "instruments" / "sting_2D_noIP.stg").read_text(encoding="latin-1").splitlines()
    out = lines[:3]
    for k, ln in enumerate(lines[3:]):
        f = ln.split(",")
        if len(f) > 20:
            for j in (10, 13, 16, 19):  # y of A, B, M, N: a second line 5 m away for half the records
                f[j] = "5.0" if k % 2 else f[j]
        out.append(",".join(f))
    p = tmp_path / "sting3d.stg"
    p.write_text("\n".join(out) + "\n", encoding="latin-1")
    with pytest.raises(FileFormatError, match="3D survey"):
        io.read(p)


def test_collinear_line_not_along_x_is_expressed_along_the_line(shared_data):
    d = _read(shared_data, "DAS-1_2D_DC.data")  # cable 9 runs along y at x = 7 m
    assert d.meta["line_direction_xy"] == [0.0, 1.0]
    np.testing.assert_allclose(np.sort(d.electrodes[:, 0]), np.sort(d.meta["electrodes_file_xyz"][:, 1]))


RECIPROCAL_FILES = ["sting_2D_noIP.stg", "syscal-bin.bin", "syscal-bin.csv", "DAS-1_2D_DC.data", "Lippmann_1.tx0",
                    "electraWenner.ele"]


@pytest.mark.parametrize("name", RECIPROCAL_FILES)
def test_reciprocal_error_model_matches_pygimli(shared_data, name):
    """a and b within 5 % of pyGIMLi's fitReciprocalErrorModel on the same data (its own function, run here)."""
    from geoexplore.core.gimli import import_pygimli

    import_pygimli()
    from pygimli.physics.ert import fitReciprocalErrorModel

    d = _read(shared_data, name).fill_derived()
    pairs = find_reciprocals(d)
    assert len(pairs) >= 30
    a, b, _, _ = fit_reciprocal_std(pairs["r_normal_ohm"], pairs["r_reciprocal_ohm"])
    ga, gb = fitReciprocalErrorModel(d.to_pygimli())
    assert a == pytest.approx(ga, rel=0.05) and b == pytest.approx(gb, rel=0.05)


def test_summary_says_which_error_source_and_why(shared_data):
    d = _read(shared_data, "sting_2D_noIP.stg")
    d = d.with_columns(error=np.full(d.n_data, 0.02))  # a file error column beside the reciprocals
    _, rep = quality_control(d, QCSettings())
    s = rep.summary()
    assert s["error_source"].startswith("reciprocal fit") and "preferred over the file's error column" in s["error_source_reason"]
    _, rep = quality_control(d, QCSettings(error_source="file"))
    assert rep.summary()["error_source"] == "file" and "not used" in rep.summary()["error_source_reason"]
