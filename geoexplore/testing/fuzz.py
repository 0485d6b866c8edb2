"""Fuzzing every file reader: mutated real files must read or fail cleanly.

For each format, seed files (real instrument files from the shared field-data
folder, the embedded Siping files, and files written by the project's own
writers, see :mod:`geoexplore.testing.seeds`) are mutated: bytes flipped or
overwritten, files truncated or extended, 2- and 4-byte words byte-swapped,
header regions overwritten with extreme values, lines duplicated or dropped.

A reader passes on a mutant when it either returns, or raises a
:class:`~geoexplore.core.errors.GeoexploreError` whose message names the file
and which carries a position (line, byte, record, key). Any other exception,
an error without a position, a time-out, a MemoryError or a crash of the
interpreter is a failure.

Input ``i`` of a format is a pure function of ``(seed, i)``, so a run is the
same on every machine and any input can be made again alone (``--only i``).
Each format runs in a child process under an address-space limit. Each input
has two watchdogs: an interval-timer alarm (raises a ``BaseException`` that no
reader's ``except Exception`` can swallow) and ``faulthandler``'s C-level
watchdog, which ends the child when a hang inside C code keeps the alarm from
being delivered. The child writes the index of the input it is on to a
progress file first, so the parent names the format, the input and its
mutation for a hang or a crash, and resumes with the next input.

Run it from the command line::

    python -m geoexplore.testing.fuzz --shared ../shared/data --n 20000 --seed 7       # the long run, every format
    python -m geoexplore.testing.fuzz --format segy --n 500                            # one format
    python -m geoexplore.testing.fuzz --format edi --only 1234 --seed 7 --keep bad     # keep input 1234 of that run

It prints one JSON line per format: inputs tried, clean errors, successes and
the failures (input index, mutation, exception, message). The exit status is 1
when anything failed, when a format has no seed file, or when fewer inputs
than asked were tried.
"""

from __future__ import annotations

import argparse
import faulthandler
import importlib
import json
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from geoexplore.testing.seeds import Seed, companion_path, generate

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Target:
    """A reader and the seed files it is fuzzed from.

    Seed specs: ``shared:REL`` (shared field-data folder), ``siping:REL``
    (``data/siping``), ``root:REL`` (the project), ``head:REL:N`` (first N
    lines of a shared file), ``gen:NAME`` (made by :mod:`geoexplore.testing.seeds`).
    ``position_re``: for readers whose error type has no ``position``
    attribute (the workflow loader's ``WorkflowError``), a pattern the message
    must match to count as positioned.
    """

    reader: str  # "module:function"
    seeds: tuple[str, ...]
    kwargs: tuple[tuple[str, Any], ...] = ()
    text: bool = False  # text formats also get line-level mutations
    position_re: str | None = None
    ci: bool = True  # in the CI-sized run of the default tests (False: the long run only)


def _siping(*rel: str) -> str:
    return "siping:" + "/".join(rel)


_SEIS = "geoexplore.seismic.io:read"
_ERT = "geoexplore.ert.io:read"
TARGETS: dict[str, Target] = {
    "segy": Target(_SEIS, ("shared:seismic/f3.sgy", "gen:segy")),
    "su": Target(_SEIS, ("shared:seismic/oz-ozdata16.su", "gen:su")),
    "seg2": Target(
        _SEIS,
        ("shared:seismic/su-329.seg2", "shared:seismic/wghs-shot10.seg2", "shared:seismic/geospace-File010690.seg2",
         _siping("refraction", "shot001.seg2")),
    ),
    "sgt": Target("geoexplore.seismic.io.sgt:read_sgt", ("shared:seismic/koenigsee.sgt", "gen:sgt"), text=True),
    "seismic-stations": Target("geoexplore.seismic.reflection.geometry:read_stations", (_siping("seismic", "stations.csv"),), text=True),
    "seismic-observer-log": Target("geoexplore.seismic.reflection.geometry:read_observer_log", (_siping("seismic", "observer_log.csv"),),
                                   text=True),
    "refraction-geometry": Target("geoexplore.seismic.refraction.pick_tables:read_geometry", ("gen:refraction_geometry",), text=True),
    "refraction-picks": Target("geoexplore.seismic.refraction.pick_tables:read_picks_csv", ("gen:refraction_picks",), text=True),
    "velocity-picks": Target("geoexplore.seismic.reflection.velocity:read_velocity_picks", ("gen:velocity_picks",), text=True),
    "velocity-handvel": Target("geoexplore.seismic.io.velocity_formats:read_handvel", ("root:tests/seismic/data/velocity.handvel",),
                               (("velocity_units", "m/s"), ("velocity_kind", "interval"), ("interval_at", "top")), text=True),
    "velocity-columns": Target("geoexplore.seismic.io.velocity_formats:read_columns", ("root:tests/seismic/data/velocity-depth.txt",),
                               (("interval_at", "base"),), text=True),
    "edi": Target(
        "geoexplore.mt.io.edi:read_edi",
        ("shared:mt/tf_edi_metronix.edi", "shared:mt/tf_edi_phoenix.edi", "shared:mt/tf_edi_quantec.edi", "shared:mt/tf_edi_empower.edi",
         _siping("mt", "edi", "SP22.edi")),
        text=True,
    ),
    "mt-tf": Target("geoexplore.mt.io:read_tf", (_siping("mt", "edi", "SP00.edi"), "shared:mt/emtf-result-test2r1.zrr"),
                    text=True),
    "emtf-xml": Target("geoexplore.mt.io.emtfxml:read_emtfxml", ("pkg:mt_metadata:data/transfer_functions/tf_xml_emtf_xml_iris.xml",),
                       text=True),
    "emtf-z": Target("geoexplore.mt.io.zfile:read_zfile", ("shared:mt/emtf-result-test1.zss", "shared:mt/emtf-result-test2r1.zrr"), text=True),
    "mt-ascii": Target("geoexplore.testing.seeds:read_mt_ascii", ("head:mt/emtf-synthetic-test1.asc:3000",), text=True),
    "mt-miniseed": Target("geoexplore.mt.io.miniseed:read_miniseed", ("gen:mt_miniseed",)),
    # HDF5 through mth5 and h5py: ~0.5 s per input, so in the long run only
    "mth5": Target("geoexplore.mt.io.mth5file:read_mth5", ("gen:mth5",), ci=False),
    "mt-sidecar": Target("geoexplore.testing.seeds:read_mt_sidecar", ("gen:mt_sidecar",), text=True),
    "miniseed": Target("geoexplore.microtremor.io:read", (_siping("microtremor", "hv_22025.mseed"),)),
    "sac": Target("geoexplore.testing.seeds:read_sac_components", ("gen:sac",)),
    "saf": Target("geoexplore.microtremor.io:read", ("gen:saf",), text=True),
    "gcf": Target("geoexplore.microtremor.io:read", ("shared:microtremor/formats/guralp-sample.gcf",)),
    "cityshark": Target("geoexplore.testing.seeds:read_cityshark_zne", ("gen:cityshark",), text=True),
    "peer": Target("geoexplore.testing.seeds:read_peer_components", ("gen:peer",), text=True),
    "geopsy-hv": Target("geoexplore.microtremor.io.geopsy:read_hv", ("shared:microtremor/UT_STN11_c050.hv", "shared:microtremor/sesame-ex4.hv", "gen:geopsy_hv"), text=True),
    "ert-unified": Target(_ERT, ("shared:ert/slagdump.ohm", "shared:ert/gallery.dat", "shared:ert/instruments/BERT_2D_topo.ohm",
                                 "gen:ert_unified"), text=True),
    "ert-syscal-bin": Target(_ERT, ("shared:ert/instruments/syscal-bin.bin",)),
    "ert-syscal-binx": Target(_ERT, ("shared:ert/instruments/syscal-bin.binx",)),
    "ert-syscal-csv": Target(_ERT, ("shared:ert/instruments/syscal-bin.csv", "shared:ert/instruments/syscal_ProsysIII_IP.csv"),
                             text=True),
    "ert-ares": Target(_ERT, ("shared:ert/instruments/ARESII.2dm",), text=True),
    "ert-lippmann": Target(_ERT, ("shared:ert/instruments/Lippmann_1.tx0",), text=True),
    "ert-electra": Target(_ERT, ("shared:ert/instruments/electraWenner.ele",), text=True),
    "ert-das1": Target(_ERT, ("shared:ert/instruments/DAS-1_2D_DC.data",), text=True),
    "ert-ohmpi": Target(_ERT, ("shared:ert/instruments/ohmpi.csv",), (("electrode_spacing_m", 1.0),), text=True),
    "ert-prime": Target(_ERT, ("shared:ert/instruments/bgs-prime2.tab",), (("electrode_spacing_m", 1.0),), text=True),
    "ert-abem": Target(_ERT, ("shared:ert/instruments/abem-lund-norm.ohm",), text=True),
    "ert-sting": Target(_ERT, ("shared:ert/instruments/sting_2D_noIP.stg",), text=True),
    "ert-res2dinv": Target(
        _ERT,
        ("shared:ert/instruments/res2dinv-dd.dat", "shared:ert/instruments/res2dinv-ga.dat",
         "shared:ert/instruments/res2dinv-ipgeneral.dat", "shared:ert/instruments/res2dinv_PoleDipole.DAT",
         "shared:ert/instruments/res2dinv-forward-error.dat",
         _siping("ert", "siping-ert-dd.dat")),
        text=True,
    ),
    "workflow": Target("geoexplore.testing.fuzz:_read_workflow", ("root:workflows/siping-segment.yaml",), text=True,
                       position_re=r"(line \d+|character \d+|byte \d+|top level|steps\[|'\w+'|\b(run|cluster)\.|input_dir"
                                   r"|a workflow must be a mapping)"),
    "model": Target("geoexplore.core.geomodel:load_model", (_siping("model.yaml"),), text=True),
    "fault-rules": Target("geoexplore.fault.rules:load_rules", ("root:geoexplore/fault/rules/gb50011-2010.yaml",), text=True),
    "stratigraphy": Target("geoexplore.testing.seeds:read_stratigraphy", ("gen:stratigraphy",), text=True),
    "cli-settings": Target("geoexplore.testing.seeds:read_cli_settings", ("gen:cli_settings",), text=True),
}


def _extra_targets() -> dict[str, Target]:
    """Targets added through the environment (``GEOEXPLORE_FUZZ_TARGETS``: JSON ``{name: {"reader": ..., "seeds": [...]}}``).

    For a plug-in's own reader, and for testing the harness with a reader that hangs or crashes.
    """
    raw = os.environ.get("GEOEXPLORE_FUZZ_TARGETS")
    if not raw:
        return {}
    return {name: Target(d["reader"], tuple(d["seeds"]), text=bool(d.get("text", False)), position_re=d.get("position_re"))
            for name, d in json.loads(raw).items()}


TARGETS.update(_extra_targets())


def _read_workflow(path: str) -> Any:
    """Workflow reader for fuzzing: validated against the embedded input folder."""
    from geoexplore.pipeline.workflow import load_workflow

    return load_workflow(path, input_dir=ROOT / "data" / "siping")


def resolve_seed(spec: str, shared: Path) -> list[Seed]:
    """The seed files of a spec (empty if the file is absent)."""
    kind, _, rel = spec.partition(":")
    if kind == "gen":
        return generate(rel)
    if kind == "head":
        rel, _, n = rel.rpartition(":")
        p = shared / rel
        if not p.exists():
            return []
        lines = p.read_bytes().splitlines(keepends=True)[: int(n)]
        return [Seed(b"".join(lines), p.suffix)]
    if kind == "file":  # an absolute path (targets added through the environment)
        p = Path(rel)
        return [Seed(p.read_bytes(), p.suffix)] if p.is_file() else []
    if kind == "pkg":
        pkg, _, rel = rel.partition(":")
        try:
            base = Path(importlib.import_module(pkg).__file__).parent  # type: ignore[arg-type]
        except ImportError:
            return []
    else:
        base = {"shared": shared, "siping": ROOT / "data" / "siping", "root": ROOT}[kind]
    p = base / rel
    if not p.exists():
        return []
    return [Seed(p.read_bytes(), p.suffix)]


# -- mutations --------------------------------------------------------------------------
def mutate(data: bytes, rng: np.random.Generator, text: bool) -> tuple[bytes, str]:
    """One random mutation of ``data``; returns (mutant, description)."""
    b = bytearray(data)
    n = len(b)
    kinds = ["flip", "overwrite", "truncate", "extend", "swap", "header", "zero-run", "multi"]
    if text:
        kinds += ["line-drop", "line-dup", "token", "token", "numbers"]
    kind = kinds[int(rng.integers(len(kinds)))]
    if n == 0:
        return bytes(rng.integers(0, 256, 64, dtype=np.uint8)), "random"
    if kind == "flip":
        k = int(rng.integers(1, 9))
        for _ in range(k):
            i = int(rng.integers(n))
            b[i] ^= 1 << int(rng.integers(8))
        return bytes(b), f"flip {k} bits"
    if kind == "overwrite":
        i = int(rng.integers(n))
        k = int(rng.integers(1, 17))
        b[i : i + k] = rng.integers(0, 256, k, dtype=np.uint8).tobytes()
        return bytes(b), f"overwrite {k} bytes at {i}"
    if kind == "truncate":
        i = int(rng.integers(0, n))
        return bytes(b[:i]), f"truncate at {i}"
    if kind == "extend":
        k = int(rng.integers(1, 4096))
        return bytes(b) + rng.integers(0, 256, k, dtype=np.uint8).tobytes(), f"extend by {k}"
    if kind == "swap":
        w = 2 if rng.random() < 0.5 else 4
        start = int(rng.integers(0, max(1, min(n, 4000) - w)))
        stop = min(n, start + w * int(rng.integers(1, 200)))
        seg = np.frombuffer(bytes(b[start:stop - (stop - start) % w]), dtype=np.uint8).reshape(-1, w)[:, ::-1]
        b[start : start + seg.size] = seg.tobytes()
        return bytes(b), f"byte-swap {w}-byte words {start}-{stop}"
    if kind == "header":
        # extreme values into the first 4 kB (where headers and counts live)
        i = int(rng.integers(0, max(1, min(n, 4096) - 4)))
        val = [b"\xff\xff\xff\xff", b"\x7f\xff\xff\xff", b"\x00\x00\x00\x00", b"\x80\x00\x00\x00", b"\x00\x01\x00\x00"][int(rng.integers(5))]
        b[i : i + 4] = val
        return bytes(b), f"header value {val.hex()} at {i}"
    if kind == "zero-run":
        i = int(rng.integers(n))
        k = int(rng.integers(1, 2048))
        b[i : i + k] = bytes(min(k, n - i))
        return bytes(b), f"zero {k} bytes at {i}"
    if kind == "multi":
        out, desc = bytes(b), []
        for _ in range(3):
            out, d = mutate(out, rng, text)
            desc.append(d)
        return out, " + ".join(desc)
    lines = bytes(b).splitlines(keepends=True)
    if not lines:
        return bytes(b), "noop"
    j = int(rng.integers(len(lines)))
    if kind == "line-drop":
        del lines[j]
        return b"".join(lines), f"drop line {j + 1}"
    if kind == "line-dup":
        lines.insert(j, lines[j])
        return b"".join(lines), f"duplicate line {j + 1}"
    tokens = [b"nan", b"inf", b"-1", b"0", b"1e308", b"99999999999999999999", b"", b"abc", b",", b"=", b"\x00", b"\xe9"]
    parts = lines[j].split()
    if kind == "numbers" and parts:
        k = int(rng.integers(len(parts)))
        parts[k] = tokens[int(rng.integers(len(tokens)))]
        lines[j] = b" ".join(parts) + b"\n"
        return b"".join(lines), f"replace token {k + 1} of line {j + 1}"
    tok = tokens[int(rng.integers(len(tokens)))]
    pos = int(rng.integers(len(lines[j]) + 1))
    lines[j] = lines[j][:pos] + tok + lines[j][pos:]
    return b"".join(lines), f"insert {tok!r} in line {j + 1}"


# -- running ------------------------------------------------------------------------------
@dataclass
class Outcome:
    format: str
    asked: int = 0
    tried: int = 0
    read_ok: int = 0
    clean_errors: int = 0
    without_position: int = 0
    failures: list[dict[str, Any]] = field(default_factory=list)
    no_position: list[dict[str, Any]] = field(default_factory=list)  # examples of errors without a position
    warned: int = 0  # inputs that read but made geoexplore code warn (not failures; listed to be looked at)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    seeds: int = 0
    missing_seeds: list[str] = field(default_factory=list)
    children: int = 0  # child processes used (more than one: a crash or hang ended one)
    cpu_seconds: float = 0.0  # CPU time of the fuzzing process(es), imports and warm-up included (machine load aside)


def _note_warnings(out: Outcome, desc: str, caught: list[Any]) -> None:
    ours = [w for w in caught if f"{os.sep}geoexplore{os.sep}" in str(w.filename)]
    if ours:
        out.warned += 1
        if len(out.warnings) < 10:
            w = ours[0]
            out.warnings.append({"mutation": desc, "warning": f"{w.category.__name__}: {w.message}"[:200],
                                 "where": f"{Path(w.filename).name}:{w.lineno}"})


class _Timeout(BaseException):
    """Raised by the per-input alarm; a BaseException so that no reader's ``except Exception`` swallows it."""


def _alarm(signum: int, frame: Any) -> None:
    raise _Timeout()


def error_position(exc: BaseException, target: Target) -> str | None:
    """The position a geoexplore error names: its ``position`` attribute, or (``position_re``) its message."""
    pos = getattr(exc, "position", None)
    if pos:
        return str(pos)
    if target.position_re:
        m = re.search(target.position_re, str(exc))
        if m:
            return m.group(0)
    return None


def make_input(name: str, seeds: list[Seed], seed: int, i: int) -> tuple[Seed, bytes, str]:
    """Input ``i`` of a format's run with ``seed``: (seed file, mutant bytes, mutation), independent of other inputs."""
    rng = np.random.default_rng([seed, i])
    s = seeds[int(rng.integers(len(seeds)))]
    mutant, desc = mutate(s.data, rng, TARGETS[name].text)
    return s, mutant, desc


def load_seeds(name: str, shared: Path) -> tuple[list[Seed], list[str]]:
    """(seed files, specs that resolved to nothing) of a format."""
    seeds, missing = [], []
    for spec in TARGETS[name].seeds:
        got = resolve_seed(spec, shared)
        seeds += got
        if not got:
            missing.append(spec)
    return seeds, missing


def run_format(name: str, n: int, seed: int, shared: Path, *, start: int = 0, time_limit_s: float = 20.0,
               max_failures: int = 20, keep_dir: Path | None = None, progress: Path | None = None,
               only: int | None = None) -> Outcome:
    """Fuzz inputs ``start .. n-1`` of one format in this process (see :func:`run_isolated` for the isolated run).

    ``keep_dir``: copy every input that failed (or raised an error without a
    position) there. ``progress``: before each input its index and mutation
    are written there (for the parent, should this process die). ``only``:
    run just that input.
    """
    from geoexplore.core.errors import GeoexploreError

    t = TARGETS[name]
    mod, _, fn = t.reader.partition(":")
    reader: Callable[..., Any] = getattr(importlib.import_module(mod), fn)
    seeds, missing = load_seeds(name, shared)
    out = Outcome(name, asked=n, seeds=len(seeds), missing_seeds=missing)
    if not seeds:
        return out

    def place(tmp: str, stem: str, s: Seed, data: bytes) -> Path:
        path = Path(tmp) / f"{stem}{s.suffix}"
        path.write_bytes(data)
        for ending, extra in s.companions:
            companion_path(path, ending).write_bytes(extra)
        return path

    # warm up on every seed: the first call of each code path pays for imports (mt_metadata takes
    # tens of seconds on a loaded machine), which is not the reader's time on a mutant
    with tempfile.TemporaryDirectory(prefix=f"fuzz-{name}-warm-") as tmp:
        for k, s in enumerate(seeds):
            try:
                reader(str(place(tmp, f"seed{k}", s, s.data)), **dict(t.kwargs))
            except GeoexploreError:
                pass
    t0 = time.perf_counter()
    n_kept = 0
    signal.signal(signal.SIGALRM, _alarm)
    prog = progress.open("w") if progress is not None else None
    indices = [only] if only is not None else range(start, n)
    with tempfile.TemporaryDirectory(prefix=f"fuzz-{name}-") as tmp:
        for i in indices:
            s, mutant, desc = make_input(name, seeds, seed, i)
            path = place(tmp, f"mutant-{i}", s, mutant)
            if prog is not None:
                prog.seek(0)
                prog.write(json.dumps({"input": i, "mutation": desc, "read_ok": out.read_ok, "clean_errors": out.clean_errors,
                                       "without_position": out.without_position, "warned": out.warned}) + "\n")
                prog.truncate()
                prog.flush()
            out.tried += 1
            if keep_dir is not None and only is not None:  # kept first: a hang or crash would end this process
                keep_dir.mkdir(parents=True, exist_ok=True)
                for q in path.parent.iterdir():
                    (keep_dir / q.name).write_bytes(q.read_bytes())
            # the C-level watchdog: ends this process (with a traceback on stderr) if the alarm cannot fire
            faulthandler.dump_traceback_later(2 * time_limit_s + 5, exit=True)
            signal.setitimer(signal.ITIMER_REAL, time_limit_s)
            fail: dict[str, Any] | None = None
            try:
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    reader(str(path), **dict(t.kwargs))
                signal.setitimer(signal.ITIMER_REAL, 0)
                _note_warnings(out, desc, caught)
                out.read_ok += 1
            except GeoexploreError as exc:
                signal.setitimer(signal.ITIMER_REAL, 0)
                msg = f"{type(exc).__name__}: {exc}"[:300]
                if path.name not in str(exc):
                    fail = {"error": msg, "why": "message does not name the file"}
                elif not error_position(exc, t):
                    out.without_position += 1
                    if len(out.no_position) < 10:
                        out.no_position.append({"input": i, "mutation": desc, "error": msg})
                    fail = {"error": msg, "why": "error without a position"}
                else:
                    out.clean_errors += 1
            except _Timeout:
                fail = {"error": f"no answer within {time_limit_s} s", "why": "hang"}
            except MemoryError:
                signal.setitimer(signal.ITIMER_REAL, 0)
                fail = {"error": "MemoryError", "why": "unbounded memory"}
            except Exception as exc:  # noqa: BLE001 - the point of fuzzing
                signal.setitimer(signal.ITIMER_REAL, 0)
                tb = traceback.extract_tb(exc.__traceback__)
                where = f"{Path(tb[-1].filename).name}:{tb[-1].lineno}" if tb else "?"
                fail = {"error": f"{type(exc).__name__}: {exc}"[:300], "where": where, "why": "uncaught"}
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
                faulthandler.cancel_dump_traceback_later()
            if fail is not None:
                out.failures.append({"input": i, "mutation": desc, **fail})
                if prog is not None:  # at once: should this process die later, the parent still has it
                    print("FAIL " + json.dumps(out.failures[-1]), flush=True)
            if keep_dir is not None and len(out.failures) > n_kept:
                keep_dir.mkdir(parents=True, exist_ok=True)
                (keep_dir / path.name).write_bytes(mutant)
                n_kept = len(out.failures)
            for q in path.parent.iterdir():
                q.unlink()
            if len(out.failures) >= max_failures:
                break
    if prog is not None:
        prog.close()
    out.seconds = round(time.perf_counter() - t0, 2)
    ru = resource.getrusage(resource.RUSAGE_SELF)
    out.cpu_seconds = round(ru.ru_utime + ru.ru_stime, 2)
    return out


def run_isolated(name: str, n: int, seed: int, shared: Path, *, memory_limit_mb: int = 4096, time_limit_s: float = 20.0,
                 timeout_s: float = 3600, max_failures: int = 20) -> dict[str, Any]:
    """Fuzz one format in child processes with a memory limit; a hang or crash is a failure naming its input.

    When a child dies (crash, out-of-memory kill, C-level hang caught by the
    watchdog) the input it was on is recorded as a failure and a new child goes
    on with the next input.
    """
    total = Outcome(name, asked=n)
    start = 0
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix=f"fuzz-{name}-progress-") as tmp:
        prog = Path(tmp) / "progress.json"
        while True:
            prog.write_text("")
            cmd = [sys.executable, "-X", "faulthandler", "-m", "geoexplore.testing.fuzz", "--format", name, "--n", str(n),
                   "--seed", str(seed), "--shared", str(shared), "--in-process", "--memory-limit-mb", str(memory_limit_mb),
                   "--start", str(start), "--progress", str(prog), "--time-limit-s", str(time_limit_s),
                   "--max-failures", str(max_failures - len(total.failures))]
            total.children += 1
            try:
                r = subprocess.run(cmd, capture_output=True, encoding="utf-8", errors="replace", timeout=timeout_s,
                                   env={**os.environ, "MPLBACKEND": "Agg"})
                rc, stdout, stderr = r.returncode, r.stdout, r.stderr
            except subprocess.TimeoutExpired as exc:
                rc, stdout, stderr = None, "", (exc.stderr or b"").decode(errors="replace") if isinstance(exc.stderr, bytes) else str(exc.stderr or "")
            lines = [ln for ln in stdout.splitlines() if ln.startswith("{")]
            if rc == 0 and lines:
                part = json.loads(lines[-1])
                for k in ("tried", "read_ok", "clean_errors", "without_position", "warned", "cpu_seconds"):
                    setattr(total, k, getattr(total, k) + part[k])
                total.failures += part["failures"]
                total.no_position += part["no_position"][: max(0, 10 - len(total.no_position))]
                total.warnings += part["warnings"][: max(0, 10 - len(total.warnings))]
                total.seeds, total.missing_seeds = part["seeds"], part["missing_seeds"]
                break
            # the child died: keep what it reported, name the input it was on, count it, and go on after it
            total.failures += [json.loads(ln[5:]) for ln in stdout.splitlines() if ln.startswith("FAIL {")]
            try:
                at = json.loads(prog.read_text() or "null")
            except ValueError:
                at = None
            why = ("hang (no answer; the process was ended)" if rc is None or "Timeout" in stderr
                   else f"interpreter crashed or was killed (exit status {rc})")
            if at is None:  # died before the first input (imports, seeds): nothing to resume
                total.failures.append({"why": why, "input": None, "stderr": stderr[-2000:]})
                break
            total.tried += at["input"] - start + 1
            for k in ("read_ok", "clean_errors", "without_position", "warned"):
                setattr(total, k, getattr(total, k) + at[k])
            total.failures.append({"input": at["input"], "mutation": at["mutation"], "why": why, "stderr": stderr[-1500:],
                                   "reproduce": f"python -m geoexplore.testing.fuzz --format {name} --seed {seed} --only {at['input']} --keep DIR"})
            start = at["input"] + 1
            if start >= n or len(total.failures) >= max_failures:
                break
    total.seconds = round(time.perf_counter() - t0, 2)
    return total.__dict__


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m geoexplore.testing.fuzz", description=__doc__.split("\n\n")[0])
    ap.add_argument("--format", action="append", choices=sorted(TARGETS), help="format(s) to fuzz (default: all)")
    ap.add_argument("--n", type=int, default=2000, help="inputs per format")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared" / "data"), help="the real field-data folder")
    ap.add_argument("--memory-limit-mb", type=int, default=4096)
    ap.add_argument("--time-limit-s", type=float, default=20.0, help="per input")
    ap.add_argument("--max-failures", type=int, default=20, help="stop a format after this many failures")
    ap.add_argument("--only", type=int, help="run just this input (with one --format; in this process)")
    ap.add_argument("--keep", help="folder to copy failing inputs to (with one --format; in this process)")
    ap.add_argument("--in-process", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--start", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--progress", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    shared = Path(args.shared)
    if args.keep or args.only is not None:
        if not args.format or len(args.format) != 1:
            ap.error("--keep and --only need exactly one --format")
        args.in_process = True
    if args.in_process:
        lim = args.memory_limit_mb * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (lim, lim))
        fmt = args.format[0]
        out = run_format(fmt, args.n, args.seed, shared, start=args.start, time_limit_s=args.time_limit_s,
                         max_failures=args.max_failures, keep_dir=Path(args.keep) if args.keep else None,
                         progress=Path(args.progress) if args.progress else None, only=args.only)
        print(json.dumps(out.__dict__), flush=True)
        return 0 if args.progress else int(bool(out.failures or out.missing_seeds))
    bad = 0
    for fmt in args.format or sorted(TARGETS):
        res = run_isolated(fmt, args.n, args.seed, shared, memory_limit_mb=args.memory_limit_mb,
                           time_limit_s=args.time_limit_s, max_failures=args.max_failures)
        if res["missing_seeds"] or not res["seeds"]:
            res["failures"].append({"why": "seed files missing", "missing": res["missing_seeds"] or list(TARGETS[fmt].seeds)})
        elif res["tried"] < args.n and not res["failures"]:
            res["failures"].append({"why": f"only {res['tried']} of {args.n} inputs tried"})
        bad += len(res["failures"])
        print(json.dumps(res), flush=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
