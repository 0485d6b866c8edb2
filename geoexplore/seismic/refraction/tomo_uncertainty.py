"""How far the pick errors move a tomogram: Monte Carlo re-inversions with the picks perturbed by their own errors.

A tomogram is one model that fits the picks to their errors; another draw
of the same errors gives another model. Where the rays only graze a cell
(at the bottom of the ray fan, under a single far pick) that other model
can differ by tens of per cent: on refraction-field01 Gaussian noise of
0.02 ms on the hand picks (a sixth of a sample) moved a cell at the bottom
of the fan by 11.5 %, as the diving rays switched cells.
:func:`velocity_spread` measures this for the user's own data: it inverts
``runs`` copies of the picks, each pick moved by a Gaussian draw of its
error (the data error of the inversion, the same in every run), with the
same settings on the same mesh, and returns the standard deviation of
ln(velocity) per cell across them, about the relative standard
uncertainty of the velocity. This is the parametric bootstrap of the
estimator (the data's error distribution drawn around the data), one of
the ways of assessing tomographic uncertainty reviewed by Rawlinson,
Fichtner, Sambridge and Young (2014, Advances in Geophysics 55); unlike a
linearised posterior covariance it keeps the ray switching that makes the
spread large.

``TomoSettings.uncertainty_runs`` > 0 makes :func:`~.tomography.invert`
(and the ``refraction.tomo`` step) run it: the result carries
``velocity_rel_sd`` and the image ``vp_rel_sd``. In a workflow on a
cluster of more than one worker the runs are spread over the workers
(``uncertainty_distribute: auto``, :func:`geoexplore.pipeline.subtasks.distributing`);
each run starts from the default floating-point environment, so the spread
is the same wherever the runs ran.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from geoexplore.core.errors import ModelError


@dataclass
class VelocitySpread:
    """Result of :func:`velocity_spread`.

    Attributes
    ----------
    rel_sd : ndarray (n_cells,)
        Standard deviation of ln(velocity) across the runs (ddof 1): about
        the relative standard uncertainty of each cell's velocity.
    velocity_m_s : ndarray (runs, n_cells)
        Each run's cell velocities.
    chi2 : ndarray (runs,)
        Each run's chi2 against its perturbed picks.
    stop_reasons : list of str
    seed : int
    workers : list of str
        Where each run ran: a Dask worker's address, or "" for this process.
    failed : list of (int, str)
        Runs the inversion refused and why; the spread is over the others
        (``velocity_m_s`` and ``chi2`` hold the successful runs only).
    """

    rel_sd: np.ndarray
    velocity_m_s: np.ndarray
    chi2: np.ndarray
    stop_reasons: list[str] = field(default_factory=list)
    seed: int = 0
    workers: list[str] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)

    @property
    def runs(self) -> int:
        return int(self.velocity_m_s.shape[0])


def perturbed(data: Any, err_s: np.ndarray, z: np.ndarray) -> Any:
    """A copy of the (valid) picks ``data`` with ``t + err * z`` and the errors ``err_s``.

    A time that would fall to or below zero keeps half its value (a
    traveltime is positive; it happens only for errors near the time itself).
    """
    d = copy.deepcopy(data)
    t = np.asarray(d.t_s, float) + np.asarray(err_s, float) * np.asarray(z, float)
    d.t_s = np.where(t > 0, t, 0.5 * np.asarray(data.t_s, float))
    d.err_s = np.asarray(err_s, float).copy()
    return d


def one_run(data: Any, settings: Any) -> tuple[Any, Any, Any, float, str, str]:
    """One perturbed inversion (module level: Dask sends it to a worker by name): cell velocities, cell centres,
    chi2, stop reason and the worker's address ("" outside a worker). Starts from the default floating-point
    environment, as every workflow task does (:func:`geoexplore.core.fpenv.reset`), so a run gives the same
    bits in this process and on any worker. A run the inversion refuses (a geoexplore error, or pyGIMLi's
    RuntimeError) comes back with None for the arrays and ``"failed: <why>"`` as its stop reason."""
    from geoexplore.core.errors import GeoexploreError
    from geoexplore.core.fpenv import reset
    from geoexplore.seismic.refraction.tomography import invert

    try:
        from distributed import get_worker

        where = str(get_worker().address)
    except (ImportError, ValueError):
        where = ""
    reset()
    try:
        r = invert(data, settings)
    except (GeoexploreError, RuntimeError) as exc:
        return None, None, None, float("nan"), f"failed: {exc}", where
    return r.velocity_m_s, r.cell_x_m, r.cell_y_m, float(r.chi2), r.stop_reason, where


def velocity_spread(data: Any, settings: Any = None, *, runs: int = 20, seed: int = 0, reference: Any = None,
                    client: Any = None) -> VelocitySpread:
    """Spread of the tomogram across ``runs`` inversions of the picks perturbed by their errors.

    Parameters
    ----------
    data : TraveltimeData
        The picks (only valid ones are used), as given to :func:`~.tomography.invert`.
    settings : TomoSettings, optional
        The inversion settings (its ``uncertainty_runs`` is ignored here).
    runs : int
        Number of perturbed inversions (at least 2; 20 gives the standard
        deviation to about 16 %).
    seed : int
        Seed of the Gaussian draws (the same seed gives the same spread).
    reference : TomoResult, optional
        The inversion of the unperturbed picks: its data errors are used and
        its mesh must be the runs' mesh. Computed when not given.
    client : distributed.Client, optional
        Run the inversions as Dask tasks through this client (one task per
        run, gathered in run order); the spread is the same as without.

    Returns
    -------
    VelocitySpread

    Raises
    ------
    ModelError
        For fewer than 2 runs (asked for or succeeded), or when a run's mesh
        is not the reference's.
    """
    from geoexplore.seismic.refraction.settings import TomoSettings
    from geoexplore.seismic.refraction.tomography import invert

    if runs < 2:
        raise ModelError(f"velocity_spread needs at least 2 runs (got {runs})")
    s = (settings or TomoSettings()).model_copy(update={"uncertainty_runs": 0, "use_pick_errors": True})
    ref = reference if reference is not None else invert(data, s)
    d = ref.data  # the valid picks, as inverted
    z = np.random.default_rng(seed).standard_normal((runs, d.n_data))
    copies = [perturbed(d, ref.error_s, z[k]) for k in range(runs)]
    if client is not None:
        out = client.gather([client.submit(one_run, c, s, pure=False) for c in copies])
    else:
        out = [one_run(c, s) for c in copies]
    failed = [(k, o[4]) for k, o in enumerate(out) if o[0] is None]
    ok = [o for o in out if o[0] is not None]
    if len(ok) < 2:
        raise ModelError(f"velocity_spread: {len(ok)} of {runs} runs succeeded, a spread needs 2: "
                         + "; ".join(f"run {k} {why}" for k, why in failed[:3]))
    for k, (v, cx, cy, _, _, _) in enumerate(out):
        if v is not None and (v.shape != ref.velocity_m_s.shape or not (
                np.allclose(cx, ref.cell_x_m) and np.allclose(cy, ref.cell_y_m))):
            raise ModelError(f"velocity_spread: run {k} was inverted on another mesh than the reference "
                             f"({v.size} against {ref.velocity_m_s.size} cells)")
    v = np.array([o[0] for o in ok])
    return VelocitySpread(rel_sd=np.std(np.log(v), axis=0, ddof=1), velocity_m_s=v, chi2=np.array([o[3] for o in ok]),
                          stop_reasons=[o[4] for o in out], seed=int(seed), workers=[o[5] for o in out], failed=failed)


__all__ = ["VelocitySpread", "one_run", "perturbed", "velocity_spread"]
