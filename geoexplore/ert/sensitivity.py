"""Faster ERT forward operator: pyGIMLi's forward solver, a vectorised Jacobian, primary potentials without interpolation.

Profiling the default inversion (docs/ert.md, "Where the time goes") shows two
costs that do not come from solving the forward problem:

* **the Jacobian** (pyGIMLi's ``createSensitivityCol``): a loop over cells,
  wavenumbers and data, each term an element matrix times four potential
  vectors; it costs 2-3 forward solves per iteration;
* **the primary potential with topography** (singularity removal): pyGIMLi
  solves the homogeneous problem on the P2-refined forward mesh, then
  *interpolates* each of the n_electrodes x n_wavenumbers solutions back onto
  the forward mesh's nodes by point location. The P2 mesh keeps the P1 nodes
  first, with their ids, so the interpolation is a copy of the first
  ``nodeCount`` values; point location costs about as much as the solve.

:class:`FastERTModelling` (made by :func:`fast_modelling`) keeps pyGIMLi's
forward equations (same mesh, wavenumbers, boundary conditions and singularity
removal), computes the primary potentials with pyGIMLi's own
``DCMultiElectrodeModelling`` on ``mesh.createP2()`` and takes the P1 nodes'
values, solves the secondary field itself (:mod:`geoexplore.ert.sr_forward`:
the same numbers in every process, which pyGIMLi's solve does not give) and
computes the Jacobian from those potentials with batched matrix products
(:func:`sensitivity_matrix`). The result is the same inversion: responses and
Jacobian equal pyGIMLi's to rounding (tests/ert/test_sensitivity.py,
tests/ert/test_sr_forward.py).

The Jacobian of a datum (A, B, M, N) on parameter cell c is (Kemna 2000; pyGIMLi's
``createSensitivityCol``)::

    S[d, c] = sum_k w_k sum_{e in c} (u_A - u_B)_e^T (K_e + k^2 M_e) (u_M - u_N)_e
    J[d, c] = S[d, c] * K_d / rho_c^2

with u the total 2.5D potentials of wavenumber k (weights w_k), K_e and M_e the
P1 stiffness and mass matrices of forward cell e and K_d the geometric factor.
For a P1 triangle of area A, ``a^T K_e b = A grad a . grad b`` and
``a^T M_e b = A/12 (sum a sum b + a . b)``: six features per electrode, cell
and wavenumber, whose Gram matrix over the electrodes is one matrix product
per parameter cell.

Kemna, A. (2000). Tomographic inversion of complex resistivity. PhD thesis, Ruhr-Universitaet Bochum.
"""

from __future__ import annotations

from typing import Any

import numpy as np

#: parameter cells per block of the batched Gram products (memory: block x n_elec^2 x 8 bytes)
BLOCK_CELLS = 128


class CellGeometry:
    """P1 triangles of the forward mesh grouped by parameter cell (computed once per mesh).

    Attributes
    ----------
    n_para : int
    slots : int
        Largest number of forward cells in one parameter cell.
    nodes : ndarray, shape (n_para, slots, 3)
        Node ids of the forward cells (0 where padded).
    grad : ndarray, shape (n_para, slots, 2, 3)
        sqrt(A) x the gradients of the three shape functions (1/m); 0 where padded.
    mass : ndarray, shape (n_para, slots)
        sqrt(A / 12) (m); 0 where padded.
    """

    def __init__(self, nodes: np.ndarray, xy: np.ndarray, markers: np.ndarray, n_para: int) -> None:
        sel = markers >= 0
        tri = np.asarray(nodes, np.int64)[sel]
        mk = np.asarray(markers, np.int64)[sel]
        order = np.argsort(mk, kind="stable")
        tri, mk = tri[order], mk[order]
        counts = np.bincount(mk, minlength=n_para)
        if counts.size != n_para or np.any(counts == 0):
            raise ValueError("every parameter cell needs at least one forward cell")
        start = np.concatenate([[0], np.cumsum(counts)[:-1]])
        slot = np.arange(mk.size) - start[mk]
        self.n_para, self.slots = int(n_para), int(counts.max())
        x, y = xy[tri, 0], xy[tri, 1]
        # shape-function gradients: b_i = y_j - y_k, c_i = x_k - x_j (i, j, k cyclic), over 2A
        b = np.stack([y[:, 1] - y[:, 2], y[:, 2] - y[:, 0], y[:, 0] - y[:, 1]], axis=1)
        c = np.stack([x[:, 2] - x[:, 1], x[:, 0] - x[:, 2], x[:, 1] - x[:, 0]], axis=1)
        two_a = x[:, 0] * b[:, 0] + x[:, 1] * b[:, 1] + x[:, 2] * b[:, 2]
        area = 0.5 * np.abs(two_a)
        g = np.stack([b, c], axis=1) / two_a[:, None, None] * np.sqrt(area)[:, None, None]
        self.nodes = np.zeros((n_para, self.slots, 3), np.int64)
        self.grad = np.zeros((n_para, self.slots, 2, 3))
        self.mass = np.zeros((n_para, self.slots))
        self.nodes[mk, slot] = tri
        self.grad[mk, slot] = g
        self.mass[mk, slot] = np.sqrt(area / 12.0)


def sensitivity_matrix(pots: np.ndarray, geom: CellGeometry, kvalues: np.ndarray, weights: np.ndarray,
                       abmn: np.ndarray, n_elec: int, threads: int = 1) -> np.ndarray:
    """The sensitivity sum S (before the K / rho^2 scaling), shape (n_data, n_para).

    Parameters
    ----------
    pots : ndarray, shape (n_k * n_elec, n_nodes)
        Total potentials of each (wavenumber, electrode), row ``e + n_elec * k`` (pyGIMLi's layout), V per A.
    geom : CellGeometry
    kvalues, weights : ndarray, shape (n_k,)
        Wavenumbers (1/m) and quadrature weights of the inverse Fourier transform.
    abmn : ndarray of int, shape (n_data, 4)
        Electrode indices (-1 for a missing, remote electrode).
    n_elec : int
    threads : int
        Python threads over the blocks of parameter cells (NumPy releases the GIL in the products).
    """
    from concurrent.futures import ThreadPoolExecutor

    from threadpoolctl import threadpool_limits

    nk = len(kvalues)
    if pots.shape[0] < nk * n_elec:
        raise ValueError(f"potential matrix has {pots.shape[0]} rows, needs {nk * n_elec}")
    u = pots[: nk * n_elec].reshape(nk, n_elec, -1)
    idx = np.where(abmn < 0, n_elec, abmn)  # the remote electrode: an all-zero feature row
    a, b, m, n = idx.T
    kvalues, weights = np.asarray(kvalues, float), np.asarray(weights, float)
    out = np.empty((abmn.shape[0], geom.n_para))

    def block(c0: int) -> None:
        c1 = min(c0 + BLOCK_CELLS, geom.n_para)
        left, right = _features(u, geom, c0, c1, kvalues, weights, n_elec)
        gram = np.matmul(left, right.transpose(0, 2, 1))  # (block, n_elec + 1, n_elec + 1)
        out[:, c0:c1] = (gram[:, a, m] - gram[:, a, n] - gram[:, b, m] + gram[:, b, n]).T

    # many small products: a multi-threaded BLAS spends its time spinning (10-100x slower on a
    # loaded machine); one BLAS thread per block, blocks spread over ``threads`` Python threads
    with threadpool_limits(limits=1, user_api="blas"):
        starts = range(0, geom.n_para, BLOCK_CELLS)
        if threads > 1:
            with ThreadPoolExecutor(max_workers=threads) as pool:
                list(pool.map(block, starts))
        else:
            for c0 in starts:
                block(c0)
    return out


def _features(u: np.ndarray, geom: CellGeometry, c0: int, c1: int, kvalues: np.ndarray, weights: np.ndarray,
              n_elec: int) -> tuple[np.ndarray, np.ndarray]:
    """Left (weighted) and right feature matrices of parameter cells c0:c1, shape (block, n_elec + 1, n_f).

    Features per (forward cell slot, term, wavenumber): sqrt(A) grad u (2 terms), k sqrt(A/12) sum u and
    k sqrt(A/12) u at the three nodes; the last electrode row is zero (remote electrodes).
    """
    nb = c1 - c0
    uc = u[:, :, geom.nodes[c0:c1]].transpose(2, 1, 3, 4, 0)  # (B, E, S, 3, nk)
    f = np.zeros((nb, n_elec + 1, geom.slots, 6, len(kvalues)))
    f[:, :n_elec, :, 0:2] = np.einsum("besik,bsdi->besdk", uc, geom.grad[c0:c1], optimize=True)
    ms = geom.mass[c0:c1][:, None, :, None, None] * kvalues  # (B, 1, S, 1, nk)
    f[:, :n_elec, :, 2:3] = uc.sum(axis=3, keepdims=True) * ms
    f[:, :n_elec, :, 3:6] = uc * ms
    return (f * weights).reshape(nb, n_elec + 1, -1), f.reshape(nb, n_elec + 1, -1)


def primary_potentials(core: Any, threads: int = 1) -> Any:
    """pyGIMLi's primary potentials with topography, without the point-location interpolation.

    What ``DCSRMultiElectrodeModelling`` computes on its first response over
    topography: the unit-resistivity potentials of every electrode and
    wavenumber on ``mesh.createP2()`` by ``DCMultiElectrodeModelling``, taken at
    the forward mesh's nodes (the P2 mesh's first ``nodeCount`` nodes are the
    P1 nodes, same ids and positions). Returns a pyGIMLi matrix
    (n_k x n_elec, n_nodes) for ``setPrimaryPotential``.
    """
    from geoexplore.core.gimli import import_pygimli

    pg = import_pygimli()
    mesh = core.mesh()
    p2 = mesh.createP2()
    n = mesh.nodeCount()
    if np.max(np.abs(np.asarray(p2.positions())[:n] - np.asarray(mesh.positions()))) > 0:
        raise ValueError("P2 mesh does not keep the P1 nodes first")
    p2.setCellAttributes(1.0)
    fwd = pg.core.DCMultiElectrodeModelling(p2, core.data(), False)
    fwd.setThreadCount(int(threads))
    sub = pg.Matrix()
    fwd.collectSubPotentials(sub)
    fwd.calculate(pg.core.DataMap())
    return pg.Matrix(np.ascontiguousarray(np.asarray(sub)[:, :n]))


def electrode_nodes(mesh: Any, dc: Any) -> np.ndarray | None:
    """Forward-mesh node of each electrode (exact position match), or None when one has no node.

    A 2D line stores positions as (x, 0, z) or (x, z, 0); the mesh uses (x, y = elevation).
    """
    from scipy.spatial import cKDTree

    from geoexplore.ert.sr_forward import POSITION_GRID

    sp = np.asarray(dc.sensorPositions(), float)
    elev = sp[:, 2] if np.allclose(sp[:, 1], 0.0) else sp[:, 1]
    xy = np.asarray(mesh.positions(), float)[:, :2]
    dist, idx = cKDTree(xy).query(np.column_stack([sp[:, 0], elev]))
    scale = max(1.0, float(np.ptp(xy[:, 0])))
    # the forward mesh's nodes sit on the 2**-20 m grid (sr_forward.snap_mesh), the sensors need not
    tol = max(1e-9 * scale, 1.0 / POSITION_GRID)
    return np.asarray(idx, np.int64) if np.all(dist <= tol) else None


def homogeneous_data(core: Any, prim: np.ndarray, rho: float) -> tuple[np.ndarray, np.ndarray] | None:
    """Potentials and apparent resistivities of a homogeneous model without a solve, or None.

    With singularity removal the secondary field of a homogeneous model is zero: the total
    potentials are rho x the primary (unit-resistivity) potentials; the data follow from them at
    the electrode nodes by pyGIMLi's inverse Fourier sum (its quadrature weights) and the geometric
    factors. Equal to pyGIMLi's solve to rounding (tests/ert/test_sensitivity.py).

    Parameters
    ----------
    core : pyGIMLi DCSRMultiElectrodeModelling
        The forward core (mesh, data with ``k``, wavenumbers and weights).
    prim : ndarray, shape (n_k * n_elec, n_nodes)
        Primary potentials for 1 ohm m (V per A).
    rho : float
        The model's resistivity (ohm m).

    Returns
    -------
    (potentials, rhoa) : tuple of ndarray, or None
        None when an electrode has no mesh node or a datum has no geometric factor.
    """
    dc = core.data()
    kfac = np.asarray(dc["k"], float)
    nodes = electrode_nodes(core.mesh(), dc)
    kv, w = np.asarray(core.kValues()), np.asarray(core.weights())
    ne = dc.sensorCount()
    if nodes is None or not np.all(np.isfinite(kfac) & (kfac != 0)) or prim.shape[0] < len(kv) * ne:
        return None
    pots = rho * prim[: len(kv) * ne]
    u = pots.reshape(len(kv), ne, -1)[:, :, nodes]  # (k, source, receiver)
    pot = np.zeros((ne + 1, ne + 1))  # last row/column: a remote electrode
    pot[:ne, :ne] = np.tensordot(w, u, axes=1)
    a, b, m, n = (np.where(x < 0, ne, x) for x in (np.asarray(dc[c], np.int64) for c in "abmn"))
    return pots, kfac * (pot[a, m] - pot[a, n] - pot[b, m] + pot[b, n])


def broyden_update(jlog: np.ndarray, dlogm: np.ndarray, dlogd: np.ndarray) -> np.ndarray:
    """Broyden's rank-one update of a log-log Jacobian (Broyden 1965; RES2DINV's quasi-Newton option).

    ``J+ = J + (dlogd - J dlogm) dlogm^T / (dlogm^T dlogm)``: the smallest change
    (Frobenius norm) of ``J`` that reproduces the observed change of the log
    responses ``dlogd`` over the model step ``dlogm`` (secant condition
    ``J+ dlogm = dlogd``).

    Parameters
    ----------
    jlog : ndarray, shape (n_data, n_para)
        d log(rho_a) / d log(rho) at the previous model (dimensionless).
    dlogm : ndarray, shape (n_para,)
        Change of log resistivity since that model.
    dlogd : ndarray, shape (n_data,)
        Change of the log responses since that model.

    Returns
    -------
    ndarray, shape (n_data, n_para)
        The updated Jacobian (``jlog`` itself when ``dlogm`` is zero).
    """
    nx = float(dlogm @ dlogm)
    if nx <= 0.0:
        return jlog
    return jlog + np.outer(dlogd - jlog @ dlogm, dlogm / nx)


def cell_geometry(mesh: Any, n_para: int) -> CellGeometry:
    """:class:`CellGeometry` of a pyGIMLi forward mesh (cells with marker >= 0 are parameter cells)."""
    nodes = np.array([c.ids() for c in mesh.cells()], dtype=np.int64)
    return CellGeometry(nodes, np.asarray(mesh.positions())[:, :2], np.asarray(mesh.cellMarkers()), n_para)


def jacobian_from_potentials(core: Any, pots: np.ndarray, geom: CellGeometry, m: np.ndarray, threads: int) -> np.ndarray:
    """d rho_a / d rho (n_data, n_para) from the sub-potentials: :func:`sensitivity_matrix` x K / rho^2."""
    from geoexplore.core.errors import GeoexploreError

    dc = core.data()
    kfac = np.asarray(dc["k"], float)
    if not np.all(np.isfinite(kfac) & (kfac != 0)):
        raise GeoexploreError("ERT Jacobian: the data need geometric factors k (run QC first)")
    abmn = np.column_stack([np.asarray(dc[x], np.int64) for x in "abmn"])
    s = sensitivity_matrix(pots, geom, np.asarray(core.kValues()), np.asarray(core.weights()), abmn,
                           dc.sensorCount(), threads=threads)
    return s * (kfac[:, None] / (m * m)[None, :])


def fast_modelling(threads: int = 1, broyden_after: int | None = None) -> Any:
    """A pyGIMLi ``ERTModelling`` (singularity removal) with the vectorised Jacobian and direct primary potentials.

    Use as ``ert.ERTManager(fop=fast_modelling(n))``; everything else (mesh,
    forward solves, inversion) is pyGIMLi's.

    Parameters
    ----------
    threads : int
    broyden_after : int or None
        None: every Jacobian in full. n: the first n in full, later ones by
        :func:`broyden_update` of the last (log-log). The attribute set back to
        None gives full Jacobians again (DOI after the inversion).
    """
    from geoexplore.core.gimli import import_pygimli
    from geoexplore.ert.sr_forward import RepeatableSolve, snap_mesh

    pg = import_pygimli()
    from pygimli.physics.ert.ertModelling import ERTModelling

    class FastERTModelling(ERTModelling):
        """pyGIMLi's ERT forward operator with :func:`sensitivity_matrix` and :func:`primary_potentials`."""

        def __init__(self) -> None:
            super().__init__(sr=True, verbose=False)
            self.n_threads = int(threads)
            self._mesh_id: Any = None
            self._geom: CellGeometry | None = None
            self._sub = pg.Matrix()
            self._prim: Any = None
            self._fast_jacobian: Any = None
            self._last_model: np.ndarray | None = None
            self._last_response: np.ndarray | None = None
            self._pots: np.ndarray | None = None  # potentials of the last response when no solve made them
            self.broyden_after = broyden_after
            self.n_full_jacobians = 0
            self.n_broyden_updates = 0
            self._jlog: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # (J_log, log m, log d)
            self._solve = RepeatableSolve()  # the secondary-field solve of geoexplore.ert.sr_forward
            self.sr_fallback: str | None = None  # why pyGIMLi's own solve is used, if it is

        def _prepare(self) -> None:
            core = self._core
            mesh = core.mesh()
            if snap_mesh(mesh):  # a new forward mesh: node positions the same in every process (sr_forward)
                self._mesh_id = None
            pos = np.asarray(mesh.positions())
            key = (mesh.nodeCount(), mesh.cellCount(), core.data().size(), hash(pos.tobytes()))
            prim_ok = self._prim is None or (self._prim.rows() > 0 and self._prim.cols() == mesh.nodeCount())
            if key == self._mesh_id and prim_ok:  # pyGIMLi clears the primary potentials when mesh or data change
                return
            self._mesh_id = key
            self._geom = None
            self._solve, self.sr_fallback = RepeatableSolve(), None
            core.collectSubPotentials(self._sub)
            if core.topography():
                self._prim = primary_potentials(core, self.n_threads)
                core.setPrimaryPotential(self._prim)

        def response(self, mod: Any) -> Any:
            self.mesh()
            if self.complex():  # pragma: no cover - complex resistivity is not used by geoexplore
                return super().response(mod)
            self._prepare()
            m = np.asarray(mod, float)
            self._pots = None
            homogeneous = self._prim is not None and m.size and np.all(m == m[0])
            resp = self._homogeneous_response(float(m[0])) if homogeneous else None
            resp = self._repeatable_response(m) if resp is None else resp
            resp = self._core.response(mod) if resp is None else resp
            self._last_model = np.array(m)
            self._last_response = np.array(resp, float)
            return resp

        def _repeatable_response(self, m: np.ndarray) -> Any:
            """pyGIMLi's response solved by :mod:`geoexplore.ert.sr_forward` (same in every process), or None."""
            out = self._solve.response(self._core, m, self._prim, self.parameterCount)
            self.sr_fallback = self._solve.fallback
            if out is None:
                return None
            resp, self._pots = out
            return pg.Vector(resp)

        def _homogeneous_response(self, rho: float) -> Any:
            out = homogeneous_data(self._core, np.asarray(self._prim), rho)
            if out is None:
                return None
            self._pots, rhoa = out
            return pg.Vector(rhoa)

        def createJacobian(self, mod: Any) -> Any:
            self.mesh()
            core = self._core
            self._prepare()
            m = np.asarray(mod, float)
            have = self._pots is not None or self._sub.rows() > 0
            if not have or self._last_model is None or not np.array_equal(self._last_model, m):
                self.response(mod)  # the potentials of this model (pyGIMLi would reuse the last response's)
            d = self._last_response
            if (self.broyden_after is not None and self._jlog is not None
                    and self.n_full_jacobians >= self.broyden_after):
                self._jlog = (broyden_update(self._jlog[0], np.log(m) - self._jlog[1],
                                             np.log(np.abs(d)) - self._jlog[2]), np.log(m), np.log(np.abs(d)))
                self.n_broyden_updates += 1
                self._fast_jacobian = pg.Matrix(self._jlog[0] * (d[:, None] / m[None, :]))
                self.setJacobian(self._fast_jacobian)
                return self._fast_jacobian
            if self._geom is None:
                self._geom = cell_geometry(core.mesh(), self.parameterCount)
            jac = jacobian_from_potentials(core, self._pots if self._pots is not None else np.asarray(self._sub),
                                           self._geom, m, self.n_threads)
            self.n_full_jacobians += 1
            if self.broyden_after is not None:
                self._jlog = (jac * (m[None, :] / d[:, None]), np.log(m), np.log(np.abs(d)))
            self._fast_jacobian = pg.Matrix(jac)
            self.setJacobian(self._fast_jacobian)
            return self._fast_jacobian

    return FastERTModelling()
