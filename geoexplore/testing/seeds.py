"""Seed files the fuzzer makes with the project's own writers, and reader wrappers for multi-file formats.

Formats without a real file in the shared data or in ``data/siping`` get
their seeds here, written by geoexplore's own writers (or ObsPy's SAC writer)
from the embedded Siping files. Those files are SYNTHETIC (see
``data/siping/*/README.md``); only the byte layout matters for fuzzing.

A generator returns a list of :class:`Seed`; ``companions`` are written next
to each mutant (same stem plus the given ending) and stay unmutated, so a
reader that needs several files (SAC components, miniSEED plus its side-car
YAML) is fuzzed one file at a time.
"""

from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
SIPING = ROOT / "data" / "siping"


@dataclass(frozen=True)
class Seed:
    data: bytes
    suffix: str
    companions: tuple[tuple[str, bytes], ...] = ()


def companion_path(path: Path, ending: str) -> Path:
    return path.with_name(path.stem + ending)


def _tmp_write(fn: Any, suffix: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="fuzz-seed-") as tmp:
        p = Path(tmp) / f"seed{suffix}"
        fn(p)
        return p.read_bytes()


# -- microtremor ------------------------------------------------------------------------
def _siping_record(n_samples: int = 3000) -> Any:
    from geoexplore.microtremor.io import Record, read_record

    r = read_record(SIPING / "microtremor" / "hv_22025.mseed")
    return Record(np.ascontiguousarray(r.data[:, :n_samples]), r.fs_hz, station=r.station, starttime=r.starttime,
                  channels=dict(r.channels))


def saf() -> list[Seed]:
    """A SAF file of the first 30 s of the embedded Siping H/V record (project writer)."""
    from geoexplore.microtremor.io import write_saf

    rec = _siping_record()
    return [Seed(_tmp_write(lambda p: write_saf(rec, p), ".saf"), ".saf")]


def sac() -> list[Seed]:
    """Three SAC files (one per component) of the embedded Siping H/V record (ObsPy's SAC writer).

    The mutant is one component; the other two are companions.
    """
    import obspy

    st = obspy.read(str(SIPING / "microtremor" / "hv_22025.mseed"), format="MSEED")
    files = {}
    for tr in st:
        tr.data = tr.data[:3000]
        buf = io.BytesIO()
        tr.write(buf, format="SAC")
        files[tr.stats.channel[-1]] = buf.getvalue()
    comps = sorted(files)
    return [Seed(files[c], ".sac", tuple((f"-{o}.sac", files[o]) for o in comps if o != c)) for c in comps]


def read_sac_components(path: str) -> Any:
    """Read a mutated SAC component together with its two companions (``read_record`` on a list)."""
    from geoexplore.microtremor.io import read_record

    p = Path(path)
    others = sorted(q for q in p.parent.glob(p.stem + "-*.sac"))
    return read_record([str(p), *map(str, others)])


def _counts(n_samples: int = 3000) -> tuple[Any, np.ndarray]:
    rec = _siping_record(n_samples)
    return rec, np.round(rec.data / np.max(np.abs(rec.data)) * 30000).astype(int)


def cityshark() -> list[Seed]:
    """The embedded Siping H/V record (first 30 s, scaled to integer counts) in the CityShark II and MiniShark layouts.

    Written here in the layout of ReadCity 3.0 exports (the shared CityShark file's header keys); SYNTHETIC samples.
    """
    rec, c = _counts()
    n = c.shape[1]
    keys = [("Original file name", "00010000.001"), ("ReadCity version", "3.0"), ("Station serial number", "001"),
            ("Channel number", "3"), ("Starting date", "26.06.2017"), ("Starting time", "10:00:00.000"),
            ("Ending date", "26.06.2017"), ("Ending time", f"10:00:{(n - 1) / rec.fs_hz:06.3f}"),
            ("Sample rate", f"{rec.fs_hz:g} Hz"), ("Sample number", str(n)), ("Conversion factor", "52428.8"),
            ("Gain", "512"), ("Maximum amplitude", "131072 / 131072")]
    rows = "\n".join("\t".join(str(v) for v in row) for row in c[[2, 0, 1]].T) + "\n"
    city = "\n".join(f"{k}: {v}" for k, v in keys) + "\n" + rows
    mini = "\n".join(f"#{k}:\t{v}" for k, v in keys) + "\n" + rows
    return [Seed(city.encode(), ".001"), Seed(mini.encode(), ".minishark")]


def read_cityshark_zne(path: str) -> Any:
    """A CityShark mutant read with its column order given (the file does not state it)."""
    from geoexplore.microtremor.io import read_record

    return read_record(path, columns="ZNE")


def peer() -> list[Seed]:
    """Three PEER velocity files (UP, 90, 360) of the embedded Siping record (first 30 s), in the NGA layout; SYNTHETIC samples.

    The mutant is one component; the other two are companions.
    """
    rec, _ = _counts()
    files = {}
    for comp, row in (("360", rec.data[0]), ("090", rec.data[1]), ("UP", rec.data[2])):
        v = row / np.max(np.abs(rec.data))
        body = "".join(f"{x:15.7E}" + ("\n" if (i + 1) % 5 == 0 or i + 1 == v.size else "") for i, x in enumerate(v))
        head = (f"PEER NGA STRONG MOTION DATABASE RECORD\nSiping synthetic, 1/1/2020, SP22, {comp.lstrip('0')}\n"
                f"VELOCITY TIME SERIES IN UNITS OF CM/S\nNPTS= {v.size:6d}, DT= {1 / rec.fs_hz:8.4f} SEC\n")
        files[comp] = (head + body).encode()
    comps = sorted(files)
    return [Seed(files[c], ".vt2", tuple((f"-{o}.vt2", files[o]) for o in comps if o != c)) for c in comps]


def read_peer_components(path: str) -> Any:
    """Read a mutated PEER component together with its two companions (``read_record`` on a list)."""
    from geoexplore.microtremor.io import read_record

    p = Path(path)
    others = sorted(q for q in p.parent.glob(p.stem + "-*.vt2"))
    return read_record([str(p), *map(str, others)])


# -- MT time series -------------------------------------------------------------------------
def _mt_files(n_records: int = 24) -> tuple[bytes, bytes]:
    """The embedded MT03 miniSEED cut to its first records per channel (project writer) and its side-car."""
    from geoexplore.mt.io.miniseed import read_miniseed, write_miniseed
    from geoexplore.mt.tsdata import with_data

    ts = read_miniseed(SIPING / "mt" / "timeseries" / "MT03.mseed")
    short = with_data(ts, ts.data[:, : min(ts.n_samples, 4000)])
    with tempfile.TemporaryDirectory(prefix="fuzz-seed-") as tmp:
        p = Path(tmp) / "seed.mseed"
        write_miniseed(short, p)
        return p.read_bytes(), p.with_suffix(".yaml").read_bytes()


def mt_miniseed() -> list[Seed]:
    ms, side = _mt_files()
    return [Seed(ms, ".mseed", ((".yaml", side),))]


def mt_sidecar() -> list[Seed]:
    ms, side = _mt_files()
    return [Seed(side, ".yaml", ((".mseed", ms),))]


def read_mt_sidecar(path: str) -> Any:
    """The MT miniSEED reader on the intact miniSEED whose side-car YAML is the mutant."""
    from geoexplore.mt.io.miniseed import read_miniseed

    return read_miniseed(companion_path(Path(path), ".mseed"))


def mth5() -> list[Seed]:
    """An MTH5 file of EMTF's synthetic station test1, made by mth5's own maker (a peer writer; SYNTHETIC data)."""
    from mth5.data.make_mth5_from_asc import create_test1_h5

    with tempfile.TemporaryDirectory(prefix="fuzz-seed-") as tmp:
        return [Seed(Path(create_test1_h5(target_folder=tmp, force_make_mth5=True)).read_bytes(), ".h5")]


# -- refraction picks -----------------------------------------------------------------------
def refraction_picks() -> list[Seed]:
    """A picks table of one embedded Siping refraction shot (the project's picker and writer)."""
    from geoexplore.seismic import io as sio
    from geoexplore.seismic.refraction.pick_tables import pick_file, write_picks_csv

    table = pick_file(sio.read(SIPING / "refraction" / "shot001.seg2"))
    return [Seed(_tmp_write(lambda p: write_picks_csv(table, p), ".csv"), ".csv")]


def refraction_geometry() -> list[Seed]:
    """A geometry table (one row per channel) of an embedded refraction shot, from its SEG-2 headers."""
    import pandas as pd

    from geoexplore.seismic import io as sio
    from geoexplore.seismic.refraction.pick_tables import (
        GEOMETRY_COLUMNS,
        gather_geometry,
    )

    g = sio.read(SIPING / "refraction" / "shot001.seg2")
    geo = gather_geometry(g)
    df = pd.DataFrame({"trace": np.arange(1, g.sizes["trace"] + 1), **geo})
    df["file"] = "shot001.seg2"
    return [Seed(df.loc[:, [*GEOMETRY_COLUMNS, "file"]].to_csv(index=False, float_format="%.3f").encode(), ".csv")]


def velocity_picks() -> list[Seed]:
    """A velocity-picks table (SYNTHETIC values: a linear Vrms(t) law at 12 CMPs) written by the project's writer."""
    from geoexplore.seismic.reflection.velocity import write_velocity_picks

    cdp = np.repeat(np.arange(100, 1300, 100), 4)
    t = np.tile([0.1, 0.4, 0.8, 1.5], 12)
    picks = {"cdp": cdp, "chainage_m": 21000.0 + 5.0 * cdp, "time_s": t, "vrms_m_s": 1600.0 + 900.0 * t}
    return [Seed(_tmp_write(lambda p: write_velocity_picks(picks, p), ".csv"), ".csv")]


# -- fault ----------------------------------------------------------------------------------
def stratigraphy() -> list[Seed]:
    """A borehole table (SYNTHETIC: unit bases of the Siping model at three chainages)."""
    from geoexplore.core.geomodel import load_model

    m = load_model(SIPING / "model.yaml")
    lines = ["borehole,chainage_m,unit,base_depth_m,age_top_ka,age_base_ka,age_sigma_ka,label"]
    for k, ch in enumerate((21500.0, 22000.0, 22500.0)):
        for u in m.units:
            base = "" if u is m.units[-1] else f"{float(m.interface_depth(u.name, ch)):.2f}"
            age_base = "" if u.age_base_ka is None else f"{u.age_base_ka:g}"
            lines.append(f"ZK{k + 1},{ch:.1f},{u.name},{base},{u.age_top_ka:g},{age_base},0,{u.label}")
    return [Seed(("\n".join(lines) + "\n").encode(), ".csv")]


def read_stratigraphy(path: str) -> Any:
    from geoexplore.fault.activity import Stratigraphy

    return Stratigraphy.from_table(path)


# -- command-line settings files -----------------------------------------------------------
#: loader name -> (module:function of the command-line loader, settings class, file suffix of the seed)
SETTINGS_LOADERS = {
    "ert": ("geoexplore.ert.cli:load_settings", "geoexplore.ert.settings:ErtSettings", ".json"),
    "hvsr": ("geoexplore.core.yamlio:load_settings_file", "geoexplore.microtremor.settings:HvsrSettings", ".yaml"),
    "mt": ("geoexplore.core.yamlio:load_settings_file", "geoexplore.mt.settings:ProcessingSettings", ".yaml"),
    "pick": ("geoexplore.core.yamlio:load_settings_file", "geoexplore.seismic.settings:PickSettings", ".json"),
    "tomo": ("geoexplore.core.yamlio:load_settings_file", "geoexplore.seismic.settings:TomoSettings", ".yaml"),
}


def _obj(spec: str) -> Any:
    import importlib

    mod, _, name = spec.partition(":")
    return getattr(importlib.import_module(mod), name)


def cli_settings() -> list[Seed]:
    """Each command-line settings file: the settings' defaults as the project writes them (``to_json``), as JSON or YAML."""
    import json

    import yaml

    out = []
    for name, (_, cls, suffix) in SETTINGS_LOADERS.items():
        text = _obj(cls)().to_json()
        data = text.encode() if suffix == ".json" else yaml.safe_dump(json.loads(text), sort_keys=False).encode()
        out.append(Seed(data, suffix, ((".loader", name.encode()),)))
    return out


def read_cli_settings(path: str) -> Any:
    """The command-line settings loader named by the mutant's ``.loader`` companion, on the mutant."""
    name = companion_path(Path(path), ".loader").read_text()
    loader, cls, _ = SETTINGS_LOADERS[name]
    fn = _obj(loader)
    return fn(path, _obj(cls)) if name != "ert" else fn(path)


# -- embedded stand-ins for formats whose real seeds are in the shared data -----------------
# (so the CI-sized fuzz run has seeds on a machine without ../shared/data)
def _siping_shot(n_traces: int = 24) -> Any:
    from geoexplore.seismic import io as sio

    g = sio.read(SIPING / "seismic" / "shots" / "shot_0001.sg2")
    return g.isel(trace=slice(0, n_traces))


def segy() -> list[Seed]:
    """24 traces of an embedded Siping shot written as SEG-Y (rev 1, IBM floats, big-endian) by the project's writer."""
    from geoexplore.seismic import io as sio

    g = _siping_shot()
    return [Seed(_tmp_write(lambda p: sio.write(g, p, format="segy"), ".sgy"), ".sgy")]


def su() -> list[Seed]:
    """The same 24 traces as Seismic Unix (little-endian), by the project's writer."""
    from geoexplore.seismic import io as sio

    g = _siping_shot()
    return [Seed(_tmp_write(lambda p: sio.write(g, p, format="su"), ".su"), ".su")]


def ert_unified() -> list[Seed]:
    """The embedded Siping dipole-dipole line (RES2DINV) written in the unified data format (.ohm)."""
    from geoexplore.ert import io as eio

    d = eio.read(SIPING / "ert" / "siping-ert-dd.dat")
    return [Seed(_tmp_write(lambda p: eio.write(d, p, format="unified"), ".ohm"), ".ohm")]


def sgt() -> list[Seed]:
    """First-break picks of an embedded refraction shot as a pyGIMLi .sgt file (project picker and writer)."""
    from geoexplore.seismic import io as sio
    from geoexplore.seismic.io.sgt import write_sgt
    from geoexplore.seismic.refraction.pick_tables import pick_file, table_to_traveltime

    tt = table_to_traveltime(pick_file(sio.read(SIPING / "refraction" / "shot001.seg2")))
    return [Seed(_tmp_write(lambda p: write_sgt(tt, p), ".sgt"), ".sgt")]


def geopsy_hv() -> list[Seed]:
    """A Geopsy .hv file (project writer) of a SYNTHETIC H/V: the SH transfer of 100 m of 300 m/s over 800 m/s."""
    from geoexplore.microtremor.io.geopsy import HvFile, write_hv
    from geoexplore.microtremor.transfer import sh_transfer

    f = np.geomspace(0.2, 20.0, 120)
    amp = np.abs(sh_transfer(f, np.array([100.0, 0.0]), np.array([300.0, 800.0]), np.array([1900.0, 2200.0]), 0.02))
    k = int(np.argmax(amp))
    hv = HvFile.from_median(f, amp, np.full(f.size, 0.2), n_windows=20, f0_average_hz=float(f[k]),
                            f0_windows_hz=(float(f[k]), 0.9 * float(f[k]), 1.1 * float(f[k])), peak_amplitude=float(amp[k]))
    return [Seed(_tmp_write(lambda p: write_hv(hv, p), ".hv"), ".hv")]


GENERATORS = {f.__name__: f for f in (saf, sac, mt_miniseed, mt_sidecar, refraction_picks, refraction_geometry,
                                      velocity_picks, stratigraphy, cli_settings, mth5, segy, su, ert_unified, sgt,
                                      geopsy_hv, cityshark, peer)}


def generate(name: str) -> list[Seed]:
    return GENERATORS[name]()


__all__ = ["GENERATORS", "Seed", "companion_path", "generate"]


def read_mt_ascii(path: str) -> Any:
    """An MT ASCII mutant read with the EMTF synthetic layout given (bare columns state no rate or channel order)."""
    from geoexplore.mt.io.ascii import EMTF_SYNTHETIC_METADATA, read_ascii

    return read_ascii(path, metadata=EMTF_SYNTHETIC_METADATA)
