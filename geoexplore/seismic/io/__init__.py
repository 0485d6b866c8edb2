"""Seismic file I/O: SEG-Y (rev 0/1/2), SU and SEG-2 gathers, and ``.sgt`` traveltime pick files.

>>> from geoexplore.seismic import io
>>> ds = io.read("line.sgy")                 # format detected from the content
>>> ds = io.read("survey.sgy", lazy=True)    # memory-mapped Dask array
>>> io.scan("shot.seg2")                     # cheap: format, n_traces, n_samples, dt_s, byte order
>>> io.write(ds, "out.sgy", format="segy", sample_format=1)   # IBM float, big-endian
>>> tt = io.read_sgt("picks.sgt")            # pyGIMLi unified data format (not a gather)

One module per format family: :mod:`.segy`, :mod:`.su`, :mod:`.seg2` (with
the helpers :mod:`.headers`, :mod:`.ibm`, :mod:`.samples`,
:mod:`.tracefile`) behind the format registry :mod:`.registry`
(:class:`geoexplore.core.formats.FormatRegistry`), and :mod:`.sgt` for pick
files. The gather layout is documented in :mod:`geoexplore.seismic.gather`.
Every reader raises :class:`geoexplore.core.errors.FileFormatError` naming
the file and the trace / byte offset for truncated or inconsistent files.
"""

from __future__ import annotations

from geoexplore.seismic.io.registry import (
           FORMATS,
           REGISTRY,
           detect,
           plugin,
           read,
           register,
           scan,
           write,
)
from geoexplore.seismic.io.sgt import TraveltimeData, read_sgt, write_sgt

__all__ = ["FORMATS", "REGISTRY", "TraveltimeData", "detect", "plugin", "read", "read_sgt", "register", "scan",
           "write", "write_sgt"]
