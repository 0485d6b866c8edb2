"""``geoexplore seismic stack`` and ``geoexplore seismic velocity-picks``: reflection processing from the command line.

``stack --shots 'shots/*.sg2' --stations stations.csv --log observer_log.csv --out stack.sgy``
(or ``stack --shots line.sgy --out stack.sgy`` with the geometry in the trace headers)
runs the reflection flow (geometry, elevation statics, pre-processing,
velocity analysis, NMO + CMP stack, optionally migration and depth
conversion) and writes SEG-Y sections, the velocity picks CSV (edit it and
pass it back with ``--picks``) and a netCDF depth section. Unreadable shot
files get a one-line error naming the file and position; the others are
processed and the exit code is 3.

``migrate SECTION.sgy --velocity vel.par --velocity-units ft/s --migrated mig.sgy --depth depth.nc``
migrates a post-stack section and converts it to depth.

``velocity-picks PROJECT.h5 --out picks.csv`` exports the velocity picks of
a workflow run from its project store, for editing. ``seismic picks`` is
the old name of this command, kept as an alias for one release (first-break
picking is ``seismic pick``).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from geoexplore.core.errors import EXIT_ERROR, EXIT_OK, EXIT_PARTIAL


def section_to_gather(section: Any, profile: Any | None = None) -> Any:
    """A time section (amplitude on time_s x chainage_m) as a gather for the SEG-Y writer (one trace per CMP)."""
    import numpy as np

    from geoexplore.seismic.gather import make_gather

    ch = section["chainage_m"].values
    n = ch.size
    hdr: dict[str, Any] = {"cdp": np.arange(1, n + 1), "tracl": np.arange(1, n + 1), "tracr": np.arange(1, n + 1),
                           "trid": np.ones(n), "receiver_elevation_m": section["elevation_m"].values,
                           "offset_m": np.zeros(n), "delay_ms": np.full(n, float(section["time_s"].values[0]) * 1000)}
    if profile is not None:
        x, y = profile.xy(ch)
        hdr.update({"cdp_x_m": x, "cdp_y_m": y, "source_x_m": x, "source_y_m": y, "receiver_x_m": x, "receiver_y_m": y})
    data = np.nan_to_num(section["amplitude"].values.T).astype(np.float32)
    return make_gather(data, float(section.attrs["dt_s"]), headers=hdr, attrs={"format": "segy"})


def _velocity_arg(text: str) -> float | str | None:
    """A velocity option: a number (m/s), 'auto' or 'none'."""
    t = text.strip().lower()
    if t in ("auto", "none"):
        return None if t == "none" else "auto"
    return float(text)


#: a frequency option: a number (Hz), 'auto' or 'none' (same parsing as a velocity option)
_freq_arg = _velocity_arg


def _print_report(what: str, report_json: str) -> None:
    rep = json.loads(report_json)
    notes = rep.pop("discrepancies", [])
    print(f"{what}: " + "; ".join(f"{k}: {v}" for k, v in rep.items()), flush=True)
    for n in notes:
        print(f"NOTE {n}", flush=True)


def _processing_line(args: argparse.Namespace, st: Any) -> Any:
    import numpy as np

    from geoexplore.core.profile import Profile

    if args.model:
        from geoexplore.core.geomodel import load_model

        return load_model(args.model).profile()
    if st is None:
        return None  # header geometry: a line through the header positions
    o = np.argsort(st["chainage_m"])  # the processing line through the stations (a crooked line follows them)
    return Profile(st["x_m"][o], st["y_m"][o], chainage_start_m=float(st["chainage_m"][o][0]), name="stations")


def cmd_stack(args: argparse.Namespace) -> int:
    import glob

    import numpy as np

    from geoexplore.core.errors import GeoexploreError
    from geoexplore.seismic import io
    from geoexplore.seismic.reflection import flow, geometry
    from geoexplore.seismic.reflection.velocity import (
        read_velocity_picks,
        write_velocity_picks,
    )

    bad: list[str] = []
    try:
        files = sorted(f for pat in args.shots for f in glob.glob(pat))
        if not files:
            print(f"ERROR no shot files match {args.shots}", file=sys.stderr)
            return EXIT_ERROR
        if bool(args.stations) != bool(args.log):
            print("ERROR give both --stations and --log, or neither (geometry from the trace headers)", file=sys.stderr)
            return EXIT_ERROR
        st = geometry.read_stations(args.stations) if args.stations else None
        log = geometry.read_observer_log(args.log) if args.log else None
        prof = _processing_line(args, st)
        ds = flow.load_shots(files, st, log, prof, bin_m=args.bin_m, line=args.line, coordinate_units=args.coordinate_units)
        _print_report("geometry", ds.attrs["geometry_report"])
        bad = json.loads(ds.attrs["bad_files"])
        for b in bad:
            print(f"ERROR {b}", file=sys.stderr, flush=True)
        ds = flow.apply_elevation_statics(ds, datum=args.datum, datum_m=args.datum_m,
                                          replacement_velocity_m_s=args.replacement_velocity)
        ds = flow.preprocess(ds, freq_min_hz=args.freq_min, freq_max_hz=args.freq_max, mute_velocity_m_s=args.mute_velocity)
        for n in json.loads(ds.attrs["notes"]):
            print(f"NOTE {n}", flush=True)
        if args.picks:
            picks = flow.picks_dataset(read_velocity_picks(args.picks), ds)
        else:
            _, picks = flow.velocity_analysis(ds, spacing_m=args.velocity_spacing)
            rej = json.loads(picks.attrs.get("rejected", "[]"))
            print(f"velocity picks: {picks.sizes['pick']} kept, {len(rej)} rejected", flush=True)
        if args.picks_out:
            write_velocity_picks({k: picks[k].values for k in ("cdp", "chainage_m", "time_s", "vrms_m_s")}, args.picks_out)
        stk = flow.stack(ds, picks, stretch_mute=args.stretch_mute, residual_statics=args.residual_statics)
        io.write(section_to_gather(stk, prof), args.out, format="segy")
        print(f"{ds.attrs['n_files']} shot files ({np.unique(ds['ffid'].values).size} shots), {ds.sizes['trace']} traces "
              f"-> {stk.sizes['chainage_m']} CMPs: "
              f"stack {args.out}", flush=True)
        if args.migrated or args.depth:
            _migrate_and_depth(stk, args, prof)
    except GeoexploreError as exc:
        print(f"ERROR {exc}", file=sys.stderr, flush=True)
        return EXIT_ERROR
    return EXIT_PARTIAL if bad else EXIT_OK


def _migrate_and_depth(section: Any, args: argparse.Namespace, prof: Any) -> None:
    from geoexplore.seismic import io
    from geoexplore.seismic.reflection import flow

    mig = flow.migrate(section, method=args.migration, aperture_m=args.aperture)
    if args.migrated:
        io.write(section_to_gather(mig, prof), args.migrated, format="segy")
        extra = f", aperture {mig.attrs['aperture_m']:.0f} m" if "aperture_m" in mig.attrs else ""
        print(f"migrated ({args.migration}{extra}): {args.migrated}", flush=True)
    if args.depth:
        dep = flow.depth_section(mig, max_depth_m=args.max_depth, min_live_fold=0.0 if "live_fold" not in mig else 3.0)
        dep.to_netcdf(args.depth)
        print(f"depth section: {args.depth} (0-{float(dep['depth_m'].values[-1]):.0f} m, velocities smoothed over "
              f"{dep.attrs['lateral_smooth_m']:g} m along the line)", flush=True)


def cmd_migrate(args: argparse.Namespace) -> int:
    """A post-stack SEG-Y / SU section -> time migration -> depth conversion."""
    from geoexplore.core.errors import GeoexploreError
    from geoexplore.seismic import io
    from geoexplore.seismic.io.velocity import read_velocity
    from geoexplore.seismic.reflection.poststack import section_from_gather

    try:
        vel = (read_velocity(args.velocity, velocity_units=args.velocity_units, velocity_kind=args.velocity_kind,
                             interval_at=args.interval_at) if args.velocity else None)
        sec = section_from_gather(io.read(args.section), velocity=vel, velocity_m_s=args.velocity_m_s,
                                  trace_spacing_m=args.trace_spacing, coordinate_units=args.coordinate_units,
                                  inline=args.inline, crossline=args.crossline, line=args.line)
        _print_report("section", sec.attrs["geometry_report"])
        if not (args.migrated or args.depth):
            print("ERROR nothing to write: give --migrated and/or --depth", file=sys.stderr)
            return EXIT_ERROR
        _migrate_and_depth(sec, args, None)
    except GeoexploreError as exc:
        print(f"ERROR {exc}", file=sys.stderr, flush=True)
        return EXIT_ERROR
    return EXIT_OK


def cmd_velocity_picks(args: argparse.Namespace) -> int:
    """Export the velocity picks of a workflow run (its project store) to a picks CSV."""
    from geoexplore.core.errors import GeoexploreError
    from geoexplore.core.store import ProjectStore
    from geoexplore.seismic.reflection.velocity import write_velocity_picks

    try:
        store = ProjectStore(args.store)
        keys = [k for k in store.keys("seismic/") if k.endswith("/picks")] or [
            k for k in store.keys("seismic/") if "velocity" in k]
        if args.key:
            keys = [args.key]
        if not keys:
            print(f"ERROR {args.store}: no velocity picks stored", file=sys.stderr)
            return EXIT_ERROR
        res = store.read(keys[0].removesuffix("/picks"))
        p = res["picks"] if isinstance(res, dict) else res
        write_velocity_picks({k: p[k].values for k in ("cdp", "chainage_m", "time_s", "vrms_m_s")}, args.out)
        print(f"{keys[0]}: {p.sizes['pick']} picks -> {args.out}", flush=True)
    except GeoexploreError as exc:
        print(f"ERROR {exc}", file=sys.stderr, flush=True)
        return EXIT_ERROR
    return EXIT_OK


def _aperture_arg(text: str) -> float | str:
    return "auto" if text.strip().lower() == "auto" else float(text)


def _imaging_options(p: Any) -> None:
    p.add_argument("--migration", choices=("kirchhoff", "phase_shift", "stolt"), default="kirchhoff")
    p.add_argument("--aperture", type=_aperture_arg, default="auto",
                   help="Kirchhoff half-aperture (m); default auto: from the velocity and the record length")
    p.add_argument("--migrated", help="write the migrated time section (SEG-Y) here")
    p.add_argument("--depth", help="write the depth section (netCDF) here")
    p.add_argument("--max-depth", type=float, default=None, help="depth section bottom (m); default: the deepest converted sample")
    p.add_argument("--coordinate-units", choices=("m", "ft"),
                   help="units of trace-header coordinates whose unit code is not a length, and of SEG-2 location "
                        "strings when a file states no UNITS")
    p.add_argument("--line", default="profile", help="line name stored with the results")


def add_subcommands(group: Any) -> None:
    p = group.add_parser("stack", help="reflection flow: shots + geometry -> velocity analysis -> CMP stack (SEG-Y)")
    p.add_argument("--shots", nargs="+", required=True, help="shot files or glob patterns (any number of shots per file)")
    p.add_argument("--stations", help="station table CSV (station, chainage_m, x_m, y_m, elevation_m); "
                   "default: geometry from the trace headers")
    p.add_argument("--log", help="observer's log CSV (with --stations)")
    p.add_argument("--out", required=True, help="output SEG-Y of the CMP stack")
    p.add_argument("--model", help="model YAML whose profile is the processing line (default: the station line, or a "
                   "line fitted to the header positions)")
    p.add_argument("--bin-m", type=float, default=None, help="CMP bin size (m); default half the receiver spacing")
    p.add_argument("--datum", choices=("floating", "flat"), default="floating")
    p.add_argument("--datum-m", type=float, default=None, help="flat datum elevation (m)")
    p.add_argument("--replacement-velocity", type=float, default=1000.0, help="m/s")
    p.add_argument("--freq-min", type=float, default=30.0, help="band-pass low corner (Hz)")
    p.add_argument("--freq-max", type=_freq_arg, default="auto",
                   help="band-pass high corner (Hz), 'auto' (default: the high edge of the band where the record's signal is "
                        "above its pre-arrival noise) or 'none'; clamped to 0.8 x Nyquist")
    p.add_argument("--mute-velocity", type=_velocity_arg, default="auto",
                   help="top mute velocity (m/s), 'auto' (from the first arrivals, default) or 'none'")
    p.add_argument("--velocity-spacing", type=float, default=50.0, help="distance between velocity analyses (m)")
    p.add_argument("--picks", help="use this picks CSV instead of automatic picks")
    p.add_argument("--picks-out", help="write the velocity picks CSV here")
    p.add_argument("--stretch-mute", type=float, default=0.5)
    p.add_argument("--residual-statics", action="store_true")
    _imaging_options(p)
    p.set_defaults(func=cmd_stack)
    m = group.add_parser("migrate", help="post-stack SEG-Y/SU section -> time migration -> depth conversion")
    m.add_argument("section", help="post-stack SEG-Y or SU file (one trace per CMP)")
    m.add_argument("--velocity", help="velocity file: Seismic Unix par (cdp=, tnmo=, vnmo=), ProMAX HANDVEL cards, CSV table, "
                                      "or a column table with units in the header (time or depth; docs/formats.md)")
    m.add_argument("--velocity-units", choices=("m/s", "ft/s", "km/s"), help="velocity unit when the file does not state it")
    m.add_argument("--velocity-kind", choices=("rms", "interval", "average"),
                   help="RMS (stacking), interval or average velocities, when the file does not state it")
    m.add_argument("--interval-at", choices=("top", "base"),
                   help="interval velocities: a row's velocity holds from its time/depth down (top) or down to it (base)")
    m.add_argument("--velocity-m-s", type=float, help="one RMS velocity (m/s) instead of a velocity file")
    m.add_argument("--trace-spacing", type=float, help="distance between traces (m) when the headers hold no positions")
    m.add_argument("--inline", type=int, help="the inline of a 3-D file")
    m.add_argument("--crossline", type=int, help="the crossline of a 3-D file")
    _imaging_options(m)
    m.set_defaults(func=cmd_migrate)
    q = group.add_parser("velocity-picks", aliases=["picks"],
                         help="export the velocity picks of a workflow run to CSV (alias 'picks': deprecated, removed in the next release)")
    q.add_argument("store", help="project store (OUT/project.h5)")
    q.add_argument("--out", required=True, help="picks CSV")
    q.add_argument("--key", help="store key of the velocity result (default: the first seismic velocity result)")
    q.set_defaults(func=cmd_velocity_picks)


__all__ = ["add_subcommands", "cmd_migrate", "cmd_stack", "cmd_velocity_picks", "section_to_gather"]
