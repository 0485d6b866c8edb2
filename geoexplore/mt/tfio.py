"""Moved: transfer-function files are read and written by :mod:`geoexplore.mt.io` (format sniffed).

This module re-exports the public names for one release: ``read_tf`` and
``write_tf`` (:mod:`geoexplore.mt.io`), ``read_emtfxml`` and
``write_emtfxml`` (:mod:`geoexplore.mt.io.emtfxml`), ``to_mt_metadata``
(:mod:`geoexplore.mt.io.mtmetadata`). Prefer ``geoexplore.mt.read`` / ``geoexplore.mt.write``.
"""

from geoexplore.mt.io import read_tf, write_tf  # noqa: F401
from geoexplore.mt.io.emtfxml import read_emtfxml, write_emtfxml  # noqa: F401
from geoexplore.mt.io.mtmetadata import to_mt_metadata  # noqa: F401

#: the former suffix table (reading now sniffs the content)
READERS = {".edi": "edi", ".zss": "zfile", ".zrr": "zfile", ".zmm": "zfile", ".xml": "emtfxml"}

__all__ = ["READERS", "read_emtfxml", "read_tf", "to_mt_metadata", "write_emtfxml", "write_tf"]
