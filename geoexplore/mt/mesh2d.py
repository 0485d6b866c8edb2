"""Tensor meshes for 2D MT along a profile (discretize), and the Siping model on them.

Frame: mesh x = chainage along the profile (m), mesh y = elevation relative
to the ground surface (m, up), the surface is the node line y = 0 and
receivers sit exactly on it. Depth below the surface is ``-y``. Topography
is not meshed (flat surface; the Siping relief is 28 m over 30 km, a
slope below 0.5 deg, negligible at MT scales); images carry the elevation
as ``elevation_m``.

What the reference study (``docs/mt-inversion.md``) found matters:

* a thin first air cell (~2 m) for TM (H at cell centres is interpolated
  across the air-ground kink);
* the air resistive but not too resistive (conductivity 1e-6 S/m, set in
  :mod:`geoexplore.mt.simpeg2d`);
* model interfaces on mesh nodes (:func:`depth_nodes` snaps them);
* padding growth <= 1.3 and padding far beyond the longest skin depth.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


def _grow(start: float, growth: float, extent: float) -> np.ndarray:
    """Cell widths starting at ``start`` growing by ``growth`` until their sum reaches ``extent``."""
    out = []
    h, tot = start, 0.0
    while tot < extent:
        h *= growth
        out.append(h)
        tot += h
    return np.asarray(out)


def depth_nodes(
    dz_top_m: float,
    growth: float,
    dz_max_m: float,
    core_depth_m: float,
    interfaces_m: Sequence[float] = (),
) -> np.ndarray:
    """Node depths (m, from 0, increasing) of the core: cells start at ``dz_top_m`` and grow by
    ``growth`` up to ``dz_max_m``; then every interface depth is inserted as a node and nodes
    closer than 40 % of the local cell to an interface are removed."""
    z = [0.0]
    h = dz_top_m
    while z[-1] < core_depth_m:
        z.append(z[-1] + h)
        h = min(h * growth, dz_max_m)
    nodes = np.asarray(z)
    for d in sorted(set(float(x) for x in interfaces_m if 0 < x < core_depth_m)):
        i = np.searchsorted(nodes, d)
        local = nodes[min(i, nodes.size - 1)] - nodes[max(i - 1, 0)]
        keep = np.abs(nodes - d) > 0.4 * local
        keep[0] = True
        nodes = np.sort(np.r_[nodes[keep], d])
    return nodes


def profile_mesh(
    x_min_m: float,
    x_max_m: float,
    dx_m: float,
    z_nodes_m: np.ndarray,
    *,
    pad_x_m: float = 1.0e6,
    pad_growth_x: float = 1.3,
    pad_z_m: float = 2.0e6,
    pad_growth_z: float = 1.2,
    air_first_m: float = 2.0,
    air_growth: float = 1.3,
    air_m: float = 1.0e6,
) -> Any:
    """A 2D :class:`discretize.TensorMesh` with uniform core cells along the profile.

    Parameters
    ----------
    x_min_m, x_max_m : float
        Core extent along the profile (m, chainage).
    dx_m : float
        Core cell width (m).
    z_nodes_m : (n,) array
        Core node depths from 0 (see :func:`depth_nodes`).
    pad_x_m, pad_z_m, air_m : float
        Extent of the lateral padding (each side), of the ground padding below
        the core and of the air (m).
    """
    from discretize import TensorMesh

    ncore = max(int(np.ceil((x_max_m - x_min_m) / dx_m)), 1)
    padx = _grow(dx_m, pad_growth_x, pad_x_m)
    hx = np.r_[padx[::-1], np.full(ncore, dx_m), padx]
    hz_core = np.diff(np.asarray(z_nodes_m, float))
    padz = _grow(hz_core[-1], pad_growth_z, pad_z_m)
    air = np.r_[air_first_m, _grow(air_first_m, air_growth, air_m)]
    hz = np.r_[padz[::-1], hz_core[::-1], air]  # bottom to top
    x0 = x_min_m - padx.sum()
    y0 = -(hz_core.sum() + padz.sum())
    return TensorMesh([hx, hz], origin=[x0, y0])


def active_cells(mesh: Any) -> np.ndarray:
    """Ground cells (centre below the surface y = 0)."""
    return mesh.cell_centers[:, 1] < 0


def model_on_mesh(model: Any, mesh: Any, *, n_sub: int = 4, damage: bool = True) -> np.ndarray:
    """Cell resistivity (ohm-m) of a :class:`~geoexplore.core.geomodel.GeologicalModel` on the
    ground cells of ``mesh`` (mesh x = chainage, mesh y = -depth).

    Each cell is sampled on an ``n_sub x n_sub`` sub-grid and the
    conductivities are averaged (so thin damage zones and dipping interfaces
    enter with their volume fraction). Outside the model's chainage range the
    end blocks continue (1D extension), as in the model itself.
    """
    act = active_cells(mesh)
    cc = mesh.cell_centers[act]
    hx = mesh.h[0][np.searchsorted(mesh.nodes_x, cc[:, 0]) - 1]
    hy = mesh.h[1][np.searchsorted(mesh.nodes_y, cc[:, 1]) - 1]
    u = (np.arange(n_sub) + 0.5) / n_sub - 0.5
    sig = np.zeros(cc.shape[0])
    for a in u:
        for b in u:
            x = cc[:, 0] + a * hx
            d = -(cc[:, 1] + b * hy)
            sig += 1.0 / model.sample("resistivity_ohm_m", x, d, damage=damage)
    return n_sub * n_sub / sig
