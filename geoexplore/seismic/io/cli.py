"""``geoexplore seismic info`` and ``geoexplore seismic convert``: batch commands on seismic files.

``info FILE...`` prints one line per file (format, traces, samples, sample
interval, byte order, sample format); an unreadable file gets a one-line
error naming the file and position, the other files are still listed, and
the exit code is 3 (some failed) or 1 (all failed).
``convert FILE --to segy OUT`` rewrites a file in another format.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from geoexplore.core.errors import EXIT_ERROR, EXIT_OK, EXIT_PARTIAL

_FORMAT_CODES = {"ibm": 1, "int32": 2, "int16": 3, "ieee": 5, "float32": 5, "float64": 6, "int8": 8}


def cmd_info(args: argparse.Namespace) -> int:
    from geoexplore.core.errors import FileFormatError, GeoexploreError
    from geoexplore.seismic import io

    failed = 0
    for path in args.files:
        try:
            s = io.scan(path, format=args.format)
        except GeoexploreError as exc:
            failed += 1
            line = str(exc) if isinstance(exc, FileFormatError) else f"{path}: {exc}"
            print(f"ERROR {line}", file=sys.stderr, flush=True)
            continue
        print(
            f"{path}: {s['format']} traces={s['n_traces']} samples={s['n_samples']} "
            f"dt={s['dt_s'] * 1000:g} ms byte_order={s['byte_order']} "
            f"sample_format={s['sample_format']} ({s.get('sample_format_name', '')})",
            flush=True,
        )
    if failed == 0:
        return EXIT_OK
    return EXIT_ERROR if failed == len(args.files) else EXIT_PARTIAL


def cmd_convert(args: argparse.Namespace) -> int:
    from geoexplore.seismic import io

    ds = io.read(args.file, format=args.format)
    kw: dict[str, Any] = {}
    if args.byte_order:
        kw["byte_order"] = args.byte_order
    if args.to == "segy":
        kw["sample_format"] = _FORMAT_CODES.get(args.sample_format, None) or int(args.sample_format)
    elif args.to == "seg2" and args.sample_format:
        kw["data_format"] = {"int16": 1, "int32": 2, "ieee": 4, "float32": 4, "float64": 5}[args.sample_format]
    io.write(ds, args.out, format=args.to, **kw)
    print(f"{args.file} -> {args.out}: {args.to}, {ds.sizes['trace']} traces x {ds.sizes['time_s']} samples", flush=True)
    return EXIT_OK


def add_subcommands(group: Any) -> None:
    """Add ``info`` and ``convert`` to the ``geoexplore seismic`` group."""
    p = group.add_parser("info", help="format, traces, samples, sample interval, byte order of seismic files")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--format", help="force a format (segy, su, seg2) instead of detecting it")
    p.set_defaults(func=cmd_info)

    p = group.add_parser("convert", help="convert a seismic file (SEG-Y, SU, SEG-2) to another format")
    p.add_argument("file", metavar="FILE")
    p.add_argument("out", metavar="OUT")
    p.add_argument("--to", default="segy", choices=("segy", "su", "seg2"), help="output format (default segy)")
    p.add_argument("--format", help="input format (default: detected)")
    p.add_argument("--sample-format", default="ieee",
                   help="SEG-Y sample format: ibm, ieee (default), int32, int16, int8, float64 or a code number")
    p.add_argument("--byte-order", choices=("big", "little"), help="default: big for SEG-Y, little for SU/SEG-2")
    p.set_defaults(func=cmd_convert)


__all__ = ["add_subcommands", "cmd_convert", "cmd_info"]
