"""Rupture contexts shared by logic-tree branches that float the same ruptures.

Branches of the source model that differ only in their magnitude-frequency
distribution (the same fault geometry, magnitude-scaling relation, aspect ratio,
mesh and magnitude grid) float the same ruptures at every magnitude: only the
rates differ. OpenQuake's ``SimpleFaultSource`` gives each floating rupture of
magnitude bin ``i`` the rate ``rate_i / n_i`` (``n_i`` ruptures fit on the
fault). So the contexts (distances, ground-motion means and sigmas) are built
once, for a copy of the sources with rate 1 in every bin of the union of the
branches' grids, and each branch's rate of a rupture is ``rate_i / n_i`` again,
with ``n_i = 1 / (1 / n_i)`` read back from the copy: the same division
OpenQuake makes. Bins of zero rate give OpenQuake no rupture; here their rows
are left out too. Equal to the per-branch contexts to 1e-12
(``tests/fault/test_hazard_psha.py``).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import numpy as np


def rupture_key(src: Any) -> tuple[Any, ...] | None:
    """What fixes the ruptures a source floats, apart from its rates; None when this module cannot share them.

    Only ``SimpleFaultSource`` with an ``EvenlyDiscretizedMFD`` and no
    hypocentre or slip lists (the fault sources of :mod:`geoexplore.fault.hazard.oqsource`).
    """
    from openquake.hazardlib.mfd import EvenlyDiscretizedMFD
    from openquake.hazardlib.source import SimpleFaultSource

    if type(src) is not SimpleFaultSource or type(src.mfd) is not EvenlyDiscretizedMFD:
        return None
    if len(src.hypo_list) or len(src.slip_list) or len(src.hypo_depth_list) or getattr(src, "scaling_rate", 1) != 1:
        return None
    tom = src.temporal_occurrence_model
    return (src.source_id, src.tectonic_region_type, src.fault_trace.coo.tobytes(), src.upper_seismogenic_depth,
            src.lower_seismogenic_depth, src.dip, src.rake, src.rupture_mesh_spacing, src.rupture_aspect_ratio,
            str(src.magnitude_scaling_relationship), type(tom).__name__, getattr(tom, "time_span", None),
            src.mfd.min_mag, src.mfd.bin_width)


def share_groups(branches: Sequence[Sequence[Any]]) -> list[list[int]]:
    """Indices of the branches (each a list of sources) that float the same ruptures, grouped in first-seen order.

    A branch with a source :func:`rupture_key` cannot key is a group of its own.
    """
    groups: dict[Any, list[int]] = {}
    for b, srcs in enumerate(branches):
        keys = tuple(rupture_key(s) for s in srcs)
        key = keys if all(k is not None for k in keys) else ("alone", b)
        groups.setdefault(key, []).append(b)
    return list(groups.values())


def unit_rate_sources(branches: Sequence[Sequence[Any]]) -> list[Any]:
    """Copies of the sources of one group with rate 1 in every bin any of its branches uses; ``id`` = position."""
    from openquake.hazardlib.mfd import EvenlyDiscretizedMFD

    out = []
    for j, src in enumerate(branches[0]):
        n_bins = max(len(b[j].mfd.occurrence_rates) for b in branches)
        unit = copy.deepcopy(src)
        unit.mfd = EvenlyDiscretizedMFD(src.mfd.min_mag, src.mfd.bin_width, [1.0] * n_bins)
        unit.id = j
        out.append(unit)
    return out


def branch_rupture_rates(ctx: Any, unit_sources: Sequence[Any], sources: Sequence[Any]) -> np.ndarray:
    """Annual rate of each context row's rupture on the branch of ``sources`` (0 where the branch has no such rupture).

    Parameters
    ----------
    ctx : numpy recarray
        Contexts of ``unit_sources`` (fields ``src_id``, ``mag``, ``occurrence_rate``).
    unit_sources : sequence
        From :func:`unit_rate_sources`.
    sources : sequence
        The branch's sources, in the same order.
    """
    src_id = np.asarray(ctx.src_id, int)
    n_rup = np.rint(1.0 / np.asarray(ctx.occurrence_rate, float))  # ruptures of the row's magnitude on its fault
    rate = np.zeros(len(src_id))
    for j, (unit, src) in enumerate(zip(unit_sources, sources)):
        rows = np.flatnonzero(src_id == j)
        if not rows.size:
            continue
        i_bin = np.rint((np.asarray(ctx.mag, float)[rows] - unit.mfd.min_mag) / unit.mfd.bin_width).astype(int)
        bins = np.asarray(src.mfd.occurrence_rates, float)
        inside = i_bin < len(bins)
        rate[rows[inside]] = bins[i_bin[inside]] / n_rup[rows[inside]]
    return rate
