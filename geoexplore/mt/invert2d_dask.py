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
* (mode, frequency) pairs go to the shards longest-first onto the least
  loaded shard (LPT), with an estimated cost per pair (TE and TM differ).

One shard per worker keeps the Dask overhead at one task per worker per
product (the Gauss-Newton CG makes hundreds of products). Every
per-frequency simulation times its own work (factorisation + fields,
dpred, sensitivity matrix, products); :func:`shard_timings` fetches the
table, from which :func:`project_speedup` projects the wall time on more
workers.

The inversion on 1 or N workers does the same arithmetic per frequency;
only the order of the sums over frequencies differs (rounding). The serial
path of :func:`geoexplore.mt.invert2d.invert` (no client) is unchanged.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

# relative cost of one frequency of each mode (TM has more unknowns per system: fields at cell centres
# and edges; measured on the coarse Siping mesh: TE 1.0, TM 1.1); only the balance depends on it
MODE_COST = {"te": 1.0, "tm": 1.1}
OPS = ("fields", "dpred", "getJ", "Jvec", "Jtvec")


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


def project_speedup(task_seconds: Any, serial_seconds: float, n_workers: int) -> dict[str, float]:
    """Wall time and speed-up on ``n_workers`` from a table of task times.

    Parameters
    ----------
    task_seconds : (n,) array of float
        Total work of each (mode, frequency) task over the whole inversion (s).
    serial_seconds : float
        The part that does not split (the head's work: regularisation, CG
        vector algebra, line search, Dask round trips), over the whole inversion (s).
    n_workers : int

    Returns
    -------
    dict
        ``wall_s`` = serial + the largest per-worker sum under the LPT
        assignment (the critical path); ``speedup`` against 1 worker
        (serial + sum of all tasks); ``efficiency`` = speedup / n_workers.
    """
    t = np.asarray(task_seconds, float)
    bins = lpt_assign(t, n_workers)
    crit = max((float(t[b].sum()) for b in bins), default=0.0)
    one = float(serial_seconds) + float(t.sum())
    wall = float(serial_seconds) + crit
    return {"n_workers": int(n_workers), "wall_s": wall, "speedup": one / wall, "efficiency": one / wall / n_workers}


def _timed(sim: Any, name: str, fn: Any) -> Any:
    """``fn`` wrapped to add its wall time to ``sim.task_seconds[name]`` (outermost call only)."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if sim.timer_depth:
            return fn(*args, **kwargs)
        sim.timer_depth += 1
        t0 = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            sim.timer_depth -= 1
            sim.task_seconds[name] += time.perf_counter() - t0

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
        sim.task_seconds = dict.fromkeys(OPS, 0.0)
        sim.timer_depth = 0
        sim.task_label = (mode, float(f))
        for op in OPS:
            setattr(sim, op, _timed(sim, op, getattr(sim, op)))
        sims.append(sim)
    n = int(np.asarray(active).sum())
    return MetaSimulation(sims, [IdentityMap(nP=n) for _ in sims])


def _timings(shard: Any) -> list[dict[str, Any]]:
    return [{"mode": s.task_label[0], "frequency_hz": s.task_label[1], **s.task_seconds} for s in shard.simulations]


def _reset(shard: Any) -> int:
    for s in shard.simulations:
        s.task_seconds = dict.fromkeys(OPS, 0.0)
    return len(shard.simulations)


class ShardedSurvey:
    """The (mode, frequency) split of a joint TE+TM survey over the shards of a Dask meta simulation.

    Attributes
    ----------
    parts : list of (mode, i_freq)
        All tasks, in the order of the meta simulation's data vector.
    order : dict
        mode -> index array taking that mode's SimPEG data vector (:func:`geoexplore.mt.simpeg2d.pack`
        order) into the meta order; ``meta[pos[mode]] = d_mode``.
    """

    def __init__(self, modes: tuple[str, ...], freqs_hz: Any, n_stations: int, n_shards: int) -> None:
        freqs_hz = np.asarray(freqs_hz, float)
        tasks = [(m, i) for m in modes for i in range(freqs_hz.size)]
        groups = lpt_assign([MODE_COST[m] for m, _ in tasks], n_shards)
        self.groups = [[tasks[k] for k in g] for g in groups if g]
        self.parts = [t for g in self.groups for t in g]
        self.freqs_hz = freqs_hz
        nd = 2 * n_stations
        self.pos: dict[str, np.ndarray] = {m: np.zeros(freqs_hz.size * nd, int) for m in modes}
        for k, (m, i) in enumerate(self.parts):
            self.pos[m][i * nd:(i + 1) * nd] = k * nd + np.arange(nd)
        self.n_data = len(self.parts) * nd

    def to_meta(self, per_mode: dict[str, np.ndarray]) -> np.ndarray:
        """Per-mode data vectors (SimPEG order) -> one vector in the meta order."""
        out = np.empty(self.n_data)
        for m, v in per_mode.items():
            out[self.pos[m]] = v
        return out

    def from_meta(self, d: Any) -> dict[str, np.ndarray]:
        """A meta-order vector -> per-mode vectors (SimPEG order)."""
        d = np.asarray(d)
        return {m: d[p] for m, p in self.pos.items()}


def workers_of(client: Any) -> list[str]:
    """Addresses of the workers to put shards on, sorted.

    From a plain client: all workers. From inside a task (a workflow step
    with :func:`distributing`): this task's worker and the workers that run
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
    return sim


def shard_timings(sim: Any) -> list[dict[str, Any]]:
    """Per-(mode, frequency) seconds by operation (:data:`OPS`) and the worker, fetched from the shards."""
    c = sim.client
    futs = [c.submit(_timings, s, workers=[w], pure=False) for s, w in zip(sim.simulations, sim._workers)]
    return [{**row, "worker": w} for rows, w in zip(c.gather(futs), sim._workers) for row in rows]


def reset_timings(sim: Any) -> None:
    """Zero the per-frequency timers on every shard."""
    c = sim.client
    c.gather([c.submit(_reset, s, workers=[w], pure=False) for s, w in zip(sim.simulations, sim._workers)])


def distributing(setting: str) -> Any:
    """Context manager yielding the Dask client to distribute with from inside a workflow step, or None.

    ``setting`` ``"off"``: None. ``"auto"``: when this code runs as a task on a
    Dask worker of a cluster with more than one worker, a client from
    :func:`distributed.worker_client` (the step task secedes from its
    worker's thread pool while its sub-tasks run, so that worker runs them
    too, and rejoins at the end); otherwise (not on a worker, or one worker) None.
    """
    import contextlib

    @contextlib.contextmanager
    def ctx() -> Any:
        if setting == "off":
            yield None
            return
        try:
            from distributed import get_worker, worker_client

            get_worker()
        except (ImportError, ValueError):
            yield None
            return
        with worker_client() as client:
            yield client if len(client.scheduler_info()["workers"]) > 1 else None

    return ctx()
