"""Optional modules found by name: the one way geoexplore discovers its own plug-ins."""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator
from types import ModuleType


def import_if_present(name: str) -> ModuleType | None:
    """Import module ``name``; None if that module itself does not exist.

    A module that exists but fails to import (a missing dependency inside
    it) raises, so real errors are never hidden.
    """
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name == name:
            return None
        raise


def present(names: Iterable[str]) -> Iterator[ModuleType]:
    """The modules among ``names`` that exist, imported, in order."""
    for name in names:
        m = import_if_present(name)
        if m is not None:
            yield m
