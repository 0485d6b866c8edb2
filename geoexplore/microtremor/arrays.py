"""Array processing of ambient vibrations: SPAC/MSPAC and FK dispersion, and the Vs inversion, as one call.

:func:`read_array` reads an array table (CSV ``station,x_m,y_m,file``) and
its records; :func:`process_array` turns the vertical components into
Rayleigh phase velocities (:mod:`.spac`, :mod:`.fk`) and a Vs profile
ensemble (:mod:`.dispersion`). The result is an :class:`ArrayResult` whose
``dataset`` is what the ``microtremor.array`` step stores, with ``.plot()``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from geoexplore.microtremor.record import Record
from geoexplore.microtremor.settings import ArraySettings

__all__ = ["ArrayResult", "process_array", "read_array", "read_array_table"]


@dataclass
class ArrayResult:
    """The dispersion curves, the inversion and the Vs profiles of an array.

    Attributes
    ----------
    dataset : xarray.Dataset
        SPAC per ring, MSPAC and FK phase velocities (m/s) per frequency (Hz),
        Vs percentiles per depth (m), the inverted models and Vs30 / depth to
        the half-space in ``attrs`` (what the ``microtremor.array`` step stores).
    inversion : InversionResult
        The full result of :func:`~geoexplore.microtremor.dispersion.invert_dispersion`.
    """

    dataset: Any
    inversion: Any

    @property
    def vs30_m_s(self) -> float:
        """Median Vs30 of the acceptable models (m/s)."""
        return float(self.dataset.attrs["vs30_m_s"])

    @property
    def halfspace_depth_m(self) -> float:
        """Median depth to the half-space of the acceptable models (m)."""
        return float(self.dataset.attrs["halfspace_depth_m"])

    def plot(self, path: str | Path | None = None) -> Any:
        """SPAC, dispersion and Vs profile figure (:func:`geoexplore.microtremor.plot.plot_array`); saved if ``path``."""
        from geoexplore.microtremor.plot import plot_array

        return plot_array(self.dataset, path)


def read_array_table(path: Path) -> tuple[list[dict], np.ndarray]:
    """Rows and coordinates (n, 2) of an array CSV ``station,x_m,y_m,file``; FileFormatError names the line."""
    import csv

    from geoexplore.core.errors import FileFormatError

    with path.open(newline="") as fh:
        reader = csv.DictReader(fh)
        missing = {"station", "x_m", "y_m", "file"} - set(reader.fieldnames or [])
        if missing:
            raise FileFormatError(path, f"missing column(s) {sorted(missing)} (need station,x_m,y_m,file)", position="line 1")
        rows = list(reader)
    xy = []
    for i, r in enumerate(rows):
        try:
            xy.append([float(r["x_m"]), float(r["y_m"])])
        except (TypeError, ValueError):
            raise FileFormatError(path, f"coordinates {r['x_m']!r}, {r['y_m']!r} are not numbers", position=f"line {i + 2}") from None
        if not np.all(np.isfinite(xy[-1])) or not r["file"]:
            raise FileFormatError(path, "a station needs finite coordinates and a file", position=f"line {i + 2}")
        for j in range(i):
            if np.hypot(xy[j][0] - xy[i][0], xy[j][1] - xy[i][1]) < 1e-3:
                raise FileFormatError(path, f"station {r['station']} at the same place as {rows[j]['station']}", position=f"line {i + 2}")
    if len(rows) < 3:
        raise FileFormatError(path, f"an array needs at least 3 stations, found {len(rows)}")
    return rows, np.array(xy)


def read_array(table: str | Path) -> tuple[list[dict], np.ndarray, list[Record]]:
    """The rows, the coordinates (n, 2) in m and the records of an array table (files relative to the table).

    Raises
    ------
    FileFormatError
        Naming the table and the line of a bad row, or of a record sampled
        at another rate than the first.
    """
    from geoexplore.core.errors import FileFormatError
    from geoexplore.microtremor.io import read_record

    table = Path(table)
    rows, xy = read_array_table(table)
    recs = [read_record(table.parent / r["file"]) for r in rows]
    fs = recs[0].fs_hz
    for i, r in enumerate(recs):
        if r.fs_hz != fs:
            raise FileFormatError(table, f"{rows[i]['file']} is sampled at {r.fs_hz} Hz, {rows[0]['file']} at {fs} Hz",
                                  position=f"line {i + 2}")
    return rows, xy, recs


def process_array(records: list[Record], xy_m: np.ndarray, settings: ArraySettings | None = None, *,
                  stations: list[str] | None = None) -> ArrayResult:
    """SPAC/MSPAC and FK dispersion of an array's vertical components and the Vs inversion.

    Parameters
    ----------
    records : list of Record
        One record per station, all at one sampling rate (cut to the shortest).
    xy_m : ndarray, shape (n, 2)
        Station coordinates (m).
    settings : ArraySettings, optional
        Frequencies, windows, FK and inversion settings.
    stations : list of str, optional
        Station names (default: the records').
    """
    from geoexplore.core.errors import GeoexploreError

    settings = settings or ArraySettings()
    xy = np.asarray(xy_m, float)
    fs = records[0].fs_hz
    if any(r.fs_hz != fs for r in records):
        raise GeoexploreError(f"the array's records have different sampling rates: {sorted({r.fs_hz for r in records})} Hz")
    n = min(r.n_samples for r in records)
    z = np.stack([r.data[2, :n] for r in records])
    f, c, e, rs, lim, source, ci, ei, fk = _dispersion(z, fs, xy, settings)
    inv = _inversion(f, ci, ei, settings)
    names = stations if stations is not None else [r.station for r in records]
    ds = _array_dataset(f, c, e, rs, lim, source, ci, ei, fk, inv, xy, names, settings)
    return ArrayResult(ds, inv)


def _dispersion(z: np.ndarray, fs: float, xy: np.ndarray, settings: ArraySettings) -> tuple:
    """MSPAC phase velocities, extended by the valid FK points where SPAC has none."""
    from geoexplore.microtremor.fk import array_limits, fk_dispersion
    from geoexplore.microtremor.spac import spac_jackknife

    f = np.geomspace(settings.freq_min_hz, settings.freq_max_hz, settings.n_freq)
    c, e, rs = spac_jackknife(z, fs, xy, f, window_length_s=settings.window_length_s)
    lim = array_limits(xy)
    source = np.where(np.isfinite(c), 1, 0)  # 1 SPAC, 2 FK, 0 none
    ci, ei = c.copy(), e.copy()
    fk = None
    if settings.fk:
        fk = fk_dispersion(z, fs, xy, f, method=settings.fk_method, kmin_factor=settings.fk_kmin_factor, limits=lim)
        add = ~np.isfinite(c) & fk.valid
        ci[add], ei[add], source[add] = fk.phase_velocity_m_s[add], fk.error_m_s[add], 2
    return f, c, e, rs, lim, source, ci, ei, fk


def _inversion(f: np.ndarray, ci: np.ndarray, ei: np.ndarray, settings: ArraySettings) -> Any:
    """Global search and acceptable-model ensemble of the layered Vs profile."""
    from geoexplore.microtremor.dispersion import invert_dispersion

    return invert_dispersion(f, ci, ei, n_layers=settings.n_layers, seed=settings.seed, max_iterations=settings.max_iterations,
                            popsize=settings.popsize, n_runs=settings.n_runs, n_walk=settings.n_walk,
                            confidence=settings.confidence, increasing_vs=settings.increasing_vs,
                            bedrock_vs_m_s=settings.bedrock_vs_m_s)


def _array_dataset(f, c, e, rs, lim, source, ci, ei, fk, inv, xy, names, settings) -> Any:
    """The stored dataset of the ``microtremor.array`` step (variable names and order are the store's keys)."""
    import xarray as xr

    depth = np.linspace(0, 200, 201)
    best, p2, p16, p50, p84, p98 = inv.profile_percentiles(depth, (2.5, 16, 50, 84, 97.5))
    v30, dh = inv.vs30_stats(), inv.halfspace_stats()
    ds = xr.Dataset(
        {
            "spac": (("ring_m", "frequency_hz"), rs.spac),
            "spac_std": (("ring_m", "frequency_hz"), rs.spac_std),
            "phase_velocity_m_s": (("frequency_hz",), c),
            "phase_velocity_err_m_s": (("frequency_hz",), e),
            "inverted_source": (("frequency_hz",), source),
            "vs_best_m_s": (("depth_m",), best), "vs_p16_m_s": (("depth_m",), p16),
            "vs_p50_m_s": (("depth_m",), p50), "vs_p84_m_s": (("depth_m",), p84),
            "vs_p2_5_m_s": (("depth_m",), p2), "vs_p97_5_m_s": (("depth_m",), p98),
            "best_thickness_m": (("layer",), inv.best_thickness_m),
            "best_vs_m_s": (("layer_hs",), inv.best_vs_m_s),
            "ensemble_vs_m_s": (("model", "layer_hs"), inv.ensemble_vs_m_s),
            "ensemble_thickness_m": (("model", "layer"), inv.ensemble_thickness_m),
            "ensemble_misfit": (("model",), inv.ensemble_misfit),
            "x_m": (("station",), xy[:, 0]), "y_m": (("station",), xy[:, 1]),
        },
        coords={"frequency_hz": f, "ring_m": rs.ring_m, "depth_m": depth, "station": names},
        attrs={"misfit": inv.best_misfit, "misfit_threshold": inv.misfit_threshold, "n_evaluations": inv.n_evaluations,
               "n_search_evaluations": inv.n_search, "n_models": int(inv.ensemble_misfit.size),
               "kmin_rad_m": lim.kmin_rad_m, "kmax_rad_m": lim.kmax_rad_m, "fk_kmin_factor": settings.fk_kmin_factor,
               "bedrock_vs_m_s": float("nan") if settings.bedrock_vs_m_s is None else settings.bedrock_vs_m_s,
               "synthetic": int(settings.synthetic)},
    )
    for name, st in (("vs30_m_s", v30), ("halfspace_depth_m", dh)):
        ds.attrs.update({name: st["median"], name.replace("_m", "_best_m"): st["best"],
                         name.replace("_m", "_p16_m"): st["p16"], name.replace("_m", "_p84_m"): st["p84"],
                         name.replace("_m", "_min_m"): st["min"], name.replace("_m", "_max_m"): st["max"],
                         # sigma equivalent of the 95 % range
                         name.replace("_m", "_err_m"): (st["max"] - st["min"]) / (2 * 1.96)})
    cb = np.full(f.shape, np.nan)
    cb[np.isfinite(ci) & np.isfinite(ei)] = inv.c_best
    ds["phase_velocity_best_m_s"] = (("frequency_hz",), cb)
    if fk is not None:
        ds["fk_phase_velocity_m_s"] = (("frequency_hz",), fk.phase_velocity_m_s)
        ds["fk_phase_velocity_err_m_s"] = (("frequency_hz",), fk.error_m_s)
        ds["fk_valid"] = (("frequency_hz",), fk.valid)
        ds["fk_edge"] = (("frequency_hz",), fk.edge)
        ds.attrs["fk_method"] = settings.fk_method
    return ds


