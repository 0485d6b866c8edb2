"""High-density resistivity (ERT): instrument files, QC and error models, 2D inversion with DOI.

Front door (imports are lazy; ``import geoexplore.ert`` stays cheap)::

    import geoexplore.ert as ert
    data = ert.read("line1.bin")        # format sniffed: Syscal, Sting, ABEM Lund, unified, RES2DINV
    res = ert.invert(data)              # quality control if not done, then pyGIMLi with DOI
    res.plot("section.png")             # section, faded below the depth of investigation

``data.plot()`` draws the pseudosection; ``ert.quality_control(data)``
returns the cleaned data and the QC report; ``ert.write(data, path, "unified")``
and ``res.write("model.vtk")`` write. Modules: :mod:`.io` (one module per
instrument family), :mod:`.data` (:class:`ERTData`), :mod:`.settings`,
kernels :mod:`.geometric`, :mod:`.qc`, :mod:`.error_model`,
:mod:`.inversion`, :mod:`.doi`, :mod:`.anomaly`; :mod:`.process` (the
front door's ``invert``), :mod:`.steps`, :mod:`.synth`, :mod:`.plot`,
:mod:`.cli`.
"""

from __future__ import annotations

from geoexplore.core.lazy import lazy_exports

_LAZY = {
    "read": "geoexplore.ert.io",
    "write": "geoexplore.ert.io",
    "detect": "geoexplore.ert.io",
    "ERTData": "geoexplore.ert.data",
    "merge": "geoexplore.ert.data",
    "quality_control": "geoexplore.ert.qc",
    "QCReport": "geoexplore.ert.qc",
    "invert": "geoexplore.ert.process",
    "InversionResult": "geoexplore.ert.inversion",
    "write_result": "geoexplore.ert.inversion",
    "ErtSettings": "geoexplore.ert.settings",
    "QCSettings": "geoexplore.ert.settings",
    "InversionSettings": "geoexplore.ert.settings",
    "ImageSettings": "geoexplore.ert.settings",
}

__getattr__, __dir__, __all__ = lazy_exports(__name__, _LAZY)
