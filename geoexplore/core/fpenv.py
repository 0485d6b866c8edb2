"""The floating-point environment a library leaves changed, put back.

pyGIMLi's 2D mesh generator (Shewchuk's Triangle, whose ``exactinit`` sets the
x87 FPU control word on Linux) leaves the x87 unit at 53-bit precision with the
invalid, divide-by-zero and overflow exceptions unmasked: control word 0x1272
instead of the default 0x037f. It is never restored. On x86-64 ordinary double
arithmetic does not use the x87 unit, but some library kernels do: OpenBLAS's
``dnrm2`` accumulates in x87 extended precision, and LAPACK's least squares
calls it (``np.linalg.lstsq``, ``np.polyfit``). So after any mesh generation in
a process, the same fit gives other last bits: measured, a reflection fault's
chainage 21530.482783440693 m in a fresh process and 21530.48278344068 m in a
Dask worker that had made an ERT or tomography mesh before (the demo soak's
last difference, issue 23), and a reflection first-arrival time 3e-17 s apart.

:func:`preserved` wraps the calls that run Triangle (``ert.inversion.create_mesh``,
the refraction meshes, the ERT synthetic mesh); the pipeline resets every task
to the default environment before it starts (:func:`reset`), whatever an
earlier task on the worker ran.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import platform
import sys
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

#: bytes kept for an ``fenv_t`` (glibc x86-64: 32; macOS: 16; aarch64: 8)
_FENV_BYTES = 64


@lru_cache(maxsize=1)
def _libm() -> Any:
    """The C maths library (``fegetenv``/``fesetenv``), or None where it cannot be loaded.

    Loaded on first use, not at import (the pipeline imports this module in every CLI start);
    on Linux by its soname, without ``ctypes.util.find_library`` (which runs ``ldconfig`` or a compiler).
    """
    first = {"linux": "libm.so.6", "darwin": "libSystem.dylib"}.get(sys.platform)
    lib = _load(first) if first else None
    if lib is None:
        name = ctypes.util.find_library("m")
        lib = _load(name) if name else None
    if lib is not None:
        lib.fegetenv.argtypes = [ctypes.c_void_p]
        lib.fesetenv.argtypes = [ctypes.c_void_p]
    return lib


def _load(name: str) -> Any:
    """``ctypes.CDLL(name)`` if it loads and has ``fegetenv``/``fesetenv``, else None."""
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        return None
    return lib if hasattr(lib, "fegetenv") and hasattr(lib, "fesetenv") else None


def current() -> bytes | None:
    """The calling thread's floating-point environment (``fegetenv``), or None where not available."""
    lib = _libm()
    if lib is None:
        return None
    buf = ctypes.create_string_buffer(_FENV_BYTES)
    if lib.fegetenv(buf) != 0:
        return None
    return buf.raw


def restore(env: bytes | None) -> None:
    """Set the calling thread's floating-point environment to ``env`` (from :func:`current`)."""
    lib = _libm()
    if lib is None or env is None:
        return
    buf = ctypes.create_string_buffer(env, _FENV_BYTES)
    lib.fesetenv(buf)


#: Linux C libraries (glibc, musl) define FE_DFL_ENV as ((const fenv_t *) -1); elsewhere the environment at import
_LINUX = sys.platform.startswith("linux")
_AT_IMPORT = None if _LINUX else current()


def reset() -> None:
    """The default floating-point environment: ``FE_DFL_ENV`` on Linux, elsewhere the one at import.

    Called before every pipeline task, so a task computes the same bits whatever
    an earlier task on the same worker left in the FPU.
    """
    lib = _libm()
    if lib is None:
        return
    if _LINUX:
        lib.fesetenv(ctypes.c_void_p(-1))
    else:
        restore(_AT_IMPORT)


@contextlib.contextmanager
def preserved() -> Iterator[None]:
    """Run the block, then put the floating-point environment back as it was before it."""
    env = current()
    try:
        yield
    finally:
        restore(env)


def x87_control_word() -> int | None:
    """The x87 FPU control word on x86-64 glibc (the first field of ``fenv_t``), else None."""
    env = current()
    if env is None or platform.machine() not in ("x86_64", "AMD64") or not sys.platform.startswith("linux"):
        return None
    return int.from_bytes(env[:2], "little")


__all__ = ["current", "preserved", "reset", "restore", "x87_control_word"]
