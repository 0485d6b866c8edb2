"""Fuzzing every file reader: mutated real files must read or fail cleanly.

For each format, seed files (real instrument files from the shared field-data
folder and the embedded survey) are mutated: bytes flipped or overwritten,
files truncated or extended, 2- and 4-byte words byte-swapped, header regions
overwritten with extreme values, lines duplicated or dropped. Each mutant is
given to the reader with a time limit; the process runs under a memory limit.

A reader passes on a mutant when it either returns, or raises a
:class:`~geoexplore.core.errors.GeoexploreError` whose message names the file
(and, for :class:`~geoexplore.core.errors.FileFormatError`, a position). Any
other exception, a time-out, or a crash of the interpreter is a failure.

Run it from the command line (each format in its own process)::

    python -m geoexplore.testing.fuzz --shared ../shared/data --n 20000 --seed 1     # the long run
    python -m geoexplore.testing.fuzz --format segy --n 500                           # one format
    python -m geoexplore.testing.fuzz --format edi --n 500 --keep edi-bad       # keep failing inputs

It prints one JSON line per format: inputs tried, clean errors, successes and
the failures (mutation, exception, message).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
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

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Target:
    """A reader and the seed files it is fuzzed from (paths relative to the shared or embedded data)."""

    reader: str  # "module:function"
    seeds: tuple[str, ...]
    kwargs: tuple[tuple[str, Any], ...] = ()
    text: bool = False  # text formats also get line-level mutations


def _siping(*rel: str) -> str:
    return "siping:" + "/".join(rel)


TARGETS: dict[str, Target] = {
    "segy": Target("geoexplore.seismic.io:read", ("shared:seismic/f3.sgy",)),
    "su": Target("geoexplore.seismic.io:read", ("shared:seismic/oz-ozdata16.su",)),
    "seg2": Target(
        "geoexplore.seismic.io:read",
        ("shared:seismic/su-329.seg2", "shared:seismic/wghs-shot10.seg2", "shared:seismic/geospace-File010690.seg2"),
    ),
    "sgt": Target("geoexplore.seismic.sgt:read_sgt", ("shared:seismic/koenigsee.sgt",), text=True),
    "edi": Target(
        "geoexplore.mt.edi:read_edi",
        ("shared:mt/tf_edi_metronix.edi", "shared:mt/tf_edi_phoenix.edi", "shared:mt/tf_edi_quantec.edi", "shared:mt/tf_edi_empower.edi"),
        text=True,
    ),
    "emtf-z": Target("geoexplore.mt.zfile:read_zfile", ("shared:mt/emtf-result-test1.zss", "shared:mt/emtf-result-test2r1.zrr"), text=True),
    "mt-ascii": Target("geoexplore.mt.timeseries:read_timeseries", ("head:mt/emtf-synthetic-test1.asc:3000",), text=True),
    "miniseed": Target("geoexplore.microtremor.io:read_record", (_siping("microtremor", "hv_22025.mseed"),)),
    "geopsy-hv": Target("geoexplore.microtremor.geopsy:read_hv", ("shared:microtremor/UT_STN11_c050.hv", "shared:microtremor/sesame-ex4.hv"), text=True),
    "ert-unified": Target("geoexplore.ert.io:read", ("shared:ert/slagdump.ohm", "shared:ert/gallery.dat", "shared:ert/instruments/BERT_2D_topo.ohm"), text=True),
    "ert-syscal-bin": Target("geoexplore.ert.io:read", ("shared:ert/instruments/syscal-bin.bin",)),
    "ert-syscal-csv": Target("geoexplore.ert.io:read", ("shared:ert/instruments/syscal-bin.csv",), text=True),
    "ert-abem": Target("geoexplore.ert.io:read", ("shared:ert/instruments/abem-lund-norm.ohm",), text=True),
    "ert-sting": Target("geoexplore.ert.io:read", ("shared:ert/instruments/sting_2D_noIP.stg",), text=True),
    "ert-res2dinv": Target(
        "geoexplore.ert.io:read",
        ("shared:ert/instruments/res2dinv-dd.dat", "shared:ert/instruments/res2dinv-ga.dat",
         "shared:ert/instruments/res2dinv-ipgeneral.dat", "shared:ert/instruments/res2dinv_PoleDipole.DAT"),
        text=True,
    ),
    "workflow": Target("geoexplore.testing.fuzz:_read_workflow", ("root:workflows/siping-segment.yaml",), text=True),
    "model": Target("geoexplore.core.geomodel:load_model", (_siping("model.yaml"),), text=True),
}


def _read_workflow(path: str) -> Any:
    """Workflow reader for fuzzing: validated against the embedded input folder."""
    from geoexplore.pipeline.workflow import load_workflow

    return load_workflow(path, input_dir=ROOT / "data" / "siping")


def resolve_seed(spec: str, shared: Path) -> tuple[bytes, str] | None:
    """The bytes and file suffix of a seed spec; None if the file is absent."""
    kind, _, rel = spec.partition(":")
    if kind == "head":
        rel, _, n = rel.rpartition(":")
        p = shared / rel
        if not p.exists():
            return None
        lines = p.read_bytes().splitlines(keepends=True)[: int(n)]
        return b"".join(lines), p.suffix
    base = {"shared": shared, "siping": ROOT / "data" / "siping", "root": ROOT}[kind]
    p = base / rel
    if not p.exists():
        return None
    return p.read_bytes(), p.suffix


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
    tried: int = 0
    read_ok: int = 0
    clean_errors: int = 0
    without_position: int = 0
    failures: list[dict[str, Any]] = field(default_factory=list)
    no_position: list[dict[str, Any]] = field(default_factory=list)  # examples of FileFormatErrors without a position
    warned: int = 0  # inputs that read but made geoexplore code warn (not failures; listed to be looked at)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    seeds: int = 0


def _note_warnings(out: Outcome, desc: str, caught: list[Any]) -> None:
    ours = [w for w in caught if f"{os.sep}geoexplore{os.sep}" in str(w.filename)]
    if ours:
        out.warned += 1
        if len(out.warnings) < 10:
            w = ours[0]
            out.warnings.append({"mutation": desc, "warning": f"{w.category.__name__}: {w.message}"[:200],
                                 "where": f"{Path(w.filename).name}:{w.lineno}"})


class _Timeout(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise _Timeout()


def run_format(name: str, n: int, seed: int, shared: Path, *, time_limit_s: float = 20.0, budget_s: float | None = None,
               max_failures: int = 20, keep_dir: Path | None = None, require_position: bool = True) -> Outcome:
    """Fuzz one format in this process (see :func:`main` for the isolated run).

    ``keep_dir``: copy every input that failed (or raised an error without a
    position) there, to reproduce it with the reader alone. With
    ``require_position`` (the default) a FileFormatError without a position is
    a failure.
    """
    from geoexplore.core.errors import FileFormatError, GeoexploreError

    t = TARGETS[name]
    mod, _, fn = t.reader.partition(":")
    reader: Callable[..., Any] = getattr(importlib.import_module(mod), fn)
    seeds = [s for s in (resolve_seed(spec, shared) for spec in t.seeds) if s is not None]
    out = Outcome(name, seeds=len(seeds))
    if not seeds:
        return out
    rng = np.random.default_rng(seed)
    # warm up on every seed: the first call of each code path pays for imports (mt_metadata takes
    # tens of seconds on a loaded machine), which is not the reader's time on a mutant
    with tempfile.TemporaryDirectory(prefix=f"fuzz-{name}-warm-") as tmp:
        for k, (data, suffix) in enumerate(seeds):
            warm = Path(tmp) / f"seed{k}{suffix}"
            warm.write_bytes(data)
            try:
                reader(str(warm), **dict(t.kwargs))
            except GeoexploreError:
                pass
    t0 = time.perf_counter()
    n_kept = 0
    signal.signal(signal.SIGALRM, _alarm)
    with tempfile.TemporaryDirectory(prefix=f"fuzz-{name}-") as tmp:
        for i in range(n):
            if budget_s is not None and time.perf_counter() - t0 > budget_s:
                break
            data, suffix = seeds[int(rng.integers(len(seeds)))]
            mutant, desc = mutate(data, rng, t.text)
            path = Path(tmp) / f"mutant-{i}{suffix}"
            path.write_bytes(mutant)
            out.tried += 1
            signal.setitimer(signal.ITIMER_REAL, time_limit_s)
            try:
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    reader(str(path), **dict(t.kwargs))
                _note_warnings(out, desc, caught)
                out.read_ok += 1
            except GeoexploreError as exc:
                if path.name not in str(exc):
                    out.failures.append({"mutation": desc, "error": f"{type(exc).__name__}: {exc}", "why": "message does not name the file"})
                elif isinstance(exc, FileFormatError) and not exc.position:
                    out.without_position += 1
                    if len(out.no_position) < 10:
                        out.no_position.append({"mutation": desc, "error": f"{type(exc).__name__}: {exc}"[:300]})
                    if require_position:
                        out.failures.append({"mutation": desc, "error": f"{type(exc).__name__}: {exc}"[:300],
                                             "why": "FileFormatError without a position"})
                    else:
                        out.clean_errors += 1
                else:
                    out.clean_errors += 1
            except _Timeout:
                out.failures.append({"mutation": desc, "error": f"no answer within {time_limit_s} s", "why": "hang"})
            except MemoryError:
                out.failures.append({"mutation": desc, "error": "MemoryError", "why": "unbounded memory"})
            except Exception as exc:  # noqa: BLE001 - the point of fuzzing
                tb = traceback.extract_tb(exc.__traceback__)
                where = f"{Path(tb[-1].filename).name}:{tb[-1].lineno}" if tb else "?"
                out.failures.append({"mutation": desc, "error": f"{type(exc).__name__}: {exc}"[:300], "where": where, "why": "uncaught"})
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
                if keep_dir is not None and (len(out.failures) + out.without_position) > n_kept:
                    keep_dir.mkdir(parents=True, exist_ok=True)
                    (keep_dir / path.name).write_bytes(mutant)
                    n_kept = len(out.failures) + out.without_position
                path.unlink(missing_ok=True)
            if len(out.failures) >= max_failures:
                break
    out.seconds = round(time.perf_counter() - t0, 2)
    return out


def run_isolated(name: str, n: int, seed: int, shared: Path, *, memory_limit_mb: int = 4096, budget_s: float | None = None,
                 timeout_s: float = 1800) -> dict[str, Any]:
    """Fuzz one format in a child process with a memory limit; a crash of the interpreter is a failure."""
    cmd = [sys.executable, "-m", "geoexplore.testing.fuzz", "--format", name, "--n", str(n), "--seed", str(seed),
           "--shared", str(shared), "--in-process", "--memory-limit-mb", str(memory_limit_mb)]
    if budget_s is not None:
        cmd += ["--budget-s", str(budget_s)]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s, env={**os.environ, "MPLBACKEND": "Agg"})
    lines = [ln for ln in r.stdout.splitlines() if ln.startswith("{")]
    if r.returncode != 0 or not lines:
        return {"format": name, "tried": 0, "failures": [{"why": "interpreter crashed or aborted", "returncode": r.returncode,
                                                          "stderr": r.stderr[-2000:]}]}
    return json.loads(lines[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m geoexplore.testing.fuzz", description=__doc__.split("\n\n")[0])
    ap.add_argument("--format", action="append", choices=sorted(TARGETS), help="format(s) to fuzz (default: all)")
    ap.add_argument("--n", type=int, default=2000, help="inputs per format")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared" / "data"), help="the real field-data folder")
    ap.add_argument("--memory-limit-mb", type=int, default=4096)
    ap.add_argument("--budget-s", type=float, help="stop a format after this many seconds")
    ap.add_argument("--keep", help="folder to copy failing inputs to (with --format, in this process)")
    ap.add_argument("--in-process", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    shared = Path(args.shared)
    if args.keep:
        if not args.format or len(args.format) != 1:
            ap.error("--keep needs exactly one --format")
        args.in_process = True
    if args.in_process:
        lim = args.memory_limit_mb * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (lim, lim))
        fmt = args.format[0]
        out = run_format(fmt, args.n, args.seed, shared, budget_s=args.budget_s, keep_dir=Path(args.keep) if args.keep else None)
        print(json.dumps(out.__dict__))
        return 0
    bad = 0
    for fmt in args.format or sorted(TARGETS):
        res = run_isolated(fmt, args.n, args.seed, shared, memory_limit_mb=args.memory_limit_mb, budget_s=args.budget_s)
        bad += len(res.get("failures", []))
        print(json.dumps(res), flush=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
