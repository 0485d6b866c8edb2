"""Silence the loguru output of third-party packages (mt_metadata, mth5) without configuring loguru.

mt_metadata and mth5 log every file they open or close through loguru at INFO
level to stderr; geoexplore's console output is its progress lines. Only
those packages' loggers are disabled (``logger.disable(name)``), nothing
global is changed, and nothing happens at import time.
"""

from __future__ import annotations


def quiet_loguru(*packages: str) -> None:
    """Disable loguru messages emitted from ``packages`` (no-op without loguru)."""
    try:
        from loguru import logger
    except ImportError:  # pragma: no cover - loguru comes with mt_metadata
        return
    for name in packages:
        logger.disable(name)


__all__ = ["quiet_loguru"]
