"""Microtremor: H/V with SESAME criteria, sediment thickness, array dispersion and Vs profiles.

The front door (imports are lazy; ``import geoexplore.microtremor`` stays cheap)::

    import geoexplore.microtremor as mtr
    rec = mtr.read("STN11.miniseed")          # miniSEED, SAC (one or several files), SAF: format sniffed
    res = mtr.hvsr(rec)                       # or mtr.hvsr(rec, mtr.HvsrSettings(window_length_s=60))
    print(res.f0_hz, res.a0, res.sesame.to_dict())
    res.plot("hv.png"); mtr.write_hv(res, "STN11.hv")

Files: :func:`read` (records), :func:`read_hv` (Geopsy H/V curves),
:func:`write` (record or curve, format from the ending), all behind the one
format registry :data:`geoexplore.microtremor.io.REGISTRY`. Processing:
:func:`hvsr` (= :func:`process_record`), :func:`thickness` (f0 -> sediment
thickness), :func:`read_array` + :func:`process_array` (SPAC/FK dispersion
and the Vs inversion, an :class:`ArrayResult` with ``.plot()``),
:func:`invert_dispersion`.

Modules: container :mod:`.record`; files :mod:`.io`; settings
:mod:`.settings`; kernels :mod:`.smoothing` (Konno-Ohmachi),
:mod:`.spectral_ratio`, :mod:`.windows`, :mod:`.rejection`, :mod:`.stats`,
:mod:`.sesame`, :mod:`.transfer`, :mod:`.depth_conversion`, :mod:`.spac`,
:mod:`.fk`, :mod:`.dispersion`, :mod:`.process`, :mod:`.arrays`; synthetic
data :mod:`.synth`; workflow steps :mod:`.steps`; figures :mod:`.plot`;
command line :mod:`.cli`.
"""

from __future__ import annotations

from geoexplore.core.lazy import lazy_exports

_LAZY = {
    "read": "geoexplore.microtremor.io",
    "read_record": "geoexplore.microtremor.io",
    "write": "geoexplore.microtremor.io",
    "read_hv": "geoexplore.microtremor.io",
    "write_hv": "geoexplore.microtremor.io",
    "HvFile": "geoexplore.microtremor.io",
    "write_miniseed": "geoexplore.microtremor.io",
    "write_saf": "geoexplore.microtremor.io",
    "Record": "geoexplore.microtremor.record",
    "record_from_arrays": "geoexplore.microtremor.record",
    "hvsr": "geoexplore.microtremor.process",
    "process_record": "geoexplore.microtremor.process",
    "HvsrResult": "geoexplore.microtremor.process",
    "thickness": "geoexplore.microtremor.depth_conversion",
    "Thickness": "geoexplore.microtremor.depth_conversion",
    "read_array": "geoexplore.microtremor.arrays",
    "process_array": "geoexplore.microtremor.arrays",
    "ArrayResult": "geoexplore.microtremor.arrays",
    "invert_dispersion": "geoexplore.microtremor.dispersion",
    "HvsrSettings": "geoexplore.microtremor.settings",
    "ThicknessSettings": "geoexplore.microtremor.settings",
    "ArraySettings": "geoexplore.microtremor.settings",
}

__getattr__, __dir__, __all__ = lazy_exports(__name__, _LAZY)
