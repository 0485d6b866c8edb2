"""Test hooks of the store: a slow shared file system, switched on through the environment (unset in normal use).

The ordering tests of the runner (tests/pipeline/test_ordering.py) run a real
cluster whose client and workers read these variables: every store transaction
waits before renaming its new version into place (a slow write), every
record-table read waits with the file open (a slow read). Both widen the
windows in which a reader and the writer overlap.
"""

from __future__ import annotations

import os

from geoexplore.core.errors import StoreError

#: test hooks: seconds every store transaction waits before its rename (a slow write), and every
#: record-table read waits with the file open (a slow read), as on a slow shared file system; read by
#: each :class:`ProjectStore`, on the client and on the workers; unset in normal use
WRITE_DELAY_ENV = "GEOEXPLORE_TEST_STORE_WRITE_DELAY_S"
READ_DELAY_ENV = "GEOEXPLORE_TEST_STORE_READ_DELAY_S"


def delay_from_env(name: str) -> float:
    """The delay the environment variable ``name`` asks for, in seconds; 0 if unset."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return 0.0
    try:
        delay = float(raw)
    except ValueError:
        raise StoreError(f"{name}={raw!r}: not a number of seconds") from None
    if not 0 <= delay <= 10:
        raise StoreError(f"{name}={raw!r}: must be between 0 and 10 s")
    return delay
