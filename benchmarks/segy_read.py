"""SEG-Y read throughput: geoexplore vs segyio on the same generated files (IEEE and IBM float).

Writes two ~200 MB SEG-Y files (50,000 traces x 1,000 samples, big-endian;
format 5 IEEE and format 1 IBM) into a temporary folder, then alternates
repetitions of

* segyio: ``segyio.open(..., ignore_geometry=True).trace.raw[:]`` (samples
  only, into one float32 array: segyio's fastest bulk read), and
* geoexplore: ``geoexplore.seismic.io.read(path)`` (samples *and* the
  decoded trace headers as named, scaled coordinates of an xarray gather),

and reports the best-of-N throughput in MB/s of file and the ratio
geoexplore / segyio (higher is better; target 0.8). Both results are
compared sample by sample. A lazy (memory-mapped Dask) pass is timed too.
Run: ``python benchmarks/segy_read.py [--traces 50000] [--samples 1000] [--reps 5]``.
The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time

import numpy as np


def _make(path: str, code: int, n: int, ns: int) -> None:
    from geoexplore.seismic import io
    from geoexplore.seismic.gather import make_gather

    rng = np.random.default_rng(20261129)
    data = (rng.standard_normal((n, ns)) * 1000.0).astype(np.float32)
    headers = {"offset_m": (np.arange(n) % 120) * 5.0, "cdp": np.arange(n) // 30 + 1, "fldr": np.arange(n) // 120 + 1,
               "receiver_x_m": 500000.0 + np.arange(n) * 2.5, "source_x_m": 500000.0 + (np.arange(n) // 120) * 10.0}
    io.write(make_gather(data, 0.002, headers=headers), path, sample_format=code)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--traces", type=int, default=50_000)
    ap.add_argument("--samples", type=int, default=1_000)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--dir", default=None, help="folder for the generated files (default: a temporary one)")
    args = ap.parse_args()

    import segyio

    from geoexplore.seismic import io

    result: dict = {"name": "segy_read", "target": 0.8, "traces": args.traces, "samples": args.samples,
                    "reps": args.reps, "peer": f"segyio {getattr(segyio, '__version__', '')}".strip()}
    ratios = []
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        for code, label in ((5, "ieee"), (1, "ibm")):
            path = os.path.join(tmp, f"bench-{label}.sgy")
            _make(path, code, args.traces, args.samples)
            mb = os.path.getsize(path) / 1e6
            t_seg, t_geo, t_lazy = [], [], []
            max_diff = None
            for _ in range(args.reps):
                t0 = time.perf_counter()
                with segyio.open(path, ignore_geometry=True) as f:
                    a = f.trace.raw[:]
                t_seg.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                ds = io.read(path)
                t_geo.append(time.perf_counter() - t0)
                if max_diff is None:
                    b = ds["data"].values
                    max_diff = float(np.max(np.abs(a.astype(np.float64) - b))) if a.shape == b.shape else float("inf")
                    identical = bool(a.shape == b.shape and np.array_equal(a.view(np.uint32), b.view(np.uint32)))
                del a, ds
                t0 = time.perf_counter()
                lz = io.read(path, lazy=True)
                float(lz["data"].sum().compute(scheduler="threads"))
                t_lazy.append(time.perf_counter() - t0)
                del lz
            best_seg, best_geo = min(t_seg), min(t_geo)
            ratio = best_seg / best_geo
            ratios.append(ratio)
            result[label] = {
                "file_mb": round(mb, 1), "segyio_s": round(best_seg, 4), "geoexplore_s": round(best_geo, 4),
                "segyio_median_s": round(statistics.median(t_seg), 4),
                "geoexplore_median_s": round(statistics.median(t_geo), 4),
                "segyio_mb_s": round(mb / best_seg, 1), "geoexplore_mb_s": round(mb / best_geo, 1),
                "geoexplore_lazy_sum_s": round(min(t_lazy), 4), "ratio": round(ratio, 3),
                "identical_bits": identical, "max_abs_diff": max_diff,
            }
            print(f"{label}: {mb:.0f} MB  segyio {best_seg:.3f} s ({mb / best_seg:.0f} MB/s)  geoexplore "
                  f"{best_geo:.3f} s ({mb / best_geo:.0f} MB/s)  ratio {ratio:.2f}  lazy sum {min(t_lazy):.3f} s  "
                  f"identical {identical}", flush=True)
    result["ratio"] = round(min(ratios), 3)
    result["note"] = ("geoexplore decodes the trace headers into named coordinates as well; segyio reads samples only; "
                      "best of reps; machine shared, so medians are noisy")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
