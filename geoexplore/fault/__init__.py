"""Fault interpretation across methods, activity classification and hazard (magnitude, setbacks).

Layers: kernels (``indicators/``, ``integrate``, ``activity``, ``sliprate``,
``magnitude``, ``setback``; NumPy only) -> the ``fault.assess`` step
(``steps``) -> the facades :func:`geoexplore.fault.assess.assess` (images in
memory) and :func:`geoexplore.fault.steps.assess_store` (a run's project store). Every
threshold and relation is data in ``rules/`` (see docs/assessment.md).
Importing this package is cheap: submodules load on use.
"""

from __future__ import annotations

from typing import Any

__all__ = ["assess", "assess_store", "load_rules"]


def assess(*args: Any, **kwargs: Any) -> Any:
    """See :func:`geoexplore.fault.assess.assess`."""
    from geoexplore.fault.assess import assess as _assess

    return _assess(*args, **kwargs)


def assess_store(*args: Any, **kwargs: Any) -> Any:
    """See :func:`geoexplore.fault.steps.assess_store`."""
    from geoexplore.fault.steps import assess_store as _assess_store

    return _assess_store(*args, **kwargs)


def load_rules(path: Any = None) -> Any:
    """See :func:`geoexplore.fault.rules.load_rules`."""
    from geoexplore.fault.rules import load_rules as _load

    return _load(path)
