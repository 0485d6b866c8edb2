"""Lazy front doors: a package's public names, imported from their modules on first use.

Every method package exposes a short API at its top level (``geoexplore.mt.read``,
``geoexplore.microtremor.hvsr``...) without importing NumPy, xarray, ObsPy or
pyGIMLi when the package is imported::

    __getattr__, __dir__, __all__ = lazy_exports(__name__, {"read": "geoexplore.mt.io", ...})
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, names: Mapping[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]], list[str]]:
    """Module-level ``__getattr__``, ``__dir__`` and ``__all__`` for a package's lazily imported names.

    Parameters
    ----------
    package : str
        The package's ``__name__`` (for the error message).
    names : mapping of str to str
        Public name -> the module that defines it.
    """
    table = dict(names)

    def __getattr__(name: str) -> Any:
        if name in table:
            return getattr(importlib.import_module(table[name]), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        import sys

        return sorted(set(vars(sys.modules[package])) | set(table))

    return __getattr__, __dir__, sorted(table)


__all__ = ["lazy_exports"]
