"""Moved: the time-series container is :mod:`geoexplore.mt.tsdata`, the readers are in :mod:`geoexplore.mt.io`.

This module re-exports the public names for one release:

* container and checks (:mod:`geoexplore.mt.tsdata`): ``TimeSeries``,
  ``Channel``, ``TimeSeriesError``, ``QualityReport``, ``check_timeseries``,
  ``despike``, ``with_data``, ``CHANNELS``, ``DEFAULT_AZIMUTH``;
* readers: ``read_ascii`` and ``EMTF_SYNTHETIC_METADATA``
  (:mod:`geoexplore.mt.io.ascii`), ``read_miniseed``, ``write_miniseed`` and
  ``SEED_COMPONENTS`` (:mod:`geoexplore.mt.io.miniseed`), ``read_mth5``
  (:mod:`geoexplore.mt.io.mth5file`), ``sidecar_path``
  (:mod:`geoexplore.mt.io.sidecar`), ``read_timeseries`` (:mod:`geoexplore.mt.io`).

Prefer ``geoexplore.mt.read`` (format sniffed).
"""

from geoexplore.mt.io import read_timeseries  # noqa: F401
from geoexplore.mt.io.ascii import EMTF_SYNTHETIC_METADATA, read_ascii  # noqa: F401
from geoexplore.mt.io.miniseed import SEED_COMPONENTS, read_miniseed, write_miniseed  # noqa: F401
from geoexplore.mt.io.mth5file import read_mth5  # noqa: F401
from geoexplore.mt.io.sidecar import sidecar_path  # noqa: F401
from geoexplore.mt.tsdata import (  # noqa: F401
    CHANNELS,
    DEFAULT_AZIMUTH,
    Channel,
    QualityReport,
    TimeSeries,
    TimeSeriesError,
    check_timeseries,
    despike,
    with_data,
)

__all__ = ["CHANNELS", "DEFAULT_AZIMUTH", "EMTF_SYNTHETIC_METADATA", "SEED_COMPONENTS", "Channel", "QualityReport",
           "TimeSeries", "TimeSeriesError", "check_timeseries", "despike", "read_ascii", "read_miniseed", "read_mth5",
           "read_timeseries", "sidecar_path", "with_data", "write_miniseed"]
