"""Writers take (obj, path): the old (path, obj) order of the microtremor writers, accepted for one release."""

from __future__ import annotations

import os
import warnings
from typing import Any


def object_and_path(first: Any, second: Any, writer: str) -> tuple[Any, Any]:
    """``(obj, path)`` from a writer's first two arguments; the old order (path, obj) warns and is swapped.

    Decided by type only: a first argument that is a path (str or PathLike)
    with a second that is not is the old order.
    """
    if isinstance(first, (str, os.PathLike)) and not isinstance(second, (str, os.PathLike)):
        warnings.warn(f"{writer}(path, obj) is deprecated: writers take (obj, path)", DeprecationWarning, stacklevel=3)
        return second, first
    return first, second
