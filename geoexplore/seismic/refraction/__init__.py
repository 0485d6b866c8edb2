"""Seismic refraction: first-break picking -> pick tables -> traveltime tomography -> statics.

:mod:`.picking` (the picker, in named stages), :mod:`.detectors` and
:mod:`.consistency` (its kernels), :mod:`.pick_tables` (the editable picks
table, geometry, reciprocity, traveltime data), :mod:`.first_breaks` (the
:class:`~.first_breaks.FirstBreakPicks` result of the front door),
:mod:`.tomography` (pyGIMLi traveltime tomography, the ``refraction``
image), :mod:`.tomogram_statics` (station statics from a tomogram).
Workflow steps: :mod:`.steps` (settings :mod:`.settings`); figures:
:mod:`.plot`; commands: :mod:`.cli`; synthetic shots: :mod:`.synth`.
"""
