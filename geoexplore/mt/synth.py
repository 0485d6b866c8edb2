"""Synthetic MT data (SYNTHETIC, never field data): the door to the two generators.

* time series (:mod:`geoexplore.mt.synth_ts`): :func:`synthesize` makes
  five-channel records over 1D columns (``StationSpec``), :func:`write_siping`
  the Siping miniSEED set (``python -m geoexplore.mt.synth_ts --out DIR``);
* transfer functions (:mod:`geoexplore.mt.synth2d`): :func:`make_survey` runs
  the SimPEG 2D TE/TM forward of a geological model and returns one
  transfer-function Dataset per station (``python -m geoexplore.mt.synth2d --out DIR``);
* 1D forward (:mod:`geoexplore.mt.forward1d`): :func:`mt1d_tf` the exact
  transfer functions of a layered earth, :func:`noisy_mt1d_tf` with noise
  and honest errors.
"""

from __future__ import annotations

from geoexplore.core.lazy import lazy_exports

_LAZY = {
    "StationSpec": "geoexplore.mt.synth_ts",
    "synthesize": "geoexplore.mt.synth_ts",
    "siping_stations": "geoexplore.mt.synth_ts",
    "write_siping": "geoexplore.mt.synth_ts",
    "make_survey": "geoexplore.mt.synth2d",
    "station_table": "geoexplore.mt.synth2d",
    "mt1d_tf": "geoexplore.mt.forward1d",
    "noisy_mt1d_tf": "geoexplore.mt.forward1d",
}

__getattr__, __dir__, __all__ = lazy_exports(__name__, _LAZY)
