"""The 2.5D ERT forward solve with singularity removal, repeatable to the last bit.

pyGIMLi's ``DCSRMultiElectrodeModelling`` solves, for every wavenumber k and
source electrode, the secondary potential ``u_s`` of

    S(rho) u_s = S(1) u_p - S(rho) (rho_0 u_p),    u = u_s + rho_0 u_p

(``u_p`` the unit-resistivity primary potential, ``S`` the P1 stiffness plus
k^2 mass matrix with the mixed boundary condition on the outer boundary). The
total potential ``u = S(rho)^-1 S(1) u_p`` does not depend on the reference
resistivity ``rho_0`` mathematically, only its rounding does. pyGIMLi takes
``rho_0`` as the geometric mean of the resistivities of the cells around the
source node, summed in the order of the cells' *memory addresses* (a
``std::set<Cell *>``); a mesh built in a process whose heap has another history
gets another order, another last bit of ``rho_0``, and total potentials that
differ by up to 4e-11 (relative), enough to move the inversion's line search to
another step length now and then (docs/reliability.md).

Here the same equations are assembled and solved with ``rho_0`` summed in the
order of the cells' ids, so the same mesh, data and model give the same
potentials in any process:

* domain: ``sum_cells (K_e + k^2 M_e) / rho_c`` (P1 triangles: ``K_e = A grad
  N_i . grad N_j``, ``M_e = A/12 (1 + delta_ij)``), pyGIMLi's
  ``dcfemDomainAssembleStiffnessMatrix``;
* boundary: on every boundary marked mixed (-2), the edge mass matrix
  ``L/6 [[2, 1], [1, 2]]`` times pyGIMLi's own ``mixedBoundaryCondition``
  coefficient (mirror-source Bessel ratio about the source centre, the mean
  electrode position) over the resistivity of the boundary's cell;
* the forward mesh's node positions are snapped to a 2**-20 m grid first
  (:func:`snap_mesh`): pyGIMLi's refinement gives the same mesh's midpoint
  nodes positions 1 ulp apart from process to process, for the same reason;
* the primary potentials are pyGIMLi's (analytical, or numerical on the P2
  mesh with topography): they do not depend on the model;
* the potentials are collected at the electrode nodes, summed over k with
  pyGIMLi's weights, rounded to 1e-10 V/A and combined with the reciprocal
  configuration (``sqrt(|U U_rec|) K``), as pyGIMLi's response does.

Supported: node electrodes (marker -99) on a 2D mesh with a mixed outer
boundary (what pyGIMLi's ERT meshes are); anything else (complete electrode
model, bypass nodes, reference or calibration nodes, Dirichlet boundaries,
complex resistivity) returns None and pyGIMLi's solver is used.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

#: pyGIMLi's boundary and node markers
MARKER_BOUND_MIXED = -2
MARKER_NODE_ELECTRODE = -99
#: pyGIMLi rounds the collected potentials (V/A) to this before the geometric factors
RESPONSE_ROUND = 1e-10
#: node positions are rounded to multiples of 1 / POSITION_GRID metres (:func:`snap_positions`)
POSITION_GRID = 2.0 ** 20


def snap_positions(xy: np.ndarray) -> np.ndarray:
    """Node positions rounded to multiples of 2**-20 m (about 1 micrometre).

    pyGIMLi's refined forward mesh places a new node at an edge's midpoint
    computed from whichever end node it meets first (an order of memory
    addresses again), so the same mesh can carry positions 1 ulp apart from
    one process to the next. On the binary grid both land on the same value
    (unless they straddle a grid line: about 1e-16 |x| / 1e-6 per node), and
    every midpoint of snapped nodes (a P2 mesh) is exact whichever end comes
    first.
    """
    return np.round(np.asarray(xy, float) * POSITION_GRID) / POSITION_GRID


def snap_mesh(mesh: Any) -> int:
    """Snap a pyGIMLi mesh's node positions in place (:func:`snap_positions`, x and y); returns the nodes moved."""
    from geoexplore.core.gimli import import_pygimli

    pg = import_pygimli()
    pos = np.asarray(mesh.positions(), float)
    snapped = snap_positions(pos[:, :2])
    moved = np.flatnonzero(np.any(snapped != pos[:, :2], axis=1))
    for i in moved:
        mesh.node(int(i)).setPos(pg.Pos(float(snapped[i, 0]), float(snapped[i, 1]), float(pos[i, 2])))
    if moved.size:
        mesh.geometryChanged()
    return int(moved.size)


class SRSystem:
    """What does not depend on the model: element matrices, boundary coefficients, electrodes (one mesh)."""

    def __init__(self, core: Any) -> None:
        from geoexplore.core.gimli import import_pygimli

        pg = import_pygimli()
        mesh = core.mesh()
        self.n_nodes = mesh.nodeCount()
        xy = np.asarray(mesh.positions(), float)[:, :2]
        if not np.array_equal(xy, snap_positions(xy)):
            raise ValueError("the forward mesh is not snapped (snap_mesh)")
        tri = np.array([c.ids() for c in mesh.cells()], dtype=np.int64)
        if tri.ndim != 2 or tri.shape[1] != 3:
            raise ValueError("the deterministic ERT solve needs a mesh of P1 triangles")
        self.tri = tri
        x, y = xy[tri, 0], xy[tri, 1]
        b = np.stack([y[:, 1] - y[:, 2], y[:, 2] - y[:, 0], y[:, 0] - y[:, 1]], axis=1)
        c = np.stack([x[:, 2] - x[:, 1], x[:, 0] - x[:, 2], x[:, 1] - x[:, 0]], axis=1)
        two_a = x[:, 0] * b[:, 0] + x[:, 1] * b[:, 1] + x[:, 2] * b[:, 2]
        area = 0.5 * np.abs(two_a)
        # element matrices per cell (n_cells, 3, 3): stiffness A grad Ni . grad Nj, mass A/12 (1 + delta_ij)
        self.k_e = (b[:, :, None] * b[:, None, :] + c[:, :, None] * c[:, None, :]) / (4.0 * area)[:, None, None]
        self.m_e = (area / 12.0)[:, None, None] * (np.ones((3, 3)) + np.eye(3))
        # CSC pattern of the system matrix and the slot of every element-matrix entry (assembly by bincount:
        # the entries of a slot are added in a fixed order, cells first, then boundary edges)
        self._dom_rows = np.repeat(tri, 3, axis=1).ravel()
        self._dom_cols = np.tile(tri, (1, 3)).ravel()

        dc = core.data()
        self.abmn = np.column_stack([np.asarray(dc[x], np.int64) for x in "abmn"])
        self.kfac = np.asarray(dc["k"], float)
        sp = np.asarray(dc.sensorPositions(), float)
        elev = sp[:, 2] if np.allclose(sp[:, 1], 0.0) else sp[:, 1]
        marked = np.array([n.id() for n in mesh.nodes() if n.marker() == MARKER_NODE_ELECTRODE], dtype=np.int64)
        if marked.size == 0:
            raise ValueError("no electrode nodes (marker -99)")
        d = np.hypot(xy[marked, 0][None, :] - sp[:, 0][:, None], xy[marked, 1][None, :] - elev[:, None])
        near = np.argmin(d, axis=1)
        if np.any(d[np.arange(len(sp)), near] >= 0.01):  # pyGIMLi's node-electrode match: within 1 cm
            raise ValueError("an electrode without a mesh node")
        self.elec_nodes = marked[near]
        # the source centre pyGIMLi uses for the mixed boundary condition: the mean electrode (node) position
        centre = np.array([math.fsum(xy[self.elec_nodes, 0]), math.fsum(xy[self.elec_nodes, 1])]) / len(sp)

        # cells around each electrode node, in id order (rho_0)
        cells_of = [np.flatnonzero(np.any(tri == nid, axis=1)) for nid in self.elec_nodes]
        self.source_cells = [np.asarray(cs, np.int64) for cs in cells_of]

        markers = np.array([bd.marker() for bd in mesh.boundaries()])
        if np.any(np.isin(markers, (-3, -4))):  # homogeneous Dirichlet / Dirichlet
            raise ValueError("Dirichlet boundaries")
        mixed = np.flatnonzero(markers == MARKER_BOUND_MIXED)
        if mixed.size == 0:
            raise ValueError("no mixed outer boundary (a Neumann domain)")
        self.k_values = np.asarray(core.kValues(), float)
        self.weights = np.asarray(core.weights(), float)
        if mesh.boundary(int(mixed[0])).leftCell() is None and mesh.boundary(int(mixed[0])).rightCell() is None:
            mesh.createNeighbourInfos()  # boundaries learn their cells (pyGIMLi's solver does this on first use)
        src = pg.RVector3(float(centre[0]), float(centre[1]), 0.0)
        edge_nodes, edge_cell = [], []
        coef = np.empty((len(self.k_values), mixed.size))
        for j, bi in enumerate(mixed):
            bd = mesh.boundary(int(bi))
            ids = bd.ids()
            cell = bd.leftCell() if bd.leftCell() is not None else bd.rightCell()
            if cell is None or len(ids) != 2:
                raise ValueError("a mixed boundary without a cell")
            edge_nodes.append(list(ids))
            edge_cell.append(cell.id())
            for ki, k in enumerate(self.k_values):
                coef[ki, j] = pg.core.mixedBoundaryCondition(bd, src, float(k))
        en = np.asarray(edge_nodes, np.int64)
        edge_len = np.hypot(*(xy[en[:, 1]] - xy[en[:, 0]]).T)
        self.edge_nodes = en
        self.edge_cell = np.asarray(edge_cell, np.int64)
        self.edge_mass = edge_len[:, None, None] / 6.0 * np.array([[2.0, 1.0], [1.0, 2.0]])
        self.edge_coef = coef
        rows = np.concatenate([self._dom_rows, np.repeat(self.edge_nodes, 2, axis=1).ravel()])
        cols = np.concatenate([self._dom_cols, np.tile(self.edge_nodes, (1, 2)).ravel()])
        keys, self._slot = np.unique(cols * self.n_nodes + rows, return_inverse=True)
        self._indices = (keys % self.n_nodes).astype(np.int32)
        self._indptr = np.concatenate([[0], np.cumsum(np.bincount(keys // self.n_nodes, minlength=self.n_nodes))])
        self._unit_rhs: dict[int, np.ndarray] = {}

    def matrix(self, rho_cells: np.ndarray, ki: int) -> Any:
        """System matrix ``S(rho)`` of wavenumber index ``ki`` (scipy CSC, symmetric)."""
        import scipy.sparse as sps

        k = self.k_values[ki]
        dom = (self.k_e + (k * k) * self.m_e) / rho_cells[:, None, None]
        bnd = self.edge_mass * (self.edge_coef[ki] / rho_cells[self.edge_cell])[:, None, None]
        data = np.bincount(self._slot, weights=np.concatenate([dom.ravel(), bnd.ravel()]), minlength=self._indices.size)
        return sps.csc_matrix((data, self._indices, self._indptr), shape=(self.n_nodes, self.n_nodes))

    def unit_rhs(self, prim: np.ndarray, ki: int) -> np.ndarray:
        """``S(1) u_p`` of every electrode at wavenumber index ``ki``, shape (n_nodes, n_elec) (kept per k)."""
        if ki not in self._unit_rhs:
            ne = len(self.elec_nodes)
            self._unit_rhs[ki] = self.matrix(np.ones(self.tri.shape[0]), ki) @ prim[ki * ne:(ki + 1) * ne].T
        return self._unit_rhs[ki]

    def rho_source(self, rho_cells: np.ndarray) -> np.ndarray:
        """Geometric mean resistivity around each electrode node, the cells taken in id order."""
        return np.array([math.exp(math.fsum(np.log(rho_cells[cs])) / cs.size) for cs in self.source_cells])


def sub_potentials(system: SRSystem, rho_cells: np.ndarray, prim: np.ndarray) -> np.ndarray:
    """Total potentials of every (wavenumber, electrode), shape (n_k * n_elec, n_nodes), pyGIMLi's row layout.

    Parameters
    ----------
    system : SRSystem
    rho_cells : ndarray, shape (n_cells,)
        Resistivity of every forward cell (ohm m).
    prim : ndarray, shape (n_k * n_elec, n_nodes)
        Unit-resistivity primary potentials (V/A), row ``e + n_elec * k``.
    """
    from scipy.sparse.linalg import splu
    from threadpoolctl import threadpool_limits

    ne = len(system.elec_nodes)
    nk = len(system.k_values)
    rho0 = system.rho_source(rho_cells)
    out = np.empty((nk * ne, system.n_nodes))
    # small dense blocks: a multi-threaded BLAS only spins (5 ms per wavenumber on one thread, 30 ms on two
    # under load); one BLAS thread also keeps SuperLU's arithmetic the same in every process
    with threadpool_limits(limits=1, user_api="blas"):
        for ki in range(nk):
            _solve_k(system, rho_cells, prim, rho0, ki, out, splu)
    return out


def _solve_k(system: SRSystem, rho_cells: np.ndarray, prim: np.ndarray, rho0: np.ndarray, ki: int,
             out: np.ndarray, splu: Any) -> None:
    """Rows of wavenumber index ``ki`` of ``out``: secondary solve plus ``rho_0 u_p``."""
    ne = len(system.elec_nodes)
    s_rho = system.matrix(rho_cells, ki)
    up = prim[ki * ne:(ki + 1) * ne] * rho0[:, None]  # rho_0 u_p, (n_elec, n_nodes)
    rhs = system.unit_rhs(prim, ki) - s_rho @ up.T
    # symmetric positive definite: minimum degree on A^T + A, no pivoting (SuperLU's symmetric mode)
    lu = splu(s_rho, permc_spec="MMD_AT_PLUS_A", diag_pivot_thresh=0.0, options={"SymmetricMode": True})
    out[ki * ne:(ki + 1) * ne] = lu.solve(np.asfortranarray(rhs)).T + up


def collect(system: SRSystem, pots: np.ndarray, abmn: np.ndarray, kfac: np.ndarray) -> np.ndarray:
    """Apparent resistivities from the sub-potentials: pyGIMLi's response (reciprocal mean, 1e-10 rounding).

    Parameters
    ----------
    pots : ndarray, shape (n_k * n_elec, n_nodes)
    abmn : ndarray of int, shape (n_data, 4)
        -1 for a remote electrode.
    kfac : ndarray, shape (n_data,)
        Geometric factors (m).
    """
    ne = len(system.elec_nodes)
    nk = len(system.k_values)
    u = pots[: nk * ne].reshape(nk, ne, -1)[:, :, system.elec_nodes]  # (k, source, receiver)
    sol = u[0] * system.weights[0]
    for ki in range(1, nk):  # pyGIMLi's order: sum over k one term at a time
        sol = sol + u[ki] * system.weights[ki]
    pot = np.zeros((ne + 1, ne + 1))  # the last row/column: the remote electrode
    pot[:ne, :ne] = sol
    a, b, m, n = (np.where(x < 0, ne, x) for x in np.asarray(abmn, np.int64).T)
    fwd = (pot[a, m] - pot[a, n]) - (pot[b, m] - pot[b, n])
    rec = (pot[m, a] - pot[m, b]) - (pot[n, a] - pot[n, b])
    fwd = np.rint(fwd / RESPONSE_ROUND) * RESPONSE_ROUND * kfac
    rec = np.rint(rec / RESPONSE_ROUND) * RESPONSE_ROUND * kfac
    return np.sqrt(np.abs(fwd * rec))


class RepeatableSolve:
    """The repeatable response of one forward mesh (used by :class:`geoexplore.ert.sensitivity.FastERTModelling`).

    ``fallback`` says why pyGIMLi's own solve is used when it is (the mesh or
    data are not covered, see the module docstring); None otherwise.
    """

    def __init__(self) -> None:
        self.system: SRSystem | None = None
        self.fallback: str | None = None
        self._prim_flat: np.ndarray | None = None

    def response(self, core: Any, m: np.ndarray, prim_topo: Any, n_para: int) -> tuple[np.ndarray, np.ndarray] | None:
        """(apparent resistivities, sub-potentials) of model ``m`` on ``core``'s snapped mesh, or None.

        Parameters
        ----------
        core : pyGIMLi DCSRMultiElectrodeModelling
        m : ndarray
            Model (ohm m), one value per parameter cell.
        prim_topo : pyGIMLi matrix or None
            Primary potentials over topography (already made); None: flat, pyGIMLi's analytical ones.
        n_para : int
        """
        from geoexplore.core.gimli import import_pygimli

        pg = import_pygimli()
        if self.system is None and self.fallback is None:
            try:
                self.system = SRSystem(core)
                if not np.all(np.isfinite(self.system.kfac) & (self.system.kfac != 0)):
                    self.system = None
                    raise ValueError("data without geometric factors")
            except ValueError as exc:
                self.fallback = str(exc)
        if self.system is None:
            return None
        if prim_topo is not None:
            prim = np.asarray(prim_topo)
        else:
            if self._prim_flat is None:  # pyGIMLi's analytical primary potentials, made by its first response;
                # a homogeneous model makes its reference resistivity exact in any cell order
                core.response(pg.Vector(n_para, 1.0))
                self._prim_flat = np.array(core.primaryPotential())
            prim = self._prim_flat
        core.mapERTModel(pg.Vector(np.asarray(m, float)), -9e99)  # the model on the forward cells, background prolonged
        rho = np.array(core.mesh().cellAttributes(), float)
        pots = sub_potentials(self.system, rho, prim)
        return collect(self.system, pots, self.system.abmn, self.system.kfac), pots


__all__ = ["RepeatableSolve", "SRSystem", "collect", "snap_mesh", "snap_positions", "sub_potentials"]
