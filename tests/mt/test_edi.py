"""EDI, Z-file and EMTF-XML I/O against mt_metadata (the peer) and the real vendor EDIs."""

from __future__ import annotations

import numpy as np
import pytest

from geoexplore.core.errors import FileFormatError
from geoexplore.mt.edi import read_edi, write_edi
from geoexplore.mt.tfio import read_tf, write_tf
from geoexplore.mt.zfile import read_zfile

VENDORS = ("metronix", "phoenix", "quantec", "empower")


@pytest.fixture(scope="module")
def mtm():
    from geoexplore.mt.io.mtmetadata import read_mt_metadata_tf

    return read_mt_metadata_tf


def _assert_same_tf(a, b, rtol=1e-6):
    np.testing.assert_allclose(a["period_s"].values, b["period_s"].values, rtol=1e-7)
    for v in ("z", "z_err", "t", "t_err"):
        x, y = a[v].values, b[v].values
        np.testing.assert_array_equal(np.isnan(x), np.isnan(y))
        np.testing.assert_allclose(x[np.isfinite(x)], y[np.isfinite(y)], rtol=rtol, atol=1e-12)
    for k in ("lat_deg", "lon_deg"):
        assert a.attrs[k] == pytest.approx(b.attrs[k], abs=1e-6)
    assert a.attrs["elevation_m"] == pytest.approx(b.attrs["elevation_m"], abs=0.01)


@pytest.mark.parametrize("vendor", ("metronix", "empower"))
def test_impedance_edi_matches_mt_metadata(shared_data, mtm, vendor):
    p = shared_data / "mt" / f"tf_edi_{vendor}.edi"
    ours = read_edi(p)
    tf = mtm(p)
    np.testing.assert_allclose(ours["period_s"].values, np.sort(tf.period), rtol=1e-6)
    order = np.argsort(tf.period)
    np.testing.assert_allclose(ours["z"].values, tf.impedance.values[order], rtol=1e-6)
    np.testing.assert_allclose(ours["z_err"].values, tf.impedance_error.values[order], rtol=1e-5)
    np.testing.assert_allclose(ours["t"].values, tf.tipper.values[order], rtol=1e-6, atol=1e-12)
    assert ours.attrs["lat_deg"] == pytest.approx(tf.station_metadata.location.latitude, abs=1e-6)
    assert ours.attrs["lon_deg"] == pytest.approx(tf.station_metadata.location.longitude, abs=1e-6)


@pytest.mark.parametrize("vendor", VENDORS)
def test_every_real_edi_round_trips(shared_data, tmp_path, vendor):
    ds = read_edi(shared_data / "mt" / f"tf_edi_{vendor}.edi")
    # conventions: exp(+i omega t), Zxy in the first quadrant and Zyx in the third (mostly)
    pxy = np.degrees(np.angle(ds["z"].values[:, 0, 1]))
    pyx = np.degrees(np.angle(ds["z"].values[:, 1, 0]))
    assert np.mean((pxy > 0) & (pxy < 90)) > 0.8
    assert np.mean((pyx > -180) & (pyx < -90)) > 0.8
    out = write_edi(ds, tmp_path / f"{vendor}.edi")
    _assert_same_tf(read_edi(out), ds)


def test_written_edi_is_read_by_mt_metadata(shared_data, tmp_path, mtm):
    ds = read_edi(shared_data / "mt" / "tf_edi_metronix.edi")
    tf = mtm(write_edi(ds, tmp_path / "m.edi"))
    order = np.argsort(tf.period)
    np.testing.assert_allclose(tf.impedance.values[order], ds["z"].values, rtol=1e-6)
    np.testing.assert_allclose(tf.tipper.values[order], ds["t"].values, rtol=1e-6, atol=1e-12)


def test_emtfxml_round_trip_through_mt_metadata(shared_data, tmp_path):
    ds = read_edi(shared_data / "mt" / "tf_edi_empower.edi")
    p = write_tf(ds, tmp_path / "e.xml")
    _assert_same_tf(read_tf(p), ds)


# -- malformed files ------------------------------------------------------------------
def _lines(shared_data):
    return (shared_data / "mt" / "tf_edi_metronix.edi").read_text(errors="replace").splitlines()


def test_truncated_edi_names_the_block(shared_data, tmp_path):
    lines = _lines(shared_data)
    i = next(k for k, ln in enumerate(lines) if ln.startswith(">ZXYI"))
    p = tmp_path / "trunc.edi"
    p.write_text("\n".join(lines[: i + 4]) + "\n")  # cut inside >ZXYI
    with pytest.raises(FileFormatError, match=r"trunc\.edi.*>ZXYI"):
        read_edi(p)


def test_block_shorter_than_nfreq_is_an_error_not_zeros(shared_data, tmp_path):
    lines = _lines(shared_data)
    i = next(k for k, ln in enumerate(lines) if ln.startswith(">ZXYR"))
    bad = lines[:]
    removed = bad.pop(i + 3)  # drop one line of values in >ZXYR
    bad[i] = f">ZXYR //{73 - len(removed.split())}"  # and make the declared count agree: only NFREQ catches it
    p = tmp_path / "short.edi"
    p.write_text("\n".join(bad) + "\n")
    with pytest.raises(FileFormatError, match=r">ZXYR.*NFREQ is 73"):
        read_edi(p)


def test_missing_block_and_all_zero_impedance(shared_data, tmp_path):
    lines = _lines(shared_data)
    i = next(k for k, ln in enumerate(lines) if ln.startswith(">ZYXR"))
    j = next(k for k, ln in enumerate(lines) if ln.startswith(">ZYXI"))
    p = tmp_path / "missing.edi"
    p.write_text("\n".join(lines[:i] + lines[j:]) + "\n")
    with pytest.raises(FileFormatError, match=r"missing block >ZYXR"):
        read_edi(p)
    zero = lines[:]
    for k in range(next(k for k, ln in enumerate(lines) if ln.startswith(">ZXYR")) + 1, len(lines)):
        if lines[k].startswith(">"):
            break
        zero[k] = " ".join(["0.0"] * len(lines[k].split()))
    p.write_text("\n".join(zero) + "\n")
    # ZXYI is not zero, so this one is readable; zero both parts
    k0 = next(k for k, ln in enumerate(lines) if ln.startswith(">ZXYI"))
    for k in range(k0 + 1, len(lines)):
        if lines[k].startswith(">"):
            break
        zero[k] = " ".join(["0.0"] * len(lines[k].split()))
    p.write_text("\n".join(zero) + "\n")
    with pytest.raises(FileFormatError, match=r"all zeros"):
        read_edi(p)


def test_spectra_edi_truncated(shared_data, tmp_path):
    text = (shared_data / "mt" / "tf_edi_quantec.edi").read_text(errors="replace")
    p = tmp_path / "q.edi"
    p.write_text(text[: int(len(text) * 0.7)])
    with pytest.raises(FileFormatError, match=r"q\.edi.*(>SPECTRA|>END)"):
        read_edi(p)


def test_zfile_matches_mt_metadata(shared_data, mtm):
    p = shared_data / "mt" / "emtf-result-test1.zss"
    ours = read_zfile(p)
    tf = mtm(p)
    order = np.argsort(tf.period)
    np.testing.assert_allclose(ours["period_s"].values, tf.period[order], rtol=1e-6)
    np.testing.assert_allclose(ours["z"].values, tf.impedance.values[order], rtol=1e-4)
    np.testing.assert_allclose(ours["z_err"].values, tf.impedance_error.values[order], rtol=1e-3)
    np.testing.assert_allclose(ours["t"].values, tf.tipper.values[order], rtol=1e-4, atol=1e-7)


def test_truncated_zfile(shared_data, tmp_path):
    lines = (shared_data / "mt" / "emtf-result-test2r1.zrr").read_text().splitlines()
    p = tmp_path / "t.zrr"
    p.write_text("\n".join(lines[:100]) + "\n")
    with pytest.raises(FileFormatError, match=r"t\.zrr.*period"):
        read_zfile(p)
