"""The ``geoexplore`` command line: parses, then calls the public API.

Exit codes: 0 success; 1 error (one line on stderr saying why); 2 usage
error; 3 the run finished but some items failed (listed).

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

    print(f"geoexplore {geoexplore.__version__}")
    print(f"python {sys.version.split()[0]}")
    for pkg in ("numpy", "scipy", "xarray", "dask", "distributed", "h5py", "h5netcdf", "obspy", "pygimli", "simpeg",
                "mtpy-v2", "mt_metadata", "matplotlib", "pyproj", "segyio", "disba", "dask-jobqueue"):
        try:
            v = version(pkg)
        except PackageNotFoundError:
            v = "not installed"
        print(f"  {pkg:14s} {v}")
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover
        n = os.cpu_count()
    print(f"cpus {n}")
    try:
        import psutil

        print(f"memory {psutil.virtual_memory().total / 2**30:.1f} GiB")
    except ImportError:  # pragma: no cover
        pass
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from geoexplore.pipeline.workflow import load_workflow

    wf = load_workflow(args.workflow, input_dir=args.input_dir)
    _say(f"{wf.path}: valid workflow '{wf.name}', {len(wf.steps)} steps, input {wf.input_dir}")
    for s in wf.steps:
        fo = f" foreach {json.dumps(s.foreach)}" if s.foreach else ""
        ins = ", ".join(f"{n} <- {r.step_id}{'[item]' if r.same_item else ''}{'?' if r.optional else ''}" for n, r in s.inputs.items())
        _say(f"  {s.id}: {s.spec.name} (line {s.line}){fo}" + (f" inputs {ins}" if ins else ""))
    return EXIT_OK


def _run(workflow: Path, args: argparse.Namespace, input_dir: str | None = None) -> int:
    from geoexplore.pipeline.runner import run_workflow

    report = run_workflow(
        workflow,
        args.out,
        scheduler=args.scheduler,
        n_workers=args.workers,
        resume=args.resume,
        progress=_say,
        figures=not getattr(args, "no_figures", False),
        input_dir=input_dir,
        security=_tls_options(args),
    )
    _say(f"run record: {Path(args.out) / 'run.json'}")
    if not report.ok:
        print(f"geoexplore: {len(report.failed)} item(s) failed; see {Path(args.out) / 'run.json'}", file=sys.stderr)
        return EXIT_PARTIAL
    return EXIT_OK


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
    _say(f"geoexplore demo: Siping segment (SYNTHETIC survey) -> {Path(args.out).resolve()}")
    return _run(wf, args)


def cmd_steps(args: argparse.Namespace) -> int:
    from geoexplore.pipeline.step import all_steps

    for name, spec in all_steps().items():
        fields = ", ".join(spec.settings.model_fields)
        _say(f"{name:28s} [{spec.fan_out}] {spec.doc}")
        if args.verbose_settings:
            _say(f"    settings: {fields or '(none)'}")
    return EXIT_OK


def cmd_figure(args: argparse.Namespace) -> int:
    from geoexplore.report.figures import render

    for p in render(args.store, args.key, args.out):
        _say(str(p))
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
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("geoexplore: interrupted; finished results are in the project store (rerun with --resume)", file=sys.stderr)
        return 130


def _entry() -> Any:  # pragma: no cover
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover - the guard Dask's spawned workers need
    sys.exit(main())
