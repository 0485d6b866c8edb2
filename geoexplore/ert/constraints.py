"""What the geologist knows, as constraints of the ERT inversion: borehole logs and known interfaces.

* **Borehole log** (:class:`~geoexplore.ert.settings.BoreholeLog`): the
  resistivity of depth intervals at a position along the line, each with an
  uncertainty in log10 units. Which cells a log holds (:func:`lateral_reach_m`):
  by default, inside an interval, every parameter cell the borehole's column
  passes through (pyGIMLi's prior-data recipe: the cell containing each log
  point, ``mesh.findCell``) and every cell whose centre lies within the
  survey's lateral resolution at its depth, ``max(a / 2, z / 2)`` (``a`` the
  electrode spacing, ``z`` the cell's depth): a surface survey cannot tell
  the column from its neighbours closer than that. ``radius_m`` overrides
  the rule with a fixed distance (cells whose centre lies within it). Each
  cell gets a parameter constraint row (pyGIMLi's ``G p = c`` of
  :class:`LSQRInversion`)::

      (rho_log - rho_cell) / (rho_log ln(10) u)      (about (log10 rho_log - log10 rho_cell) / u)

  weighted like one datum of unit error, so an interval logged at 30 ohm m
  with ``u = 0.05`` (12 %) holds the cells within about that band unless many
  data disagree. A small ``u`` (0.01) practically fixes them.
* **Interface** (:class:`~geoexplore.ert.settings.Interface`): a polyline
  (position along the line, depth below the surface) such as a borehole
  contact followed laterally or a fault plane from seismics. Smoothness
  rows between two cells whose centres lie on opposite sides of it are
  multiplied by ``weight`` (0 cuts the smoothing: a sharp step may form
  there; the data still decide whether it does).

Depths are below the ground surface at the cell's position (the surface
from the electrodes and the file's topography).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from geoexplore.core.errors import GeoexploreError


def lateral_reach_m(depth_m: Any, spacing_m: float) -> np.ndarray:
    """Half-width (m) of the lateral distance a surface survey cannot resolve at a depth: ``max(a/2, z/2)``.

    Near the surface the electrode spacing ``a`` limits what the data can
    tell apart (half a spacing either side of an electrode). Deeper, the
    only length of the potential problem (Laplace's equation has none of its
    own) is the depth ``z``: the surface anomaly of a line source at depth
    ``z`` is ``z / (x^2 + z^2)``, whose half-width at half maximum is ``z``,
    so two columns closer than about ``z`` give surface data that cannot be
    told apart; the borehole column stands for the ``z``-wide band centred
    on it, ``z / 2`` either side.

    Parameters
    ----------
    depth_m : array_like
        Depth below the surface (m).
    spacing_m : float
        Electrode spacing (m).

    Returns
    -------
    numpy.ndarray
        Distance (m) either side of the borehole.
    """
    return np.maximum(0.5 * float(spacing_m), 0.5 * np.asarray(depth_m, float))


def borehole_rows(cell_x_m: np.ndarray, cell_depth_m: np.ndarray, logs: Any, spacing_m: float,
                  cell_x_range_m: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cells constrained by borehole logs: (cell index, resistivity ohm m, uncertainty log10), one per cell.

    Parameters
    ----------
    cell_x_m, cell_depth_m : numpy.ndarray
        Cell centres: position along the line and depth below the surface (m).
    logs : list of BoreholeLog
    spacing_m : float
        Electrode spacing (m), for :func:`lateral_reach_m`.
    cell_x_range_m : numpy.ndarray, optional
        Smallest and largest node position of each cell (shape (n, 2), m): a
        cell spanning the borehole's position is one its column passes through.

    Raises
    ------
    GeoexploreError
        A log whose intervals select no cell (outside the model or too thin).
    """
    idx, rho, unc = [], [], []
    x, depth = np.asarray(cell_x_m, float), np.asarray(cell_depth_m, float)
    for k, log in enumerate(logs):
        if log.radius_m is not None:
            radius = f"radius_m {log.radius_m} m"
            near = np.abs(x - log.x_m) <= log.radius_m
        else:
            radius = f"lateral reach max(a/2, z/2), a = {spacing_m:.3g} m"
            near = np.abs(x - log.x_m) <= lateral_reach_m(depth, spacing_m)
            if cell_x_range_m is not None:
                near |= (cell_x_range_m[:, 0] <= log.x_m) & (log.x_m <= cell_x_range_m[:, 1])
        n_before = len(idx)
        for top, bot, r in zip(log.top_m, log.bottom_m, log.resistivity_ohm_m):
            sel = np.flatnonzero(near & (depth >= top) & (depth < bot))
            idx.extend(sel.tolist())
            rho.extend([r] * sel.size)
            unc.extend([log.uncertainty_log10] * sel.size)
        if len(idx) == n_before:
            raise GeoexploreError(f"borehole log {k} at x = {log.x_m} m selects no model cell "
                                  f"({radius}): is it inside the model and the intervals deeper than a cell?")
    idx_a = np.asarray(idx, int)
    _, first = np.unique(idx_a, return_index=True)  # a cell in two logs keeps the first
    first = np.sort(first)
    return idx_a[first], np.asarray(rho, float)[first], np.asarray(unc, float)[first]


def _segments_cross(p1: np.ndarray, p2: np.ndarray, q1: np.ndarray, q2: np.ndarray) -> np.ndarray:
    """For segments p1-p2 (arrays, shape (n, 2)) and one segment q1-q2: True where they intersect."""
    def orient(a, b, c):
        return np.sign((b[..., 0] - a[..., 0]) * (c[..., 1] - a[..., 1]) - (b[..., 1] - a[..., 1]) * (c[..., 0] - a[..., 0]))

    q1b, q2b = np.broadcast_to(q1, p1.shape), np.broadcast_to(q2, p1.shape)
    return (orient(p1, p2, q1b) * orient(p1, p2, q2b) < 0) & (orient(q1b, q2b, p1) * orient(q1b, q2b, p2) < 0)


def crossing_rows(pairs: np.ndarray, cell_xy: np.ndarray, interface_x_m: Any, interface_depth_m: Any) -> np.ndarray:
    """Constraint rows (cell pairs, shape (n, 2)) whose centre-to-centre segment crosses the polyline.

    ``cell_xy`` holds (position along the line, depth below surface) per cell.
    """
    x = np.asarray(interface_x_m, float)
    z = np.asarray(interface_depth_m, float)
    if x.size < 2 or x.size != z.size:
        raise GeoexploreError("an interface needs at least two points with as many depths as positions")
    p1, p2 = cell_xy[pairs[:, 0]], cell_xy[pairs[:, 1]]
    hit = np.zeros(len(pairs), bool)
    for k in range(x.size - 1):
        hit |= _segments_cross(p1, p2, np.array([x[k], z[k]]), np.array([x[k + 1], z[k + 1]]))
    return hit


def cell_geometry(para_domain: Any, surface: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per parameter cell of a pyGIMLi mesh: centre position along the line (m), centre depth below the
    surface (m) and the smallest and largest node position (shape (n, 2), m)."""
    cells = list(para_domain.cells())
    cc = np.array([[c.center()[0], c.center()[1]] for c in cells])
    span = np.array([[min(n.pos()[0] for n in c.nodes()), max(n.pos()[0] for n in c.nodes())] for c in cells])
    return cc[:, 0], np.asarray(surface(cc[:, 0]), float) - cc[:, 1], span


class Constraints:
    """Borehole and interface constraints applied to a pyGIMLi ERT inversion through its pre-step hook.

    Parameters
    ----------
    settings : ConstraintSettings
    surface : callable
        Position along the line (m) -> ground elevation (m), for depths below the surface.
    spacing_m : float
        Electrode spacing (m), for the default lateral reach of a log (:func:`lateral_reach_m`).
    """

    def __init__(self, settings: Any, surface: Any, spacing_m: float) -> None:
        self.settings, self.surface, self.spacing_m = settings, surface, float(spacing_m)
        self.cells = np.zeros(0, int)
        self.rho = self.unc = np.zeros(0)
        self.n_cut = 0

    @property
    def needs_parameter_constraints(self) -> bool:
        """True when borehole logs are given (the inversion then runs pyGIMLi's LSQRInversion)."""
        return bool(self.settings.boreholes)

    def apply(self, i: int, fw: Any) -> None:
        """pyGIMLi pre-step hook: at the start, set the borehole rows and the interface cuts."""
        if i != 0:
            return
        from geoexplore.core.gimli import import_pygimli

        pg = import_pygimli()
        x, depth, span = cell_geometry(fw.fop.paraDomain, self.surface)
        if self.settings.boreholes:
            self.cells, self.rho, self.unc = borehole_rows(x, depth, self.settings.boreholes, self.spacing_m, span)
            w = 1.0 / (self.rho * np.log(10.0) * self.unc)
            g = pg.matrix.SparseMapMatrix(len(self.cells), len(x))
            for row, (cell, wi) in enumerate(zip(self.cells, w)):
                g.setVal(row, int(cell), float(wi))
            self._g = g
            fw.setParameterConstraints(g, pg.Vector(w * self.rho), 1.0)
        if self.settings.interfaces:
            self._cut(pg, fw.fop, np.column_stack([x, depth]))

    def _cut(self, pg: Any, fop: Any, xy: np.ndarray) -> None:
        import scipy.sparse as sp

        fop.createConstraints()
        c = pg.utils.sparseMatrix2coo(fop.constraints()).tocsr()
        nnz = np.diff(c.indptr)
        two = np.flatnonzero(nnz == 2)
        pairs = np.array([c.indices[c.indptr[r]:c.indptr[r] + 2] for r in two], int).reshape(-1, 2)
        scale = np.ones(c.shape[0])
        for itf in self.settings.interfaces:
            hit = np.zeros(c.shape[0], bool)
            hit[two] = crossing_rows(pairs, xy, itf.x_m, itf.depth_m)
            scale[hit] *= itf.weight
        self.n_cut = int(np.count_nonzero(scale < 1))
        coo = (sp.diags(scale) @ c).tocoo()
        m = pg.matrix.SparseMapMatrix(c.shape[0], c.shape[1])
        for r, col, v in zip(coo.row, coo.col, coo.data):
            m.setVal(int(r), int(col), float(v))
        self._c = m  # keep it alive: the C++ side holds a reference
        fop.setConstraints(m)


__all__ = ["Constraints", "borehole_rows", "cell_geometry", "crossing_rows", "lateral_reach_m"]
