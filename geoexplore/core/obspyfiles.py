"""Seismological waveform files through ObsPy: public format checks and where a damaged file goes wrong.

Shared by every method that reads miniSEED or SAC (MT time series,
microtremor records). ObsPy says *that* a file is broken; these functions
say *where*, so the error names the record or byte.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from typing import Any


def obspy_is_format(path: str | os.PathLike[str], fmt: str) -> bool:
    """ObsPy's own check of whether ``path`` is a ``fmt`` file ("MSEED", "SAC", "GCF", ...).

    Uses the ``isFormat`` function ObsPy registers for the format through its
    public plug-in entry points (``obspy.plugin.waveform.<FMT>``), never
    ObsPy's guessing over every format. A check that cannot even parse the
    header means "not this format".
    """
    from importlib.metadata import entry_points

    eps = [ep for ep in entry_points(group=f"obspy.plugin.waveform.{fmt.upper()}") if ep.name == "isFormat"]
    if not eps:
        raise ValueError(f"ObsPy has no waveform format {fmt!r}")
    test = eps[0].load()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return bool(test(os.fspath(path)))
        except MemoryError:
            raise
        except Exception:  # noqa: BLE001 - a header it cannot parse: not this format
            return False


def mseed_problem_position(path: str) -> str:
    """Where a file obspy could not read stops being valid miniSEED (walks the fixed record headers).

    Returns ``"record k (byte o)"`` for the first record whose fixed header or
    blockette 1000 is broken or which runs past the end of the file, else
    ``"byte 0"`` (not miniSEED at all; e.g. a damaged SAC file).
    """
    import struct

    size = os.path.getsize(path)
    off, k = 0, 1
    with open(path, "rb") as fh:
        while off < size:
            fh.seek(off)
            h = fh.read(64)
            if len(h) < 48:
                return f"record {k} (byte {off}): fixed header truncated at end of file"
            seq_ok = all(c in b"0123456789 " for c in h[:6])
            if not seq_ok or h[6:7] not in (b"D", b"R", b"Q", b"M"):
                return f"record {k} (byte {off}): no miniSEED fixed header" if k > 1 else "byte 0"
            year_be = struct.unpack(">H", h[20:22])[0]
            end = ">" if 1900 <= year_be <= 2100 else "<"
            nxt = struct.unpack(end + "H", h[46:48])[0]
            reclen = None
            for _ in range(16):  # follow the blockette chain within the first bytes of the record
                if nxt < 48 or nxt + 8 > 4096:
                    break
                fh.seek(off + nxt)
                bl = fh.read(8)
                if len(bl) < 8:
                    break
                btype, nxt = struct.unpack(end + "HH", bl[:4])
                if btype == 1000:
                    exp = bl[6]
                    reclen = 2**exp if 7 <= exp <= 20 else None
                    break
            if reclen is None:
                return f"record {k} (byte {off}): no valid blockette 1000 (record length)"
            if off + reclen > size:
                return f"record {k} (byte {off}): record of {reclen} bytes runs past the end of the file ({size} bytes)"
            off += reclen
            k += 1
    return f"one of records 1-{k - 1} (data section)"


SAC_HEADER_BYTES = 632  # 70 floats, 40 integers, 192 characters
_SAC_INT0 = 280  # byte of the first integer header word
_SAC_NVHDR, _SAC_NPTS = 6, 9  # integer header words


def sac_problem_position(path: str) -> str:
    """Where a SAC file ObsPy could not read goes wrong, from its binary header.

    ObsPy reads one block of NPTS 4-byte samples after the 632 header bytes
    and wants the file to end there. Returns where the header is cut, where
    the data end before NPTS samples (``"byte 1032: data end after 100 of
    1000 samples (NPTS, byte 316)"``), or where bytes follow them.
    """
    import struct

    size = os.path.getsize(path)
    if size < SAC_HEADER_BYTES:
        return f"byte {size}: header cut short (a SAC header has {SAC_HEADER_BYTES} bytes)"
    with open(path, "rb") as fh:
        ints = fh.read(SAC_HEADER_BYTES)[_SAC_INT0:_SAC_INT0 + 160]
    words = struct.unpack("<40i", ints)
    if not 0 <= words[_SAC_NVHDR] <= 20:  # the byte order ObsPy settles on the same way
        words = struct.unpack(">40i", ints)
    npts = words[_SAC_NPTS]
    npts_at = _SAC_INT0 + 4 * _SAC_NPTS
    if npts < 0:
        return f"byte {npts_at}: NPTS = {npts}"
    data_end = SAC_HEADER_BYTES + 4 * npts
    if size < data_end:
        return f"byte {size}: data end after {(size - SAC_HEADER_BYTES) // 4} of {npts} samples (NPTS, byte {npts_at})"
    if size > data_end:  # a second block (uneven or spectral data) or a version 7 footer: ObsPy reads neither
        return f"byte {data_end}: {size - data_end} bytes after the {npts} samples NPTS (byte {npts_at}) announces"
    return f"header (bytes 0-{SAC_HEADER_BYTES - 1})"


def obspy_read(path: str | os.PathLike[str], *, format: str, label: str | None = None,  # noqa: A002
               problem_position: Callable[[str], str] | None = None) -> Any:
    """``obspy.read(path, format=format)`` as a file read whose every failure is the file's one-line error.

    The one place where the readers that call ObsPy directly (MT miniSEED,
    microtremor miniSEED/SAC/GCF) get what the format registry gives its
    reads (:meth:`geoexplore.core.formats.FormatRegistry.call`): an exception
    raised inside libmseed's log callback (a message with bytes that are not
    UTF-8, from a damaged header), which Python could only print as
    ``Exception ignored on calling ctypes callback function ... Traceback``,
    is collected (:func:`geoexplore.core.quiet.captured_callback_errors`) and
    raised as the file's :class:`~geoexplore.core.errors.FileFormatError`
    holding libmseed's own message and the record where the file goes wrong.

    Parameters
    ----------
    path : path-like
        The file.
    format : str
        ObsPy's format name ("MSEED", "SAC", "GCF"), always given: ObsPy's
        guessing would try its PICKLE plug-in.
    label : str, optional
        The format's name in messages (default ``format``).
    problem_position : callable, optional
        path -> where the file goes wrong (default :func:`mseed_problem_position`).

    Raises
    ------
    FileFormatError
        ObsPy failed (``not a readable <label> file (...)``) or its C library
        met a problem it could not report; MemoryError propagates (a resource
        limit, not a damaged file).
    """
    import obspy

    from geoexplore.core.errors import FileFormatError
    from geoexplore.core.formats import lost_callback_error
    from geoexplore.core.quiet import captured_callback_errors

    p = os.fspath(path)
    where = problem_position or mseed_problem_position
    try:
        with captured_callback_errors() as lost:
            st = obspy.read(p, format=format)
    except MemoryError:
        raise
    except Exception as exc:  # obspy raises many types for corrupt files
        raise FileFormatError(p, f"not a readable {label or format} file ({type(exc).__name__}: {str(exc)[:200]})",
                              position=where(p)) from None
    if lost:  # libmseed went on without reporting the problem it met: the traces cannot be trusted
        raise lost_callback_error(p, format, lost)
    return st


__all__ = ["SAC_HEADER_BYTES", "mseed_problem_position", "obspy_is_format", "obspy_read", "sac_problem_position"]
