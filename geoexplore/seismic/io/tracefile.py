"""Files of (240-byte header + samples) traces: the common engine of the SEG-Y and SU readers.

:func:`plan` works out where every trace is (fixed trace length, or a
chain of variable-length traces) and checks it against the file size
without trusting any count in a header; :func:`read_traces` reads them
eagerly in cache-sized chunks, :func:`lazy_data` wraps a fixed-length file
in a memory-mapped Dask array.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from geoexplore.core.errors import FileFormatError
from geoexplore.seismic.io.samples import SampleFormat, decode

CHUNK_BYTES = 1 << 20  # about cache-sized chunks: temporaries stay in cache, no page faults
PARALLEL_BYTES = 32 << 20  # files larger than this are decoded by several threads (NumPy releases the GIL)
WINDOW_BYTES = 16 << 20  # bytes of a file memory-mapped at a time while trace headers are gathered
LAZY_CHUNK_MAX_BYTES = 64 << 20  # largest chunk of a lazily read file
WORKER_MEMORY_FRACTION = 32  # a lazy chunk is at most 1/32 of the Dask worker's memory limit


@dataclass
class Layout:
    """Where the traces of a file are."""

    path: str
    byte_order: str
    fmt: SampleFormat
    data_start: int
    header_size: int  # bytes of trace header(s) before each trace's samples
    n_traces: int
    n_samples: int  # samples of the longest trace
    fixed: bool
    offsets: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # header byte offsets (variable only)
    trace_ns: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # samples per trace (variable only)

    @property
    def trace_size(self) -> int:
        return self.header_size + self.n_samples * self.fmt.itemsize

    def trace_offset(self, i: int) -> int:
        """Byte offset of trace ``i``'s header."""
        if self.fixed:
            return self.data_start + i * self.trace_size
        return int(self.offsets[i])


def gather_rows(path: str, start: int, stride: int, n: int, col: int, width: int) -> np.ndarray:
    """Bytes ``col:col + width`` of ``n`` records of ``stride`` bytes from byte ``start``: shape (n, width) uint8.

    The file is memory-mapped ``WINDOW_BYTES`` at a time: every page of a memory map that is
    touched counts in the process's resident memory until the map is closed, so one map of a
    large file would charge a Dask worker with a page per trace header (300 MB for 75 000 traces
    of 16 kB) and get it killed.
    """
    out = np.empty((n, width), np.uint8)
    per = max(1, WINDOW_BYTES // max(1, stride))
    for i0 in range(0, n, per):
        k = min(per, n - i0)
        mm = np.memmap(path, dtype=np.uint8, mode="r", offset=start + i0 * stride, shape=((k - 1) * stride + col + width,))
        try:
            out[i0:i0 + k] = np.lib.stride_tricks.as_strided(mm[col:], shape=(k, width), strides=(stride, 1))
        finally:
            del mm
    return out


def _ns_at(mm: np.ndarray, off: int, e: str) -> int:
    return int(mm[off + 114:off + 116].view(f"{e}u2")[0])


def plan(path: str, data_start: int, header_size: int, ns_default: int, fmt: SampleFormat, byte_order: str,
         max_check: int | None = None) -> Layout:
    """Locate the traces of a file.

    Parameters
    ----------
    path : str
    data_start : int
        Byte offset of the first trace header.
    header_size : int
        Bytes of header per trace (240, or more for SEG-Y rev 2 extension headers).
    ns_default : int
        Samples per trace from the file header (0 if none).
    fmt : SampleFormat
    byte_order : {"big", "little"}
    max_check : int, optional
        Check the sample counts of at most this many trace headers (evenly
        spread, first and last included) when the file size fits a fixed
        trace length; default all. :func:`scan` uses 1000 to stay cheap on
        huge files.

    Raises
    ------
    FileFormatError
        Truncated trace, header sample count running past the end of the
        file, zero-length trace, trailing garbage; naming trace and byte offset.
    """
    size = os.path.getsize(path)
    e = ">" if byte_order == "big" else "<"
    remaining = size - data_start
    if remaining < 0:
        raise FileFormatError(path, f"file is {size} bytes, shorter than its file headers ({data_start} bytes)",
                              byte_offset=size)
    if remaining == 0:
        return Layout(path, byte_order, fmt, data_start, header_size, 0, max(ns_default, 0), True)
    if remaining < header_size:
        raise FileFormatError(path, f"file ends inside the header of trace 0 ({remaining} of {header_size} bytes)",
                              position=f"trace 0 (byte {data_start})", byte_offset=data_start)
    mm = np.memmap(path, dtype=np.uint8, mode="r")
    try:
        ns0 = _ns_at(mm, data_start, e)
        ns_fixed = ns_default if ns_default > 0 else ns0
        if ns_fixed > 0:
            tsize = header_size + ns_fixed * fmt.itemsize
            if remaining % tsize == 0:
                n = remaining // tsize
                hdr_ns = (
                    gather_rows(path, data_start, tsize, int(n), 114, 2)
                    if max_check is None or n <= max_check else
                    np.ascontiguousarray(mm[data_start + 114 + np.unique(np.linspace(0, n - 1, max_check).astype(np.int64))[:, None] * tsize
                                            + np.arange(2)])
                ).view(f"{e}u2").reshape(-1)
                ok = (hdr_ns == ns_fixed) | (hdr_ns == 0)
                if ok.all() or not _chain_fits(mm, data_start, header_size, fmt.itemsize, ns_fixed, e, size):
                    return Layout(path, byte_order, fmt, data_start, header_size, int(n), int(ns_fixed), True)
        try:
            return _chain(path, mm, data_start, header_size, fmt, byte_order, ns_default, size)
        except FileFormatError as exc:
            if ns_fixed <= 0:
                raise
            tsize = header_size + ns_fixed * fmt.itemsize
            k = remaining // tsize
            if exc.position == f"trace {k} (byte {data_start + k * tsize})":
                raise  # the chain broke where the fixed layout breaks: nothing to add
            src = "file header" if ns_default > 0 else "first trace header"
            hint = (f"; with the {src}'s {ns_fixed} samples per trace ({tsize}-byte traces) the file would hold "
                    f"{k} traces and end {remaining - k * tsize} bytes into trace {k} "
                    f"(byte {data_start + k * tsize})")
            raise FileFormatError(path, exc.message + hint, position=exc.position, byte_offset=exc.byte_offset) from None
    finally:
        del mm


def _chain_fits(mm, start, hsize, bps, ns_default, e, size) -> bool:
    off = start
    while off + hsize <= size:
        ns = _ns_at(mm, off, e) or ns_default
        if ns <= 0:
            return False
        off += hsize + ns * bps
    return off == size


def _chain(path, mm, start, hsize, fmt, byte_order, ns_default, size) -> Layout:
    e = ">" if byte_order == "big" else "<"
    offs, nss = [], []
    off, i = start, 0
    while off < size:
        if off + hsize > size:
            raise FileFormatError(path, f"file ends inside the header of trace {i} ({size - off} of {hsize} bytes)",
                                  position=f"trace {i} (byte {off})", byte_offset=off)
        ns_hdr = _ns_at(mm, off, e)
        ns = ns_hdr or ns_default
        if ns <= 0:
            raise FileFormatError(path, f"trace {i} has zero samples (header and file header both say 0)",
                                  position=f"trace {i} (byte {off})", byte_offset=off)
        need = ns * fmt.itemsize
        have = size - off - hsize
        if need > have:
            claim = f"its header claims {ns_hdr} samples" if ns_hdr else f"the file header claims {ns_default} samples"
            raise FileFormatError(
                path,
                f"trace {i} is truncated: {claim} ({need} bytes of {fmt.name}) but only {have} bytes remain",
                position=f"trace {i} (byte {off})", byte_offset=off + hsize + have,
            )
        offs.append(off)
        nss.append(ns)
        off += hsize + need
        i += 1
    nss_a = np.asarray(nss, dtype=np.int64)
    if nss_a.size and (nss_a == nss_a[0]).all() and ns_default not in (0, nss_a[0]):
        pass  # consistent per-trace counts that disagree with the file header: trust the traces
    fixed = bool(nss_a.size) and bool((nss_a == nss_a[0]).all())
    return Layout(path, byte_order, fmt, start, hsize, len(offs), int(nss_a.max()) if nss_a.size else 0, fixed,
                  np.asarray(offs, dtype=np.int64), nss_a)


def read_traces(layout: Layout, out_dtype: Any = np.float32) -> tuple[np.ndarray, np.ndarray]:
    """Read all traces eagerly.

    Returns
    -------
    data : ndarray (n_traces, n_samples) of ``out_dtype``; variable-length traces are NaN-padded
        (or zero-padded for integer output).
    headers : ndarray (n_traces, 240) of uint8
    """
    n, ns, bps = layout.n_traces, layout.n_samples, layout.fmt.itemsize
    data = np.empty((n, ns), dtype=out_dtype)
    hdrs = np.empty((n, 240), dtype=np.uint8)
    if n == 0:
        return data, hdrs
    with open(layout.path, "rb") as f:
        if layout.fixed:
            _read_fixed(f, layout, data, hdrs)
        else:
            data[...] = np.nan if np.dtype(out_dtype).kind == "f" else 0
            for i in range(n):
                f.seek(int(layout.offsets[i]))
                nsi = int(layout.trace_ns[i])
                raw = f.read(layout.header_size + nsi * bps)
                b = np.frombuffer(raw, dtype=np.uint8)
                hdrs[i] = b[:240]
                decode(b[layout.header_size:].reshape(1, -1), layout.fmt, layout.byte_order, data[i:i + 1, :nsi])
    return data, hdrs


def _workers() -> int:
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover
        n = os.cpu_count() or 1
    return max(1, min(n, 4))


def _read_fixed(f: Any, layout: Layout, data: np.ndarray, hdrs: np.ndarray) -> None:
    """Read a fixed-length file with positional reads in chunks; several threads for large files."""
    n, tsize = layout.n_traces, layout.trace_size
    k = max(1, CHUNK_BYTES // tsize)
    fd = f.fileno()

    def run(t0: int, t1: int) -> None:
        buf = np.empty(min(k, t1 - t0) * tsize, dtype=np.uint8)
        for i0 in range(t0, t1, k):
            kk = min(k, t1 - i0)
            b = buf[: kk * tsize]
            off = layout.data_start + i0 * tsize
            got = os.preadv(fd, [memoryview(b)], off)
            if got != kk * tsize:  # the file shrank under us
                raise FileFormatError(layout.path, "unexpected end of file", position=f"trace {i0 + got // tsize}",
                                      byte_offset=off + got)
            b2 = b.reshape(kk, tsize)
            hdrs[i0:i0 + kk] = b2[:, :240]
            decode(b2[:, layout.header_size:], layout.fmt, layout.byte_order, data[i0:i0 + kk])

    nw = _workers() if n * tsize > PARALLEL_BYTES else 1
    if nw == 1:
        run(0, n)
        return
    from concurrent.futures import ThreadPoolExecutor

    bounds = np.linspace(0, n, nw + 1).astype(int)
    with ThreadPoolExecutor(max_workers=nw) as ex:
        for fut in [ex.submit(run, int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:]) if b > a]:
            fut.result()


def read_headers(layout: Layout) -> np.ndarray:
    """The raw 240-byte headers of all traces, shape (n_traces, 240), without reading samples into memory."""
    n = layout.n_traces
    if n == 0:
        return np.empty((0, 240), np.uint8)
    if layout.fixed:
        return gather_rows(layout.path, layout.data_start, layout.trace_size, n, 0, 240)
    mm = np.memmap(layout.path, dtype=np.uint8, mode="r")
    try:
        return np.stack([np.asarray(mm[o:o + 240]) for o in layout.offsets])
    finally:
        del mm


class _TraceArray:
    """Array-like view of the samples of a fixed-length trace file (for dask.array.from_array)."""

    def __init__(self, layout: Layout, dtype: Any) -> None:
        self.layout = layout
        self.dtype = np.dtype(dtype)
        self.shape = (layout.n_traces, layout.n_samples)
        self.ndim = 2

    def __getitem__(self, key: Any) -> np.ndarray:
        lay = self.layout
        if not isinstance(key, tuple):
            key = (key,)
        key = key + (slice(None),) * (2 - len(key))
        rows = np.arange(lay.n_traces)[key[0]]
        scalar_row = np.ndim(rows) == 0
        rows = np.atleast_1d(rows)
        mm = np.memmap(lay.path, dtype=np.uint8, mode="r", offset=lay.data_start,
                       shape=(lay.n_traces, lay.trace_size))
        try:
            if rows.size and (np.diff(rows) == 1).all():
                raw = mm[rows[0]:rows[-1] + 1, lay.header_size:]
            else:
                raw = mm[rows, lay.header_size:]
            out = np.empty((rows.size, lay.n_samples), dtype=self.dtype)
            decode(np.asarray(raw), lay.fmt, lay.byte_order, out)
        finally:
            del mm
        out = out[:, key[1]]
        return out[0] if scalar_row else out


def worker_memory_limit() -> int | None:
    """The memory limit (bytes) of the Dask worker this runs on.

    Inside a Dask worker: that worker's ``memory_limit``. Elsewhere, with a
    default Dask client (``distributed.Client(...)`` sets itself as default):
    the smallest ``memory_limit`` among the workers of its cluster, since any
    of them may run a chunk. None without a worker or client, or when no
    worker has a limit. Costs nothing when ``distributed`` is not imported.
    """
    if "distributed" not in sys.modules:  # no worker or client can exist without it
        return None
    import distributed

    try:
        worker = distributed.get_worker()
    except ValueError:  # not in a worker
        pass
    else:
        manager = getattr(worker, "memory_manager", worker)  # distributed >= 2022.6 keeps the limit there
        limit = getattr(manager, "memory_limit", None)
        return int(limit) if limit else None
    try:
        client = distributed.default_client()
        workers = client.scheduler_info(n_workers=-1)["workers"].values()
    except (ValueError, OSError, RuntimeError):  # no default client, or it is closed
        return None
    limits = [int(w["memory_limit"]) for w in workers if w.get("memory_limit")]
    return min(limits) if limits else None


def lazy_chunk_bytes() -> int:
    """Bytes per chunk of a lazily read trace file.

    ``min(worker memory limit / WORKER_MEMORY_FRACTION, LAZY_CHUNK_MAX_BYTES,
    dask's array.chunk-size)``; without a worker limit (see
    :func:`worker_memory_limit`) the last two only. A chunk costs about twice
    its size while it is decoded (the mapped file pages and the decoded
    samples) and a worker process holds 60-130 MB before any data, so 1/32
    leaves room for the chunk, its consumer's temporaries and the process
    (1/16 took a 200 MB worker past Dask's 80 % pause line).
    """
    import dask
    from dask.utils import parse_bytes

    cap = min(LAZY_CHUNK_MAX_BYTES, parse_bytes(dask.config.get("array.chunk-size", "128MiB")))
    limit = worker_memory_limit()
    return cap if limit is None else max(1, min(cap, limit // WORKER_MEMORY_FRACTION))


def lazy_data(layout: Layout, dtype: Any = np.float32, chunk_bytes: int | None = None):
    """A Dask array of the samples of a fixed-length trace file, backed by a memory map.

    ``chunk_bytes`` (of decoded samples per chunk) defaults to :func:`lazy_chunk_bytes`: a
    thirty-second of the memory limit of the Dask worker this runs on (or of the smallest worker of
    the default client's cluster), at most 64 MiB and Dask's ``array.chunk-size``. Chunks hold
    whole traces (at least one).
    """
    import dask.array as da

    if not layout.fixed:
        raise FileFormatError(layout.path, "lazy reading needs traces of equal length; read it with lazy=False")
    if chunk_bytes is None:
        chunk_bytes = lazy_chunk_bytes()
    per = max(1, chunk_bytes // max(1, layout.n_samples * np.dtype(dtype).itemsize))
    arr = _TraceArray(layout, dtype)
    # the chunking is part of the name: the same file read with other chunks must not share task keys
    token = abs(hash((layout.path, os.path.getmtime(layout.path), layout.data_start, per, np.dtype(dtype).str)))
    return da.from_array(arr, chunks=(per, layout.n_samples), asarray=False, meta=np.empty((0, 0), dtype=dtype),
                         name=f"traces-{os.path.basename(layout.path)}-{token}")


__all__ = ["Layout", "lazy_chunk_bytes", "lazy_data", "plan", "read_headers", "read_traces", "worker_memory_limit"]
