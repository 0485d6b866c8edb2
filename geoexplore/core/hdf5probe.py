"""Read an HDF5 file's metadata in a child process with a deadline, before trusting it in ours.

The HDF5 C library can loop for ever on some damaged files (seen: a mangled
variable-length string attribute of the root group; found by the fuzzer on
MTH5 files). No Python-level timeout can interrupt it, so readers of foreign
HDF5 files (MTH5) first let a short-lived child process open the file and
read every object's attributes; a child that does not finish in time is
killed and the file is refused with the object it was reading as the
position. Costs about 0.2-0.4 s per file (interpreter + h5py start); a file
that passed is not probed again in the same process while its size and
modification time are unchanged (a station and its remote reference in one
MTH5 file, or a file read again, pay once).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from geoexplore.core.errors import FileFormatError

__all__ = ["probe_hdf5_metadata", "DEFAULT_TIMEOUT_S"]

#: seconds; a sound MTH5 file's metadata reads in well under 1 s (plus ~0.3 s to start the child).
#: ``GEOEXPLORE_HDF5_PROBE_TIMEOUT_S`` sets another default (slow network file systems).
DEFAULT_TIMEOUT_S = 10.0

# files that passed: (device, inode, size, mtime_ns) of each. A file modified less than _SETTLED_NS
# before its probe is not remembered (file times tick coarsely: a rewrite within the tick keeps the key)
_PASSED: set[tuple[int, int, int, int]] = set()
_SETTLED_NS = 2_000_000_000

# The child prints each object's name before reading its attributes, so the
# last line printed names the object it was stuck on.
_CHILD = r"""
import sys
import h5py

def visit(name, obj):
    print("OBJ", name, flush=True)
    for key in obj.attrs.keys():
        print("ATTR", name, key, flush=True)
        obj.attrs[key]

with h5py.File(sys.argv[1], "r") as f:
    visit("/", f)
    f.visititems(visit)
print("OK", flush=True)
"""


def probe_hdf5_metadata(path: str | os.PathLike[str], *, timeout_s: float | None = None) -> None:
    """Refuse ``path`` if reading its HDF5 metadata fails or does not finish within ``timeout_s``.

    ``timeout_s`` defaults to ``$GEOEXPLORE_HDF5_PROBE_TIMEOUT_S`` or :data:`DEFAULT_TIMEOUT_S`.

    Raises
    ------
    FileFormatError
        Naming the object (and attribute) being read when the child failed
        or was stopped.
    """
    p = Path(path)
    if timeout_s is None:
        timeout_s = float(os.environ.get("GEOEXPLORE_HDF5_PROBE_TIMEOUT_S", DEFAULT_TIMEOUT_S))
    try:
        st = p.stat()
        key = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
    except OSError:  # the child reports it
        key = None
    if key in _PASSED:
        return
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    try:
        done = subprocess.run([sys.executable, "-c", _CHILD, str(p)], capture_output=True, timeout=timeout_s, env=env)
        out, err, code = done.stdout, done.stderr, done.returncode
        hung = False
    except subprocess.TimeoutExpired as exc:  # run() has killed the child
        out, err, code, hung = exc.stdout or b"", exc.stderr or b"", None, True
    lines = out.decode("utf-8", "replace").splitlines()
    if code == 0 and lines and lines[-1] == "OK":
        if key is not None and time.time_ns() - key[3] > _SETTLED_NS:
            _PASSED.add(key)
        return
    where = "superblock (the file did not open)"
    if lines:
        kind, _, rest = lines[-1].partition(" ")
        if kind == "ATTR":
            obj, _, attr = rest.rpartition(" ")
            where = f"attribute {attr!r} of HDF5 object {obj!r}"
        elif kind == "OBJ":
            where = f"HDF5 object {rest!r}"
    if hung:
        raise FileFormatError(p, f"the HDF5 library did not finish reading the metadata in {timeout_s:g} s (damaged file)",
                              position=where)
    last = err.decode("utf-8", "replace").strip().splitlines()
    why = last[-1][:200] if last else f"exit status {code}"
    raise FileFormatError(p, f"unreadable HDF5 metadata ({why})", position=where)
