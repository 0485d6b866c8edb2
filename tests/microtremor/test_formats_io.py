"""Microtremor record formats crews bring (shared/data/microtremor/formats): CityShark II ASCII, Guralp GCF, PEER, SAF.

Each is checked against something outside this project: the numbers in the file
itself, ObsPy's GCF reader, and Geopsy's H/V curve of the CityShark record.
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from geoexplore.core.errors import FileFormatError, GeoexploreError
from geoexplore.microtremor.io import detect, read, read_hv
from geoexplore.microtremor.process import process_record
from geoexplore.microtremor.settings import HvsrSettings

CITY = "cityshark-170626_1045.202"


@pytest.fixture(scope="module")
def fmt(shared_data):
    d = shared_data / "microtremor" / "formats"
    if not d.is_dir():
        pytest.skip(f"{d} not found")
    return d


def _first_row(path, n_header):
    return [float(v) for v in path.read_text(encoding="latin-1").splitlines()[n_header].split()]


# -- CityShark II / MiniShark ---------------------------------------------------------------------
def test_cityshark_needs_the_column_order(fmt):
    assert detect(fmt / CITY) == "cityshark"
    with pytest.raises(FileFormatError, match="does not state which of its 3 columns") as e:
        read(fmt / CITY)
    assert e.value.position == "header"
    with pytest.raises(FileFormatError, match="each of Z, N, E once"):
        read(fmt / CITY, columns="ZNN")
    with pytest.raises(GeoexploreError, match="columns= is for column files"):
        read(fmt / "saf-mt_20211122_133110.saf", columns="ZNE")


def test_cityshark_reads_what_the_header_states(fmt):
    rec = read(fmt / CITY, columns="ZNE")
    assert rec.fs_hz == 100.0 and rec.n_samples == 120000  # "Sample rate: 100 Hz", "Sample number: 120000"
    assert rec.starttime == "2017-06-26T10:45:38.775000"  # Starting date/time, no zone stated
    assert rec.station == "007"
    z, n, e = _first_row(fmt / CITY, 21)  # the first data row: 6833 -12025 -177
    assert (rec.data[2, 0], rec.data[0, 0], rec.data[1, 0]) == (z, n, e) == (6833.0, -12025.0, -177.0)
    assert any("52428.8" in note or "2.68435e+07" in note for note in rec.notes)  # counts -> volts stated, kept in counts
    swapped = read(fmt / CITY, columns="ZEN")
    np.testing.assert_array_equal(swapped.data[[1, 0, 2]], rec.data)


def test_cityshark_f0_against_geopsy(fmt):
    """Geopsy: f0 from average 0.8433 Hz (a point of its 100-point log grid, 5.3 % apart), f0 from windows 0.828 Hz."""
    ref = read_hv(fmt / (CITY + ".hv"))
    rec = read(fmt / CITY, columns="ZNE")
    res = process_record(rec, HvsrSettings())  # default settings
    # Geopsy's own average curve, its peak interpolated (parabola in log f through the grid maximum): 0.8273 Hz
    i = int(np.argmax(ref.average))
    x, y = np.log(ref.frequency_hz[i - 1:i + 2]), ref.average[i - 1:i + 2]
    peak = float(np.exp(x[1] - 0.5 * (x[1] - x[0]) * (y[2] - y[0]) / (y[0] - 2 * y[1] + y[2])))
    assert abs(peak / 0.8273 - 1) < 1e-3
    assert abs(res.f0_hz / peak - 1) < 0.02, (res.f0_hz, peak)
    assert abs(res.f0_hz / 0.828221 - 1) < 0.02  # Geopsy's f0 from windows
    # the curve evaluated on Geopsy's frequency grid (only the output sampling changed): f0 is Geopsy's 0.8433 Hz
    f = ref.frequency_hz[ref.frequency_hz < rec.fs_hz / 2]
    res_g = process_record(rec, HvsrSettings(freq_min_hz=float(f[0]), freq_max_hz=float(f[-1]), n_freq=len(f)))
    np.testing.assert_allclose(res_g.frequency_hz, f, rtol=1e-4)
    assert abs(res_g.f0_hz / ref.f0_average_hz - 1) < 0.02
    assert abs(ref.f0_average_hz - 0.8433) < 1e-4


def test_minishark_variant_reads_the_same(fmt, tmp_path):
    """The MiniShark layout: '#Key:<TAB>value' comment lines, the rate as '#Sample rate (sps):'."""
    lines = (fmt / CITY).read_text(encoding="latin-1").splitlines()
    head = {ln.split(":", 1)[0].strip(): ln.split(":", 1)[1].strip() for ln in lines[:21]}
    mini = [f"#Starting date:\t{head['Starting date']}", f"#Starting time:\t{head['Starting time']}",
            "#Sample rate (sps):\t100", f"#Sample number:\t{head['Sample number']}",
            f"#Conversion factor:\t{head['Conversion factor']}", f"#Gain:\t{head['Gain']}",
            f"#Maximum amplitude:\t{head['Maximum amplitude']}"]
    p = tmp_path / "0003_170626_1045.minishark"
    p.write_text("\n".join(mini + lines[21:]) + "\n")
    assert detect(p) == "cityshark"
    a, b = read(p, columns="ZNE"), read(fmt / CITY, columns="ZNE")
    np.testing.assert_array_equal(a.data, b.data)
    assert a.fs_hz == b.fs_hz and a.starttime == b.starttime


def test_cityshark_damaged(fmt, tmp_path):
    lines = (fmt / CITY).read_text(encoding="latin-1").splitlines()
    short = tmp_path / "short.202"
    short.write_text("\n".join(lines[:5000]) + "\n")
    with pytest.raises(FileFormatError, match="truncated: Sample number states 120000") as e:
        read(short, columns="ZNE")
    assert e.value.position.startswith("line 5000")
    wrong = tmp_path / "rate.202"
    wrong.write_text("\n".join(ln.replace("Sample rate: 100 Hz", "Sample rate: 250 Hz") for ln in lines) + "\n")
    with pytest.raises(FileFormatError, match="contradicts itself"):
        read(wrong, columns="ZNE")
    bad = tmp_path / "bad.202"
    bad.write_text("\n".join(lines[:100] + ["12 x 4"] + lines[101:]) + "\n")
    with pytest.raises(FileFormatError, match="not 3 integers") as e:
        read(bad, columns="ZNE")
    assert e.value.position == "line 101"


# -- Guralp GCF -----------------------------------------------------------------------------------
def test_gcf_equals_obspy(fmt):
    import obspy

    p = fmt / "guralp-sample.gcf"
    assert detect(p) == "gcf"
    rec = read(p)
    st = obspy.read(str(p), format="GCF")
    assert rec.fs_hz == 1.0 and rec.n_samples == 21600 and rec.station == "DA62"
    for i, c in enumerate("NEZ"):
        tr = st.select(channel=f"HH{c}")[0]
        np.testing.assert_array_equal(rec.data[i], tr.data.astype(float))
    assert rec.starttime == "2013-06-24T18:00:00Z"


def test_gcf_truncated(fmt, tmp_path):
    p = tmp_path / "cut.gcf"
    p.write_bytes((fmt / "guralp-sample.gcf").read_bytes()[:50 * 1024 + 300])
    with pytest.raises(FileFormatError) as e:
        read(p)
    assert e.value.position


# -- PEER -----------------------------------------------------------------------------------------
def _peer_values(path):
    out = []
    for ln in path.read_text().splitlines()[4:]:
        out += [float(v) for v in ln.split()]
    return np.array(out)


def test_peer_three_files(fmt):
    files = sorted(fmt.glob("peer-*.vt2"))
    rec = read(str(fmt / "peer-rsn942_northr_alh*.vt2"))
    assert rec.fs_hz == 50.0 and rec.n_samples == 3000  # NPTS= 3000, DT= .0200 SEC
    assert rec.starttime == ""  # PEER files state no start time
    by = {f.name: _peer_values(f) for f in files}
    np.testing.assert_array_equal(rec.data[0], by["peer-rsn942_northr_alh360.vt2"])  # azimuth 360: north
    np.testing.assert_array_equal(rec.data[1], by["peer-rsn942_northr_alh090.vt2"])  # azimuth 90: east
    np.testing.assert_array_equal(rec.data[2], by["peer-rsn942_northr_alh-up.vt2"])
    assert any("velocity in cm/s" in n for n in rec.notes)
    again = read([str(f) for f in reversed(files)])
    np.testing.assert_array_equal(again.data, rec.data)


def test_peer_single_file_and_pairs_refused(fmt):
    files = sorted(fmt.glob("peer-*.vt2"))
    assert detect(files[0]) == "peer"
    with pytest.raises(FileFormatError, match="give the three files"):
        read(files[0])
    with pytest.raises(FileFormatError, match="three files"):
        read([str(f) for f in files[:2]])


def test_peer_rotated_horizontals(fmt, tmp_path):
    """Horizontals at 045 and 135 deg: north/east are their rotation (analytic)."""
    src = {k: fmt / f"peer-rsn942_northr_alh{k}.vt2" for k in ("-up", "090", "360")}
    out = {}
    for k, az in (("-up", "UP"), ("360", "45"), ("090", "135")):
        lines = src[k].read_text().splitlines()
        lines[1] = lines[1].rsplit(",", 1)[0] + ", " + az
        out[k] = tmp_path / f"r{k}.vt2"
        out[k].write_text("\n".join(lines) + "\n")
    rec = read([str(v) for v in out.values()])
    h45, h135 = _peer_values(src["360"]), _peer_values(src["090"])
    c = np.sqrt(0.5)
    np.testing.assert_allclose(rec.data[0], c * (h45 - h135), atol=1e-12)
    np.testing.assert_allclose(rec.data[1], c * (h45 + h135), atol=1e-12)
    assert any("rotated" in n for n in rec.notes)


def test_peer_damaged(fmt, tmp_path):
    lines = (fmt / "peer-rsn942_northr_alh090.vt2").read_text().splitlines()
    p = tmp_path / "cut.vt2"
    p.write_text("\n".join(lines[:300]) + "\n")
    others = [str(fmt / "peer-rsn942_northr_alh-up.vt2"), str(fmt / "peer-rsn942_northr_alh360.vt2")]
    with pytest.raises(FileFormatError, match="truncated: NPTS = 3000") as e:
        read([str(p), *others])
    assert e.value.position.startswith("line 300")
    lines[1] = lines[1].rsplit(",", 1)[0] + ", RADIAL"
    p.write_text("\n".join(lines) + "\n")
    with pytest.raises(FileFormatError, match="'RADIAL'") as e:
        read([str(p), *others])
    assert e.value.position == "line 2"


# -- SAF ------------------------------------------------------------------------------------------
def test_saf_shared_file(fmt):
    p = fmt / "saf-mt_20211122_133110.saf"
    rec = read(p)
    assert rec.fs_hz == 50.0 and rec.n_samples == 45000 and rec.station == "SRHV-02"
    k = next(i for i, ln in enumerate(p.read_text().splitlines()) if ln.startswith("####"))
    v, n, e = _first_row(p, k + 1)  # CH0_ID = V, CH1_ID = N, CH2_ID = E
    assert (rec.data[2, 0], rec.data[0, 0], rec.data[1, 0]) == (v, n, e) == (11940.0, -11239.0, -11261.0)
    assert rec.starttime == "2021-11-22T13:31:10Z"


def test_saf_variant_channel_ids(fmt, tmp_path):
    """Another program's channel ids (UD, NS, EW) and column order (N, E, V) give the same record."""
    src = fmt / "saf-mt_20211122_133110.saf"
    lines = src.read_text().splitlines()
    k = next(i for i, ln in enumerate(lines) if ln.startswith("####"))
    head = [ln for ln in lines[:k] if not ln.startswith("CH")] + ["CH0_ID = NS", "CH1_ID = EW", "CH2_ID = UD"]
    body = [" ".join(np.array(ln.split())[[1, 2, 0]]) for ln in lines[k + 1:] if ln.strip()]
    p = tmp_path / "variant.saf"
    p.write_text("\n".join(head + [lines[k]] + body) + "\n")
    np.testing.assert_array_equal(read(p).data, read(src).data)
    q = tmp_path / "twice.saf"
    shutil.copy(p, q)
    q.write_text(q.read_text().replace("CH1_ID = EW", "CH1_ID = NS"))
    with pytest.raises(FileFormatError, match="twice"):
        read(q)


# -- the workflow step microtremor.hvsr on a CityShark file: the 'columns' setting -------------------
@pytest.mark.cluster
def test_cityshark_through_a_workflow_run(fmt, tmp_path):
    """A real run of microtremor.hvsr: with 'columns: ZNE' the record gives the API's f0 (Geopsy 0.828 Hz from windows);
    without it the item fails with the reader's refusal naming the setting; a bad order is refused at load."""
    import textwrap

    from distributed import Client

    from geoexplore.core.store import ProjectStore
    from geoexplore.pipeline.runner import local_cluster, run_workflow
    from geoexplore.pipeline.workflow import load_workflow

    inp = tmp_path / "input" / "microtremor"
    inp.mkdir(parents=True)
    shutil.copy(fmt / CITY, inp / CITY)

    def wf(settings: str, name: str):
        p = tmp_path / f"{name}.yaml"
        p.write_text(textwrap.dedent(f"""
            workflow: {name}
            input_dir: input
            line: shallow
            run: {{retries: 0}}
            steps:
              - id: hvsr
                step: microtremor.hvsr
                foreach: {{glob: "microtremor/*.202"}}
                settings: {settings}
            """))
        return p

    with local_cluster(1) as cl, Client(cl) as client:
        rep = run_workflow(wf("{columns: ZNE}", "city"), tmp_path / "out", client=client, figures=False, progress=lambda s: None)
        rep_none = run_workflow(wf("{}", "city_none"), tmp_path / "out_none", client=client, figures=False,
                                progress=lambda s: None)
    assert rep.ok and [r.status for r in rep.items] == ["done"]
    (key,) = [r.key for r in rep.items]
    got = ProjectStore(tmp_path / "out" / "project.h5").read(key)
    direct = process_record(read(fmt / CITY, columns="ZNE"), HvsrSettings())
    assert got.attrs["f0_hz"] == pytest.approx(direct.f0_hz, rel=1e-12)
    assert abs(got.attrs["f0_hz"] / 0.828221 - 1) < 0.02  # Geopsy's f0 from windows on the same record
    assert not rep_none.ok and [r.status for r in rep_none.items] == ["failed"]
    assert "does not state which of its 3 columns" in rep_none.items[0].error
    assert "setting 'columns: ZNE'" in rep_none.items[0].error and CITY in rep_none.items[0].error

    with pytest.raises(Exception, match="each of Z"):
        load_workflow(wf("{columns: ZNN}", "city_bad"))
