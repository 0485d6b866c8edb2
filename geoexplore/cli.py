"""The ``geoexplore`` command line: parses, then calls the public API.

Exit codes: 0 success; 1 error (one line on stderr saying why); 2 usage
error; 3 the run finished but some items failed (listed); 130 interrupted
(the table in docs/first-run.md). Every command's ``--help`` ends with
examples (:data:`EXAMPLES`); ``run``, ``demo``, ``validate``, ``info``,
``steps``, ``figure``, ``assess`` and ``report`` take ``--json`` for a
machine-readable summary on stdout.

Method packages add their own sub-commands (``geoexplore seismic ...``,
``geoexplore mt ...``, ``geoexplore ert ...``, ``geoexplore hvsr ...``)
through a module ``geoexplore.<package>.cli`` with a function
``add_commands(subparsers)``; each handler takes the parsed arguments and
returns an exit code. ``geoexplore assess`` and ``geoexplore report`` come
from :mod:`geoexplore.report.cli`.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from geoexplore.core.errors import EXIT_ERROR, EXIT_OK, EXIT_PARTIAL, EXIT_USAGE

COMMAND_MODULES = (
    "geoexplore.seismic.cli",
    "geoexplore.mt.cli",
    "geoexplore.ert.cli",
    "geoexplore.microtremor.cli",
    "geoexplore.report.cli",
)


def repo_root() -> Path:
    """The source checkout holding workflows/ and data/ (for ``demo``)."""
    return Path(__file__).resolve().parent.parent


def _setup_logging(verbose: int) -> None:
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("geoexplore").setLevel(level)
    noisy = ("distributed", "tornado", "asyncio", "bokeh", "pyGIMLi", "mt_metadata", "mth5", "numba", "fsspec")

    def quiet(record: logging.LogRecord) -> bool:
        # Dask and friends reset their own logger levels; filter at the handler instead
        return record.levelno >= logging.ERROR or not record.name.split(".", 1)[0] in noisy

    for h in logging.getLogger().handlers:
        h.addFilter(quiet)


def _say(msg: str) -> None:
    print(msg, flush=True)


# -- commands -------------------------------------------------------------------
def cmd_info(args: argparse.Namespace) -> int:
    from importlib.metadata import PackageNotFoundError, version

    import geoexplore

    pkgs: dict[str, str] = {}
    for pkg in ("numpy", "scipy", "xarray", "dask", "distributed", "h5py", "h5netcdf", "obspy", "pygimli", "simpeg",
                "mtpy-v2", "mt_metadata", "matplotlib", "pyproj", "segyio", "disba", "dask-jobqueue"):
        try:
            pkgs[pkg] = version(pkg)
        except PackageNotFoundError:
            pkgs[pkg] = "not installed"
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover
        n = os.cpu_count()
    try:
        import psutil

        mem_gib: float | None = round(psutil.virtual_memory().total / 2**30, 1)
    except ImportError:  # pragma: no cover
        mem_gib = None
    from geoexplore.viz.i18n import cjk_font

    font = cjk_font()
    if getattr(args, "json", False):
        _print_json({"command": "info", "exit_code": EXIT_OK, "geoexplore": geoexplore.__version__, "python": sys.version.split()[0],
                     "packages": pkgs, "cpus": n, "memory_gib": mem_gib, "cjk_font": font})
        return EXIT_OK
    print(f"geoexplore {geoexplore.__version__}")
    print(f"python {sys.version.split()[0]}")
    for pkg, v in pkgs.items():
        print(f"  {pkg:14s} {v}")
    print(f"cpus {n}")
    if mem_gib is not None:
        print(f"memory {mem_gib:.1f} GiB")
    print(f"CJK font for Chinese figures: {font or 'none (Chinese figures get English labels; install fonts-noto-cjk)'}")
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from geoexplore.pipeline.workflow import load_workflow

    wf = load_workflow(args.workflow, input_dir=args.input_dir)
    if getattr(args, "json", False):
        _print_json({"command": "validate", "exit_code": EXIT_OK, "valid": True, "workflow": str(wf.path), "name": wf.name,
                     "input_dir": str(wf.input_dir),
                     "steps": [{"id": s.id, "step": s.spec.name, "line": s.line, "foreach": s.foreach,
                                "inputs": {n: r.step_id for n, r in s.inputs.items()}} for s in wf.steps]})
        return EXIT_OK
    _say(f"{wf.path}: valid workflow '{wf.name}', {len(wf.steps)} steps, input {wf.input_dir}")
    for s in wf.steps:
        fo = f" foreach {json.dumps(s.foreach)}" if s.foreach else ""
        ins = ", ".join(f"{n} <- {r.step_id}{'[item]' if r.same_item else ''}{'?' if r.optional else ''}" for n, r in s.inputs.items())
        _say(f"  {s.id}: {s.spec.name} (line {s.line}){fo}" + (f" inputs {ins}" if ins else ""))
    return EXIT_OK


def _run(workflow: Path, args: argparse.Namespace, input_dir: str | None = None) -> int:
    from geoexplore.pipeline.progress import RunProgress
    from geoexplore.pipeline.runner import run_workflow
    from geoexplore.pipeline.workflow import load_workflow

    wf = load_workflow(workflow, input_dir=input_dir)
    as_json = getattr(args, "json", False)
    say = _err if as_json else _say  # with --json, stdout holds the JSON summary only
    with RunProgress(sys.stderr if as_json else sys.stdout, verbose=args.verbose > 0) as progress:
        report = run_workflow(
            wf,
            args.out,
            scheduler=args.scheduler,
            n_workers=args.workers,
            resume=args.resume,
            progress=progress,
            figures=not getattr(args, "no_figures", False),
            security=_tls_options(args),
        )
    out = Path(args.out)
    page = _run_page(out, wf.input_dir)
    say(f"run record: {out / 'run.json'}")
    if page is not None:
        say(f"run page: {page}")
    code = EXIT_OK if report.ok else EXIT_PARTIAL
    if as_json:
        _print_json({"command": args.command, "exit_code": code, "ok": report.ok, "workflow": str(wf.path),
                     "out_dir": str(out.resolve()), "store": str((out / "project.h5").resolve()),
                     "run_json": str((out / "run.json").resolve()), "run_page": str(page.resolve()) if page else None,
                     "counts": report.counts(), "started_utc": report.started_utc, "finished_utc": report.finished_utc,
                     "failed": [{"key": r.key, "status": r.status, "error": r.error} for r in report.failed]})
    if not report.ok:
        print(f"geoexplore: {len(report.failed)} item(s) failed; see {out / 'run.json'}", file=sys.stderr)
    return code


def _run_page(out: Path, input_dir: Path | None = None) -> Path | None:
    """Write OUT/index.html; a page that cannot be written is a warning, never a failed run."""
    from geoexplore.report.runpage import write_run_page

    try:
        return write_run_page(out, input_dir=input_dir)
    except Exception as exc:  # noqa: BLE001 - the run's results are stored whatever happens to its page
        _err(f"geoexplore: warning: the run page could not be written ({type(exc).__name__}: {exc})")
        return None


def _err(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _print_json(obj: Any) -> None:
    print(json.dumps(obj, indent=1, ensure_ascii=False, default=str), flush=True)


def _tls_options(args: argparse.Namespace) -> dict[str, str] | None:
    """--tls-ca-file/--tls-cert/--tls-key (relative to the current directory) as cluster.security keys."""
    given = {k: getattr(args, a, None) for k, a in (("ca_file", "tls_ca_file"), ("cert", "tls_cert"), ("key", "tls_key"))}
    given = {k: str(Path(v).expanduser().resolve()) for k, v in given.items() if v}
    return given or None


def cmd_run(args: argparse.Namespace) -> int:
    return _run(Path(args.workflow), args, input_dir=args.input_dir)


def cmd_demo(args: argparse.Namespace) -> int:
    wf = repo_root() / "workflows" / "siping-segment.yaml"
    if not wf.exists():
        print(f"geoexplore: the demo needs a source checkout with {wf.relative_to(repo_root())}", file=sys.stderr)
        return EXIT_ERROR
    (_err if getattr(args, "json", False) else _say)(f"geoexplore demo: Siping segment (SYNTHETIC survey) -> {Path(args.out).resolve()}")
    return _run(wf, args)


def cmd_precompile(args: argparse.Namespace) -> int:
    """Compile the numba kernels of geoexplore's methods and of the optional libraries into their on-disk caches (once per environment)."""
    from geoexplore.fault.hazard.run import openquake_installed
    from geoexplore.microtremor.precompile import precompile as microtremor_precompile
    from geoexplore.mt.precompile import precompile as mt_precompile
    from geoexplore.seismic.reflection.precompile import precompile as seismic_precompile

    say = _err if getattr(args, "json", False) else _say  # stdout carries only the JSON then
    out: dict[str, object] = {}
    cpu_s: dict[str, float] = {}
    for part, label, run in (
        ("seismic_reflection", "the reflection flow's numba kernels (velocity analysis, stack, migration)", seismic_precompile),
        ("mt", "the MT robust regression's numba kernels", mt_precompile),
        ("microtremor", "the H/V window kernels and disba's dispersion code", microtremor_precompile),
    ):
        say(f"geoexplore precompile: {label} ...")
        cpu_s[part] = run()
        say(f"  done: {cpu_s[part]:.1f} s of CPU")
    out["cpu_s"] = {k: round(v, 1) for k, v in cpu_s.items()}
    if openquake_installed():
        from geoexplore.fault.hazard.precompile import precompile

        say("geoexplore precompile: OpenQuake hazardlib's numba kernels (about a minute of CPU the first time) ...")
        cpu = precompile()
        out["openquake_cpu_s"] = {k: round(v, 1) for k, v in cpu.items()}
        say(f"  done: import {cpu['import_s']:.1f} s, one hazard calculation {cpu['hazard_s']:.1f} s of CPU")
    else:
        out["openquake_cpu_s"] = None
        say("geoexplore precompile: OpenQuake is not installed (the hazard extra): its kernels are not compiled")
    if getattr(args, "json", False):
        _print_json({"command": "precompile", "exit_code": EXIT_OK, **out})
    return EXIT_OK


def cmd_steps(args: argparse.Namespace) -> int:
    from geoexplore.pipeline.step import all_steps

    if getattr(args, "json", False):
        _print_json({"command": "steps", "exit_code": EXIT_OK,
                     "steps": [{"name": n, "fan_out": sp.fan_out, "doc": sp.doc, "settings": list(sp.settings.model_fields)}
                               for n, sp in all_steps().items()]})
        return EXIT_OK
    for name, spec in all_steps().items():
        fields = ", ".join(spec.settings.model_fields)
        _say(f"{name:28s} [{spec.fan_out}] {spec.doc}")
        if args.verbose_settings:
            _say(f"    settings: {fields or '(none)'}")
    return EXIT_OK


def cmd_figure(args: argparse.Namespace) -> int:
    from geoexplore.report.figures import render

    written = render(args.store, args.key, args.out)
    store = Path(args.store)
    run_dir = store if store.is_dir() else store.parent
    page = _run_page(run_dir) if (run_dir / "run.json").is_file() else None
    if getattr(args, "json", False):
        _print_json({"command": "figure", "exit_code": EXIT_OK, "figures": [str(p) for p in written],
                     "run_page": str(page) if page else None})
        return EXIT_OK
    for p in written:
        _say(str(p))
    if page is not None:
        _say(f"run page: {page}")
    return EXIT_OK


# -- parser ---------------------------------------------------------------------
def _add_run_options(p: argparse.ArgumentParser, out_default: str | None) -> None:
    p.add_argument("--out", required=out_default is None, default=out_default, help="output directory (project.h5, run.json, figures/)")
    p.add_argument("--scheduler", help="address of an existing Dask scheduler, e.g. tcp://127.0.0.1:8786")
    p.add_argument("--workers", type=_positive_int, help="workers of the local cluster (default: CPUs)")
    p.add_argument("--resume", action="store_true", help="reuse stored results whose inputs and settings are unchanged")
    p.add_argument("--no-figures", action="store_true", help="do not draw figures")
    tls = p.add_argument_group("TLS to a tls:// scheduler (override the workflow's cluster.security)")
    tls.add_argument("--tls-ca-file", help="CA certificate(s) the scheduler's certificate must be signed by (PEM)")
    tls.add_argument("--tls-cert", help="this client's certificate (PEM)")
    tls.add_argument("--tls-key", help="this client's private key (PEM)")


#: examples shown at the end of each command's --help (a test checks every command has some)
EXAMPLES: dict[str, tuple[str, ...]] = {
    "info": ("geoexplore info", "geoexplore info --json"),
    "validate": ("geoexplore validate workflows/siping-segment.yaml",
                 "geoexplore validate my-survey.yaml --input-dir /data/survey --json"),
    "run": ("geoexplore run workflows/siping-segment.yaml --out out/siping",
            "geoexplore run my-survey.yaml --out out/s1 --resume          # reuse what is unchanged",
            "geoexplore run my-survey.yaml --out out/s1 --scheduler tcp://10.0.0.5:8786",
            "nohup geoexplore run my-survey.yaml --out out/s1 > s1.log &  # plain progress lines, no bars",
            "geoexplore run -v my-survey.yaml --out out/s1                 # one line per item too",
            "geoexplore run my-survey.yaml --out out/s1 --json > s1.json  # summary as JSON on stdout"),
    "demo": ("geoexplore demo", "geoexplore demo --out out/siping --workers 2", "geoexplore demo --json"),
    "precompile": ("geoexplore precompile", "geoexplore precompile --json"),
    "steps": ("geoexplore steps", "geoexplore steps --settings"),
    "figure": ("geoexplore figure out/siping/project.h5 --out out/siping/figures",
               "geoexplore figure out/siping/project.h5 microtremor/shallow/hvsr --out out/hvsr-figures"),
    "seismic info": ("geoexplore seismic info data/siping/refraction/shot001.seg2",
                     "geoexplore seismic info data/siping/seismic/shots/*"),
    "seismic convert": ("geoexplore seismic convert data/siping/refraction/shot001.seg2 shot001.sgy",),
    "seismic stack": ("geoexplore seismic stack --shots 'data/siping/seismic/shots/*' --stations data/siping/seismic/stations.csv "
                      "--log data/siping/seismic/observer_log.csv --out stack.sgy",),
    "seismic migrate": ("geoexplore seismic migrate f3.sgy --inline 111 --velocity vel.par --velocity-units ft/s --depth f3-depth.nc",
                        "geoexplore seismic migrate stack.sgy --velocity-m-s 1800 --trace-spacing 12.5 --migrated migrated.sgy"),
    "seismic velocity-picks": ("geoexplore seismic velocity-picks out/siping/project.h5 --out velocity-picks.csv",),
    "seismic pick": ("geoexplore seismic pick data/siping/refraction/shot*.seg2 --out picks",),
    "seismic tomo": ("geoexplore seismic tomo picks/picks.csv --out tomo",
                     "geoexplore seismic tomo picks/picks.sgt --out tomo --uncertainty-runs 20"),
    "mt tf": ("geoexplore mt tf data/siping/mt/timeseries/MT03.mseed --out tf",),
    "mt info": ("geoexplore mt info data/siping/mt/edi/SP00.edi", "geoexplore mt info data/siping/mt/edi/*.edi"),
    "mt invert1d": ("geoexplore mt invert1d data/siping/mt/edi/SP00.edi --out sp00-1d",),
    "ert info": ("geoexplore ert info data/siping/ert/siping-ert-dd.dat",),
    "ert invert": ("geoexplore ert invert data/siping/ert/siping-ert-dd.dat --out ert",),
    "hvsr": ("geoexplore hvsr data/siping/microtremor/hv_*.mseed --out hvsr",),
    "assess": ("geoexplore assess out/siping/project.h5 --out out/siping/assess",
               "geoexplore assess out/siping --out assess --intensity 8 --json"),
    "report": ("geoexplore report out/siping/project.h5 --out out/siping/report          # Chinese and English",
               "geoexplore report out/siping --out report-en --lang en --json"),
}

#: commands that print a machine-readable summary with --json
JSON_COMMANDS = ("info", "validate", "run", "demo", "precompile", "steps", "figure", "assess", "report")


def _leaf_parsers(parser: argparse.ArgumentParser, prefix: str = "") -> list[tuple[str, argparse.ArgumentParser]]:
    """(command path, parser) of every command that runs something (``"seismic stack"``...; an alias not again)."""
    for a in parser._actions:
        if isinstance(a, argparse._SubParsersAction):
            first = {id(sp): name for name, sp in reversed(list(a.choices.items()))}  # the name before its aliases
            return [leaf for name, sp in a.choices.items() if first[id(sp)] == name
                    for leaf in _leaf_parsers(sp, f"{prefix} {name}".strip())]
    return [(prefix, parser)]


def _finish_commands(parser: argparse.ArgumentParser) -> None:
    """Examples at the end of every command's --help; --json where the command honours it; -v on run and demo."""
    for name, p in _leaf_parsers(parser):
        ex = EXAMPLES.get(name)
        if ex:
            p.epilog = "examples:\n" + "\n".join(f"  {e}" for e in ex) + (
                "\n\nexit codes: 0 ok, 1 error, 2 usage, 3 some items failed (docs/first-run.md)")
            p.formatter_class = argparse.RawDescriptionHelpFormatter
        if name in JSON_COMMANDS and not any("--json" in a.option_strings for a in p._actions):
            p.add_argument("--json", action="store_true", help="print a machine-readable summary (JSON) on stdout")
        if name in ("run", "demo"):
            p.add_argument("-v", "--verbose", action="count", default=argparse.SUPPRESS,
                           help="one line per item as well as the progress bars")


def _positive_int(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number of 1 or more, got {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of 1 or more, got {n}")
    return n


def build_parser() -> argparse.ArgumentParser:
    import geoexplore

    parser = argparse.ArgumentParser(prog="geoexplore", description="Geophysical exploration of active faults: seismic, MT, ERT, microtremor.")
    parser.add_argument("--version", action="version", version=f"geoexplore {geoexplore.__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output (-vv for debug)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("info", help="versions of geoexplore and its scientific dependencies, CPUs, memory")
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("validate", help="check a workflow file without running it")
    p.add_argument("workflow")
    p.add_argument("--input-dir", help="override the workflow's input_dir")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("run", help="run a YAML workflow on Dask")
    p.add_argument("workflow")
    p.add_argument("--input-dir", help="override the workflow's input_dir")
    _add_run_options(p, None)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("demo", help="run workflows/siping-segment.yaml on the embedded (synthetic) Siping survey")
    _add_run_options(p, "out/siping")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("precompile", help="compile the numba kernels (geoexplore's methods, disba, OpenQuake) once after "
                                          "installing (else the first run pays them: about a minute for the hazard step)")
    p.set_defaults(func=cmd_precompile)

    p = sub.add_parser("steps", help="list the workflow steps and their settings")
    p.add_argument("--settings", dest="verbose_settings", action="store_true")
    p.set_defaults(func=cmd_steps)

    p = sub.add_parser("figure", help="redraw figures from a project store")
    p.add_argument("store", help="project.h5")
    p.add_argument("key", nargs="?", default="", help="result key or prefix (default: all)")
    p.add_argument("--out", default="figures", help="folder for the figures")
    p.set_defaults(func=cmd_figure)

    from geoexplore.core.plugins import present

    for m in present(COMMAND_MODULES):
        m.add_commands(sub)
    _finish_commands(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from geoexplore.core.errors import GeoexploreError

    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_USAGE
    _setup_logging(args.verbose)
    from geoexplore.core.quiet import quiet_third_party

    quiet_third_party()  # no traceback or source line of another package on the terminal (docs/reliability.md)
    try:
        return int(args.func(args) or 0)
    except GeoexploreError as exc:
        print(f"geoexplore: {exc}", file=sys.stderr)
        if getattr(args, "json", False):  # a machine reading stdout gets the error as JSON too
            _print_json({"command": args.command, "exit_code": EXIT_ERROR, "error": str(exc)})
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("geoexplore: interrupted; finished results are in the project store (rerun with --resume)", file=sys.stderr)
        return 130


def _entry() -> Any:  # pragma: no cover
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover - the guard Dask's spawned workers need
    sys.exit(main())
