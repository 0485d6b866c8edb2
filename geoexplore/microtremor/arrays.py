"""Array processing of ambient vibrations: SPAC/MSPAC and FK dispersion, and the Vs inversion, as one call.

:func:`read_array` reads an array table (CSV ``station,x_m,y_m,file``) and
its records; :func:`process_array` turns the vertical components into
Rayleigh phase velocities (:mod:`.spac`, :mod:`.fk`; :func:`array_dispersion`),
keeps the points inside the array's valid band and combines the methods by
their errors (:mod:`.valid_band`), and inverts them for a Vs profile
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

__all__ = ["ArrayDispersion", "ArrayResult", "array_dispersion", "process_array", "read_array", "read_array_table"]


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
    d = array_dispersion(z, fs, xy, settings)
    inv = _inversion(d.frequency_hz, d.combined.phase_velocity_m_s, d.combined.error_m_s, settings)
    names = stations if stations is not None else [r.station for r in records]
    ds = _array_dataset(d.frequency_hz, d.spac_m_s, d.spac_err_m_s, d.rings, d.limits, d.combined, d.fk, inv, xy, names,
                        settings)
    return ArrayResult(ds, inv)


@dataclass
class ArrayDispersion:
    """MSPAC and FK dispersion of an array, its limits and the combined curve (see :func:`array_dispersion`).

    Attributes
    ----------
    frequency_hz : ndarray (nfreq,)
    spac_m_s, spac_err_m_s : ndarray (nfreq,)
        MSPAC phase velocity and its error (m/s), as measured (``combined.codes["spac"]`` says which are used).
    rings : SpacResult
        Ring-averaged coherencies.
    limits : ArrayLimits
        kmin/2 and kmax from the array response of the coordinates.
    combined : CombinedCurve
        Band codes of every method and the inverse-variance mean of the points inside the band (m/s).
    fk : FkResult or None
    """

    frequency_hz: np.ndarray
    spac_m_s: np.ndarray
    spac_err_m_s: np.ndarray
    rings: Any
    limits: Any
    combined: Any
    fk: Any


def array_dispersion(z: np.ndarray, fs_hz: float, xy_m: np.ndarray, settings: ArraySettings | None = None) -> ArrayDispersion:
    """MSPAC and FK phase velocities, each classified against the array's valid band, and their combination.

    Parameters
    ----------
    z : ndarray, shape (nsta, nsamp)
        Vertical records on a common time base.
    fs_hz : float
        Sampling rate (Hz).
    xy_m : ndarray, shape (nsta, 2)
        Station coordinates (m); kmin and kmax come from their array response.
    settings : ArraySettings, optional
        Frequencies, window length, FK method, ``fk_kmin_factor`` and ``max_rel_error``.

    Notes
    -----
    The combined curve (what the inversion uses) is the inverse-variance mean of the points inside the band
    (:func:`~geoexplore.microtremor.valid_band.combine_methods`): no method takes precedence.
    """
    from geoexplore.microtremor.fk import array_limits, fk_dispersion
    from geoexplore.microtremor.spac import spac_jackknife
    from geoexplore.microtremor.valid_band import combine_methods

    settings = settings or ArraySettings()
    xy = np.asarray(xy_m, float)
    f = np.geomspace(settings.freq_min_hz, settings.freq_max_hz, settings.n_freq)
    c, e, rs = spac_jackknife(z, fs_hz, xy, f, window_length_s=settings.window_length_s)
    lim = array_limits(xy)
    methods = {"spac": (c, e)}
    fk = None
    if settings.fk:
        fk = fk_dispersion(z, fs_hz, xy, f, method=settings.fk_method, kmin_factor=settings.fk_kmin_factor, limits=lim,
                           max_rel_error=settings.max_rel_error)
        methods["fk"] = (fk.phase_velocity_m_s, fk.error_m_s)
    comb = combine_methods(f, methods, settings.fk_kmin_factor * lim.kmin_rad_m, lim.kmax_rad_m,
                           max_rel_error=settings.max_rel_error)
    return ArrayDispersion(f, c, e, rs, lim, comb, fk)


def _inversion(f: np.ndarray, ci: np.ndarray, ei: np.ndarray, settings: ArraySettings) -> Any:
    """Global search and acceptable-model ensemble of the layered Vs profile."""
    from geoexplore.microtremor.dispersion import invert_dispersion

    return invert_dispersion(f, ci, ei, n_layers=settings.n_layers, seed=settings.seed, max_iterations=settings.max_iterations,
                            popsize=settings.popsize, n_runs=settings.n_runs, n_walk=settings.n_walk,
                            confidence=settings.confidence, increasing_vs=settings.increasing_vs,
                            bedrock_vs_m_s=settings.bedrock_vs_m_s)


def _array_dataset(f, c, e, rs, lim, comb, fk, inv, xy, names, settings) -> Any:
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
            "inverted_source": (("frequency_hz",), comb.source),
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
    cb[np.isfinite(comb.phase_velocity_m_s) & np.isfinite(comb.error_m_s)] = inv.c_best
    ds["phase_velocity_best_m_s"] = (("frequency_hz",), cb)
    _add_band(ds, comb)
    if fk is not None:
        ds["fk_phase_velocity_m_s"] = (("frequency_hz",), fk.phase_velocity_m_s)
        ds["fk_phase_velocity_err_m_s"] = (("frequency_hz",), fk.error_m_s)
        ds["fk_valid"] = (("frequency_hz",), comb.codes["fk"] == 0)
        ds["fk_edge"] = (("frequency_hz",), fk.edge)
        ds.attrs["fk_method"] = settings.fk_method
    return ds




def _add_band(ds: Any, comb: Any) -> None:
    """The combined curve, every method's band code and the code table (:mod:`~geoexplore.microtremor.valid_band`)."""
    from geoexplore.microtremor.valid_band import BAND_CODES

    ds["combined_phase_velocity_m_s"] = (("frequency_hz",), comb.phase_velocity_m_s)
    ds["combined_phase_velocity_err_m_s"] = (("frequency_hz",), comb.error_m_s)
    ds["spac_valid"] = (("frequency_hz",), comb.codes["spac"] == 0)
    for name, code in comb.codes.items():
        ds[f"{name}_band_code"] = (("frequency_hz",), code)
    ds.attrs["band_codes"] = "; ".join(f"{k}: {v}" for k, v in BAND_CODES.items())
    ds.attrs["inverted_source_codes"] = "0: none; 1: MSPAC; 2: FK; 3: MSPAC and FK (inverse-variance mean)"
    ds.attrs["k_low_rad_m"] = float(ds.attrs["kmin_rad_m"] * ds.attrs["fk_kmin_factor"])
