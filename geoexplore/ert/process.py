"""The ERT front door's processing call: quality control when needed, then the inversion.

:func:`invert` is what :func:`geoexplore.ert.invert` runs::

    import geoexplore.ert as ert
    data = ert.read("line1.bin")
    res = ert.invert(data)          # QC first (the data had none), then pyGIMLi with DOI
    res.plot("section.png")

The kernels it calls are :func:`geoexplore.ert.qc.quality_control` and
:func:`geoexplore.ert.inversion.invert_resistivity`; nothing here computes.
"""

from __future__ import annotations

from typing import Any

from geoexplore.ert.data import ERTData
from geoexplore.ert.inversion import InversionResult, invert_resistivity


def needs_quality_control(data: ERTData) -> bool:
    """True if the data did not come out of :func:`~geoexplore.ert.qc.quality_control` (no data error model)."""
    return "error_source" not in data.meta


def invert(data: ERTData, settings: Any = None) -> InversionResult:
    """Invert ERT data for a 2D resistivity section with its depth of investigation.

    Parameters
    ----------
    data : ERTData
        Data as read (:func:`geoexplore.ert.read`) or after
        :func:`~geoexplore.ert.qc.quality_control`. Data that have not been
        through quality control get it first (checks, geometric factors,
        reciprocals, filters, error model), with ``settings.qc``.
    settings : ErtSettings or InversionSettings, optional
        ``ErtSettings`` (``qc`` and ``inversion`` sections) or only the
        inversion settings (QC then runs with its defaults); default: defaults.

    Returns
    -------
    InversionResult
        Cell model (ohm m), misfit, DOI index; ``qc_report`` holds the QC
        report when QC ran here. ``.plot(path)`` draws the section,
        ``.write(path)`` writes it.
    """
    from geoexplore.ert.qc import quality_control
    from geoexplore.ert.settings import ErtSettings, InversionSettings

    if settings is None:
        settings = ErtSettings()
    if isinstance(settings, InversionSettings):
        qc_settings, inv_settings = None, settings
    else:
        qc_settings, inv_settings = settings.qc, settings.inversion
    report = None
    if needs_quality_control(data):
        data, report = quality_control(data, qc_settings)
    result = invert_resistivity(data, inv_settings)
    result.qc_report = report
    return result


__all__ = ["invert", "needs_quality_control"]
