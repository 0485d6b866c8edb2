"""Seismic reflection processing: field geometry -> statics -> pre-processing -> velocity analysis -> stack -> migration -> depth.

Kernels (NumPy/Numba, one job each): :mod:`.geometry` (station tables,
observer's log, CMP binning), :mod:`.filters`, :mod:`.gain`, :mod:`.decon`,
:mod:`.statics`, :mod:`.velocity`, :mod:`.nmo`, :mod:`.stack`,
:mod:`.migration`, :mod:`.depth`, :mod:`.modelling` (Ricker wavelet,
hyperbolic and Kirchhoff synthetic gathers). The flow on xarray datasets is
split by stage (:mod:`.shots`, :mod:`.preprocess`, :mod:`.statics`,
:mod:`.velocity`, :mod:`.imaging`) and gathered in :mod:`.flow`; trace QC in
:mod:`.qc`. Workflow steps: :mod:`.steps` (settings :mod:`.settings`);
figures: :mod:`.plot`; commands: :mod:`.cli`; synthetic survey: :mod:`.synth`.
"""
