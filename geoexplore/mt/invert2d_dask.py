"""The 2D MT inversion's forward solves and sensitivities on Dask workers.

SimPEG's 2D natural-source simulations solve every frequency on its own
(one factorisation per frequency and mode). Here the survey is split into
one sub-simulation per (mode, frequency) and the sub-simulations are
grouped into one *shard* per worker:

* a shard is a serial :class:`simpeg.meta.MetaSimulation` of its
  per-frequency simulations; it is built **on its worker** (from the mesh,
  the mode, the frequency and the station positions: nothing but small
  arrays crosses the network) and stays there, holding the factorisations
  and the stored sensitivity matrices, which SimPEG drops only when the
  model changes;
* the shards form one :class:`simpeg.meta.DaskMetaSimulation` (SimPEG's own
  Dask building block, SimPEG >= 0.21): ``fields``/``dpred``/``Jvec``/
  ``Jtvec``/``getJtJdiag`` each become one task per shard, run in parallel
  and summed (``Jtvec`` and ``getJtJdiag`` by a reduction on the workers);
* the (mode, frequency) pairs are in one canonical order (frequency, then
  mode); the shards take them by estimated cost, longest first
  (:func:`lpt_assign`, :data:`ASSIGN`), and the meta simulation's data
  vector (the shards' data one after the other) is put back into the
  canonical order for the head (:func:`canonical_data_order`), so the
  data vector, the misfit and every data-space sum are the same on any
  number of workers; ``Jtvec`` and ``getJtJdiag`` are summed as
  double-double pairs (:func:`grouping_free_sums`), which do not depend on
  which shard holds which task, so 1 and N workers give the same model;
* the product the Gauss-Newton CG asks for at every step, the data-misfit
  Hessian times a vector ``J^T W^T W J v``, is one task per shard
  (:func:`fuse_hessian`, :func:`hessian_product`): each shard applies its
  own sensitivities and data weights, so a CG step is one round trip
  instead of a ``Jvec`` then a ``Jtvec`` round trip, and the data-space
  vector never leaves the workers. The numbers are those of ``Jvec``,
  ``W^T W`` and ``Jtvec`` in turn, bit for bit.

One shard per worker keeps the Dask overhead at one task per worker per
product (the Gauss-Newton CG makes hundreds of products). Every
per-frequency simulation times its own work (factorisation + fields,
dpred, sensitivity matrix, products); :func:`shard_timings` fetches the
table, from which :func:`project_speedup` projects the wall time on more
workers.

The inversion on 1 or N workers does the same arithmetic per frequency and
the same sums over frequencies (to double-double accuracy, rounded once);
against the serial inversion only the order of those sums differs. The serial
path of :func:`geoexplore.mt.invert2d.invert` (no client) is unchanged.
"""

from __future__ import annotations

from typing import Any

import numpy as np

# relative cost of one frequency of each mode; only the balance of the shards depends on it. Measured
# with SuperLU (benchmarks/mt_invert2d.py --workers 1, task tables): full Siping setting TE 10.56 s,
# TM 10.36 s per task (idle); lean setting TE 3.44 s, TM 3.31 s CPU per task: equal within 2-4 %.
MODE_COST = {"te": 1.0, "tm": 1.0}
OPS = ("fields", "dpred", "getJ", "Jvec", "Jtvec")
# the data-misfit Hessian product of the CG in one task per shard (:func:`fuse_hessian`); False: SimPEG's
# Jvec then Jtvec, two round trips (kept to measure the difference, same numbers)
FUSE_HESSIAN = True
# shards up to which the double-double partial sums are added on the head (:func:`_dd_reduce`)
REDUCE_ON_HEAD_MAX = 8
# how the (mode, frequency) tasks go to the shards: "lpt" (by cost, longest first; the data order is restored
# on the head) or "contiguous" (consecutive runs of the canonical order, the cut of the fifth session)
ASSIGN = "lpt"


def lpt_assign(costs: Any, n_bins: int) -> list[list[int]]:
    """Longest-processing-time-first assignment of tasks to ``n_bins`` bins.

    Parameters
    ----------
    costs : (n,) array of float
        Cost (e.g. seconds) of each task.
    n_bins : int
        Workers.

    Returns
    -------
    list of list of int
        Task indices per bin, each in increasing index order; empty bins are kept.
    """
    costs = np.asarray(costs, float)
    bins: list[list[int]] = [[] for _ in range(max(int(n_bins), 1))]
    load = np.zeros(len(bins))
    for i in np.argsort(-costs, kind="stable"):
        b = int(np.argmin(load))
        bins[b].append(int(i))
        load[b] += costs[i]
    return [sorted(b) for b in bins]


def contiguous_assign(costs: Any, n_bins: int) -> list[list[int]]:
    """Split tasks ``0..n-1`` into at most ``n_bins`` consecutive runs of about equal cost.

    Consecutive runs keep the tasks in one canonical order whatever the
    number of bins (the meta simulation's data vector is then the same on
    1 or N workers). A cut is placed where the cumulative cost is nearest
    to ``k / n_bins`` of the total (a run never has fewer than one task), so
    equal tasks split evenly; cutting after the run that first reaches
    ``k / n_bins`` gave 12 + 10 of 22 near-equal tasks.

    Parameters
    ----------
    costs : (n,) array of float
        Cost (e.g. seconds) of each task.
    n_bins : int
        Workers.

    Returns
    -------
    list of list of int
        Task indices per bin (non-empty bins only), in order.
    """
    c = np.asarray(costs, float)
    n, k = c.size, max(int(n_bins), 1)
    if n == 0:
        return []
    cum = np.concatenate([[0.0], np.cumsum(c) / c.sum()])  # cum[j]: share of tasks 0..j-1
    cuts = [0]
    for b in range(1, min(k, n)):
        lo, hi = cuts[-1] + 1, n - (min(k, n) - b)  # every run keeps at least one task
        j = lo + int(np.argmin(np.abs(cum[lo:hi + 1] - b / k)))  # nearest to b/k; ties: the earlier cut
        cuts.append(j)
    cuts.append(n)
    return [list(range(a, b)) for a, b in zip(cuts[:-1], cuts[1:]) if b > a]


def project_speedup(task_seconds: Any, serial_seconds: float, n_workers: int, *,
                    assign: str | None = None) -> dict[str, float]:
    """Wall time and speed-up on ``n_workers`` from a table of task times.

    Parameters
    ----------
    task_seconds : (n,) array of float
        Total work of each (mode, frequency) task over the whole inversion (s),
        in the canonical task order (:class:`ShardedSurvey`).
    serial_seconds : float
        The part that does not split (the head's work: regularisation, CG
        vector algebra, line search, Dask round trips), over the whole inversion (s).
    n_workers : int
    assign : {"lpt", "contiguous"}, optional
        How tasks go to workers: longest-first (:func:`lpt_assign`) or
        consecutive runs (:func:`contiguous_assign`); default :data:`ASSIGN`,
        what the inversion does (with the task costs it is given).

    Returns
    -------
    dict
        ``wall_s`` = serial + the largest per-worker sum under the
        assignment (the critical path); ``speedup`` against 1 worker
        (serial + sum of all tasks); ``efficiency`` = speedup / n_workers.
    """
    t = np.asarray(task_seconds, float)
    bins = (contiguous_assign if (assign or ASSIGN) == "contiguous" else lpt_assign)(t, n_workers)
    crit = max((float(t[b].sum()) for b in bins), default=0.0)
    one = float(serial_seconds) + float(t.sum())
    wall = float(serial_seconds) + crit
    return {"n_workers": int(n_workers), "wall_s": wall, "speedup": one / wall, "efficiency": one / wall / n_workers}


def _timed(sim: Any, name: str, fn: Any) -> Any:
    """``fn`` wrapped to add its wall time to ``sim.task_seconds[name]``, its thread's CPU time and
    run-queue wait (:func:`geoexplore.mt.invert2d_clock.thread_clock`) to ``sim.task_cpu[name]`` and
    ``sim.task_wait[name]``, and count the call in ``sim.task_calls[name]`` (outermost call only)."""
    from geoexplore.mt.invert2d_clock import thread_clock

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if sim.timer_depth:
            return fn(*args, **kwargs)
        sim.task_calls[name] += 1
        sim.timer_depth += 1
        t0, c0, w0 = thread_clock()
        try:
            return fn(*args, **kwargs)
        finally:
            sim.timer_depth -= 1
            t1, c1, w1 = thread_clock()
            sim.task_seconds[name] += t1 - t0
            sim.task_cpu[name] += c1 - c0
            sim.task_wait[name] += w1 - w0

    return wrapper


def build_shard(mesh: Any, active: np.ndarray, parts: list[tuple[str, float]], stations_x_m: Any) -> Any:
    """On a worker: the serial meta simulation of the (mode, frequency Hz) ``parts``.

    Each part is a one-frequency simulation of :func:`geoexplore.mt.simpeg2d.make_simulation`
    (patched ``getJ``, stored-J products), timed per operation (:data:`OPS`).
    """
    from simpeg.maps import IdentityMap
    from simpeg.meta import MetaSimulation

    from geoexplore.mt.simpeg2d import active_mapping, make_simulation

    mapping = active_mapping(mesh, active)
    sims = []
    for mode, f in parts:
        sim = make_simulation(mesh, mode, [float(f)], stations_x_m, mapping=mapping)
        _zero(sim)
        sim.timer_depth = 0
        sim.task_label = (mode, float(f))
        for op in OPS:
            setattr(sim, op, _timed(sim, op, getattr(sim, op)))
        sims.append(sim)
    n = int(np.asarray(active).sum())
    return MetaSimulation(sims, [IdentityMap(nP=n) for _ in sims])


def _zero(sim: Any) -> None:
    sim.task_seconds = dict.fromkeys(OPS, 0.0)
    sim.task_cpu = dict.fromkeys(OPS, 0.0)
    sim.task_wait = dict.fromkeys(OPS, 0.0)
    sim.task_calls = dict.fromkeys(OPS, 0)


def _timings(shard: Any) -> list[dict[str, Any]]:
    return [{"mode": s.task_label[0], "frequency_hz": s.task_label[1], **s.task_seconds,
             "cpu": dict(s.task_cpu), "wait": dict(s.task_wait),
             "calls": {**s.task_calls, "factorisations": getattr(s, "n_factorisations", 0)}}
            for s in shard.simulations]


def _reset(shard: Any) -> int:
    for s in shard.simulations:
        _zero(s)
        s.n_factorisations = 0
    return len(shard.simulations)


class ShardedSurvey:
    """The (mode, frequency) split of a joint TE+TM survey over the shards of a Dask meta simulation.

    The tasks are in one canonical order, frequency by frequency (as given)
    and within a frequency the modes as given. They go to the shards by
    cost, longest first (:func:`lpt_assign`; ``assign="contiguous"``:
    consecutive runs, :func:`contiguous_assign`), each shard holding its
    tasks in canonical order. The head sees data-space vectors in the
    canonical order whatever the number of shards (:func:`canonical_data_order`
    permutes the meta simulation's shard order back), and the sums over
    tasks are grouping-free (double-double), so 1 and N shards do the same
    float64 arithmetic.

    Parameters
    ----------
    modes : tuple of str
    freqs_hz : (n_f,) array
    n_stations : int
    n_shards : int
    costs : (n_tasks,) array, optional
        Cost of each task in the canonical order (default :data:`MODE_COST` per mode).
    assign : {"lpt", "contiguous"}, optional
        Default :data:`ASSIGN`.

    Attributes
    ----------
    parts : list of (mode, i_freq)
        All tasks, in the canonical order.
    groups : list of list of (mode, i_freq)
        The tasks of each shard (non-empty shards only).
    pos : dict
        mode -> index array taking that mode's SimPEG data vector (:func:`geoexplore.mt.simpeg2d.pack`
        order) into the canonical order; ``canonical[pos[mode]] = d_mode``.
    order : (n_data,) array of int
        Canonical position of each datum of the shard order: ``shard_vector = canonical[order]``.
    """

    def __init__(self, modes: tuple[str, ...], freqs_hz: Any, n_stations: int, n_shards: int, *,
                 costs: Any = None, assign: str | None = None) -> None:
        freqs_hz = np.asarray(freqs_hz, float)
        self.parts = [(m, i) for i in range(freqs_hz.size) for m in modes]
        costs = [MODE_COST[m] for m, _ in self.parts] if costs is None else np.asarray(costs, float)
        how = assign or ASSIGN
        if how not in ("lpt", "contiguous"):
            raise ValueError(f"assign {how!r}: expected 'lpt' or 'contiguous'")
        groups = [g for g in (lpt_assign if how == "lpt" else contiguous_assign)(costs, n_shards) if g]
        self.groups = [[self.parts[k] for k in g] for g in groups]
        self.freqs_hz = freqs_hz
        nd = 2 * n_stations
        self.pos: dict[str, np.ndarray] = {m: np.zeros(freqs_hz.size * nd, int) for m in modes}
        for k, (m, i) in enumerate(self.parts):
            self.pos[m][i * nd:(i + 1) * nd] = k * nd + np.arange(nd)
        self.n_data = len(self.parts) * nd
        # canonical position of every datum of the shard order (the meta simulation's): shard_vec = canon[order]
        self.order = np.concatenate([k * nd + np.arange(nd) for g in groups for k in g]).astype(int)

    def to_shards(self, d: Any) -> np.ndarray:
        """A vector in the canonical order -> the shard order (the meta simulation's ``_data_offsets`` slices)."""
        return np.asarray(d)[self.order]

    def from_shards(self, d: Any) -> np.ndarray:
        """A vector in the shard order -> the canonical order."""
        out = np.empty(self.n_data, dtype=np.asarray(d).dtype)
        out[self.order] = d
        return out

    def to_meta(self, per_mode: dict[str, np.ndarray]) -> np.ndarray:
        """Per-mode data vectors (SimPEG order) -> one vector in the canonical order (what the head sees)."""
        out = np.empty(self.n_data)
        for m, v in per_mode.items():
            out[self.pos[m]] = v
        return out

    def from_meta(self, d: Any) -> dict[str, np.ndarray]:
        """A canonical-order vector -> per-mode vectors (SimPEG order)."""
        d = np.asarray(d)
        return {m: d[p] for m, p in self.pos.items()}


def workers_of(client: Any) -> list[str]:
    """Addresses of the workers to put shards on, sorted.

    From a plain client: all workers. From inside a task (a workflow step
    with :func:`geoexplore.pipeline.subtasks.distributing`): this task's worker and the workers that run
    nothing else right now; a busy worker would queue the shard behind its
    current task (an ERT inversion, say) and hold back every iteration.
    """
    everyone = sorted(client.scheduler_info()["workers"])
    try:
        from distributed import get_worker

        me = get_worker().address
    except (ImportError, ValueError):
        return everyone
    busy = {w for w, keys in client.processing().items() if keys}
    return [w for w in everyone if w == me or w not in busy]


def dask_simulation(client: Any, mesh: Any, active: np.ndarray, split: ShardedSurvey, stations_x_m: Any,
                    workers: list[str]) -> Any:
    """The :class:`simpeg.meta.DaskMetaSimulation` of ``split``: shard ``k`` built and kept on ``workers[k]``."""
    from simpeg.maps import IdentityMap
    from simpeg.meta import DaskMetaSimulation

    futures = []
    for g, w in zip(split.groups, workers):
        parts = [(m, float(split.freqs_hz[i])) for m, i in g]
        futures.append(client.submit(build_shard, mesh, active, parts, np.asarray(stations_x_m, float),
                                     workers=[w], pure=False))
    client.gather(futures)  # surface a failure to build here
    n = int(np.asarray(active).sum())
    sim = DaskMetaSimulation(futures, [IdentityMap(nP=n) for _ in futures], client)
    # SimPEG 0.25.2 pins a simulation to a worker only if that worker holds fewer than all of them
    # (``n_test < len(objects)``): with one shard the worker is None. Pin every shard where it was built.
    sim._workers = list(workers[: len(futures)])
    return canonical_data_order(grouping_free_sums(sim), split)


def _shard_jtvec_dd(shard: Any, fields: Any, v: np.ndarray) -> np.ndarray:
    """On a worker: sum over the shard's tasks of ``J_i^T v_i`` as a double-double ``(2, n_model)`` array."""
    from geoexplore.mt.invert2d_sums import dd_accumulate, dd_zero

    offs = np.cumsum([0] + [s.survey.nD for s in shard.simulations])
    acc = dd_zero(shard.model.size)
    for k, (sim, f) in enumerate(zip(shard.simulations, fields)):
        acc = dd_accumulate(acc, sim.Jtvec(sim.model, v[offs[k]:offs[k + 1]], f=f))
    return acc


def _shard_jtj_dd(shard: Any, fields: Any, w: np.ndarray) -> np.ndarray:
    """On a worker: sum over the shard's tasks of ``diag(J_i^T W_i^2 J_i)`` as a double-double array."""
    import scipy.sparse as sp

    from geoexplore.mt.invert2d_sums import dd_accumulate, dd_zero

    offs = np.cumsum([0] + [s.survey.nD for s in shard.simulations])
    acc = dd_zero(shard.model.size)
    for k, (sim, f) in enumerate(zip(shard.simulations, fields)):
        acc = dd_accumulate(acc, sim.getJtJdiag(sim.model, W=sp.diags(w[offs[k]:offs[k + 1]]), f=f))
    return acc


def _shard_hessian_dd(shard: Any, fields: Any, v: np.ndarray, w: np.ndarray) -> np.ndarray:
    """On a worker: sum over the shard's tasks of ``J_i^T (w_i (w_i (J_i v)))`` as a double-double array.

    The data-misfit Hessian product of the shard from its own stored
    sensitivities and its slice ``w`` of the data weights: the same
    arithmetic per task as SimPEG's ``Jvec``, ``W * (W * .)`` and ``Jtvec``
    in turn, without the data-space vector leaving the worker.
    """
    from geoexplore.mt.invert2d_sums import dd_accumulate, dd_zero

    offs = np.cumsum([0] + [s.survey.nD for s in shard.simulations])
    acc = dd_zero(shard.model.size)
    for k, (sim, f) in enumerate(zip(shard.simulations, fields)):
        wk = w[offs[k]:offs[k + 1]]
        acc = dd_accumulate(acc, sim.Jtvec(sim.model, wk * (wk * sim.Jvec(sim.model, v, f=f)), f=f))
    return acc


def hessian_product(meta: Any, m: Any, v: Any, w: Any, f: Any = None) -> np.ndarray:
    """``J^T W^T W J v`` of the Dask meta simulation ``meta`` in one round trip.

    Each shard computes its part from its own fields, sensitivities and
    weights in one task (:func:`_shard_hessian_dd`); the parts are summed
    as in ``Jtvec`` (double-double, shard order, rounded once), so the
    result is bit for bit SimPEG's ``Jtvec(W^T W Jvec(v))`` of this module's
    ``Jtvec``, on any number of workers.

    Parameters
    ----------
    meta : simpeg.meta.DaskMetaSimulation
        From :func:`dask_simulation`.
    m : (n_model,) array
        The model.
    v : (n_model,) array
        The vector.
    w : (n_data,) array
        The diagonal of the data weighting ``W`` (1 / standard deviation), in the canonical data order.
    f : list of futures, optional
        The shards' fields of ``m``.
    """
    meta.model = m
    f = meta.fields(m) if f is None else f
    off = meta._data_offsets
    v = np.asarray(v, float)
    w = _shard_order(meta, np.asarray(w, float))
    futs = [meta.client.submit(_shard_hessian_dd, s, fk, v, w[off[k]:off[k + 1]], workers=[wk], pure=False)
            for k, (s, fk, wk) in enumerate(zip(meta.simulations, f, meta._workers))]
    return _dd_reduce(meta, futs)


def _fused_deriv2(dmis: Any, m: Any, v: Any = None, f: Any = None) -> Any:  # bound to an L2DataMisfit
    if v is None:
        return type(dmis).deriv2(dmis, m, v, f=f)
    return 2 * hessian_product(dmis.simulation, m, v, dmis.W.diagonal(), f=f)


def fuse_hessian(dmis: Any) -> Any:
    """Make ``dmis.deriv2(m, v)`` (this ``L2DataMisfit`` of a Dask meta simulation only) one task per shard.

    SimPEG's ``L2DataMisfit.deriv2`` is ``2 Jtvec(W (W Jvec(v)))``, the product
    the InexactGaussNewton CG calls at every step (``BaseInvProblem.evalFunction``'s
    ``H_fun``): two round trips to the workers and the data vector through
    the head. Bound here: :func:`hessian_product`, one round trip, the same
    numbers bit for bit. Returns ``dmis``.
    """
    import types

    dmis.deriv2 = types.MethodType(_fused_deriv2, dmis)
    return dmis


def _dd_reduce(meta: Any, futures: list[Any]) -> np.ndarray:
    """Pairwise double-double sum of the shards' futures in shard order, rounded at the end.

    Up to :data:`REDUCE_ON_HEAD_MAX` shards the partial sums are fetched and
    added here (one round trip); beyond, pairwise on the workers (no head
    gathering n_shards model vectors). The pairing is the same
    (:func:`geoexplore.mt.invert2d_sums.dd_tree`), so is the result.
    """
    from geoexplore.mt.invert2d_sums import dd_add, dd_tree, dd_value

    c = meta.client
    if len(futures) <= REDUCE_ON_HEAD_MAX:
        return dd_value(dd_tree(c.gather(futures)))
    items = list(zip(futures, meta._workers))
    while len(items) > 1:
        nxt = [(c.submit(dd_add, a, b, workers=[wa], pure=False), wa) for (a, wa), (b, _) in zip(items[::2], items[1::2])]
        if len(items) % 2:
            nxt.append(items[-1])
        items = nxt
    return dd_value(items[0][0].result())


def _shard_order(meta: Any, d: np.ndarray) -> np.ndarray:
    """A data-space vector in the canonical order -> the shard order of ``meta`` (identity without one)."""
    order = getattr(meta, "_canonical_order", None)
    return d if order is None else np.asarray(d)[order]


def _jtvec(meta: Any, m: Any, v: Any, f: Any = None) -> np.ndarray:  # bound to a DaskMetaSimulation
    meta.model = m
    f = meta.fields(m) if f is None else f
    off = meta._data_offsets
    v = _shard_order(meta, np.asarray(v))
    futs = [meta.client.submit(_shard_jtvec_dd, s, fk, v[off[k]:off[k + 1]], workers=[w], pure=False)
            for k, (s, fk, w) in enumerate(zip(meta.simulations, f, meta._workers))]
    return _dd_reduce(meta, futs)


def _jtjdiag(meta: Any, m: Any, W: Any = None, f: Any = None) -> np.ndarray:  # noqa: N803 (SimPEG API)
    meta.model = m
    if getattr(meta, "_jtjdiag", None) is None:
        w = np.ones(meta.survey.nD) if W is None else _shard_order(meta, W.diagonal())
        f = meta.fields(m) if f is None else f
        off = meta._data_offsets
        futs = [meta.client.submit(_shard_jtj_dd, s, fk, w[off[k]:off[k + 1]], workers=[wk], pure=False)
                for k, (s, fk, wk) in enumerate(zip(meta.simulations, f, meta._workers))]
        meta._jtjdiag = _dd_reduce(meta, futs)
    return meta._jtjdiag


def grouping_free_sums(meta: Any) -> Any:
    """Make ``Jtvec`` and ``getJtJdiag`` of the Dask meta simulation ``meta`` independent of the shard grouping.

    SimPEG sums the shards' partial sums by a reduction whose order depends
    on the worker addresses, in float64. Bound here (this instance only):
    each shard sums its tasks in the canonical order as double-double pairs
    (:mod:`geoexplore.mt.invert2d_sums`), the pairs are added pairwise in
    shard order on the workers and rounded once at the end; with the data
    vector in canonical order (:class:`ShardedSurvey`) 1 and N workers do
    the same float64 arithmetic. Returns ``meta``.
    """
    import types

    meta.Jtvec = types.MethodType(_jtvec, meta)
    meta.getJtJdiag = types.MethodType(_jtjdiag, meta)
    return meta


def _canonical_dpred(meta: Any, m: Any = None, f: Any = None) -> np.ndarray:  # bound to a DaskMetaSimulation
    d = type(meta).dpred(meta, m, f=f)
    out = np.empty_like(d)
    out[meta._canonical_order] = d
    return out


def _canonical_jvec(meta: Any, m: Any, v: Any, f: Any = None) -> np.ndarray:  # bound to a DaskMetaSimulation
    d = type(meta).Jvec(meta, m, v, f=f)
    out = np.empty_like(d)
    out[meta._canonical_order] = d
    return out


def canonical_data_order(meta: Any, split: ShardedSurvey) -> Any:
    """Make the data space of the Dask meta simulation ``meta`` the canonical order of ``split``.

    The meta simulation's data vector is its shards' data one after the
    other, an order that depends on which shard holds which task. Bound
    here (this instance only): ``dpred`` and ``Jvec`` return their vectors
    in the canonical order (:class:`ShardedSurvey`), and ``Jtvec``,
    ``getJtJdiag`` and :func:`hessian_product` take data-space vectors and
    weights in it, so the head (misfit, residuals, the data object) sees the
    same vectors on any number of workers and any assignment. A permutation
    only moves numbers. Returns ``meta``.
    """
    import types

    meta._canonical_order = np.asarray(split.order, int)
    meta.dpred = types.MethodType(_canonical_dpred, meta)
    meta.Jvec = types.MethodType(_canonical_jvec, meta)
    return meta


def shard_timings(sim: Any) -> list[dict[str, Any]]:
    """Per-(mode, frequency) seconds by operation (:data:`OPS`) and the worker, fetched from the shards."""
    c = sim.client
    futs = [c.submit(_timings, s, workers=[w], pure=False) for s, w in zip(sim.simulations, sim._workers)]
    return [{**row, "worker": w} for rows, w in zip(c.gather(futs), sim._workers) for row in rows]


def reset_timings(sim: Any) -> None:
    """Zero the per-frequency timers on every shard."""
    c = sim.client
    c.gather([c.submit(_reset, s, workers=[w], pure=False) for s, w in zip(sim.simulations, sim._workers)])


