"""Report: the composite profile figure, the report content and its writers, the ``report.build`` step and the
``geoexplore assess`` / ``geoexplore report`` commands.

* :mod:`.composite` -- :func:`~geoexplore.report.composite.plot_composite` and ``save_composite``;
* :mod:`.content` -- the report as neutral blocks, one function per section (:mod:`.reason_zh`: Chinese reasoning);
* :mod:`.writers` -- DOCX, HTML, and the assessment tables (``write_assessment``);
* :mod:`.steps` -- the ``report.build`` step; :mod:`.figures` -- redraw stored figures; :mod:`.cli` -- the commands.

``geoexplore.report.style`` and ``geoexplore.report.i18n`` are re-exports of
:mod:`geoexplore.viz.style` and :mod:`geoexplore.viz.i18n`, kept for one release.
"""
