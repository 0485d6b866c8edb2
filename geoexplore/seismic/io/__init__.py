"""Seismic file I/O: SEG-Y (rev 0/1/2), SU and SEG-2, read into xarray gathers.

>>> from geoexplore.seismic import io
>>> ds = io.read("line.sgy")                 # format detected from the content
>>> ds = io.read("survey.sgy", lazy=True)    # memory-mapped Dask array
>>> io.scan("shot.seg2")                     # cheap: format, n_traces, n_samples, dt_s, byte order
>>> io.write(ds, "out.sgy", format="segy", sample_format=1)   # IBM float, big-endian

The gather layout is documented in :mod:`geoexplore.seismic.gather`.
Every reader raises :class:`geoexplore.core.errors.FileFormatError` naming
the file and the trace / byte offset for truncated or inconsistent files.
"""

from __future__ import annotations

from geoexplore.seismic.io.registry import FORMATS, detect, plugin, read, register, scan, write

__all__ = ["FORMATS", "detect", "plugin", "read", "register", "scan", "write"]
