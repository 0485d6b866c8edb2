"""Magnetotellurics: time series to transfer functions, EDI, phase tensors, 1D and 2D inversion.

Front door (imports are lazy; ``import geoexplore.mt`` stays cheap)::

    import geoexplore.mt as mt
    tf = mt.read("station.edi")              # EDI, Z-file, EMTF-XML -> Dataset; time series -> TimeSeries
    res = mt.invert_station(tf)              # Occam 1D
    res.plot("model.png")

    ts = mt.read("MT22.mseed")               # miniSEED + side-car, MTH5, ASCII + side-car
    tf = mt.estimate_tf(ts, mt.read("MT27.mseed"), mt.ProcessingSettings())
    mt.write(tf, "MT22.edi"); mt.plot_tf(tf, "MT22.png")
    pt = mt.phase_tensor_dataset(tf)         # phase tensor, skew, dimensionality, strike

Files: :mod:`.io` (``TF_FORMATS``: edi, zfile, emtfxml; ``TS_FORMATS``:
mth5, miniseed, ascii); containers: :mod:`.tfdata`, :mod:`.tsdata`;
settings: :mod:`.settings`; kernels: :mod:`.spectra`, :mod:`.robust`,
:mod:`.processing`, :mod:`.analysis`, :mod:`.phase_tensor`,
:mod:`.forward1d`, :mod:`.invert1d`, :mod:`.invert2d`, :mod:`.mesh2d`,
:mod:`.simpeg2d`; synthetic data: :mod:`.synth`; workflow steps:
:mod:`.steps`; figures: :mod:`.plot`; command line: :mod:`.cli`.
"""

from __future__ import annotations

from geoexplore.core.lazy import lazy_exports

_LAZY = {
    # files
    "read": "geoexplore.mt.io",
    "write": "geoexplore.mt.io",
    "detect": "geoexplore.mt.io",
    "TF_FORMATS": "geoexplore.mt.io",
    "TS_FORMATS": "geoexplore.mt.io",
    "EMTF_SYNTHETIC_METADATA": "geoexplore.mt.io.ascii",
    # containers
    "make_tf": "geoexplore.mt.tfdata",
    "apparent_resistivity": "geoexplore.mt.tfdata",
    "phase_deg": "geoexplore.mt.tfdata",
    "TimeSeries": "geoexplore.mt.tsdata",
    "Channel": "geoexplore.mt.tsdata",
    # settings
    "ProcessingSettings": "geoexplore.mt.settings",
    "Invert1DSettings": "geoexplore.mt.settings",
    "Invert2DSettings": "geoexplore.mt.settings",
    # processing and analysis
    "estimate_tf": "geoexplore.mt.processing",
    "rho_phase": "geoexplore.mt.analysis",
    "rotate_tf": "geoexplore.mt.analysis",
    "niblett_bostick": "geoexplore.mt.analysis",
    "phase_tensor_dataset": "geoexplore.mt.phase_tensor",
    "regional_strike": "geoexplore.mt.phase_tensor",
    # inversion (results have .plot(path))
    "invert_station": "geoexplore.mt.invert1d",
    "Result1D": "geoexplore.mt.invert1d",
    "invert_profile": "geoexplore.mt.invert2d",
    "prepare_profile": "geoexplore.mt.invert2d",
    "ProfileInversion": "geoexplore.mt.invert2d",
    # figures
    "plot_tf": "geoexplore.mt.plot",
    "plot_curves": "geoexplore.mt.plot",
    "plot_section": "geoexplore.mt.plot",
    "plot_model1d": "geoexplore.mt.plot",
}

__getattr__, __dir__, __all__ = lazy_exports(__name__, _LAZY)
